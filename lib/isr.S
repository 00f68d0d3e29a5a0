/* Exception and interrupt entry stubs, and the CPL 3 entry/return. */
#include "boot.h"

#define KERNEL_DS	0x10
#define USER_DS		0x23
#define USER_CS		0x2b
#define USER_RETURN_VECTOR 0x80

	.text
	.globl isr_stubs
	.balign 16
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	.set vec, vec + 1
	.endr

isr_common:
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%r11
	push	%r10
	push	%r9
	push	%r8
	push	%rbp
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rbx
	push	%rax
	mov	%rsp, %rdi
	cld
	call	handle_exception
	pop	%rax
	pop	%rbx
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	pop	%rbp
	pop	%r8
	pop	%r9
	pop	%r10
	pop	%r11
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	add	$16, %rsp
	iretq

/*
 * void user_enter(void (*fn)(void *), void *arg, uint64_t user_rsp, struct user_context *ctx)
 * Saves the kernel context in *ctx and enters fn(arg) at CPL 3; returns
 * when the CPL 3 code executes int $USER_RETURN_VECTOR (user_return()).
 */
	.globl user_enter
user_enter:
	mov	%rbx, 0(%rcx)
	mov	%rbp, 8(%rcx)
	mov	%r12, 16(%rcx)
	mov	%r13, 24(%rcx)
	mov	%r14, 32(%rcx)
	mov	%r15, 40(%rcx)
	mov	%rsp, 48(%rcx)
	mov	%rdi, %rax
	mov	%rsi, %rdi
	pushq	$USER_DS
	pushq	%rdx
	pushfq
	pushq	$USER_CS
	pushq	$user_trampoline
	iretq
user_trampoline:
	xor	%ebp, %ebp
	call	*%rax
	int	$USER_RETURN_VECTOR
	ud2

/* void user_return(struct user_context *ctx): back to user_enter's caller. */
	.globl user_return
user_return:
	mov	$KERNEL_DS, %eax
	mov	%eax, %ss
	mov	%eax, %ds
	mov	%eax, %es
	mov	0(%rdi), %rbx
	mov	8(%rdi), %rbp
	mov	16(%rdi), %r12
	mov	24(%rdi), %r13
	mov	32(%rdi), %r14
	mov	40(%rdi), %r15
	mov	48(%rdi), %rsp
	ret
