/*
 * Boot: multiboot v1 entry in 32-bit protected mode, identity-mapped long
 * mode, then hv_start() in C.  Also holds the application processors'
 * real-mode trampoline, copied below 1 MiB by lib/smp.c before each SIPI.
 */
#include "boot.h"

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_HEADER_FLAGS
	.long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)
	/*
	 * Loader information for our own disk-image loader, laid out like the
	 * multiboot a.out fields but with flag 16 clear, so that multiboot
	 * loaders (QEMU) ignore it and use the ELF headers instead.
	 */
	.long mb_header		/* header_addr */
	.long __load_start	/* load_addr */
	.long __load_end	/* load_end_addr */
	.long __bss_end		/* bss_end_addr */
	.long start32		/* entry_addr */

/* PAE, CR3, EFER.LME, paging: shared by the BSP and the APs; uses no stack. */
.macro ENTER_LONG_MODE
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
.endm

	.section .text.boot, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	mov	%eax, %esi		/* loader magic */
	mov	%ebx, %ebp		/* multiboot info */

	/* Zero BSS (the loader may or may not have); both ends are 16-byte aligned. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl
	mov	%esi, boot_mb_magic
	mov	%ebp, boot_mb_info

	/* Identity map of the low 4 GiB with 2 MiB pages. */
	mov	$boot_pdpt + PTE_P + PTE_W, %eax
	mov	%eax, boot_pml4
	mov	$boot_pd + PTE_P + PTE_W, %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pdpt(,%ecx,8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jne	1b
	mov	$PTE_P + PTE_W + PTE_PS, %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pd(,%ecx,8)
	add	$0x200000, %eax
	inc	%ecx
	cmp	$2048, %ecx
	jne	1b

	lgdt	boot_gdt_desc
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	$boot_stack_top, %esp
	ENTER_LONG_MODE
	ljmp	$BOOT_CS64, $start64

	.code64
start64:
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	call	hv_start_bsp
1:	cli
	hlt
	jmp	1b

/*
 * AP, arriving from the trampoline in long mode with the boot page tables.
 * APs may arrive together (broadcast SIPI): each takes an arrival slot and
 * the stack lib/smp.c prepared for that slot; one beyond the ap_slots that
 * lib/smp.c prepared halts here.
 */
ap_start64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$1, %edi
	lock xadd %edi, ap_arrivals
	cmp	ap_slots, %edi
	jae	2f
	mov	ap_slot_stack(,%rdi,8), %rsp
	xor	%ebp, %ebp
	call	hv_start_ap
2:	cli
	hlt
	jmp	2b
1:	cli
	hlt
	jmp	1b

/*
 * Real-mode trampoline.  Position independent within its page: lib/smp.c
 * copies [ap_tramp_start, ap_tramp_end) to AP_TRAMPOLINE_ADDR.
 */
	.code16
	.globl ap_tramp_start, ap_tramp_end
ap_tramp_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	AP_TRAMPOLINE_ADDR + (ap_tramp_gdt_desc - ap_tramp_start)
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$BOOT_CS32, $ap_start32
	.balign 8
ap_tramp_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
ap_tramp_end:

	.code32
ap_start32:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	ENTER_LONG_MODE
	ljmp	$BOOT_CS64, $ap_start64

	.section .data
	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9b000000ffff	/* BOOT_CS64: 64-bit code */
	.quad	0x00cf93000000ffff	/* BOOT_DS: flat data */
	.quad	0x00cf9b000000ffff	/* BOOT_CS32: 32-bit code */
boot_gdt_end:
	.balign 8
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.globl boot_mb_magic, boot_mb_info, ap_arrivals, ap_slots, ap_slot_stack, boot_pml4
	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.balign 16
	.skip	BOOT_STACK_SIZE
boot_stack_top:
boot_mb_magic:	.long 0
boot_mb_info:	.long 0
ap_arrivals:	.long 0
ap_slots:	.long 0
	.balign 8
ap_slot_stack:	.skip 8 * AP_MAX_SLOTS
