"""./run_tests.sh: options, the terminal output, exit status."""
import argparse
import os
import shlex
import shutil
import sys

from . import cfg, execute, guest_output, host as hostmod, l1, session, tree
from .errors import UserError
from .outcome import FAILED, JUDGED_OK

ACCEL_BACKENDS = {"kvm": "qemu-kvm", "tcg": "qemu-tcg", "bochs": "bochs"}
COLOURS = {"PASS": "32", "XFAIL": "32", "SKIP": "33", "FAIL": "31", "XPASS": "31",
           "ERROR": "35", "TIMEOUT": "31", "CRASH": "31;1"}
MAX_CHECK_LINES = 10
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _backend_list(text):
    """argparse type of --backend: 'qemu-tcg,bochs' -> ('qemu-tcg', 'bochs'); each name a
    backend, none repeated."""
    names = tuple(text.split(","))
    if not all(n in cfg.BACKENDS for n in names) or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"{text!r}: expected one or more of {', '.join(cfg.BACKENDS)}, "
                                         "separated by commas, each once")
    return names


def parse_args(argv, prog="run_tests.sh"):
    p = argparse.ArgumentParser(
        prog=prog,
        description="Run hvtest's test programs (unittests.cfg) under QEMU or Bochs.",
        epilog="Exit status: 0 nothing failed, 1 something failed/crashed/timed out/errored, "
               "2 bad usage or cfg, 130 interrupted; --bisect: 0 good, 1 bad, 125 cannot judge. "
               "See docs/runner.md.")
    p.add_argument("tests", nargs="*", metavar="NAME", help="test names or globs (default: all but nodefault)")
    p.add_argument("-g", "--group", help="only tests in GROUP")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="run N tests at once (default: number of CPUs)")
    p.add_argument("-v", "--verbose", action="store_true", help="print each emulator command")
    p.add_argument("-l", "--list", action="store_true", help="list the selected tests and exit")
    p.add_argument("-t", "--tap", action="store_true", help="TAP13 on stdout, one line per in-guest check")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML to FILE")
    p.add_argument("--json", metavar="FILE", help="write a JSON report to FILE")
    p.add_argument("--timeout-scale", type=float, default=1.0, metavar="F",
                   help="multiply every timeout by F")
    p.add_argument("--bisect", action="store_true",
                   help="exit 0 good, 1 bad, 125 nothing judged (for git bisect run)")
    p.add_argument("--gdb", metavar="NAME", help="start NAME paused with a gdb stub; print the gdb command")
    p.add_argument("--tree", action="store_true", help="print the bring-up step tree of every test")
    p.add_argument("--backend", type=_backend_list, metavar="B[,B...]",
                   help=f"run on these backends only ({', '.join(cfg.BACKENDS)}); with several, "
                        "on each that can run a test (names test@backend)")
    p.add_argument("--all-backends", action="store_true",
                   help="run each test on every backend that can run it (names test@backend)")
    p.add_argument("--github", action="store_true",
                   help="GitHub Actions output (on by itself when GITHUB_ACTIONS=true): step summary, "
                        "an ::error annotation per failing check, step outputs; see docs/ci.md")
    p.add_argument("--bochs-boot", choices=cfg.BOCHS_BOOTS,
                   help="boot every Bochs run this way, whatever its cfg says (rom: hvtest's ROM; "
                        "disk: SeaBIOS and the disk image)")
    p.add_argument("--l1-kernel", metavar="PATH",
                   help="the Linux the l1-kvm backend boots: a bzImage or a kernel build tree "
                        "(default: the host's kernel, else Debian's; docs/l1-kvm.md)")
    p.add_argument("--cfg", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        p.error("-j needs a positive number")
    if not 0 < args.timeout_scale < float("inf"):
        p.error("--timeout-scale needs a positive number")
    if args.backend and args.all_backends:
        p.error("--backend and --all-backends exclude each other")
    return args


def project_root():
    return os.environ.get("HVTEST_ROOT") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def forced_backend(args):
    """The backends asked for (a tuple, from --backend or ACCEL=), or None for the best per test."""
    if args.backend:
        return args.backend
    accel = os.environ.get("ACCEL")
    if not accel:
        return None
    if accel not in ACCEL_BACKENDS:
        raise UserError(f"ACCEL={accel}: expected one of {', '.join(ACCEL_BACKENDS)}")
    return (ACCEL_BACKENDS[accel],)


def check_emulators(host, forced):
    """Refuse a run that cannot start anything: no emulator at all, or a forced one missing.
    (One missing emulator is fine: what only it could run is a SKIP with the reason.)"""
    if not host.qemu and not host.bochs:
        raise UserError(f"no usable emulator: QEMU not installed, Bochs {host.bochs_missing} "
                        "(make run installs them: scripts/install-deps.sh)")
    for b in forced or ():
        if b.startswith("qemu-") and not host.qemu:
            raise UserError(f"--backend {b}: QEMU not found (install qemu-system-x86)")
        if b == "bochs" and not host.bochs:
            raise UserError(f"--backend bochs: Bochs {host.bochs_missing} (install bochs and bochs-term)")


def _columns():
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 80
    except (OSError, ValueError):
        return 80


class Display:
    """Terminal output: colour and the progress line only on a tty; NO_COLOR honoured."""

    def __init__(self, stream, tap):
        self.out = stream
        self.tap = tap
        self.tty = stream.isatty()
        self.colour = self.tty and not os.environ.get("NO_COLOR")
        self.progress_shown = False
        self.err_tty = sys.stderr.isatty()

    def paint(self, status):
        return f"\033[{COLOURS[status]}m{status}\033[0m" if self.colour else status

    def line(self, text=""):
        self.clear_progress()
        if not self.tap:
            print(text, file=self.out, flush=True)

    def progress(self, done, total, running):
        if not self.err_tty:
            return
        text = f"[{done}/{total}] {', '.join(running)}"
        width = _columns() - 1
        sys.stderr.write("\r\033[K" + text[:width])
        sys.stderr.flush()
        self.progress_shown = True

    def clear_progress(self):
        if self.progress_shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.progress_shown = False


def describe(r, display, args):
    """The lines printed for one finished run."""
    o = r.outcome
    counts = r.guest.counts()
    n = sum(counts[v] for v in ("PASS", "FAIL", "SKIP", "XFAIL", "XPASS"))
    detail = o.reason
    if o.status in ("PASS", "XFAIL"):
        detail = f"{n} checks" + (f", {counts['XFAIL']} xfail" if counts["XFAIL"] else "")
    timing = f", {r.duration:.2f} s" if r.duration else ""
    lines = []
    if args.verbose and r.command:
        lines.append(f"  $ {shlex.join(r.command)}")
    lines.append(f"{display.paint(o.status)} {r.label} ({detail}{timing})")
    if o.failed:
        bad = [c for c in r.guest.checks if c.verdict in ("FAIL", "XPASS")]
        for c in bad[:MAX_CHECK_LINES]:
            lines.append(f"    {c.verdict}: {c.name}")
        if len(bad) > MAX_CHECK_LINES:
            lines.append(f"    ... {len(bad) - MAX_CHECK_LINES} more in the log")
        path = tree.failing_path(r.guest.steps)
        if path:
            lines.append(f"    failing step: {path}")
        lines.extend(f"    backtrace: {b}" for b in r.backtrace)
        if r.log_path:
            lines.append(f"    log: {os.path.relpath(r.log_path)}")
        else:                   # no log files (a standalone script): the log itself
            lines.extend(f"    | {guest_output.clean_line(text)}" for text in r.log.splitlines())
    if args.tree and r.guest.steps:
        lines.extend("    " + t for t in tree.render(r.guest.steps))
    return lines


def rotate_logs(root):
    logs, old = os.path.join(root, "logs"), os.path.join(root, "logs.old")
    if os.path.isdir(logs):
        shutil.rmtree(old, ignore_errors=True)
        os.replace(logs, old)
    os.makedirs(logs, exist_ok=True)
    return logs


def exit_status(results, bisect):
    failed = any(r.outcome.status in FAILED for r in results)
    if not bisect:
        return 1 if failed else 0
    if any(r.outcome.status in FAILED - {"ERROR"} for r in results):
        return 1
    if any(r.outcome.status == "ERROR" for r in results) or \
            not any(r.outcome.status in JUDGED_OK for r in results):
        return 125
    return 0


def totals_line(results):
    counts = {}
    for r in results:
        counts[r.outcome.status] = counts.get(r.outcome.status, 0) + 1
    parts = [f"{counts[s]} {s.lower()}" for s in ("PASS", "XFAIL", "FAIL", "XPASS", "SKIP",
                                                    "ERROR", "TIMEOUT", "CRASH") if counts.get(s)]
    return f"{len(results)} test runs: " + (", ".join(parts) or "none")


def main(argv, root=None, prog="run_tests.sh", keep_logs=True):
    """The runner.  root: the project (default: this checkout, or $HVTEST_ROOT);
    keep_logs: one log file per run in root/logs (else a failed run's log is printed).

    Whichever way it ends (Ctrl-C, SIGTERM, SIGHUP, an exception) every
    emulator it started is stopped before it returns.
    """
    emulators = execute.Emulators()
    interrupted = False
    with execute.signals_interrupt(emulators.stop_all):
        try:
            return _main(argv, root or project_root(), prog, keep_logs, emulators)
        except UserError as e:
            print(f"{prog}: {e}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            interrupted = True
        except BrokenPipeError:
            return 1
    if interrupted:
        print(f"{prog}: interrupted; emulators stopped", file=sys.stderr)
    return EXIT_INTERRUPTED


def _main(argv, root, prog, keep_logs, emulators):
    args = parse_args(argv, prog)
    entries = cfg.load_unittests(args.cfg or os.path.join(root, "unittests.cfg"))
    if args.gdb:
        selected = cfg.select(entries, [args.gdb])
        if len(selected) != 1:
            raise UserError(f"--gdb needs exactly one test, '{args.gdb}' matches {len(selected)}")
    else:
        selected = cfg.select(entries, args.tests, args.group)
    for e in selected if args.bochs_boot else ():
        e.bochs_boot = args.bochs_boot
    if args.list:
        for e in selected:
            groups = f"  [{' '.join(e.groups)}]" if e.groups else ""
            print(f"{e.name}{groups}")
        return 0
    errata = cfg.load_errata(os.path.join(root, "errata.cfg"))
    forced = forced_backend(args)
    l1.configure(args.l1_kernel)
    host = hostmod.probe(root)
    check_emulators(host, forced)
    if args.gdb:
        return session.run_gdb(root, selected[0], host, forced, errata, emulators)
    display = Display(sys.stdout, args.tap)
    for h in host.header():
        display.line(h)
    items = session.plan(selected, host, forced, args.all_backends or len(forced or ()) > 1)
    ctx = session.Context(root, host, errata, emulators, args.timeout_scale,
                          rotate_logs(root) if keep_logs else None, planned=items,
                          cfg_path=args.cfg and os.path.abspath(args.cfg))
    l1_shown = set()

    def show(result):
        # Each L1's lines before its first result (known once that L1 has run).
        v = l1.vendor(result.entry) if result.backend == l1.BACKEND else None
        if v and v not in l1_shown:
            l1_shown.add(v)
            for text in ctx.l1.header(v):
                display.line(text)
        for text in describe(result, display, args):
            display.line(text)

    try:
        results = session.execute_all(items, ctx, args.jobs or host.cpus, show, display.progress)
    finally:
        ctx.close()
    display.clear_progress()
    totals = totals_line(results)
    display.line(totals)
    if args.tap:
        from . import tap
        print("\n".join(tap.render(results, host.header() + ctx.l1.header())), flush=True)
    host.l1 = ctx.l1.to_json()
    if args.junit:
        from . import junit
        junit.write(args.junit, results, host)
    if args.json:
        from . import jsonout
        jsonout.write(args.json, results, host)
    if args.github or os.environ.get("GITHUB_ACTIONS") == "true":
        from . import ci
        ci.report(results, host, root, ctx.logs_dir, totals, args, sys.stderr if args.tap else sys.stdout)
    return exit_status(results, args.bisect)
