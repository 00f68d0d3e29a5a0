/* Constants shared by the boot assembly and the C runtime. */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#define MB_HEADER_MAGIC		0x1BADB002
#define MB_HEADER_FLAGS		0x00000002	/* bit 1: memory information wanted */
#define MB_LOADER_MAGIC		0x2BADB002
/* Multiboot v1 information flags (specification 0.6.96, 3.3). */
#define MBI_FLAG_MEM		(1 << 0)	/* mem_lower, mem_upper */
#define MBI_FLAG_CMDLINE	(1 << 2)
#define MBI_FLAG_MMAP		(1 << 6)	/* mmap_length, mmap_addr */
#define E820_RAM		1		/* a memory map entry's type: usable RAM */

#define BOOT_CS64		0x08
#define BOOT_DS			0x10
#define BOOT_CS32		0x18

#define BOOT_STACK_SIZE		16384
#define AP_TRAMPOLINE_ADDR	0x8000
#define AP_MAX_SLOTS		63	/* application processors (MAX_CPUS - 1) */

/*
 * Boot milestones: one byte each on the debug port (port 0xE9: Bochs with
 * port_e9_hack, QEMU with -debugcon), written only where reading the port
 * gives 0xE9 back, i.e. where it exists, and not once the console is on
 * that port (console=e9, lib/console.c); so make bench can time a boot's
 * phases (docs/bench.md).  Elsewhere a milestone costs one port read.
 */
#define DEBUG_PORT		0xe9
#define MILESTONE_LOADER	0x4c	/* 'L': the loader begins (boot sector or hvtest's ROM) */
#define MILESTONE_KERNEL	0x4b	/* 'K': the loader jumps to the kernel */
#define MILESTONE_SMP		0x53	/* 'S': the runtime starts the other CPUs */
#define MILESTONE_MAIN		0x4d	/* 'M': every CPU online, main() begins */

#ifdef __ASSEMBLER__
/* Clobbers %al; the same bytes in 16- and 32-bit code. */
.macro MILESTONE byte
	in	$DEBUG_PORT, %al
	cmp	$DEBUG_PORT, %al
	jne	.Lmilestone\@
	mov	$\byte, %al
	out	%al, $DEBUG_PORT
.Lmilestone\@:
.endm
#endif

#ifdef __ASSEMBLER__	/* C code has these in processor.h and paging.h */
#define PTE_P			0x001
#define PTE_W			0x002
#define PTE_PS			0x080
#define CR0_PE			0x00000001
#define CR0_PG			0x80000000
#define CR4_PAE			0x00000020
#define MSR_EFER		0xc0000080
#define EFER_LME		0x00000100
#endif

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Multiboot v1 information, as the loader hands it over (the runtime keeps it). */
struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

/* The loader's EAX and EBX at the kernel's entry (x86/boot/cstart64.S). */
extern uint32_t boot_mb_magic, boot_mb_info;

static inline const struct multiboot_info *boot_multiboot_info(void)
{
	return (const struct multiboot_info *)(uintptr_t)boot_mb_info;
}
#endif

#endif
