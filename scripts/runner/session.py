"""Plan the runs of a selection of tests and execute them: the runner's core.

plan()         entries -> [Planned] (one per test and backend/model) or SKIP results
run_one()      Planned -> Result: private scratch dir, emulator, judge, log
execute_all()  the Planned items on N worker threads, results handed over in order
run_gdb()      one test paused under QEMU with a gdb stub
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field

from . import backends, execute, guest_output, l1
from .errors import UserError
from .guest_output import GuestOutput
from .host import TsvCache
from .outcome import Outcome, judge


@dataclass
class Planned:
    """One test run to make: the cfg entry, the backend and, under Bochs, the CPU model."""
    label: str
    entry: object
    backend: str
    model: str = None

    @property
    def env(self):
        return backends.env_name(self.backend, self.model, self.entry)


@dataclass
class Result:
    """One test run as made: its outcome, the guest's parsed output, the command and the log."""
    label: str
    entry: object
    backend: str
    env: str
    outcome: Outcome
    guest: GuestOutput = field(default_factory=GuestOutput)
    duration: float = 0.0
    command: list = None
    log: str = ""
    backtrace: list = field(default_factory=list)   # symbolised lines
    log_path: str = None


def _host_condition_failure(entry):
    """Why the cfg's arch/check conditions rule the test out here, or None."""
    if entry.arch and entry.arch != "x86_64":
        return f"arch = {entry.arch}, but hvtest builds x86_64 programs"
    for path, want in entry.check:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                got = f.read(4096).strip()
        except OSError:
            return f"check: {path} does not exist"
        if got != want:
            return f"check: {path} is {got!r}, not {want!r}"
    return None


def plan(entries, host, forced=None, every=False):
    """([Planned | Result], ...) in cfg order; impossible tests come back as SKIP Results."""
    items = []
    for e in entries:
        why = _host_condition_failure(e)
        chosen, skip = ([], why) if why else backends.choose(e, host, forced, every)
        if not chosen:
            items.append(Result(e.name, e, None, None, Outcome("SKIP", skip)))
            continue
        for b in chosen:
            if b == "bochs":
                items.extend(Planned(f"{e.name}@bochs:{m}", e, b, m) for m in e.bochs_models)
            elif b == l1.BACKEND:
                items.append(Planned(f"{e.name}@{b}", e, b))
            else:
                items.append(Planned(f"{e.name}@{b}" if every else e.name, e, b))
    return items


def symbolize(elf, addresses):
    """'0xADDR function at file:line' for each address (addr2line), raw when impossible."""
    if not addresses:
        return []
    if not os.path.exists(elf):
        return [f"{a} (no {elf} to symbolise with)" for a in addresses]
    try:
        p = subprocess.run(["addr2line", "-e", elf, "-f", "-C", "-p"] + addresses,
                           capture_output=True, text=True, timeout=10)
        lines = p.stdout.splitlines()
    except (OSError, subprocess.TimeoutExpired):
        lines = []
    if len(lines) != len(addresses):
        return list(addresses)
    return [f"{a} {line}" for a, line in zip(addresses, lines)]


def _last_line(text, marker=None):
    for line in reversed(text.splitlines()):
        if line.strip() and (marker is None or marker in line):
            return line.strip()
    return ""


