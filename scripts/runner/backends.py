"""Execution environments: which can run a test, and the command that runs it.

qemu-kvm  QEMU with -accel kvm -cpu host: needs a usable /dev/kvm and, for
          VMX/SVM tests, a host of the matching vendor with nested enabled.
qemu-tcg  QEMU with -accel tcg -cpu max: SVM yes, VMX never (TCG does not
          emulate VMX).
bochs     Bochs, once per CPU model in bochs_models: VMX on Intel models,
          SVM on AMD models (checked in cfg.py).  bochs_boot = rom (the
          default): hvtest's ROM (build/bochs-rom.bin, x86/boot/rom.S) enters
          build/NAME.bin, which Bochs loads into RAM; bochs_boot = disk:
          SeaBIOS boots build/NAME.img (our boot sector and loader).
l1-kvm    an L1 Linux under QEMU TCG (SVM) or Bochs (VMX) whose KVM runs the
          programs with qemu-kvm (l1.py); only when asked for (--backend
          l1-kvm): one L1 boot costs a minute or more.
"""
import os
import shutil
import struct
import tempfile
import threading
import zlib
from dataclasses import dataclass, field

from . import l1
from .cfg import BACKENDS
from .host import cache_dir

PREFERENCE = tuple(b for b in BACKENDS if b != l1.BACKEND)   # kvm > tcg > bochs
BUILD_DIR = "build"             # where make puts every program
# Bochs' emulated clock (instructions per virtual second; the guest's TSC
# runs at it).  Every wait in virtual time (the UART's 115200 baud, the
# PIT, udelay, SeaBIOS' menu) costs ips instructions per second, so a slower
# clock costs less: the suite's Bochs runs take 16% less CPU at 2M than at
# 4M, 45% more at 8M; below 2M little is gained and x86/apic's "TSC above
# 1 MHz" fails at 1M (docs/bochs.md).
BOCHS_IPS = 2000000
FLAT_CYLINDER = 516096           # Bochs sees a smaller flat image as 0 cylinders
BOCHS_ROM = "bochs-rom.bin"      # in BUILD_DIR
# Preloaded into Bochs when its stdout is the console: that stdout written a
# line at a time, not a byte at a time (scripts/bochs-stdout.c); in BUILD_DIR.
BOCHS_STDOUT_LIB = "bochs-stdout.so"
# Where the loaders find the command line (x86/boot/loader.h: CMDLINE, CMDLINE_SIZE).
CMDLINE_ADDR = 0x7e00
CMDLINE_SIZE = 512
# Bochs 2.7 reads an optramimage into host memory that is contiguous from the
# 128-KiB block of its first byte, but gives guest blocks their host memory in
# the order the guest first touches them: a RAM image must lie in one block
# (x86/boot/rom.S).  There are 4 optramimage slots: 3 for the program.
BOCHS_RAM_BLOCK = 0x20000
BOCHS_RAM_IMAGES = 4
MB_HEADER_MAGIC = 0x1BADB002
ISA_DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=4"


def program_path(root, name, suffix):
    """Relative path of program NAME's build output (build/NAME.suffix; the
    Makefile keeps program names unique across x86/, vmx/ and svm/)."""
    return os.path.join(BUILD_DIR, name + suffix)


def can_run(entry, backend, host):
    """None when backend can run entry on this host, else the reason it cannot."""
    if backend not in entry.backends:
        return f"the test's cfg allows only {', '.join(entry.backends)}"
    if entry.accel and backend != "qemu-" + entry.accel:
        return f"the test's cfg says accel = {entry.accel}"
    if backend == l1.BACKEND:
        return l1.can_run(entry, host)
    if backend.startswith("qemu-") and not host.qemu:
        return "QEMU not installed"
    if backend == "qemu-kvm":
        if not host.kvm:
            return f"no usable /dev/kvm here: {host.kvm_reason}"
        if entry.requires == "vmx":
            if host.vendor != "intel":
                return f"host CPU is {host.vendor}, nested VMX needs Intel"
            if not host.nested_vmx:
                return "kvm_intel's nested parameter is off"
        if entry.requires == "svm":
            if host.vendor != "amd":
                return f"host CPU is {host.vendor}, nested SVM needs AMD"
            if not host.nested_svm:
                return "kvm_amd's nested parameter is off"
    if backend == "qemu-tcg" and entry.requires == "vmx":
        return "TCG does not emulate VMX"
    if backend == "bochs" and not host.bochs:
        return host.bochs_missing
    return None


