"""The runner in CI (GitHub Actions): on when GITHUB_ACTIONS=true or with --github.

report() writes, after a run:
- a Markdown summary (one table: test, backend, status, checks, time; then
  the failing checks with step, CPU, expected, got) to logs/summary.md
  (not by a standalone script: it keeps no logs) and, when
  $GITHUB_STEP_SUMMARY names a file, appended to it;
- one `::error` workflow command per failing check, at the source line of
  the check that the guest names (`at=`; for its crash report, the faulting
  line from the backtrace), else without a place; one per run that failed
  without a failing check (CRASH, TIMEOUT, ERROR), at its unittests.cfg section;
- the counts and the report paths as step outputs, when $GITHUB_OUTPUT
  names a file (action.yml passes them on).
Without CI mode none of this happens.  docs/ci.md shows an example.
"""
import os
import re

from .outcome import STATUSES

FAILING_CHECKS = ("FAIL", "XPASS")
MAX_CHECK_ROWS = 200            # a step summary holds at most 1 MiB
_CPU = re.compile(r"cpu\d+\Z")
_EXPECTED_GOT = re.compile(r"expected (?P<expected>.+?),? got (?P<got>.+)\Z")
_VALUE_CUT = re.compile(r"(?:^|[:,]? \(?)expected\b")
_NUMBER = re.compile(r"\b0x[0-9a-fA-F]+\b|\b\d+\b")
_FRAME = re.compile(r" at (/\S+):(\d+)")       # a symbolised backtrace line (addr2line -p)
CRASH_RULE = "unexpected_exception"             # the guest's crash report (docs/output-format.md)


class Rule:
    """What a check is, the same in every run.

    id: the check's id (docs/output-format.md: prefixes with cpuN, and the
    rule), which also names it in JUnit; name: the same without the cpuN
    prefix; cpu: "cpuN" when the check is about one CPU, else "";
    file, line: the check's source line (its at=), or None where the line has none.
    """

    def __init__(self, id, name, cpu="", file=None, line=None):
        self.id, self.name, self.cpu, self.file, self.line = id, name, cpu, file, line


def rule_of(check):
    """The Rule of a guest_output.Check: its id, rule and at= (docs/output-format.md).

    A line without a rule identifier (a program built before they existed)
    is named by its text with the values cut off: the text before
    "expected ...", numbers masked.
    """
    cpu = next((p for p in check.prefixes if _CPU.match(p)), "")
    others = [p for p in check.prefixes if p != cpu]
    rule = check.rule
    if rule is not None:
        file, _, line = (check.at or "").rpartition(":")
        repeat = f" #{check.ordinal}" if check.ordinal > 1 else ""
        return Rule(check.id, ": ".join(others + [rule]) + repeat, cpu, file or None,
                    int(line) if line.isdigit() else None)
    text = _VALUE_CUT.split(check.description, 1)[0].strip()
    name = _NUMBER.sub("N", ": ".join(others + ([text] if text else []))) or check.description
    return Rule(f"{name} ({cpu})" if cpu else name, name, cpu)


def fault_place(r, root):
    """(file, line) of the instruction that faulted in a crashed run: the first
    frame of its symbolised backtrace, when that is a source file under root."""
    m = _FRAME.search(r.backtrace[0]) if r.backtrace else None
    if not m:
        return None, None
    path = os.path.relpath(m.group(1), root)
    return (None, None) if path.startswith("..") else (path, int(m.group(2)))


def place_of(r, check, root):
    """(file, line) an annotation points at: the check's own source line, or
    for the crash report (rule unexpected_exception) the faulting line."""
    rule = rule_of(check)
    if check.rule == CRASH_RULE:
        file, line = fault_place(r, root)
        if file:
            return file, line
    return rule.file, rule.line


def expected_got(check):
    """(expected, got) as the check's line says them, or ("", "") when it does not."""
    m = _EXPECTED_GOT.search(check.description)
    return (m.group("expected"), m.group("got")) if m else ("", "")


def _cell(text):
    text = " ".join(str(text or "").split())
    return text.replace("|", "\\|") if text else "-"


def _checks_cell(r):
    counts = r.guest.counts()
    n = sum(counts[v] for v in ("PASS", "FAIL", "SKIP", "XFAIL", "XPASS"))
    parts = [f"{counts[v]} {v.lower()}" for v in ("FAIL", "XPASS", "XFAIL", "SKIP") if counts[v]]
    return f"{n}" + (f" ({', '.join(parts)})" if parts else "")


