import contextlib
import os
import unittest

from helpers import cfg, entry, kernel_bin, make_host, session
from runner import backends, host


class FakeFS:
    def __init__(self, files=(), rw_error=None, cpuinfo="vendor_id : GenuineIntel\n"):
        self.files = dict(files)
        self.files["/proc/cpuinfo"] = cpuinfo
        self.files.update({host.Host.seabios: "", host.Host.vgabios: ""})
        self.rw_error = rw_error

    def read(self, path):
        return self.files.get(path)

    def exists(self, path):
        return path in self.files

    def open_rw_error(self, path):
        return self.rw_error

    def which(self, name):
        return "/usr/bin/" + name.rsplit("/", 1)[-1]

    def stat_key(self, path):
        return path

    def run(self, argv, stdin_text=None):
        return "QEMU emulator version 9.9.9" if "qemu" in argv[0] else "Bochs x86 Emulator 2.7"


class NoCache:
    def get(self, key, compute):
        return compute()

    def save(self):
        pass


VMX = "[v]\nfile = v\nrequires = vmx\n"
SVM = "[s]\nfile = s\nrequires = svm\n"


class Probe(unittest.TestCase):
    def probe(self, fs):
        return host.probe("/nonexistent", fs=fs, cache=NoCache(), env={})

    def test_kvm_intel_nested(self):
        h = self.probe(FakeFS({"/dev/kvm": "", "/sys/module/kvm_intel": "",
                               "/sys/module/kvm_intel/parameters/nested": "Y\n"}))
        self.assertEqual((h.vendor, h.kvm, h.nested_vmx, h.nested_svm), ("intel", True, True, False))
        self.assertEqual(h.qemu_version, "9.9.9")
        self.assertEqual(h.bochs_version, "2.7")

    def test_no_kvm(self):
        h = self.probe(FakeFS())
        self.assertFalse(h.kvm)
        self.assertEqual(h.kvm_reason, "no /dev/kvm")

    def test_kvm_not_writable(self):
        h = self.probe(FakeFS({"/dev/kvm": "", "/sys/module/kvm_amd": ""}, rw_error="permission denied"))
        self.assertFalse(h.kvm)
        self.assertIn("permission denied", h.kvm_reason)

    def test_qemu_params(self):
        h = host.probe("/nonexistent", fs=FakeFS(), cache=NoCache(), env={"QEMU_PARAMS": "-cpu max,-svm 'a b'"})
        self.assertEqual(h.qemu_params, ["-cpu", "max,-svm", "a b"])
        self.assertIn("(QEMU_PARAMS: -cpu max,-svm 'a b')", h.header()[1])
        argv = backends.qemu_invocation("/r", entry("[t]\nfile = t\nqemu_params = -x 1\n"), "qemu-tcg", h,
                                        ["env=qemu-tcg"]).argv
        self.assertEqual(argv[-5:], ["-x", "1", "-cpu", "max,-svm", "a b"])
        with self.assertRaises(host.UserError):
            host.probe("/nonexistent", fs=FakeFS(), cache=NoCache(), env={"QEMU_PARAMS": "'open"})

    def test_kvm_without_hardware_module(self):
        h = self.probe(FakeFS({"/dev/kvm": ""}, cpuinfo="vendor_id : AuthenticAMD\n"))
        self.assertEqual(h.vendor, "amd")
        self.assertFalse(h.kvm)


