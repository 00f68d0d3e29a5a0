import unittest

from helpers import cfg
from runner.errors import UserError


class CfgErrors(unittest.TestCase):
    def error(self, text):
        with self.assertRaises(UserError) as cm:
            cfg.parse_unittests(text, "u.cfg")
        return str(cm.exception)

    def test_unknown_key_names_line(self):
        msg = self.error("[a]\nfile = a.flat\nsmpp = 2\n")
        self.assertTrue(msg.startswith("u.cfg:3: unknown key 'smpp'"), msg)

    def test_bad_values(self):
        self.assertIn("u.cfg:2: smp must be an integer", self.error("[a]\nsmp = two\nfile = a.flat\n"))
        self.assertIn("u.cfg:3: timeout", self.error("[a]\nfile = a\ntimeout = soon\n"))
        self.assertIn("u.cfg:3: requires: unknown", self.error("[a]\nfile = a\nrequires = sev\n"))
        self.assertIn("u.cfg:3: bochs_models: unknown", self.error("[a]\nfile = a\nbochs_models = pentium9\n"))
        self.assertIn("u.cfg:3: backends: unknown", self.error("[a]\nfile = a\nbackends = xen\n"))
        self.assertIn("u.cfg:3: accel", self.error("[a]\nfile = a\naccel = hvf\n"))
        self.assertIn("u.cfg:3: check", self.error("[a]\nfile = a\ncheck = nonsense\n"))
        self.assertIn("u.cfg:3: cannot split", self.error("[a]\nfile = a\ntest_args = 'open\n"))
        self.assertIn("u.cfg:3: bochs_boot: expected rom or disk", self.error("[a]\nfile = a\nbochs_boot = bios\n"))

    def test_structure_errors(self):
        self.assertIn("u.cfg:1: 'file' outside", self.error("file = a\n"))
        self.assertIn("u.cfg:2: malformed section", self.error("[a]\n[b\n"))
        self.assertIn("u.cfg:3: duplicate section", self.error("[a]\nfile = a\n[a]\nfile = b\n"))
        self.assertIn("u.cfg:1: [a] has no 'file'", self.error("[a]\nsmp = 1\n"))
        self.assertIn("u.cfg:2: expected 'key = value'", self.error("[a]\nfile\n"))
        self.assertIn("u.cfg:1: [a] requires svm", self.error("[a]\nfile = a\nrequires = svm\n"
                                                              "bochs_models = corei7_skylake_x\n"))

    def test_values_and_defaults(self):
        e = cfg.parse_unittests("[a]\nfile = a.flat\nsmp = 4\nextra_params = -cpu 'max,+x' -s\n"
                                "test_args = one -two\ngroups = x86 nodefault\ntimeout = 2m\n"
                                "requires = vmx\n", "u.cfg")[0]
        self.assertEqual((e.file, e.smp, e.memory, e.timeout), ("a", 4, 128, 120.0))
        self.assertEqual(e.qemu_params, ["-cpu", "max,+x", "-s"])
        self.assertEqual(e.test_args, ["one", "-two"])
        self.assertTrue(e.nodefault)
        self.assertEqual(e.bochs_models[0], "corei7_skylake_x")
        self.assertEqual(len(e.bochs_models), 5)
        d = cfg.parse_unittests("[b]\nfile = b\n", "u.cfg")[0]
        self.assertEqual((d.timeout, d.bochs_models, d.smp, d.bochs_boot), (30.0, ["corei7_skylake_x"], 1, "rom"))
        self.assertEqual(cfg.parse_unittests("[c]\nfile = c\nbochs_boot = disk\n", "u.cfg")[0].bochs_boot, "disk")

    def test_select(self):
        es = cfg.parse_unittests("[a1]\nfile = a\n[a2]\nfile = a\ngroups = g\n"
                                 "[n]\nfile = n\ngroups = neg nodefault\n", "u.cfg")
        self.assertEqual([e.name for e in cfg.select(es, [])], ["a1", "a2"])
        self.assertEqual([e.name for e in cfg.select(es, ["a*"])], ["a1", "a2"])
        self.assertEqual([e.name for e in cfg.select(es, ["n"])], ["n"])
        self.assertEqual([e.name for e in cfg.select(es, [], "neg")], ["n"])
        with self.assertRaises(UserError):
            cfg.select(es, ["nope"])

    def test_errata(self):
        text = ("[qemu-tcg-npf]\nenv = qemu-tcg bochs:ryzen\nrule = APM 15.25.6\n"
                "observed = P bit clear\nseen = QEMU 7.2\n")
        (e,) = cfg.parse_errata(text, "e.cfg")
        self.assertTrue(e.applies_to("qemu-tcg"))
        self.assertTrue(e.applies_to("bochs:ryzen"))
        self.assertFalse(e.applies_to("bochs:phenom_8650_toliman"))
        self.assertFalse(e.applies_to("qemu-kvm"))
        with self.assertRaises(UserError) as cm:
            cfg.parse_errata("[x]\nenv = xen\n", "e.cfg")
        self.assertIn("e.cfg:2", str(cm.exception))

    def test_shipped_files_parse(self):
        import os
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.assertTrue(cfg.load_unittests(os.path.join(root, "unittests.cfg")))
        cfg.load_errata(os.path.join(root, "errata.cfg"))


if __name__ == "__main__":
    unittest.main()
