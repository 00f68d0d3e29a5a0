/*
 * The VMX instructions as functions that return what the CPU did, as one
 * struct hv_result: success, #vector(error code) (through the try
 * mechanism), VMfailInvalid (CF=1) or VMfailValid(n) (ZF=1, n read from
 * the VM-instruction error field).  SDM Vol. 3C, 31.2 "Conventions".
 */
#ifndef HV_VMX_INSN_H
#define HV_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>
#include "result.h"

/* Register the VM-instruction error namer with the result decoder. */
void vmx_insn_init(void);

struct hv_result vmxon(uint64_t region_pa);
struct hv_result vmxoff(void);
struct hv_result vmclear(uint64_t vmcs_pa);
struct hv_result vmptrld(uint64_t vmcs_pa);
struct hv_result vmptrst(uint64_t *vmcs_pa);
/* The encoding operand is a 64-bit register: bits 63:32 of `field` reach the CPU (31.3). */
struct hv_result vmread(uint64_t field, uint64_t *val);
struct hv_result vmwrite(uint64_t field, uint64_t val);
/* INVEPT / INVVPID types: SDM 31.3 (INVEPT, INVVPID). */
enum { INVEPT_SINGLE_CONTEXT = 1, INVEPT_ALL_CONTEXT = 2 };
enum { INVVPID_INDIVIDUAL_ADDR = 0, INVVPID_SINGLE_CONTEXT = 1, INVVPID_ALL_CONTEXT = 2,
       INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS = 3 };
struct hv_result invept(uint64_t type, uint64_t eptp);
/* `vpid` is the descriptor's first quadword: the VPID in bits 15:0, bits 63:16 reserved. */
struct hv_result invvpid(uint64_t type, uint64_t vpid, uint64_t linear);

/*
 * The outcome of a VMX instruction: `tried` (an exception, from the try
 * mechanism) or, from RFLAGS as it left them, VMfailInvalid (CF=1),
 * VMfailValid(n) (ZF=1, n read from the VM-instruction error field) or
 * success (SDM 31.2).
 */
struct hv_result vmx_outcome(struct hv_result tried, bool cf, bool zf);

/*
 * The guest's general-purpose registers, saved at VM exit and loaded at
 * VM entry (RSP and RIP live in the VMCS).  Layout known to entry.S.
 */
struct vmx_gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* VMREAD / VMWRITE of a field known to exist: a failure is a FAIL naming the field. */
uint64_t vmcs_read(uint32_t field);
void vmcs_write(uint32_t field, uint64_t val);

/* Expected results, spelled as the SDM spells them. */
#define VMFAIL_VALID(n)	HV_RESULT_VMFAIL_VALID(n)
#define VMFAIL_INVALID	HV_RESULT_VMFAIL_INVALID

#endif
