"""The runner's stand-ins for dataclasses/shutil/tempfile/shlex/re (runner/lean.py and the
string parsers that replaced regular expressions) agree with what they replace."""
import os
import re
import shlex
import unittest

import helpers  # noqa: F401  (puts the runner package on sys.path)
from runner import guest_output, host, lean


@lean.record
class Point:
    x: int
    y: int = 0
    tags: list = lean.field(default_factory=list)


class Record(unittest.TestCase):
    def test_init_defaults_eq_repr(self):
        a, b = Point(1), Point(1, y=0)
        self.assertEqual(a, b)
        self.assertEqual(repr(Point(1, 2, ["t"])), "Point(x=1, y=2, tags=['t'])")
        a.tags.append(1)
        self.assertEqual(b.tags, [])            # a fresh list per instance
        self.assertEqual(lean.asdict(b), {"x": 1, "y": 0, "tags": []})
        with self.assertRaises(TypeError):
            Point()
        with self.assertRaises(TypeError):
            Point(1, z=3)


class Helpers(unittest.TestCase):
    def test_shell_join_is_shlex_join(self):
        words = ["qemu", "-append", "env=qemu-tcg errata=a,b", "", "it's", "a/b.flat", "x$y", "é"]
        self.assertEqual(lean.shell_join(words), shlex.join(words))

    def test_mkdtemp_rmtree(self):
        d = lean.mkdtemp("hvtest-unit-")
        self.assertEqual(os.stat(d).st_mode & 0o777, 0o700)
        os.makedirs(os.path.join(d, "a", "b"))
        open(os.path.join(d, "a", "b", "f"), "w").close()
        lean.rmtree(d)
        self.assertFalse(os.path.exists(d))
        lean.rmtree(d)                          # absent: no error

    def test_which(self):
        self.assertEqual(lean.which("sh"), __import__("shutil").which("sh"))
        self.assertIsNone(lean.which("no-such-program-hvtest"))


ERRATUM_RE = re.compile(r"\s*\[erratum ([^\]\s]+)\]\s*$")


class Parsers(unittest.TestCase):
    def test_erratum_suffix_as_the_regex(self):
        for text in ("a: b [erratum x-y]", "a [erratum x] ", "a [erratum ]", "a [erratum x y]",
                     "a [erratum [x]", "no suffix", "a: [erratum e]"):
            m = ERRATUM_RE.search(text)
            want = (text[: m.start()], m.group(1)) if m else (text, None)
            self.assertEqual(guest_output.split_erratum(text), want, text)

    def test_summary(self):
        self.assertEqual(guest_output.parse_summary("3 checks, 1 passed, 1 failed, 0 skipped, 1 xfail, 0 xpass"),
                         (3, 1, 1, 0, 1, 0))
        self.assertIsNone(guest_output.parse_summary("3 checks, 1 passed"))

    def test_word_after(self):
        self.assertEqual(host._word_after("QEMU emulator version 7.2.22 (Debian)", "version "), "7.2.22")
        self.assertIsNone(host._word_after("version ", "version "))
        self.assertIsNone(host._word_after("nothing", "version "))


if __name__ == "__main__":
    unittest.main()


class FastArgs(unittest.TestCase):
    """cli's argparse-free fast path gives what argparse gives, or hands over to it."""

    CASES = [[], ["printf"], ["-v", "printf", "exceptions"], ["printf", "-v"], ["printf", "-v", "smp"],
             ["-j", "2"], ["-j", "0"], ["-j", "x"], ["-j2"], ["--jobs=2"], ["-g", "negative"],
             ["--backend", "bochs", "--cfg", "/tmp/c.cfg", "printf"], ["--backend", "nope"],
             ["--backend", "bochs", "--all-backends"], ["--timeout-scale", "2.5"],
             ["--timeout-scale", "0"], ["--json", "out.json", "-t", "--junit", "j.xml", "vmx_*"],
             ["--tree", "--bisect", "-l"], ["--gdb", "printf"], ["-g", "-v"], ["--", "x"], [""],
             ["-vl"], ["--tre"], ["-j", "-1"], ["printf", "--all-backends", "-j", "1"]]

    def test_same_as_argparse(self):
        from runner import cli
        fast = cli._parse_fast
        for argv in self.CASES:
            got = fast(argv)
            cli._parse_fast = lambda a: None
            try:
                want = cli.parse_args(argv)
            except SystemExit:
                want = "error"
            finally:
                cli._parse_fast = fast
            if got is not None:
                self.assertEqual(got, want, argv)
        self.assertIsNotNone(fast(["-v", "printf", "exceptions"]))