def _status_cell(r):
    o = r.outcome
    return o.status if o.status in ("PASS", "XFAIL", "FAIL", "XPASS") else f"{o.status}: {o.reason}"


def counts(results):
    c = {s.lower(): 0 for s in STATUSES}
    for r in results:
        c[r.outcome.status.lower()] += 1
    c["runs"] = len(results)
    c["checks"] = sum(1 for r in results for ch in r.guest.checks if ch.verdict != "INFO")
    c["failed-checks"] = sum(1 for r in results for ch in r.guest.checks if ch.verdict in FAILING_CHECKS)
    return c


def summary(results, host, totals_line, root):
    """The Markdown summary of one run of the runner."""
    out = [f"### hvtest: {totals_line}", ""]
    if host:
        out += [f"`{h}`  " for h in host.header()] + [""]
    out += ["| test | backend | status | checks | time |", "|---|---|---|---|---|"]
    for r in results:
        time = f"{r.duration:.2f} s" if r.duration else "-"
        out.append(f"| {_cell(r.entry.name)} | {_cell(r.env)} | {_cell(_status_cell(r))} | "
                   f"{_checks_cell(r)} | {time} |")
    bad = [(r, c) for r in results for c in r.guest.checks if c.verdict in FAILING_CHECKS]
    if bad:
        out += ["", f"#### Failing checks ({len(bad)})", "",
                "| test | backend | step | CPU | check | expected | got |", "|---|---|---|---|---|---|---|"]
        for r, c in bad[:MAX_CHECK_ROWS]:
            rule = rule_of(c)
            expected, got = expected_got(c)
            file, line = place_of(r, c, root)
            what = rule.name + (f" (`{file}:{line}`)" if file else "")
            if c.verdict == "XPASS":
                what += f" [XPASS: erratum {c.erratum} did not show]"
            if not expected:
                got = c.description
            out.append(f"| {_cell(r.entry.name)} | {_cell(r.env)} | {_cell(' > '.join(c.step))} | "
                       f"{_cell(rule.cpu)} | {_cell(what)} | {_cell(expected)} | {_cell(got)} |")
        if len(bad) > MAX_CHECK_ROWS:
            out.append(f"\n{len(bad) - MAX_CHECK_ROWS} more failing checks in the logs.")
    return "\n".join(out) + "\n"


def _escape_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text):
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error_command(message, title, file=None, line=None):
    """One `::error` workflow command line."""
    props = [f"file={_escape_property(file)}", f"line={line}"] if file and line else []
    props.append(f"title={_escape_property(title)}")
    return f"::error {','.join(props)}::{_escape_data(message)}"


def annotations(results, root):
    """The ::error lines: one per failing check, one per run failed without one."""
    lines = []
    for r in results:
        bad = [c for c in r.guest.checks if c.verdict in FAILING_CHECKS]
        for c in bad:
            rule = rule_of(c)
            step = f" [step {' > '.join(c.step)}]" if c.step else ""
            why = f" (erratum {c.erratum} did not show: errata.cfg is out of date)" if c.verdict == "XPASS" else ""
            lines.append(error_command(f"{c.verdict}: {c.name}{step}{why}",
                                       f"hvtest {r.label}: {rule.id}", *place_of(r, c, root)))
        if r.outcome.failed and not bad:
            path, _, line = (r.entry.where or "").rpartition(":")
            file = os.path.relpath(os.path.join(root, path), root) if path else None
            lines.append(error_command(f"{r.outcome.status}: {r.outcome.reason}",
                                       f"hvtest {r.label}: {r.outcome.status}", file,
                                       line if line.isdigit() else None))
    return lines


def _abspath(path):
    return os.path.abspath(path) if path else ""


def report(results, host, root, logs_dir, totals_line, args, stream, environ=None):
    """Everything CI mode writes after a run (see the module's text)."""
    environ = os.environ if environ is None else environ
    text = summary(results, host, totals_line, root)
    summary_path = os.path.join(logs_dir, "summary.md") if logs_dir else ""
    if summary_path:
        with open(summary_path, "w", encoding="utf-8") as f:
            f.write(text)
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as f:
            f.write(text)
    for line in annotations(results, root):
        print(line, file=stream)
    stream.flush()
    if environ.get("GITHUB_OUTPUT"):
        values = dict(counts(results), summary=summary_path, logs=_abspath(logs_dir),
                      junit=_abspath(args.junit), json=_abspath(args.json))
        with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in values.items())
