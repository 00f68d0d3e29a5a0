/*
 * hvtest's Bochs ROM: the firmware of the default Bochs boot
 * (bochs_boot = rom, docs/runner.md).  It does only what a test program
 * needs and enters the kernel the way the disk loader (bootsect.S) does
 * after SeaBIOS: same registers, same multiboot info at the same addresses,
 * the same memory map.  It replaces SeaBIOS' POST, its waits in virtual
 * time and the disk loader, which cost most of a Bochs run (docs/bench.md).
 *
 * What Bochs loads (the bochsrc the runner writes, scripts/runner/backends.py):
 *   romimage      this image, 64 KiB at 0xffff0000 (also seen at 0xf0000)
 *   optramimageN  the program's .bin at its load address (1 MiB), in pieces
 *                 of at most 128 KiB, each within one 128-KiB block of
 *                 guest memory (Bochs 2.7 reads a RAM image into host memory
 *                 that is contiguous from the block of its first byte, but
 *                 allocates the guest's blocks in the order they are first
 *                 touched: a larger piece could end up in the wrong blocks)
 *   optramimageN  the command line, NUL-terminated, at CMDLINE (loader.h)
 *
 * At reset the boot CPU starts at the reset vector in real mode; the other
 * CPUs wait for a SIPI (as the reset leaves them) until the runtime starts
 * them.  The ROM:
 *   1. enters 32-bit protected mode with flat segments, CR0.CD and CR0.NW
 *      clear and A20 on (as SeaBIOS leaves them);
 *   2. builds the multiboot info at MBI: mem_lower, mem_upper, the command
 *      line at CMDLINE and the memory map SeaBIOS reports under Bochs for
 *      the same RAM size (read from CMOS as SeaBIOS reads it):
 *        0        - 0x9fc00    RAM
 *        0x9fc00  + 1 KiB      reserved (SeaBIOS: EBDA)
 *        0xf0000  + 64 KiB     reserved (BIOS)
 *        1 MiB    - RAM - 8K   RAM
 *        RAM - 8K + 8 KiB      reserved (SeaBIOS: its ACPI tables)
 *        0xfffc0000 + 256 KiB  reserved (SeaBIOS: the BIOS ROM)
 *      so a program gets the same RAM on either boot;
 *   3. checks the multiboot header at 1 MiB and jumps to its entry with
 *      EAX = 0x2BADB002, EBX = MBI, ESP = LOADER_STACK_TOP, interrupts off.
 * It touches nothing else: IA32_FEATURE_CONTROL stays as the reset leaves
 * it (0, unlocked; SeaBIOS leaves it so under Bochs too), and there are no
 * ACPI tables: the runtime takes the CPU count from the command line
 * (cpus=N, which the runner always passes).  What else SeaBIOS sets up and
 * this ROM does not (MTRRs, the local APIC's LINT0/LINT1, the 8259s, PCI
 * BARs) no program reads; docs/bochs.md lists it.
 *
 * Built with ROM_PVH (build/bochs-rom-pvh.bin) it boots a Linux kernel
 * instead, for the l1-kvm backend's Bochs L1 (scripts/runner/l1_image.py,
 * docs/l1-kvm.md): after step 1 it reads sector 0 of the first ATA disk, a
 * load list that the runner wrote,
 *   0   "HVTPVH01"
 *   8   u32 entry     where to jump (the kernel's PVH entry)
 *   12  u32 ebx       EBX at the jump (the PVH start info)
 *   16  u32 count     items, at most LIST_MAX
 *   24  items: u32 lba, u32 sectors, u32 dest, u32 zero: read `sectors'
 *       sectors from `lba' to `dest', then zero `zero' bytes after them
 * loads every item with the ATA PIO READ SECTORS command and jumps in
 * 32-bit protected mode, paging off, interrupts off, flat segments, as the
 * PVH boot ABI has it.  The runner lays everything out (the kernel's
 * segments, the initramfs, start info, memory map and command line):
 * this ROM decides nothing.  Without SeaBIOS the kernel finds no ACPI or
 * MP tables and runs one CPU with the 8259s, which is all the L1 needs;
 * it skips SeaBIOS' POST, syslinux's reads through the BIOS and the
 * kernel's own decompression (the runner hands over the decompressed image).
 *
 * A failure prints "hvtest-rom: <what>" on COM1 and ends Bochs at once
 * (the string "Shutdown" to port 0x8900: exit status 1): the runner reports
 * a crash with that line instead of waiting for its timeout.
 */
#include "boot.h"
#include "loader.h"

