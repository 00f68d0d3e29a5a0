"""The GitHub workflow and action, checked without GitHub (docs/ci.md).

- both files against the published schemas (action-validator, from the npm registry);
- every run: step through shellcheck, with the shell the step runs in;
- the action's verdict step for each combination of the runner's exit status,
  counts and fail-on-xfail/xpass;
- both jobs run here step by step (scripts/ci/workflow.py), GitHub's part
  stubbed by environment variables, on a few tests (the whole suite runs
  in make check itself, which is also why make runs with MAKEFLAGS=n).

The tools come from `scripts/install-deps.sh --check` (make check runs it and
sets HVTEST_CHECK_TOOLS=required: there a missing tool is a failure, elsewhere
a SKIP that says what to run).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ci"))
import workflow  # noqa: E402

ROOT = workflow.ROOT
FILES = (workflow.WORKFLOW, workflow.ACTION)


def _missing_tools():
    missing = [t for t in ("node", "shellcheck", "bash") if not shutil.which(t)]
    if not os.path.exists(os.path.join(ROOT, workflow.VALIDATOR)):
        missing.append(workflow.VALIDATOR)
    return missing


class Tools(unittest.TestCase):
    def setUp(self):
        missing = _missing_tools()
        if missing:
            why = f"{', '.join(missing)} missing: run scripts/install-deps.sh --check"
            if os.environ.get("HVTEST_CHECK_TOOLS") == "required":
                self.fail(why)
            self.skipTest(why)

    _docs = {}

    def doc(self, rel):
        if rel not in self._docs:
            self._docs[rel] = workflow.load_yaml(os.path.join(ROOT, rel))
        return self._docs[rel]


def readme_examples():
    """The ```yaml blocks of README.md: the workflows users copy."""
    with open(os.path.join(ROOT, "README.md")) as f:
        parts = f.read().split("```yaml\n")[1:]
    return [p.split("```", 1)[0] for p in parts]


class Schema(Tools):
    def validate(self, path):
        return subprocess.run([os.path.join(ROOT, workflow.VALIDATOR), path], capture_output=True, text=True)

    def test_readme_examples_match_the_schema(self):
        examples = readme_examples()
        self.assertGreaterEqual(len(examples), 2)
        with tempfile.TemporaryDirectory() as d:
            for i, text in enumerate(examples):
                path = os.path.join(d, f"example{i}.yml")
                with open(path, "w") as f:
                    f.write(text)
                with self.subTest(i=i):
                    p = self.validate(path)
                    self.assertEqual(p.returncode, 0, text + p.stdout + p.stderr)
                    doc = workflow.load_yaml(path)
                    ours = [s for job in doc["jobs"].values() for s in job["steps"]
                            if s.get("uses") == "OWNER/hvtest@main"]
                    self.assertEqual(len(ours), 1)
                    self.assertLessEqual(set(ours[0].get("with", {})), set(self.doc(workflow.ACTION)["inputs"]))
                    for where, shell, script in workflow.run_scripts(doc):
                        p = subprocess.run(["shellcheck", "--shell", "bash", "-"], input=script,
                                           capture_output=True, text=True)
                        self.assertEqual(p.returncode, 0, f"{where}: {p.stdout}")

    def test_workflow_and_action_match_the_published_schemas(self):
        for rel in FILES:
            with self.subTest(rel):
                p = self.validate(os.path.join(ROOT, rel))
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_the_validator_can_fail(self):
        with tempfile.TemporaryDirectory() as d:
            for rel, old, new in ((workflow.WORKFLOW, "    runs-on:", "    run-on:"),
                                  (workflow.ACTION, "  using: composite", "  using: compost")):
                with open(os.path.join(ROOT, rel)) as f:
                    text = f.read()
                self.assertIn(old, text)
                path = os.path.join(d, os.path.basename(rel))
                with open(path, "w") as f:
                    f.write(text.replace(old, new, 1))
                with self.subTest(rel):
                    self.assertNotEqual(self.validate(path).returncode, 0)


class Shell(Tools):
    def test_every_run_step_passes_shellcheck(self):
        n = 0
        for rel in FILES:
            for where, shell, script in workflow.run_scripts(self.doc(rel)):
                n += 1
                with self.subTest(f"{rel}: {where}"):
                    # Inputs and outputs reach a script through env:, never spliced into its text.
                    self.assertNotIn("${{", script)
                    p = subprocess.run(["shellcheck", "--shell", "sh" if shell == "sh" else "bash", "-"],
                                       input=script, capture_output=True, text=True)
                    self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertGreaterEqual(n, 6)

    def test_shellcheck_can_fail(self):
        p = subprocess.run(["shellcheck", "--shell", "bash", "-"], input="rm $1\n", capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)


