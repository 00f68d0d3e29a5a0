/*
 * hvtest disk loader: BIOS boot sector plus second stage, one binary linked
 * at 0x7c00 (see x86/boot/image.mk).  It gives a test program the same start as a
 * multiboot v1 loader would (QEMU -kernel):
 *   32-bit protected mode, flat 4 GiB segments, paging and interrupts off,
 *   EAX = 0x2BADB002, EBX = multiboot info with mem_lower/mem_upper (bit 0),
 *   the command line (bit 2) and the BIOS E820 map (bit 6).
 *
 * The binary is laid out in 512-byte sectors and becomes the start of the
 * disk image (x86/boot/mkimage.sh):
 *   LBA 0          this boot sector; mkimage.sh patches the kernel's sector
 *                  count into `kernel_sectors' (offset 504)
 *   LBA 1          the command line: a zero placeholder here, written by
 *                  mkimage.sh ("PROGRAM") and by the runner ("PROGRAM args")
 *   LBA 2..K-1     the second stage (below)
 *   LBA K..        the kernel .bin, which starts with its multiboot header;
 *                  K = size of this binary / 512
 *
 * The boot sector reads LBA 1..K-1 to 0x7e00, so the command line lands at
 * 0x7e00 and stays there for the kernel.  The kernel is read in 32 KiB chunks
 * (INT 13h AH=42h) to a buffer at 0x10000 and copied to its load address with
 * INT 15h AH=87h; the rest up to bss_end_addr is zeroed the same way.
 *
 * Low memory used (x86/boot/loader.h: the same as hvtest's Bochs ROM
 * leaves it), all below the AP trampoline page (0x8000) except the second
 * stage's code itself and the read buffer, both dead once the kernel runs:
 *   0x0500-0x6fff  stack (top 0x7000)
 *   0x7000-0x70ff  multiboot info
 *   0x7100-0x7bff  E820 map, multiboot format (up to 117 entries)
 *   0x7c00-0x7dff  this sector
 *   0x7e00-0x7fff  command line
 *   0x8000-        second stage
 *   0x10000-0x17fff read buffer
 *
 * Every failure prints "hvtest-loader: <what>" through the BIOS (INT 10h
 * AH=0Eh) and on COM1, then halts for good.
 */

#include "boot.h"
#include "loader.h"

#define BUF_SEG		0x1000		/* read buffer at 0x10000 */
#define BUF_ADDR	0x10000
#define CHUNK_SECTORS	64		/* 32 KiB per read and copy */
#define SMAP		0x534d4150

	.code16
	.text
	.globl _start
_start:
	MILESTONE MILESTONE_LOADER	/* the BIOS is done */
	ljmp	$0, $1f			/* CS:IP = 0:0x7cxx whatever the BIOS used */
1:	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$LOADER_STACK_TOP, %sp
	sti
	cld
	mov	%dl, boot_drive

	/* INT 13h extensions (AH=42h needs bit 0 of CX: fixed disk access). */
	mov	$0x41, %ah
	mov	$0x55aa, %bx
	int	$0x13
	mov	$msg_no_edd, %si
	jc	fail
	cmp	$0xaa55, %bx
	jne	fail
	test	$1, %cl
	jz	fail

	/* The command line sector and the second stage, to 0x7e00. */
	mov	$(loader_end - _start), %ax
	shr	$9, %ax
	dec	%ax
	mov	%ax, dap_count
	movw	$CMDLINE, dap_off
	movl	$1, dap_lba
	call	read_sectors
	jmp	stage2

/* Read per the DAP (dap_count sectors at dap_lba to dap_seg:dap_off). */
read_sectors:
	mov	$dap, %si
	mov	boot_drive, %dl
	mov	$0x42, %ah
	int	$0x13
	mov	$msg_disk, %si
	jc	fail
	ret

/* Print "hvtest-loader: " and the string at %si, then halt for good. */
fail:
	push	%si
	COM1_INIT
	mov	$msg_prefix, %si
	call	puts
	pop	%si
	call	puts
	mov	$msg_crlf, %si
	call	puts
halt:	cli
	hlt
	jmp	halt

puts:	lodsb
	test	%al, %al
	jz	3f
	push	%si
	push	%ax
	mov	$0x0e, %ah
	mov	$7, %bx
	int	$0x10
	mov	$COM1 + 5, %dx
	mov	$0xffff, %cx		/* give up on a UART that never gets ready */
1:	in	%dx, %al
	test	$0x20, %al		/* LSR.THRE */
	jnz	2f
	loop	1b
