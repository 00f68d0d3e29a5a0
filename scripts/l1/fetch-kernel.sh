#!/bin/sh
# The l1-kvm backend's default kernel (docs/l1-kvm.md): the running host's
# kernel when it and its modules are readable, else Debian's packaged kernel,
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` into the
# cache (never installed as this machine's kernel).  Safe to run again: it
# does nothing when the host's kernel is usable or the package is unpacked.
set -eu
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hvtest/l1/debian
release=$(uname -r)
if [ -r "/boot/vmlinuz-$release" ] && [ -d "/lib/modules/$release/kernel" ]; then
	exit 0
fi
command -v apt-get >/dev/null 2>&1 || {
	echo "fetch-kernel: no readable host kernel and no apt-get: give the l1-kvm backend --l1-kernel PATH" >&2
	exit 1
}
# linux-image-amd64 depends on the current linux-image-VERSION-amd64.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -q >/dev/null
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n 1)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: apt-cache knows no linux-image-amd64" >&2; exit 1; }
[ -d "$cache/$pkg/boot" ] && exit 0
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "fetch-kernel: downloading $pkg for the l1-kvm backend (unpacked into $cache, not installed)"
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
	echo "fetch-kernel: apt-get download $pkg failed" >&2
	exit 1
}
dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
mv "$tmp/root" "$cache/$pkg"
# The kernels unpacked before (400 MB each) are superseded by this one.
for old in "$cache"/linux-image-*; do
	[ "$old" = "$cache/$pkg" ] || rm -rf "$old"
done
