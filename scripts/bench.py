#!/usr/bin/env python3
"""make bench: the measured speed of the runner, the boots and the world switch.

Every figure is measured in this one run, each measurement repeated
(--repeat, default 5) and reported as minimum and median.  One table on
stdout, the same data in bench.json.  What each figure means: docs/bench.md.

Sections (--only NAME,...):
  overhead  the runner's cost per test: 20 trivial tests (printf) through
            ./run_tests.sh -j 1 against the same 20 emulator commands started
            directly; its fixed start-up (QEMU=/bin/true); one test against
            its emulator command, QEMU TCG and Bochs (information)
  boot      emulator start to HVTEST-START, and to the emulator's exit
  switch    world switch: harness against bare loop (bench_vmcall/vmmcall)
  breakdown a Bochs run's phases (emulator start, firmware, loader, runtime
            boot, AP start-up, program, exit) from the boot milestones, for
            hvtest's ROM and for SeaBIOS and the disk, with 1, 2, 4, 8 CPUs
  scaling   the bring-up programs with 1, 2, 4, 8 CPUs: whole run and the
            program's part (Bochs: both boots)
  suite     wall time of the default suite with -j 1 and -j 2, and with -j 2
            and every Bochs run forced onto SeaBIOS and the disk
  l1        the l1-kvm backend (an L1 Linux whose KVM runs the programs): each
            L1's boot (emulator start to its init), each test's time under it,
            and the whole run; once, whatever --repeat (a run costs minutes)

Standard library only.  The emulator commands are built by the runner's own
code (scripts/runner/backends.py), so "direct" is exactly what the runner
starts; for QEMU this is checked against the runner's JSON `command`.
"""
import argparse
import dataclasses
import json
import os
import platform
import re
import resource
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from runner import backends, cfg, guest_output, host as hostmod, outcome  # noqa: E402

SECTIONS = ("overhead", "boot", "switch", "breakdown", "scaling", "suite", "l1")
L1_TESTS = ("svm_bringup", "svm_npt", "vmx_bringup_1cpu", "vmx_ept")   # make check's L1 smoke and its VMX half (make check-l1)
TRIVIAL = "printf"
OVERHEAD_ENVS = (("qemu-tcg", None), ("bochs", "corei7_skylake_x"))
BOOT_ENVS = (("qemu-tcg", None), ("bochs", "corei7_skylake_x"), ("bochs", "ryzen"))
SWITCH_RUNS = (("bench_vmmcall", "qemu-tcg", None), ("bench_vmcall", "bochs", "corei7_skylake_x"),
               ("bench_vmmcall", "bochs", "ryzen"))
SCALING_RUNS = (("svm_bringup", "qemu-tcg", None), ("svm_bringup", "bochs", "ryzen"),
                ("vmx_bringup", "bochs", "corei7_skylake_x"))
SCALING_CPUS = (1, 2, 4, 8)
# A Bochs run's phases, between the boot milestones (lib/boot.h) on port 0xE9.
BREAKDOWN_RUN = ("vmx_bringup", "corei7_skylake_x")
PHASES = ("emulator start", "firmware", "loader", "runtime boot", "AP start-up", "program", "exit")
MILESTONES = b"LKSM"            # MILESTONE_LOADER, _KERNEL, _SMP, _MAIN
# Information only: the bare loop plus the harness's VM instructions per exit
# (bare_state: SVM, CLGI/VMSAVE/VMLOAD/STGI, the switch the harness makes for a guest whose
# FS/GS/TR/LDTR/SYSCALL state differs from the host's), and plus the guest's GPRs stored at
# each exit and loaded before each entry (bare_regs: the floor of any harness whose exit
# handlers see the guest's registers).
VARIANTS = ("bare_state", "bare_regs")
ROUNDS = {"qemu-tcg": 20000, "bochs": 100000}
QUICK_ROUNDS = {"qemu-tcg": 2000, "bochs": 10000}
# The kinds take turns, each running a tenth of its round trips at a time (chunks=10), so
# that a slow spell of this machine falls on the harness and the bare loops alike.
SWITCH_TURNS = 10

OVERHEAD_TESTS = 20         # trivial tests in one run, for the runner's cost per test
TARGET_PER_TEST = 0.05      # the runner's cost per test / the emulator's time per test
TARGET_STARTUP = 0.060      # seconds: the runner's fixed start-up (QEMU=/bin/true)
TARGET_SWITCH = 1.25        # harness / bare, wall time per round trip (issue 10, part 9)
TARGET_SCALING = 4.0        # 8 CPUs / 1 CPU: "well under 8 times"
TARGET_BOOT = 0.15          # s: a Bochs run's cost beyond the program's part, 1 CPU ...
TARGET_BOOT_PER_CPU = 0.05  # s: ... and this much more for each further CPU
TARGET_SUITE_SHARE = 1 / 3  # the default suite / the same with every Bochs run on SeaBIOS

RUNNER = os.path.join(ROOT, "run_tests.sh")


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def env_label(backend, model):
    return backends.env_name(backend, model)


class Stats:
    """min and median of repeated measurements."""

    def __init__(self, values):
        self.values = [v for v in values if v is not None]

    @property
    def ok(self):
        return bool(self.values)

    @property
    def min(self):
        return min(self.values) if self.values else None

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def json(self):
        return {"min": self.min, "median": self.median, "n": len(self.values),
                "values": [round(v, 6) for v in self.values]}


