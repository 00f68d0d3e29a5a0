"""Plan the runs of a selection of tests and execute one run: the runner's core.

plan()     entries -> [Planned] (one per test and backend/model) or SKIP results
run_one()  Planned -> Result: private scratch dir, emulator, judge, log
"""
import os
from .lean import field, record as dataclass

from . import backends, execute, guest_output, lean
from .guest_output import GuestOutput
from .outcome import Outcome, judge


@dataclass
class Planned:
    label: str
    entry: object
    backend: str
    model: str = None

    @property
    def env(self):
        return backends.env_name(self.backend, self.model)


@dataclass
class Result:
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
                got = f.read().strip()
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
            else:
                items.append(Planned(f"{e.name}@{b}" if every else e.name, e, b))
    return items


def symbolize(elf, addresses):
    """'0xADDR function at file:line' for each address (addr2line), raw when impossible."""
    if not addresses:
        return []
    import subprocess
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

    def __init__(self, root, host, errata, timeout_scale=1.0, logs_dir=None, on_command=None):
        self.root = root
        self.host = host
        self.errata = errata
        self.timeout_scale = timeout_scale
        self.logs_dir = logs_dir
        self.on_command = on_command or (lambda label, argv: None)
        self.scratch = lean.mkdtemp("hvtest-run-")

    def log_name(self, label):
        return label.replace(":", "_").replace("/", "_") + ".log"


def _not_built(ctx, inv):
    for rel in inv.needs:
        if not os.path.exists(os.path.join(ctx.root, rel)):
            return f"not built: {rel} (run make)"
    return None


def run_one(p, ctx):
    """Run one Planned test in a private scratch dir; never raises for the test's own failures."""
    scratch = lean.mkdtemp(ctx.log_name(p.label)[:-4] + "-", dir=ctx.scratch)
    try:
        return _run_in(p, ctx, scratch)
    finally:
        lean.rmtree(scratch)


def _run_in(p, ctx, scratch):
    e = p.entry
    args = backends.guest_args(e, p.env, backends.program_errata(ctx.root, e, ctx.errata))
    try:
        if p.backend == "bochs":
            inv = backends.bochs_invocation(ctx.root, e, ctx.host, p.model, args, scratch)
        else:
            inv = backends.qemu_invocation(ctx.root, e, p.backend, ctx.host, args, scratch=scratch)
    except (OSError, ValueError) as err:
        return _finish(ctx, Result(p.label, e, p.backend, p.env, Outcome("ERROR", str(err))))
    result = Result(p.label, e, p.backend, p.env, Outcome("ERROR", ""), command=inv.argv)
    missing = _not_built(ctx, inv)
    if missing:
        result.outcome = Outcome("ERROR", missing)
        return _finish(ctx, result)
    timeout = e.timeout * ctx.timeout_scale
    ctx.on_command(p.label, inv.argv)
    try:
        fin = execute.run(inv.argv, timeout, env=inv.env, cwd=inv.cwd, out_dir=scratch)
    except OSError as err:
        result.outcome = Outcome("ERROR", f"cannot start {inv.argv[0]}: {err.strerror}")
        return _finish(ctx, result)
    except execute.Stopped:
        result.outcome = Outcome("ERROR", "not started: the run was interrupted")
        return _finish(ctx, result)
    serial = fin.stdout
    message = _last_line(fin.stderr)
    if inv.serial_file:
        try:
            with open(inv.serial_file, encoding="utf-8", errors="replace") as f:
                serial = f.read()
        except OSError:
            serial = ""
        try:
            with open(os.path.join(scratch, "bochs.log"), encoding="utf-8", errors="replace") as f:
                bochs_log = f.read()
        except OSError:
            bochs_log = ""
        message = _last_line(bochs_log, "p[") or _last_line(bochs_log, "e[") or message
        result.log = f"--- emulator stdout ---\n{fin.stdout}\n--- bochs.log (panics, errors) ---\n" + \
            "\n".join(line for line in bochs_log.splitlines() if "p[" in line or "e[" in line) + "\n"
    result.guest = guest_output.parse(serial.splitlines())
    result.duration = fin.duration
    kind = "bochs" if p.backend == "bochs" else "qemu"
    result.outcome = judge(result.guest, kind, fin.exit_code, fin.timed_out, timeout, message)
    elf = os.path.join(ctx.root, backends.program_path(ctx.root, e.file, ".elf"))
    result.backtrace = symbolize(elf, result.guest.backtrace)
    result.log = (f"--- serial ---\n{serial}" + ("" if serial.endswith("\n") or not serial else "\n")
                  + result.log + f"--- stderr ---\n{fin.stderr}"
                  + f"--- exit code {fin.exit_code}{' (timed out)' if fin.timed_out else ''}, "
                    f"{fin.duration:.2f} s ---\n")
    return _finish(ctx, result)


def _finish(ctx, result):
    if ctx.logs_dir:
        path = os.path.join(ctx.logs_dir, ctx.log_name(result.label))
        cmd = lean.shell_join(result.command) if result.command else "(not started)"
        bt = "".join(f"backtrace: {line}\n" for line in result.backtrace)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"test: {result.label}\ncommand: {cmd}\n{result.log}{bt}"
                    f"outcome: {result.outcome.status} {result.outcome.reason}\n")
        result.log_path = path
    return result
