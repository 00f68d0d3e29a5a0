"""Fake QEMU and Bochs (sh, fast to start) that record what they were started with.

Each run appends to $FAKE_RECORD: its argv, for Bochs the bochsrc it was
given, the guest command line (sector 1 of a disk image, or the RAM image
Bochs loads at 0x7e00 for hvtest's ROM), then 'end'.
QEMU prints $FAKE_SERIAL (default: a passing run) on stdout and exits with
$FAKE_RC (default 1, isa-debug-exit's PASS); Bochs prints the same run on
stdout among lines like its banner's and debugger's when the guest's command
line says console=e9 and the bochsrc enables port 0xE9 ($FAKE_COM1 then goes
to its COM1 file, what came before the switch), else writes it to COM1's
file, and exits 0.  With $FAKE_PIDFILE set and mode=hang in the
guest's command line, the fake writes its pid there and hangs (with a child
`sleep` in its group, pid in $FAKE_PIDFILE.child).
"""
import os

PASSING = "HVTEST-START: fake cpus=1 args=\\nPASS: fake: check\\nHVTEST-END: PASS\\n"

COMMON = r"""
sector1() { printf 'sector1 '; dd if="$1" bs=512 skip=1 count=1 2>/dev/null | tr -d '\000'; echo; }
hang() {
	case "$*" in *mode=hang*) ;; *) return 0 ;; esac
	[ -n "${FAKE_PIDFILE:-}" ] || return 0
	sleep 60 & echo $! > "$FAKE_PIDFILE.child"
	echo $$ > "$FAKE_PIDFILE"
	wait
}
"""

QEMU = "#!/bin/sh\n" + COMMON + r"""
[ "${1:-}" = --version ] && { echo "QEMU emulator version 9.9.9"; exit 0; }
{
	echo qemu
	img=
	for a; do
		printf 'arg %s\n' "$a"
		case $a in file=*) img=${a#file=}; img=${img%%,*} ;; esac
	done
	[ -z "$img" ] || sector1 "$img"
	echo end
} >> "${FAKE_RECORD:-/dev/null}"
hang "$@"
printf '%b' "${FAKE_SERIAL:-%PASSING%}"
exit "${FAKE_RC:-1}"
""".replace("%PASSING%", PASSING)

BOCHS = "#!/bin/sh\n" + COMMON + r"""
[ "${2:-}" = -n ] && { echo "Bochs x86 Emulator 2.7"; exit 0; }
rc=$3
img=$(sed -n 's/^ata0-master: .*path=\([^,]*\),.*/\1/p' "$rc")
ram=$(sed -n 's/^optramimage[0-9]: file=\([^,]*\), address=0x7e00$/\1/p' "$rc")
cmdline() { if [ -n "$img" ]; then sector1 "$img"; else printf 'cmdline '; tr -d '\000' < "$ram"; echo; fi; }
{
	echo bochs
	for a; do printf 'arg %s\n' "$a"; done
	sed 's/^/rc /' "$rc"
	cmdline
	echo end
} >> "${FAKE_RECORD:-/dev/null}"
hang "$(cmdline)"
# console=e9 on the command line and the port echoed: the console is stdout,
# between the lines of Bochs' banner and debugger, after the loader's
# milestones; $FAKE_COM1 is what COM1 got before the switch.
com1=$(sed -n 's/^com1: .*dev=//p' "$rc")
if grep -q '^port_e9_hack: enabled=1' "$rc" && cmdline | grep -q ' console=e9'; then
	printf '%b' "${FAKE_COM1:-}" > "$com1"
	printf '=====\n   Bochs x86 Emulator 2.7\n=====\nNext at t=0\n(0) [0x0000fffffff0] f000:fff0 (unk. ctxt): jmp .-50 ; ebce\nLK\n'
	printf '%b' "${FAKE_SERIAL:-%PASSING%}"
	printf '(0) Magic breakpoint\nNext at t=1167777\n(0) [0x0000001057ec] 0008:00000000001057ec (unk. ctxt): pop rdx ; 5a\n'
else
	printf '%b' "${FAKE_SERIAL:-%PASSING%}" > "$com1"
fi
exit 0
""".replace("%PASSING%", PASSING)


def install(directory):
    """Write directory/qemu and directory/bochs; returns their paths."""
    paths = []
    for name, text in (("qemu", QEMU), ("bochs", BOCHS)):
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
        paths.append(path)
    return paths


def records(path):
    """The runs recorded in path, in order: each a list of lines."""
    runs, current = [], []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        if line == "end":
            runs.append(current)
            current = []
        else:
            current.append(line)
    return runs
