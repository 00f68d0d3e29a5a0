"""The host probe: done once per run, printed as the run's header.

What it finds decides which backends exist: the CPU vendor, whether
/dev/kvm is usable (opens read-write and a hardware KVM module is loaded),
the nested parameters, and the emulators with their versions.  Emulator
versions are cached per binary (path, size, mtime) so that a run costs no
emulator start beyond the tests themselves.
"""
import os
import re
import shlex
import shutil
from dataclasses import asdict, dataclass, field

from .errors import UserError

KVM_DEV = "/dev/kvm"
NESTED = {"vmx": "/sys/module/kvm_intel/parameters/nested",
          "svm": "/sys/module/kvm_amd/parameters/nested"}
KVM_MODULES = {"intel": "/sys/module/kvm_intel", "amd": "/sys/module/kvm_amd"}


@dataclass
class Host:
    """What the host probe found: CPU vendor, KVM and nesting, the emulators and their versions."""
    vendor: str = "unknown"          # "intel", "amd", "unknown"
    cpus: int = 1
    kvm: bool = False                # /dev/kvm usable by QEMU
    kvm_reason: str = ""             # why not, when kvm is False
    nested_vmx: bool = False
    nested_svm: bool = False
    qemu: str = None                 # path, None when not installed
    qemu_version: str = ""
    qemu_params: list = field(default_factory=list)   # QEMU_PARAMS=: appended to every QEMU command
    bochs: str = None                # None when not usable: bochs_missing says why
    bochs_version: str = ""
    bochs_missing: str = "not installed"
    bochs_plugins: str = ""          # Bochs' plugin directory as it reports it ("": none)
    seabios: str = "/usr/share/seabios/bios-256k.bin"
    vgabios: str = "/usr/share/vgabios/vgabios.bin"
    kernel: str = ""                 # this kernel's version: KVM's, for errata bounds
    under: str = None                # inside an l1-kvm L1: the emulator under its KVM
    under_version: str = ""          #   ("qemu-tcg" / "bochs:MODEL") and that emulator's version
    l1: dict = None                  # the l1-kvm backend's L1s, once they ran (l1.py)

    def header(self):
        """The lines printed at the top of a run."""
        if self.kvm:
            nested = []
            nested.append("nested VMX " + ("on" if self.nested_vmx else "off"))
            nested.append("nested SVM " + ("on" if self.nested_svm else "off"))
            kvm = "usable (" + ", ".join(nested) + ")"
        else:
            kvm = f"not usable ({self.kvm_reason})"
        qemu = f"{self.qemu} {self.qemu_version}".strip() if self.qemu else "not installed"
        if self.qemu and self.qemu_params:
            qemu += f" (QEMU_PARAMS: {shlex.join(self.qemu_params)})"
        bochs = f"{self.bochs} {self.bochs_version}".strip() if self.bochs else self.bochs_missing
        lines = [f"host: {self.vendor} CPU, {self.cpus} CPUs; /dev/kvm {kvm}",
                 f"host: QEMU {qemu}; Bochs {bochs}"]
        if self.under:
            lines.append(f"host: an l1-kvm L1: Linux {self.kernel}, its KVM running on {self.under} "
                         f"{self.under_version}".rstrip())
        return lines

    def versions(self, env):
        """{layer: version} of the run environment env (errata bounds, cfg.Erratum)."""
        top, _, under = env.partition("@")
        layer = {"qemu-kvm": "qemu-kvm", "qemu-tcg": "qemu-tcg"}.get(top, "bochs")
        mine = {"qemu-kvm": self.kernel, "qemu-tcg": self.qemu_version, "bochs": self.bochs_version}
        versions = {layer: mine[layer]}
        if under:
            versions[under.partition(":")[0]] = self.under_version
        return versions

    def to_json(self):
        return asdict(self)


class RealFS:
    """The host as the probe sees it; tests substitute a fake."""

    def read(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return None

    def exists(self, path):
        return os.path.exists(path)

    def open_rw_error(self, path):
        """None when path opens read-write, else the reason."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as e:
            return e.strerror.lower()
        os.close(fd)
        return None

    def which(self, name):
        return shutil.which(name)

    def stat_key(self, path):
        st = os.stat(path)
        return f"{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}"

    def run(self, argv, stdin_text=None):
        import subprocess
        try:
            env = {k: v for k, v in os.environ.items() if k != "LTDL_LIBRARY_PATH"}   # Bochs' own
            p = subprocess.run(argv, input=stdin_text, capture_output=True, text=True,
                               timeout=20, env=dict(env, TERM="dumb"), errors="replace")
            return p.stdout + p.stderr
        except (OSError, subprocess.TimeoutExpired):
            return ""


def read_config_mak(root):
    """KEY = value pairs of config.mak (written by ./configure); {} when absent."""
    values = {}
    try:
        with open(os.path.join(root, "config.mak"), encoding="utf-8") as f:
            for line in f:
                key, eq, value = line.partition("=")
                if eq and not line.lstrip().startswith("#"):
                    values[key.strip()] = value.strip()
    except OSError:
        pass
    return values


def _cpu_vendor(cpuinfo):
    for line in (cpuinfo or "").splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() == "vendor_id":
            return {"GenuineIntel": "intel", "AuthenticAMD": "amd"}.get(value.strip(), "unknown")
    return "unknown"


def _kvm_state(fs, vendor):
    """(usable, reason-when-not)."""
    if not fs.exists(KVM_DEV):
        return False, "no /dev/kvm"
    err = fs.open_rw_error(KVM_DEV)
    if err:
        return False, f"/dev/kvm: {err}"
    if not any(fs.exists(p) for p in KVM_MODULES.values()):
        return False, "/dev/kvm is not backed by kvm_intel or kvm_amd"
    return True, ""


def _nested_on(fs, path):
    value = fs.read(path)
    return value is not None and value.strip() in ("Y", "y", "1")


def cache_dir(*parts):
    """hvtest's cache: $XDG_CACHE_HOME/hvtest (default ~/.cache/hvtest), joined with parts.
    A relative XDG_CACHE_HOME is ignored, as the XDG base directory specification says."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hvtest", *parts)


