"""JUnit XML: a <testsuite> per test program run, a <testcase> per in-guest check,
the run's log as <system-out>.  A check's testcase is named by its stable id
(prefixes and rule, docs/output-format.md); the values it saw are the message."""
import re
import xml.etree.ElementTree as ET

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text):
    return _BAD_XML.sub("", text or "")


def _case(suite, label, name, at=None):
    case = ET.SubElement(suite, "testcase", classname=label, name=_clean(name), time="0")
    if at:
        file, _, line = at.rpartition(":")
        case.set("file", file)
        case.set("line", line)
    return case


def build(results, host=None):
    """An ElementTree <testsuites> for results (session.Result list)."""
    root = ET.Element("testsuites", name="hvtest")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for r in results:
        suite = ET.SubElement(root, "testsuite", name=r.label, time=f"{r.duration:.3f}")
        props = ET.SubElement(suite, "properties")
        for k, v in (("backend", r.backend or ""), ("env", r.env or ""),
                     ("outcome", r.outcome.status), ("reason", _clean(r.outcome.reason))):
            ET.SubElement(props, "property", name=k, value=v)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for c in r.guest.checks:
            if c.verdict == "INFO":
                continue
            counts["tests"] += 1
            case = _case(suite, r.label, c.id, c.at)
            if c.verdict == "FAIL":
                counts["failures"] += 1
                ET.SubElement(case, "failure", type="FAIL", message=_clean(c.description))
            elif c.verdict == "XPASS":
                counts["failures"] += 1
                ET.SubElement(case, "failure", type="XPASS",
                              message=_clean(f"erratum {c.erratum} did not show: {c.description}"))
            elif c.verdict == "SKIP":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_clean(c.description))
            elif c.verdict == "XFAIL":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", type="XFAIL",
                              message=_clean(f"xfail: erratum {c.erratum}: {c.description}"))
        status = r.outcome.status
        if status in ("ERROR", "TIMEOUT", "CRASH") or counts["tests"] == 0:
            counts["tests"] += 1
            case = _case(suite, r.label, "run")
            if status in ("ERROR", "TIMEOUT", "CRASH"):
                counts["errors"] += 1
                ET.SubElement(case, "error", type=status, message=_clean(r.outcome.reason))
            elif status == "SKIP":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_clean(r.outcome.reason))
            elif r.outcome.failed:
                counts["failures"] += 1
                ET.SubElement(case, "failure", type=status, message=_clean(r.outcome.reason))
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        out = ET.SubElement(suite, "system-out")
        out.text = _clean(r.log)
    for k, v in totals.items():
        root.set(k, str(v))
    return ET.ElementTree(root)


def write(path, results, host=None):
    tree = build(results, host)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
