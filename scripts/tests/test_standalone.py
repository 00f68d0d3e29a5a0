"""scripts/standalone.py: the script it writes is valid sh, embeds both forms, and judges like the runner."""
import os
import subprocess
import sys
import tempfile
import unittest

import helpers  # noqa: F401  (puts the runner on sys.path)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import standalone  # noqa: E402
from runner import cfg  # noqa: E402

FAKE_QEMU = """#!/bin/sh
# Prints a canned run to the -serial file and exits as isa-debug-exit would.
for a; do case $prev in -serial) out=${a#file:} ;; esac; prev=$a; done
printf 'HVTEST-START: t cpus=1 args=\\n%s' "$FAKE_SERIAL" > "$out"
exit $FAKE_RC
"""


class Standalone(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        os.makedirs(os.path.join(d, "build"))
        for suffix in (".flat", ".img", ".elf"):
            with open(os.path.join(d, "build", "t" + suffix), "wb") as f:
                f.write(b"\x7fELF" + b"\0" * 600)
        (e,) = cfg.parse_unittests("[t]\nfile = t.flat\nbochs_models = ryzen corei7_skylake_x\n", "u.cfg")
        self.script = os.path.join(d, "t.sh")
        with open(self.script, "w") as f:
            f.write(standalone.script_for(d, e, []))
        self.qemu = os.path.join(d, "qemu")
        with open(self.qemu, "w") as f:
            f.write(FAKE_QEMU)
        os.chmod(self.qemu, 0o755)

    def tearDown(self):
        self.dir.cleanup()

    def run_script(self, serial, rc):
        env = dict(os.environ, QEMU=self.qemu, ACCEL="tcg", FAKE_SERIAL=serial, FAKE_RC=str(rc))
        return subprocess.run(["sh", self.script], env=env, capture_output=True, text=True, timeout=30)

    def test_valid_sh_with_both_payloads(self):
        self.assertEqual(subprocess.run(["sh", "-n", self.script]).returncode, 0)
        with open(self.script) as f:
            text = f.read()
        self.assertIn("HVTEST_FLAT", text)
        self.assertIn("HVTEST_IMG", text)
        self.assertIn("bochs_run ryzen 't env=bochs:ryzen'", text)
        self.assertIn("bochs_run corei7_skylake_x", text)

    def test_verdicts(self):
        r = self.run_script("HVTEST-END: PASS\n", 1)
        self.assertEqual((r.returncode, r.stdout.splitlines()[-1]), (0, "PASS t@qemu-tcg"))
        r = self.run_script("HVTEST-END: FAIL\n", 3)
        self.assertEqual(r.returncode, 1)
        r = self.run_script("PASS: x: y\n", 1)           # a clean exit without the status line
        self.assertEqual(r.returncode, 1)
        self.assertIn("CRASH t@qemu-tcg", r.stdout)
        r = self.run_script("HVTEST-END: PASS\n", 3)     # exit code disagrees with the line
        self.assertIn("CRASH", r.stdout)


if __name__ == "__main__":
    unittest.main()
