"""TAP version 13: one line per in-guest check, plus one per test run that has no
checks to speak for it (SKIP, ERROR, TIMEOUT, CRASH).  A check's line names it
by its stable id (prefixes and rule, docs/output-format.md); a check that did
not pass carries its message and source line in a YAML block (JSON strings
are YAML)."""
import json


def _esc(text):
    # '#' starts a directive in TAP; a description must not contain a bare one.
    return text.replace("\\", "\\\\").replace("#", "\\#")


def _diagnostics(c):
    """The YAML block under a check that did not pass: its message and source line."""
    lines = ["  ---", f"  message: {json.dumps(c.description)}"]
    if c.at:
        lines.append(f"  at: {json.dumps(c.at)}")
    return lines + ["  ..."]


def _check_lines(n, label, c):
    desc = _esc(f"{label}: {c.id}")
    if c.verdict == "PASS":
        return [f"ok {n} - {desc}"]
    if c.verdict == "SKIP":
        return [f"ok {n} - {desc} # SKIP {_esc(c.description)}"]
    if c.verdict == "FAIL":
        line = f"not ok {n} - {desc}"
    elif c.verdict == "XFAIL":
        line = f"not ok {n} - {desc} # TODO erratum {_esc(c.erratum or '?')}"
    else:
        line = f"not ok {n} - {desc} (XPASS: erratum {_esc(c.erratum or '?')} did not show)"
    return [line] + _diagnostics(c)


def _needs_run_line(r):
    checks = [c for c in r.guest.checks if c.verdict != "INFO"]
    if r.outcome.status in ("ERROR", "TIMEOUT", "CRASH") or not checks:
        return True
    return r.outcome.failed and not any(c.verdict in ("FAIL", "XPASS") for c in checks)


def render(results, header_lines=()):
    """The TAP document for results (a list of session.Result), as a list of lines."""
    lines = ["TAP version 13"] + [f"# {h}" for h in header_lines]
    n = 0
    for r in results:
        for c in r.guest.checks:
            if c.verdict == "INFO":
                continue
            n += 1
            lines.extend(_check_lines(n, r.label, c))
        if _needs_run_line(r):
            n += 1
            status, reason = r.outcome.status, _esc(r.outcome.reason)
            if status == "SKIP":
                lines.append(f"ok {n} - {_esc(r.label)} # SKIP {reason}")
            elif r.outcome.failed:
                lines.append(f"not ok {n} - {_esc(r.label)}: {status} {reason}")
            else:
                lines.append(f"ok {n} - {_esc(r.label)}: {status} {reason}")
        lines.append(f"# {r.label}: {r.outcome.status} {r.outcome.reason}".rstrip())
    lines.append(f"1..{n}")
    return lines