2:	pop	%ax
	mov	$COM1, %dx
	out	%al, %dx
	pop	%si
	jmp	puts
3:	ret

msg_prefix:	.asciz "hvtest-loader: "
msg_crlf:	.asciz "\r\n"
msg_no_edd:	.asciz "no INT 13h extensions (AH=41h)"
msg_disk:	.asciz "disk read error"

	.balign 4
dap:		.byte 16, 0
dap_count:	.word 0
dap_off:	.word 0
dap_seg:	.word 0
dap_lba:	.quad 0
boot_drive:	.byte 0

	/* Patched by mkimage.sh: the kernel's size in sectors (little endian). */
	.org 504
kernel_sectors:	.long 0
	.org 510
	.byte 0x55, 0xaa

/* LBA 1: the command line (NUL-terminated; the last byte is forced to 0). */
cmdline_sector:
	.fill 512, 1, 0

/* LBA 2..: the second stage, at 0x8000. */
stage2:
	movb	$0, CMDLINE + CMDLINE_SIZE - 1

	/* A20: the BIOS first, then the fast A20 gate; check it either way. */
	mov	$0x2401, %ax
	int	$0x15
	call	a20_on
	je	1f
	in	$0x92, %al
	or	$2, %al
	and	$0xfe, %al		/* bit 0 would reset the machine */
	out	%al, $0x92
	call	a20_on
	mov	$msg_a20, %si
	jne	fail
1:
	/* Multiboot info: zeroed, then filled in. */
	mov	$MBI, %di
	mov	$(MMAP - MBI), %cx
	xor	%al, %al
	rep stosb

	/* E820 into the multiboot map: {u32 size=20, u64 base, u64 len, u32 type}. */
	mov	$MMAP, %di
	xor	%ebx, %ebx
2:	add	$4, %di
	mov	$0xe820, %eax
	mov	$20, %ecx
	mov	$SMAP, %edx
	int	$0x15
	jc	3f			/* first call: no E820; later: end of map */
	cmp	$SMAP, %eax
	jne	3f
	movl	$20, -4(%di)
	add	$20, %di
	test	%ebx, %ebx
	jz	4f
	cmp	$(MMAP_END - 24), %di
	jbe	2b
	jmp	4f
3:	sub	$4, %di
4:	sub	$MMAP, %di
	mov	$msg_e820, %si
	jz	fail
	movzwl	%di, %eax
	mov	%eax, MBI + MBI_MMAP_LENGTH
	movl	$MMAP, MBI + MBI_MMAP_ADDR

	/* mem_lower: INT 12h.  mem_upper: the E820 RAM range at 1 MiB, else AH=88h. */
	int	$0x12
	movzwl	%ax, %eax
	mov	%eax, MBI + MBI_MEM_LOWER
	mov	$MMAP, %si
5:	cmpl	$KERNEL_MIN_ADDR, 4(%si)
	jne	6f
	cmpl	$0, 8(%si)
	jne	6f
	cmpl	$E820_RAM, 20(%si)
	jne	6f
	mov	12(%si), %eax		/* length, in KiB, saturated at 4 GiB */
	mov	16(%si), %edx
	shrd	$10, %edx, %eax
	cmp	$0x3ff, %edx
	jbe	7f
	mov	$0x3fffff, %eax
	jmp	7f
6:	add	$MMAP_ENTRY_SIZE, %si
	mov	MBI + MBI_MMAP_LENGTH, %ax
	add	$MMAP, %ax
	cmp	%ax, %si
	jb	5b
	mov	$0x88, %ah
	int	$0x15
	movzwl	%ax, %eax
7:	mov	%eax, MBI + MBI_MEM_UPPER
	movl	$CMDLINE, MBI + MBI_CMDLINE
	movl	$(MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MMAP), MBI + MBI_FLAGS

	/* The kernel, in chunks through the buffer. */
	mov	kernel_sectors, %eax
	mov	$msg_unpatched, %si
	test	%eax, %eax
	jz	fail
	mov	%eax, remaining
	mov	$(loader_end - _start), %eax
	shr	$9, %eax
	mov	%eax, dap_lba
	movw	$0, dap_off
	movw	$BUF_SEG, dap_seg
load_loop:
	mov	remaining, %eax
	cmp	$CHUNK_SECTORS, %eax
	jbe	1f
	mov	$CHUNK_SECTORS, %eax
1:	mov	%ax, dap_count
	call	read_sectors
	cmpl	$0, dest
	jne	2f
	call	check_header
