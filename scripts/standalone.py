"""`make standalone`: write tests/NAME, one self-contained sh script per unittests.cfg entry.

Each script embeds its program twice: the multiboot kernel (DIR/NAME.flat)
for QEMU and the gzip'd disk image (DIR/NAME.img) for Bochs, and runs it
with the entry's settings on the best emulator the target machine has:
QEMU+KVM when usable (with nested VMX/SVM for such tests), else QEMU TCG
(not for VMX: TCG does not emulate it), else Bochs on each of the entry's
CPU models.  It needs only sh, coreutils, gzip and the emulator, and never
prompts.  Exit status as run_tests.sh: 0 pass or skip, 1 fail, crash or
timeout, 2 no usable emulator.
"""
import base64
import gzip
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runner import backends, cfg  # noqa: E402
from runner.errors import UserError  # noqa: E402

TEMPLATE = r"""#!/bin/sh
# hvtest standalone test '{name}' (written by scripts/standalone.py; do not edit).
# Needs QEMU or Bochs.  QEMU=, BOCHS=, SEABIOS=, VGABIOS= override the tools;
# ACCEL=kvm|tcg|bochs forces a backend.
# Exit: 0 pass or skip, 1 fail/crash/timeout, 2 no usable emulator.
set -u
name={name}
requires={requires}
QEMU=${{QEMU:-qemu-system-x86_64}}
BOCHS=${{BOCHS:-bochs}}
SEABIOS=${{SEABIOS:-/usr/share/seabios/bios-256k.bin}}
VGABIOS=${{VGABIOS:-/usr/share/vgabios/vgabios.bin}}
have() {{ command -v "$1" >/dev/null 2>&1; }}

kvm_ok=no
if [ -w /dev/kvm ] && {{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }}; then
	case $requires in
	vmx) grep -qs '^[Y1]' /sys/module/kvm_intel/parameters/nested && kvm_ok=yes ;;
	svm) grep -qs '^[Y1]' /sys/module/kvm_amd/parameters/nested && kvm_ok=yes ;;
	*) kvm_ok=yes ;;
	esac
fi
case ${{ACCEL:-}} in
kvm|tcg|bochs) backend=${{ACCEL}} ;;
*) if have "$QEMU" && [ $kvm_ok = yes ]; then backend=kvm
   elif have "$QEMU" && [ "$requires" != vmx ]; then backend=tcg
   elif have "$BOCHS"; then backend=bochs
   elif [ "$requires" = vmx ]; then
	echo "SKIP $name (VMX needs QEMU+KVM with nested VMX or Bochs; neither is here)"; exit 0
   else echo "$name: ERROR: neither $QEMU nor $BOCHS found" >&2; exit 2; fi ;;
esac

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# judge SERIAL EXIT_CODE WANTED_PASS_CODE LABEL: the verdict from the status line and the exit code.
judge() {{
	cat "$1"
	end=$(sed -n 's/^HVTEST-END: \([A-Z]*\).*/\1/p' "$1" | tail -n 1)
	if [ "$2" = 124 ] || [ "$2" = 137 ]; then echo "TIMEOUT $4 (no exit within {timeout} s)"; return 1; fi
	case $end in
	PASS|FAIL|SKIP) ;;
	*) if grep -qs '^HVTEST-START' "$1"; then echo "CRASH $4 (no HVTEST-END line, exit code $2)"
	   else echo "ERROR $4 (the emulator exited with code $2 before the guest printed anything)"; fi
	   return 1 ;;
	esac
	case $3:$end in
	qemu:PASS) want=1 ;; qemu:FAIL) want=3 ;; qemu:SKIP) want=5 ;; bochs:*) want=0 ;;
	esac
	if [ "$2" != "$want" ]; then echo "CRASH $4 (exit code $2 disagrees with HVTEST-END: $end)"; return 1; fi
	echo "$end $4"
	[ "$end" != FAIL ]
}}

if [ $backend != bochs ]; then
	have "$QEMU" || {{ echo "$name: ERROR: $QEMU not found (install qemu-system-x86)" >&2; exit 2; }}
	if [ $backend = tcg ] && [ "$requires" = vmx ]; then
		echo "SKIP $name (TCG does not emulate VMX)"; exit 0
	fi
	if [ $backend = kvm ]; then cpu=host args={kvm_args}; else cpu=max args={tcg_args}; fi
	base64 -d > "$tmp/prog.flat" <<'HVTEST_FLAT'
{flat}
HVTEST_FLAT
	timeout -k 2 {timeout} "$QEMU" -nodefaults -machine pc -accel $backend -cpu $cpu -smp {smp} -m {memory} 		-device isa-debug-exit,iobase=0xf4,iosize=4 -display none -serial "file:$tmp/serial" 		-no-reboot -kernel "$tmp/prog.flat" -append "$args"{qemu_params} </dev/null
	judge "$tmp/serial" $? qemu "$name@qemu-$backend"
	exit $?
fi

have "$BOCHS" || {{ echo "$name: ERROR: $BOCHS not found (install bochs and bochs-term)" >&2; exit 2; }}
base64 -d <<'HVTEST_IMG' | gzip -dc > "$tmp/image"
{image}
HVTEST_IMG
status=0
# bochs_run MODEL GUEST_COMMAND_LINE: one run on a private copy of the image.
bochs_run() {{
	cp "$tmp/image" "$tmp/run.img"
	dd if=/dev/zero of="$tmp/run.img" bs=512 seek=1 count=1 conv=notrunc 2>/dev/null
	printf '%s' "$2" | dd of="$tmp/run.img" bs=512 seek=1 conv=notrunc 2>/dev/null
	rm -f "$tmp/serial"
	cat > "$tmp/bochsrc" <<RC
megs: {memory}
cpu: model=$1, count={smp}, ips={ips}, reset_on_triple_fault=0, ignore_bad_msrs=0
romimage: file=$SEABIOS
vgaromimage: file=$VGABIOS
boot: disk
ata0-master: type=disk, path=$tmp/run.img, mode=flat
com1: enabled=1, mode=file, dev=$tmp/serial
display_library: term
log: $tmp/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
magic_break: enabled=1
speaker: enabled=0
sound: driver=dummy
{bochs_params}RC
	printf 'c
quit
' > "$tmp/cont.rc"
	(cd "$tmp" && TERM=dumb timeout -k 2 {timeout} "$BOCHS" -q -f bochsrc -rc cont.rc </dev/null >bochs.out 2>&1)
	rc=$?
	touch "$tmp/serial"
	judge "$tmp/serial" $rc bochs "$name@bochs:$1" || status=1
}}
{bochs_runs}
exit $status
"""


