"""Hostile input to the cfg parser and the guest-line parser.

Random bytes, very long lines, NUL bytes, lines cut in the middle, a guest
printing a fake HVTEST-END before failing checks or more output after its
status line: each gives the right verdict, or (cfg) a one-line error naming
file:line; never a traceback, never a false PASS.
"""
import os
import random
import subprocess
import tempfile
import unittest

from helpers import make_host, outcome, parsed
from runner import backends, cfg, guest_output
from runner.errors import UserError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUNDS = 300
LONG = 1 << 20


class CfgInput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "u.cfg")
        with open(os.path.join(ROOT, "unittests.cfg"), "rb") as f:
            self.real = f.read()

    def tearDown(self):
        self.dir.cleanup()

    def load(self, data, loader=cfg.load_unittests):
        """Entries, or the UserError text, which must be one line naming u.cfg:LINE."""
        with open(self.path, "wb") as f:
            f.write(data)
        try:
            entries = loader(self.path)
        except UserError as e:
            msg = str(e)
            self.assertNotIn("\n", msg)
            self.assertRegex(msg, "^" + self.path.replace("\\", "\\\\") + r":\d+: ", repr(data[:200]))
            return msg
        for e in entries if loader is cfg.load_unittests else ():
            self.usable(e)
        return entries

    def usable(self, e):
        """An entry the parser accepts can be planned and its command built."""
        for b in backends.choose(e, make_host(), every=True)[0]:
            env = backends.env_name(b, e.bochs_models[0])
            args = backends.guest_args(e, env, [])
            if b != "bochs":
                backends.qemu_invocation(self.dir.name, e, b, make_host(), args, scratch=self.dir.name)

    def test_random_bytes(self):
        rng = random.Random(16)
        for _ in range(ROUNDS):
            self.load(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
            self.load(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))), cfg.load_errata)

    def test_mutated_real_file(self):
        rng = random.Random(17)
        for _ in range(ROUNDS):
            data = bytearray(self.real)
            for _ in range(rng.randrange(1, 4)):
                i = rng.randrange(len(data))
                what = rng.randrange(4)
                if what == 0:
                    data[i] = rng.randrange(256)
                elif what == 1:
                    data[i:i] = bytes(rng.randrange(32, 127) for _ in range(rng.randrange(1, 20)))
                elif what == 2:
                    del data[i:i + rng.randrange(1, 40)]
                else:
                    del data[i:]                       # the file cut in the middle of a line
            self.load(bytes(data))

    def test_very_long_lines(self):
        self.assertIsInstance(self.load(b"[a]\nfile = a\ntest_args = " + b"x " * LONG + b"\n"), list)
        self.assertIsInstance(self.load(b"# " + b"c" * LONG + b"\n[a]\nfile = a\n"), list)
        self.assertIn("u.cfg:3: smp must be", self.load(b"[a]\nfile = a\nsmp = " + b"9" * LONG + b"\n"))
        self.assertIn("u.cfg:1: ", self.load(b"[" + b"n" * LONG))

    def test_nul_and_control_characters(self):
        self.assertIn("u.cfg:2: unexpected character U+0000 in column 9",
                      self.load(b"[a]\nfile = a\0b\n"))
        self.assertIn("u.cfg:3: unexpected character U+001B", self.load(b"[a]\nfile = a\ntest_args = \x1b[2J\n"))
        self.assertIn("u.cfg:2: not UTF-8", self.load(b"[a]\nfile = \xff\n"))

    def test_cut_lines(self):
        self.assertIn("u.cfg:3: malformed section header", self.load(b"[a]\nfile = a\n[b"))
        self.assertIn("u.cfg:2: expected 'key = value'", self.load(b"[a]\nfil"))
        self.assertIn("u.cfg:3: cannot split", self.load(b"[a]\nfile = a\ntest_args = 'cut"))
        self.assertIn("u.cfg:3: timeout", self.load(b"[a]\nfile = a\ntimeout = nan\n"))
        self.assertIn("u.cfg:3: timeout", self.load(b"[a]\nfile = a\ntimeout = 1e999\n"))

    def test_the_runner_says_one_line(self):
        with open(self.path, "wb") as f:
            f.write(random.Random(18).randbytes(2000))
        p = subprocess.run([os.path.join(ROOT, "run_tests.sh"), "--cfg", self.path, "-l"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertRegex(p.stderr, r"^run_tests.sh: .*u\.cfg:\d+: ")


START = "HVTEST-START: t cpus=1 args=\n"


def judge(text, end_for_exit=None, kind="qemu", exit_code=None):
    """The outcome of serial text; exit code as the guest's (or end_for_exit's) status would give."""
    g = parsed(text)
    if exit_code is None:
        status = end_for_exit or g.end or (g.ends[-1] if g.ends and g.ends[-1] in outcome.END_EXIT_CODE
                                           else "PASS")
        exit_code = outcome.expected_exit(kind, status)
    return outcome.judge(g, kind, exit_code, False, 30.0, "")


class GuestLines(unittest.TestCase):
    def never_passes(self, text):
        """Whatever the exit code, text is never judged PASS or XFAIL."""
        for kind, codes in (("qemu", (0, 1, 3, 5)), ("bochs", (0,))):
            for code in codes:
                status = judge(text, kind=kind, exit_code=code).status
                self.assertNotIn(status, outcome.JUDGED_OK, (kind, code, text[:300]))

    def test_random_bytes(self):
        rng = random.Random(19)
        for _ in range(ROUNDS):
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
            self.never_passes(data.decode("utf-8", errors="replace"))   # as execute.run reads it

    def test_random_lines_between_good_ones(self):
        rng = random.Random(20)
        kinds = ["PASS: ", "FAIL: ", "HVTEST-END: ", "STEP-BEGIN: ", "STEP-END: ", "SUMMARY: ", "XPASS: "]
        for _ in range(ROUNDS):
            lines = [START] + [rng.choice(kinds) + "".join(chr(rng.randrange(1, 0x250)) for _ in range(20))
                               + "\n" for _ in range(rng.randrange(1, 6))]
            lines.insert(rng.randrange(1, len(lines) + 1), "FAIL: a: real failure\n")
            self.never_passes("".join(lines))

    def test_fake_end_before_failing_checks(self):
        text = START + "PASS: a: fine\nHVTEST-END: PASS\nFAIL: b: broken\n"
        self.assertEqual(judge(text, "PASS").status, "FAIL")
        text += "SUMMARY: 2 checks, 1 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass\nHVTEST-END: FAIL\n"
        self.assertEqual(judge(text, "FAIL").status, "CRASH")            # two status lines that disagree
        self.never_passes(text)
        self.never_passes(START + "HVTEST-END: FAIL\nPASS: a: fine\nHVTEST-END: PASS\n")
        self.never_passes(START + "SUMMARY: 1 checks, 0 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass\n"
                                  "PASS: a: fine\nHVTEST-END: PASS\n")
        self.never_passes("HVTEST-END: PASS\n")                          # no HVTEST-START, no check
        self.never_passes(START + "HVTEST-END: PASS\n")                  # no check passed

    def test_nul_byte(self):
        self.never_passes(START + "PASS: a: fine\nHVTEST-END: PASS\0\n")
        self.never_passes(START + "PASS: a: fine\n\0HVTEST-END: PASS\n")
        g = parsed(START + "PASS: a\0b: c\x1b[2J\n")
        self.assertEqual(g.checks[0].name, "a?b: c?[2J")
        self.assertEqual(judge(START + "PASS: a: b\0c\nHVTEST-END: PASS\n").status, "PASS")

    def test_line_cut_in_the_middle(self):
        self.never_passes(START + "PASS: a: fine\nHVTEST-END: PA")
        self.never_passes(START + "PASS: a: fine\nHVTEST-EN")
        cut = START + "STEP-BEGIN: init\nFAIL: vmxon: cpu1: expected VMfailInv"
        o = judge(cut, exit_code=0)
        self.assertEqual(o.status, "CRASH")
        self.assertIn("in step init", o.reason)
        self.assertEqual(parsed(cut).checks[-1].description, "expected VMfailInv")

    def test_output_after_the_status_line(self):
        good = START + "PASS: a: fine\nSUMMARY: 1 checks, 1 passed, 0 failed, 0 skipped, 0 xfail, 0 xpass\n" \
                       "HVTEST-END: PASS\n"
        self.assertEqual(judge(good + "some free text\n").status, "PASS")
        self.assertEqual(judge(good + "PASS: b: also fine\n").status, "PASS")
        self.assertEqual(judge(good + "FAIL: b: broken\n").status, "FAIL")
        self.assertEqual(judge(good + "XPASS: c [erratum qemu-tcg-x]\n").status, "FAIL")
        self.assertEqual(judge(good + "HVTEST-END: FAIL\n", exit_code=3).status, "CRASH")
        self.assertEqual(judge(good + "HVTEST-END: PASS\n").status, "PASS")   # said twice, the same

    def test_very_long_lines(self):
        long_fail = START + "FAIL: " + "a: " * LONG + "end\nHVTEST-END: FAIL\n"
        g = parsed(long_fail)
        self.assertEqual(judge(long_fail).status, "FAIL")
        self.assertLessEqual(len(g.checks[0].name), guest_output.MAX_LINE + 100)
        self.assertEqual(judge(START + "x" * LONG + "\nPASS: a: fine\nHVTEST-END: PASS\n").status, "PASS")
        self.never_passes(START + "PASS: a: fine\nHVTEST-END: PASS" + " " * LONG + "!\n")
        self.assertEqual(len(parsed(START + "PASS: " + "é" * LONG + "\n").checks), 1)


if __name__ == "__main__":
    unittest.main()
