"""What the l1-kvm backend boots: the L1 kernel, its modules, and the images.

find_kernel()    the kernel to boot: --l1-kernel, else the running host's, else
                 Debian's package unpacked into the cache by scripts/l1/fetch-kernel.sh
initramfs()      busybox-static, the modules the vendor needs (and their
                 dependencies, in load order) and scripts/l1/init, as a newc cpio
pvh_disk()       for Bochs (no -kernel there): what hvtest's ROM (ROM_PVH) loads:
                 the decompressed kernel, the initramfs and the PVH start info
userland_disk()  for Bochs (no virtio-9p there): an ext2 image (mke2fs -d)
                 with QEMU and its libraries and firmware, Python's standard
                 library, addr2line, sh, and the run directory

Images are cached under ~/.cache/hvtest/l1 by what went into them.
"""
import lzma
import os
import re
import shutil
import struct
import subprocess
import zlib

from .cfg import version_key
from .errors import UserError
from .host import cache_dir

CACHE = cache_dir("l1")
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "l1")
BUSYBOX = "/bin/busybox"
FLAT_CYLINDER = 516096           # Bochs' disk geometry unit (16 heads x 63 sectors x 512)

# What each vendor's L1 loads, in this order (dependencies are added before
# each).  virtio-9p carries the host's root into the QEMU L1; the Bochs L1
# reads its userland from a second IDE disk.  The vendor module gets nested=1.
MODULES = {
    "svm": ["virtio_pci", "9pnet_virtio", "9p", "kvm", "kvm_amd"],
    "vmx": ["ata_piix", "sd_mod", "crc32c_generic", "ext4", "kvm", "kvm_intel"],
}
# (ext4 asks the crypto API for crc32c at every mount, ext2 too: no module dependency says so.)
KVM_MODULE = {"svm": "kvm_amd", "vmx": "kvm_intel"}
# Loaded only when the userland disk does not show up in time: ata_piix then
# saw no PCI IDE function (it happens in some Bochs boots), but the disks
# still answer at the legacy ISA ports.
FALLBACK = {"svm": [], "vmx": [("pata_legacy", "all=1")]}


class Kernel:
    """A bzImage, its version, and where its modules are (None: all built in)."""

    def __init__(self, image, modules, source):
        self.image = image
        self.modules = modules
        self.source = source
        self.version = bzimage_version(image)

    def describe(self):
        return f"Linux {self.version} ({self.source})"


def bzimage_version(path):
    """The version string in a bzImage's setup header (boot protocol 2.00+: the
    kernel_version field at 0x20e points 0x200 below the string)."""
    try:
        with open(path, "rb") as f:
            head = f.read(0x8000)
    except OSError as e:
        raise UserError(f"L1 kernel {path}: {e.strerror}") from None
    if len(head) < 0x210 or head[0x202:0x206] != b"HdrS":
        raise UserError(f"L1 kernel {path}: not a bzImage (no 'HdrS' setup header)")
    off = struct.unpack_from("<H", head, 0x20e)[0] + 0x200
    text = head[off:off + 200].split(b"\0")[0].decode("ascii", "replace")
    return text.split()[0] if text else "unknown"


def find_kernel(path=None):
    """The Kernel to boot, or a UserError saying how to get one."""
    if path:
        return _user_kernel(path)
    release = os.uname().release
    host = f"/boot/vmlinuz-{release}"
    if os.access(host, os.R_OK) and os.path.isdir(f"/lib/modules/{release}/kernel"):
        return Kernel(host, f"/lib/modules/{release}", "the running host's kernel")
    debian = os.path.join(CACHE, "debian")
    unpacked = sorted((d for d in _listdir(debian) if d.startswith("linux-image-")),
                      key=lambda d: version_key(d[len("linux-image-"):]))
    for pkg in reversed(unpacked):
        boot = os.path.join(debian, pkg, "boot")
        images = [f for f in _listdir(boot) if f.startswith("vmlinuz-")]
        if images:
            version = images[0][len("vmlinuz-"):]
            return Kernel(os.path.join(boot, images[0]),
                          os.path.join(debian, pkg, "lib", "modules", version),
                          f"Debian package {pkg}, unpacked in {debian}")
    raise UserError("l1-kvm: no L1 kernel: the host's (/boot/vmlinuz-%s) is not readable and no Debian "
                    "kernel is unpacked in %s; run `make deps` (scripts/l1/fetch-kernel.sh) or give "
                    "--l1-kernel PATH" % (release, debian))


