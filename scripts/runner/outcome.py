"""Judge one test run: the guest's lines plus the emulator's exit, into one outcome.

PASS     HVTEST-END: PASS, no check xfailed
XFAIL    HVTEST-END: PASS, and at least one check XFAILed (known erratum)
SKIP     HVTEST-END: SKIP, or no backend could run the test
FAIL     HVTEST-END: FAIL (a check failed), or HVTEST-END: PASS contradicted
         by a FAIL/XPASS line (also one printed after it), by its SUMMARY,
         or by the absence of any passing check
XPASS    HVTEST-END: FAIL only because a check XPASSed (errata.cfg is stale)
ERROR    the environment failed: program not built, emulator missing or
         refused its arguments, exited before the guest printed anything
TIMEOUT  the run was killed at its timeout
CRASH    no HVTEST-END line, HVTEST-END lines malformed or disagreeing, no
         HVTEST-START before it, or an exit code that disagrees with it
"""
from dataclasses import dataclass

STATUSES = ("PASS", "XFAIL", "SKIP", "FAIL", "XPASS", "ERROR", "TIMEOUT", "CRASH")
FAILED = frozenset(("FAIL", "XPASS", "ERROR", "TIMEOUT", "CRASH"))
JUDGED_OK = frozenset(("PASS", "XFAIL"))
END_EXIT_CODE = {"PASS": 0, "FAIL": 1, "SKIP": 2}   # what the guest writes to 0xf4


@dataclass
class Outcome:
    """The verdict of one test run (STATUSES) and why."""
    status: str
    reason: str = ""

    @property
    def failed(self):
        return self.status in FAILED


def _step_text(path):
    return " > ".join(path)


def _where(guest):
    """Where a run that did not end stopped: the last subtest and step begun, and
    the checks so far (docs/output-format.md: SUBTEST, STEP-BEGIN)."""
    step = guest.crashed_in()
    place = ([f"subtest {guest.subtest}"] if guest.subtest else []) + \
        ([f"step {_step_text(step)}"] if step else [])
    return (f" in {', '.join(place)}" if place else "") + f"; {guest.counts_text()}"


def expected_exit(kind, end):
    """The emulator exit code that goes with HVTEST-END: end."""
    return (END_EXIT_CODE[end] << 1) | 1 if kind == "qemu" else 0


def judge(guest, kind, exit_code, timed_out, timeout=None, message="", stopped=None):
    """kind: "qemu" or "bochs"; message: the emulator's last complaint (stderr);
    stopped: what the VMM said when it stopped the VM for good (the run was then ended)."""
    if guest.end is None:
        if stopped:
            return Outcome("CRASH", f"the VMM stopped the VM ({stopped}){_where(guest)}")
        if timed_out:
            return Outcome("TIMEOUT", f"no HVTEST-END within {timeout:g} s{_where(guest)}")
        if guest.ends:
            return Outcome("CRASH", "HVTEST-END lines malformed or disagreeing: "
                                    + ", ".join(repr(e[:40]) for e in guest.ends[:4]))
        if not guest.started and exit_code != 0 and "triple" not in message.lower():
            detail = f": {message}" if message else ""
            return Outcome("ERROR", f"emulator exited with code {exit_code} before the guest "
                                    f"printed anything{detail}")
        if not guest.started:
            return Outcome("CRASH", f"no output at all (exit code {exit_code}: guest reset or "
                                    "triple fault before its console came up)")
        return Outcome("CRASH", f"no HVTEST-END line (exit code {exit_code}){_where(guest)}")
    if timed_out:
        return Outcome("TIMEOUT", f"printed HVTEST-END: {guest.end} but did not exit within {timeout:g} s")
    want = expected_exit(kind, guest.end)
    if exit_code != want:
        return Outcome("CRASH", f"exit code {exit_code} disagrees with HVTEST-END: {guest.end} "
                                f"(expected {want})")
    counts = guest.counts()
    fails = [c for c in guest.checks if c.verdict == "FAIL"]
    xpasses = [c for c in guest.checks if c.verdict == "XPASS"]
    if not guest.started:
        return Outcome("CRASH", f"HVTEST-END: {guest.end} without HVTEST-START")
    if guest.end == "PASS":
        if fails or xpasses:
            return Outcome("FAIL", f"HVTEST-END: PASS contradicts {len(fails) + len(xpasses)} failing check(s)")
        if guest.summary and (guest.summary[2] or guest.summary[5]):
            return Outcome("FAIL", f"HVTEST-END: PASS contradicts its SUMMARY ({guest.summary[2]} failed, "
                                   f"{guest.summary[5]} xpass)")
        if not counts["PASS"] and not counts["XFAIL"]:
            return Outcome("FAIL", "HVTEST-END: PASS without a passing check")
        if counts["XFAIL"]:
            names = sorted({c.erratum or "?" for c in guest.checks if c.verdict == "XFAIL"})
            return Outcome("XFAIL", f"{counts['XFAIL']} check(s) xfail: erratum {', '.join(names)}")
        return Outcome("PASS", f"{counts['PASS']} checks passed")
    if guest.end == "SKIP":
        skips = [c for c in guest.checks if c.verdict == "SKIP"]
        return Outcome("SKIP", skips[0].name if skips else "the program skipped everything")
    if xpasses and not fails:
        return Outcome("XPASS", f"erratum {xpasses[0].erratum} did not show: {xpasses[0].name}")
    if fails:
        first = fails[0]
        step = f" [step {_step_text(first.step)}]" if first.step else ""
        more = f" (+{len(fails) + len(xpasses) - 1} more)" if len(fails) + len(xpasses) > 1 else ""
        return Outcome("FAIL", f"{first.name}{step}{more}")
    return Outcome("FAIL", "HVTEST-END: FAIL without a FAIL line")
