/*
 * The guest harness: a VMCS prepared from the host's own state, a small
 * 64-bit guest that runs a C function on a stack of its own in the host's
 * address space, VM entry (launch, then resume), and the exits decoded and
 * counted by reason.
 *
 * Guest code talks to the host with vmx_guest_call(code): a VMCALL with
 * RAX = code.  When the guest function returns, the guest executes VMCALL
 * with RAX = VMX_GUEST_DONE.
 */
#ifndef HV_VMX_GUEST_H
#define HV_VMX_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "insn.h"
#include "vmx_names.h"

#define VMX_GUEST_DONE_VALUE	0x444f4e45	/* "DONE" */
#define VMX_GUEST_DONE		((uint64_t)VMX_GUEST_DONE_VALUE)

struct vmx_exit {
	uint32_t reason;		/* the whole exit-reason field */
	uint64_t qualification;
	uint64_t guest_physical;
	uint64_t guest_linear;
	uint64_t guest_rip;
	uint32_t instruction_len;
};

struct vmx_guest {
	void *vmcs;
	void (*code)(void);
	uint64_t stack_top;
	struct vmx_gprs gprs;
	bool launched;
	uint32_t ctl[VMX_PROCBASED3];	/* pin, proc, proc2, exit, entry */
	uint64_t eptp;			/* written when proc2 has EPT */
	uint16_t vpid;			/* written when proc2 has VPID */
	struct vmx_exit exit;
};

/*
 * A guest that runs code(); controls start at what the harness needs: the
 * must-be-1 bits of every word, "host address-space size", "IA-32e mode
 * guest", and IA32_EFER loaded on entry and exit where allowed.
 */
void vmx_guest_init(struct vmx_guest *g, void (*code)(void));
/* VMCLEAR, VMPTRLD and every field written; the guest restarts at code(). */
void vmx_guest_load(struct vmx_guest *g);
/* One VM entry (VMLAUNCH first, VMRESUME after); g->exit is filled on exit. */
struct hv_result vmx_guest_enter(struct vmx_guest *g);

/*
 * Enter and expect a VM exit of basic reason `expected` (a check with the
 * exit decoded on failure); VMCALL exits are stepped over.  True if it came.
 */
bool vmx_guest_expect(struct vmx_guest *g, unsigned expected, const char *what);
/* Run until the guest function returns (VMX_GUEST_DONE); other VMCALLs are a FAIL. */
bool vmx_guest_run_to_done(struct vmx_guest *g, const char *what);
/* Advance the guest's RIP past the instruction that exited. */
void vmx_guest_skip_instruction(struct vmx_guest *g);

/* "VMCALL (18)", "VM-entry failure: ENTRY_FAIL_GUEST_STATE (33), qualification 0". */
const char *vmx_exit_str(const struct vmx_exit *e, char *buf, unsigned size);

/* Count one exit (the harness does this for every exit); print as an INFO line, return the total. */
void vmx_count_exit(uint32_t reason);
unsigned long vmx_print_exit_counts(void);

/* VMCALL from guest code. */
static inline void vmx_guest_call(uint64_t code)
{
	asm volatile("vmcall" : "+a"(code) :: "memory", "cc");
}

#endif
