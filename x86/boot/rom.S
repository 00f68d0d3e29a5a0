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