def _b64(data):
    return base64.encodebytes(data).decode("ascii").rstrip("\n")


def _read(root, path):
    try:
        with open(os.path.join(root, path), "rb") as f:
            return f.read()
    except OSError:
        raise UserError(f"not built: {path} (run make)") from None


def script_for(root, entry, errata):
    flat = _read(root, backends.program_path(root, entry.file, ".flat"))
    image = _read(root, backends.program_path(root, entry.file, ".img"))
    mine = backends.program_errata(root, entry, errata)
    args = {b: " ".join(backends.guest_args(entry, b, mine)) for b in ("qemu-kvm", "qemu-tcg")}
    runs = []
    for model in entry.bochs_models:
        env = backends.env_name("bochs", model)
        line = " ".join([entry.file] + backends.guest_args(entry, env, mine))
        runs.append(f"bochs_run {shlex.quote(model)} {shlex.quote(line)}")
    params = "".join(" " + shlex.quote(p) for p in entry.qemu_params)
    return TEMPLATE.format(name=shlex.quote(entry.name), requires=entry.requires or "none",
                           kvm_args=shlex.quote(args["qemu-kvm"]), tcg_args=shlex.quote(args["qemu-tcg"]),
                           flat=_b64(flat), image=_b64(gzip.compress(image, 9, mtime=0)),
                           timeout=f"{entry.timeout:g}", smp=entry.smp, memory=entry.memory,
                           qemu_params=params, ips=backends.BOCHS_IPS,
                           bochs_params="".join(p + "\n" for p in entry.bochs_params),
                           bochs_runs="\n".join(runs))


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