class Bench:
    def __init__(self, repeat, quick):
        self.repeat = repeat
        self.quick = quick
        self.host = hostmod.probe(ROOT)
        self.entries = {e.name: e for e in cfg.load_unittests(os.path.join(ROOT, "unittests.cfg"))}
        self.errata = cfg.load_errata(os.path.join(ROOT, "errata.cfg"))
        self.rows = []          # (section, label, Stats | None, unit, note)
        self.targets = []       # dicts
        self.figures = []       # for JSON
        self.matrices = []      # (title, [(row name, [cell text])]): the breakdown
        self.problems = []

    # -- helpers -------------------------------------------------------------

    def entry(self, test, **override):
        """A copy of unittests.cfg's entry (or a plain one) for test, with fields overridden."""
        e = self.entries.get(test)
        if e is None:
            e = cfg.parse_unittests(f"[{test}]\nfile = {test}\n", "bench")[0]
        return dataclasses.replace(e, **override)

    def invocation(self, entry, backend, model, scratch, **bochs):
        env = env_label(backend, model)
        args = backends.guest_args(entry, env, backends.program_errata(ROOT, entry, self.errata))
        if backend == "bochs":
            return backends.bochs_invocation(ROOT, entry, self.host, model, args, scratch, **bochs)
        return backends.qemu_invocation(ROOT, entry, backend, self.host, args, scratch=scratch)

    def built(self, entry):
        path = backends.program_path(ROOT, entry.file, ".img")
        return os.path.exists(os.path.join(ROOT, path))

    def figure(self, section, label, stats, unit, **extra):
        self.rows.append((section, label, stats, unit))
        self.figures.append(dict({"section": section, "figure": label, "unit": unit},
                                 **(stats.json() if stats is not None else {}), **extra))

    def target(self, section, label, value_min, value_median, limit, judged_on, note="", unit="x",
               values=None):
        """A figure with a limit; limit None: a ratio shown as information only."""
        value = value_min if judged_on == "min" else value_median
        met = None if limit is None else value is not None and value <= limit
        entry = {"section": section, "figure": label, "min": value_min, "median": value_median,
                 "limit": limit, "judged_on": judged_on, "met": met, "unit": unit, "note": note}
        if values is not None:
            entry["values"] = [round(v, 6) for v in values]
        (self.figures if limit is None else self.targets).append(entry)
        self.rows.append((section, label, ("target", value_min, value_median, limit, met, judged_on), unit))

    # -- running things ------------------------------------------------------

    def run_direct(self, inv, timeout):
        """Start inv's emulator as the runner would, output to files; returns (wall, serial, code)."""
        out = os.path.join(inv.cwd or self.scratch_dir, "direct.stdout")
        env = dict(os.environ, **inv.env) if inv.env else None
        with open(out, "wb") as f:
            t0 = time.perf_counter()
            p = subprocess.Popen(inv.argv, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.DEVNULL,
                                 cwd=inv.cwd, env=env, start_new_session=True)
            try:
                code = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                return None, "", None
            wall = time.perf_counter() - t0
        serial = "".join(read_or_empty(path) for path in
                         ([inv.serial_file] if inv.serial_file else []) + ([out] if inv.stdout_console else []))
        return wall, serial, code

    def run_live(self, inv, timeout):
        """Start inv's emulator and timestamp each serial line as it arrives.

        Returns (lines [(seconds since start, text)], t_exit, exit_code).  The
        console on stdout (QEMU's COM1, Bochs' port 0xE9) is read from a pipe as
        it comes; a Bochs whose console is COM1 writes it to a file, read every
        millisecond while a pidfd says the emulator runs.
        """
        env = dict(os.environ, **inv.env) if inv.env else None
        lines, partial = [], b""

        def feed(data, now):
            nonlocal partial
            partial += data
            while b"\n" in partial:
                line, partial = partial.split(b"\n", 1)
                lines.append((now, line.decode("utf-8", errors="replace").rstrip("\r")))

        t0 = time.perf_counter()
        if inv.stdout_console:
            p = subprocess.Popen(inv.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, cwd=inv.cwd, env=env, start_new_session=True)
            timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
            timer.start()
            fd = p.stdout.fileno()
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                feed(data, time.perf_counter() - t0)
            code = p.wait()
            t_exit = time.perf_counter() - t0
            timer.cancel()
            p.stdout.close()
            if inv.serial_file:        # Bochs: what COM1 had before the switch to port 0xE9 came first
                lines[:0] = [(0.0, line) for line in read_or_empty(inv.serial_file).splitlines()]
        else:
            p = subprocess.Popen(inv.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, cwd=inv.cwd, env=env, start_new_session=True)
            try:
                pidfd = os.pidfd_open(p.pid)
                poller = select.poll()
                poller.register(pidfd, select.POLLIN)
            except (AttributeError, OSError):        # Python < 3.9, Linux < 5.3: sleep instead
                pidfd, poller = None, None
            f, deadline, exited = None, t0 + timeout, False
            while not exited:
                if poller:
                    exited = bool(poller.poll(1))
                else:
                    time.sleep(0.001)
                    exited = p.poll() is not None
                now = time.perf_counter() - t0
                if f is None and os.path.exists(inv.serial_file):
                    f = open(inv.serial_file, "rb")
                if f is not None:
                    data = f.read()
                    if data:
                        feed(data, now)
                if not exited and time.perf_counter() > deadline:
                    os.killpg(p.pid, signal.SIGKILL)
            t_exit = time.perf_counter() - t0
            code = p.wait()
            if pidfd is not None:
                os.close(pidfd)
            if f is not None:
                feed(f.read(), t_exit)
                f.close()
        if partial:
            lines.append((t_exit, partial.decode("utf-8", errors="replace")))
        return lines, t_exit, code

    def run_milestones(self, inv, timeout):
        """Start a Bochs run whose bochsrc enables port_e9_hack and read its stdout live.

        Returns ({point: (seconds since start, Bochs' CPU seconds or None)}, serial
        lines, exit code); the points are "first" (the debugger's prompt before the
        first instruction: the machine is built), the milestone bytes (lib/boot.h;
        they come between the debugger's lines, which start with "(" or "Next"),
        "magic" (the magic breakpoint: hv_exit) and "exit".  CPU time is the
        process's from /proc/PID/schedstat (Linux), so that a loaded machine's
        waits can be told from Bochs' own work.
        """
        env = dict(os.environ, **inv.env) if inv.env else None
        t0 = time.perf_counter()
        p = subprocess.Popen(inv.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=inv.cwd, env=env, start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
        timer.start()

        def now():
            try:
                with open(f"/proc/{p.pid}/schedstat") as f:
                    cpu = int(f.read().split()[0]) / 1e9
            except (OSError, ValueError, IndexError):
                cpu = None
            return time.perf_counter() - t0, cpu

        points, pending, line_start, skipping = {}, b"", True, False
        while True:
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                break
            at = now()
            if "first" not in points:
                pending += data
                i = pending.find(b"Next at t=0\n")
                if i < 0:
                    continue
                points["first"] = at
                data, pending = pending[i + len(b"Next at t=0\n"):], b""
            if b"Magic breakpoint" in data and "magic" not in points:
                points["magic"] = at
            for byte in data:
                if skipping:
                    skipping = byte != ord("\n")
                    line_start = not skipping
                elif line_start and byte in b"(N":
                    skipping = True
                elif byte in MILESTONES and chr(byte) not in points and "magic" not in points:
                    points[chr(byte)] = at
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        timer.cancel()
        p.stdout.close()
        points["exit"] = (time.perf_counter() - t0, usage.ru_utime + usage.ru_stime)
        try:
            with open(inv.serial_file, encoding="utf-8", errors="replace") as f:
                serial = f.read().splitlines()
        except OSError:
            serial = []
        return points, serial, p.returncode

    def breakdown(self):
        """vmx_bringup under Bochs, each boot, 1-8 CPUs: the time between the milestones."""
        prog, model = BREAKDOWN_RUN
        env = env_label("bochs", model)
        if not self.built(self.entry(prog)):
            self.problems.append(f"breakdown {prog}: not built")
            return
        order = ["first", chr(MILESTONES[0]), chr(MILESTONES[1]), chr(MILESTONES[2]), chr(MILESTONES[3]),
                 "magic", "exit"]
        rows = []
        for n in SCALING_CPUS:
            per = {boot: {"wall": [], "cpu": []} for boot in cfg.BOCHS_BOOTS}
            for _ in range(self.repeat):
                for boot in cfg.BOCHS_BOOTS:        # interleaved: both see the same load
                    e = self.entry(prog, smp=n, bochs_boot=boot,
                                   bochs_params=list(self.entry(prog).bochs_params) + ["port_e9_hack: enabled=1"])
                    s = self.scratch()
                    # COM1 as the console: the milestones need port 0xE9 to themselves.
                    points, serial, code = self.run_milestones(
                        self.invocation(e, "bochs", model, s, console="uart"), 600)
                    shutil.rmtree(s, ignore_errors=True)
                    st = self.judge([(0, t) for t in serial], "bochs", code)
                    if st not in outcome.JUDGED_OK or any(k not in points for k in order):
                        self.problems.append(f"breakdown {prog}@{env} {boot} smp={n}: {st}, milestones seen: "
                                             f"{sorted(points)}")
                        continue
                    for kind, i in (("wall", 0), ("cpu", 1)):
                        at = [0.0] + [points[k][i] for k in order]
                        if None not in at:
                            per[boot][kind].append([b - a for a, b in zip(at, at[1:])] + [at[-1]])
            for boot in cfg.BOCHS_BOOTS:
                label = f"{env} {prog}, {boot} boot, {n} CPU{'s' if n > 1 else ''}"
                cells = []
                for j, phase in enumerate(PHASES + ("total",)):
                    w = Stats([r[j] for r in per[boot]["wall"]])
                    c = Stats([r[j] for r in per[boot]["cpu"]])
                    self.figures.append(dict({"section": "breakdown", "figure": f"{label}: {phase}", "unit": "s"},
                                             **w.json(), cpu=c.json()))
                    cells.append(f"{fmt(w.median, 's')} ({c.median:.3f})" if w.ok and c.ok else fmt(w.median, "s"))
                rows.append((f"{boot}, {n} CPU{'s' if n > 1 else ''}", cells))
        self.matrices.append((f"breakdown: {env} {prog}, medians: wall (Bochs' CPU seconds)", rows))

    def judge(self, lines, backend, code):
        g = guest_output.parse([t for _, t in lines])
        kind = "bochs" if backend == "bochs" else "qemu"
        return outcome.judge(g, kind, code if code is not None else -1, code is None, 0, "").status

    def runner(self, args, timeout=3600, env=None):
        """./run_tests.sh ARGS: (wall seconds, exit code, stdout text)."""
        t0 = time.perf_counter()
        p = subprocess.run([RUNNER] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, cwd=ROOT, timeout=timeout, env=env)
        return time.perf_counter() - t0, p.returncode, p.stdout.decode("utf-8", "replace")

    def scratch(self):
        return tempfile.mkdtemp(prefix="hvtest-bench-", dir=self.scratch_dir)

    # -- sections ------------------------------------------------------------

    def overhead(self):
        for backend, model in OVERHEAD_ENVS:
            env = env_label(backend, model)
            e = self.entry(TRIVIAL)
            if backend == "bochs":
                if not self.host.bochs:
                    self.problems.append(f"overhead {env}: Bochs not installed")
                    continue
                e.bochs_models = [model]
            elif not self.host.qemu:
                self.problems.append(f"overhead {env}: QEMU not installed")
                continue
            cfg_path = os.path.join(self.scratch_dir, f"overhead-{backend}.cfg")
            with open(cfg_path, "w") as f:
                f.write(f"[{TRIVIAL}]\nfile = {e.file}\ngroups = x86\nbochs_models = {' '.join(e.bochs_models)}\n")
            # The runner as a user runs it; for Bochs the cfg names one model (printf lists two).
            rargs = ["--backend", backend, TRIVIAL] if backend != "bochs" else \
                ["--backend", "bochs", "--cfg", cfg_path, TRIVIAL]
            json_path = os.path.join(self.scratch_dir, "overhead.json")
            self.runner(rargs + ["--json", json_path])      # warm-up; gives the runner's command
            with open(json_path) as f:
                runner_cmd = json.load(f)["runs"][0]["command"]
            s = self.scratch()
            inv = self.invocation(e, backend, model, s)
            same = runner_cmd == inv.argv if backend != "bochs" else \
                [os.path.basename(a) for a in runner_cmd] == [os.path.basename(a) for a in inv.argv]
            if not same:
                self.problems.append(f"overhead {env}: direct command differs from the runner's: "
                                     f"{runner_cmd} vs {inv.argv}")
            rs, ds, _, _ = self.interleaved(f"overhead {env}", rargs, [(inv, e, backend)])
            shutil.rmtree(s, ignore_errors=True)
            cmdline = shlex.join(["./run_tests.sh"] + [a if a != cfg_path else "BENCH.cfg" for a in rargs])
            self.figure("overhead", f"{env}: emulator started directly", ds, "s", command=inv.argv,
                        same_command_as_runner=same)
            self.figure("overhead", f"{env}: {cmdline}", rs, "s")
            if rs.ok and ds.ok:
                self.target("overhead", f"{env}: runner / direct, one test (information)", rs.min / ds.min,
                            rs.median / ds.median, None, "min")
        if self.host.qemu:
            self.overhead_per_test()
        self.overhead_startup()

    def overhead_per_test(self):
        """N trivial tests through ./run_tests.sh -j 1 against the same N commands started
        directly one after the other: what the runner adds to each test."""
        entries = [self.entry(TRIVIAL, name=f"{TRIVIAL}_{i:02}") for i in range(OVERHEAD_TESTS)]
        cfg_path = os.path.join(self.scratch_dir, "overhead-n.cfg")
        with open(cfg_path, "w") as f:
            f.writelines(f"[{e.name}]\nfile = {e.file}\n" for e in entries)
        rargs = ["--backend", "qemu-tcg", "-j", "1", "--cfg", cfg_path]
        json_path = os.path.join(self.scratch_dir, "overhead-n.json")
        self.runner(rargs + ["--json", json_path])          # warm-up; gives the runner's commands
        with open(json_path) as f:
            runner_cmds = [r["command"] for r in json.load(f)["runs"]]
        s = self.scratch()
        invs = [self.invocation(e, "qemu-tcg", None, s) for e in entries]
        same = runner_cmds == [inv.argv for inv in invs]
        if not same:
            self.problems.append("overhead: the N direct commands differ from the runner's")
        rs, ds, rc, dc = self.interleaved("overhead: N tests", rargs,
                                          [(inv, e, "qemu-tcg") for inv, e in zip(invs, entries)])
        shutil.rmtree(s, ignore_errors=True)
        n = OVERHEAD_TESTS
        self.figure("overhead", f"qemu-tcg: {n} x {TRIVIAL}, the emulator started directly, one after "
                                "the other", ds, "s", command=invs[0].argv, same_command_as_runner=same)
        self.figure("overhead", f"qemu-tcg: {n} x {TRIVIAL}, ./run_tests.sh --backend qemu-tcg -j 1", rs, "s")
        if rs.ok and ds.ok:
            self.target("overhead", f"qemu-tcg: the runner's cost per test, (runner - direct) / {n}",
                        (rs.min - ds.min) / n, (rs.median - ds.median) / n, None, "min", unit="ms")
            self.target("overhead", "qemu-tcg: the runner's cost per test / the emulator's time per test",
                        (rs.min - ds.min) / ds.min, (rs.median - ds.median) / ds.median,
                        TARGET_PER_TEST, "min")
        if rc.ok and dc.ok and ds.ok:
            self.target("overhead", f"qemu-tcg: the runner's CPU time per test, (runner - direct CPU) / {n}",
                        (rc.min - dc.min) / n, (rc.median - dc.median) / n, None, "min", unit="ms")
            self.target("overhead", "qemu-tcg: the runner's CPU time per test / the emulator's time per test",
                        (rc.min - dc.min) / ds.min, (rc.median - dc.median) / ds.median, None, "min")

    def interleaved(self, what, rargs, runs):
        """./run_tests.sh RARGS against the direct runs [(inv, entry, backend)] one after the
        other, self.repeat times, interleaved: runner, direct, direct, runner, ...

        Returns Stats of (runner wall, direct wall, runner CPU, direct CPU): the CPU
        times (user + system, of every process each started) show the runner's own
        work even where a loaded machine makes the wall times mostly waiting.
        """
        r_times, d_times, r_cpu, d_cpu = [], [], [], []
        for i in range(self.repeat):
            for runner_turn in ((True, False) if i % 2 == 0 else (False, True)):
                cpu0 = children_cpu()
                if runner_turn:
                    wall, code, out = self.runner(rargs)
                    r_times.append(wall if code == 0 else None)
                    r_cpu.append(children_cpu() - cpu0 if code == 0 else None)
                    if code != 0:
                        self.problems.append(f"{what}: runner exit {code}: {out.strip()[-200:]}")
                    continue
                total, bad = 0.0, []
                for inv, e, backend in runs:
                    wall, serial, code = self.run_direct(inv, e.timeout)
                    st = self.judge([(0, t) for t in serial.splitlines()], backend, code)
                    bad += [st] if st not in outcome.JUDGED_OK else []
                    total += wall or 0.0
                d_times.append(None if bad else total)     # the emulators' wall times, summed
                d_cpu.append(None if bad else children_cpu() - cpu0)
        return Stats(r_times), Stats(d_times), Stats(r_cpu), Stats(d_cpu)

    def overhead_startup(self):
        """The runner's fixed start-up: one test with an emulator that costs nothing (QEMU=/bin/true;
        the run itself is judged ERROR/CRASH, which does not matter here)."""
        true = shutil.which("true")
        rargs = ["--backend", "qemu-tcg", TRIVIAL]
        env = dict(os.environ, QEMU=true)
        self.runner(rargs, env=env)                          # warm-up (the version cache)
        times, cpu = [], []
        for _ in range(self.repeat * 2):
            cpu0 = children_cpu()
            times.append(self.runner(rargs, env=env)[0])
            cpu.append(children_cpu() - cpu0)
        direct = []
        for _ in range(self.repeat * 2):
            t0 = time.perf_counter()
            subprocess.run([true], stdin=subprocess.DEVNULL)
            direct.append(time.perf_counter() - t0)
        self.figure("overhead", f"{true} started directly", Stats(direct), "ms")
        st = Stats(times)
        self.target("overhead", f"QEMU={true} ./run_tests.sh --backend qemu-tcg {TRIVIAL}: fixed start-up",
                    st.min, st.median, TARGET_STARTUP, "min", unit="s")
        self.figure("overhead", "  the same: CPU time (user + system)", Stats(cpu), "ms")
        self.python_floor()

    def python_floor(self):
        """Information: the part of the start-up no runner code can remove, the Python that
        run_tests.sh starts loading just the standard-library modules the runner loads."""
        py = os.environ.get("PYTHON") or ("/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK)
                                          else "python3")
        probe = ("import sys; sys.path.insert(0, sys.argv[1]); import runner.cli; print(' '.join(sorted("
                 "m for m in sys.modules if '.' not in m and not m.startswith(('runner', '__main__')))))")
        mods = subprocess.run([py, "-S", "-E", "-c", probe, os.path.join(ROOT, "scripts")], check=True,
                              capture_output=True, text=True).stdout.split()
        argv = [py, "-S", "-E", "-c", "import " + ", ".join(mods)]
        times = []
        for _ in range(self.repeat * 2):
            t0 = time.perf_counter()
            subprocess.run(argv, check=True)
            times.append(time.perf_counter() - t0)
        self.figure("overhead", f"  the floor: {py} -S -E loading the {len(mods)} standard modules the "
                    "runner loads, no runner code", Stats(times), "s")

    def boot(self):
        for backend, model in BOOT_ENVS:
            env = env_label(backend, model)
            e = self.entry(TRIVIAL)
            first, end = [], []
            for _ in range(self.repeat):
                s = self.scratch()
                inv = self.invocation(e, backend, model, s)
                lines, t_exit, code = self.run_live(inv, e.timeout)
                shutil.rmtree(s, ignore_errors=True)
                st = self.judge(lines, backend, code)
                t_first = next((t for t, text in lines if text.startswith("HVTEST-START:")), None)
                if st not in outcome.JUDGED_OK:
                    self.problems.append(f"boot {env}: {st}")
                    t_first = t_exit = None
                first.append(t_first)
                end.append(t_exit)
            self.figure("boot", f"{env}: start -> first line (HVTEST-START)", Stats(first), "s")
            self.figure("boot", f"{env}: start -> emulator exit", Stats(end), "s")

    def switch(self):
        rounds_for = QUICK_ROUNDS if self.quick else ROUNDS
        for prog, backend, model in SWITCH_RUNS:
            env = env_label(backend, model)
            n = rounds_for[backend]
            e = self.entry(prog)
            e.test_args = list(e.test_args) + [f"rounds={n}", f"chunks={SWITCH_TURNS}"]
            if not self.built(e):
                self.problems.append(f"switch {prog}@{env}: not built")
                continue
            kinds = ("harness", "bare") + VARIANTS
            per = {k: {"wall": [], "cycles": [], "tsc_rate": [], "ratio": [], "cycle_ratio": []}
                   for k in kinds}
            turns = min(SWITCH_TURNS, n)
            tsc_hz = None
            for _ in range(self.repeat):
                s = self.scratch()
                inv = self.invocation(e, backend, model, s)
                lines, t_exit, code = self.run_live(inv, max(e.timeout, 300))
                shutil.rmtree(s, ignore_errors=True)
                st = self.judge(lines, backend, code)
                if st not in outcome.JUDGED_OK:
                    self.problems.append(f"switch {prog}@{env}: {st}")
                    continue
                found = parse_bench_lines(lines)
                tsc_hz = found.get("tsc_hz", tsc_hz)
                if found.get("turns") != turns:
                    self.problems.append(f"switch {prog}@{env}: the program took {found.get('turns')} "
                                         f"turns, expected {turns}")
                    continue
                for kind in kinds:
                    k = found.get(kind)
                    if kind in VARIANTS and not k:
                        continue            # this program has no such variant
                    if not k or k["round_trips"] != n or k["turns"] != turns:
                        got = f"{k['round_trips']} round trips in {k['turns']} turns" if k else "nothing"
                        self.problems.append(f"switch {prog}@{env}: no complete {kind} result "
                                             f"({n} round trips in {turns} turns expected, got {got})")
                        continue
                    per[kind]["wall"].append(k["wall"] / n)
                    per[kind]["cycles"].append(k["cycles_per_trip"])
                    if tsc_hz:
                        per[kind]["tsc_rate"].append(tsc_hz / k["cycles_per_trip"])
                # Each run's ratio to its own bare loop, whose turns alternated with this kind's.
                bare = found.get("bare")
                for kind in kinds:
                    k = found.get(kind)
                    if (k and bare and (k["round_trips"], k["turns"]) == (n, turns)
                            and (bare["round_trips"], bare["turns"]) == (n, turns) and bare["wall"] > 0
                            and bare["tsc_cycles"] > 0):
                        per[kind]["ratio"].append(k["wall"] / bare["wall"])
                        per[kind]["cycle_ratio"].append(k["cycles_per_trip"] / bare["cycles_per_trip"])
            label = f"{env} ({prog}, {n} exits)"
            for kind in kinds:
                w = per[kind]["wall"]
                if kind in VARIANTS and not w:
                    continue
                self.figure("switch", f"{label}: {kind}: round trips/s (wall)",
                            Stats([1 / x for x in w if x > 0]), "1/s")
                self.figure("switch", f"{label}: {kind}: TSC cycles/round trip",
                            Stats(per[kind]["cycles"]), "cycles", tsc_hz=tsc_hz)
            hr, hc = Stats(per["harness"]["ratio"]), Stats(per["harness"]["cycle_ratio"])
            if hr.ok:
                self.target("switch", f"{label}: harness / bare (wall time per trip)",
                            hr.min, hr.median, TARGET_SWITCH, "median",
                            note=f"each run's ratio ({turns} turns of each kind, alternating); "
                                 f"min and median over the runs",
                            values=hr.values)
            if hc.ok:
                self.figure("switch", f"{label}: harness / bare (TSC cycles per trip)", hc, "ratio",
                            note="information, each run's ratio: under Bochs the TSC counts instructions")
            for kind in VARIANTS:
                vr = Stats(per[kind]["ratio"])
                if vr.ok:
                    self.figure("switch", f"{label}: {kind} / bare (wall time per trip)",
                                vr, "ratio", note="information: each run's ratio")

    def scaling(self):
        """Each bring-up program with 1, 2, 4, 8 CPUs, started as the runner starts it
        (backends.py builds the command) but read live, so that the program's own time
        (HVTEST-START to exit) is apart from the firmware's and the runtime's boot.
        Under Bochs both boots run, interleaved; the default one's cost beyond the
        program's part (start to HVTEST-START) has a target."""
        for prog, backend, model in SCALING_RUNS:
            e0 = self.entry(prog)
            if not self.built(e0):
                self.problems.append(f"scaling {prog}: not built")
                continue
            boots = cfg.BOCHS_BOOTS if backend == "bochs" else (None,)
            per = {boot: {} for boot in boots}
            for n in SCALING_CPUS:
                total = {boot: [] for boot in boots}
                program = {boot: [] for boot in boots}
                for _ in range(self.repeat):
                    for boot in boots:
                        e = self.entry(prog, smp=n, **({"bochs_boot": boot} if boot else {}))
                        s = self.scratch()
                        inv = self.invocation(e, backend, model, s)
                        lines, t_exit, code = self.run_live(inv, 600)
                        shutil.rmtree(s, ignore_errors=True)
                        st = self.judge(lines, backend, code)
                        t_first = next((t for t, text in lines if text.startswith("HVTEST-START:")), None)
                        if st not in outcome.JUDGED_OK or t_first is None:
                            self.problems.append(f"scaling {prog}@{scaling_env(backend, model, boot)} smp={n}: {st}")
                            total[boot].append(None)
                            program[boot].append(None)
                            continue
                        total[boot].append(t_exit)
                        program[boot].append(t_exit - t_first)
                cpus = f"{n} CPU{'s' if n > 1 else ''}"
                for boot in boots:
                    env = scaling_env(backend, model, boot)
                    per[boot][n] = Stats(program[boot])
                    whole = Stats(total[boot])
                    self.figure("scaling", f"{env} {prog}: {cpus}: program (HVTEST-START -> exit)",
                                per[boot][n], "s")
                    self.figure("scaling", f"{env} {prog}: {cpus}: whole run (firmware, boot, program)",
                                whole, "s")
                    if boot == cfg.BOCHS_BOOTS[0] and whole.ok and per[boot][n].ok:
                        beyond = [t - p for t, p in zip(total[boot], program[boot]) if t is not None]
                        self.target("scaling", f"{env} {prog}: {cpus}: cost beyond the program (start -> "
                                    f"HVTEST-START)", min(beyond), statistics.median(beyond),
                                    TARGET_BOOT + TARGET_BOOT_PER_CPU * (n - 1), "min", unit="s")
            for boot in boots:
                one, eight = per[boot].get(1), per[boot].get(8)
                if one and eight and one.ok and eight.ok:
                    self.target("scaling", f"{scaling_env(backend, model, boot)} {prog}: program, 8 CPUs / 1 CPU",
                                eight.min / one.min, eight.median / one.median, TARGET_SCALING, "median")

    def suite(self):
        """The default suite with -j 1 and -j 2, and with -j 2 and --bochs-boot disk
        (SeaBIOS and the disk image for every Bochs run), interleaved."""
        kinds = (("-j 1", ["-j", "1"]), ("-j 2", ["-j", "2"]),
                 ("-j 2 --bochs-boot disk", ["-j", "2", "--bochs-boot", "disk"]))
        times = {k: [] for k, _ in kinds}
        totals = {k: set() for k, _ in kinds}
        for _ in range(self.repeat):
            for k, args in kinds:
                wall, code, out = self.runner(args)
                times[k].append(wall)
                last = [ln for ln in out.splitlines() if "test runs:" in ln]
                totals[k].add(last[-1] if last else f"exit {code}")
        for k, _ in kinds:
            self.figure("suite", f"./run_tests.sh {k}", Stats(times[k]), "s",
                        outcome="; ".join(sorted(totals[k])))
            self.rows.append(("suite", f"  {k} outcome: {'; '.join(sorted(totals[k]))}", None, ""))
        rom, disk = Stats(times["-j 2"]), Stats(times["-j 2 --bochs-boot disk"])
        self.target("suite", "./run_tests.sh -j 2 / the same with --bochs-boot disk", rom.min / disk.min,
                    rom.median / disk.median, TARGET_SUITE_SHARE, "median")

    def l1(self):
        """The l1-kvm smoke once: L1 boot times and per-test times from the runner's JSON."""
        path = os.path.join(self.scratch_dir, "l1.json")
        wall, code, out = self.runner(["--backend", "l1-kvm", "--json", path] + list(L1_TESTS))
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            self.problems.append(f"l1: the runner wrote no JSON (exit {code})")
            return
        for vendor, info in sorted(((doc.get("host") or {}).get("l1") or {}).items()):
            label = f"l1-kvm {vendor.upper()} L1 (Linux {info['kernel']} under {info['under']})"
            self.figure("l1", f"{label}: boot to init ({info['boots']} boot(s))",
                        Stats([info.get("boot_seconds")]), "s")
        for r in doc["runs"]:
            # The inner runner's duration, on the L1's clock: wall time under QEMU
            # TCG, emulated time under Bochs (its TSC counts instructions at ips).
            clock = "emulated time" if r["env"].startswith("qemu-kvm@bochs") else "wall"
            self.figure("l1", f"{r['name']}: {r['status']} ({clock})", Stats([r["duration"]]), "s")
            if r["status"] not in outcome.JUDGED_OK:
                self.problems.append(f"l1 {r['name']}: {r['status']} {r['reason']}")
        self.figure("l1", "./run_tests.sh --backend l1-kvm " + " ".join(L1_TESTS), Stats([wall]), "s")

    # -- output --------------------------------------------------------------

    def machine(self):
        model = ""
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        model = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        h = self.host
        return {"cpu": model, "cpus": h.cpus, "kvm": h.kvm, "kvm_reason": h.kvm_reason,
                "qemu": h.qemu_version, "bochs": h.bochs_version, "kernel": platform.release(),
                "python": platform.python_version()}

    def table(self, date):
        m = self.machine()
        out = [f"hvtest bench, {date}; {m['cpus']} CPUs ({m['cpu']}), "
               f"KVM {'yes' if m['kvm'] else 'no'}, QEMU {m['qemu']}, Bochs {m['bochs']}; "
               f"repeat {self.repeat}{' (quick)' if self.quick else ''}",
               f"{'figure':<78} {'min':>12} {'median':>12}  target"]
        section = None
        for sec, label, st, unit in self.rows:
            if sec != section:
                out.append(f"-- {sec}")
                section = sec
            if st is None:
                out.append(f"   {label}")
            elif isinstance(st, tuple):
                _, vmin, vmed, limit, met, on = st
                judged = "information" if limit is None else \
                    f"<= {fmt(limit, unit)}: {'met' if met else 'NOT met'} ({on})"
                out.append(f"   {label:<75} {fmt(vmin, unit):>12} {fmt(vmed, unit):>12}  {judged}")
            else:
                out.append(f"   {label:<75} {fmt(st.min, unit):>12} {fmt(st.median, unit):>12}")
        for title, rows in self.matrices:
            out.append(f"-- {title}")
            out.append(f"   {'':<14}" + "".join(f"{p:>19}" for p in PHASES + ('total',)))
            out.extend(f"   {name:<14}" + "".join(f"{cell:>19}" for cell in cells) for name, cells in rows)
        if self.problems:
            out.append("-- problems")
            out.extend(f"   {p}" for p in self.problems)
        return "\n".join(out)

    def run(self, sections, json_path):
        date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        self.scratch_dir = tempfile.mkdtemp(prefix="hvtest-bench-")
        try:
            for name in sections:
                log(f"{name} ...")
                t = time.perf_counter()
                getattr(self, name)()
                log(f"{name} done in {time.perf_counter() - t:.0f} s")
        finally:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
        print(self.table(date), flush=True)
        doc = {"date": date, "machine": self.machine(), "repeat": self.repeat, "quick": self.quick,
               "sections": list(sections), "figures": self.figures, "targets": self.targets,
               "problems": self.problems}
        with open(json_path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        log(f"wrote {os.path.relpath(json_path)}")
        return 1 if self.problems else 0


def children_cpu():
    """User + system seconds of every child process this one has waited for."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def read_or_empty(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def scaling_env(backend, model, boot):
    env = env_label(backend, model)
    return f"{env} ({boot} boot)" if boot else env


BENCH_LINE = re.compile(r"^INFO: (?:\[[^\]]*\] )?bench: (.*?)(?: at=\S+)?$")


def parse_bench_lines(lines):
    """The INFO: bench: lines of bench_vmcall / bench_vmmcall (docs/output-format.md), with arrival
    times.  A kind measured in turns (chunks=K) has a begin and a result line per turn: its wall
    time, round trips and TSC cycles are the sums over its complete turns."""
    found = {}
    for t, text in lines:
        m = BENCH_LINE.match(text)
        if not m:
            continue
        words = m.group(1).split()
        kv = dict(w.split("=", 1) for w in words if "=" in w)
        if "tsc_hz" in kv:
            found["tsc_hz"] = int(kv["tsc_hz"])
            if "turns" in kv:
                found["turns"] = int(kv["turns"])
        elif words and (words[0] == "harness" or words[0].startswith("bare")):
            k = found.setdefault(words[0], {"wall": 0.0, "round_trips": 0, "tsc_cycles": 0, "turns": 0})
            if len(words) > 1 and words[1] == "begin":
                k["t_begin"] = t
            elif "cycles_per_trip" in kv and "t_begin" in k:
                k["wall"] += t - k.pop("t_begin")
                k["round_trips"] += int(kv["round_trips"])
                k["tsc_cycles"] += int(kv["tsc_cycles"])
                k["turns"] += 1
    for k, v in found.items():
        if k not in ("tsc_hz", "turns") and v["round_trips"]:
            v["cycles_per_trip"] = v["tsc_cycles"] / v["round_trips"]
    return {k: v for k, v in found.items() if k in ("tsc_hz", "turns") or v["turns"]}


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return f"{v:.3f} s"
    if unit == "ms":
        return f"{v * 1000:.1f} ms"
    if unit == "1/s":
        return f"{v:,.0f}/s"
    if unit == "cycles":
        return f"{v:,.1f}"
    return f"{v:.3f}"


def main(argv):
    global RUNNER
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=None, metavar="N", help="repeat each measurement N times (5)")
    p.add_argument("--quick", action="store_true", help="smoke run: once each, fewer world switches")
    p.add_argument("--only", default=",".join(SECTIONS), metavar="S,...",
                   help=f"sections to run ({','.join(SECTIONS)})")
    p.add_argument("--runner", default=RUNNER, help=argparse.SUPPRESS)   # another checkout's, for before/after
    p.add_argument("--json", default=os.path.join(ROOT, "bench.json"), metavar="FILE",
                   help="where the JSON goes (bench.json)")
    a = p.parse_args(argv)
    sections = [s for s in a.only.split(",") if s]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        p.error(f"unknown section(s) {', '.join(bad)}; known: {', '.join(SECTIONS)}")
    repeat = a.repeat or (1 if a.quick else 5)
    RUNNER = os.path.abspath(a.runner)
    if repeat < 1:
        p.error("--repeat needs a positive number")
    return Bench(repeat, a.quick).run(sections, a.json)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