class TsvCache:
    """A small cache file of hvtest's, one "key<TAB>value" line each (read on every
    run, so no json import): the emulators' versions keyed by binary identity
    (versions.tsv), the runs' last durations (durations.tsv, session.py)."""

    def __init__(self, path=None, name="versions.tsv"):
        self.path = path or cache_dir(name)
        self.data = {}
        try:
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    key, tab, value = line.rstrip("\n").partition("\t")
                    if tab:
                        self.data[key] = value
        except (OSError, ValueError):
            pass
        self.dirty = False

    def get(self, key, compute):
        if key not in self.data:
            self.data[key] = compute()
            self.dirty = True
        return self.data[key]

    def set(self, key, value):
        if self.data.get(key) != value:
            self.data[key] = value
            self.dirty = True

    def save(self):
        if not self.dirty:
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = self.path + f".{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                f.writelines(f"{k}\t{v}\n" for k, v in self.data.items()
                             if "\t" not in k + v and "\n" not in k + v)
            os.replace(tmp, self.path)
        except OSError:
            pass


def kernel_version(release, proc_version):
    """The upstream version of the running kernel: Debian's release names its ABI
    ('6.1.0-56-amd64'), /proc/version then carries the real one ('Debian 6.1.192-2')."""
    i = proc_version.rfind(" Debian ")           # the last: gcc's version is "Debian 12.2.0-14"
    word = _word_after(proc_version[i:], "Debian ") if i >= 0 else None
    if word and word[:1].isdigit():
        return word.split("-")[0]
    return release.split("-")[0]


def _word_after(text, marker):
    """The word right after marker in text, or None."""
    m = re.search(re.escape(marker) + r"(\S+)", text)
    return m.group(1) if m else None


def _qemu_version(fs, path):
    return _word_after(fs.run([path, "--version"]), "version ") or "(version unknown)"


def _bochs_probe(fs, path):
    """(version, plugin directory or ""): what Bochs says when it starts and quits at once."""
    out = fs.run([path, "-q", "-n", "display_library: nogui", "-rc", "/dev/stdin"], "quit\n")
    m = re.search(r"LTDL_LIBRARY_PATH not set\. using compile time default '([^']+)'", out)
    return _word_after(out, "Bochs x86 Emulator ") or "(version unknown)", m.group(1) if m else ""


def probe(root, fs=None, cache=None, env=None):
    """Probe the host once.  QEMU= and BOCHS= in the environment override config.mak;
    QEMU_PARAMS= (shell words) is appended to every QEMU command line."""
    fs = fs or RealFS()
    env = os.environ if env is None else env
    conf = read_config_mak(root)
    host = Host()
    host.vendor = _cpu_vendor(fs.read("/proc/cpuinfo"))
    host.cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    host.kvm, host.kvm_reason = _kvm_state(fs, host.vendor)
    host.kernel = kernel_version(os.uname().release, fs.read("/proc/version") or "")
    under = env.get("HVTEST_UNDER")         # set by the l1-kvm backend's inner.sh (l1.py)
    if under:
        host.under, _, host.under_version = under.rpartition(":")
    host.nested_vmx = _nested_on(fs, NESTED["vmx"])
    host.nested_svm = _nested_on(fs, NESTED["svm"])
    host.seabios = conf.get("SEABIOS", host.seabios)
    host.vgabios = conf.get("VGABIOS", host.vgabios)
    cache = cache or TsvCache()
    qemu = fs.which(env.get("QEMU") or conf.get("QEMU") or "qemu-system-x86_64")
    if qemu:
        host.qemu = qemu
        host.qemu_version = cache.get("qemu|" + fs.stat_key(qemu), lambda: _qemu_version(fs, qemu))
    if env.get("QEMU_PARAMS"):
        try:
            host.qemu_params = shlex.split(env["QEMU_PARAMS"])
        except ValueError as e:
            raise UserError(f"QEMU_PARAMS={env['QEMU_PARAMS']!r}: {e}") from None
    bochs = fs.which(env.get("BOCHS") or conf.get("BOCHS") or "bochs")
    roms = [(rom, package) for rom, package in ((host.seabios, "seabios"), (host.vgabios, "vgabios"))
            if not fs.exists(rom)]
    if bochs and roms:
        host.bochs_missing = "found, but " + ", ".join(f"{rom} is missing (Debian package {package})"
                                                      for rom, package in roms)
    elif bochs:
        host.bochs = bochs
        key, said = fs.stat_key(bochs), []

        def probe_once(i):
            said[:] = said or _bochs_probe(fs, bochs)
            return said[i]
        host.bochs_version = cache.get("bochs|" + key, lambda: probe_once(0))
        host.bochs_plugins = cache.get("bochs-plugins|" + key, lambda: probe_once(1))
    cache.save()
    return host
