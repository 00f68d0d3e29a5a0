"""Shared fixtures: the runner package on sys.path, recorded guest output, fake hosts."""
import atexit
import os
import shutil
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# hvtest's cache (versions, durations, the plugin copy) of the unit tests and of
# the runners they start: a directory of their own, not the user's.
_CACHE = tempfile.mkdtemp(prefix="hvtest-unit-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["XDG_CACHE_HOME"] = _CACHE

from runner import backends, cfg, guest_output, host, outcome, session  # noqa: E402

PASS_RUN = """\
HVTEST-START: demo cpus=1 args=env=qemu-tcg
STEP-BEGIN: vmx_init
STEP-BEGIN: vmx_init > kvm_init
PASS: caps: basic: revision 0x2b
STEP-END: PASS: vmx_init > kvm_init | IA32_FEATURE_CONTROL=0x5 lock=1
STEP-END: PASS: vmx_init
INFO: note: something
PASS: vmxon: cpu1: VMXON works
SUMMARY: 2 checks, 2 passed, 0 failed, 0 skipped, 0 xfail, 0 xpass
HVTEST-END: PASS
"""

FAIL_RUN = """\
HVTEST-START: demo cpus=1 args=
STEP-BEGIN: vmx_init
STEP-BEGIN: vmx_init > disabled_by_bios
PASS: one: fine
FAIL: vmxon: cpu1: VMXON with a region not 4K-aligned: expected VMfailInvalid, got success
STEP-END: FAIL: vmx_init > disabled_by_bios | IA32_FEATURE_CONTROL=0x1
STEP-END: FAIL: vmx_init
SUMMARY: 2 checks, 1 passed, 1 failed, 0 skipped, 0 xfail, 0 xpass
HVTEST-END: FAIL
"""

SKIP_RUN = """\
HVTEST-START: demo cpus=1 args=
SKIP: ept: 1G leaves: EPT_VPID_CAP[17] clear (no 1G pages)
SUMMARY: 1 checks, 0 passed, 0 failed, 1 skipped, 0 xfail, 0 xpass
HVTEST-END: SKIP
"""

XFAIL_RUN = """\
HVTEST-START: demo cpus=1 args=
PASS: a: fine
XFAIL: npt: not-present fault EXITINFO1: expected 0x100000006, got 0x100000004 [erratum qemu-tcg-npf-error-code]
SUMMARY: 2 checks, 1 passed, 0 failed, 0 skipped, 1 xfail, 0 xpass
HVTEST-END: PASS
"""

XPASS_RUN = """\
HVTEST-START: demo cpus=1 args=
PASS: a: fine
XPASS: npt: not-present fault EXITINFO1: expected 0x100000006, got 0x100000006 [erratum qemu-tcg-npf-error-code]
SUMMARY: 2 checks, 1 passed, 0 failed, 0 skipped, 0 xfail, 1 xpass
HVTEST-END: FAIL
"""

CRASH_RUN = """\
HVTEST-START: demo cpus=1 args=
STEP-BEGIN: vmx_init
STEP-BEGIN: vmx_init > hardware_setup
PASS: a: fine
FAIL: vmxon: unexpected exception #PF(0x2) at rip=0x10234a on cpu0
BACKTRACE: 0x10234a 0x101f00
"""


def parsed(text):
    return guest_output.parse(text.splitlines())


def make_host(**kw):
    h = host.Host(qemu="/usr/bin/qemu-system-x86_64", qemu_version="7.2",
                  bochs="/usr/bin/bochs", bochs_version="2.7")
    for k, v in kw.items():
        setattr(h, k, v)
    return h


def entry(text="[t]\nfile = t.flat\n"):
    return cfg.parse_unittests(text, "u.cfg")[0]


def result(text, kind="qemu", exit_code=None, timed_out=False, label="demo"):
    """A session.Result as the runner builds it from recorded output."""
    g = parsed(text)
    if exit_code is None:
        exit_code = outcome.expected_exit(kind, g.end) if g.end else 0
    o = outcome.judge(g, kind, exit_code, timed_out, 30.0, "")
    return session.Result(label, entry(), "qemu-tcg", "qemu-tcg", o, g, 0.5,
                          ["qemu-system-x86_64", "-kernel", "x"], text)


def alive(pid):
    """True when pid runs (a zombie awaiting its reaper counts as gone); waits up to 2 s for it to go."""
    for _ in range(20):
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.1)
    return True


def kernel_bin(size, load_addr=0x100000, magic=backends.MB_HEADER_MAGIC, tail=b""):
    """A program's .bin as the build makes it: the multiboot header (magic, flags,
    checksum, header_addr = load_addr, load_end, bss_end, entry), then filler."""
    head = struct.pack("<8I", magic, 2, 0, load_addr, load_addr, load_addr + size, load_addr + size,
                       load_addr + 0x20)
    return head + bytes(i % 251 for i in range(size - len(head) - len(tail))) + tail


def write_program_files(project, name, suffixes, tail=b""):
    """Placeholders for build/NAME.SUFFIX (.bin a multiboot image, the others ELF-like,
    each ending in tail) and hvtest's Bochs ROM, in project."""
    for suffix in suffixes:
        path = os.path.join(project, backends.program_path(project, name, suffix))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(kernel_bin(1024, tail=tail) if suffix == ".bin" else b"\x7fELF" + b"\x55" * 1020 + tail)
    open(os.path.join(project, backends.BUILD_DIR, backends.BOCHS_ROM), "ab").close()