def _user_kernel(path):
    """--l1-kernel: a bzImage (modules beside it in lib/modules/*/ or none: built in),
    or a kernel build tree (arch/x86/boot/bzImage and the .ko files in the tree)."""
    path = os.path.abspath(path)
    if os.path.isdir(path):
        image = os.path.join(path, "arch", "x86", "boot", "bzImage")
        if not os.path.exists(image):
            raise UserError(f"--l1-kernel {path}: a directory, but no arch/x86/boot/bzImage in it (build the kernel first)")
        return Kernel(image, path, f"build tree {path}")
    if not os.path.exists(path):
        raise UserError(f"--l1-kernel {path}: no such file")
    version = bzimage_version(path)
    for base in (os.path.dirname(path), os.path.dirname(os.path.dirname(path))):
        mods = os.path.join(base, "lib", "modules", version)
        if os.path.isdir(mods):
            return Kernel(path, mods, f"--l1-kernel {path}")
    return Kernel(path, None, f"--l1-kernel {path}, modules built in")


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def _norm(name):
    return name.replace("-", "_")


def _module_name(filename):
    for suffix in (".ko", ".ko.xz", ".ko.gz", ".ko.zst"):
        if filename.endswith(suffix):
            return _norm(filename[: -len(suffix)])
    return None


def module_index(kernel):
    """{name: path} of every module file under the kernel's module tree."""
    index = {}
    if not kernel.modules:
        return index
    for dirpath, dirnames, filenames in os.walk(kernel.modules):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in ("source", "build")]
        for f in filenames:
            name = _module_name(f)
            if name and name not in index:
                index[name] = os.path.join(dirpath, f)
    return index


def _builtin(kernel):
    """Names of the modules the kernel has built in (modules.builtin), or None when unknown."""
    if not kernel.modules:
        return None
    try:
        with open(os.path.join(kernel.modules, "modules.builtin"), encoding="utf-8") as f:
            return {_module_name(os.path.basename(line.strip())) for line in f if line.strip()}
    except OSError:
        return None


SIG_MARK = b"~Module signature appended~\n"


def unsigned(data):
    """A module without its appended signature (a struct module_signature of 12
    bytes, whose last 4 are the signature's length, big-endian, then SIG_MARK).
    The L1 then loads it unverified (the kernel taints itself 'E' once): checking
    the signature cost about three quarters of each module's load under Bochs
    (ext4 7.5 s of the L1's clock with it, 2.4 s without; 28 s of its boot in all)."""
    if not data.endswith(SIG_MARK) or len(data) < len(SIG_MARK) + 12:
        return data
    sig_len = struct.unpack_from(">I", data, len(data) - len(SIG_MARK) - 4)[0]
    end = len(data) - len(SIG_MARK) - 12 - sig_len
    return data[:end] if end > 0 else data


def module_bytes(path):
    """A module file's ELF image: decompressed, its signature removed."""
    return unsigned(_file_bytes(path))


def _file_bytes(path):
    import gzip     # here and for hashlib below: a run without l1-kvm does not load them
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        try:
            return subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            raise UserError(f"{path}: a zstd-compressed module, and no zstd to decompress it") from None
    return data


def modinfo_depends(elf):
    """The depends= list of a module's .modinfo section (ELF64)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        return []
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)

    def section(i):
        name, _type, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        if elf[stroff + name:stroff + name + 9] == b".modinfo\0":
            for entry in elf[off:off + size].split(b"\0"):
                if entry.startswith(b"depends="):
                    return [_norm(d) for d in entry[8:].decode().split(",") if d]
    return []


def load_order(kernel, vendor, wanted=None):
    """[(name, bytes)] to insmod, dependencies first; modules built in are left out."""
    index = module_index(kernel)
    builtin = _builtin(kernel)
    order, seen = [], set()

    def add(name, wanted_by):
        if name in seen:
            return
        seen.add(name)
        path = index.get(name)
        if path is None:
            if kernel.modules and builtin is not None and name not in builtin:
                raise UserError(f"l1-kvm: module {name} (needed by {wanted_by}) is neither in "
                                f"{kernel.modules} nor built into {kernel.describe()}")
            return
        data = module_bytes(path)
        for dep in modinfo_depends(data):
            add(dep, name)
        order.append((name, data))

    for m in MODULES[vendor] if wanted is None else wanted:
        add(m, "the " + vendor + " L1")
    return order


def fallback_modules(kernel, vendor):
    """[(name, bytes, params)] of the vendor's FALLBACK modules this kernel has as modules."""
    index = module_index(kernel)
    return [(name, module_bytes(index[name]), params) for name, params in FALLBACK[vendor] if name in index]


