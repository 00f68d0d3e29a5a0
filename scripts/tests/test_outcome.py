import unittest

import helpers
from helpers import outcome, parsed


def judge(text, kind="qemu", exit_code=None, timed_out=False, message=""):
    g = parsed(text)
    if exit_code is None:
        exit_code = outcome.expected_exit(kind, g.end) if g.end else 0
    return outcome.judge(g, kind, exit_code, timed_out, 30.0, message)


class Outcomes(unittest.TestCase):
    def test_pass(self):
        o = judge(helpers.PASS_RUN)
        self.assertEqual(o.status, "PASS")
        self.assertFalse(o.failed)

    def test_fail_names_check_and_step(self):
        o = judge(helpers.FAIL_RUN)
        self.assertEqual(o.status, "FAIL")
        self.assertIn("vmxon: cpu1: VMXON with a region not 4K-aligned", o.reason)
        self.assertIn("[step vmx_init > disabled_by_bios]", o.reason)

    def test_skip(self):
        o = judge(helpers.SKIP_RUN)
        self.assertEqual(o.status, "SKIP")
        self.assertIn("EPT_VPID_CAP[17] clear", o.reason)

    def test_xfail(self):
        o = judge(helpers.XFAIL_RUN)
        self.assertEqual(o.status, "XFAIL")
        self.assertIn("qemu-tcg-npf-error-code", o.reason)
        self.assertFalse(o.failed)

    def test_xpass(self):
        o = judge(helpers.XPASS_RUN)
        self.assertEqual(o.status, "XPASS")
        self.assertTrue(o.failed)

    def test_crash_names_step(self):
        o = judge(helpers.CRASH_RUN, exit_code=0)
        self.assertEqual(o.status, "CRASH")
        self.assertIn("in step vmx_init > hardware_setup", o.reason)

    def test_exit_code_disagreeing_is_crash(self):
        self.assertEqual(judge(helpers.PASS_RUN, exit_code=3).status, "CRASH")
        self.assertEqual(judge(helpers.PASS_RUN, kind="bochs", exit_code=1).status, "CRASH")
        self.assertEqual(judge(helpers.PASS_RUN, kind="bochs", exit_code=0).status, "PASS")

    def test_timeout(self):
        o = judge(helpers.CRASH_RUN, exit_code=-15, timed_out=True)
        self.assertEqual(o.status, "TIMEOUT")
        self.assertIn("hardware_setup", o.reason)

    def test_error_no_output(self):
        o = judge("", exit_code=1, message="qemu-system-x86_64: -foo: invalid option")
        self.assertEqual(o.status, "ERROR")
        self.assertIn("invalid option", o.reason)

    def test_triple_fault_before_output_is_crash(self):
        self.assertEqual(judge("", exit_code=0).status, "CRASH")

    def test_end_pass_with_fail_lines_is_fail(self):
        text = helpers.FAIL_RUN.replace("HVTEST-END: FAIL", "HVTEST-END: PASS")
        self.assertEqual(judge(text).status, "FAIL")


class Parser(unittest.TestCase):
    def test_fields(self):
        g = parsed(helpers.CRASH_RUN)
        self.assertTrue(g.started)
        self.assertEqual(g.backtrace, ["0x10234a", "0x101f00"])
        self.assertEqual(g.crashed_in(), ("vmx_init", "hardware_setup"))
        c = g.checks[1]
        self.assertEqual((c.verdict, c.prefixes), ("FAIL", ["vmxon"]))
        self.assertTrue(c.description.startswith("unexpected exception #PF(0x2)"))

    def test_erratum_and_summary(self):
        g = parsed(helpers.XFAIL_RUN)
        self.assertEqual(g.checks[1].erratum, "qemu-tcg-npf-error-code")
        self.assertEqual(g.checks[1].prefixes, ["npt"])
        self.assertEqual(g.summary, (2, 1, 0, 0, 1, 0))

    def test_steps(self):
        g = parsed(helpers.PASS_RUN)
        step = g.steps[("vmx_init", "kvm_init")]
        self.assertEqual((step.verdict, step.values), ("PASS", "IA32_FEATURE_CONTROL=0x5 lock=1"))
        self.assertEqual(g.checks[0].step, ("vmx_init", "kvm_init"))


class Tree(unittest.TestCase):
    def test_render_and_failing_path(self):
        from runner import tree
        g = parsed(helpers.FAIL_RUN)
        self.assertEqual(tree.render(g.steps), ["vmx_init  FAIL",
                                                " └─ disabled_by_bios  FAIL  IA32_FEATURE_CONTROL=0x1"])
        self.assertEqual(tree.failing_path(g.steps),
                         "vmx_init > disabled_by_bios  FAIL  IA32_FEATURE_CONTROL=0x1")
        crash = parsed(helpers.CRASH_RUN)
        self.assertEqual(tree.failing_path(crash.steps), "vmx_init > hardware_setup  CRASHED")


if __name__ == "__main__":
    unittest.main()
