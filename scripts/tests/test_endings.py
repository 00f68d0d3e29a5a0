"""Nothing left behind, however the runner ends, in every mode.

A fake emulator (fake_emulators.py) that hangs, with a child in its group,
is started by ./run_tests.sh, by ./run_tests.sh --gdb and by a standalone
script; the runner is then ended by Ctrl-C (SIGINT), SIGTERM, SIGHUP, or an
exception.  Afterwards neither the emulator nor its child may run, and the
runner's private directories must be gone.
"""
import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from unittest import mock

import fake_emulators
from helpers import alive, write_program_files
from runner import backends, cli, execute, standalone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CFG = """[hang]
file = t.flat
test_args = mode=hang
backends = qemu-tcg
"""
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def wait_for(path, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"{path} never written: the fake emulator did not start")


def default_signals():
    """In the child: the signal dispositions of a process started from a terminal."""
    for s in SIGNALS:
        signal.signal(s, signal.SIG_DFL)


class Endings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hvtest-unit-")
        cls.qemu, _ = fake_emulators.install(cls.dir)
        cls.project = os.path.join(cls.dir, "project")
        os.makedirs(cls.project)
        with open(os.path.join(cls.project, "unittests.cfg"), "w") as f:
            f.write(CFG)
        write_program_files(cls.project, "t", standalone.PROGRAM_SUFFIXES)
        (cls.script,), problems = standalone.write_all(cls.project, ["hang"], os.path.join(cls.dir, "tests"))
        assert not problems, problems

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tmp-", dir=self.dir)
        self.pidfile = os.path.join(self.tmp, "..", os.path.basename(self.tmp) + ".pid")
        self.env = {k: v for k, v in os.environ.items() if k not in ("ACCEL", "HVTEST_ROOT")}
        self.env.update(QEMU=self.qemu, TMPDIR=self.tmp, FAKE_PIDFILE=self.pidfile, HVTEST_ROOT=self.project,
                        XDG_CACHE_HOME=os.path.join(self.dir, "cache"))

    def assert_nothing_left(self, emulator):
        self.assertFalse(alive(emulator), "the emulator survived")
        self.assertFalse(alive(wait_for(self.pidfile + ".child")), "the emulator's child survived")
        self.assertEqual(os.listdir(self.tmp), [], "private directories left behind")

    # -- ended by a signal, in a process of its own ----------------------------

    COMMANDS = {"run": [os.path.join(ROOT, "run_tests.sh"), "hang"],
                "gdb": [os.path.join(ROOT, "run_tests.sh"), "--gdb", "hang"]}

    def start(self, mode):
        argv = self.COMMANDS.get(mode) or [self.script]
        return subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=default_signals)

    def end_by_signal(self, mode, sig):
        runner = self.start(mode)
        emulator = wait_for(self.pidfile)
        runner.send_signal(sig)
        out, err = runner.communicate(timeout=30)
        self.assertEqual(runner.returncode, cli.EXIT_INTERRUPTED, out + err)
        self.assertIn("interrupted", err)
        self.assertNotIn("Traceback", err)
        self.assert_nothing_left(emulator)
        return err

    def test_every_mode_ended_by_every_signal(self):
        for mode in ("run", "gdb", "standalone"):
            for sig in SIGNALS:
                with self.subTest(mode=mode, signal=sig.name):
                    self.setUp()
                    err = self.end_by_signal(mode, sig)
                    if mode == "gdb":      # the stub's port, free, printed with the gdb command
                        port = re.search(r"gdb stub on localhost:(\d+)", err).group(1)
                        self.assertIn(f"target remote localhost:{port}", err)
                        self.assertIn(f"-gdb tcp:127.0.0.1:{port} -S", err)

    def test_two_gdb_sessions_get_their_own_ports(self):
        first = self.start("gdb")
        wait_for(self.pidfile)
        self.env["FAKE_PIDFILE"] = second_pidfile = self.pidfile + "2"
        second = self.start("gdb")
        wait_for(second_pidfile)
        ports = []
        for p in (first, second):
            p.send_signal(signal.SIGTERM)
            ports.append(re.search(r"gdb stub on localhost:(\d+)", p.communicate(timeout=30)[1]).group(1))
        self.assertNotEqual(ports[0], ports[1])

    # -- ended by an exception, in this process ----------------------------------

    def in_process(self, call):
        """call() with this test's environment; returns its result or exception."""
        saved_env, saved_tmp = dict(os.environ), tempfile.tempdir
        os.environ.update(self.env)
        tempfile.tempdir = self.tmp
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                return call()
        except Exception as e:       # noqa: BLE001 - the exception is what is looked at
            return e
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            tempfile.tempdir = saved_tmp

    def failing_progress(self):
        """Display.progress (called by the main thread while it waits) raising once the
        hanging emulator runs: an exception in the main thread."""
        def progress(*args):
            if os.path.exists(self.pidfile):
                raise RuntimeError("the display broke")
        return mock.patch.object(cli.Display, "progress", progress)

    def test_run_ended_by_an_exception(self):
        with self.failing_progress():
            got = self.in_process(lambda: cli.main(["hang"], root=self.project))
        self.assertIsInstance(got, RuntimeError)
        self.assert_nothing_left(wait_for(self.pidfile))

    def test_standalone_ended_by_an_exception(self):
        with self.failing_progress():
            got = self.in_process(lambda: standalone.run(self.script, []))
        self.assertIsInstance(got, RuntimeError)
        self.assert_nothing_left(wait_for(self.pidfile))

    def start_then_fail(self):
        """Emulators.start that raises once the emulator it started runs."""
        start = execute.Emulators.start

        def failing(emulators, argv, **kw):
            start(emulators, argv, **kw)
            wait_for(self.pidfile)
            raise RuntimeError("something broke")
        return mock.patch.object(execute.Emulators, "start", failing)

    def test_gdb_ended_by_an_exception(self):
        with self.start_then_fail():
            got = self.in_process(lambda: cli.main(["--gdb", "hang"], root=self.project))
        self.assertIsInstance(got, RuntimeError)
        self.assert_nothing_left(wait_for(self.pidfile))

    def test_a_runner_bug_in_a_worker_is_an_error_result(self):
        with self.start_then_fail():
            got = self.in_process(lambda: cli.main(["hang"], root=self.project, keep_logs=False))
        self.assertEqual(got, 1)
        self.assert_nothing_left(wait_for(self.pidfile))


if __name__ == "__main__":
    unittest.main()
