"""errata.cfg against the C sources: every erratum name used is defined, every one
defined is used, and each name starts with its environment.

A C source uses an erratum name where a string literal stands
- as the argument of a `const char *` parameter whose name contains
  "erratum" (report_erratum, report_result, report_u64, svm_report_exit,
  expect_npf, ...), or the one parameter of a function whose name contains
  "erratum" (erratum_active);
- as the value of a variable or struct field whose name contains "erratum",
  in a declaration, a designated initializer or a table row of such a struct;
- anywhere, when it is spelled like an erratum name (qemu-tcg-..., bochs-...).
A literal "a|b" names two errata (the first one active applies: lib/report.h).
"""
import os
import re
import unittest

import helpers  # noqa: F401  (puts the runner on sys.path)
from runner import cfg

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE_DIRS = ("lib", "x86", "vmx", "svm")
PREFIXES = {"qemu-tcg": "qemu-tcg-", "qemu-kvm": "qemu-kvm-", "bochs": "bochs-"}
ANY = "any-"

_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)
_LITERAL = re.compile(r'"((?:\\.|[^"\\\n])*)"')
_QUOTED = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
_PARAM = re.compile(r"^\s*const\s+char\s*\*\s*(?:const\s+)?(\w+)\s*$")
_PROTOTYPE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_VARIABLE = re.compile(r'\b(\w*erratum\w*)\s*(?:\[\s*\])?\s*=\s*("(?:\\.|[^"\\\n])*")')
_STRUCT = re.compile(r"\bstruct\s+(\w+)\s*\{([^{}]*)\}")
_TABLE = re.compile(r"\bstruct\s+(\w+)\s+\w+\s*\[[^\]]*\]\s*=\s*\{")
_ARRAY = re.compile(r"\s*\w+\s*\[[^\]]*\]\s*=\s*\{")     # after 'struct NAME { ... }'


def tables(text):
    """(struct name, index of the '{' opening the rows) of each array of structs initialised."""
    found = [(m.group(1), m.end() - 1) for m in _TABLE.finditer(text)]
    for m in _STRUCT.finditer(text):
        a = _ARRAY.match(text, m.end())
        if a:
            found.append((m.group(1), a.end() - 1))
    return found
_NAME_SHAPE = re.compile(r"^(?:qemu-tcg|qemu-kvm|bochs|any)-[a-z0-9]+(?:-[a-z0-9]+)*$")


def strip_comments(text):
    return _TOKENS.sub(lambda m: " " if m.group(0)[0] == "/" else m.group(0), text)


def balanced(text, i, opening, closing):
    """(parts split at top-level commas, end index) of the group opened at text[i]."""
    depth, start, parts, j = 0, i + 1, [], i
    while j < len(text):
        c = text[j]
        if c in "\"'":
            m = _QUOTED.match(text, j)
            j = m.end() if m else j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:j])
                return parts, j
        elif c == "," and depth == 1:
            parts.append(text[start:j])
            start = j + 1
        j += 1
    return parts, j


def sources():
    for d in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                        yield os.path.relpath(os.path.join(dirpath, name), ROOT), strip_comments(f.read())


def literals(text):
    return [m.group(1) for m in _LITERAL.finditer(text)]


def used_names(files):
    """{name: [file, ...]} of the erratum names the sources use."""
    erratum_args = {}            # function -> argument positions that take an erratum name
    struct_fields = {}           # struct -> field positions that hold an erratum name
    for _, text in files:
        for m in _PROTOTYPE.finditer(text):
            params, _ = balanced(text, m.end() - 1, "(", ")")
            for i, p in enumerate(params):
                pm = _PARAM.match(p)
                if pm and ("erratum" in pm.group(1) or ("erratum" in m.group(1) and len(params) == 1)):
                    erratum_args.setdefault(m.group(1), set()).add(i)
        for m in _STRUCT.finditer(text):
            fields = [f.strip() for f in m.group(2).split(";") if f.strip()]
            names = [re.findall(r"\w+", f)[-1] for f in fields]
            struct_fields[m.group(1)] = {i for i, n in enumerate(names) if "erratum" in n}
    used = {}
    for path, text in files:
        found = []
        for m in _PROTOTYPE.finditer(text):
            if m.group(1) in erratum_args:
                args, _ = balanced(text, m.end() - 1, "(", ")")
                for i in erratum_args[m.group(1)]:
                    if i < len(args):
                        found += literals(args[i])
        found += [literals(m.group(2))[0] for m in _VARIABLE.finditer(text)]
        for struct, start in tables(text):
            positions = struct_fields.get(struct, set())
            rows, _ = balanced(text, start, "{", "}")
            for row in rows:
                if row.strip().startswith("{"):
                    fields, _ = balanced(row, row.index("{"), "{", "}")
                    found += [x for i in positions if i < len(fields) for x in literals(fields[i])]
        found += [x for x in literals(text) if all(_NAME_SHAPE.match(p) for p in x.split("|"))]
        for name in (p for x in found for p in x.split("|")):     # "a|b": either (lib/report.h)
            used.setdefault(name, [])
            if path not in used[name]:
                used[name].append(path)
    return used