#define ROM_SIZE		0x10000
#define CR0_CD			0x40000000
#define CR0_NW			0x20000000
#define SYSCTL_PORT_A		0x92		/* bit 1: A20; bit 0 would reset */
#define CMOS_INDEX		0x70
#define CMOS_DATA		0x71
#define CMOS_NMI_DISABLE	0x80		/* SeaBIOS sets it with every index */
#define CMOS_EXTMEM_LOW		0x30		/* RAM above 1 MiB, KiB (to 64 MiB) */
#define CMOS_EXTMEM_HIGH	0x31
#define CMOS_EXTMEM2_LOW	0x34		/* RAM above 16 MiB, 64-KiB units */
#define CMOS_EXTMEM2_HIGH	0x35
#define BOCHS_SHUTDOWN_PORT	0x8900
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40

/* The memory SeaBIOS reserves under Bochs (see above). */
#define EBDA_BASE		0x9fc00
#define EBDA_SIZE		0x400
#define BIOS_BASE		0xf0000
#define BIOS_SIZE		0x10000
#define HIGH_TABLES_SIZE	0x2000
#define BIOS_ROM_BASE		0xfffc0000
#define BIOS_ROM_SIZE		0x40000

#ifdef ROM_PVH
/* The primary ATA channel's command block (ATA/ATAPI-6, PIO data-in). */
#define ATA_DATA		0x1f0
#define ATA_COUNT		0x1f2
#define ATA_DRIVE		0x1f6
#define ATA_STATUS		0x1f7		/* read */
#define ATA_COMMAND		0x1f7		/* write */
#define ATA_DRIVE_MASTER_LBA	0xe0
#define ATA_READ_SECTORS	0x20
#define ATA_BSY			0x80
#define ATA_DF			0x20
#define ATA_DRQ			0x08
#define ATA_ERR			0x01
/* The load list (see above), read to LIST: below the loader's stack top is the stack. */
#define LIST			0x7000
#define LIST_MAGIC_LO		0x50545648	/* "HVTP" */
#define LIST_MAGIC_HI		0x31304856	/* "VH01" */
#define LIST_ENTRY		8
#define LIST_EBX		12
#define LIST_COUNT		16
#define LIST_ITEMS		24
#define LIST_MAX		30
#define ITEM_LBA		0
#define ITEM_SECTORS		4
#define ITEM_DEST		8
#define ITEM_ZERO		12
#define ITEM_SIZE		16
#endif

	.text
	.globl	rom_start
rom_start:

/* 32-bit protected mode, flat segments (GDT below), running at 0xffffxxxx. */
	.code32
pm32:
	LOADER_SEGMENTS
	MILESTONE MILESTONE_LOADER

	in	$SYSCTL_PORT_A, %al
	or	$2, %al
	and	$0xfe, %al
	out	%al, $SYSCTL_PORT_A
#ifdef ROM_PVH
	jmp	pvh_boot
#endif

	/* Multiboot info, zeroed up to the memory map. */
	mov	$MBI, %edi
	mov	$(MMAP - MBI) / 4, %ecx
	xor	%eax, %eax
	rep stosl

	call	ram_size			/* %ebx: RAM below 4 GiB */
	mov	$MMAP, %edi
	mov	$E820_RAM, %ecx
	xor	%eax, %eax
	mov	$EBDA_BASE, %edx
	call	mmap_add
	mov	$E820_RESERVED, %ecx
	mov	$EBDA_BASE, %eax
	mov	$EBDA_SIZE, %edx
	call	mmap_add
	mov	$BIOS_BASE, %eax
	mov	$BIOS_SIZE, %edx
	call	mmap_add
	mov	$E820_RAM, %ecx
	mov	$KERNEL_MIN_ADDR, %eax
	lea	-(KERNEL_MIN_ADDR + HIGH_TABLES_SIZE)(%ebx), %edx
	mov	%edx, %esi			/* RAM above 1 MiB, for mem_upper */
	call	mmap_add
	mov	$E820_RESERVED, %ecx
	lea	-HIGH_TABLES_SIZE(%ebx), %eax
	mov	$HIGH_TABLES_SIZE, %edx
	call	mmap_add
	mov	$BIOS_ROM_BASE, %eax
	mov	$BIOS_ROM_SIZE, %edx
	call	mmap_add

	sub	$MMAP, %edi
	mov	%edi, MBI + MBI_MMAP_LENGTH
	movl	$MMAP, MBI + MBI_MMAP_ADDR
	movl	$EBDA_BASE >> 10, MBI + MBI_MEM_LOWER
	shr	$10, %esi
	mov	%esi, MBI + MBI_MEM_UPPER
	movb	$0, CMDLINE + CMDLINE_SIZE - 1
	movl	$CMDLINE, MBI + MBI_CMDLINE
	movl	$(MBI_FLAG_MEM | MBI_FLAG_CMDLINE | MBI_FLAG_MMAP), MBI + MBI_FLAGS

	/* The program, loaded by Bochs at 1 MiB: its multiboot header says where to enter. */
	mov	$msg_no_kernel, %esi
	cmpl	$MB_HEADER_MAGIC, KERNEL_MIN_ADDR + MBH_MAGIC
	jne	fail
	mov	$msg_header, %esi
	cmpl	$KERNEL_MIN_ADDR, KERNEL_MIN_ADDR + MBH_HEADER_ADDR
	jne	fail
	cmpl	$KERNEL_MIN_ADDR, KERNEL_MIN_ADDR + MBH_LOAD_ADDR
	jne	fail
	MILESTONE MILESTONE_KERNEL
	mov	KERNEL_MIN_ADDR + MBH_ENTRY_ADDR, %ecx
	mov	$MB_LOADER_MAGIC, %eax
	mov	$MBI, %ebx
	jmp	*%ecx