2:	movzwl	dap_count, %ecx
	shl	$8, %ecx		/* words */
	call	copy_up
	movzwl	dap_count, %eax
	add	%eax, dap_lba
	sub	%eax, remaining
	jnz	load_loop

	/* Zero from the end of what was read up to bss_end_addr. */
	mov	$BUF_SEG, %ax
	mov	%ax, %es
	xor	%di, %di
	mov	$(CHUNK_SECTORS * 256), %cx
	xor	%ax, %ax
	rep stosw
	mov	%ax, %es
zero_loop:
	mov	bss_end, %ecx
	sub	dest, %ecx
	jbe	1f
	inc	%ecx
	shr	$1, %ecx		/* words, rounded up */
	cmp	$(CHUNK_SECTORS * 256), %ecx
	jbe	2f
	mov	$(CHUNK_SECTORS * 256), %ecx
2:	call	copy_up
	jmp	zero_loop
1:
	/* Protected mode, flat segments, and the kernel's entry. */
	cli
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$LOADER_CS, $pm32

	.code32
pm32:
	LOADER_SEGMENTS
	MILESTONE MILESTONE_KERNEL
	mov	$MB_LOADER_MAGIC, %eax
	mov	$MBI, %ebx
	jmp	*entry
	.code16

/* ZF set if A20 is on: 0:0x4f0 and 0xffff:0x500 (= 0x1004f0) differ. */
a20_on:
	push	%ds
	mov	$0xffff, %ax
	mov	%ax, %ds
	movw	$0x1234, %ds:0x500
	xor	%ax, %ax
	mov	%ax, %ds
	movw	$0x5678, %ds:0x4f0
	mov	$0xffff, %ax
	mov	%ax, %ds
	cmpw	$0x1234, %ds:0x500
	pop	%ds
	ret

/* First chunk read: the multiboot header at its start says where it goes. */
check_header:
	push	%es
	mov	$BUF_SEG, %ax
	mov	%ax, %es
	mov	$msg_header, %si
	cmpl	$MB_HEADER_MAGIC, %es:MBH_MAGIC
	jne	fail
	mov	%es:MBH_HEADER_ADDR, %eax	/* the .bin starts at the header */
	cmp	%es:MBH_LOAD_ADDR, %eax
	jne	fail
	cmp	$KERNEL_MIN_ADDR, %eax
	jb	fail
	mov	%eax, dest
	mov	kernel_sectors, %edx
	shl	$9, %edx
	add	%eax, %edx		/* end of what the image holds */
	mov	%es:MBH_LOAD_END_ADDR, %eax
	cmp	%edx, %eax
	mov	$msg_truncated, %si
	ja	fail
	mov	%es:MBH_BSS_END_ADDR, %eax
	mov	%eax, bss_end
	mov	%es:MBH_ENTRY_ADDR, %eax
	mov	%eax, entry
	pop	%es
	ret

/* Copy %ecx words from the buffer to dest (INT 15h AH=87h); dest += 2 * %ecx. */
copy_up:
	push	%ecx
	mov	dest, %eax
	mov	%ax, gdt87_dst + 2
	shr	$16, %eax
	mov	%al, gdt87_dst + 4
	mov	%ah, gdt87_dst + 7
	mov	$gdt87, %si
	mov	$0x87, %ah
	int	$0x15
	pop	%ecx
	mov	$msg_copy, %si
	jc	fail
	test	%ah, %ah
	jnz	fail
	shl	$1, %ecx
	add	%ecx, dest
	ret

msg_a20:	.asciz "cannot enable A20"
msg_e820:	.asciz "no E820 memory map (INT 15h EAX=E820h)"
msg_unpatched:	.asciz "kernel size not set in boot sector (mkimage.sh)"
msg_header:	.asciz "bad multiboot header in kernel"
msg_truncated:	.asciz "kernel truncated in image"
msg_copy:	.asciz "copy above 1 MiB failed (INT 15h AH=87h)"

	.balign 4
remaining:	.long 0
dest:		.long 0
bss_end:	.long 0
entry:		.long 0

	.balign 8
/* INT 15h AH=87h descriptor table: dummy, GDT, source, destination, BIOS CS, SS. */
gdt87:
	.quad	0
	.quad	0
	.word	0xffff, BUF_ADDR & 0xffff
	.byte	BUF_ADDR >> 16, 0x93, 0, 0
gdt87_dst:
	.word	0xffff, 0
	.byte	0, 0x93, 0, 0
	.quad	0
	.quad	0

	LOADER_GDT

	.balign 512
loader_end:
