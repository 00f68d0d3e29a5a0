/*
 * void paging_switch_levels(uint64_t cr3, uint64_t cr4)
 *
 * CR4.LA57 can change only with paging off (SDM Vol. 3A, 4.1.1 and 9.8.5):
 * drop to 32-bit compatibility mode, clear CR0.PG (IA-32e mode ends),
 * load CR4 and CR3, set CR0.PG again (EFER.LME is still set, so IA-32e
 * mode resumes with the new paging mode) and return to 64-bit code.
 * Caller: interrupts off; code, stack and the new tables below 4 GiB and
 * identity-mapped in both the old and the new tables.
 */
#define KERNEL_CS	0x08
#define KERNEL_CS32	0x18
#define CR0_PG		0x80000000

	.text
	.globl paging_switch_levels
paging_switch_levels:
	push	%rbx
	mov	%rdi, %rbx		/* new CR3 (below 4 GiB) */
	mov	%rsi, %rdx		/* new CR4 */
	pushq	$KERNEL_CS32
	pushq	$1f
	lretq
	.code32
1:	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	mov	%edx, %cr4
	mov	%ebx, %cr3
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	ljmp	$KERNEL_CS, $2f
	.code64
2:	pop	%rbx
	ret