#ifdef ROM_PVH
pvh_boot:
	mov	$ATA_STATUS, %dx
	in	%dx, %al
	mov	$msg_no_disk, %esi
	cmp	$0xff, %al			/* nothing answers at the port */
	je	fail
	xor	%eax, %eax
	mov	$1, %ecx
	mov	$LIST, %edi
	call	ata_read
	mov	$msg_no_list, %esi
	cmpl	$LIST_MAGIC_LO, LIST
	jne	fail
	cmpl	$LIST_MAGIC_HI, LIST + 4
	jne	fail
	mov	LIST + LIST_COUNT, %ecx
	cmp	$LIST_MAX, %ecx
	ja	fail
	mov	$LIST + LIST_ITEMS, %esi
1:	test	%ecx, %ecx
	jz	2f
	push	%ecx
	push	%esi
	mov	ITEM_LBA(%esi), %eax
	mov	ITEM_DEST(%esi), %edi
	mov	ITEM_SECTORS(%esi), %ecx
	call	ata_read			/* %edi: the end of what it read */
	mov	(%esp), %esi
	mov	ITEM_ZERO(%esi), %ecx
	xor	%eax, %eax
	rep stosb
	pop	%esi
	pop	%ecx
	add	$ITEM_SIZE, %esi
	dec	%ecx
	jmp	1b
2:	MILESTONE MILESTONE_KERNEL
	mov	LIST + LIST_EBX, %ebx
	mov	LIST + LIST_ENTRY, %ecx
	xor	%eax, %eax
	jmp	*%ecx

/*
 * Read %ecx sectors from LBA %eax of the primary master into %edi (which
 * ends after them), at most 256 per READ SECTORS (LBA28), polling the
 * status register; a drive error ends the boot.  Clobbers %eax, %ebx,
 * %ecx, %edx.
 */
ata_read:
	push	%ebp
	mov	%eax, %ebp			/* the next LBA */
1:	test	%ecx, %ecx
	jz	4f
	mov	%ecx, %ebx
	cmp	$256, %ebx
	jbe	2f
	mov	$256, %ebx			/* sectors in this command */
2:	mov	$ATA_STATUS, %dx
3:	in	%dx, %al
	test	$ATA_BSY, %al
	jnz	3b
	mov	$ATA_DRIVE, %dx
	mov	%ebp, %eax
	shr	$24, %eax
	and	$0x0f, %al
	or	$ATA_DRIVE_MASTER_LBA, %al
	out	%al, %dx
	mov	$ATA_COUNT, %dx
	mov	%bl, %al			/* 256 is 0 */
	out	%al, %dx
	mov	%ebp, %eax
	inc	%dx				/* LBA bits 0-7, 8-15, 16-23 */
	out	%al, %dx
	shr	$8, %eax
	inc	%dx
	out	%al, %dx
	shr	$8, %eax
	inc	%dx
	out	%al, %dx
	mov	$ATA_COMMAND, %dx
	mov	$ATA_READ_SECTORS, %al
	out	%al, %dx
	add	%ebx, %ebp
	sub	%ebx, %ecx
