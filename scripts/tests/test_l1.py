"""The l1-kvm backend's pieces that need no emulator: errata stacking and version
bounds, the kernel and module readers, the L1's report, the run-level verdicts."""
import os
import struct
import tempfile
import time
import unittest

from helpers import cfg, guest_output, host, outcome
from runner import l1, l1_image
from runner.errors import UserError

ERRATA = """\
[qemu-kvm-own]
env = qemu-kvm
rule = r
observed = o
seen = s
versions = qemu-kvm>=6.1 qemu-kvm<6.13

[qemu-tcg-through]
env = qemu-tcg qemu-kvm@qemu-tcg
rule = r
observed = o
seen = s
versions = qemu-tcg<=7.2.22

[qemu-tcg-alone]
env = qemu-tcg
rule = r
observed = o
seen = s

[bochs-through]
env = qemu-kvm@bochs
rule = r
observed = o
seen = s
"""


class ErrataWhere(unittest.TestCase):
    def setUp(self):
        self.e = {x.name: x for x in cfg.parse_errata(ERRATA, "e.cfg")}

    def applies(self, name, env, versions=None):
        return self.e[name].applies_to(env, versions)

    def test_kvm_own_applies_wherever_kvm_runs_within_its_versions(self):
        self.assertTrue(self.applies("qemu-kvm-own", "qemu-kvm", {"qemu-kvm": "6.1.192"}))
        self.assertTrue(self.applies("qemu-kvm-own", "qemu-kvm@qemu-tcg", {"qemu-kvm": "6.12.3"}))
        self.assertFalse(self.applies("qemu-kvm-own", "qemu-kvm", {"qemu-kvm": "6.13.0"}))
        self.assertFalse(self.applies("qemu-kvm-own", "qemu-kvm", {"qemu-kvm": "5.15.0"}))
        self.assertTrue(self.applies("qemu-kvm-own", "qemu-kvm", {}))        # version unknown
        self.assertFalse(self.applies("qemu-kvm-own", "qemu-tcg", {"qemu-tcg": "7.2.22"}))

    def test_emulator_erratum_passes_through_kvm_only_where_said(self):
        v = {"qemu-kvm": "6.1.192", "qemu-tcg": "7.2.22"}
        self.assertTrue(self.applies("qemu-tcg-through", "qemu-kvm@qemu-tcg", v))
        self.assertTrue(self.applies("qemu-tcg-through", "qemu-tcg", {"qemu-tcg": "7.2.22"}))
        self.assertFalse(self.applies("qemu-tcg-through", "qemu-kvm@qemu-tcg", dict(v, **{"qemu-tcg": "8.0.0"})))
        self.assertFalse(self.applies("qemu-tcg-through", "qemu-kvm", {"qemu-kvm": "6.1.192"}))
        self.assertFalse(self.applies("qemu-tcg-alone", "qemu-kvm@qemu-tcg", v))
        self.assertTrue(self.applies("bochs-through", "qemu-kvm@bochs:corei7_skylake_x", {}))
        self.assertFalse(self.applies("bochs-through", "bochs:corei7_skylake_x", {}))
        self.assertFalse(self.applies("bochs-through", "qemu-kvm@qemu-tcg", {}))

    def test_bad_env_and_versions_name_the_line(self):
        for text, word in (("env = qemu-tcg@bochs\n", "only KVM is stacked"),
                           ("env = qemu-kvm@xen\n", "unknown environment"),
                           ("env = qemu-kvm\nversions = linux<6\n", "versions: expected"),
                           ("env = qemu-kvm\nversions = qemu-kvm~6\n", "versions: expected")):
            with self.assertRaises(UserError) as cm:
                cfg.parse_errata("[x]\n" + text + "rule = r\nobserved = o\nseen = s\n", "e.cfg")
            self.assertIn(word, str(cm.exception))
            self.assertIn("e.cfg:", str(cm.exception))

    def test_version_key(self):
        self.assertEqual(cfg.version_key("6.1.0-56-amd64"), (6, 1, 0, 56))
        self.assertEqual(cfg.version_key("7.2.22"), (7, 2, 22))
        self.assertLess(cfg.version_key("6.9"), cfg.version_key("6.13"))

    def test_host_versions_of_a_stacked_run(self):
        h = host.Host(kernel="6.1.192", qemu_version="7.2.22", bochs_version="2.7",
                      under="qemu-tcg", under_version="7.2.22")
        self.assertEqual(h.versions("qemu-kvm@qemu-tcg"), {"qemu-kvm": "6.1.192", "qemu-tcg": "7.2.22"})
        self.assertEqual(h.versions("bochs:ryzen"), {"bochs": "2.7"})
        self.assertIn("its KVM running on qemu-tcg 7.2.22", "\n".join(h.header()))

    def test_kernel_version_prefers_debians_upstream_number(self):
        proc = ("Linux version 6.1.0-56-amd64 (gcc-12 (Debian 12.2.0-14) 12.2.0) "
                "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-08-01)")
        self.assertEqual(host.kernel_version("6.1.0-56-amd64", proc), "6.1.192")
        self.assertEqual(host.kernel_version("6.18.44-fc", "Linux version 6.18.44-fc (gcc 12) #1"), "6.18.44")


