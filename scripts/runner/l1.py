"""The l1-kvm backend: real KVM as an L1 hypervisor, under emulation.

A Linux kernel boots as L1 under the emulator that provides the
virtualization: QEMU TCG (-cpu max: AMD SVM) for SVM programs and the
runtime's own x86 programs, Bochs (corei7_skylake_x: VMX with EPT) for VMX
programs.  Its /init (scripts/l1/init) loads KVM with nested=1 and runs the
selected programs with this same runner and the qemu-kvm backend; the
results come back into this runner's output as NAME@l1-kvm.  One L1 boot per
vendor and runner invocation, for all the tests of that vendor; both vendors'
L1s start together.  docs/l1-kvm.md has the picture, the cost, and how to
test one's own kernel.

The channel back: the QEMU L1 writes into a run directory shared over
virtio-9p; the Bochs L1 onto its ext2 userland disk, read back with debugfs.
"""
import os
import shlex
import shutil
import threading
import time

from . import execute, guest_output      # l1_image: imported where used, a run without l1-kvm never loads it
from .errors import UserError
from .outcome import STATUSES, Outcome

BACKEND = "l1-kvm"
# Timeouts inside the L1: the programs run under KVM nested in an emulator.
INNER_TIMEOUT_SCALE = {"svm": 4.0, "vmx": 4.0}
# Wall time allowed for an L1 to boot and reach its init (measured: QEMU TCG
# 5-30 s on 2 busy cores, Bochs 70-150 s), on top of the tests' timeouts.
BOOT_BUDGET = {"svm": 180.0, "vmx": 600.0}
TEST_SLACK = 15.0                # per test, on top of its scaled timeout: the inner runner's own work
LINGER = 60.0                    # after the last result, for the inner runner's end and the power-off
# How the machine's load stretches an L1 run.  The QEMU TCG L1's clock is
# the host's, so its programs take longer in that clock when the cores are
# shared: its inner timeouts grow with the load (2026-11-29: svm_bringup took
# 14 s at load 5, 66 s at load 15, over 120 s at load 20).  The Bochs L1's
# clock counts emulated instructions, so its inner timeouts need nothing, but
# the wall time its run takes grows: an emulated second takes about 2 wall
# seconds on an idle core, more when Bochs gets a fraction of one.
LOADED = {"svm": "inner", "vmx": "deadline"}
BOCHS_SECONDS_PER_EMULATED = 2.0
BOOT_ATTEMPTS = 3                # boots of one L1 when its userland disk is not probed
L1_RESUMES = 2                   # further L1 boots for the tests not started when an L1 stalled or ended
BOCHS_IPS = 50000000             # the Bochs L1's emulated clock; its TSC runs at this rate
BOCHS_MODEL = "corei7_skylake_x"
BOCHS_MEGS = 2048                # the Bochs L1's RAM (Bochs takes at most 2048)
PVH_ROM = "bochs-rom-pvh.bin"    # made by make (x86/boot/image.mk)
UNDER = {"svm": "qemu-tcg", "vmx": "bochs:" + BOCHS_MODEL}
RUN_9P, RUN_DISK = "/tmp/hv", "/hv"      # the run directory as the L1 sees it (scripts/l1/init)
MARK = "HVTEST-L1: "

_kernel_option = None


def configure(kernel_path):
    """--l1-kernel PATH (None: the default kernel, docs/l1-kvm.md)."""
    global _kernel_option
    _kernel_option = kernel_path


def vendor(entry):
    """Which L1 runs entry: VMX programs need Bochs' VMX, the rest QEMU TCG's SVM."""
    return "vmx" if entry.requires == "vmx" else "svm"


def can_run(entry, host):
    """None when the l1-kvm backend can run entry here, else why not."""
    from . import l1_image
    if not host.qemu:
        return "QEMU not installed (the L1 runs the programs with QEMU+KVM)"
    if vendor(entry) == "vmx" and not host.bochs:
        return "Bochs not installed (it provides the VMX the L1's KVM uses)"
    try:
        l1_image.find_kernel(_kernel_option)
    except UserError as e:
        return str(e)
    return None


def env_name(entry):
    """The environment stack of an l1-kvm run: KVM, and what it runs on."""
    return "qemu-kvm@" + UNDER[vendor(entry)]


