"""Entry point: `python3 scripts/runner` or `python3 -m runner` (scripts/ on the path)."""
import os
import sys

if not __package__:
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from runner.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
