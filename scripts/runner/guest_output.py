"""Parse the guest's serial lines (docs/output-format.md) into one GuestOutput.

Only lines whose first word is a known kind count; anything else is free
text.  A line is parsed on its own, so a truncated run still yields every
complete line before the cut.
"""
import re
from dataclasses import dataclass, field

CHECK_VERDICTS = ("PASS", "FAIL", "SKIP", "XFAIL", "XPASS", "INFO")
END_STATUSES = ("PASS", "FAIL", "SKIP")
# The runtime's lines are at most 1023 characters (lib/report.c); a longer
# line is cut here, so that a guest printing garbage cannot make the runner
# hold, parse or display megabytes as one check.
MAX_LINE = 4096
_ERRATUM = re.compile(r"\s*\[erratum ([^\]\s]+)\]\s*$")
_SUMMARY = re.compile(r"(\d+) checks, (\d+) passed, (\d+) failed, (\d+) skipped, (\d+) xfail, (\d+) xpass")
# Control characters (a NUL, an escape sequence) are shown, never passed to a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def split_site(rest):
    """'text at=vmx/x.c:88' -> ('text', 'vmx/x.c:88'); (rest, None) without the suffix."""
    body, sep, at = rest.rstrip().rpartition(" at=")
    file, colon, line = at.rpartition(":")
    if sep and colon and file and line.isdigit() and not any(c.isspace() for c in at):
        return body, at
    return rest, None


def split_erratum(rest):
    """'text [erratum NAME]' -> ('text', 'NAME'); (rest, None) without the suffix."""
    m = _ERRATUM.search(rest)
    return (rest[: m.start()], m.group(1)) if m else (rest, None)


def parse_summary(rest):
    """'N checks, N passed, N failed, N skipped, N xfail, N xpass' -> 6 ints, or None."""
    m = _SUMMARY.search(rest)
    return tuple(int(n) for n in m.groups()) if m else None


def clean_line(raw):
    """One serial line as the parser reads it: no line end, control characters
    as '?', at most MAX_LINE characters."""
    line = _CONTROL.sub("?", raw.rstrip("\r\n"))
    if len(line) > MAX_LINE:
        line = line[:MAX_LINE] + f" ... (line cut: {len(line)} characters)"
    return line


@dataclass
class Check:
    """One check line the program printed (docs/output-format.md)."""
    verdict: str                 # PASS FAIL SKIP XFAIL XPASS INFO
    prefixes: list               # report prefix stack
    description: str             # the message, with the values seen
    erratum: str = None          # XFAIL/XPASS: the erratum's name
    step: tuple = ()             # the innermost open STEP when it was printed
    rule: str = None             # the rule's identifier ([rule]), None on a line without one
    at: str = None               # "file:line" of the check in the program's source
    ordinal: int = 1             # n-th check with this id in the run (n > 1: " #n" in id)

    @property
    def name(self):
        return ": ".join(self.prefixes + [self.description])

    @property
    def id(self):
        """The stable name of the check: prefixes (subtest, step, cpuN) and rule,
        the same in every run; the values stay in the description."""
        if self.rule is None:
            return self.name
        base = ": ".join(self.prefixes + [self.rule])
        return base if self.ordinal == 1 else f"{base} #{self.ordinal}"


@dataclass
class Step:
    """One STEP of the program: its path of nested steps, verdict and values."""
    path: tuple                  # ("vmx_init", "kvm_init", ...)
    verdict: str = None          # None while open (no STEP-END seen)
    values: str = ""             # "key=value key=value"


