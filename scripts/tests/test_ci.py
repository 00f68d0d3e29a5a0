"""The runner in CI mode (scripts/runner/ci.py): summary, annotations, outputs."""
import os
import shutil
import tempfile
import unittest

import helpers
from runner import ci, cli
from test_formats import all_results


class Summary(unittest.TestCase):
    def test_table_and_failing_checks(self):
        text = ci.summary(all_results(), helpers.make_host(), "7 test runs: ...", "/")
        lines = text.splitlines()
        self.assertEqual(lines[0], "### hvtest: 7 test runs: ...")
        self.assertIn("| test | backend | status | checks | time |", lines)
        self.assertIn("| t | qemu-tcg | FAIL | 2 (1 fail) | 0.50 s |", lines)
        self.assertIn("| t | qemu-tcg | XFAIL | 2 (1 xfail) | 0.50 s |", lines)
        # a SKIP, a CRASH and a TIMEOUT say why in the status cell
        self.assertTrue(any(line.startswith("| t | qemu-tcg | SKIP: ") for line in lines))
        self.assertTrue(any("| TIMEOUT: no HVTEST-END within 30 s in step vmx_init > hardware_setup; " in line
                            for line in lines))
        # the failing check: step, CPU, rule, expected, got
        self.assertIn("| t | qemu-tcg | vmx_init > disabled_by_bios | cpu1 | vmxon: VMXON with a region "
                      "not 4K-aligned | VMfailInvalid | success |", lines)
        xpass = [line for line in lines if "XPASS: erratum qemu-tcg-npf-error-code did not show" in line]
        self.assertEqual(len(xpass), 1)
        self.assertIn("| 0x100000006 | 0x100000006 |", xpass[0])

    def test_cells_cannot_break_the_table(self):
        r = helpers.result(helpers.FAIL_RUN.replace("not 4K-aligned", "a|b"))
        row = [line for line in ci.summary([r], None, "x", "/").splitlines() if "a\\|b" in line]
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0].count("|") - row[0].count("\\|"), 8)


class Rules(unittest.TestCase):
    def test_stable_across_values(self):
        a = helpers.parsed("FAIL: hardware_enable: cpu0: VM_HSAVE_PA=0x232000: expected 0x1000, got 0x2\n").checks[0]
        b = helpers.parsed("FAIL: hardware_enable: cpu0: VM_HSAVE_PA=0x7f000: expected 0x1000, got 0x3\n").checks[0]
        self.assertEqual(ci.rule_of(a).id, ci.rule_of(b).id)
        self.assertEqual(ci.rule_of(a).cpu, "cpu0")
        self.assertEqual(ci.expected_got(a), ("0x1000", "0x2"))


class RuleIds(unittest.TestCase):
    """Lines with a rule identifier and at= (docs/output-format.md)."""
    FAIL = ("HVTEST-START: demo cpus=2 args=\n"
            "STEP-BEGIN: vmx_init\n"
            "FAIL: vmxon: cpu1: [vmxon_unaligned] VMXON with a region not 4K-aligned: expected VMfailInvalid, "
            "got success at=vmx/vmx_vmxon.c:88\n"
            "STEP-END: FAIL: vmx_init\n"
            "SUMMARY: 1 checks, 0 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass\nHVTEST-END: FAIL\n")

    def test_annotation_at_the_checks_line(self):
        r = helpers.result(self.FAIL, label="vmx_vmxon@qemu-kvm")
        self.assertEqual(ci.annotations([r], "/"), [
            "::error file=vmx/vmx_vmxon.c,line=88,title=hvtest vmx_vmxon@qemu-kvm%3A vmxon%3A cpu1%3A "
            "vmxon_unaligned::FAIL: vmxon: cpu1: VMXON with a region not 4K-aligned: expected VMfailInvalid, "
            "got success [step vmx_init]"])
        rows = [line for line in ci.summary([r], None, "x", "/").splitlines() if "vmxon_unaligned" in line]
        self.assertEqual(rows, ["| t | qemu-tcg | vmx_init | cpu1 | vmxon: vmxon_unaligned (`vmx/vmx_vmxon.c:88`) "
                                "| VMfailInvalid | success |"])

    def test_repeats_are_numbered_in_order(self):
        g = helpers.parsed("PASS: a: [r] x at=f.c:1\nPASS: a: [r] y at=f.c:1\nPASS: a: [r] z at=f.c:1\n")
        self.assertEqual([ci.rule_of(c).id for c in g.checks], ["a: r", "a: r #2", "a: r #3"])

    def test_a_crash_points_at_the_faulting_line(self):
        text = ("HVTEST-START: demo cpus=1 args=\n"
                "FAIL: [unexpected_exception] unexpected exception #PF(0) at rip=0x1001d8 on cpu0 (cr2=0x5000) "
                "at=lib/desc.c:133\nBACKTRACE: 0x1001d8\n")
        r = helpers.result(text, exit_code=0, label="neg")
        r.backtrace = ["0x1001d8 main at /src/hvtest/x86/neg_pagefault.c:11"]
        self.assertEqual(ci.place_of(r, r.guest.checks[0], "/src/hvtest"), ("x86/neg_pagefault.c", 11))
        # a frame outside the project: the report's own line
        self.assertEqual(ci.place_of(r, r.guest.checks[0], "/elsewhere"), ("lib/desc.c", 133))