DESCRIPTIONS = {
    "vmx": {"qemu-kvm": "QEMU+KVM with nested VMX", "bochs": "Bochs"},
    "svm": {"qemu-kvm": "QEMU+KVM with nested SVM", "qemu-tcg": "QEMU TCG", "bochs": "Bochs"},
    None: {"qemu-kvm": "QEMU+KVM", "qemu-tcg": "QEMU TCG", "bochs": "Bochs"},
}


def choose(entry, host, forced=None, every=False):
    """([backend, ...], skip_reason): the backends to run entry on, best first.

    forced: the backends asked for (--backend / ACCEL=), a tuple; every: run
    on each one that can (--all-backends, or several forced), else the best.
    The list is empty exactly when skip_reason says why.
    """
    if forced:
        why = {b: can_run(entry, b, host) for b in forced}
        able = [b for b in forced if why[b] is None]
        if not able:
            return [], "; ".join(f"backend {b} cannot run it: {w}" for b, w in why.items())
        return (able if every else able[:1]), None
    able = [b for b in PREFERENCE if can_run(entry, b, host) is None]
    if able:
        return (able if every else able[:1]), None
    what = {"vmx": "VMX", "svm": "SVM", None: "it"}[entry.requires]
    options = [f"{desc} ({can_run(entry, b, host)})"
               for b, desc in DESCRIPTIONS[entry.requires].items()]
    return [], f"{what} needs " + " or ".join(options)


@dataclass
class Invocation:
    """One emulator start: everything needed to run it, nothing decided later."""
    argv: list
    env: dict = None                 # extra environment variables
    cwd: str = None
    serial_file: str = None          # COM1's file (Bochs)
    stdout_console: bool = True      # the guest's console is (also) on stdout: QEMU's COM1, port 0xE9
    needs: list = field(default_factory=list)   # program files that must exist


def env_name(backend, model=None, entry=None):
    if backend == l1.BACKEND:
        return l1.env_name(entry)
    return f"bochs:{model}" if backend == "bochs" else backend


def program_errata(root, entry, errata):
    """The errata the program can name: those whose name is in its ELF.

    A check ties itself to an erratum by the name's string literal, so an
    erratum whose name is not in the binary cannot matter to it.  Passing
    only these keeps the command line short (Bochs reads it from one disk
    sector).  When the ELF is missing, all are kept.
    """
    try:
        with open(os.path.join(root, program_path(root, entry.file, ".elf")), "rb") as f:
            image = f.read()
    except OSError:
        return list(errata)
    return [e for e in errata if e.name.encode() in image]


def run_env(env, host):
    """The run's full environment: qemu-kvm inside an l1-kvm L1 is KVM stacked on
    the emulator under that L1 (HVTEST_UNDER, host.py)."""
    return f"{env}@{host.under}" if env == "qemu-kvm" and host is not None and host.under else env


def guest_args(entry, env, errata, versions=None):
    """The guest's command line words after the program name.

    cpus=N: the runtime starts exactly that many CPUs (lib/smp.c); firmware
    tables cannot be trusted for it (SeaBIOS under Bochs lists one CPU) and
    hvtest's Bochs ROM has none.
    """
    args = list(entry.test_args) + [f"cpus={entry.smp}", f"env={env}"]
    names = [e.name for e in errata if e.applies_to(env, versions)]
    if names:
        args.append("errata=" + ",".join(names))
    return args


