"""End to end through session.run_one with a fake emulator (fake_qemu.py)."""
import os
import shutil
import tempfile
import time
import unittest

from helpers import alive, entry, host, make_host, outcome, session
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


class StartOrder(unittest.TestCase):
    """Workers take the longest runs first (the last durations); results come in cfg order."""

    def planned(self, labels, backend="qemu-tcg"):
        e = entry()
        return [session.Planned(label, e, backend) for label in labels]

    def test_longest_first_unknown_first_ties_in_cfg_order(self):
        items = self.planned(["a", "b", "c", "d", "e"])
        items.insert(2, "a result already")              # not Planned: not started
        durations = host.TsvCache(path=os.devnull)
        durations.data = {"a": "0.50", "b": "3.00", "d": "0.50", "e": "bad"}
        self.assertEqual(session.start_order(items, durations), [3, 5, 1, 0, 4])   # c, e unknown first
        self.assertEqual(session.start_order(items, None), [0, 1, 3, 4, 5])

    def test_cfg_order_with_l1_runs(self):
        from runner import l1
        items = self.planned(["a", "b"]) + self.planned(["k"], l1.BACKEND)
        durations = host.TsvCache(path=os.devnull)
        durations.data = {"b": "9"}
        self.assertEqual(session.start_order(items, durations), [0, 1, 2])

    def test_started_longest_first_shown_in_cfg_order(self):
        """With 2 workers the first takes the longest run first, the other the cfg order;
        a lone worker takes the cfg order (results keep coming); shown in cfg order."""
        from unittest import mock
        for jobs, first_two in ((1, ["short", "long"]), (2, ["long", "short"])):
            items = self.planned(["short", "long", "mid"])
            started, shown = [], []

            class Ctx:
                durations = host.TsvCache(path=os.devnull)
                durations.data = {"short": "0.1", "long": "5", "mid": "1"}

            def run(p, ctx):
                started.append(p.label)
                time.sleep(0.2)           # both workers have taken their first
                return session.Result(p.label, p.entry, p.backend, "qemu-tcg", outcome.Outcome("PASS"))
            with mock.patch.object(session, "_run_guarded", run):
                session.execute_all(items, Ctx(), jobs, lambda r: shown.append(r.label))
            with self.subTest(jobs=jobs):
                self.assertEqual(sorted(started[:2]), sorted(first_two))
                self.assertEqual(len(started), 3)
                self.assertEqual(shown, ["short", "long", "mid"])

if __name__ == "__main__":
    unittest.main()
