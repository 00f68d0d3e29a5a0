#!/bin/sh
# `make check` after the build: the runner's unit tests (with the checks of
# the GitHub workflow and action: docs/ci.md), the default suite, the two
# Bochs boots compared, and the runner's negative tests, and
# (first) a smoke of the l1-kvm backend: real KVM as an L1 (docs/l1-kvm.md).
# `make check-l1` (--l1-suite): the whole svm, vmx and x86 suite under l1-kvm only.
# Ends with one line: N passed, N failed (the skipped, if any, on the line before).
set -u
# Every tool the unit tests need was installed (install-deps.sh --check): none may SKIP.
export HVTEST_CHECK_TOOLS=required
# make check judges its runs itself: no CI mode for them under GitHub Actions
# (a negative test's expected FAIL is no annotation, and no step summary).
unset GITHUB_ACTIONS
cd "$(dirname "$0")/.." || exit 2
py=python3
[ ! -x /usr/bin/python3 ] || py=/usr/bin/python3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
# The smoke: the bring-up tree and TDP of each vendor, under KVM in a QEMU
# TCG L1 (SVM) and a Bochs L1 (VMX), both booted once and at the same time.
L1_SMOKE="svm_bringup svm_npt vmx_bringup_1cpu vmx_ept"

if [ "${1:-}" = --l1-suite ]; then
	names=$(for g in svm vmx x86; do ./run_tests.sh -l -g $g; done | cut -d' ' -f1)
	# shellcheck disable=SC2086
	./run_tests.sh --backend l1-kvm --json "$tmp/l1.json" $names
	echo "0 0 0" >"$tmp/unit"
	echo "0 0" >"$tmp/env"
	: >"$tmp/unit.failed"
	: >"$tmp/env.failed"
	l1_logs=logs
	parts="l1"
else
	parts="suite neg l1"
	l1_logs=logs.l1

# 0. The l1-kvm smoke: real KVM as an L1, one per vendor, booted once (QEMU
#    TCG and Bochs at once); first, so that its logs can be kept in logs.l1/
#    before the later runs rotate logs/.
# shellcheck disable=SC2086
./run_tests.sh --backend l1-kvm --json "$tmp/l1.json" $L1_SMOKE
rm -rf logs.l1 && cp -a logs logs.l1

# 1. Unit tests: counts into $tmp/unit.
"$py" -S -E - "$tmp/unit" <<'PY'
import sys, unittest
suite = unittest.defaultTestLoader.discover("scripts/tests", top_level_dir="scripts/tests")
r = unittest.TextTestRunner(verbosity=1).run(suite)
bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
with open(sys.argv[1], "w") as f:
    f.write(f"{r.testsRun - bad - len(r.skipped)} {bad} {len(r.skipped)}\n")
# One line per failing unit test for the recap at the end: its id and the
# traceback's last line (the assertion's message).
with open(sys.argv[1] + ".failed", "w") as f:
    for kind, items in (("FAIL", r.failures), ("ERROR", r.errors)):
        for test, tb in items:
            last = [ln for ln in tb.strip().splitlines() if ln.strip()][-1:] or [""]
            f.write(f"unit test {test.id()}: {kind}: {last[0].strip()[:400]}\n")
    for test in r.unexpectedSuccesses:
        f.write(f"unit test {test.id()}: unexpected success\n")
PY

# 2. The default suite on every backend that can run each test (QEMU TCG,
#    Bochs with each of a test's CPU models, QEMU+KVM where usable).
./run_tests.sh --all-backends --json "$tmp/suite.json"
status=$?
[ "$status" -le 1 ] || echo "check: run_tests.sh failed to run the suite (exit $status)" >&2

# 3. Both Bochs boots hand a program the same start: bootinfo (hvtest's ROM) and
#    bootinfo_disk (SeaBIOS and the disk loader) must print the same "env" lines
#    (docs/bochs.md).  Read now: the next run moves these logs to logs.old.
"$py" -S -E - "$tmp/suite.json" "$tmp/env" <<'PY'
import json, sys
passed = failed = 0
differ = []
try:
    with open(sys.argv[1]) as f:
        runs = json.load(f)["runs"]
except (OSError, ValueError):
    runs = []

def env_lines(run):
    try:
        with open(run["log"], encoding="utf-8", errors="replace") as f:
            return [ln for ln in f.read().splitlines() if ln.startswith("INFO: env: ")]
    except (OSError, TypeError):
        return None

rom = {r["env"]: r for r in runs if r["test"] == "bootinfo" and r["backend"] == "bochs"}
disk = {r["env"]: r for r in runs if r["test"] == "bootinfo_disk" and r["backend"] == "bochs"}
for env in sorted(set(rom) | set(disk)):
    a, b = rom.get(env), disk.get(env)
    la, lb = (env_lines(a) if a else None), (env_lines(b) if b else None)
    if la and la == lb:
        passed += 1
        print(f"PASS both Bochs boots give the same start on {env} ({len(la)} env lines)")
    else:
        failed += 1
        differ.append(env)
        print(f"check: {env}: hvtest's ROM and SeaBIOS give different starts: bootinfo {la}, "
              f"bootinfo_disk {lb}", file=sys.stderr)