def qemu_invocation(root, entry, backend, host, args, gdb_port=None, scratch=None):
    """-kernel NAME.flat (multiboot), or with qemu_boot = disk the disk image
    through the BIOS and our own loader (a private copy in scratch).
    gdb_port: start paused (-S) with a gdb stub on 127.0.0.1:gdb_port."""
    kvm = backend == "qemu-kvm"
    argv = [host.qemu, "-nodefaults", "-machine", "pc",
            "-accel", "kvm" if kvm else "tcg", "-cpu", "host" if kvm else "max",
            "-smp", str(entry.smp), "-m", str(entry.memory),
            "-device", ISA_DEBUG_EXIT, "-display", "none", "-serial", "stdio", "-no-reboot"]
    if entry.qemu_boot == "disk":
        img = program_path(root, entry.file, ".img")
        private = os.path.join(scratch, entry.file + ".img")
        if os.path.exists(os.path.join(root, img)):
            write_private_image(os.path.join(root, img), private, " ".join([entry.file] + args))
        argv += ["-drive", f"file={private},format=raw,if=ide"]
        needs = [img]
    else:
        flat = program_path(root, entry.file, ".flat")
        argv += ["-kernel", os.path.join(root, flat), "-append", " ".join(args)]
        needs = [flat]
    if gdb_port:
        argv += ["-gdb", f"tcp:127.0.0.1:{gdb_port}", "-S"]
    return Invocation(argv + list(entry.qemu_params) + list(host.qemu_params), needs=needs)


# Bochs built with plugins (Debian's) opens every plugin in its plugin
# directory at start-up to learn its kind (59 in Debian 12's Bochs 2.7, the
# ALSA sound driver with libasound among them).  A Bochs run here sees a copy
# of that directory (symbolic links in hvtest's cache, LTDL_LIBRARY_PATH)
# without the plugins of the kinds of devices no hvtest bochsrc configures:
# network cards, USB controllers and devices but the chipset's UHCI, sound
# output but the dummy, disk image formats, GUIs but term.  12-17 ms less
# per start (docs/bochs.md).  An entry whose bochs_params set more than
# BOCHS_PARAMS_PLAIN, or a user's own LTDL_LIBRARY_PATH, keeps every plugin.
def bochs_plugin_unused(name):
    """True for a plugin (libbx_NAME.so) of a kind no hvtest bochsrc needs."""
    return (name.startswith(("eth_", "usb_")) and name != "usb_uhci") or \
        (name.startswith("sound") and name != "sounddummy") or \
        (name.endswith("_gui") and name != "term_gui") or name.endswith("_img") or \
        name in ("e1000", "ne2k", "pcipnic", "sb16", "es1370", "voodoo", "svga_cirrus", "busmouse", "pcidev")


BOCHS_PARAMS_PLAIN = ("port_e9_hack", "cpu", "cpuid", "megs", "memory", "clock", "magic_break", "log",
                      "panic", "error", "info", "debug")
_plugin_dirs = {}
_plugin_lock = threading.Lock()       # the runner's workers start Bochs runs at once


def bochs_plugin_dir(host):
    """The filtered copy of host's Bochs plugin directory, or None (a Bochs
    without plugins, nothing to leave out, LTDL_LIBRARY_PATH set by the user,
    a cache that cannot be written).  Made once per process."""
    src = host.bochs_plugins
    if not src or os.environ.get("LTDL_LIBRARY_PATH"):
        return None
    with _plugin_lock:
        if src not in _plugin_dirs:
            _plugin_dirs[src] = _filter_plugins(src)
        return _plugin_dirs[src]


