"""unittests.cfg and errata.cfg: parsed with line numbers, validated strictly.

unittests.cfg uses kvm-unit-tests' INI keys plus hvtest's own (docs/runner.md).
Every error names file:line; nothing here runs a shell: strings that hold
several words are split with shlex.
"""
import fnmatch
import math
import shlex
from dataclasses import dataclass, field

from .errors import UserError

DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY = 128
BACKENDS = ("qemu-kvm", "qemu-tcg", "bochs", "l1-kvm")
REQUIREMENTS = ("vmx", "svm")
BOCHS_BOOTS = ("rom", "disk")   # bochs_boot: hvtest's ROM (default), or SeaBIOS and the disk image

# Bochs 2.7's CPU models, by vendor (VMX lives on Intel models, SVM on AMD).
BOCHS_AMD_MODELS = frozenset("""amd_k6_2_chomper athlon64_clawhammer athlon64_venice
    turion64_tyler phenom_8650_toliman zambezi trinity_apu ryzen""".split())
BOCHS_INTEL_MODELS = frozenset("""bx_generic pentium pentium_mmx p2_klamath p3_katmai
    p4_willamette p4_prescott_celeron_336 core_duo_t2400_yonah atom_n270
    core2_penryn_t9600 corei5_lynnfield_750 corei5_arrandale_m520
    corei7_sandy_bridge_2600k corei7_ivy_bridge_3770k corei7_haswell_4770
    broadwell_ult corei7_skylake_x corei3_cnl corei7_icelake_u tigerlake""".split())
BOCHS_DEFAULT_MODELS = {
    "vmx": "corei7_skylake_x corei7_icelake_u tigerlake corei7_sandy_bridge_2600k core2_penryn_t9600",
    "svm": "ryzen phenom_8650_toliman",
    None: "corei7_skylake_x",
}


@dataclass
class Entry:
    """One [section] of unittests.cfg."""
    name: str
    where: str                      # file:line of the section header
    file: str = ""                  # program name without suffix ("printf")
    smp: int = 1
    memory: int = DEFAULT_MEMORY
    timeout: float = DEFAULT_TIMEOUT
    test_args: list = field(default_factory=list)
    qemu_params: list = field(default_factory=list)
    bochs_params: list = field(default_factory=list)
    bochs_models: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    accel: str = None
    arch: str = None
    check: list = field(default_factory=list)    # [(path, value)]
    requires: str = None            # "vmx", "svm" or None
    backends: list = field(default_factory=lambda: list(BACKENDS))
    qemu_boot: str = "kernel"       # "kernel" (-kernel NAME.flat) or "disk" (-drive NAME.img)
    bochs_boot: str = "rom"         # "rom" (hvtest's ROM, NAME.bin in RAM) or "disk" (SeaBIOS, NAME.img)

    @property
    def nodefault(self):
        return "nodefault" in self.groups


def _words(value, where):
    try:
        return shlex.split(value)
    except ValueError as e:
        raise UserError(f"cannot split {value!r}: {e}", where) from None


def _int(value, where, lo, hi, what):
    try:
        n = int(value, 0)
    except ValueError:
        raise UserError(f"{what} must be an integer, not {value!r}", where) from None
    if not lo <= n <= hi:
        raise UserError(f"{what} must be between {lo} and {hi}, not {n}", where)
    return n


def parse_seconds(value, where=None):
    """'30', '30s', '1.5m', '2h' -> seconds (float > 0)."""
    scale = {"s": 1, "m": 60, "h": 3600}
    v = value.strip()
    unit = v[-1:] if v[-1:] in scale else "s"
    num = v[:-1] if v[-1:] in scale else v
    try:
        seconds = float(num) * scale[unit]
    except ValueError:
        raise UserError(f"timeout must be a number of seconds (30, 30s, 2m), not {value!r}", where) from None
    if not 0 < seconds < math.inf:
        raise UserError(f"timeout must be a positive number of seconds, not {value!r}", where)
    return seconds


