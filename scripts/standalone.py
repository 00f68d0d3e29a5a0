"""`make standalone`: write tests/NAME, one standalone script per unittests.cfg entry
(all entries, or those named).  What a script holds and does: runner/standalone.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runner import standalone  # noqa: E402
from runner.errors import UserError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    try:
        written, problems = standalone.write_all(ROOT, argv, os.path.join(ROOT, "tests"))
    except (UserError, OSError) as e:
        print(f"standalone: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(f"standalone: wrote {os.path.relpath(path, ROOT)}")
    for p in problems:
        print(f"standalone: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
