/*
 * Entering a guest and coming back (APM 15.5 VMRUN, 15.5.2 VMSAVE/VMLOAD,
 * 15.17 GIF).  VMRUN saves and restores only part of the host state (RSP,
 * RAX, RIP, RFLAGS, CRs, EFER, CS/SS/DS/ES, GDTR/IDTR); FS, GS (and so the
 * per-CPU base), TR, LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs are
 * the VMM's job, done with VMSAVE/VMLOAD around it.  All of it runs with
 * GIF clear so no interrupt sees a half-switched state.
 *
 * void svm_enter_guest(uint64_t vmcb_pa, struct svm_gprs *regs, uint64_t host_save_pa)
 */
#define G_RBX	0x00
#define G_RCX	0x08
#define G_RDX	0x10
#define G_RSI	0x18
#define G_RDI	0x20
#define G_RBP	0x28
#define G_R8	0x30
#define G_R9	0x38
#define G_R10	0x40
#define G_R11	0x48
#define G_R12	0x50
#define G_R13	0x58
#define G_R14	0x60
#define G_R15	0x68

	.text
	.globl svm_enter_guest
svm_enter_guest:
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rsi			/* 16(%rsp): regs */
	push %rdx			/*  8(%rsp): host save area */
	push %rdi			/*  0(%rsp): VMCB */
	clgi
	mov %rdx, %rax
	vmsave %rax
	mov (%rsp), %rax
	vmload %rax
	mov G_RBX(%rsi), %rbx
	mov G_RCX(%rsi), %rcx
	mov G_RDX(%rsi), %rdx
	mov G_RDI(%rsi), %rdi
	mov G_RBP(%rsi), %rbp
	mov G_R8(%rsi), %r8
	mov G_R9(%rsi), %r9
	mov G_R10(%rsi), %r10
	mov G_R11(%rsi), %r11
	mov G_R12(%rsi), %r12
	mov G_R13(%rsi), %r13
	mov G_R14(%rsi), %r14
	mov G_R15(%rsi), %r15
	mov G_RSI(%rsi), %rsi
	vmrun %rax
	/* #VMEXIT: RSP and RAX (the VMCB address) are the host's again. */
	vmsave %rax
	push %rsi
	mov 24(%rsp), %rsi
	mov %rbx, G_RBX(%rsi)
	mov %rcx, G_RCX(%rsi)
	mov %rdx, G_RDX(%rsi)
	mov %rdi, G_RDI(%rsi)
	mov %rbp, G_RBP(%rsi)
	mov %r8, G_R8(%rsi)
	mov %r9, G_R9(%rsi)
	mov %r10, G_R10(%rsi)
	mov %r11, G_R11(%rsi)
	mov %r12, G_R12(%rsi)
	mov %r13, G_R13(%rsi)
	mov %r14, G_R14(%rsi)
	mov %r15, G_R15(%rsi)
	pop %rax
	mov %rax, G_RSI(%rsi)
	mov 8(%rsp), %rax
	vmload %rax
	stgi
	add $24, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/*
 * Where every guest starts: %rdi = arg, %rsi = fn.  When fn returns, the
 * VMMCALL at svm_guest_done_rip tells the harness the guest is done.
 */
	.globl svm_guest_entry, svm_guest_done_rip
svm_guest_entry:
	call *%rsi
svm_guest_done_rip:
	vmmcall
	ud2