class Context:
    """What every run of one session shares."""

    def __init__(self, root, host, errata, emulators, timeout_scale=1.0, logs_dir=None,
                 planned=(), cfg_path=None):
        self.root = root
        self.cfg_path = cfg_path or os.path.join(root, "unittests.cfg")
        self.host = host
        self.errata = errata
        self.emulators = emulators
        self.timeout_scale = timeout_scale
        self.logs_dir = logs_dir
        self.scratch = tempfile.mkdtemp(prefix="hvtest-run-")
        self.l1 = l1.Batches(planned, self)      # the l1-kvm runs: one L1 boot per vendor
        self.durations = TsvCache(name="durations.tsv")   # label -> seconds, the last run's

    def close(self):
        """Remove the scratch directory (after every emulator stopped); keep the durations."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.durations.save()

    def log_name(self, label):
        return label.replace(":", "_").replace("/", "_") + ".log"


def _not_built(ctx, inv):
    for rel in inv.needs:
        if not os.path.exists(os.path.join(ctx.root, rel)):
            return f"not built: {rel} (run make)"
    return None


def run_one(p, ctx):
    """Run one Planned test in a private scratch dir; never raises for the test's own failures."""
    if p.backend == l1.BACKEND:
        return _finish(ctx, ctx.l1.result(p))
    scratch = tempfile.mkdtemp(prefix=ctx.log_name(p.label)[:-4] + "-", dir=ctx.scratch)
    try:
        return _run_in(p, ctx, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_in(p, ctx, scratch):
    e = p.entry
    env = backends.run_env(p.env, ctx.host)
    args = backends.guest_args(e, env, backends.program_errata(ctx.root, e, ctx.errata),
                               ctx.host.versions(env))
    try:
        if p.backend == "bochs":
            inv = backends.bochs_invocation(ctx.root, e, ctx.host, p.model, args, scratch)
        else:
            inv = backends.qemu_invocation(ctx.root, e, p.backend, ctx.host, args, scratch=scratch)
    except (OSError, ValueError) as err:
        return _finish(ctx, Result(p.label, e, p.backend, env, Outcome("ERROR", str(err))))
    result = Result(p.label, e, p.backend, env, Outcome("ERROR", ""), command=inv.argv)
    missing = _not_built(ctx, inv)
    if missing:
        result.outcome = Outcome("ERROR", missing)
        return _finish(ctx, result)
    timeout = e.timeout * ctx.timeout_scale
    vm_stopped = None
    if p.backend != "bochs":
        # QEMU stops a VM for good when KVM reports an internal error (it waits,
        # paused, where a test would otherwise run into its timeout).
        stderr_path = os.path.join(scratch, "emulator.stderr")

        def vm_stopped():
            return _stop_line(execute.read_text(stderr_path))
    try:
        fin = execute.run(ctx.emulators, inv.argv, timeout, scratch, env=inv.env, cwd=inv.cwd,
                          give_up=vm_stopped)
    except OSError as err:
        result.outcome = Outcome("ERROR", f"cannot start {inv.argv[0]}: {err.strerror}")
        return _finish(ctx, result)
    except execute.Stopped:
        result.outcome = Outcome("ERROR", "not started: the run was interrupted")
        return _finish(ctx, result)
    serial = fin.stdout if inv.stdout_console else ""
    message = _last_line(fin.stderr)
    if inv.serial_file:
        try:                        # with port 0xE9 as well: what COM1 had before the switch
            with open(inv.serial_file, encoding="utf-8", errors="replace") as f:
                serial = f.read() + serial
        except OSError:
            pass
        try:
            with open(os.path.join(scratch, "bochs.log"), encoding="utf-8", errors="replace") as f:
                bochs_log = f.read()
        except OSError:
            bochs_log = ""
        message = _last_line(bochs_log, "p[") or _last_line(bochs_log, "e[") or message
        result.log = ("" if inv.stdout_console else f"--- emulator stdout ---\n{fin.stdout}\n") + \
            "--- bochs.log (panics, errors) ---\n" + \
            "\n".join(line for line in bochs_log.splitlines() if "p[" in line or "e[" in line) + "\n"
    result.guest = guest_output.parse(serial.splitlines())
    result.duration = fin.duration
    kind = "bochs" if p.backend == "bochs" else "qemu"
    result.outcome = judge(result.guest, kind, fin.exit_code, fin.timed_out, timeout, message,
                           stopped=vm_stopped() if vm_stopped and fin.timed_out else None)
    elf = os.path.join(ctx.root, backends.program_path(ctx.root, e.file, ".elf"))
    result.backtrace = symbolize(elf, result.guest.backtrace)
    result.log = (f"--- serial ---\n{serial}" + ("" if serial.endswith("\n") or not serial else "\n")
                  + result.log + f"--- stderr ---\n{fin.stderr}"
                  + f"--- exit code {fin.exit_code}{' (timed out)' if fin.timed_out else ''}, "
                    f"{fin.duration:.2f} s ---\n")
    return _finish(ctx, result)


# What QEMU prints when it stops the VM for good (a KVM internal error).
VM_STOP_MARKS = ("KVM internal error",)


def _stop_line(text):
    """QEMU's line that says it stopped the VM for good, with the next one (the
    suberror's meaning), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if any(m in line for m in VM_STOP_MARKS):
            return "; ".join(ln.strip() for ln in lines[i:i + 2])
    return None


def _finish(ctx, result):
    if result.duration and result.outcome.status not in ("ERROR", "SKIP"):
        ctx.durations.set(result.label, f"{result.duration:.2f}")
    if ctx.logs_dir:
        path = os.path.join(ctx.logs_dir, ctx.log_name(result.label))
        cmd = shlex.join(result.command) if result.command else "(not started)"
        bt = "".join(f"backtrace: {line}\n" for line in result.backtrace)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"test: {result.label}\ncommand: {cmd}\n{result.log}{bt}"
                    f"outcome: {result.outcome.status} {result.outcome.reason}\n")
        result.log_path = path
    return result


def _run_guarded(p, ctx):
    """run_one, with a runner bug turned into an ERROR result (its traceback in the log)."""
    try:
        return run_one(p, ctx)
    except Exception as err:       # noqa: BLE001 - a worker must hand back a result
        r = Result(p.label, p.entry, p.backend, p.env,
                   Outcome("ERROR", f"runner error: {type(err).__name__}: {err}"))
        import traceback           # only here: a plain run does not load it
        r.log = traceback.format_exc()
        return _finish(ctx, r)


def start_order(items, durations):
    """The indexes of the Planned items, longest first by the durations the last
    runs took (unknown ones first, as they may be long), ties in cfg order; the
    cfg order when l1-kvm runs are planned (the first of them boots the L1s)."""
    todo = [i for i, it in enumerate(items) if isinstance(it, Planned)]
    if durations is None or any(items[i].backend == l1.BACKEND for i in todo):
        return todo

    def last(i):
        try:
            return float(durations.data[items[i].label])
        except (KeyError, ValueError):
            return float("inf")
    return sorted(todo, key=lambda i: -last(i))


def execute_all(items, ctx, jobs, show, progress=lambda done, total, running: None):
    """Run the Planned items (Results pass through) on `jobs` threads; return all Results.

    The first worker takes the longest runs first (start_order), so that no
    worker is left alone with one long run at the end; the others, and a lone
    worker, take them in cfg order, so that results keep coming.  show(result)
    is called in the calling thread for each result as soon as every earlier
    one was shown, so output stays in cfg order.  However this ends (an
    exception, KeyboardInterrupt from a signal), every emulator is stopped
    before it returns or raises.
    """
    results = [None] * len(items)
    todo = [i for i, it in enumerate(items) if isinstance(it, Planned)]
    longest = start_order(items, getattr(ctx, "durations", None))
    for i, it in enumerate(items):
        if not isinstance(it, Planned):
            results[i] = it
    running = {}
    changed = threading.Condition()
    stop = threading.Event()

    def worker(order):
        while not stop.is_set():
            with changed:
                if not todo:
                    return
                i = next(i for i in order if i in todo)
                todo.remove(i)
                running[i] = items[i].label
            r = _run_guarded(items[i], ctx)
            with changed:
                results[i] = r
                del running[i]
                changed.notify_all()

    n = min(jobs, len(todo))
    threads = [threading.Thread(target=worker, args=(longest if k == 0 and n > 1 else list(todo),), daemon=True)
               for k in range(n)]
    try:
        for t in threads:
            t.start()
        for shown in range(len(items)):
            with changed:
                while results[shown] is None:
                    changed.wait(0.5)
                    progress(sum(r is not None for r in results), len(items), list(running.values()))
            show(results[shown])
    except BaseException:
        stop.set()
        ctx.emulators.stop_all()
        for t in threads:
            if t.is_alive():
                t.join(execute.GRACE + 1)
        raise
    return results


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb(root, entry, host, forced, errata, emulators):
    """Start entry under QEMU, paused, with a gdb stub on a free port; wait for QEMU to exit.

    The stub's port and the gdb command line are printed on stderr.  The
    caller stops `emulators` however this ends.
    """
    chosen, skip = backends.choose(entry, host, forced, every=True)
    qemu = [b for b in chosen if b.startswith("qemu-")]
    if not qemu:
        raise UserError(f"--gdb {entry.name}: needs a QEMU backend ({skip or 'chosen backend is Bochs'})")
    b = qemu[0]
    port = free_port()
    scratch = tempfile.mkdtemp(prefix="hvtest-gdb-")   # a disk-booted entry's private image
    try:
        args = backends.guest_args(entry, b, backends.program_errata(root, entry, errata))
        inv = backends.qemu_invocation(root, entry, b, host, args, gdb_port=port, scratch=scratch)
        if not os.path.exists(os.path.join(root, inv.needs[0])):
            raise UserError(f"not built: {inv.needs[0]} (run make)")
        elf = os.path.join(root, backends.program_path(root, entry.file, ".elf"))
        gdb = ["gdb", "-q", "-ex", "set architecture i386:x86-64", "-ex", f"target remote localhost:{port}", elf]
        print(f"{entry.name}: started paused under {b} with a gdb stub on localhost:{port}; "
              "in another terminal:", file=sys.stderr)
        print(f"  {shlex.join(gdb)}", file=sys.stderr)
        print(f"  $ {shlex.join(inv.argv)}", file=sys.stderr, flush=True)
        return emulators.start(inv.argv).wait()
    finally:
        emulators.stop_all()
        shutil.rmtree(scratch, ignore_errors=True)
