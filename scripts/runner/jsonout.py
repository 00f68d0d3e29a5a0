"""JSON report: the host probe, and per test run its backend, outcome, checks,
steps and duration."""
import json


def document(results, host):
    runs = []
    for r in results:
        g = r.guest
        runs.append({
            "name": r.label,
            "test": r.entry.name,
            "backend": r.backend,
            "env": r.env,
            "status": r.outcome.status,
            "reason": r.outcome.reason,
            "duration": round(r.duration, 3),
            "command": r.command,
            "log": r.log_path,
            "checks": [{"id": c.id, "verdict": c.verdict, "prefixes": c.prefixes, "rule": c.rule,
                        "description": c.description, "erratum": c.erratum, "at": c.at,
                        "step": list(c.step)} for c in g.checks],
            "steps": [{"path": list(s.path), "verdict": s.verdict, "values": s.values}
                      for s in g.steps.values()],
            "summary": dict(zip(("checks", "passed", "failed", "skipped", "xfail", "xpass"),
                                g.summary)) if g.summary else None,
            # What the runner counted, also when the guest never printed its SUMMARY
            # (TIMEOUT, CRASH), and where it was then.
            "counts": {v.lower(): n for v, n in g.counts().items()},
            "last_subtest": g.subtest,
            "open_step": list(g.crashed_in()) if g.crashed_in() else None,
            "backtrace": r.backtrace,
        })
    totals = {}
    for r in results:
        totals[r.outcome.status] = totals.get(r.outcome.status, 0) + 1
    return {"host": host.to_json() if host else None, "runs": runs, "totals": totals}


def write(path, results, host):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document(results, host), f, indent=1)
        f.write("\n")