5:	mov	$ATA_STATUS, %dx
6:	in	%dx, %al
	test	$ATA_BSY, %al
	jnz	6b
	test	$(ATA_ERR | ATA_DF), %al
	jnz	7f
	test	$ATA_DRQ, %al
	jz	6b
	push	%ecx
	mov	$256, %ecx
	mov	$ATA_DATA, %dx
	rep insw
	pop	%ecx
	dec	%ebx
	jnz	5b
	jmp	1b
4:	pop	%ebp
	ret
7:	mov	$msg_ata, %esi
	jmp	fail
#endif

/*
 * %ebx = RAM below 4 GiB in bytes, from CMOS as SeaBIOS computes it: 16 MiB
 * plus registers 34h/35h (64-KiB units) when those are not 0, else 1 MiB
 * plus registers 30h/31h (KiB).
 */
ram_size:
	mov	$CMOS_EXTMEM2_HIGH, %al
	call	cmos_read
	mov	%al, %bh
	mov	$CMOS_EXTMEM2_LOW, %al
	call	cmos_read
	mov	%al, %bl
	movzwl	%bx, %ebx
	shl	$16, %ebx
	jz	1f
	add	$0x1000000, %ebx
	ret
1:	mov	$CMOS_EXTMEM_HIGH, %al
	call	cmos_read
	mov	%al, %bh
	mov	$CMOS_EXTMEM_LOW, %al
	call	cmos_read
	mov	%al, %bl
	movzwl	%bx, %ebx
	shl	$10, %ebx
	add	$0x100000, %ebx
	ret

/* %al = CMOS register %al. */
cmos_read:
	or	$CMOS_NMI_DISABLE, %al
	out	%al, $CMOS_INDEX
	in	$CMOS_DATA, %al
	ret

/* Append {base %eax, length %edx, type %ecx} (each below 4 GiB) to the map at %edi. */
mmap_add:
	movl	$MMAP_ENTRY_SIZE - 4, (%edi)
	mov	%eax, 4(%edi)
	movl	$0, 8(%edi)
	mov	%edx, 12(%edi)
	movl	$0, 16(%edi)
	mov	%ecx, 20(%edi)
	add	$MMAP_ENTRY_SIZE, %edi
	ret

/* Print "hvtest-rom: ", the string at %esi and a line end on COM1, then end Bochs. */
fail:
	COM1_INIT
	push	%esi
	mov	$msg_prefix, %esi
	call	puts
	pop	%esi
	call	puts
	mov	$msg_crlf, %esi
	call	puts
	mov	$COM1 + 5, %dx
1:	in	%dx, %al			/* all sent: Bochs drops what is still queued */
	test	$UART_LSR_TEMT, %al
	jz	1b
	mov	$msg_shutdown, %esi
	mov	$BOCHS_SHUTDOWN_PORT, %dx
2:	lodsb
	test	%al, %al
	jz	3f
	out	%al, %dx
	jmp	2b
3:	cli
	hlt
	jmp	3b

puts:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %ah
	mov	$COM1 + 5, %dx
1:	in	%dx, %al
	test	$UART_LSR_THRE, %al
	jz	1b
	mov	$COM1, %dx
	mov	%ah, %al
	out	%al, %dx
	jmp	puts
2:	ret

msg_prefix:	.asciz "hvtest-rom: "
msg_crlf:	.asciz "\r\n"
msg_no_kernel:	.asciz "no multiboot header at 1 MiB: the program was not loaded (bochsrc optramimage)"
msg_header:	.asciz "the program's multiboot header does not say header_addr = load_addr = 1 MiB"
msg_shutdown:	.asciz "Shutdown"
#ifdef ROM_PVH
msg_no_disk:	.asciz "no ATA controller at 0x1f0 (bochsrc ata0)"
msg_no_list:	.asciz "no load list (HVTPVH01, at most 30 items) in sector 0 of the first ATA disk"
msg_ata:	.asciz "ATA error while reading the first disk"
#endif

	LOADER_GDT

/*
 * The reset vector's real-mode code, at the end of the ROM so that the jump
 * at the reset vector reaches it.  CS's base is 0xffff0000 after the reset:
 * an address in this ROM is its offset from rom_start.
 */
	.code16
	.org	ROM_SIZE - 0x40
entry16:
	cli
	cld
	lgdtl	%cs:(gdt_desc - rom_start)
	mov	%cr0, %eax
	and	$~(CR0_CD | CR0_NW), %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$LOADER_CS, $pm32

	.org	ROM_SIZE - 0x10			/* the reset vector, 0xfffffff0 */
	jmp	entry16
	.org	ROM_SIZE
