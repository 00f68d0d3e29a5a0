/* Constants shared by the boot assembly and the C runtime. */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#define MB_HEADER_MAGIC		0x1BADB002
#define MB_HEADER_FLAGS		0x00000002	/* bit 1: memory information wanted */
#define MB_LOADER_MAGIC		0x2BADB002

#define BOOT_CS64		0x08
#define BOOT_DS			0x10
#define BOOT_CS32		0x18

#define BOOT_STACK_SIZE		16384
#define AP_TRAMPOLINE_ADDR	0x8000
#define AP_MAX_SLOTS		63	/* application processors (MAX_CPUS - 1) */

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

#endif