def expected_prefix(envs):
    # qemu-kvm@qemu-tcg: a deviation of QEMU TCG that KVM passes through (l1-kvm)
    kinds = {e.rpartition("@")[2].split(":")[0] for e in envs}
    return PREFIXES[kinds.pop()] if len(kinds) == 1 else ANY


class ErrataNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.errata = {e.name: e for e in cfg.load_errata(os.path.join(ROOT, "errata.cfg"))}
        cls.used = used_names(list(sources()))

    def test_the_sources_use_errata(self):
        self.assertIn("qemu-tcg-npf-rsvd-no-p", self.used)     # an argument of expect_npf()
        self.assertIn("bochs-vmx-entry-to-smm", self.used)     # in a ?: argument
        self.assertNotIn("single-context", self.used)          # a word, not an erratum

    def test_every_name_used_is_defined(self):
        undefined = {n: where for n, where in self.used.items() if n not in self.errata}
        self.assertEqual(undefined, {}, "erratum names used in C but not defined in errata.cfg")

    def test_every_name_defined_is_used(self):
        unused = sorted(n for n in self.errata if n not in self.used)
        self.assertEqual(unused, [], "errata.cfg sections no C source uses")

    def test_names_start_with_their_environment(self):
        for name, e in self.errata.items():
            with self.subTest(erratum=name, where=e.where):
                want = expected_prefix(e.envs)
                self.assertTrue(name.startswith(want), f"[{name}] (env = {' '.join(e.envs)}) "
                                                       f"must start with '{want}'")
        for name in self.used:
            with self.subTest(used=name):
                self.assertTrue(name.startswith(tuple(PREFIXES.values()) + (ANY,)), name)


class Extraction(unittest.TestCase):
    def test_every_kind_of_use(self):
        text = strip_comments('''
            bool report_u64(const char *erratum, uint64_t want, uint64_t got, const char *fmt, ...);
            bool erratum_active(const char *name);
            static void check(const char *what, const char *erratum_name);
            struct row { const char *name; void (*fn)(void); const char *erratum; };
            static const struct row rows[] = {
                { "a row", f, "in-a-table", NULL },
                { "another", g, NULL },
            };
            static const struct inline_row { const char *erratum; const char *what; } inline_rows[] = {
                { "defined-with-its-struct", "not-this-field" },
            };
            static const char my_erratum[] = "in-a-variable";
            /* "in-a-comment" */
            void x(void) {
                report_u64("as-an-argument", 1, f(2, "not-this"), "fmt %s", "nor-this");
                if (erratum_active("as-the-name")) check("not-a-name", "second-argument");
                struct row r = { .erratum = "designated" };
                printf("bochs-spelled-like-one");
                report_u64("qemu-kvm-first|bochs-second", 1, 2, "either");
            }''')
        got = set(used_names([("t.c", text)]))
        self.assertEqual(got, {"in-a-table", "defined-with-its-struct", "in-a-variable", "as-an-argument", "as-the-name",
                               "second-argument", "designated", "bochs-spelled-like-one",
                               "qemu-kvm-first", "bochs-second"})

    def test_prefix(self):
        self.assertEqual(expected_prefix(["bochs:ryzen", "bochs"]), "bochs-")
        self.assertEqual(expected_prefix(["qemu-tcg", "bochs"]), "any-")


if __name__ == "__main__":
    unittest.main()
