"""Check lines with their rule and source line (docs/output-format.md): the
stable id the runner gives a check, and how TAP, JUnit and JSON use it."""
import json
import unittest
import xml.etree.ElementTree as ET

import helpers
from runner import guest_output, jsonout, junit, tap

RUN = """\
HVTEST-START: demo cpus=2 args=
PASS: vmxon: cpu0: [vmxon_unaligned] VMXON with a region at 0x123: expected VMfailInvalid, got VMfailInvalid at=vmx/vmx_vmxon.c:88
FAIL: vmxon: cpu1: [vmxon_unaligned] VMXON with a region at 0x456: expected VMfailInvalid, got success at=vmx/vmx_vmxon.c:88
PASS: caps: [check_msr] IA32_VMX_BASIC=0x2b: bit 31 clear at=vmx/vmx_caps.c:40
PASS: caps: [check_msr] IA32_VMX_MISC=0x5: fine at=vmx/vmx_caps.c:40
XFAIL: npt: cpu0: [npf_not_present] EXITINFO1: expected 0x6, got 0x4 [erratum qemu-tcg-npf] at=svm/svm_npt.c:120
SKIP: ept: [ept_1g] EPT_VPID_CAP[17] clear (no 1G pages) at=vmx/vmx_ept.c:201
FAIL: old: style line: expected 1, got 2
SUMMARY: 6 checks, 3 passed, 2 failed, 1 skipped, 1 xfail, 0 xpass
HVTEST-END: FAIL
"""


class Parse(unittest.TestCase):
    def setUp(self):
        self.checks = helpers.parsed(RUN).checks

    def test_fields(self):
        c = self.checks[1]
        self.assertEqual((c.verdict, c.prefixes, c.rule, c.at),
                         ("FAIL", ["vmxon", "cpu1"], "vmxon_unaligned", "vmx/vmx_vmxon.c:88"))
        self.assertEqual(c.description, "VMXON with a region at 0x456: expected VMfailInvalid, got success")
        self.assertEqual(c.id, "vmxon: cpu1: vmxon_unaligned")

    def test_id_without_values(self):
        # the values (addresses, MSR contents) stay out of the id: the same in every run
        self.assertEqual(self.checks[0].id, "vmxon: cpu0: vmxon_unaligned")
        self.assertEqual(self.checks[2].prefixes, ["caps"])
        self.assertEqual(self.checks[2].description, "IA32_VMX_BASIC=0x2b: bit 31 clear")

    def test_repeated_rule_numbered(self):
        self.assertEqual([self.checks[2].id, self.checks[3].id], ["caps: check_msr", "caps: check_msr #2"])

    def test_erratum_and_site(self):
        c = self.checks[4]
        self.assertEqual((c.erratum, c.rule, c.at, c.description),
                         ("qemu-tcg-npf", "npf_not_present", "svm/svm_npt.c:120", "EXITINFO1: expected 0x6, got 0x4"))

    def test_line_without_rule(self):
        c = self.checks[6]
        self.assertEqual((c.rule, c.at, c.prefixes), (None, None, ["old"]))
        self.assertEqual(c.id, "old: style line: expected 1, got 2")

    def test_same_ids_in_another_run(self):
        other = RUN.replace("0x456", "0x789").replace("got success", "got #GP(0)")
        self.assertEqual([c.id for c in helpers.parsed(other).checks], [c.id for c in self.checks])


class Reports(unittest.TestCase):
    def setUp(self):
        self.r = helpers.result(RUN, label="demo")

    def test_junit_name_is_id_message_has_values(self):
        root = ET.fromstring(ET.tostring(junit.build([self.r]).getroot()))
        case = root.find(".//testcase[@name='vmxon: cpu1: vmxon_unaligned']")
        self.assertEqual((case.get("file"), case.get("line")), ("vmx/vmx_vmxon.c", "88"))
        self.assertIn("got success", case.find("failure").get("message"))
        self.assertIsNotNone(root.find(".//testcase[@name='caps: check_msr #2']"))

    def test_tap_name_is_id_failure_has_yaml(self):
        lines = tap.render([self.r])
        i = lines.index("not ok 2 - demo: vmxon: cpu1: vmxon_unaligned")
        self.assertEqual(lines[i + 1], "  ---")
        self.assertEqual(json.loads(lines[i + 2].split(": ", 1)[1]),
                         "VMXON with a region at 0x456: expected VMfailInvalid, got success")
        self.assertEqual(lines[i + 3], '  at: "vmx/vmx_vmxon.c:88"')
        self.assertIn("ok 6 - demo: ept: ept_1g # SKIP EPT_VPID_CAP[17] clear (no 1G pages)", lines)

    def test_json_carries_id_rule_at(self):
        doc = jsonout.document([self.r], helpers.make_host())
        c = doc["runs"][0]["checks"][1]
        self.assertEqual((c["id"], c["rule"], c["at"]),
                         ("vmxon: cpu1: vmxon_unaligned", "vmxon_unaligned", "vmx/vmx_vmxon.c:88"))


if __name__ == "__main__":
    unittest.main()
