#!/bin/sh
# Build a bootable raw disk image for one test program.  POSIX sh.
#
#   x86/boot/mkimage.sh BOOTSECT.bin KERNEL.bin PROGRAM OUTPUT.img
#
# Layout (see x86/boot/bootsect.S):
#   LBA 0        boot sector; the kernel's size in sectors is patched in at
#                byte offset 504 (32-bit little endian)
#   LBA 1        command line, NUL-terminated: PROGRAM here; a runner
#                overwrites this sector in its own copy to pass arguments
#   LBA 2..K-1   the loader's second stage (K = size of BOOTSECT.bin / 512)
#   LBA K..      KERNEL.bin (starts with its multiboot v1 header)
# The size is rounded up to whole cylinders of 16 heads x 63 sectors
# (516096 bytes): Bochs sees a smaller flat image as 0 cylinders.
set -eu

die() { echo "mkimage.sh: $*" >&2; exit 1; }

[ $# -eq 4 ] || die "usage: mkimage.sh BOOTSECT.bin KERNEL.bin PROGRAM OUTPUT.img"
boot=$1 kernel=$2 name=$3 out=$4

# le32 FILE OFFSET: the 32-bit little-endian word at OFFSET, in decimal.
le32() {
	od -An -tu1 -j "$2" -N4 "$1" | {
		read -r b0 b1 b2 b3 || die "$1: too short"
		echo $((b0 + b1 * 256 + b2 * 65536 + b3 * 16777216))
	}
}

bsize=$(wc -c < "$boot")
bsize=$((bsize + 0))
ksize=$(wc -c < "$kernel")
ksize=$((ksize + 0))

[ $((bsize % 512)) -eq 0 ] && [ "$bsize" -ge 1024 ] ||
	die "$boot: $bsize bytes, expected a multiple of 512 (at least 1024)"
[ "$(le32 "$boot" 508)" -eq $((0xaa55 * 65536)) ] || die "$boot: no 0x55AA boot signature"
[ "$ksize" -ge 32 ] || die "$kernel: too short for a multiboot header"
[ "$(le32 "$kernel" 0)" -eq $((0x1badb002)) ] || die "$kernel: no multiboot header at offset 0"
[ ${#name} -lt 512 ] || die "program name longer than 511 bytes"
case $name in
*" "*|"") die "bad program name '$name'" ;;
esac

load_addr=$(le32 "$kernel" 16)
load_end=$(le32 "$kernel" 20)
[ "$(le32 "$kernel" 12)" -eq "$load_addr" ] || die "$kernel: header_addr != load_addr"
[ "$ksize" -le $((load_end - load_addr)) ] ||
	die "$kernel: $ksize bytes, more than load_end_addr - load_addr = $((load_end - load_addr))"
# The loader loads whole sectors: everything up to load_end_addr must be in them.
ksect=$(((load_end - load_addr + 511) / 512))

cyl=516096
total=$((bsize + ksect * 512))
total=$(((total + cyl - 1) / cyl * cyl))

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
dd if=/dev/zero of="$tmp" bs=512 count=$((total / 512)) 2>/dev/null
dd if="$boot" of="$tmp" bs=512 conv=notrunc 2>/dev/null
dd if=/dev/zero of="$tmp" bs=512 seek=1 count=1 conv=notrunc 2>/dev/null
printf '%s' "$name" | dd of="$tmp" bs=1 seek=512 conv=notrunc 2>/dev/null
dd if="$kernel" of="$tmp" bs=512 seek=$((bsize / 512)) conv=notrunc 2>/dev/null
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((ksect & 255)) $((ksect >> 8 & 255)) \
	$((ksect >> 16 & 255)) $((ksect >> 24 & 255)))" |
	dd of="$tmp" bs=1 seek=504 conv=notrunc 2>/dev/null
[ "$(le32 "$tmp" 504)" -eq "$ksect" ] || die "patching the sector count failed"
[ "$(wc -c < "$tmp")" -eq "$total" ] || die "image size is not $total"
mv "$tmp" "$out"
trap - EXIT
