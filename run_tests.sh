#!/bin/sh
# Run hvtest's test programs; see docs/runner.md or ./run_tests.sh --help.
# -S skips site-packages (saves ~30 ms per run; the runner is stdlib only).
dir=$(dirname "$0")
exec python3 -S "$dir/scripts/runner" "$@"