class Verdict(Tools):
    """The action's last step: the runner's exit status, except where fail-on-xfail/xpass differ."""

    def verdict(self, status, fail=0, error=0, timeout=0, crash=0, xfail=0, xpass=0,
                on_xfail="false", on_xpass="true", runs="3"):
        (script,) = [s for w, _, s in workflow.run_scripts(self.doc(workflow.ACTION)) if "(Verdict)" in w]
        env = dict(os.environ, STATUS=str(status), RUNS=runs, FAILED=str(fail), ERRORS=str(error),
                   TIMEOUTS=str(timeout), CRASHES=str(crash), XFAILS=str(xfail), XPASSES=str(xpass),
                   FAIL_ON_XFAIL=on_xfail, FAIL_ON_XPASS=on_xpass)
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=env,
                              capture_output=True, text=True).returncode

    def test_defaults_follow_the_runner(self):
        self.assertEqual(self.verdict(0), 0)
        self.assertEqual(self.verdict(0, xfail=2), 0)
        for counts in ({"fail": 1}, {"error": 1}, {"timeout": 1}, {"crash": 1}, {"xpass": 1}):
            with self.subTest(counts):
                self.assertEqual(self.verdict(1, **counts), 1)

    def test_fail_on_options(self):
        self.assertEqual(self.verdict(0, xfail=1, on_xfail="true"), 1)
        self.assertEqual(self.verdict(1, xpass=1, on_xpass="false"), 0)
        self.assertEqual(self.verdict(1, xpass=1, fail=1, on_xpass="false"), 1)

    def test_the_runner_refused_or_wrote_nothing(self):
        self.assertEqual(self.verdict(2, runs=""), 2)
        self.assertEqual(self.verdict(130, runs=""), 130)
        self.assertEqual(self.verdict(1, runs=""), 1)       # a traceback: never a pass
        self.assertEqual(self.verdict(0, runs=""), 1)


class Jobs(Tools):
    """Each job of the workflow, run here in order (scripts/ci/workflow.py)."""

    def run_job(self, job_id, **inputs):
        env = {"MAKEFLAGS": "n"}
        env.update({"INPUT_" + k.upper().replace("_", "-"): v for k, v in inputs.items()})
        job = workflow.run_job(job_id, env)
        self.addCleanup(shutil.rmtree, job.temp, True)
        return job

    def step(self, job, prefix):
        (s,) = [s for s in job.steps if s.name.startswith(prefix)]
        return s

    def reports(self, job):
        with open(os.path.join(job.workspace, "hvtest-reports", "hvtest.json")) as f:
            doc = json.load(f)
        junit = ET.parse(os.path.join(job.workspace, "hvtest-reports", "hvtest.xml")).getroot()
        return doc, junit

    def test_kvm_job(self):
        job = self.run_job("kvm", tests="printf svm_bringup")
        self.assertFalse(job.failed, job.output)
        self.assertEqual([s.name.split(" (")[0] for s in job.steps],
                         ["actions/checkout@v4", "Make /dev/kvm usable", "Host probe", "make check",
                          "Install what hvtest needs and build it", "Run hvtest",
                          "Collect the logs and the summary into the report directory", "Verdict",
                          "The suite with JUnit and JSON reports", "Upload the reports and logs"])
        self.assertTrue(all(s.outcome == "success" for s in job.steps), job.steps)
        if os.path.exists("/dev/kvm"):
            self.assertIn('sudo tee /etc/udev/rules.d/99-kvm4all.rules\n  stdin: KERNEL=="kvm", GROUP="kvm", '
                          'MODE="0666", OPTIONS+="static_node=kvm"\n', job.read("sudo.log"))
        self.assertIn("vendor: ", self.step(job, "Host probe").output)
        self.assertIn("scripts/check.sh", self.step(job, "make check").output)
        doc, junit = self.reports(job)
        self.assertEqual(sorted(r["test"] for r in doc["runs"]), ["printf", "svm_bringup"])
        self.assertEqual(junit.get("failures"), "0")
        suite = self.step(job, "The suite")
        self.assertEqual((suite.outputs["runs"], suite.outputs["fail"]), ("2", "0"))
        self.assertEqual(suite.outputs["junit"], os.path.join(job.workspace, "hvtest-reports", "hvtest.xml"))
        summary = job.read("summary.md")
        self.assertIn("| test | backend | status | checks | time |", summary)
        self.assertIn("| printf | ", summary)
        self.assertEqual(job.uploads, {"hvtest-kvm": ["hvtest-reports/"]})
        reports = os.path.join(job.workspace, "hvtest-reports")
        self.assertEqual(suite.outputs["logs"], os.path.join(reports, "logs"))
        self.assertTrue(os.path.exists(os.path.join(reports, "logs", "printf.log")))
        with open(suite.outputs["summary"]) as f:
            self.assertEqual(f.read(), summary)

    def test_emulated_job_fails_exactly_when_the_runner_says_so(self):
        job = self.run_job("emulated", tests="printf neg_pagefault")
        self.assertTrue(job.failed)
        run = self.step(job, "Run hvtest")
        self.assertEqual(run.outcome, "success")            # the runner ran; its status is an output
        self.assertEqual(run.outputs["status"], "1")
        self.assertEqual(self.step(job, "Verdict").outcome, "failure")
        self.assertEqual(self.step(job, "Upload the reports and logs").outcome, "success")
        doc, _ = self.reports(job)
        self.assertEqual({r["backend"] for r in doc["runs"]}, {"qemu-tcg", "bochs"})
        failing = [r for r in doc["runs"] if r["status"] == "FAIL"]
        self.assertEqual({r["test"] for r in failing}, {"neg_pagefault"})
        errors = [line for line in run.output.splitlines() if line.startswith("::error ")]
        self.assertEqual(len(errors), sum(c["verdict"] == "FAIL" for r in failing for c in r["checks"]))
        self.assertIn("#### Failing checks", job.read("summary.md"))
        self.assertEqual(job.uploads, {"hvtest-emulated": ["hvtest-reports/"]})

    def test_fail_on_xfail(self):
        # x86 exceptions XFAILs on QEMU TCG (errata.cfg: qemu-tcg-icebp-ud, ...)
        job = self.run_job("emulated", tests="exceptions", backends="qemu-tcg", fail_on_xfail="true")
        self.assertEqual(self.step(job, "Run hvtest").outputs["xfail"], "1", job.output)
        self.assertEqual(self.step(job, "Verdict").outcome, "failure")
        self.assertTrue(job.failed)


if __name__ == "__main__":
    unittest.main()