with open(sys.argv[2], "w") as f:
    f.write(f"{passed} {failed}\n")
with open(sys.argv[2] + ".failed", "w") as f:
    f.writelines(f"Bochs boots compared on {env}: bootinfo and bootinfo_disk give different starts\n"
                 for env in differ)
PY

# 4. Negative tests, on every backend: each must give exactly its expected outcome.
#    Their runner output is kept in logs/negative.out; a verdict line each is printed below.
./run_tests.sh -g negative --all-backends --json "$tmp/neg.json" >"$tmp/neg.out" 2>&1
cp "$tmp/neg.out" logs/negative.out 2>/dev/null

fi

# shellcheck disable=SC2086 # parts: one word each
L1_LOGS=$l1_logs "$py" -S -E - "$tmp" $parts <<'PY'
import json, os, sys
tmp, parts = sys.argv[1], sys.argv[2:]
passed, failed, skipped = (int(x) for x in open(os.path.join(tmp, "unit")).read().split())
env_passed, env_failed = (int(x) for x in open(os.path.join(tmp, "env")).read().split())
passed, failed = passed + env_passed, failed + env_failed
# Every failure again, in the last lines before the count, so that the tail
# of a CI log says what failed (and where its log is) without scrolling.
recap = []
for name in ("unit.failed", "env.failed"):
    try:
        with open(os.path.join(tmp, name)) as f:
            recap += [ln.rstrip("\n") for ln in f if ln.strip()]
    except OSError:
        pass


def runs(name):
    try:
        with open(os.path.join(tmp, name)) as f:
            return json.load(f)["runs"]
    except (OSError, ValueError):
        print(f"check: no {name}: the runner did not finish", file=sys.stderr)
        recap.append(f"{name[:-5]}: the runner wrote no {name} (it did not finish)")
        return None


def tail(path, n):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [ln.rstrip() for ln in f.read().splitlines() if ln.strip()][-n:]
    except OSError:
        return [f"(no {path})"]


l1_failed = False
for part in ("suite", "l1"):
    if part not in parts:
        continue
    suite = runs(part + ".json")
    if suite is None:
        failed += 1
        l1_failed |= part == "l1"
        continue
    for r in suite:
        if r["status"] in ("PASS", "XFAIL"):
            passed += 1
        elif r["status"] == "SKIP":
            skipped += 1
        else:
            failed += 1
            l1_failed |= part == "l1"
            recap.append(f"{r['status']} {r['test']}@{r['env']}: {r['reason']} (log: {r.get('log')})")
EXPECTED = {"neg_pagefault": "FAIL", "neg_hang": "TIMEOUT", "neg_triplefault": "CRASH",
            "neg_nostatus": "CRASH", "neg_vmx_guest_loop": "FAIL", "neg_svm_guest_loop": "FAIL",
            "neg_svm_clgi": "FAIL", "neg_svm_gif_wait": "FAIL"}
# Where a FAIL for another reason would prove nothing: what the reason must say.
EXPECTED_REASON = {"neg_svm_gif_wait": "did not take the IPI that says so"}
neg = runs("neg.json") or [] if "neg" in parts else []
for test, want in EXPECTED.items() if "neg" in parts else ():
    every = [r for r in neg if r["test"].split("@")[0] == test]
    # A backend without the test's vendor (requires = vmx|svm) runs it as SKIP: no evidence either way.
    mine = [r for r in every if r["status"] != "SKIP"]
    skipped += len(every) - len(mine)
    if not mine:
        failed += 1
        print(f"check: negative test {test}: expected {want}, not run", file=sys.stderr)
        recap.append(f"negative test {test}: expected {want}, not run")
    for r in mine:
        if r["status"] == want and EXPECTED_REASON.get(test, "") in (r["reason"] or ""):
            passed += 1
            print(f"PASS negative test {r['test']}@{r['env']}: {want}, as it must be ({r['reason']})")
        else:
            failed += 1
            because = f" saying '{EXPECTED_REASON[test]}'" if test in EXPECTED_REASON else ""
            print(f"check: negative test {r['test']}: expected {want}{because}, got {r['status']} ({r['reason']})",
                  file=sys.stderr)
            recap.append(f"negative test {r['test']}@{r['env']}: expected {want}{because}, got {r['status']} "
                         f"({r['reason']})")
if recap:
    sys.stderr.flush()
    print(f"check: what failed ({len(recap)}):")
    for line in recap:
        print(f"check:   {line}")
    if l1_failed:
        # The L1's own console: why it did not boot or what it was doing
        # (logs.l1/ after make check's smoke, logs/ after make check-l1).
        where = os.environ.get("L1_LOGS", "logs.l1")
        for log in sorted(os.listdir(where)) if os.path.isdir(where) else ():
            if log.startswith("l1-kvm-"):
                print(f"check: the last lines of {where}/{log}:")
                for line in tail(os.path.join(where, log), 25):
                    print(f"check: | {line[:300]}")
if skipped:
    # What no backend here has (a model without EPT, ...): no evidence either way.
    print(f"check: {skipped} skipped (their reasons are in the lines above)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
