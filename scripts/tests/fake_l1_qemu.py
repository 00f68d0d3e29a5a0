#!/usr/bin/env python3
"""A stand-in for the QEMU that boots the l1-kvm backend's L1 (l1.py).

It plays the L1's init: finds the run directory (the hvrun 9p share), reads
the test names from inner.sh and writes what the inner runner would
(inner.json, logs/NAME.log, l1-info).  FAKE_L1_MODE says how it goes:
ok       every test passes
noboot   the init fails to load a module and powers off
hang     the L1 reaches its init, then never ends
hangboot the L1 never reaches its init
nohalt   every test passes, then the L1 does not end (its power-off only halts)
dies     the L1 ends after the first test's log, before inner.json
"""
import json
import os
import sys
import time

mode = os.environ.get("FAKE_L1_MODE", "ok")
share = next(a for a in sys.argv if "id=hvrun," in a).split("path=")[1].split(",")[0]
if mode == "noboot":
    print("HVTEST-L1: ERROR insmod kvm_amd: Operation not supported", flush=True)
    sys.exit(0)
if mode == "hangboot":
    time.sleep(60)
with open(os.path.join(share, "l1-info"), "w") as f:
    f.write("kernel=6.1.0-fake\nmodule=kvm_amd\nparam kvm_amd/parameters/nested=1\n"
            "dmesg [    1.0] kvm: Nested Virtualization enabled\n")
print("HVTEST-L1: READY 6.1.0-fake kvm_amd nested=1", flush=True)
if mode == "hang":
    time.sleep(60)
with open(os.path.join(share, "inner.sh")) as f:
    words = [line for line in f if "__main__.py" in line][0].split()
names = words[words.index("--timeout-scale") + 2:]
os.makedirs(os.path.join(share, "logs"), exist_ok=True)
runs = []
for n in names:
    log = os.path.join("/tmp/hv/logs", n + ".log")
    with open(os.path.join(share, "logs", n + ".log"), "w") as f:
        f.write(f"test: {n}\ncommand: qemu\n--- serial ---\nHVTEST-START: {n} cpus=1 args=\n"
                "SUBTEST: one\nPASS: one: fine\nSUMMARY: 1 checks, 1 passed, 0 failed, 0 skipped, 0 xfail, 0 xpass\n"
                "HVTEST-END: PASS\n--- stderr ---\n")
        if mode == "dies":
            f.write("outcome: PASS 1 checks passed\n")
    print(f"PASS {n} (1 checks, 1.50 s)", flush=True)
    if mode == "dies":
        sys.exit(1)
    runs.append({"name": n, "test": n, "status": "PASS", "reason": "1 checks passed", "duration": 1.5,
                 "command": ["qemu"], "log": log, "backtrace": []})
with open(os.path.join(share, "inner.json"), "w") as f:
    json.dump({"runs": runs}, f)
print("HVTEST-L1: DONE", flush=True)
if mode == "nohalt":
    time.sleep(60)
