"""TAP version 13: one line per in-guest check, plus one per test run that has no
checks to speak for it (SKIP, ERROR, TIMEOUT, CRASH)."""


def _esc(text):
    # '#' starts a directive in TAP; a description must not contain a bare one.
    return text.replace("\\", "\\\\").replace("#", "\\#")


def _check_line(n, label, c):
    desc = _esc(f"{label}: {c.name}")
    if c.verdict == "PASS":
        return f"ok {n} - {desc}"
    if c.verdict == "FAIL":
        return f"not ok {n} - {desc}"
    if c.verdict == "SKIP":
        where = _esc(": ".join([label] + c.prefixes))
        return f"ok {n} - {where} # SKIP {_esc(c.description)}"
    if c.verdict == "XFAIL":
        return f"not ok {n} - {desc} # TODO erratum {_esc(c.erratum or '?')}"
    return f"not ok {n} - {desc} (XPASS: erratum {_esc(c.erratum or '?')} did not show)"


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
            lines.append(_check_line(n, r.label, c))
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
