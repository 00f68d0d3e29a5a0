"""hvtest's test runner: unittests.cfg in, emulator runs, results out.

The runner knows a guest only through its command line and its serial
lines (docs/output-format.md).  Standard library only.
"""
