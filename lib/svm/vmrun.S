/*
 * The guest harness's run loop (guest.h): entering a guest, coming back,
 * and the dispatch of exits by exit code (APM 15.5 VMRUN, 15.5.2
 * VMSAVE/VMLOAD, 15.17 GIF).
 *
 * uint64_t svm_run_asm(struct svm_guest *g)
 * VMRUN saves and restores only part of the host state (RSP, RAX, RIP,
 * RFLAGS, CRs, EFER, CS/SS/DS/ES, GDTR/IDTR); FS, GS (and so the per-CPU
 * base), TR, LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs are the VMM's
 * job.  The harness's guests have this CPU's values of them (guest load
 * takes them with VMSAVE) and keep them, so nothing needs switching; a
 * guest given state of its own (g->switch_extra_state, read at the run's
 * start) gets CLGI, VMSAVE host, VMLOAD guest around VMRUN and VMSAVE
 * guest, VMLOAD host, STGI after.
 *
 * GIF stays clear from the first #VMEXIT to the end of the run (VMRUN sets
 * it in the guest): exits are handled with interrupts held.  The host runs
 * the loop with RFLAGS.IF set: with V_INTR_MASKING the host's IF at VMRUN
 * governs physical interrupts (15.21.1), so the watchdog's interrupt
 * reaches the INTR intercept; its handler sets GIF for a moment to take it.
 *
 * At each #VMEXIT the guest's GPRs are stored in g->regs, the exit is
 * counted in g->exits->counts[EXITCODE] (codes from 100h up:
 * svm_exit_cold()); a VMMCALL at svm_guest_done_rip ends the run (returns
 * 1: the guest is done); otherwise the handler g->exits->handlers[EXITCODE]
 * (never NULL: guest.c's end_run where no handler was given) decides:
 * re-enter, or end the run (returns 0).  GIF is set again at the end.
 * Callee-saved registers and RFLAGS are preserved.
 */
#define G_RBX		0x00
#define G_RCX		0x08
#define G_RDX		0x10
#define G_RSI		0x18
#define G_RDI		0x20
#define G_RBP		0x28
#define G_R8		0x30
#define G_R9		0x38
#define G_R10		0x40
#define G_R11		0x48
#define G_R12		0x50
#define G_R13		0x58
#define G_R14		0x60
#define G_R15		0x68
#define G_VMCB		0x70
#define G_EXITS		0x78
#define G_HOST_SAVE	0x80
#define G_SWITCH	0x88
/* struct svm_exit_page: the handlers at 0, the counts at HV_EXIT_PAGE_COUNTS (harness.h). */
#define EP_COUNTS	0x800
#define VMCB_EXIT_CODE	0x070
#define VMCB_RIP	0x578
#define VMEXIT_VMMCALL	0x081
#define SLOTS_DIRECT	0x100		/* codes below are their own slot (guest.c) */

/* The guest's GPRs but RAX and RSP (the VMCB's) from the struct at %rbx, %rbx last. */
.macro load_gprs
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

/* At #VMEXIT: the guest's GPRs into g, found at (%rsp); then %rbx = g. */
.macro save_gprs
	push	%rbx			/* the guest's RBX, below g */
	mov	8(%rsp), %rbx		/* g */
	mov	%rcx, G_RCX(%rbx)
	mov	%rdx, G_RDX(%rbx)
	mov	%rsi, G_RSI(%rbx)
	mov	%rdi, G_RDI(%rbx)
	mov	%rbp, G_RBP(%rbx)
	mov	%r8, G_R8(%rbx)
	mov	%r9, G_R9(%rbx)
	mov	%r10, G_R10(%rbx)
	mov	%r11, G_R11(%rbx)
	mov	%r12, G_R12(%rbx)
	mov	%r13, G_R13(%rbx)
	mov	%r14, G_R14(%rbx)
	mov	%r15, G_R15(%rbx)
	pop	G_RBX(%rbx)
.endm

/*
 * The exit at %rax (the VMCB) of g at %rbx counted and dispatched; a
 * handler's true re-enters at `enter`, anything else ends the run.
 */
.macro dispatch enter
	mov	VMCB_EXIT_CODE(%rax), %rdx
	cmp	$SLOTS_DIRECT - 1, %rdx
	ja	3f
	mov	G_EXITS(%rbx), %rcx
	incl	EP_COUNTS(%rcx,%rdx,4)
	cmpq	$svm_guest_done_rip, VMCB_RIP(%rax)	/* linked below 2 GiB (-mcmodel=small) */
	je	4f
1:	mov	%rbx, %rdi
	call	*(%rcx,%rdx,8)
2:	test	%al, %al
	jnz	\enter
	xor	%eax, %eax
	jmp	.Lreturn
3:	mov	%rbx, %rdi
	call	svm_exit_cold
	jmp	2b
4:	cmp	$VMEXIT_VMMCALL, %edx
	jne	1b			/* another exit there: a handler's */
	jmp	.Ldone
.endm

	.section .text..hv_exit, "ax"	/* beside the hot handlers (HV_EXIT_HOT, lib/harness.h) */
	.globl svm_run_asm
svm_run_asm:
	pushfq
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %rbx		/* g */
	sub	$8, %rsp		/* g's slot 16-byte aligned, so that handlers are called with the ABI's alignment */
	push	%rbx			/* g, found again at #VMEXIT, on the stack for the whole run */
	sti
	cmpb	$0, G_SWITCH(%rbx)
	jne	.Lenter_switch
.Lenter:
	mov	G_VMCB(%rbx), %rax	/* identity-mapped: the VMCB's address is its pointer */
	load_gprs
	vmrun	%rax
	/* #VMEXIT: RSP and RAX (the VMCB) are the host's again; GIF is clear. */
	save_gprs
	dispatch .Lenter

/* A guest with FS/GS/TR/LDTR/SYSCALL state of its own: switched with GIF clear. */
.Lenter_switch:
	clgi
	mov	G_HOST_SAVE(%rbx), %rax
	vmsave	%rax
	mov	G_VMCB(%rbx), %rax
	vmload	%rax
	load_gprs
	vmrun	%rax
	save_gprs
	vmsave	%rax
	mov	G_HOST_SAVE(%rbx), %rax
	vmload	%rax
	mov	G_VMCB(%rbx), %rax
	dispatch .Lenter_switch

.Ldone:
	mov	$1, %eax
.Lreturn:
	stgi
	add	$16, %rsp		/* g and the alignment slot */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	popfq
	ret

/*
 * Where every guest starts: %rdi = arg, %rsi = fn.  When fn returns, the
 * VMMCALL at svm_guest_done_rip tells the harness the guest is done.
 */
	.globl svm_guest_entry, svm_guest_done_rip
svm_guest_entry:
	call	*%rsi
svm_guest_done_rip:
	vmmcall
	ud2

	.section .note.GNU-stack, "", @progbits