def fake_bzimage(version):
    head = bytearray(0x400)
    head[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", head, 0x20e, 0x100)
    text = f"{version} (builder@host) #1 SMP".encode()
    head[0x300:0x300 + len(text)] = text
    return bytes(head)


def fake_module(depends):
    """A minimal ELF64 with a .modinfo section holding depends=..."""
    modinfo = b"license=GPL\0depends=" + ",".join(depends).encode() + b"\0"
    shstr = b"\0.modinfo\0.shstrtab\0"
    data_off = 0x40
    shstr_off = data_off + len(modinfo)
    shoff = shstr_off + len(shstr)
    elf = bytearray(shoff + 3 * 64)
    elf[:4] = b"\x7fELF"
    elf[4] = 2
    struct.pack_into("<Q", elf, 0x28, shoff)
    struct.pack_into("<HHH", elf, 0x3a, 64, 3, 2)
    elf[data_off:data_off + len(modinfo)] = modinfo
    elf[shstr_off:shstr_off + len(shstr)] = shstr
    struct.pack_into("<IIQQQQ", elf, shoff + 64, 1, 1, 0, 0, data_off, len(modinfo))
    struct.pack_into("<IIQQQQ", elf, shoff + 128, 10, 3, 0, 0, shstr_off, len(shstr))
    return bytes(elf)


class KernelAndModules(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def write(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_bzimage_version_and_refusal(self):
        self.assertEqual(l1_image.bzimage_version(self.write("bz", fake_bzimage("6.15.0-rc1"))), "6.15.0-rc1")
        with self.assertRaises(UserError) as cm:
            l1_image.bzimage_version(self.write("notbz", b"\0" * 0x400))
        self.assertIn("not a bzImage", str(cm.exception))

    def test_load_order_puts_dependencies_first_and_skips_built_in(self):
        image = self.write("boot/vmlinuz", fake_bzimage("6.1.0"))
        mods = os.path.join(self.root, "lib", "modules", "6.1.0")
        self.write("lib/modules/6.1.0/kernel/kvm-amd.ko", fake_module(["kvm", "ccp"]))
        self.write("lib/modules/6.1.0/kernel/kvm.ko", fake_module(["irqbypass"]))
        self.write("lib/modules/6.1.0/kernel/irqbypass.ko", fake_module([]))
        self.write("lib/modules/6.1.0/kernel/ccp.ko", fake_module([]))
        for m in ("virtio_pci", "9pnet_virtio", "9p"):
            self.write(f"lib/modules/6.1.0/kernel/{m}.ko", fake_module([]))
        k = l1_image.Kernel(image, mods, "test")
        names = [n for n, _ in l1_image.load_order(k, "svm")]
        self.assertEqual(names, ["virtio_pci", "9pnet_virtio", "9p", "irqbypass", "kvm", "ccp", "kvm_amd"])
        os.unlink(os.path.join(mods, "kernel", "9p.ko"))
        self.write("lib/modules/6.1.0/modules.builtin", b"kernel/fs/9p/9p.ko\n")
        self.assertNotIn("9p", [n for n, _ in l1_image.load_order(k, "svm")])
        os.unlink(os.path.join(mods, "kernel", "ccp.ko"))
        with self.assertRaises(UserError) as cm:
            l1_image.load_order(k, "svm")
        self.assertIn("module ccp (needed by kvm_amd)", str(cm.exception))

    def test_module_signature_is_removed(self):
        elf = fake_module([])
        sig = b"S" * 300
        signed = elf + sig + bytes(8) + struct.pack(">I", len(sig)) + l1_image.SIG_MARK
        self.assertEqual(l1_image.module_bytes(self.write("m.ko", signed)), elf)
        self.assertEqual(l1_image.module_bytes(self.write("n.ko", elf)), elf)

    def test_user_kernel_finds_modules_beside_it(self):
        image = self.write("out/bzImage", fake_bzimage("6.16.0"))
        self.assertIsNone(l1_image.find_kernel(image).modules)
        os.makedirs(os.path.join(self.root, "out", "lib", "modules", "6.16.0"))
        self.assertEqual(l1_image.find_kernel(image).modules,
                         os.path.join(self.root, "out", "lib", "modules", "6.16.0"))
        with self.assertRaises(UserError):
            l1_image.find_kernel(os.path.join(self.root, "nothing"))


def fake_vmlinux(entry=0x1000850):
    """A 64-bit ELF kernel: text at 16 MiB, data with a BSS after it, and the PVH note."""
    text, data = b"\x90" * 1000, b"\x01" * 700
    note = struct.pack("<III", 4, 8, l1_image.XEN_ELFNOTE_PHYS32_ENTRY) + b"Xen\0" + struct.pack("<Q", entry)
    phoff, n = 0x40, 3
    off = phoff + n * 56
    elf = bytearray(b"\x7fELF\x02\x01\x01" + bytes(9))
    elf += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, phoff, 0, 0, 64, 56, n, 0, 0, 0)
    phdrs = [(1, off, 0x1000000, len(text), len(text)),
             (1, off + len(text), 0x1002000, len(data), 0x3000),
             (4, off + len(text) + len(data), 0, len(note), len(note))]
    for p_type, p_off, paddr, filesz, memsz in phdrs:
        elf += struct.pack("<IIQQQQQQ", p_type, 0, p_off, paddr, paddr, filesz, memsz, 0x1000)
    return bytes(elf + text + data + note)


def fake_xz_bzimage(payload):
    """A bzImage (boot protocol 2.15) whose payload is payload, xz-compressed."""
    import lzma
    head = bytearray(fake_bzimage("6.1.0"))
    head[0x1f1] = 1                                   # setup: 2 sectors in all
    struct.pack_into("<H", head, 0x206, 0x20f)
    packed = lzma.compress(payload, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
    struct.pack_into("<II", head, 0x248, 0x10, len(packed))
    return bytes(head) + bytes(0x10) + packed + struct.pack("<I", len(payload))


class PvhBoot(unittest.TestCase):
    """The Bochs L1's boot disk: the load list that x86/boot/rom.S (ROM_PVH) follows."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.cache, l1_image.CACHE = l1_image.CACHE, self.dir.name

    def tearDown(self):
        l1_image.CACHE = self.cache
        self.dir.cleanup()

    def kernel(self, payload):
        path = os.path.join(self.dir.name, "bzImage")
        with open(path, "wb") as f:
            f.write(fake_xz_bzimage(payload))
        return l1_image.Kernel(path, None, "test")

    def test_load_list_places_everything_and_zeroes_the_bss(self):
        initrd = os.path.join(self.dir.name, "initrd")
        with open(initrd, "wb") as f:
            f.write(b"\x07" * 1500)
        ram = 2048 << 20
        with open(l1_image.pvh_disk(self.kernel(fake_vmlinux()), initrd, "console=ttyS0", ram), "rb") as f:
            disk = f.read()
        self.assertEqual(disk[:8], b"HVTPVH01")
        entry, ebx, count = struct.unpack_from("<III", disk, 8)
        self.assertEqual((entry, ebx, count), (0x1000850, l1_image.PVH_INFO, 4))
        items = [struct.unpack_from("<IIII", disk, 24 + 16 * i) for i in range(count)]
        # (lba, sectors, dest, zero): info page, text, data + BSS, initramfs; in address order
        self.assertEqual([(s, d, z) for _, s, d, z in items],
                         [(8, 0x1000, 0), (2, 0x1000000, 0), (2, 0x1002000, 0x3000 - 1024),
                          (3, l1_image.PVH_INITRD, 0)])
        self.assertEqual([lba for lba, *_ in items], [1, 9, 11, 13])
        self.assertEqual(disk[9 * 512:9 * 512 + 1000], b"\x90" * 1000)
        self.assertEqual(disk[11 * 512:11 * 512 + 700], b"\x01" * 700)
        self.assertEqual(disk[13 * 512:13 * 512 + 1500], b"\x07" * 1500)
        self.assertEqual(len(disk) % l1_image.FLAT_CYLINDER, 0)
        info = disk[512:512 + 4096]
        magic, version, _, nr_mod, modlist, cmdline, rsdp, memmap, entries = struct.unpack_from("<IIIIQQQQI", info)
        self.assertEqual((magic, version, nr_mod, rsdp), (0x336EC578, 1, 1, 0))
        self.assertEqual(struct.unpack_from("<QQ", info, modlist - l1_image.PVH_INFO), (l1_image.PVH_INITRD, 1500))
        self.assertEqual(info[cmdline - l1_image.PVH_INFO:].split(b"\0")[0], b"console=ttyS0")
        mm = [struct.unpack_from("<QQI", info, memmap - l1_image.PVH_INFO + 24 * i) for i in range(entries)]
        self.assertIn((0x100000, ram - 0x100000, 1), mm)

    def test_a_gzip_kernel_unpacks_too(self):
        import gzip
        path = os.path.join(self.dir.name, "bzImage.gz")
        head = bytearray(fake_xz_bzimage(b""))[:0x400]
        packed = gzip.compress(fake_vmlinux())           # the kernel appends no size to gzip
        struct.pack_into("<II", head, 0x248, 0x10, len(packed))
        with open(path, "wb") as f:
            f.write(bytes(head) + bytes(0x10) + packed)
        with open(l1_image.vmlinux(l1_image.Kernel(path, None, "test")), "rb") as f:
            self.assertEqual(f.read(), fake_vmlinux())

    def test_a_kernel_without_pvh_entry_is_refused(self):
        k = self.kernel(fake_vmlinux().replace(b"Xen\0", b"Abc\0"))
        with self.assertRaises(UserError) as cm:
            l1_image.pvh_disk(k, k.image, "", 2048 << 20)
        self.assertIn("CONFIG_PVH", str(cm.exception))


class L1Report(unittest.TestCase):
    def test_info_from_the_init(self):
        k = l1_image.Kernel.__new__(l1_image.Kernel)
        k.version, k.source = "6.1.0-56-amd64", "Debian package"
        text = ("kernel=6.1.0-56-amd64\nmodule=kvm_amd\nparam kvm_amd/parameters/nested=1\n"
                "param kvm_amd/parameters/npt=Y\nparam kvm/parameters/tdp_mmu=Y\n"
                "dmesg [   10.1] kvm: Nested Virtualization enabled\n")
        info = l1.L1Info("svm", k, text)
        info.boot_seconds, info.boots = 30.2, 2
        head = "\n".join(info.header())
        self.assertIn("Linux 6.1.0-56-amd64 (Debian package) under qemu-tcg, booted in 30.2 s (2 boots)", head)
        self.assertIn("kvm_amd nested=1 npt=Y", head)
        self.assertIn("dmesg: [   10.1] kvm: Nested Virtualization enabled", head)
        self.assertEqual(info.to_json()["parameters"]["kvm.tdp_mmu"], "Y")

    def test_inner_log_serial_section(self):
        log = "test: a\ncommand: q\n--- serial ---\nHVTEST-START: a\nPASS: x\n--- stderr ---\nnoise\n"
        self.assertEqual(l1._section(log, "--- serial ---"), "HVTEST-START: a\nPASS: x")


class RunLevelVerdicts(unittest.TestCase):
    def test_timeout_names_subtest_step_and_counts(self):
        g = guest_output.parse(["HVTEST-START: p cpus=1 args=", "SUBTEST: iopm", "PASS: iopm: one",
                                "FAIL: iopm: two", "SUBTEST: msrpm", "STEP-BEGIN: svm_init",
                                "STEP-BEGIN: svm_init > hardware_enable"])
        o = outcome.judge(g, "qemu", None, True, 30)
        self.assertEqual(o.status, "TIMEOUT")
        self.assertIn("subtest msrpm", o.reason)
        self.assertIn("step svm_init > hardware_enable", o.reason)
        self.assertIn("2 checks so far (1 passed, 1 failed)", o.reason)
        crash = outcome.judge(g, "qemu", 0, False)
        self.assertEqual(crash.status, "CRASH")
        self.assertIn("subtest msrpm", crash.reason)


if __name__ == "__main__":
    unittest.main()


FAKE_L1 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_l1_qemu.py")


class Backend(unittest.TestCase):
    """The host side of an l1-kvm run, with a fake L0 QEMU that plays the L1."""

    def setUp(self):
        from helpers import make_host, session
        self.session = session
        self.root = tempfile.mkdtemp(prefix="hvtest-unit-")
        os.makedirs(os.path.join(self.root, "build"))
        os.makedirs(os.path.join(self.root, "scripts", "runner"))
        for name in ("a", "b"):
            open(os.path.join(self.root, "build", name + ".flat"), "w").close()
        with open(os.path.join(self.root, "unittests.cfg"), "w") as f:
            f.write("[a]\nfile = a\nrequires = svm\n[b]\nfile = b\n")
        self.logs = os.path.join(self.root, "logs")
        os.makedirs(self.logs)
        self.host = make_host(qemu=FAKE_L1)
        self.kernel = os.path.join(self.root, "bzImage")
        with open(self.kernel, "wb") as f:
            f.write(fake_bzimage("6.1.0-fake"))
        l1.configure(self.kernel)
        self.saved = (l1.BOOT_BUDGET["svm"], l1.INNER_TIMEOUT_SCALE["svm"], l1.TEST_SLACK, l1_image.initramfs,
                      l1.load_per_cpu)
        l1.load_per_cpu = lambda cpus: 1.0          # the deadline as on an idle machine
        l1.BOOT_BUDGET["svm"], l1.INNER_TIMEOUT_SCALE["svm"], l1.TEST_SLACK = 2.0, 1.0, 0.0
        l1_image.initramfs = lambda kernel, vendor: self.kernel     # no busybox image needed

    def tearDown(self):
        (l1.BOOT_BUDGET["svm"], l1.INNER_TIMEOUT_SCALE["svm"], l1.TEST_SLACK, l1_image.initramfs,
         l1.load_per_cpu) = self.saved
        l1.configure(None)
        os.environ.pop("FAKE_L1_MODE", None)
        import shutil
        shutil.rmtree(self.root, ignore_errors=True)

    def run_all(self, mode):
        os.environ["FAKE_L1_MODE"] = mode
        entries = cfg.load_unittests(os.path.join(self.root, "unittests.cfg"))
        items = self.session.plan(entries, self.host, forced=("l1-kvm",))
        for e in entries:
            e.timeout = 1.0
        from runner import execute
        emulators = execute.Emulators()
        ctx = self.session.Context(self.root, self.host, [], emulators, 1.0, self.logs, planned=items)
        try:
            return [self.session.run_one(p, ctx) for p in items], ctx
        finally:
            emulators.stop_all()
            ctx.close()

    def test_results_come_back_named_test_at_l1_kvm(self):
        results, ctx = self.run_all("ok")
        self.assertEqual([(r.label, r.outcome.status, r.env) for r in results],
                         [("a@l1-kvm", "PASS", "qemu-kvm@qemu-tcg"), ("b@l1-kvm", "PASS", "qemu-kvm@qemu-tcg")])
        self.assertEqual(results[0].guest.counts()["PASS"], 1)
        self.assertEqual(results[0].guest.subtest, "one")
        head = "\n".join(ctx.l1.header())
        self.assertEqual(ctx.l1.header("svm"), ctx.l1.header())     # the one L1 that ran
        self.assertEqual(ctx.l1.header("vmx"), [])
        self.assertIn("Linux 6.1.0-fake", head)
        self.assertIn("kvm_amd nested=1", head)
        self.assertEqual(ctx.l1.to_json()["svm"]["boots"], 1)
        self.assertTrue(os.path.exists(os.path.join(self.logs, "l1-kvm-svm.log")))

    def test_an_l1_that_does_not_boot_is_an_error_for_each_test(self):
        results, _ = self.run_all("noboot")
        self.assertEqual([r.outcome.status for r in results], ["ERROR", "ERROR"])
        self.assertIn("ERROR insmod kvm_amd", results[0].outcome.reason)

    def test_an_l1_that_ends_early_names_the_test_that_was_running(self):
        results, _ = self.run_all("dies")
        self.assertEqual([r.outcome.status for r in results], ["PASS", "CRASH"])
        self.assertIn("without a result while b ran", results[1].outcome.reason)
        self.assertIn("exit code 1", results[1].outcome.reason)

    def test_an_l1_that_stalls_is_stopped_and_the_rest_run_in_another_boot(self):
        results, ctx = self.run_all("hang")
        self.assertEqual([r.outcome.status for r in results], ["TIMEOUT", "TIMEOUT"])
        self.assertIn("gave no result", results[0].outcome.reason)
        self.assertIn("while a ran", results[0].outcome.reason)
        self.assertIn("while b ran", results[1].outcome.reason)     # in the second boot
        self.assertEqual(ctx.l1.to_json()["svm"]["boots"], 2)
        self.assertIn("booted again", "\n".join(ctx.l1.header("svm")))
        self.assertTrue(os.path.exists(os.path.join(self.logs, "l1-kvm-svm.2.log")))

    def test_an_l1_that_does_not_end_after_its_results_is_stopped(self):
        saved, l1.LINGER = l1.LINGER, 0.0
        try:
            start = time.monotonic()
            results, ctx = self.run_all("nohalt")
        finally:
            l1.LINGER = saved
        self.assertEqual([r.outcome.status for r in results], ["PASS", "PASS"])
        self.assertEqual(ctx.l1.to_json()["svm"]["boots"], 1)
        self.assertLess(time.monotonic() - start, 30)

    def test_an_l1_that_never_boots_is_stopped_at_its_deadline(self):
        results, _ = self.run_all("hangboot")
        self.assertEqual([r.outcome.status for r in results], ["ERROR", "ERROR"])
        self.assertIn("did not reach its init (timed out)", results[1].outcome.reason)


class StoppedInnerRun(unittest.TestCase):
    """The inner runner stopped before inner.json: finished tests still count."""

    def test_from_log_then_console(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "logs"))
            with open(os.path.join(d, "logs", "a.log"), "w") as f:
                f.write("test: a\ncommand: qemu -x\n--- serial ---\nHVTEST-END: PASS\n"
                        "--- exit code 1, 13.68 s ---\noutcome: PASS 81 checks passed\n")
            run = l1._run_from_log("a", d, "")
            self.assertEqual((run["status"], run["reason"], run["duration"], run["command"]),
                             ("PASS", "81 checks passed", 13.68, ["qemu", "-x"]))
            console = "host: x\nFAIL b (vmxon: cpu0: thing (+1 more), 20.1 s)\n"
            self.assertEqual(l1._run_from_log("b", d, console)["status"], "FAIL")
            self.assertIsNone(l1._run_from_log("c", d, console))


class CachePrune(unittest.TestCase):
    """Of each kind of L1 image the CACHE_KEEP last used stay."""

    def test_publish_keeps_the_last_used(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            def make(name, age):
                path = os.path.join(d, name)
                if name.startswith("userland"):
                    os.makedirs(path)
                else:
                    open(path, "w").close()
                os.utime(path, (1e9 - age, 1e9 - age))
                return path
            old = [make(f"vmlinux-{i:016x}", age=i) for i in range(1, 5)]   # old[0] the newest
            others = [make("boot-pvh-" + "a" * 16 + ".img", 9), make("initramfs-svm-" + "b" * 16 + ".cpio", 9),
                      make("vmlinux-" + "c" * 16 + ".4242", 99), make("debian", 99)]
            dirs = [make(f"userland-{i:016x}", age=i) for i in range(1, 5)]
            self.assertTrue(l1_image._hit(old[3]))          # used now: the newest
            self.assertFalse(l1_image._hit(os.path.join(d, "vmlinux-" + "d" * 16)))
            tmp = os.path.join(d, "new.tmp")
            open(tmp, "w").close()
            final = os.path.join(d, "vmlinux-" + "e" * 16)
            l1_image._publish(tmp, final)
            left = sorted(os.listdir(d))
            self.assertEqual([n for n in left if n.startswith("vmlinux-") and "." not in n],
                             sorted(os.path.basename(p) for p in (final, old[3], old[0])))
            for p in others + dirs:
                self.assertTrue(os.path.exists(p), p)
            os.makedirs(tmp)
            l1_image._publish(tmp, os.path.join(d, "userland-" + "f" * 16))
            self.assertEqual(sorted(n for n in os.listdir(d) if n.startswith("userland-")),
                             sorted(["userland-" + "f" * 16] + [os.path.basename(p) for p in dirs[:2]]))
