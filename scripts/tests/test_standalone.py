"""Standalone scripts start, for every unittests.cfg entry, exactly what ./run_tests.sh starts.

A copy of the project (the real unittests.cfg and errata.cfg, placeholder
programs) is run once through run_tests.sh and once through each entry's
standalone script, both with --all-backends and the fake emulators of
fake_emulators.py, which record their command line, Bochs' bochsrc and a
disk image's guest command line.  The records must be equal, run by run,
once the two private directories are named alike; so must the verdicts.
Both run with QEMU_PARAMS=, which must end every QEMU command line.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import fake_emulators
import helpers
from runner import backends, cfg, standalone

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(SCRIPTS)


def make_project(d):
    """d/project: the real cfg files and a placeholder for each program (naming every erratum,
    so that each run gets the errata of its environment)."""
    project = os.path.join(d, "project")
    os.makedirs(project)
    for name in ("unittests.cfg", "errata.cfg"):
        shutil.copy(os.path.join(ROOT, name), project)
    entries = cfg.load_unittests(os.path.join(project, "unittests.cfg"))
    names = b" ".join(e.name.encode() for e in cfg.load_errata(os.path.join(project, "errata.cfg")))
    for e in entries:
        helpers.write_program_files(project, e.file, standalone.PROGRAM_SUFFIXES, names)
    os.symlink(os.path.join(ROOT, "scripts"), os.path.join(project, "scripts"))
    shutil.copy(os.path.join(ROOT, "run_tests.sh"), project)
    return project, entries


QEMU_PARAMS = "-name 'hvtest unit'"
QEMU_PARAMS_ARGS = ["arg -name", "arg hvtest unit"]     # as the fake QEMU records them


def environment(d, tmpdir, record, **extra):
    qemu, bochs = os.path.join(d, "qemu"), os.path.join(d, "bochs")
    os.makedirs(tmpdir, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("ACCEL", "HVTEST_ROOT", "QEMU_PARAMS")}
    env.update(QEMU=qemu, BOCHS=bochs, TMPDIR=tmpdir, FAKE_RECORD=record,
               XDG_CACHE_HOME=os.path.join(d, "cache"), **extra)
    return env


def normalise(lines, tmpdir, root):
    """Name the run's private directory SCRATCH and the project (root, a regular expression) ROOT."""
    scratch = re.escape(tmpdir) + r"/hvtest-run-[^/]+/[^/\s,]+"
    return [re.sub(root, "ROOT", re.sub(scratch, "SCRATCH", line)) for line in lines]


def started(report_path, record_path, tmpdir, root):
    """{run label: (status, normalised record)} of one runner run (-j 1: records in run order)."""
    with open(report_path) as f:
        runs = json.load(f)["runs"]
    recs = iter(fake_emulators.records(record_path))
    return {r["name"]: (r["status"], normalise(next(recs), tmpdir, root) if r["command"] else None)
            for r in runs}