class Choice(unittest.TestCase):
    def test_best_available(self):
        self.assertEqual(backends.choose(entry(), make_host(kvm=True))[0], ["qemu-kvm"])
        self.assertEqual(backends.choose(entry(), make_host(kvm=False))[0], ["qemu-tcg"])
        self.assertEqual(backends.choose(entry(), make_host(qemu=None))[0], ["bochs"])

    def test_vmx(self):
        e = entry(VMX)
        intel = make_host(kvm=True, vendor="intel", nested_vmx=True)
        self.assertEqual(backends.choose(e, intel)[0], ["qemu-kvm"])
        self.assertEqual(backends.choose(e, make_host(kvm=True, vendor="intel"))[0], ["bochs"])
        self.assertEqual(backends.choose(e, make_host(kvm=True, vendor="amd", nested_svm=True))[0], ["bochs"])
        self.assertEqual(backends.choose(e, intel, every=True)[0], ["qemu-kvm", "bochs"])
        chosen, why = backends.choose(e, make_host(kvm=False, kvm_reason="no /dev/kvm", bochs=None))
        self.assertEqual(chosen, [])
        self.assertEqual(why, "VMX needs QEMU+KVM with nested VMX (no usable /dev/kvm here: no /dev/kvm) "
                              "or Bochs (not installed)")
        chosen, why = backends.choose(e, make_host(), forced=("qemu-tcg",))
        self.assertEqual((chosen, why), ([], "backend qemu-tcg cannot run it: TCG does not emulate VMX"))

    def test_svm(self):
        e = entry(SVM)
        self.assertEqual(backends.choose(e, make_host(kvm=True, vendor="amd"))[0], ["qemu-tcg"])
        self.assertEqual(backends.choose(e, make_host(kvm=True, vendor="amd", nested_svm=True))[0],
                         ["qemu-kvm"])
        self.assertEqual(backends.choose(e, make_host(), every=True)[0], ["qemu-tcg", "bochs"])

    def test_several_forced(self):
        e = entry(SVM)
        self.assertEqual(backends.choose(e, make_host(kvm=True, vendor="intel"), ("qemu-kvm", "qemu-tcg", "bochs"),
                                         every=True)[0], ["qemu-tcg", "bochs"])
        chosen, why = backends.choose(e, make_host(qemu=None, bochs=None), ("qemu-tcg", "bochs"), every=True)
        self.assertEqual((chosen, why), ([], "backend qemu-tcg cannot run it: QEMU not installed; "
                                             "backend bochs cannot run it: not installed"))

    def test_backend_option(self):
        from runner import cli
        self.assertEqual(cli.forced_backend(cli.parse_args(["--backend", "qemu-tcg,bochs"])), ("qemu-tcg", "bochs"))
        self.assertEqual(cli.forced_backend(cli.parse_args(["--backend=bochs"])), ("bochs",))
        for bad in ("nope", "bochs,bochs", "bochs,", ""):
            with self.assertRaises(SystemExit, msg=bad), open(os.devnull, "w") as null, \
                    contextlib.redirect_stderr(null):
                cli.parse_args(["--backend", bad])

    def test_cfg_restrictions(self):
        self.assertEqual(backends.choose(entry("[t]\nfile = t\nbackends = bochs\n"), make_host())[0], ["bochs"])
        self.assertEqual(backends.choose(entry("[t]\nfile = t\naccel = kvm\n"), make_host())[0], [])

    def test_plan_names(self):
        e = entry(SVM)
        labels = [p.label for p in session.plan([e], make_host(), every=True)]
        self.assertEqual(labels, ["s@qemu-tcg", "s@bochs:ryzen", "s@bochs:phenom_8650_toliman"])
        self.assertEqual([p.label for p in session.plan([e], make_host())], ["s"])
        (skip,) = session.plan([entry(VMX)], make_host(bochs=None))
        self.assertEqual(skip.outcome.status, "SKIP")

    def test_qemu_command(self):
        e = entry("[t]\nfile = t.flat\nsmp = 2\nmemory = 256\nqemu_params = -cpu max,+x2apic\n"
                  "test_args = one\n")
        errata = [cfg.Erratum("e1", ["qemu-tcg"], "r", "o", "s", "w"),
                  cfg.Erratum("e2", ["bochs"], "r", "o", "s", "w")]
        args = backends.guest_args(e, "qemu-tcg", errata)
        self.assertEqual(args, ["one", "cpus=2", "env=qemu-tcg", "errata=e1"])
        inv = backends.qemu_invocation("/r", e, "qemu-tcg", make_host(), args)
        argv = inv.argv
        self.assertEqual(argv[argv.index("-accel") + 1], "tcg")
        self.assertEqual(argv[argv.index("-smp") + 1], "2")
        self.assertEqual(argv[argv.index("-m") + 1], "256")
        self.assertEqual(argv[argv.index("-append") + 1], "one cpus=2 env=qemu-tcg errata=e1")
        self.assertEqual(argv[-2:], ["-cpu", "max,+x2apic"])
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=4", argv)

    def test_program_errata(self):
        import os
        import tempfile
        errata = [cfg.Erratum("named-in-elf", ["qemu-tcg"], "r", "o", "s", "w"),
                  cfg.Erratum("not-named", ["qemu-tcg"], "r", "o", "s", "w")]
        with tempfile.TemporaryDirectory() as d:
            e = entry("[t]\nfile = t.flat\n")
            self.assertEqual(backends.program_errata(d, e, errata), errata)   # no ELF: all kept
            os.makedirs(os.path.join(d, "build"))
            with open(os.path.join(d, "build", "t.elf"), "wb") as f:
                f.write(b"\x7fELF..named-in-elf\0..")
            self.assertEqual([x.name for x in backends.program_errata(d, e, errata)], ["named-in-elf"])

    def test_qemu_disk_boot(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "build"))
            with open(os.path.join(d, "build", "t.img"), "wb") as f:
                f.write(b"\x55" * 1024)
            e = entry("[t]\nfile = t.flat\nqemu_boot = disk\n")
            inv = backends.qemu_invocation(d, e, "qemu-tcg", make_host(), ["env=qemu-tcg"], scratch=d)
            drive = inv.argv[inv.argv.index("-drive") + 1]
            self.assertEqual(drive, f"file={os.path.join(d, 't.img')},format=raw,if=ide")
            self.assertNotIn("-kernel", inv.argv)
            with open(os.path.join(d, "t.img"), "rb") as f:
                self.assertEqual(f.read(1024)[512:528], b"t env=qemu-tcg\0\0")
        with self.assertRaises(cfg.UserError):
            entry("[t]\nfile = t\nqemu_boot = floppy\n")

    def test_bochs_disk_boot(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "build"))
            with open(os.path.join(d, "build", "t.img"), "wb") as f:
                f.write(b"\x55" * 512 + b"old" + b"\0" * 2000)
            scratch = os.path.join(d, "s")
            os.makedirs(scratch)
            e = entry("[t]\nfile = t\nsmp = 2\nbochs_boot = disk\n")
            inv = backends.bochs_invocation(d, e, make_host(), "ryzen", ["env=bochs:ryzen"], scratch)
            self.assertEqual(inv.needs, ["build/t.img"])
            with open(os.path.join(scratch, "t.img"), "rb") as f:
                img = f.read()
            self.assertEqual(len(img) % backends.FLAT_CYLINDER, 0)
            self.assertEqual(img[512:512 + 31], b"t console=e9 env=bochs:ryzen\0\0\0")
            with open(os.path.join(scratch, "bochsrc")) as f:
                rc = f.read()
            self.assertIn("cpu: model=ryzen, count=2, ips=2000000, reset_on_triple_fault=0, ignore_bad_msrs=0", rc)
            self.assertIn("romimage: file=/usr/share/seabios/bios-256k.bin", rc)
            self.assertIn(f"ata0-master: type=disk, path={os.path.join(scratch, 't.img')}, mode=flat", rc)
            self.assertNotIn("vga: extension=none", rc)       # the VGA BIOS's VBE stays
            self.assertIn("display_library: term", rc)
            self.assertIn("port_e9_hack: enabled=1", rc)         # the console (console=e9)
            self.assertTrue(inv.stdout_console)
            self.assertEqual(inv.serial_file, os.path.join(scratch, "serial.out"))   # COM1 before the switch
            self.assertEqual(inv.env, {"TERM": "dumb"})      # make_host(): no plugin directory
            self.assertIn("-q", inv.argv)

    def test_bochs_rom_boot(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "build"))
            with open(os.path.join(d, "build", "t.bin"), "wb") as f:
                f.write(kernel_bin(70000))
            open(os.path.join(d, "build", "bochs-rom.bin"), "wb").close()
            scratch = os.path.join(d, "s")
            os.makedirs(scratch)
            e = entry("[t]\nfile = t\nsmp = 2\n")
            self.assertEqual(e.bochs_boot, "rom")
            inv = backends.bochs_invocation(d, e, make_host(), "ryzen", ["cpus=2", "env=bochs:ryzen"], scratch)
            self.assertEqual(inv.needs, ["build/bochs-rom.bin", "build/t.bin"])
            with open(os.path.join(scratch, "bochsrc")) as f:
                rc = f.read().splitlines()
            cmdline = os.path.join(scratch, "cmdline")
            self.assertIn(f"romimage: file={os.path.join(d, 'build', 'bochs-rom.bin')}", rc)
            self.assertIn(f"optramimage1: file={os.path.join(d, 'build', 't.bin')}, address=0x100000", rc)
            self.assertIn(f"optramimage2: file={cmdline}, address=0x7e00", rc)
            self.assertFalse([line for line in rc if line.startswith(("ata0", "boot:", "vgaromimage"))])
            self.assertIn("vga: extension=none", rc)          # no VGA BIOS, so no VBE either
            # A cfg entry's bochs_params come after it: Bochs takes the last "vga:" line.
            s2 = os.path.join(d, "s_params")
            os.makedirs(s2)
            mine = entry("[t]\nfile = t\nbochs_params = 'vga: extension=vbe'\n")
            backends.bochs_invocation(d, mine, make_host(), "ryzen", [], s2)
            with open(os.path.join(s2, "bochsrc")) as f:
                vga = [line for line in f.read().splitlines() if line.startswith("vga:")]
            self.assertEqual(vga, ["vga: extension=none", "vga: extension=vbe"])
            with open(cmdline, "rb") as f:
                self.assertEqual(f.read(), b"t console=e9 cpus=2 env=bochs:ryzen\0")
            # COM1 as the console: no port 0xE9, the command line as given.
            s3 = os.path.join(d, "s3")
            os.makedirs(s3)
            inv = backends.bochs_invocation(d, e, make_host(), "ryzen", ["cpus=2"], s3, console="uart")
            self.assertFalse(inv.stdout_console)
            with open(os.path.join(s3, "bochsrc")) as f:
                self.assertNotIn("port_e9_hack", f.read())
            with open(os.path.join(s3, "cmdline"), "rb") as f:
                self.assertEqual(f.read(), b"t cpus=2\0")
            # Not built: no bochsrc, the missing file named by needs.
            os.remove(os.path.join(d, "build", "bochs-rom.bin"))
            s2 = os.path.join(d, "s2")
            os.makedirs(s2)
            backends.bochs_invocation(d, e, make_host(), "ryzen", ["env=bochs:ryzen"], s2)
            self.assertFalse(os.path.exists(os.path.join(s2, "bochsrc")))
            with self.assertRaises(ValueError):
                backends.bochs_invocation(d, e, make_host(), "ryzen", ["x" * 600], scratch)

    def test_ram_images_within_blocks(self):
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k.bin")
            data = kernel_bin(300 * 1024)
            with open(path, "wb") as f:
                f.write(data)
            images = backends.ram_images(path, d)
            self.assertEqual([a for _, a in images], [0x100000, 0x120000, 0x140000])
            joined = b""
            for p, _ in images:
                with open(p, "rb") as f:
                    joined += f.read()
            self.assertEqual(joined, data)
            self.assertEqual([os.path.getsize(p) for p, _ in images], [0x20000, 0x20000, 300 * 1024 - 0x40000])
            with open(path, "wb") as f:          # not on a block boundary: the first piece ends at one
                f.write(kernel_bin(100 * 1024, load_addr=0x110000))
            self.assertEqual([(os.path.getsize(p), a) for p, a in backends.ram_images(path, d)],
                             [(0x10000, 0x110000), (100 * 1024 - 0x10000, 0x120000)])
            for bad in (kernel_bin(400 * 1024), kernel_bin(4096, magic=0x12345678), b"\0" * 8):
                with open(path, "wb") as f:
                    f.write(bad)
                with self.assertRaises(ValueError):
                    backends.ram_images(path, d)



class BochsPlugins(unittest.TestCase):
    """The Bochs plugin directory without the plugins no hvtest bochsrc configures."""

    def setUp(self):
        import tempfile
        from unittest import mock
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        env = mock.patch.dict(os.environ, {"XDG_CACHE_HOME": self.dir.name + "/cache"})
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("LTDL_LIBRARY_PATH", None)
        backends._plugin_dirs.clear()
        self.addCleanup(backends._plugin_dirs.clear)

    def plugins(self, names):
        src = os.path.join(self.dir.name, "plugins")
        os.makedirs(src)
        for n in names:
            open(os.path.join(src, n), "w").close()
        return src

    def test_unused(self):
        for name in ("soundalsa", "soundoss", "eth_slirp", "usb_xhci", "usb_hid", "e1000", "ne2k",
                     "vvfat_img", "vmware4_img", "rfb_gui", "x_gui", "sb16", "voodoo", "svga_cirrus"):
            self.assertTrue(backends.bochs_plugin_unused(name), name)
        for name in ("usb_uhci", "sounddummy", "term_gui", "textconfig", "serial", "pci_ide", "vga",
                     "acpi", "hpet", "a_plugin_of_a_later_bochs"):
            self.assertFalse(backends.bochs_plugin_unused(name), name)

    def test_filtered_copy(self):
        src = self.plugins(["libbx_serial.so", "libbx_serial.so.0", "libbx_soundalsa.so",
                            "libbx_soundalsa.la", "libbx_usb_uhci.so", "libbx_usb_ehci.so"])
        got = backends.bochs_plugin_dir(make_host(bochs_plugins=src))
        self.assertTrue(got.startswith(self.dir.name + "/cache/hvtest/bochs-plugins/"), got)
        self.assertEqual(sorted(os.listdir(got)), ["libbx_serial.so", "libbx_serial.so.0", "libbx_usb_uhci.so"])
        self.assertEqual(os.readlink(os.path.join(got, "libbx_serial.so")), os.path.join(src, "libbx_serial.so"))
        os.unlink(os.path.join(got, "libbx_serial.so.0"))          # a copy not whole is made again
        self.assertEqual(backends._filter_plugins(src), got)
        self.assertEqual(len(os.listdir(got)), 3)
        self.assertEqual(os.listdir(os.path.dirname(got)), [os.path.basename(got)])   # no leftovers

    def test_threads_at_once(self):
        import threading
        names = [f"libbx_p{i}.so" for i in range(60)] + ["libbx_soundalsa.so"]
        h = make_host(bochs_plugins=self.plugins(names))
        got = []
        threads = [threading.Thread(target=lambda: got.append(backends.bochs_plugin_dir(h))) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(set(got)), 1)
        self.assertEqual(len(os.listdir(got[0])), 60)

    def test_none(self):
        self.assertIsNone(backends.bochs_plugin_dir(make_host()))                     # no plugins
        self.assertIsNone(backends._filter_plugins(self.plugins(["libbx_serial.so"])))  # nothing left out
        from unittest import mock
        with mock.patch.dict(os.environ, {"LTDL_LIBRARY_PATH": "/mine"}):
            self.assertIsNone(backends.bochs_plugin_dir(make_host(bochs_plugins="/x")))

    def test_the_probe_reads_the_directory(self):
        class Said(FakeFS):
            def run(self, argv, stdin_text=None):
                return ("00000000000i[      ] LTDL_LIBRARY_PATH not set. using compile time default "
                        "'/usr/lib/x86_64-linux-gnu/bochs/plugins'\n Bochs x86 Emulator 2.7\n")
        h = host.probe("/nonexistent", fs=Said(), cache=NoCache(), env={})
        self.assertEqual((h.bochs_version, h.bochs_plugins), ("2.7", "/usr/lib/x86_64-linux-gnu/bochs/plugins"))
        h = host.probe("/nonexistent", fs=FakeFS(), cache=NoCache(), env={})
        self.assertEqual(h.bochs_plugins, "")

    def test_relative_cache_home_ignored(self):
        from unittest import mock
        with mock.patch.dict(os.environ, {"XDG_CACHE_HOME": "relcache"}):
            self.assertEqual(host.cache_dir("x"), os.path.join(os.path.expanduser("~"), ".cache", "hvtest", "x"))

    def test_params_beyond_the_plain_keep_every_plugin(self):
        from unittest import mock
        d = self.dir.name
        with mock.patch.object(backends, "bochs_plugin_dir", lambda h: "/P"):
            os.makedirs(os.path.join(d, "build"))
            for name in ("bochs-rom.bin", "t.bin"):
                with open(os.path.join(d, "build", name), "wb") as f:
                    f.write(kernel_bin(4096))
            for params, want in (("", "/P"), ("port_e9_hack:enabled=1", "/P"), ("ne2k:ioaddr=0x300", None)):
                e = entry("[t]\nfile = t\n" + (f"bochs_params = {params}\n" if params else ""))
                inv = backends.bochs_invocation(d, e, make_host(), "ryzen", [], d)
                self.assertEqual(inv.env.get("LTDL_LIBRARY_PATH"), want, params)


