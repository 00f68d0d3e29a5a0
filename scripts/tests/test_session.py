"""End to end through session.run_one with a fake emulator (fake_qemu.py)."""
import os
import shutil
import tempfile
import time
import unittest

from helpers import alive, entry, make_host, session
from runner import execute

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_qemu.py")


class Runs(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="hvtest-unit-")
        os.makedirs(os.path.join(self.root, "build"))
        open(os.path.join(self.root, "build", "t.flat"), "w").close()
        self.logs = os.path.join(self.root, "logs")
        os.makedirs(self.logs)
        self.ctx = session.Context(self.root, make_host(qemu=FAKE), [], execute.Emulators(), 1.0, self.logs)

    def tearDown(self):
        self.ctx.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def run_test(self, text):
        (planned,) = session.plan([entry(text)], self.ctx.host)
        return session.run_one(planned, self.ctx)

    def test_pass_and_log(self):
        r = self.run_test("[t]\nfile = t\ntest_args = mode=pass\n")
        self.assertEqual(r.outcome.status, "PASS", r.outcome.reason)
        with open(r.log_path) as f:
            log = f.read()
        self.assertIn("command: ", log)
        self.assertIn("HVTEST-END: PASS", log)

    def test_fail(self):
        self.assertEqual(self.run_test("[t]\nfile = t\ntest_args = mode=fail\n").outcome.status, "FAIL")

    def test_refused_is_error(self):
        r = self.run_test("[t]\nfile = t\ntest_args = mode=refuse\n")
        self.assertEqual(r.outcome.status, "ERROR")
        self.assertIn("refused", r.outcome.reason)

    def test_not_built_is_error(self):
        r = self.run_test("[t]\nfile = missing.flat\n")
        self.assertEqual((r.outcome.status, r.outcome.reason),
                         ("ERROR", "not built: build/missing.flat (run make)"))

    def test_vm_stopped_by_a_kvm_internal_error_is_a_crash_at_once(self):
        start = time.monotonic()
        r = self.run_test("[t]\nfile = t\ntimeout = 30\ntest_args = mode=kvmerr\n")
        self.assertEqual(r.outcome.status, "CRASH", r.outcome.reason)
        self.assertIn("KVM internal error. Suberror: 1; emulation failure", r.outcome.reason)
        self.assertIn("in subtest one", r.outcome.reason)
        self.assertLess(time.monotonic() - start, 20)

    def test_timeout_kills_the_whole_group(self):
        pidfile = os.path.join(self.root, "child.pid")
        start = time.monotonic()
        r = self.run_test(f"[t]\nfile = t\ntimeout = 1.5\ntest_args = mode=hang pidfile={pidfile}\n")
        self.assertEqual(r.outcome.status, "TIMEOUT")
        self.assertLess(time.monotonic() - start, 10)
        with open(pidfile) as f:
            child = int(f.read())
        self.assertFalse(alive(child), "the emulator's child survived the timeout")


if __name__ == "__main__":
    unittest.main()
