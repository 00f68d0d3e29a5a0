#!/bin/sh
# Install what hvtest needs on Debian/Ubuntu (apt-get; sudo when not root).
# Installs only the packages that are missing; safe to run again.
set -eu
pkgs="gcc make binutils python3 qemu-system-x86 seabios bochs bochs-term bochsbios vgabios"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get not found; install these packages by hand:$missing" >&2
	exit 1
fi
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends $missing
