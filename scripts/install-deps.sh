#!/bin/sh
# Install what hvtest needs on Debian/Ubuntu (apt-get; sudo when not root).
# Installs only the packages that are missing; safe to run again.  The guests
# are freestanding; libc6-dev is for the one host library (build/bochs-stdout.so).
#
# --check: also what `make check` needs to check the GitHub workflow and
# action (docs/ci.md): shellcheck and Node.js with npm (Debian packages),
# and the npm packages pinned in scripts/ci/package.json and its lock file,
# installed into build/npm (git-ignored; nothing outside the project).
# The l1-kvm backend (docs/l1-kvm.md) needs busybox-static and e2fsprogs to
# build its L1's images, and a kernel: the host's
# if readable, else Debian's, unpacked into the cache (scripts/l1/fetch-kernel.sh).
set -eu
cd "$(dirname "$0")/.."
check=
case ${1:-} in
--check) check=1 ;;
"") ;;
*) echo "usage: scripts/install-deps.sh [--check]" >&2; exit 2 ;;
esac

pkgs="gcc libc6-dev make binutils python3 qemu-system-x86 seabios bochs bochs-term bochsbios vgabios
      busybox-static e2fsprogs"
[ -z "$check" ] || pkgs="$pkgs shellcheck"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Node.js may come from elsewhere than Debian (GitHub's runners): a working npm is enough.
if [ -n "$check" ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "install-deps: apt-get not found; install these packages by hand:$missing" >&2
		exit 1
	fi
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	# shellcheck disable=SC2086 # one word per package
	$sudo apt-get install -y -q --no-install-recommends $missing
fi
scripts/l1/fetch-kernel.sh
[ -n "$check" ] || exit 0

# The npm packages: again only when the lock file changed since the last install.
npm_dir=build/npm
if ! cmp -s scripts/ci/package-lock.json "$npm_dir/package-lock.json" || [ ! -d "$npm_dir/node_modules" ]; then
	echo "install-deps: npm packages of scripts/ci/package.json into $npm_dir"
	rm -rf "$npm_dir"
	mkdir -p "$npm_dir"
	cp scripts/ci/package.json scripts/ci/package-lock.json "$npm_dir/"
	(cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
