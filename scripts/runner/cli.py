"""./run_tests.sh: options, the run loop, the terminal output, exit status."""
import os
import signal
import sys
import threading

from . import backends, cfg, execute, host as hostmod, lean, session, tree
from .errors import UserError
from .outcome import FAILED, JUDGED_OK

ACCEL_BACKENDS = {"kvm": "qemu-kvm", "tcg": "qemu-tcg", "bochs": "bochs"}
COLOURS = {"PASS": "32", "XFAIL": "32", "SKIP": "33", "FAIL": "31", "XPASS": "31",
           "ERROR": "35", "TIMEOUT": "31", "CRASH": "31;1"}
MAX_CHECK_LINES = 10
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# The fast path of parse_args: options spelled in full, values as separate
# words.  Importing argparse (with re and gettext) costs ~5 ms per run; it is
# imported only for --help, a mistake, an abbreviation or --opt=value.
_FLAGS = {"-v": "verbose", "--verbose": "verbose", "-l": "list", "--list": "list", "-t": "tap",
          "--tap": "tap", "--bisect": "bisect", "--tree": "tree", "--all-backends": "all_backends"}
_VALUED = {"-g": ("group", str), "--group": ("group", str), "-j": ("jobs", int), "--jobs": ("jobs", int),
           "--junit": ("junit", str), "--json": ("json", str), "--timeout-scale": ("timeout_scale", float),
           "--gdb": ("gdb", str), "--backend": ("backend", str), "--cfg": ("cfg", str)}
_DEFAULTS = {"group": None, "jobs": None, "verbose": False, "list": False, "tap": False, "junit": None,
             "json": None, "timeout_scale": 1.0, "bisect": False, "gdb": None, "tree": False,
             "backend": None, "all_backends": False, "cfg": None}


