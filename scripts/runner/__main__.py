"""Entry point: `python3 scripts/runner` or `python3 -m runner` (scripts/ on the path)."""
import gc
import os
import sys

# The imports below create tens of thousands of objects, none of them garbage:
# the cyclic collector would only walk them again and again.  It runs from the
# first test on, with what the imports made set aside (gc.freeze).  This and
# the os._exit below took 8-12 ms off the start-up here (docs/bench.md).
gc.disable()

if not __package__:
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from runner.cli import main  # noqa: E402

gc.freeze()
gc.enable()
status = main(sys.argv[1:]) or 0
# main() has stopped every emulator it started and closed its files.  What is
# left is the interpreter tearing down its modules, which nothing needs: flush
# the output and leave, with the status Python's own exit gives (120 when
# flushing fails, e.g. `| true`: the reader has gone).
for stream in (sys.stdout, sys.stderr):
    try:
        if stream is not None:      # None: the descriptor was closed (>&-)
            stream.flush()
    except (OSError, ValueError):
        status = 120
os._exit(status)
