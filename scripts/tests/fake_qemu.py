#!/usr/bin/env python3
"""A stand-in for qemu-system-x86_64: behaves as the guest's test_args say.

mode=pass    prints a passing run, exits 1 (isa-debug-exit code 0)
mode=fail    prints a failing run, exits 3
mode=hang    starts a child that sleeps, then sleeps itself (tests the group kill;
             the child's pid goes to the file named by pidfile=PATH)
mode=refuse  complains on stderr and exits 1 without output
mode=kvmerr  reports a KVM internal error on stderr and waits, as QEMU does
"""
import subprocess
import sys
import time

args = sys.argv[sys.argv.index("-append") + 1].split()
opts = dict(a.split("=", 1) for a in args if "=" in a)
mode = opts.get("mode")
if mode == "refuse":
    print("qemu-system-x86_64: -machine pc: refused", file=sys.stderr)
    sys.exit(1)
print(f"HVTEST-START: fake cpus=1 args={' '.join(args)}", flush=True)
if mode == "kvmerr":
    print("SUBTEST: one", flush=True)
    print("KVM internal error. Suberror: 1\nemulation failure\nRAX=0", file=sys.stderr, flush=True)
    time.sleep(60)
if mode == "hang":
    child = subprocess.Popen(["sleep", "60"])
    with open(opts["pidfile"], "w") as f:
        f.write(str(child.pid))
    time.sleep(60)
verdict = "PASS" if mode == "pass" else "FAIL"
print(f"{verdict}: fake: check")
print(f"SUMMARY: 1 checks, {int(verdict == 'PASS')} passed, {int(verdict == 'FAIL')} failed, "
      "0 skipped, 0 xfail, 0 xpass")
print(f"HVTEST-END: {verdict}", flush=True)
sys.exit(1 if verdict == "PASS" else 3)