class Args:
    """What parse_args returns (argparse.Namespace's fields)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __eq__(self, other):
        return vars(self) == vars(other)

    def __repr__(self):
        return f"Args({vars(self)})"


def _parse_fast(argv):
    """The arguments argparse would give for a plain command line, or None to ask argparse."""
    ns = dict(_DEFAULTS, tests=[])
    i, groups, last_was_name = 0, 0, False
    while i < len(argv):
        a = argv[i]
        if a in _FLAGS:
            ns[_FLAGS[a]] = True
        elif a in _VALUED and i + 1 < len(argv) and argv[i + 1][:1] not in ("-", ""):
            key, conv = _VALUED[a]
            try:
                ns[key] = conv(argv[i + 1])
            except ValueError:
                return None
            i += 1
        elif a[:1] not in ("-", ""):
            groups += not last_was_name     # argparse takes one run of names only
            ns["tests"].append(a)
            last_was_name = True
            i += 1
            continue
        else:
            return None
        last_was_name = False
        i += 1
    if groups > 1 or (ns["backend"] is not None and ns["backend"] not in cfg.BACKENDS):
        return None
    if (ns["jobs"] is not None and ns["jobs"] < 1) or not ns["timeout_scale"] > 0 or \
            (ns["backend"] and ns["all_backends"]):
        return None                         # argparse words the error
    return Args(**ns)


def parse_args(argv):
    fast = _parse_fast(argv)
    if fast is not None:
        return fast
    import argparse
    p = argparse.ArgumentParser(
        prog="run_tests.sh",
        # argparse's default formatter imports shutil for the width, on every add_argument
        formatter_class=lambda prog: argparse.HelpFormatter(prog, width=_columns() - 2),
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
    p.add_argument("--backend", choices=cfg.BACKENDS, help="run on this backend only")
    p.add_argument("--all-backends", action="store_true",
                   help="run each test on every backend that can run it (names test@backend)")
    p.add_argument("--cfg", default=None, help=argparse.SUPPRESS)
    args = Args(**vars(p.parse_args(argv)))
    if args.jobs is not None and args.jobs < 1:
        p.error("-j needs a positive number")
    if args.timeout_scale <= 0:
        p.error("--timeout-scale needs a positive number")
    if args.backend and args.all_backends:
        p.error("--backend and --all-backends exclude each other")
    return args


def project_root():
    return os.environ.get("HVTEST_ROOT") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def forced_backend(args):
    if args.backend:
        return args.backend
    accel = os.environ.get("ACCEL")
    if not accel:
        return None
    if accel not in ACCEL_BACKENDS:
        raise UserError(f"ACCEL={accel}: expected one of {', '.join(ACCEL_BACKENDS)}")
    return ACCEL_BACKENDS[accel]


def check_emulators(host, forced):
    if not host.qemu and not host.bochs:
        raise UserError("no emulator found: install qemu-system-x86 (and bochs), or run ./configure")
    if forced and forced.startswith("qemu-") and not host.qemu:
        raise UserError(f"--backend {forced}: QEMU not found (install qemu-system-x86)")
    if forced == "bochs" and not host.bochs:
        raise UserError("--backend bochs: Bochs not found (install bochs and bochs-term)")


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
        lines.append(f"  $ {lean.shell_join(r.command)}")
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
    if args.tree and r.guest.steps:
        lines.extend("    " + t for t in tree.render(r.guest.steps))
    return lines


def rotate_logs(root):
    logs, old = os.path.join(root, "logs"), os.path.join(root, "logs.old")
    if os.path.isdir(logs):
        lean.rmtree(old)
        os.replace(logs, old)
    os.makedirs(logs, exist_ok=True)
    return logs


def run_gdb(root, entry, host, forced, errata):
    chosen, skip = backends.choose(entry, host, forced)
    qemu = [b for b in chosen if b.startswith("qemu-")]
    if not qemu:
        raise UserError(f"--gdb {entry.name}: needs a QEMU backend ({skip or 'chosen backend is Bochs'})")
    b = qemu[0]
    scratch = lean.mkdtemp("hvtest-gdb-")   # a disk-booted entry's private image
    inv = backends.qemu_invocation(root, entry, b, host,
                                   backends.guest_args(entry, b, backends.program_errata(root, entry, errata)), gdb=True, scratch=scratch)
    flat = os.path.join(root, inv.needs[0])
    if not os.path.exists(flat):
        raise UserError(f"not built: {inv.needs[0]} (run make)")
    elf = os.path.join(root, backends.program_path(root, entry.file, ".elf"))
    gdb = ["gdb", "-q", "-ex", "set architecture i386:x86-64", "-ex", "target remote localhost:1234", elf]
    print(f"{entry.name}: started paused under {b} with a gdb stub on localhost:1234; in another terminal:",
          file=sys.stderr)
    print(f"  {lean.shell_join(gdb)}", file=sys.stderr)
    print(f"  $ {lean.shell_join(inv.argv)}", file=sys.stderr, flush=True)
    import subprocess
    proc = subprocess.Popen(inv.argv, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        execute.stop_group(proc)
        return EXIT_INTERRUPTED


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


def execute_all(items, ctx, jobs, display, args):
    """Run the Planned items (Results pass through), print in order, return all Results.

    Worker threads take items in cfg order; the main thread prints each result
    as soon as every earlier one is printed, so output stays ordered.
    """
    results = [None] * len(items)
    todo = [i for i, it in enumerate(items) if isinstance(it, session.Planned)]
    for i, it in enumerate(items):
        if not isinstance(it, session.Planned):
            results[i] = it
    running = {}
    changed = threading.Condition()
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            with changed:
                if not todo:
                    return
                i = todo.pop(0)
                running[i] = items[i].label
            r = session.run_one(items[i], ctx)
            with changed:
                results[i] = r
                del running[i]
                changed.notify_all()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(jobs, len(todo)))]
    for t in threads:
        t.start()
    printed = 0
    try:
        while printed < len(items):
            with changed:
                while results[printed] is None:
                    changed.wait(0.5)
                    display.progress(sum(r is not None for r in results), len(items),
                                     list(running.values()))
            for text in describe(results[printed], display, args):
                display.line(text)
            printed += 1
    except BaseException:
        stop.set()
        execute.stop_all()
        for t in threads:
            t.join(execute.GRACE + 1)
        raise
    display.clear_progress()
    return results


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    try:
        return _main(argv)
    except UserError as e:
        print(f"run_tests.sh: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("run_tests.sh: interrupted; emulators stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 1


def _main(argv):
    args = parse_args(argv)
    root = project_root()
    entries = cfg.load_unittests(args.cfg or os.path.join(root, "unittests.cfg"))
    if args.gdb:
        selected = cfg.select(entries, [args.gdb])
        if len(selected) != 1:
            raise UserError(f"--gdb needs exactly one test, '{args.gdb}' matches {len(selected)}")
    else:
        selected = cfg.select(entries, args.tests, args.group)
    if args.list:
        for e in selected:
            groups = f"  [{' '.join(e.groups)}]" if e.groups else ""
            print(f"{e.name}{groups}")
        return 0
    errata = cfg.load_errata(os.path.join(root, "errata.cfg"))
    forced = forced_backend(args)
    host = hostmod.probe(root)
    check_emulators(host, forced)
    if args.gdb:
        return run_gdb(root, selected[0], host, forced, errata)
    signal.signal(signal.SIGTERM, _on_sigterm)
    display = Display(sys.stdout, args.tap)
    for h in host.header():
        display.line(h)
    items = session.plan(selected, host, forced, args.all_backends)
    ctx = session.Context(root, host, errata, args.timeout_scale, rotate_logs(root))
    try:
        results = execute_all(items, ctx, args.jobs or host.cpus, display, args)
    finally:
        lean.rmtree(ctx.scratch)
    display.line(totals_line(results))
    if args.tap:
        from . import tap
        print("\n".join(tap.render(results, host.header())), flush=True)
    if args.junit:
        from . import junit
        junit.write(args.junit, results, host)
    if args.json:
        from . import jsonout
        jsonout.write(args.json, results, host)
    return exit_status(results, args.bisect)
