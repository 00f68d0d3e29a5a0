"""Entry point: `python3 scripts/runner` or `python3 -m runner` (scripts/ on the path)."""
import gc
import os
import sys

# The imports below create tens of thousands of objects, none of them garbage:
# the cyclic collector would only walk them again and again (about 5 ms of the
# start-up, docs/bench.md).  It runs from the first test on, with what the
# imports made set aside (gc.freeze).
gc.disable()

if not __package__:
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from runner.cli import main  # noqa: E402

gc.freeze()
gc.enable()
status = main(sys.argv[1:]) or 0
# main() has stopped every emulator it started, joined its threads and closed
# its files.  What is left is the interpreter tearing down its modules, which
# nothing needs (about 5 ms): flush the output and leave.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except OSError:                     # e.g. `| head`: the reader has gone
    status = status or 1
os._exit(status)