def _digest(*parts):
    import hashlib
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _file_key(path):
    st = os.stat(path)
    return f"{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}"


def _run(argv, what, **kw):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, **kw)
    except OSError as e:
        raise UserError(f"l1-kvm: {what}: cannot run {argv[0]}: {e.strerror} "
                        "(make deps installs busybox-static and e2fsprogs)") from None
    if p.returncode:
        raise UserError(f"l1-kvm: {what} failed ({' '.join(argv[:3])}...): {(p.stderr or p.stdout).strip()[-300:]}")
    return p


# Cache entries are named KIND-KEY[.EXT] (KEY: 16 hex digits of what went into
# them).  Of each kind the CACHE_KEEP last used stay: a kernel bisection makes a
# new kernel image and boot disk (some 130 MB) at every step.
CACHE_KEEP = 3


def _hit(final):
    """True when the cache entry exists; it is marked used (its mtime)."""
    if not os.path.exists(final):
        return False
    try:
        os.utime(final)
    except OSError:
        pass
    return True


def _publish(tmp, final):
    """Move a finished cache entry into place (another run may have made it meanwhile),
    then remove the entries of its kind beyond the CACHE_KEEP last used."""
    try:
        os.replace(tmp, final)
    except OSError:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.unlink(tmp)
    base = os.path.basename(final)
    kind, key = base.rsplit("-", 1)
    same = re.compile(re.escape(kind) + "-[0-9a-f]{16}" + re.escape(key[16:]))
    entries = []
    for name in _listdir(os.path.dirname(final)):
        path = os.path.join(os.path.dirname(final), name)
        if same.fullmatch(name) and path != final:
            try:
                entries.append((os.lstat(path).st_mtime_ns, path))
            except OSError:
                pass
    for _, path in sorted(entries, reverse=True)[CACHE_KEEP - 1:]:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def initramfs(kernel, vendor):
    """Path of the cached initramfs (uncompressed newc cpio) for this kernel and vendor."""
    import hashlib
    order = load_order(kernel, vendor)
    init = os.path.join(HERE, "init")
    with open(init, "rb") as f:
        init_text = f.read()
    fallback = fallback_modules(kernel, vendor)
    key = _digest(kernel.image, kernel.version, _file_key(BUSYBOX), init_text,
                  *[n.encode() + hashlib.sha256(d).digest() for n, d in order],
                  *[n.encode() + p.encode() for n, _, p in fallback])
    final = os.path.join(CACHE, f"initramfs-{vendor}-{key}.cpio")
    if _hit(final):
        return final
    if not os.access(BUSYBOX, os.X_OK):
        raise UserError(f"l1-kvm: {BUSYBOX} missing (install busybox-static: make deps)")
    os.makedirs(CACHE, exist_ok=True)
    stage = final + f".stage{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(os.path.join(stage, "bin"))
    os.makedirs(os.path.join(stage, "modules"))
    shutil.copy2(BUSYBOX, os.path.join(stage, "bin", "busybox"))
    shutil.copy2(init, os.path.join(stage, "init"))
    os.chmod(os.path.join(stage, "init"), 0o755)
    lines = []
    for name, data in order:
        with open(os.path.join(stage, "modules", name + ".ko"), "wb") as f:
            f.write(data)
        lines.append(name + (" nested=1" if name == KVM_MODULE[vendor] else ""))
    with open(os.path.join(stage, "modules.order"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(stage, "modules.fallback"), "w", encoding="utf-8") as f:
        for name, data, params in fallback:
            with open(os.path.join(stage, "modules", name + ".ko"), "wb") as ko:
                ko.write(data)
            f.write(f"{name} {params}\n")
    names = []
    for dirpath, dirnames, filenames in os.walk(stage):
        rel = os.path.relpath(dirpath, stage)
        names.extend(os.path.normpath(os.path.join(rel, n)) for n in dirnames + filenames)
    tmp = final + f".{os.getpid()}"
    with open(tmp, "wb") as out:
        p = subprocess.run([BUSYBOX, "cpio", "-o", "-H", "newc", "-R", "0:0"], cwd=stage, stdout=out,
                           stderr=subprocess.PIPE, input="\n".join(sorted(names)).encode() + b"\n")
    if p.returncode:
        raise UserError(f"l1-kvm: busybox cpio failed: {p.stderr.decode(errors='replace').strip()}")
    shutil.rmtree(stage, ignore_errors=True)
    _publish(tmp, final)
    return final


def _cylinders(size):
    return -(-size // FLAT_CYLINDER) * FLAT_CYLINDER


# The PVH boot of the Bochs L1 (x86/boot/rom.S built with ROM_PVH): hvtest's
# ROM reads a load list from sector 0 of the first disk, loads what it names
# and enters the kernel's PVH entry with EBX = the start info.  The layout
# in the L1's RAM:
PVH_INFO = 0x1000                # start info, module list, memory map, command line: one page
PVH_MODLIST = PVH_INFO + 0x40
PVH_MEMMAP = PVH_INFO + 0x80
PVH_CMDLINE = PVH_INFO + 0x200
PVH_INFO_END = PVH_INFO + 0x1000
PVH_INITRD = 0x10000000          # 256 MiB: above the kernel (16 MiB and up), below the L1's RAM top
PVH_ROM_LOW = (0x6000, 0x7200)   # what the ROM uses itself: the top of its stack, the load list
PVH_LIST_MAGIC = b"HVTPVH01"
PVH_LIST_MAX = 30
HVM_START_MAGIC = 0x336EC578     # struct hvm_start_info, version 1 (the PVH boot ABI)
XEN_ELFNOTE_PHYS32_ENTRY = 18
E820_RAM, E820_RESERVED = 1, 2
SECTOR = 512


def vmlinux(kernel):
    """Path of the kernel's decompressed image (an ELF file, cached): the bzImage's
    payload (boot protocol 2.08+: payload_offset and payload_length in the setup
    header), decompressed here once instead of by the L1 at every boot."""
    key = _digest(_file_key(kernel.image))
    final = os.path.join(CACHE, f"vmlinux-{key}")
    if _hit(final):
        return final
    with open(kernel.image, "rb") as f:
        data = f.read()
    version = struct.unpack_from("<H", data, 0x206)[0] if len(data) > 0x250 else 0
    if data[0x202:0x206] != b"HdrS" or version < 0x208:
        raise UserError(f"L1 kernel {kernel.image}: boot protocol {version >> 8}.{version & 0xff} "
                        "has no payload fields (2.08 or later needed for the Bochs L1's PVH boot)")
    setup = ((data[0x1f1] or 4) + 1) * SECTOR
    offset, length = struct.unpack_from("<II", data, 0x248)
    payload = data[setup + offset:setup + offset + length]
    elf = None
    if payload.startswith(b"\xfd7zXZ\x00"):
        elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    elif payload.startswith(b"\x1f\x8b"):        # gzip: no size appended, trailing bytes ignored
        elf = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
    elif payload.startswith(b"\x28\xb5\x2f\xfd"):
        try:
            elf = subprocess.run(["zstd", "-dc"], input=payload[:-4], capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            raise UserError(f"L1 kernel {kernel.image}: a zstd-compressed kernel, and no working zstd "
                            "to decompress it") from None
    elif payload.startswith(b"\x7fELF"):
        elf = payload
    if not elf or not elf.startswith(b"\x7fELF"):
        raise UserError(f"L1 kernel {kernel.image}: its payload ({payload[:6].hex()}...) is not an xz, gzip "
                        "or zstd compressed ELF image this backend can unpack")
    tmp = final + f".{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(elf)
    _publish(tmp, final)
    return final


def pvh_segments(elf):
    """([(paddr, bytes, memsz)] of the PT_LOAD segments, PVH entry) of a 64-bit ELF kernel."""
    if elf[:5] != b"\x7fELF\x02":
        raise UserError("L1 kernel: the decompressed image is not a 64-bit ELF file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    segments, entry = [], None
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, memsz, _ = struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and memsz:
            segments.append((paddr, elf[off:off + filesz], memsz))
        elif p_type == 4:
            n = off
            while n + 12 <= off + filesz:
                namesz, descsz, ntype = struct.unpack_from("<III", elf, n)
                name = elf[n + 12:n + 12 + namesz].rstrip(b"\0")
                desc = n + 12 + (namesz + 3) // 4 * 4
                if name == b"Xen" and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                    entry = int.from_bytes(elf[desc:desc + min(descsz, 8)], "little")
                n = desc + (descsz + 3) // 4 * 4
    if entry is None:
        raise UserError("L1 kernel: no PVH entry (ELF note Xen/XEN_ELFNOTE_PHYS32_ENTRY): the Bochs L1 "
                        "boots a kernel built with CONFIG_PVH=y")
    return sorted(segments), entry


def pvh_memmap(ram):
    """The L1's memory map: RAM but for the legacy hole and hvtest's ROM (at 0xf0000
    and 0xffff0000); no firmware runs, so nothing else is taken."""
    return [(0, 0xA0000, E820_RAM), (0xF0000, 0x10000, E820_RESERVED),
            (0x100000, ram - 0x100000, E820_RAM), (0xFFFF0000, 0x10000, E820_RESERVED)]


def pvh_info(cmdline, initrd_size, ram):
    """The page at PVH_INFO: struct hvm_start_info (version 1), one module (the
    initramfs), the memory map and the command line."""
    memmap = pvh_memmap(ram)
    page = bytearray(PVH_INFO_END - PVH_INFO)
    struct.pack_into("<IIIIQQQQII", page, 0, HVM_START_MAGIC, 1, 0, 1, PVH_MODLIST, PVH_CMDLINE, 0,
                     PVH_MEMMAP, len(memmap), 0)
    struct.pack_into("<QQQQ", page, PVH_MODLIST - PVH_INFO, PVH_INITRD, initrd_size, 0, 0)
    for i, (addr, size, kind) in enumerate(memmap):
        struct.pack_into("<QQII", page, PVH_MEMMAP - PVH_INFO + 24 * i, addr, size, kind, 0)
    text = cmdline.encode() + b"\0"
    if len(text) > PVH_INFO_END - PVH_CMDLINE:
        raise UserError(f"l1-kvm: kernel command line too long ({len(text)} bytes)")
    page[PVH_CMDLINE - PVH_INFO:PVH_CMDLINE - PVH_INFO + len(text)] = text
    return bytes(page)


def pvh_disk(kernel, initrd, cmdline, ram):
    """Path of the cached boot disk of the Bochs L1: the load list (sector 0) and
    what it loads: the start info page, the kernel's segments, the initramfs."""
    image = vmlinux(kernel)
    key = _digest(_file_key(image), _file_key(initrd), cmdline, ram, "pvh-1")
    final = os.path.join(CACHE, f"boot-pvh-{key}.img")
    if _hit(final):
        return final
    with open(image, "rb") as f:
        segments, entry = pvh_segments(f.read())
    with open(initrd, "rb") as f:
        rd = f.read()
    if PVH_INITRD + -(-len(rd) // SECTOR) * SECTOR > ram:
        raise UserError(f"l1-kvm: the initramfs ({len(rd)} bytes) does not fit the L1's RAM at {PVH_INITRD:#x}")
    items = [(PVH_INFO, pvh_info(cmdline, len(rd), ram), 0)]
    items += [(paddr, data, memsz) for paddr, data, memsz in segments]
    items.append((PVH_INITRD, rd, len(rd)))
    if len(items) > PVH_LIST_MAX:
        raise UserError(f"L1 kernel: {len(items) - 2} loadable segments, more than the ROM's load list takes")
    items.sort(key=lambda item: item[0])
    body, table, lba = bytearray(), bytearray(), 1
    for i, (dest, data, memsz) in enumerate(items):
        # The ROM reads whole sectors: up to 511 bytes of padding past the data,
        # which the next item (loaded after this one) writes over.
        sectors = -(-len(data) // SECTOR)
        end = dest + max(memsz, len(data))
        written = dest + max(memsz, sectors * SECTOR)
        if written > min(ram, 1 << 32) or (i + 1 < len(items) and end > items[i + 1][0]) \
                or (dest < PVH_ROM_LOW[1] and written > PVH_ROM_LOW[0]):
            raise UserError(f"l1-kvm: PVH load item [{dest:#x}, {written:#x}) overlaps the next one, the "
                            f"ROM's own [{PVH_ROM_LOW[0]:#x}, {PVH_ROM_LOW[1]:#x}) or passes the L1's RAM")
        table += struct.pack("<IIII", lba, sectors, dest, max(0, end - dest - sectors * SECTOR))
        body += data + bytes(sectors * SECTOR - len(data))
        lba += sectors
    head = PVH_LIST_MAGIC + struct.pack("<IIII", entry, PVH_INFO, len(items), 0) + table
    disk = head + bytes(SECTOR - len(head)) + body
    tmp = final + f".{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(disk)
        f.truncate(_cylinders(len(disk)))
    _publish(tmp, final)
    return final


# The userland of the Bochs L1: what the inner runner runs (its own files come
# with the run directory).  Paths as on this host, so config.mak's paths hold.
USERLAND_PROGRAMS = ["/bin/sh", "/usr/bin/python3", "addr2line"]
USERLAND_DATA = ["/usr/share/qemu", "/usr/share/seabios", "/etc/ld.so.cache"]
PYTHON_UNNEEDED = {"test", "idlelib", "tkinter", "ensurepip", "lib2to3", "pydoc_data", "turtledemo",
                   "distutils", "site-packages", "dist-packages", "__pycache__", "config-3"}


def _ldd(binary):
    """The shared objects binary loads (ldd), with the dynamic loader."""
    out = _run(["ldd", binary], f"ldd {binary}").stdout
    libs = []
    for line in out.splitlines():
        words = line.split()
        if "=>" in words and len(words) > words.index("=>") + 1 and words[words.index("=>") + 1].startswith("/"):
            libs.append(words[words.index("=>") + 1])
        elif words and words[0].startswith("/"):
            libs.append(words[0])
    return libs


def _copy_path(path, stage):
    """Copy path (following symlinks on the way, keeping the links themselves) into stage."""
    path = os.path.abspath(path)
    parts = path.strip("/").split("/")
    cur = "/"
    for i, part in enumerate(parts):
        cur = os.path.join(cur, part)
        dst = os.path.join(stage, cur.lstrip("/"))
        if os.path.islink(cur):
            if not os.path.lexists(dst):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.symlink(os.readlink(cur), dst)
            target = os.path.join(os.path.dirname(cur), os.readlink(cur))
            _copy_path(os.path.normpath(os.path.join(target, *parts[i + 1:])), stage)
            return
    dst = os.path.join(stage, path.lstrip("/"))
    if os.path.isdir(path):
        shutil.copytree(path, dst, symlinks=True, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if n in PYTHON_UNNEEDED])
    elif not os.path.exists(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(path, dst)
        except OSError:
            shutil.copy2(path, dst)


def userland_stage(qemu):
    """Path of the cached staging tree of the Bochs L1's userland."""
    programs = [shutil.which(p) or p for p in USERLAND_PROGRAMS] + [qemu]
    python_lib = "/usr/lib/python3.%d" % __import__("sys").version_info[1]
    key = _digest(*[_file_key(p) for p in programs if os.path.exists(p)], python_lib)
    final = os.path.join(CACHE, f"userland-{key}")
    if _hit(final):
        return final
    stage = final + f".stage{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    for top in ("bin", "sbin", "lib", "lib64"):       # merged /usr: the links as here
        if os.path.islink("/" + top):
            os.symlink(os.readlink("/" + top), os.path.join(stage, top))
    for d in ("proc", "sys", "dev", "tmp", "hv"):
        os.makedirs(os.path.join(stage, d), exist_ok=True)
    for p in programs:
        _copy_path(p, stage)
        for lib in _ldd(os.path.realpath(p)):
            _copy_path(lib, stage)
    for d in USERLAND_DATA + [python_lib]:
        if os.path.exists(d):
            _copy_path(d, stage)
    dynload = os.path.join(python_lib, "lib-dynload")
    for f in _listdir(dynload):
        for lib in _ldd(os.path.join(dynload, f)):
            _copy_path(lib, stage)
    _publish(stage, final)
    return final


def userland_disk(stage, run_dir, path):
    """Write the ext2 userland disk to path: the staged userland with run_dir as /hv."""
    tree = path + ".tree"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(stage, tree, symlinks=True, copy_function=os.link)
    shutil.rmtree(os.path.join(tree, "hv"))
    shutil.copytree(run_dir, os.path.join(tree, "hv"), symlinks=True)
    used = sum(os.lstat(os.path.join(d, f)).st_size for d, _, fs in os.walk(tree) for f in fs)
    size = _cylinders(used * 5 // 4 + (256 << 20))
    _run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-L", "hvtest-l1", "-d", tree, path,
          str(size // 1024) + "k"], "userland disk (mke2fs -d)")
    shutil.rmtree(tree, ignore_errors=True)
    return path


def read_back(image, src, dst):
    """Copy directory src of the ext2 image into dst (debugfs rdump: no mount needed)."""
    os.makedirs(dst, exist_ok=True)
    _run(["debugfs", "-R", f"rdump {src} {dst}", image], "reading the results back (debugfs)")