def _filter_plugins(src):
    try:
        names = os.listdir(src)
    except OSError:
        return None
    keep = sorted(n for n in names if n.startswith("libbx_") and
                  not bochs_plugin_unused(n[len("libbx_"):].split(".", 1)[0]))
    if len(keep) == len(names) or not keep:
        return None
    # Named by what it holds (another Bochs, an upgrade or another rule gets its
    # own), made under a private name and renamed into place, used only whole.
    name = "%08x-%d" % (zlib.crc32("\0".join([src] + keep).encode()), len(keep))
    dst = cache_dir("bochs-plugins", name)
    if _listing(dst) == keep:
        return dst
    tmp = None
    try:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=name + ".", dir=os.path.dirname(dst))
        for n in keep:
            os.symlink(os.path.join(src, n), os.path.join(tmp, n))
        if os.path.isdir(dst) and _listing(dst) != keep:     # not whole: remade
            shutil.rmtree(dst, ignore_errors=True)
        os.rename(tmp, dst)
    except OSError:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)    # another runner made it first
    return dst if _listing(dst) == keep else None


def _listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError:
        return None


def bochsrc_text(entry, host, model, boot_lines, scratch):
    lines = [
        f"megs: {entry.memory}",
        # ignore_bad_msrs=0: an unimplemented MSR raises #GP as the SDM says
        # (Bochs would otherwise ignore the access and log it).
        f"cpu: model={model}, count={entry.smp}, ips={BOCHS_IPS}, reset_on_triple_fault=0, ignore_bad_msrs=0",
    ] + boot_lines + [
        f"com1: enabled=1, mode=file, dev={os.path.join(scratch, 'serial.out')}",
        "display_library: term",
        f"log: {os.path.join(scratch, 'bochs.log')}",
        "panic: action=fatal",
        "error: action=report",
        "info: action=ignore",
        "debug: action=ignore",
        "magic_break: enabled=1",
        "speaker: enabled=0",
        "sound: driver=dummy",
    ]
    return "\n".join(lines + list(entry.bochs_params)) + "\n"


def command_line_bytes(cmdline):
    """cmdline as the loaders read it: UTF-8, NUL-terminated, at most CMDLINE_SIZE bytes."""
    data = cmdline.encode("utf-8") + b"\0"
    if len(data) > CMDLINE_SIZE:
        raise ValueError(f"command line too long for the loaders ({len(data)} > {CMDLINE_SIZE} bytes)")
    return data


def write_private_image(src, dst, cmdline):
    """Copy src to dst with cmdline in LBA 1 (NUL-terminated), size rounded up to a cylinder."""
    data = command_line_bytes(cmdline)
    with open(src, "rb") as f:
        image = bytearray(f.read())
    if len(image) < 1024:
        image.extend(b"\0" * (1024 - len(image)))
    image[512:1024] = data + b"\0" * (512 - len(data))
    rest = len(image) % FLAT_CYLINDER
    if rest:
        image.extend(b"\0" * (FLAT_CYLINDER - rest))
    with open(dst, "wb") as f:
        f.write(image)


def ram_images(kernel, scratch):
    """[(path, address)]: the program's .bin as Bochs RAM images, each within one
    BOCHS_RAM_BLOCK, at the load address its multiboot header names.  A .bin
    that fits one block is used as it is; a larger one is split into scratch."""
    with open(kernel, "rb") as f:
        data = f.read()
    magic, _, _, header_addr, load_addr = struct.unpack_from("<5I", data) if len(data) >= 20 else (0,) * 5
    if magic != MB_HEADER_MAGIC or header_addr != load_addr:
        raise ValueError(f"{kernel}: no multiboot header with header_addr = load_addr at its start")
    pieces, offset = [], 0
    while offset < len(data):
        addr = load_addr + offset
        size = min(len(data) - offset, BOCHS_RAM_BLOCK - addr % BOCHS_RAM_BLOCK)
        pieces.append((offset, size, addr))
        offset += size
    if len(pieces) > BOCHS_RAM_IMAGES - 1:
        raise ValueError(f"{kernel}: {len(data)} bytes need {len(pieces)} Bochs RAM images of at most "
                         f"{BOCHS_RAM_BLOCK // 1024} KiB, more than the {BOCHS_RAM_IMAGES - 1} there are "
                         "(bochs_boot = disk boots it)")
    if len(pieces) == 1:
        return [(kernel, load_addr)]
    images = []
    for i, (offset, size, addr) in enumerate(pieces):
        path = os.path.join(scratch, f"kernel.{i}")
        with open(path, "wb") as f:
            f.write(data[offset:offset + size])
        images.append((path, addr))
    return images