class Annotations(unittest.TestCase):
    def test_one_error_per_failing_check_or_failed_run(self):
        lines = ci.annotations(all_results(), "/")
        # FAIL, XPASS, and the exception the CRASH and TIMEOUT runs reported
        self.assertEqual(len(lines), 4, lines)
        self.assertTrue(all(line.startswith("::error ") for line in lines))
        self.assertIn("::FAIL: vmxon: cpu1: VMXON with a region not 4K-aligned: expected VMfailInvalid, "
                      "got success [step vmx_init > disabled_by_bios]", lines[0])
        self.assertIn("title=hvtest f%3A vmxon%3A VMXON with a region not 4K-aligned (cpu1)", lines[0])
        self.assertIn("errata.cfg is out of date", lines[1])

    def test_a_run_failed_without_a_check_points_at_its_cfg_section(self):
        r = helpers.result("HVTEST-START: demo cpus=1 args=\n", exit_code=0, label="c")
        self.assertEqual(ci.annotations([r], "/"), ["::error file=u.cfg,line=1,title=hvtest c%3A CRASH::CRASH: "
                                                    "no HVTEST-END line (exit code 0); 0 checks so far"])

    def test_escapes(self):
        self.assertEqual(ci.error_command("50%\nnext", "a:b,c", "x/y.c", 12),
                         "::error file=x/y.c,line=12,title=a%3Ab%2Cc::50%25%0Anext")


class Report(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hvtest-ci-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_outputs_and_step_summary(self):
        out, step = os.path.join(self.dir, "out"), os.path.join(self.dir, "summary")
        with open(step, "w") as f:
            f.write("before\n")
        args = cli.parse_args(["--junit", "r.xml"])
        with open(os.path.join(self.dir, "stdout"), "w") as stream:
            ci.report(all_results(), None, "/", self.dir, "7 test runs", args, stream,
                      {"GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": step})
        with open(out) as f:
            values = dict(line.rstrip("\n").split("=", 1) for line in f)
        self.assertEqual({k: values[k] for k in ("runs", "pass", "fail", "xfail", "xpass", "skip", "crash",
                                                 "timeout", "error", "failed-checks")},
                         {"runs": "7", "pass": "1", "fail": "1", "xfail": "1", "xpass": "1", "skip": "1",
                          "crash": "1", "timeout": "1", "error": "0", "failed-checks": "4"})
        self.assertEqual(values["junit"], os.path.abspath("r.xml"))
        self.assertEqual(values["json"], "")
        with open(step) as f:
            self.assertTrue(f.read().startswith("before\n### hvtest: 7 test runs"))
        with open(values["summary"]) as f:
            self.assertTrue(f.read().startswith("### hvtest: 7 test runs"))

    def test_without_logs(self):
        """A standalone script keeps no logs: the step summary and the outputs still come."""
        out, step = os.path.join(self.dir, "out"), os.path.join(self.dir, "summary")
        with open(os.path.join(self.dir, "stdout"), "w") as stream:
            ci.report(all_results(), None, "/", None, "7 test runs", cli.parse_args([]), stream,
                      {"GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": step})
        with open(out) as f:
            values = dict(line.rstrip("\n").split("=", 1) for line in f)
        self.assertEqual((values["runs"], values["summary"], values["logs"]), ("7", "", ""))
        with open(step) as f:
            self.assertTrue(f.read().startswith("### hvtest: 7 test runs"))
        self.assertEqual(sorted(os.listdir(self.dir)), ["out", "stdout", "summary"])


if __name__ == "__main__":
    unittest.main()
