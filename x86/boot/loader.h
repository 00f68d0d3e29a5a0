/*
 * What hvtest's two loaders share (assembly only): the disk loader
 * (bootsect.S, after SeaBIOS) and the Bochs ROM (rom.S) hand the kernel the
 * same start, built at the same addresses, so that a program cannot tell
 * which one booted it.
 *
 * Low memory at the kernel's entry, all below the AP trampoline page
 * (AP_TRAMPOLINE_ADDR, 0x8000):
 *   0x0500-0x6fff  the loader's stack (ESP = LOADER_STACK_TOP at the entry)
 *   0x7000-0x70ff  multiboot info (EBX)
 *   0x7100-0x7bff  memory map, multiboot format (up to 117 entries)
 *   0x7e00-0x7fff  command line, NUL-terminated (the runner writes it: the
 *                  disk image's sector 1, or a Bochs RAM image for the ROM)
 */
#ifndef HV_LOADER_H
#define HV_LOADER_H

#define LOADER_STACK_TOP	0x7000
#define MBI			0x7000
#define MMAP			0x7100
#define MMAP_END		0x7c00
#define CMDLINE			0x7e00
#define CMDLINE_SIZE		512
#define KERNEL_MIN_ADDR		0x100000	/* below 1 MiB would overwrite the loaders' data */

/* Segments at the kernel's entry: flat 4 GiB, as a multiboot loader leaves them. */
#define LOADER_CS		0x08
#define LOADER_DS		0x10
#define GDT_FLAT_CODE32		0x00cf9b000000ffff
#define GDT_FLAT_DATA		0x00cf93000000ffff

/* Multiboot v1 info (offsets; the flags are in lib/boot.h). */
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE		16
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MMAP_ENTRY_SIZE		24	/* u32 size (20), u64 base, u64 length, u32 type */

/* Multiboot v1 header (offsets), at the start of the kernel's .bin. */
#define MBH_MAGIC		0
#define MBH_HEADER_ADDR		12
#define MBH_LOAD_ADDR		16
#define MBH_LOAD_END_ADDR	20
#define MBH_BSS_END_ADDR	24
#define MBH_ENTRY_ADDR		28

/* E820 memory types (E820_RAM is in lib/boot.h). */
#define E820_RESERVED		2

#define COM1			0x3f8

/* The loader's GDT (null, LOADER_CS, LOADER_DS) and its descriptor `gdt_desc'. */
.macro LOADER_GDT
	.balign 8
gdt:
	.quad	0
	.quad	GDT_FLAT_CODE32
	.quad	GDT_FLAT_DATA
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
.endm

/* 32-bit code: flat data segments and the loader's stack; clobbers %eax. */
.macro LOADER_SEGMENTS
	mov	$LOADER_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	$LOADER_STACK_TOP, %esp
.endm

/* COM1 at 115200 8N1, FIFO on (the runtime sets it up again); clobbers %al, %dx. */
.macro COM1_INIT
	mov	$COM1 + 3, %dx
	mov	$0x80, %al		/* DLAB */
	out	%al, %dx
	mov	$COM1, %dx
	mov	$1, %al			/* divisor 1: 115200 baud */
	out	%al, %dx
	inc	%dx
	xor	%al, %al
	out	%al, %dx
	mov	$COM1 + 3, %dx
	mov	$3, %al			/* 8N1 */
	out	%al, %dx
	mov	$COM1 + 2, %dx
	mov	$7, %al			/* FIFO on, cleared */
	out	%al, %dx
.endm

#endif