class L1Info:
    """What the L1 said about itself (scripts/l1/init writes l1-info)."""

    def __init__(self, vendor_name, kernel, text=""):
        from . import l1_image
        self.vendor = vendor_name
        self.kernel = kernel.version
        self.source = kernel.source
        self.module = l1_image.KVM_MODULE[vendor_name]
        self.params = {}
        self.dmesg = []
        self.boot_seconds = None
        self.boots = 0
        self.load = None             # host load per CPU when the L1 started
        self.inner_scale = None      # the inner runner's --timeout-scale
        self.resumed = []            # the boots again after an L1 that stalled or ended
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if line.startswith("kernel="):
                self.kernel = line[len("kernel="):]
            elif key == "param":
                name, _, v = value.partition("=")
                self.params[name.replace("/parameters/", ".")] = v
            elif key == "dmesg":
                self.dmesg.append(value)

    def header(self):
        under = UNDER[self.vendor]
        mine = " ".join(f"{k.split('.', 1)[1]}={v}" for k, v in sorted(self.params.items())
                        if k.startswith(self.module + "."))
        lines = [f"l1-kvm ({self.vendor.upper()}): Linux {self.kernel} ({self.source}) under {under}"
                 + (f", booted in {self.boot_seconds:.1f} s" if self.boot_seconds else "")
                 + (f" ({self.boots} boots)" if self.boots > 1 else "")
                 + (f"; load {self.load:.1f} per CPU, timeouts inside x{self.inner_scale:.1f}"
                    if self.inner_scale else ""),
                 f"l1-kvm ({self.vendor.upper()}): {self.module} {mine or '(parameters not read)'}"]
        lines += [f"l1-kvm ({self.vendor.upper()}): dmesg: {d}" for d in self.dmesg]
        lines += [f"l1-kvm ({self.vendor.upper()}): booted again after an L1 that stalled or ended, {r}"
                  for r in self.resumed]
        return lines

    def to_json(self):
        return {"vendor": self.vendor, "under": UNDER[self.vendor], "kernel": self.kernel,
                "source": self.source, "module": self.module, "parameters": self.params,
                "dmesg": self.dmesg, "boot_seconds": self.boot_seconds, "boots": self.boots,
                "load_per_cpu": self.load, "inner_timeout_scale": self.inner_scale, "resumed": self.resumed}


class Batches:
    """The L1 runs of one runner invocation: started on the first request, once."""

    def __init__(self, planned, ctx):
        self.ctx = ctx
        self.groups = {}
        for p in planned:
            if getattr(p, "backend", None) == BACKEND:
                self.groups.setdefault(vendor(p.entry), []).append(p)
        self.lock = threading.Lock()
        self.threads = {}
        self.results = {}            # label -> Result
        self.infos = {}              # vendor -> L1Info
        self.done = {v: threading.Event() for v in self.groups}

    def result(self, p):
        with self.lock:
            if not self.threads:
                for v in self.groups:
                    t = threading.Thread(target=self._run_vendor, args=(v,), daemon=True)
                    self.threads[v] = t
                    t.start()
        self.done[vendor(p.entry)].wait()
        return self.results[p.label]

    def header(self, v=None):
        """The report header's lines of the L1 of vendor v (None: of every L1 that ran)."""
        lines = []
        for name in sorted(self.infos) if v is None else [v] if v in self.infos else []:
            lines.extend(self.infos[name].header())
        return lines

    def to_json(self):
        return {v: i.to_json() for v, i in sorted(self.infos.items())}

    def _run_vendor(self, v):
        """The vendor's L1, booted again (at most L1_RESUMES times) for the tests
        an L1 never began because it stalled or ended during an earlier one."""
        items, info, runs = self.groups[v], None, []
        for boot in range(L1_RESUMES + 1):
            got, got_info, unstarted = self._one_l1(v, items, boot)
            if got_info and info:
                info.boots += got_info.boots
                info.resumed.append(f"boot {info.boots}: {len(items)} tests, from {items[0].entry.name}")
            info = info or got_info
            again = unstarted if unstarted and boot < L1_RESUMES else []
            runs += [r for r in got if r.label not in {p.label for p in again}]
            if not again:
                break
            items = again
        with self.lock:
            for r in runs:
                self.results[r.label] = r
            if info:
                self.infos[v] = info
        self.done[v].set()

    def _one_l1(self, v, items, boot):
        """(results, L1Info or None, the items it never began) of one L1 run."""
        from .session import Result
        try:
            run = _L1Run(v, items, self.ctx, boot)
            results, info = run.run()
            return results, info, run.unstarted
        except UserError as e:
            why = str(e)
        except Exception as e:        # never leave the waiting workers stuck
            why = f"l1-kvm: {type(e).__name__}: {e}"
        return [Result(p.label, p.entry, BACKEND, env_name(p.entry), Outcome("ERROR", why)) for p in items], None, []


