/*
 * The guest harness's run loop (guest.h): VM entry, the host side of every
 * VM exit, and the dispatch of exits by basic exit reason.
 *
 * uint64_t vmx_run_asm(struct vmx_guest *g)
 * Loads the guest's GPRs from g->gprs and enters (VMLAUNCH unless
 * g->launched, then VMRESUME).  At each VM exit (HOST_RIP = vmx_exit_point,
 * HOST_RSP written here) the guest's GPRs are stored in g->gprs, the exit
 * is counted in g->exits->counts[reason & 0xff], GUEST_RIP is read; a
 * VMCALL at vmx_guest_done_rip ends the run (the guest is done); otherwise
 * the handler g->exits->handlers[reason & 0xff] (never NULL: guest.c's
 * end_run where no handler was given) decides: re-enter (VMRESUME) or end
 * the run.  Nothing else is read here: a handler that
 * needs more reads it (vmx_guest_skip_instruction reads the length).
 * Returns 0 when the run ended at an exit (g->exit.reason), 1 when it
 * ended at the guest's end, else RFLAGS of a failed VMLAUNCH/VMRESUME (never
 * 0 or 1: bit 1 is always set).  A fault of VMLAUNCH/VMRESUME continues on
 * the failure path (the try mechanism).  Callee-saved registers and RFLAGS
 * are preserved.  Handlers run with interrupts off (RFLAGS as VM exit
 * loads it).
 */
#define VMCS_HOST_RSP			0x6c14
#define VMCS_EXIT_REASON		0x4402
#define VMCS_GUEST_RIP			0x681e
#define VMX_EXIT_VMCALL			18

/* struct vmx_guest (guest.h; the offsets are checked in guest.c). */
#define G_RAX		0x00
#define G_RBX		0x08
#define G_RCX		0x10
#define G_RDX		0x18
#define G_RSI		0x20
#define G_RDI		0x28
#define G_RBP		0x30
#define G_R8		0x38
#define G_R9		0x40
#define G_R10		0x48
#define G_R11		0x50
#define G_R12		0x58
#define G_R13		0x60
#define G_R14		0x68
#define G_R15		0x70
#define G_REASON	0x78
#define G_RIP		0x80
#define G_EXITS		0xa0
#define G_LAUNCHED	0xa8
/* struct vmx_exit_page: the handlers at 0, the counts at HV_EXIT_PAGE_COUNTS (harness.h). */
#define EP_COUNTS	0x800

/* The guest's GPRs from the struct at %rbx, %rbx last. */
.macro load_gprs
	mov	G_RAX(%rbx), %rax
	mov	G_RCX(%rbx), %rcx
	mov	G_RDX(%rbx), %rdx
	mov	G_RSI(%rbx), %rsi
	mov	G_RDI(%rbx), %rdi
	mov	G_RBP(%rbx), %rbp
	mov	G_R8(%rbx), %r8
	mov	G_R9(%rbx), %r9
	mov	G_R10(%rbx), %r10
	mov	G_R11(%rbx), %r11
	mov	G_R12(%rbx), %r12
	mov	G_R13(%rbx), %r13
	mov	G_R14(%rbx), %r14
	mov	G_R15(%rbx), %r15
	mov	G_RBX(%rbx), %rbx
.endm

	.section .text..hv_exit, "ax"	/* beside the hot handlers (HV_EXIT_HOT, lib/harness.h) */
	.globl vmx_run_asm
vmx_run_asm:
	pushfq
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$8, %rsp		/* g's slot 16-byte aligned, so that handlers are called with the ABI's alignment */
	push	%rdi			/* g: at (%rsp) = HOST_RSP while the guest runs */
	mov	%rdi, %rbx
	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfailed		/* CF or ZF: the VMWRITE itself failed */
	cmpb	$0, G_LAUNCHED(%rbx)
	jne	.Lresume
	load_gprs
1:	vmlaunch
2:	jmp	.Lfailed

.Lresume:
	load_gprs
3:	vmresume
4:
.Lfailed:
	pushfq
	pop	%rax
	jmp	.Lreturn

	.globl vmx_exit_point
vmx_exit_point:
	push	%rdi			/* the guest's RDI, below g */
	mov	8(%rsp), %rdi		/* g */
	mov	%rax, G_RAX(%rdi)
	mov	%rbx, G_RBX(%rdi)
	mov	%rcx, G_RCX(%rdi)
	mov	%rdx, G_RDX(%rdi)
	mov	%rsi, G_RSI(%rdi)
	mov	%rbp, G_RBP(%rdi)
	mov	%r8, G_R8(%rdi)
	mov	%r9, G_R9(%rdi)
	mov	%r10, G_R10(%rdi)
	mov	%r11, G_R11(%rdi)
	mov	%r12, G_R12(%rdi)
	mov	%r13, G_R13(%rdi)
	mov	%r14, G_R14(%rdi)
	mov	%r15, G_R15(%rdi)
	pop	G_RDI(%rdi)		/* g at HOST_RSP again, for the next exit */
	mov	%rdi, %rbx		/* g, kept across the handler call */
	mov	$VMCS_EXIT_REASON, %eax
	vmread	%rax, %rax
	mov	%eax, G_REASON(%rdi)
	movzbl	%al, %ecx
	mov	G_EXITS(%rdi), %rdx
	incl	EP_COUNTS(%rdx,%rcx,4)
	mov	$VMCS_GUEST_RIP, %eax
	vmread	%rax, %rax
	mov	%rax, G_RIP(%rdi)
	cmp	$vmx_guest_done_rip, %rax	/* linked below 2 GiB (-mcmodel=small) */
	je	.Lat_done_rip
.Ldispatch:
	call	*(%rdx,%rcx,8)
	test	%al, %al
	jnz	.Lresume
	xor	%eax, %eax
	jmp	.Lreturn
.Lat_done_rip:
	cmp	$VMX_EXIT_VMCALL, %ecx
	jne	.Ldispatch		/* another exit there: a handler's */
	mov	$1, %eax
.Lreturn:
	add	$16, %rsp		/* g and the alignment slot */
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
