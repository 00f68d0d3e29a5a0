"""`make standalone`: write tests/NAME, one self-contained sh script per unittests.cfg entry.

Each script embeds its program (base64 of DIR/NAME.flat) and runs it under
QEMU (KVM when usable, else TCG) with the entry's settings; it needs only
QEMU, sh and coreutils on the target machine, and never prompts.  Exit
status as run_tests.sh: 0 pass or skip, 1 fail/crash/timeout, 2 no QEMU.
Bochs is not used by standalone tests yet: a VMX test runs only where
QEMU+KVM has nested VMX and otherwise reports SKIP.
"""
import base64
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runner import backends, cfg  # noqa: E402
from runner.errors import UserError  # noqa: E402

TEMPLATE = r"""#!/bin/sh
# hvtest standalone test '{name}' (written by scripts/standalone.py; do not edit).
# Needs only QEMU: QEMU=path overrides qemu-system-x86_64, ACCEL=kvm|tcg forces one.
# Exit: 0 pass or skip, 1 fail/crash/timeout, 2 QEMU missing.
set -u
QEMU=${{QEMU:-qemu-system-x86_64}}
command -v "$QEMU" >/dev/null 2>&1 || {{ echo "{name}: ERROR: $QEMU not found (install qemu-system-x86)" >&2; exit 2; }}
requires={requires}
kvm_ok=no
if [ -w /dev/kvm ] && {{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }}; then
	case $requires in
	vmx) grep -qs '^[Y1]' /sys/module/kvm_intel/parameters/nested && kvm_ok=yes ;;
	svm) grep -qs '^[Y1]' /sys/module/kvm_amd/parameters/nested && kvm_ok=yes ;;
	*) kvm_ok=yes ;;
	esac
fi
case ${{ACCEL:-}} in
kvm) accel=kvm ;;
tcg) accel=tcg ;;
*) if [ $kvm_ok = yes ]; then accel=kvm; else accel=tcg; fi ;;
esac
if [ $accel = tcg ] && [ "$requires" = vmx ]; then
	echo "SKIP {name} (VMX needs QEMU+KVM with nested VMX; TCG does not emulate VMX)"
	exit 0
fi
if [ $accel = kvm ]; then cpu=host env_args={kvm_args}; else cpu=max env_args={tcg_args}; fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
base64 -d > "$tmp/prog.flat" <<'HVTEST_B64'
{payload}
HVTEST_B64
timeout -k 2 {timeout} "$QEMU" -nodefaults -machine pc -accel $accel -cpu $cpu -smp {smp} -m {memory} \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -display none -serial "file:$tmp/serial" \
	-no-reboot -kernel "$tmp/prog.flat" -append "$env_args"{qemu_params} </dev/null
rc=$?
cat "$tmp/serial"
end=$(sed -n 's/^HVTEST-END: \([A-Z]*\).*/\1/p' "$tmp/serial" | tail -n 1)
if [ $rc = 124 ] || [ $rc = 137 ]; then echo "TIMEOUT {name} (no exit within {timeout} s)"; exit 1; fi
case $end in
PASS) want=1 ;; FAIL) want=3 ;; SKIP) want=5 ;;
*) if grep -qs '^HVTEST-START' "$tmp/serial"; then echo "CRASH {name} (no HVTEST-END line, exit code $rc)"
   else echo "ERROR {name} (QEMU exited with code $rc before the guest printed anything)"; fi
   exit 1 ;;
esac
if [ $rc != $want ]; then echo "CRASH {name} (exit code $rc disagrees with HVTEST-END: $end)"; exit 1; fi
echo "$end {name}"
[ "$end" != FAIL ]
"""


def script_for(root, entry, errata):
    flat = backends.program_path(root, entry.file, ".flat")
    try:
        with open(os.path.join(root, flat), "rb") as f:
            payload = base64.encodebytes(f.read()).decode("ascii").rstrip("\n")
    except OSError:
        raise UserError(f"not built: {flat} (run make)") from None
    args = {b: " ".join(backends.guest_args(entry, b, backends.program_errata(root, entry, errata))) for b in ("qemu-kvm", "qemu-tcg")}
    params = "".join(" " + shlex.quote(p) for p in entry.qemu_params)
    return TEMPLATE.format(name=entry.name, requires=entry.requires or "none",
                           kvm_args=shlex.quote(args["qemu-kvm"]), tcg_args=shlex.quote(args["qemu-tcg"]),
                           payload=payload, timeout=f"{entry.timeout:g}", smp=entry.smp,
                           memory=entry.memory, qemu_params=params)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        entries = cfg.load_unittests(os.path.join(root, "unittests.cfg"))
        selected = cfg.select(entries, argv) if argv else entries
        errata = cfg.load_errata(os.path.join(root, "errata.cfg"))
    except UserError as e:
        print(f"standalone: {e}", file=sys.stderr)
        return 2
    out_dir = os.path.join(root, "tests")
    os.makedirs(out_dir, exist_ok=True)
    missing = 0
    for e in selected:
        try:
            text = script_for(root, e, errata)
        except UserError as err:
            print(f"standalone: {e.name}: {err}", file=sys.stderr)
            missing += 1
            continue
        path = os.path.join(out_dir, e.name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o755)
        print(f"standalone: wrote tests/{e.name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
