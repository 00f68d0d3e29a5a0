#!/bin/sh
# Run hvtest's test programs; see docs/runner.md or ./run_tests.sh --help.
# The system Python is preferred: a version manager's python3 shim costs
# ~60 ms per start.  -S skips site-packages (the runner is stdlib only);
# -E ignores PYTHON* variables, so that compiled bytecode is cached.
# ${0%/*}, not $(dirname "$0"): a command substitution forks and execs (~2-3 ms).
case $0 in */*) dir=${0%/*} ;; *) dir=. ;; esac
py=${PYTHON:-python3}
[ -n "${PYTHON:-}" ] || [ ! -x /usr/bin/python3 ] || py=/usr/bin/python3
exec "$py" -S -E "$dir/scripts/runner/__main__.py" "$@"