@dataclass
class GuestOutput:
    """What one run's serial output says, parsed line by line."""
    started: bool = False
    program: str = ""
    cpus: str = ""
    checks: list = field(default_factory=list)
    steps: dict = field(default_factory=dict)        # path -> Step, in BEGIN order
    summary: tuple = None
    end: str = None                                  # HVTEST-END status, when its lines agree
    ends: list = field(default_factory=list)         # every HVTEST-END line's status, as printed
    backtrace: list = field(default_factory=list)    # raw addresses, in order
    open_steps: list = field(default_factory=list)   # stack of paths begun, not ended
    subtest: str = None                              # the last SUBTEST begun

    def counts(self):
        c = {v: 0 for v in CHECK_VERDICTS}
        for ch in self.checks:
            c[ch.verdict] += 1
        return c

    def counts_text(self):
        """'12 checks so far (10 passed, 2 failed)': what ran before the end came."""
        c = self.counts()
        n = sum(c[v] for v in ("PASS", "FAIL", "SKIP", "XFAIL", "XPASS"))
        parts = [f"{c[v]} {w}" for v, w in (("PASS", "passed"), ("FAIL", "failed"), ("SKIP", "skipped"),
                                             ("XFAIL", "xfail"), ("XPASS", "xpass")) if c[v]]
        return f"{n} check{'' if n == 1 else 's'} so far" + (f" ({', '.join(parts)})" if parts else "")

    def crashed_in(self):
        """The innermost step begun and never ended, or None."""
        return self.open_steps[-1] if self.open_steps else None


def split_check(rest):
    """'vmxon: cpu1: [rule] text' -> (['vmxon', 'cpu1'], 'rule', 'text').

    Prefixes are words without spaces followed by ': ', up to the rule in
    brackets; the description is the rest (it may itself contain ': ').  A
    line without a rule gives rule None, and its prefixes are the leading
    words followed by ': '.
    """
    prefixes = []
    while True:
        if rest.startswith("["):
            rule, sep, text = rest[1:].partition("] ")
            if sep and rule and not any(c.isspace() or c in "[]" for c in rule):
                return prefixes, rule, text
        head, sep, tail = rest.partition(": ")
        if not sep or not head or " " in head:
            return prefixes, None, rest
        prefixes.append(head)
        rest = tail


def _path(text):
    return tuple(p.strip() for p in text.split(" > ") if p.strip())


def parse(lines):
    out = GuestOutput()
    seen = {}                                        # check id -> how many so far
    for raw in lines:
        line = clean_line(raw)
        kind, sep, rest = line.partition(": ")
        if not sep:
            continue
        if kind == "HVTEST-START":
            out.started = True
            words = rest.split()
            out.program = words[0] if words else ""
            for w in words[1:]:
                if w.startswith("cpus="):
                    out.cpus = w[5:]
        elif kind in CHECK_VERDICTS:
            erratum = None
            rest, at = split_site(rest)
            if kind in ("XFAIL", "XPASS"):
                rest, erratum = split_erratum(rest)
            prefixes, rule, desc = split_check(rest)
            step = out.open_steps[-1] if out.open_steps else ()
            check = Check(kind, prefixes, desc, erratum, step, rule, at)
            if rule is not None:
                first = check.id                     # the id with ordinal 1: the count's key
                check.ordinal = seen[first] = seen.get(first, 0) + 1
            out.checks.append(check)
        elif kind == "STEP-BEGIN":
            path = _path(rest)
            out.steps.setdefault(path, Step(path))
            out.open_steps.append(path)
        elif kind == "STEP-END":
            verdict, _, tail = rest.partition(": ")
            text, _, values = tail.partition(" | ")
            path = _path(text)
            step = out.steps.setdefault(path, Step(path))
            step.verdict = verdict.strip()
            step.values = values.strip()
            if path in out.open_steps:
                out.open_steps.remove(path)
        elif kind == "SUBTEST":
            out.subtest = rest.strip() or None
        elif kind == "SUMMARY":
            summary = parse_summary(rest)
            if summary:
                out.summary = summary
        elif kind == "BACKTRACE":
            out.backtrace.extend(w for w in rest.split() if w.startswith("0x"))
        elif kind == "HVTEST-END":
            out.ends.append(rest.strip())
    if len(set(out.ends)) == 1 and out.ends[0] in END_STATUSES:
        out.end = out.ends[0]
    return out