class SameAsRunner(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hvtest-unit-")
        fake_emulators.install(cls.dir)
        cls.project, cls.entries = make_project(cls.dir)
        written, problems = standalone.write_all(cls.project, [], os.path.join(cls.dir, "tests"))
        assert not problems, problems

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def script(self, name):
        return os.path.join(self.dir, "tests", name)

    def test_every_entry_starts_the_same_command(self):
        d = self.dir
        tmp = os.path.join(d, "tmp-runner")
        rec = os.path.join(d, "runner.rec")
        report = os.path.join(d, "runner.json")
        subprocess.run([os.path.join(self.project, "run_tests.sh"), "--all-backends", "-j", "1",
                        "--json", report, "*"], env=environment(d, tmp, rec, QEMU_PARAMS=QEMU_PARAMS),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        want = started(report, rec, tmp, re.escape(self.project))
        self.assertEqual(os.listdir(tmp), [], "the runner left files behind")
        qemu_runs = [r for _, r in want.values() if r and r[0] == "qemu"]
        self.assertTrue(qemu_runs, "no QEMU command was started")
        for r in qemu_runs:
            self.assertEqual([line for line in r if line.startswith("arg ")][-2:], QEMU_PARAMS_ARGS, r)
        def run_script(e):
            tmp = os.path.join(d, "tmp-" + e.name)
            rec = os.path.join(d, e.name + ".rec")
            report = os.path.join(d, e.name + ".json")
            p = subprocess.run([self.script(e.name), "--all-backends", "-j", "1", "--json", report],
                               env=environment(d, tmp, rec, QEMU_PARAMS=QEMU_PARAMS),
                               capture_output=True, text=True, timeout=300)
            return tmp, rec, report, p

        labels = set()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            runs = list(pool.map(run_script, self.entries))
        for e, (tmp, rec, report, p) in zip(self.entries, runs):
            self.assertIn(p.returncode, (0, 1), p.stderr)
            # the script's project directory is TMPDIR/hvtest-standalone-*/hvtest
            got = started(report, rec, tmp, re.escape(tmp) + r"/hvtest-standalone-[^/]+/hvtest")
            for label, (status, record) in got.items():
                with self.subTest(run=label):
                    self.assertEqual((status, record), want.get(label))
            labels |= set(got)
            self.assertEqual(os.listdir(tmp), [], f"{e.name}'s script left files behind")
        self.assertEqual(labels, set(want))
        self.assertTrue(any(r for _, r in want.values()), "nothing was started")

    def test_verdicts_and_exit_status(self):
        d = self.dir
        cases = (("HVTEST-START: t\\nFAIL: x: y\\nHVTEST-END: FAIL\\n", "3", "FAIL", 1),
                 ("HVTEST-START: t\\nPASS: x: y\\n", "1", "CRASH", 1),          # no status line
                 ("HVTEST-START: t\\nPASS: x: y\\nHVTEST-END: PASS\\n", "3", "CRASH", 1),  # disagreeing exit
                 ("HVTEST-START: t\\nPASS: x: y\\nHVTEST-END: PASS\\n", "1", "PASS", 0))
        for serial, rc, status, code in cases:
            env = environment(d, os.path.join(d, "tmp-verdict"), os.devnull,
                              FAKE_SERIAL=serial, FAKE_RC=rc, ACCEL="tcg")
            p = subprocess.run([self.script("printf")], env=env, capture_output=True, text=True, timeout=60)
            with self.subTest(status=status):
                self.assertEqual(p.returncode, code, p.stdout + p.stderr)
                self.assertIn(f"{status} printf", p.stdout)

    def test_bochs_console_on_port_e9(self):
        """Under Bochs the console is Bochs' stdout (port 0xE9) among its banner and debugger
        lines, after what COM1 got before the switch: a FAIL there counts; the rest is noise."""
        d = self.dir
        helpers.write_program_files(self.project, "e9t", standalone.PROGRAM_SUFFIXES)   # no errata named
        cfg_path = os.path.join(d, "e9t.cfg")
        with open(cfg_path, "w") as f:
            f.write("[e9t]\nfile = e9t.flat\nbochs_models = corei7_skylake_x ryzen\n")
        passing = "HVTEST-START: t\\nPASS: x: [r] y\\nSUMMARY: 1 checks, 1 passed, 0 failed, 0 skipped, " \
                  "0 xfail, 0 xpass\\nHVTEST-END: PASS\\n"
        for com1, status in (("", "PASS"), ("FAIL: command line: [args_parse] bad\\n", "FAIL")):
            env = environment(d, os.path.join(d, "tmp-e9"), os.devnull, FAKE_SERIAL=passing, FAKE_COM1=com1)
            p = subprocess.run([os.path.join(self.project, "run_tests.sh"), "--cfg", cfg_path, "--backend",
                                "bochs", "-j", "1"], env=env, capture_output=True, text=True, timeout=60)
            with self.subTest(com1=com1):
                runs = [line for line in p.stdout.splitlines() if "e9t@bochs:" in line]
                self.assertEqual(len(runs), 2, p.stdout + p.stderr)
                for line in runs:
                    self.assertTrue(line.startswith(status + " e9t@bochs:"), line)

if __name__ == "__main__":
    unittest.main()