def _set_file(e, v, w):
    name = v.strip()
    for suffix in (".flat", ".img", ".elf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if not name or "/" in name or any(c.isspace() for c in name):
        raise UserError(f"file must be a program name like printf.flat, not {v!r}", w)
    e.file = name


def _set_requires(e, v, w):
    reqs = [r.strip() for r in v.split(",") if r.strip()]
    for r in reqs:
        if r not in REQUIREMENTS:
            raise UserError(f"requires: unknown requirement {r!r} (known: {', '.join(REQUIREMENTS)})", w)
    if len(set(reqs)) > 1:
        raise UserError("requires: a test needs vmx or svm, not both", w)
    e.requires = reqs[0] if reqs else None


def _set_models(e, v, w):
    models = v.split()
    for m in models:
        if m not in BOCHS_AMD_MODELS | BOCHS_INTEL_MODELS:
            raise UserError(f"bochs_models: unknown Bochs CPU model {m!r}", w)
    if not models:
        raise UserError("bochs_models: empty list", w)
    e.bochs_models = models


def _set_backends(e, v, w):
    names = v.replace(",", " ").split()
    for b in names:
        if b not in BACKENDS:
            raise UserError(f"backends: unknown backend {b!r} (known: {', '.join(BACKENDS)})", w)
    if not names:
        raise UserError("backends: empty list", w)
    e.backends = [b for b in BACKENDS if b in names]


def _set_accel(e, v, w):
    if v not in ("kvm", "tcg"):
        raise UserError(f"accel must be kvm or tcg, not {v!r}", w)
    e.accel = v


def _set_arch(e, v, w):
    if v not in ("x86_64", "i386"):
        raise UserError(f"arch must be x86_64 or i386, not {v!r}", w)
    e.arch = v


def _set_check(e, v, w):
    conds = []
    for word in _words(v, w):
        path, eq, value = word.partition("=")
        if not eq or not path.startswith("/"):
            raise UserError(f"check: expected /host/file=value, not {word!r}", w)
        conds.append((path, value))
    e.check = conds


def _set_groups(e, v, w):
    e.groups = v.split()


def _set_qemu_boot(e, v, w):
    if v not in ("kernel", "disk"):
        raise UserError(f"qemu_boot: expected kernel or disk, not {v!r}", w)
    e.qemu_boot = v


def _set_bochs_boot(e, v, w):
    if v not in BOCHS_BOOTS:
        raise UserError(f"bochs_boot: expected {' or '.join(BOCHS_BOOTS)}, not {v!r}", w)
    e.bochs_boot = v


SETTERS = {
    "file": _set_file,
    "smp": lambda e, v, w: setattr(e, "smp", _int(v, w, 1, 255, "smp")),
    "memory": lambda e, v, w: setattr(e, "memory", _int(v, w, 16, 65536, "memory (MiB)")),
    "timeout": lambda e, v, w: setattr(e, "timeout", parse_seconds(v, w)),
    "test_args": lambda e, v, w: setattr(e, "test_args", _words(v, w)),
    "qemu_params": lambda e, v, w: setattr(e, "qemu_params", _words(v, w)),
    "extra_params": lambda e, v, w: setattr(e, "qemu_params", _words(v, w)),
    "bochs_params": lambda e, v, w: setattr(e, "bochs_params", _words(v, w)),
    "bochs_models": _set_models,
    "groups": _set_groups,
    "accel": _set_accel,
    "arch": _set_arch,
    "check": _set_check,
    "requires": _set_requires,
    "backends": _set_backends,
    "qemu_boot": _set_qemu_boot,
    "bochs_boot": _set_bochs_boot,
}


def _ini_sections(text, path):
    """Yield (section, section_where, [(key, value, where)]) from INI text.

    '#' and ';' start comment lines; an indented line continues the previous
    value.  Errors carry file:line.
    """
    sections = []
    names = set()
    current = keys = None
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if not line.replace("\t", " ").isprintable():
            bad = next(c for c in line if not c.isprintable() and c != "\t")
            raise UserError(f"unexpected character U+{ord(bad):04X} in column {line.index(bad) + 1}",
                            f"{path}:{lineno}")
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        where = f"{path}:{lineno}"
        if stripped.startswith("["):
            if not stripped.endswith("]") or len(stripped) < 3:
                raise UserError(f"malformed section header {stripped!r}", where)
            name = stripped[1:-1].strip()
            if not name or len(name.split()) != 1 or "@" in name:
                raise UserError(f"bad section name {name!r} (no spaces or '@')", where)
            if name in names:
                raise UserError(f"duplicate section [{name}]", where)
            names.add(name)
            current, keys = (name, where, []), set()
            sections.append(current)
            continue
        if line[0].isspace() and current and current[2]:
            key, value, kwhere = current[2][-1]
            current[2][-1] = (key, f"{value} {stripped}", kwhere)
            continue
        key, eq, value = stripped.partition("=")
        if not eq:
            raise UserError(f"expected 'key = value', got {stripped!r}", where)
        if current is None:
            raise UserError(f"'{key.strip()}' outside any [section]", where)
        key = key.strip()
        if key in keys:
            raise UserError(f"duplicate key '{key}' in [{current[0]}]", where)
        keys.add(key)
        current[2].append((key, value.strip(), where))
    return sections


def parse_unittests(text, path="unittests.cfg"):
    """Parse unittests.cfg text into a list of Entry, in file order."""
    entries = []
    for name, where, items in _ini_sections(text, path):
        e = Entry(name=name, where=where)
        keys = set()
        for key, value, kwhere in items:
            setter = SETTERS.get(key)
            if setter is None:
                raise UserError(f"unknown key '{key}' in [{name}] (known: {', '.join(sorted(SETTERS))})", kwhere)
            if key in ("qemu_params", "extra_params") and {"qemu_params", "extra_params"} & keys:
                raise UserError(f"[{name}] has both qemu_params and its alias extra_params", kwhere)
            setter(e, value, kwhere)
            keys.add(key)
        if "file" not in keys:
            raise UserError(f"[{name}] has no 'file' key", where)
        if "bochs_models" not in keys:
            e.bochs_models = BOCHS_DEFAULT_MODELS[e.requires].split()
        elif e.requires:
            wrong = [m for m in e.bochs_models
                     if (m in BOCHS_AMD_MODELS) != (e.requires == "svm")]
            if wrong:
                vendor = "AMD" if e.requires == "svm" else "Intel"
                raise UserError(f"[{name}] requires {e.requires}, which needs {vendor} Bochs models, "
                                f"not {', '.join(wrong)}", where)
        entries.append(e)
    return entries


def read_text(path):
    """The file as text; not UTF-8 is an error naming the line of the first bad byte."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UserError(f"not UTF-8 text (byte {data[e.start]:#04x})", f"{path}:{line}") from None


def load_unittests(path):
    try:
        text = read_text(path)
    except OSError as e:
        raise UserError(f"cannot read {path}: {e.strerror}") from None
    return parse_unittests(text, path)


def select(entries, patterns, group=None):
    """Entries matching any name/glob in patterns (all non-nodefault when none), in file order.

    A pattern naming a nodefault test selects it; -g GROUP selects the group
    (nodefault included only when GROUP is nodefault's own group name).
    """
    if not patterns:
        if group:
            chosen = [e for e in entries if group in e.groups]
        else:
            chosen = [e for e in entries if not e.nodefault]
        if group and not chosen:
            raise UserError(f"no test in group '{group}'")
        return chosen
    chosen = []
    for pat in patterns:
        if any(c in pat for c in "*?["):
            hits = [e for e in entries if fnmatch.fnmatchcase(e.name, pat)]
        else:
            hits = [e for e in entries if e.name == pat]
        if not hits:
            raise UserError(f"unknown test '{pat}' (see ./run_tests.sh -l)")
        chosen.extend(h for h in hits if h not in chosen)
    if group:
        chosen = [e for e in chosen if group in e.groups]
    order = {e.name: i for i, e in enumerate(entries)}
    return sorted(chosen, key=lambda e: order[e.name])


def version_key(text):
    """'6.1.192' / '7.2.22' / '2.7' -> (6, 1, 192): the leading numbers, for comparing."""
    nums = []
    for part in text.replace("-", ".").split("."):
        digits = ""
        for c in part:
            if not c.isdigit():
                break
            digits += c
        if not digits:
            break
        nums.append(int(digits))
    return tuple(nums)


VERSION_OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b}
# The layers an environment is made of, and whose version a bound names:
# qemu-kvm the kernel running KVM, qemu-tcg the QEMU, bochs the Bochs.
LAYERS = ("qemu-kvm", "qemu-tcg", "bochs")
UNDER_KVM = ("qemu-tcg", "bochs")        # what KVM itself can run on (the l1-kvm backend)


def _layer(env):
    return env.partition(":")[0]


@dataclass
class Erratum:
    """One [section] of errata.cfg: a named deviation from the architecture and where it applies."""
    name: str
    envs: list          # "qemu-tcg", "qemu-kvm", "bochs", "bochs:MODEL", "qemu-kvm@qemu-tcg", ...
    rule: str
    observed: str
    seen: str
    where: str
    versions: list = field(default_factory=list)    # [(layer, op, version)]

    def applies_to(self, env, versions=None):
        """env: the run's environment, "qemu-tcg", "bochs:MODEL", "qemu-kvm", or KVM
        stacked on an emulator, "qemu-kvm@qemu-tcg" / "qemu-kvm@bochs:MODEL";
        versions: {layer: version} of that environment ({} / None: unknown).

        "qemu-kvm" names KVM's own deviations wherever KVM runs; "qemu-kvm@X"
        a deviation of X that KVM passes through when it runs on X; "X" alone
        only X itself.  A version bound holds when that layer's version is
        unknown or within it.
        """
        top, _, under = env.partition("@")
        if not any(_env_matches(e, top, under) for e in self.envs):
            return False
        versions = versions or {}
        for layer, op, bound in self.versions:
            have = versions.get(layer)
            if have and not VERSION_OPS[op](version_key(have), version_key(bound)):
                return False
        return True


def _env_matches(token, top, under):
    t_top, _, t_under = token.partition("@")
    if not _one_env_matches(t_top, top):
        return False
    if not t_under:
        return not under or t_top == "qemu-kvm"
    return bool(under) and _one_env_matches(t_under, under)


def _one_env_matches(token, env):
    return env == token or (token == "bochs" and env.startswith("bochs:"))


ERRATUM_KEYS = ("env", "rule", "observed", "seen")
ERRATUM_OPTIONAL = ("versions",)


def _check_env(env, kwhere):
    top, at, under = env.partition("@")
    for part in (top, under) if at else (top,):
        base, _, model = part.partition(":")
        if part not in LAYERS and not (base == "bochs" and model in BOCHS_AMD_MODELS | BOCHS_INTEL_MODELS):
            raise UserError(f"env: unknown environment {env!r} (qemu-tcg, qemu-kvm, bochs, bochs:MODEL, "
                            "or qemu-kvm@ENV for KVM running on an emulator)", kwhere)
    if at and (top != "qemu-kvm" or _layer(under) not in UNDER_KVM):
        raise UserError(f"env: {env!r}: only KVM is stacked, on qemu-tcg or bochs (qemu-kvm@qemu-tcg, "
                        "qemu-kvm@bochs[:MODEL])", kwhere)


def _parse_versions(value, kwhere):
    """'qemu-kvm>=6.1 qemu-kvm<6.13 qemu-tcg<=7.2.22' -> [(layer, op, version)]."""
    bounds = []
    for word in value.split():
        for op in ("<=", ">=", "==", "<", ">"):
            layer, sep, version = word.partition(op)
            if sep:
                break
        if not sep or layer not in LAYERS or not version_key(version):
            raise UserError(f"versions: expected LAYER OP VERSION like qemu-kvm<6.13 (layers: "
                            f"{', '.join(LAYERS)}; ops: {', '.join(VERSION_OPS)}), not {word!r}", kwhere)
        bounds.append((layer, op, version))
    return bounds


def parse_errata(text, path="errata.cfg"):
    errata = []
    for name, where, items in _ini_sections(text, path):
        if "," in name:
            raise UserError(f"erratum name {name!r} must not contain ','", where)
        values = {}
        for key, value, kwhere in items:
            if key not in ERRATUM_KEYS + ERRATUM_OPTIONAL:
                raise UserError(f"unknown key '{key}' in [{name}] (known: "
                                f"{', '.join(ERRATUM_KEYS + ERRATUM_OPTIONAL)})", kwhere)
            values[key] = value
            if key == "env":
                for env in value.split():
                    _check_env(env, kwhere)
            if key == "versions":
                values[key] = _parse_versions(value, kwhere)
        missing = [k for k in ERRATUM_KEYS if not values.get(k)]
        if missing:
            raise UserError(f"erratum [{name}] lacks {', '.join(missing)}", where)
        errata.append(Erratum(name, values["env"].split(), values["rule"], values["observed"],
                              values["seen"], where, values.get("versions", [])))
    return errata


def load_errata(path):
    try:
        text = read_text(path)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise UserError(f"cannot read {path}: {e.strerror}") from None
    return parse_errata(text, path)