def bochs_boot_lines(root, entry, host, cmdline, scratch):
    """The bochsrc lines that boot the program, and the build files they need."""
    if entry.bochs_boot == "disk":
        img = program_path(root, entry.file, ".img")
        private = os.path.join(scratch, entry.file + ".img")
        if os.path.exists(os.path.join(root, img)):
            write_private_image(os.path.join(root, img), private, cmdline)
        return [f"romimage: file={host.seabios}", f"vgaromimage: file={host.vgabios}", "boot: disk",
                f"ata0-master: type=disk, path={private}, mode=flat"], [img]
    rom, kernel = os.path.join(BUILD_DIR, BOCHS_ROM), program_path(root, entry.file, ".bin")
    # No VGA BIOS here, so nothing uses Bochs' VBE extension: without it Bochs
    # does not allocate and clear its 16 MiB of video memory (docs/bochs.md).
    lines = [f"romimage: file={os.path.join(root, rom)}", "vga: extension=none"]
    if os.path.exists(os.path.join(root, kernel)):
        path = os.path.join(scratch, "cmdline")
        with open(path, "wb") as f:
            f.write(command_line_bytes(cmdline))
        images = ram_images(os.path.join(root, kernel), scratch) + [(path, CMDLINE_ADDR)]
        lines += [f"optramimage{i}: file={p}, address={a:#x}" for i, (p, a) in enumerate(images, 1)]
    return lines, [rom, kernel]


def bochs_invocation(root, entry, host, model, args, scratch, console="e9"):
    """Writes the boot files, bochsrc and cont.rc into scratch (which must exist).

    console="e9": the program writes its console to port 0xE9, which Bochs
    echoes on its stdout at once (port_e9_hack), instead of COM1, whose
    115200 baud Bochs keeps in emulated time (lib/console.c); the boot's
    milestones stay off that port then.  console="uart": COM1 only (the
    bench's boot breakdown, which reads the milestones on stdout)."""
    if console not in ("e9", "uart"):
        raise ValueError(f"bochs_invocation: console {console!r}: e9 or uart")
    e9 = console == "e9"
    # console=e9 first: the runtime's own arguments after it already print there.
    boot, needs = bochs_boot_lines(root, entry, host, " ".join([entry.file] + ["console=e9"] * e9 + args),
                                   scratch)
    if e9:
        boot.append("port_e9_hack: enabled=1")
    env = {"TERM": "dumb"}
    plugins = bochs_plugin_dir(host)
    if plugins and all(p.split(":")[0].strip() in BOCHS_PARAMS_PLAIN for p in entry.bochs_params):
        env["LTDL_LIBRARY_PATH"] = plugins
    lines = os.path.abspath(os.path.join(root, BUILD_DIR, BOCHS_STDOUT_LIB))
    if e9 and os.path.exists(lines) and not set(lines) & set(" :"):    # LD_PRELOAD's separators
        env["LD_PRELOAD"] = " ".join(filter(None, [lines, os.environ.get("LD_PRELOAD")]))
    inv = Invocation([host.bochs, "-q", "-f", os.path.join(scratch, "bochsrc"),
                      "-rc", os.path.join(scratch, "cont.rc")],
                     env=env, cwd=scratch, serial_file=os.path.join(scratch, "serial.out"),
                     stdout_console=e9, needs=needs)
    if not all(os.path.exists(os.path.join(root, n)) for n in needs):
        return inv
    with open(os.path.join(scratch, "bochsrc"), "w", encoding="utf-8") as f:
        f.write(bochsrc_text(entry, host, model, boot, scratch))
    with open(os.path.join(scratch, "cont.rc"), "w", encoding="utf-8") as f:
        f.write("c\nquit\n")
    return inv
