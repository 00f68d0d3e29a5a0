import json
import re
import unittest
import xml.etree.ElementTree as ET

import helpers
from runner import jsonout, junit, tap

# A description may hold '#' only escaped as '\#'.
TAP_LINE = re.compile(r"^(ok|not ok) (\d+)(?: - ((?:[^#\\]|\\.)*?))?(?: # (SKIP|TODO)(?: (.*))?)?$")


def all_results():
    return [helpers.result(helpers.PASS_RUN, label="p"),
            helpers.result(helpers.FAIL_RUN, label="f"),
            helpers.result(helpers.SKIP_RUN, label="s"),
            helpers.result(helpers.XFAIL_RUN, label="xf"),
            helpers.result(helpers.XPASS_RUN, label="xp"),
            helpers.result(helpers.CRASH_RUN, exit_code=0, label="c"),
            helpers.result(helpers.CRASH_RUN, exit_code=-15, timed_out=True, label="t")]


def parse_tap(lines):
    """A strict little TAP13 reader: (plan, [(ok, number, description, directive, reason)]);
    YAML blocks ("  ---" .. "  ...") only under a failed test."""
    assert lines[0] == "TAP version 13", lines[0]
    tests, plan, yaml = [], None, False
    for line in lines[1:]:
        if line == "  ---":
            assert tests and not tests[-1][0] and not yaml, "YAML block not under a failed test"
            yaml = True
            continue
        if yaml:
            yaml = line != "  ..."
            assert line.startswith("  "), f"YAML block not ended: {line!r}"
            continue
        if line.startswith("#"):
            continue
        if line.startswith("1.."):
            assert plan is None
            plan = int(line[3:])
            continue
        m = TAP_LINE.match(line)
        assert m, f"not a TAP line: {line!r}"
        tests.append((m.group(1) == "ok", int(m.group(2)), m.group(3), m.group(4), m.group(5)))
    return plan, tests


class Tap(unittest.TestCase):
    def test_parses_back(self):
        plan, tests = parse_tap(tap.render(all_results(), ["host: test"]))
        self.assertEqual(plan, len(tests))
        self.assertEqual([t[1] for t in tests], list(range(1, plan + 1)))
        by_desc = {t[2]: t for t in tests}
        self.assertTrue(by_desc["p: vmxon: cpu1: VMXON works"][0])
        self.assertFalse(any(t[0] for t in tests if t[2].startswith("f: vmxon")))
        skip = [t for t in tests if t[3] == "SKIP"]
        self.assertEqual(skip[0][4], "1G leaves: EPT_VPID_CAP[17] clear (no 1G pages)")
        todo = [t for t in tests if t[3] == "TODO"]
        self.assertEqual((todo[0][0], todo[0][4]), (False, "erratum qemu-tcg-npf-error-code"))
        self.assertTrue(any(t[2].startswith("c: CRASH") and not t[0] for t in tests))
        self.assertTrue(any(t[2].startswith("t: TIMEOUT") and not t[0] for t in tests))
        self.assertTrue(any("XPASS" in t[2] and not t[0] for t in tests))

    def test_hash_escaped(self):
        r = helpers.result(helpers.PASS_RUN.replace("VMXON works", "raised #GP(0)"))
        lines = tap.render([r])
        self.assertIn("raised \\#GP(0)", "\n".join(lines))
        parse_tap(lines)


class JUnit(unittest.TestCase):
    def test_structure(self):
        tree = junit.build(all_results())
        root = ET.fromstring(ET.tostring(tree.getroot()))
        self.assertEqual(root.tag, "testsuites")
        suites = root.findall("testsuite")
        self.assertEqual([s.get("name") for s in suites], ["p", "f", "s", "xf", "xp", "c", "t"])
        for s in suites:
            cases = s.findall("testcase")
            self.assertEqual(int(s.get("tests")), len(cases))
            self.assertEqual(int(s.get("failures")), sum(len(c.findall("failure")) for c in cases))
            self.assertEqual(int(s.get("errors")), sum(len(c.findall("error")) for c in cases))
            self.assertEqual(int(s.get("skipped")), sum(len(c.findall("skipped")) for c in cases))
            self.assertIsNotNone(s.find("system-out"))
        self.assertEqual(suites[1].get("failures"), "1")
        self.assertEqual(suites[5].find("testcase[@name='run']/error").get("type"), "CRASH")
        self.assertEqual(suites[6].find("testcase[@name='run']/error").get("type"), "TIMEOUT")
        self.assertEqual(int(root.get("tests")), sum(int(s.get("tests")) for s in suites))

    def test_control_characters_dropped(self):
        r = helpers.result(helpers.PASS_RUN)
        r.log = "bochs\x1b[0m noise\x00"
        ET.fromstring(ET.tostring(junit.build([r]).getroot()))


class Json(unittest.TestCase):
    def test_document(self):
        doc = json.loads(json.dumps(jsonout.document(all_results(), helpers.make_host())))
        self.assertEqual(doc["host"]["qemu_version"], "7.2")
        runs = {r["name"]: r for r in doc["runs"]}
        self.assertEqual(runs["f"]["status"], "FAIL")
        self.assertEqual(runs["xf"]["checks"][1]["erratum"], "qemu-tcg-npf-error-code")
        self.assertEqual(runs["p"]["summary"]["passed"], 2)
        self.assertEqual(runs["p"]["steps"][1]["path"], ["vmx_init", "kvm_init"])
        self.assertEqual(doc["totals"]["CRASH"], 1)


if __name__ == "__main__":
    unittest.main()
