/*
 * VM entry and the host side of VM exit.
 *
 * uint64_t vmx_enter_asm(struct vmx_gprs *gprs, uint64_t resume)
 * Loads the guest's GPRs from *gprs and executes VMLAUNCH (resume = 0) or
 * VMRESUME.  If the instruction fails (or faults: the try mechanism resumes
 * at the failure path) it returns RFLAGS as the instruction left them
 * (never 0: bit 1 is always set).  On a VM exit the CPU continues at
 * vmx_exit_point with RSP = HOST_RSP, which this function wrote just
 * before entry; the guest's GPRs are stored back to *gprs and 0 is returned.
 * Callee-saved registers and RFLAGS (IF) are preserved across both paths.
 */
#define VMCS_HOST_RSP	0x6c14

	.text
	.globl vmx_enter_asm
vmx_enter_asm:
	pushfq
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* the gprs pointer, found again at exit */
	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfailed		/* CF or ZF: the VMWRITE itself failed */
	mov	%rsi, %rax
	mov	0x08(%rdi), %rbx
	mov	0x10(%rdi), %rcx
	mov	0x18(%rdi), %rdx
	mov	0x20(%rdi), %rsi
	mov	0x30(%rdi), %rbp
	mov	0x38(%rdi), %r8
	mov	0x40(%rdi), %r9
	mov	0x48(%rdi), %r10
	mov	0x50(%rdi), %r11
	mov	0x58(%rdi), %r12
	mov	0x60(%rdi), %r13
	mov	0x68(%rdi), %r14
	mov	0x70(%rdi), %r15
	test	%rax, %rax
	mov	0x00(%rdi), %rax	/* mov leaves the flags of test alone */
	mov	0x28(%rdi), %rdi
	jnz	3f
1:	vmlaunch
2:	jmp	.Lfailed
3:	vmresume
4:
.Lfailed:
	pushfq
	pop	%rax
	add	$8, %rsp		/* the gprs pointer */
	jmp	.Lreturn

	.globl vmx_exit_point
vmx_exit_point:
	push	%rdi
	mov	8(%rsp), %rdi		/* the gprs pointer */
	mov	%rax, 0x00(%rdi)
	mov	%rbx, 0x08(%rdi)
	mov	%rcx, 0x10(%rdi)
	mov	%rdx, 0x18(%rdi)
	mov	%rsi, 0x20(%rdi)
	pop	0x28(%rdi)		/* the guest's RDI */
	mov	%rbp, 0x30(%rdi)
	mov	%r8, 0x38(%rdi)
	mov	%r9, 0x40(%rdi)
	mov	%r10, 0x48(%rdi)
	mov	%r11, 0x50(%rdi)
	mov	%r12, 0x58(%rdi)
	mov	%r13, 0x60(%rdi)
	mov	%r14, 0x68(%rdi)
	mov	%r15, 0x70(%rdi)
	add	$8, %rsp		/* the gprs pointer */
	xor	%eax, %eax
.Lreturn:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	popfq
	ret

	/* A fault of VMLAUNCH / VMRESUME resumes after it, on the failure path. */
	.pushsection .hv_extable, "a"
	.balign 8
	.quad 1b, 2b
	.quad 3b, 4b
	.popsection

	.section .note.GNU-stack, "", @progbits