class BochsStdout(unittest.TestCase):
    """build/bochs-stdout.so: Bochs' stdout (the console, port 0xE9) a line at a time."""
    ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # Unbuffered stdout, a byte and fflush() at a time, as Bochs writes port 0xE9;
    # then a mark on stderr, and the newline only after a byte on stdin.
    PROGRAM = r"""
#include <stdio.h>
int main(void)
{
	setbuf(stdout, NULL);
	putchar('a'); fflush(stdout);
	putchar('b'); fflush(stdout);
	fputc('.', stderr);
	getchar();
	putchar('\n'); fflush(stdout);
	return 0;
}
"""

    def setUp(self):
        import tempfile
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def invocation(self, name, lib=True, console="e9", user_preload=None):
        """(The Invocation of a Bochs run in root `name`, the library's path there)."""
        from unittest import mock
        d = os.path.join(self.dir.name, name)
        os.makedirs(os.path.join(d, "build"))
        for f in ("bochs-rom.bin", "t.bin") + ((backends.BOCHS_STDOUT_LIB,) if lib else ()):
            with open(os.path.join(d, "build", f), "wb") as out:
                out.write(kernel_bin(4096))
        environ = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        if user_preload:
            environ["LD_PRELOAD"] = user_preload
        with mock.patch.dict(os.environ, environ, clear=True):
            inv = backends.bochs_invocation(d, entry("[t]\nfile = t\n"), make_host(), "ryzen", [], d,
                                            console=console)
        return inv, os.path.join(d, "build", backends.BOCHS_STDOUT_LIB)

    def test_preloaded_with_the_console_on_stdout(self):
        inv, lib = self.invocation("e9")
        self.assertEqual(inv.env.get("LD_PRELOAD"), lib)
        inv, lib = self.invocation("user", user_preload="/u.so")
        self.assertEqual(inv.env.get("LD_PRELOAD"), lib + " /u.so")       # the user's kept, after it
        inv, _ = self.invocation("uart", console="uart")     # milestones read live: left as they are
        self.assertNotIn("LD_PRELOAD", inv.env)
        inv, _ = self.invocation("unbuilt", lib=False)       # not built: Bochs as it is
        self.assertNotIn("LD_PRELOAD", inv.env)

    def first_bytes(self, preload):
        """What the program's stdout holds when it has written its two bytes, then in all."""
        import select
        import subprocess
        env = dict(os.environ, LD_PRELOAD=preload) if preload else dict(os.environ)
        p = subprocess.Popen([self.exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        try:
            self.assertTrue(select.select([p.stderr], [], [], 30)[0], "the program wrote no mark")
            self.assertEqual(os.read(p.stderr.fileno(), 1), b".")
            early = b""
            while select.select([p.stdout], [], [], 0)[0]:   # what the two bytes' writes left there
                got = os.read(p.stdout.fileno(), 16)
                if not got:
                    break
                early += got
            rest = p.communicate(b"x", timeout=30)[0]
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        return early, early + rest

    def test_line_buffered(self):
        import shutil
        import subprocess
        lib = os.path.join(self.ROOT, "build", backends.BOCHS_STDOUT_LIB)
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc or not os.path.exists(lib):
            why = "no C compiler" if not cc else f"{lib} not built (make)"
            if os.environ.get("HVTEST_CHECK_TOOLS") == "required":
                self.fail(why)
            self.skipTest(why)
        src, self.exe = os.path.join(self.dir.name, "p.c"), os.path.join(self.dir.name, "p")
        with open(src, "w") as f:
            f.write(self.PROGRAM)
        subprocess.run([cc, "-o", self.exe, src], check=True)
        self.assertEqual(self.first_bytes(None), (b"ab", b"ab\n"))     # a byte at a time without it
        self.assertEqual(self.first_bytes(lib), (b"", b"ab\n"))        # with it: the line, whole


if __name__ == "__main__":
    unittest.main()
