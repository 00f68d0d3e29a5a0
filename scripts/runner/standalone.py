"""Standalone test scripts (`make standalone`): one file per unittests.cfg entry.

A script is a short sh prologue followed by a zip archive (the prologue
hands the file to python3, which runs a zip from its end, whatever comes
before it).  The archive holds this runner package, the entry's own
unittests.cfg section, errata.cfg, the program files (.flat, .bin, .img,
.elf) and hvtest's Bochs ROM at their paths in the checkout.  Run, it
unpacks the project files into a private directory and calls the runner's
main on it: the backend choice, the emulator commands, the verdicts and the
exit status are those of `./run_tests.sh NAME`, by construction.  It needs python3 (standard
library) and QEMU or Bochs.
"""
import io
import os
import shutil
import sys
import tempfile
import zipfile

from . import backends, cfg, cli, execute
from .cli import EXIT_INTERRUPTED

PROJECT = "hvtest/"                  # the project's files inside the archive
PROGRAM_SUFFIXES = (".flat", ".bin", ".img", ".elf")
PROLOGUE = """#!/bin/sh
# hvtest standalone test '{name}', written by `make standalone` (scripts/standalone.py).
# It is ./run_tests.sh {name} with its runner, cfg entry and program inside:
# the same backend choice, emulator command lines and verdicts.
# Needs python3 (standard library) and QEMU or Bochs.  Options: those of
# run_tests.sh (-v, -t, --json FILE, --backend B[,B...], --all-backends, --gdb {name}, ...);
# QEMU=, BOCHS=, QEMU_PARAMS=, ACCEL=kvm|tcg|bochs, PYTHON= as for run_tests.sh.
# Exit: 0 pass or skip, 1 fail/crash/timeout/error, 2 bad usage or no emulator, 130 interrupted.
py=${{PYTHON:-python3}}
command -v "$py" >/dev/null 2>&1 || {{ echo "$0: $py not found (Debian package python3)" >&2; exit 2; }}
exec "$py" -S -E "$0" "$@"
# The zip archive follows.
"""
MAIN = "import sys\nfrom runner import standalone\nsys.exit(standalone.run(sys.argv[0], sys.argv[1:]))\n"


def section_text(text, entries, entry):
    """The lines of unittests.cfg text that make entry's [section] (entries: all of them, parsed)."""
    lines = text.split("\n")
    starts = [int(e.where.rsplit(":", 1)[1]) for e in entries]
    first = int(entry.where.rsplit(":", 1)[1])
    later = [s for s in starts if s > first]
    return "\n".join(lines[first - 1:(later[0] - 1) if later else None]).rstrip("\n") + "\n"


def _add(z, name, data):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))   # the same input, the same bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def script_bytes(root, entry, section, errata_text):
    """The standalone script of entry: the prologue and the archive.

    Raises UserError when a program file is not built.
    """
    package = os.path.dirname(os.path.abspath(__file__))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        _add(z, "__main__.py", MAIN)
        for name in sorted(os.listdir(package)):
            if name.endswith(".py"):
                with open(os.path.join(package, name), "rb") as f:
                    _add(z, "runner/" + name, f.read())
        _add(z, PROJECT + "unittests.cfg", section)
        _add(z, PROJECT + "errata.cfg", errata_text)
        rels = [backends.program_path(root, entry.file, suffix) for suffix in PROGRAM_SUFFIXES]
        for rel in rels + [os.path.join(backends.BUILD_DIR, backends.BOCHS_ROM)]:
            try:
                with open(os.path.join(root, rel), "rb") as f:
                    _add(z, PROJECT + rel, f.read())
            except OSError:
                raise cfg.UserError(f"not built: {rel} (run make)") from None
    return PROLOGUE.format(name=entry.name).encode() + archive.getvalue()


def write_all(root, names, out_dir):
    """Write out_dir/NAME for the entries named (all when none); (written, problems)."""
    cfg_path = os.path.join(root, "unittests.cfg")
    text = cfg.read_text(cfg_path)
    entries = cfg.parse_unittests(text, cfg_path)
    selected = cfg.select(entries, names) if names else entries
    errata_path = os.path.join(root, "errata.cfg")
    errata_text = cfg.read_text(errata_path) if os.path.exists(errata_path) else ""
    cfg.parse_errata(errata_text, errata_path)
    os.makedirs(out_dir, exist_ok=True)
    written, problems = [], []
    for e in selected:
        try:
            data = script_bytes(root, e, section_text(text, entries, e), errata_text)
        except cfg.UserError as err:
            problems.append(f"{e.name}: {err}")
            continue
        path = os.path.join(out_dir, e.name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o755)
        written.append(path)
    return written, problems


def run(script, argv):
    """A standalone script's run: its project files into a private directory, then the runner.

    The directory is removed however the run ends (Ctrl-C, SIGTERM, SIGHUP,
    an exception); the runner stops its emulators itself.
    """
    made = []
    with execute.signals_interrupt(lambda: [shutil.rmtree(d, ignore_errors=True) for d in made]):
        try:
            with execute.signals_deferred():
                tmp = tempfile.mkdtemp(prefix="hvtest-standalone-")
                made.append(tmp)
            with zipfile.ZipFile(script) as z:
                for member in z.namelist():
                    if member.startswith(PROJECT) and not member.endswith("/"):
                        z.extract(member, tmp)
            root = os.path.join(tmp, PROJECT)
            (entry,) = cfg.load_unittests(os.path.join(root, "unittests.cfg"))
            gdb = any(a == "--gdb" or a.startswith("--gdb=") for a in argv)
            return cli.main(argv if gdb else argv + [entry.name], root=root,
                            prog=os.path.basename(script), keep_logs=False)
        except KeyboardInterrupt:
            print(f"{os.path.basename(script)}: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