class _L1Run:
    """One L1 boot for the tests of one vendor."""

    def __init__(self, v, items, ctx, boot=0):
        from . import l1_image
        self.vendor = v
        self.items = items
        self.ctx = ctx
        self.boot = boot             # 0, or which boot again after an L1 that stalled or ended
        self.kernel = l1_image.find_kernel(_kernel_option)
        self.scratch = os.path.join(ctx.scratch, f"l1-{v}")
        self.run_dir = os.path.join(self.scratch, "run")
        self.disk = v == "vmx"
        self.inner_dir = RUN_DISK if self.disk else RUN_9P
        self.retried = []            # consoles of the boots that gave up (RETRY)
        self.finished = set()        # labels of the tests the L1 gave a result for
        self.stalled = None          # the test during which the L1 stopped giving results (stopped then)
        self.unstarted = []          # the items it never began (another L1 boot can run them)
        self.load = load_per_cpu(ctx.host.cpus)
        self.inner_scale = INNER_TIMEOUT_SCALE[v] * ctx.timeout_scale * \
            (self.load if LOADED[v] == "inner" else 1.0)

    # -- the run directory: what the inner runner needs, and inner.sh ------
    def _populate(self):
        root = self.ctx.root
        os.makedirs(os.path.join(self.run_dir, "build"), exist_ok=True)
        shutil.copytree(os.path.join(root, "scripts", "runner"), os.path.join(self.run_dir, "scripts", "runner"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("errata.cfg", "config.mak"):
            if os.path.exists(os.path.join(root, name)):
                shutil.copy2(os.path.join(root, name), self.run_dir)
        shutil.copy2(self.ctx.cfg_path, os.path.join(self.run_dir, "unittests.cfg"))
        for p in self.items:
            for suffix in (".flat", ".elf", ".img"):
                src = os.path.join(root, "build", p.entry.file + suffix)
                dst = os.path.join(self.run_dir, "build", p.entry.file + suffix)
                if os.path.exists(src) and not os.path.exists(dst):
                    shutil.copy2(src, dst)      # copies: the L1's /tmp is its own
        names = " ".join(p.entry.name for p in self.items)
        scale = self.inner_scale
        d = self.inner_dir
        with open(os.path.join(self.run_dir, "inner.sh"), "w", encoding="utf-8") as f:
            f.write(f"cd {d}\n"
                    f"export HOME=/tmp HVTEST_ROOT={d} HVTEST_UNDER={shlex.quote(self._under())} "
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
                    f"/usr/bin/python3 -S -E {d}/scripts/runner/__main__.py --backend qemu-kvm "
                    f"--json {d}/inner.json -j 1 --timeout-scale {scale:g} {names}\n"
                    "echo \"inner runner exit $?\"\n")

    def _under(self):
        """HVTEST_UNDER for the inner runner: the emulator under its KVM, and its version."""
        host = self.ctx.host
        if self.vendor == "vmx":
            return f"bochs:{BOCHS_MODEL}:{host.bochs_version}"
        return f"qemu-tcg:{host.qemu_version}"

    # -- the emulator -------------------------------------------------------
    def _cmdline(self):
        from . import l1_image
        # mitigations=off, nowatchdog: less emulated work per boot and per exit
        # (none of them changes what nested VMX/SVM does).
        words = ["console=ttyS0,115200", "loglevel=4", "mitigations=off", "nowatchdog",
                 f"hvtest.kvm={l1_image.KVM_MODULE[self.vendor]}"]
        if self.disk:
            # Bochs' TSC counts emulated instructions (ips): without this the
            # kernel takes the model's nominal 3.5 GHz and its clock runs 70x slow.
            # acpi=off: hvtest's ROM builds no ACPI tables (one CPU, the 8259s).
            words += [f"tsc_early_khz={BOCHS_IPS // 1000}", "acpi=off", "panic=0", "hvtest.root=disk", "hvtest.disk_wait=60"]
        else:
            words += ["panic=-1", "hvtest.root=9p"]
        return " ".join(words)

    def _qemu_argv(self, initrd):
        host = self.ctx.host
        return [host.qemu, "-nodefaults", "-machine", "q35", "-accel", "tcg,thread=multi", "-cpu", "max",
                "-smp", "2", "-m", "4096", "-display", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", self.kernel.image, "-initrd", initrd, "-append", self._cmdline(),
                "-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot",
                "-fsdev", f"local,id=hvrun,path={self.run_dir},security_model=none",
                "-device", "virtio-9p-pci,fsdev=hvrun,mount_tag=hvrun"]

    def _bochs_argv(self, boot, user):
        host = self.ctx.host
        rc = os.path.join(self.scratch, "bochsrc")
        # hvtest's ROM built for a PVH kernel (x86/boot/rom.S): no SeaBIOS, no
        # syslinux, no decompression in the L1 (boot is pvh_disk's load list).
        rom = os.path.join(self.ctx.root, "build", PVH_ROM)
        lines = [f"megs: {BOCHS_MEGS}",
                 f"cpu: model={BOCHS_MODEL}, count=1, ips={BOCHS_IPS}, reset_on_triple_fault=0",
                 f"romimage: file={rom}", "pci: enabled=1, chipset=i440fx",
                 f"ata0-master: type=disk, path={boot}, mode=flat",
                 f"ata0-slave: type=disk, path={user}, mode=flat",
                 f"com1: enabled=1, mode=file, dev={os.path.join(self.scratch, 'serial.out')}",
                 "display_library: term", f"log: {os.path.join(self.scratch, 'bochs.log')}",
                 # Errors are not logged: the L1 reads IA32_DEBUGCTL (0x1d9), which
                 # Bochs 2.7 does not implement, so often that their lines came to
                 # 57 MB in one vmx_entry run (nothing reads them; a panic still
                 # ends Bochs and is logged).
                 "panic: action=fatal", "error: action=ignore", "info: action=ignore",
                 "debug: action=ignore", "speaker: enabled=0", "sound: driver=dummy"]
        with open(rc, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(self.scratch, "cont.rc"), "w", encoding="utf-8") as f:
            f.write("c\nquit\n")
        return [host.bochs, "-q", "-f", rc, "-rc", os.path.join(self.scratch, "cont.rc")]

    def _clock(self):
        """Wall seconds per second of the L1's own clock."""
        return 1.0 if LOADED[self.vendor] == "inner" else BOCHS_SECONDS_PER_EMULATED * self.load

    def _budget(self, p):
        """Wall seconds the L1 may take for p: its timeout inside, and the inner runner's slack."""
        return (p.entry.timeout * self.inner_scale + TEST_SLACK) * self._clock()

    def _deadline(self):
        return BOOT_BUDGET[self.vendor] * self.ctx.timeout_scale * self.load + sum(map(self._budget, self.items))

    def _boot(self):
        """Boot the L1 until it runs the tests (at most BOOT_ATTEMPTS boots).
        Returns (serial text, Finished, boots, seconds from the first start to READY
        or None); the consoles of the boots that gave up are kept in self.retried."""
        from . import l1_image
        initrd = l1_image.initramfs(self.kernel, self.vendor)
        stage = l1_image.userland_stage(self.ctx.host.qemu) if self.disk else None
        spent = 0.0
        for attempt in range(1, BOOT_ATTEMPTS + 1):
            shutil.rmtree(self.scratch, ignore_errors=True)
            os.makedirs(self.run_dir)
            self._populate()
            if self.disk:
                boot = os.path.join(self.scratch, "boot.img")     # Bochs locks IMG.lock beside it
                os.symlink(l1_image.pvh_disk(self.kernel, initrd, self._cmdline(), BOCHS_MEGS << 20), boot)
                user = l1_image.userland_disk(stage, self.run_dir, os.path.join(self.scratch, "user.img"))
                argv = self._bochs_argv(boot, user)
                env = {"TERM": "dumb"}
            else:
                argv, env = self._qemu_argv(initrd), None
            self.command = argv
            console = os.path.join(self.scratch, "serial.out" if self.disk else "emulator.stdout")
            watch = _ConsoleWatch(console, [(p.entry.name, self._budget(p)) for p in self.items],
                                  (TEST_SLACK + LINGER) * self._clock())
            try:
                fin = execute.run(self.ctx.emulators, argv, self._deadline(), self.scratch, env=env,
                                  cwd=self.scratch, give_up=watch.give_up)
            except OSError as e:
                raise UserError(f"l1-kvm: cannot start {argv[0]}: {e.strerror}") from None
            finally:
                ready = watch.stop()
            self.stalled = watch.stall
            serial = execute.read_text(console)
            if MARK + "RETRY" not in serial:
                break
            self.retried.append(serial)
            spent += fin.duration
        return serial, fin, attempt, None if ready is None else spent + ready

    # -- the results ----------------------------------------------------------
    def run(self):
        from . import l1_image
        start = time.monotonic()
        serial, fin, boots, ready = self._boot()
        if self.disk:
            got = os.path.join(self.scratch, "back")
            try:
                l1_image.read_back(os.path.join(self.scratch, "user.img"), RUN_DISK, got)
                results_dir = os.path.join(got, "hv")
            except UserError:
                results_dir = self.run_dir
        else:
            results_dir = self.run_dir
        info = L1Info(self.vendor, self.kernel, execute.read_text(os.path.join(results_dir, "l1-info")))
        info.boots = boots
        info.boot_seconds = ready
        info.load = self.load
        info.inner_scale = self.inner_scale
        self._save_l1_log(serial, fin, time.monotonic() - start)
        inner = _load_json(os.path.join(results_dir, "inner.json"))
        runs = {r["test"]: r for r in (inner or {}).get("runs", [])}
        results = [self._result(p, runs.get(p.entry.name) or _run_from_log(p.entry.name, results_dir, serial),
                                results_dir, serial, fin) for p in self.items]
        return results, info

    def _save_l1_log(self, serial, fin, seconds):
        if not self.ctx.logs_dir:
            return
        path = os.path.join(self.ctx.logs_dir, f"l1-kvm-{self.vendor}{f'.{self.boot + 1}' if self.boot else ''}.log")
        with open(path, "w", encoding="utf-8") as f:
            for i, earlier in enumerate(self.retried, 1):
                f.write(f"--- L1 console, boot {i} (gave up) ---\n{earlier}\n")
            f.write(f"command: {' '.join(self.command)}\n--- L1 console ---\n{serial}\n"
                    f"--- stderr ---\n{fin.stderr}\n--- exit code {fin.exit_code}"
                    f"{' (timed out)' if fin.timed_out else ''}, {seconds:.1f} s ---\n")
        self.l1_log = path

    def _result(self, p, run, results_dir, serial, fin):
        from .session import Result
        r = Result(p.label, p.entry, BACKEND, env_name(p.entry), Outcome("ERROR", ""), command=self.command)
        if run is not None:
            self.finished.add(p.label)
        if run is None:
            r.outcome = self._missing(p, serial, fin)
            r.log = f"--- L1 console (tail) ---\n{_tail(serial, 40)}\n"
            return r
        log_text = execute.read_text(os.path.join(results_dir, "logs", os.path.basename(run.get("log") or "")))
        r.guest = guest_output.parse(_section(log_text, "--- serial ---").splitlines())
        r.outcome = Outcome(run["status"], run["reason"])
        r.duration = run.get("duration") or 0.0
        r.backtrace = run.get("backtrace") or []
        r.log = f"--- inner run ({env_name(p.entry)}): {lines_of(run.get('command'))} ---\n{log_text}"
        return r

    def _missing(self, p, serial, fin):
        """The outcome of a test the L1 gave no result for."""
        if MARK + "READY" not in serial:
            why = _marked(serial, "ERROR") or _marked(serial, "RETRY") or _tail(serial, 3).replace("\n", " | ")
            what = "timed out" if fin.timed_out else f"exit code {fin.exit_code}"
            return Outcome("ERROR", f"the L1 did not reach its init ({what}): {why}")
        # The inner runner runs the tests in order (-j 1): the first without a
        # result is the one that was running when the L1 stopped.
        running = next(q for q in self.items if q.label not in self.finished)
        if running is not p and (self.stalled or not fin.timed_out):
            self.unstarted.append(p)         # another boot runs it (not after the whole deadline)
        what = "ran" if running is p else f"had not started ({running.entry.name} was running)"
        last = _tail(_section(serial, MARK + "READY"), 3).replace("\n", " | ")
        if self.stalled:
            name, budget, quiet = self.stalled
            return Outcome("TIMEOUT", f"the L1 gave no result for {quiet:.0f} s (the budget of {name}: "
                                      f"{budget:.0f} s) and was stopped while {p.entry.name} {what}; "
                                      f"its console's last lines: {last}")
        if fin.timed_out:
            return Outcome("TIMEOUT", f"the L1 run reached its deadline ({self._deadline():g} s) while "
                                      f"{p.entry.name} {what}; inner runner's last lines: {last}")
        return Outcome("CRASH", f"the L1 ended (exit code {fin.exit_code}) without a result while "
                                f"{p.entry.name} {what}; its console's last lines: {last}")


def _run_from_log(name, results_dir, serial):
    """A finished test's run, as inner.json would have it, when the inner runner
    was stopped before it wrote inner.json: from its log (the runner writes the
    log when the test ends: 'outcome: STATUS REASON'), else from its result line
    on the L1's console ('STATUS NAME (reason, N s)'); None when it never ended."""
    log = os.path.join(results_dir, "logs", name + ".log")
    text = execute.read_text(log)
    for line in reversed(text.splitlines()):
        if line.startswith("outcome: "):
            status, _, reason = line[len("outcome: "):].partition(" ")
            seconds = 0.0
            for ln in text.splitlines():
                if ln.startswith("--- exit code ") and ln.endswith(" s ---"):
                    seconds = float(ln[:-len(" s ---")].rsplit(" ", 1)[1])
            command = next((ln[len("command: "):].split() for ln in text.splitlines()
                            if ln.startswith("command: ")), None)
            return {"status": status, "reason": reason, "duration": seconds, "log": log,
                    "command": command, "backtrace": []}
    for line in serial.splitlines():
        words = line.split(" ", 2)
        if len(words) == 3 and words[1] == name and words[0] in STATUSES and words[2].startswith("("):
            return {"status": words[0], "reason": words[2].strip("()"), "duration": 0.0,
                    "log": None, "command": None, "backtrace": []}
    return None


def load_per_cpu(cpus):
    """Runnable threads per host CPU over the last minute, at least 1."""
    return max(1.0, os.getloadavg()[0] / max(1, cpus))


def lines_of(command):
    return " ".join(command) if command else "(not started)"


class _ConsoleWatch:
    """Watches the L1's console (a file): the seconds until READY (the boot time),
    then the inner runner's result lines ("STATUS NAME (...)", the tests in order):
    when the test that runs has given none for longer than its budget, the L1 has
    stalled (it or its KVM hangs) and give_up() says to stop it; so it does when
    every test has its result and the L1 has not ended linger seconds later (an
    L1 whose power-off only halts it)."""

    def __init__(self, path, budgets, linger):
        self.path = path
        self.budgets = budgets       # [(test name, wall seconds)], in the order they run
        self.linger = linger
        self.start = time.monotonic()
        self.seconds = None
        self.stall = None            # (name, budget, seconds without a result)
        self.lingered = False        # all results in, and the L1 did not end
        self.quit = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self):
        done, since = 0, None
        while not self.quit.wait(0.5):
            text = _read_bytes(self.path).decode("utf-8", "replace")
            if self.seconds is None:
                if MARK + "READY" not in text:
                    continue
                self.seconds = since = time.monotonic() - self.start
            results = {w[1] for w in (ln.split(" ", 2) for ln in text.splitlines())
                       if len(w) == 3 and w[0] in STATUSES and w[2].startswith("(")}
            now = time.monotonic() - self.start
            # The test that runs follows the last one with a result (a result line
            # garbled on the console must not stop the L1 later).
            last = max((i for i, (name, _) in enumerate(self.budgets) if name in results), default=-1)
            if last + 1 > done:
                done, since = last + 1, now
            if done < len(self.budgets) and now - since > self.budgets[done][1]:
                self.stall = (*self.budgets[done], now - since)
                return
            if done == len(self.budgets) and now - since > self.linger:
                self.lingered = True
                return

    def give_up(self):
        return self.stall is not None or self.lingered

    def stop(self):
        self.quit.set()
        self.thread.join()
        return self.seconds


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""



def _load_json(path):
    import json
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _section(text, header):
    """The lines after the line starting with header, up to the next '--- ' line."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith(header):
            inside = True
            continue
        if inside and line.startswith("--- "):
            break
        if inside:
            out.append(line)
    return "\n".join(out)


def _marked(serial, word):
    for line in serial.splitlines():
        if line.startswith(MARK + word):
            return line[len(MARK):]
    return ""


def _tail(text, n):
    return "\n".join([line for line in text.splitlines() if line.strip()][-n:])
