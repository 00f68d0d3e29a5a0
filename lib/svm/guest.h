/*
 * A guest harness: one VMCB prepared for a small 64-bit guest that shares
 * the host's code, data, CR3, GDT and IDT (or, under NPT, sees the host's
 * memory through nested page tables), entered with
 * CLGI; VMSAVE host; VMLOAD guest; VMRUN; VMSAVE guest; VMLOAD host; STGI
 * (svm/vmrun.S).  Exits are counted per code (printed by svm_program_end())
 * and dispatched by code to handlers the test registers.
 */
#ifndef HV_SVM_GUEST_H
#define HV_SVM_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "vmcb.h"

/* Guest GPRs other than RAX and RSP (those live in the VMCB); offsets used by vmrun.S. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_guest;
/* An exit handler: return true to re-enter the guest, false to return to the caller. */
typedef bool (*svm_exit_fn)(struct svm_guest *g);

#define SVM_MAX_HANDLERS 8

struct svm_guest {
	struct vmcb *vmcb;
	struct svm_gprs regs;
	void *stack;
	uint8_t *iopm;		/* 12 KB, order-2 block (16 KB), 4K-aligned */
	uint8_t *msrpm;		/* 8 KB, order-1 block, 4K-aligned */
	unsigned cpu;		/* the CPU it was prepared on (VMSAVE state of that CPU) */
	bool done;		/* the guest function returned */
	unsigned nr_handlers;
	struct { uint64_t code; svm_exit_fn fn; } handlers[SVM_MAX_HANDLERS];
};

/* Default intercepts: VMRUN (required), VMMCALL, INTR, SHUTDOWN, every exception but NMI. */
#define SVM_GUEST_EXC_INTERCEPTS	(~(uint32_t)(1u << 2))

/*
 * Prepare g on this CPU (SVM enabled here) to run fn(arg) at CPL 0 in 64-bit
 * mode with the host's paging; ASID 1.  When fn returns, the guest executes
 * VMMCALL at svm_guest_done_rip and the harness marks it done.
 */
void svm_guest_init(struct svm_guest *g, void (*fn)(void *arg), void *arg);
void svm_guest_free(struct svm_guest *g);
/* Re-point the guest at fn(arg) with a fresh stack, keeping the VMCB controls. */
void svm_guest_restart(struct svm_guest *g, void (*fn)(void *arg), void *arg);

/* One VMRUN; returns EXITCODE.  The exit is counted. */
uint64_t svm_guest_vmrun(struct svm_guest *g);
/*
 * VMRUN until an exit is not handled: INTR re-enters, the final VMMCALL
 * sets g->done, registered handlers decide.  Returns the last EXITCODE.
 */
uint64_t svm_guest_run(struct svm_guest *g);
void svm_guest_on_exit(struct svm_guest *g, uint64_t code, svm_exit_fn fn);
/* Advance the guest RIP past an instruction of `len` bytes. */
void svm_guest_skip(struct svm_guest *g, unsigned len);

/* Intercept bits in the guest's IOPM / MSRPM. */
void svm_iopm_set(struct svm_guest *g, uint32_t port, bool intercept);
void svm_msrpm_set(struct svm_guest *g, uint32_t msr, bool read, bool write);

/* Print the per-code exit counters as INFO lines (svm_program_end()). */
void svm_exit_stats_print(void);

extern const char svm_guest_done_rip[];

#endif
