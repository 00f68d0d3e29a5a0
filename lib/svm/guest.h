/*
 * The SVM guest harness (docs/harness.md), with the verbs of the VMX one:
 * a guest that runs a C function (hv_guest_fn) at CPL 0 in 64-bit mode on a
 * stack of its own, sharing the host's code, data, CR3, GDT and IDT (or,
 * under NPT, seeing the host's memory through nested page tables), from a
 * VMCB that is valid by construction.
 *
 *   svm_guest_create   the VMCB, the guest's stack, IOPM and MSRPM, the
 *                      exit-handler table; then svm_guest_load
 *   svm_guest_load     every field of the VMCB written (APM Vol. 2 15.5.1
 *                      "Basic Operation", the VMRUN consistency checks, and
 *                      Appendix B): the valid state; this CPU's VMSAVE
 *                      state for FS, GS, TR, LDTR and the SYSCALL/SYSENTER
 *                      MSRs; then the load hook, where a check changes one
 *                      thing
 *   svm_guest_run      VMRUN (vmrun.S; with CLGI, VMSAVE/VMLOAD around it
 *                      for a guest whose FS/GS/TR/LDTR/SYSCALL state is its
 *                      own), exits dispatched by exit code through g's
 *                      table until one is not handled; bounded (harness.h:
 *                      the INTR intercept and the watchdog timer)
 *   svm_guest_free     every page given back; the guest's exit counts added
 *                      to its CPU's
 *
 * The guest is done when its function returns: it then executes VMMCALL at
 * svm_guest_done_rip, and the run ends with g->done set.  Exits are counted
 * in the guest's exit page (slot = svm_exit_slot()) without a lock; free
 * adds the counts to its CPU's (hv_exit_counts).
 */
#ifndef HV_SVM_GUEST_H
#define HV_SVM_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "harness.h"
#include "processor.h"
#include "svm_defs.h"
#include "vmcb.h"

/* Guest GPRs other than RAX and RSP (those live in the VMCB); offsets known to vmrun.S. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * The exit code svm_guest_run returns for a guest the harness stopped (no
 * exit of its own for HV_GUEST_BOUND_MS): the first of the codes the APM
 * reserves for the hypervisor's own use.
 */
#define SVM_GUEST_STOPPED	VMEXIT_HARNESS_STOPPED

struct svm_guest;
/* An exit handler: true to re-enter the guest, false to end the run at this exit. */
typedef bool svm_exit_fn(struct svm_guest *g);

/* Default exception intercepts: every exception but NMI. */
#define SVM_GUEST_EXC_INTERCEPTS	(~(uint32_t)SVM_I_EXCP(NMI_VECTOR))
#define SVM_GUEST_ASID			1

/*
 * A guest's exit page (harness.h): the handlers of exit codes 000h-0FFh,
 * the counts of every slot (svm_exit_slot).  The handlers of the slots
 * above (codes from 400h, the negative codes) are in the page after it.
 */
struct svm_exit_page HV_EXIT_PAGE_STRUCT(svm_exit_fn);

struct svm_guest {
	/* Known to vmrun.S: the first fields, at fixed offsets (checked in guest.c). */
	struct svm_gprs regs;
	struct vmcb *vmcb;
	struct svm_exit_page *exits;	/* handlers (codes 000h-0FFh) and counts by exit slot */
	uint64_t host_save_pa;		/* this CPU's page for the host's VMSAVE state */
	/*
	 * The VMCB's FS, GS, TR, LDTR, KernelGSBase, STAR/LSTAR/CSTAR/SFMASK
	 * or SYSENTER state differs from this CPU's (a check changed it): run
	 * with VMSAVE/VMLOAD around VMRUN (read at the start of each run).
	 * Load clears it (the valid state has this CPU's).
	 */
	bool switch_extra_state;

	bool done;			/* the guest function returned */
	bool stopped;			/* the harness stopped it (SVM_GUEST_STOPPED) */
	unsigned cpu;			/* the CPU it was created on */
	void *stack;
	uint8_t *iopm;			/* 12 KB used of an order-2 block, 4K-aligned */
	uint8_t *msrpm;			/* 8 KB, order-1 block, 4K-aligned */
	hv_guest_fn *fn;
	void *arg;
	uint32_t asid;			/* written by load (SVM_GUEST_ASID unless changed) */
	/* Called at the end of every load (after the valid state): one change. */
	void (*load_hook)(struct svm_guest *g);
	struct hv_watch watch;
};

/*
 * This CPU (SVM enabled here): g gets its VMCB, stack, IOPM and MSRPM
 * (both intercepting nothing) and handler table, and is loaded with the
 * valid state.  False (one FAIL) when memory runs out or the load fails.
 */
bool svm_guest_create(struct svm_guest *g, hv_guest_fn *fn, void *arg);
/* Every page create allocated given back, the exit counts added to the CPU's. */
void svm_guest_free(struct svm_guest *g);

/*
 * The valid state, every field written: intercepts VMRUN (required),
 * VMMCALL, INTR (the watchdog), SHUTDOWN and every exception but NMI;
 * IOPM/MSRPM bases, ASID g->asid, V_INTR_MASKING; the state save area from
 * this CPU (CR0/CR3/CR4, EFER, segments from the GDT, GDTR/IDTR, PAT, and
 * VMSAVE's part); RIP at the guest entry with RDI = arg, RSI = fn.  Then
 * g->load_hook.  False (one FAIL) when VMSAVE fails (SVM not enabled here).
 */
bool svm_guest_load(struct svm_guest *g);
/*
 * Point the guest at fn(arg) with a fresh stack (RIP, RSP, RAX, GPRs), at
 * once: the VMCB keeps every other change a check made.
 */
void svm_guest_set_fn(struct svm_guest *g, hv_guest_fn *fn, void *arg);

/*
 * Enter and run until an exit no handler takes, the guest's end (g->done,
 * VMEXIT_VMMCALL) or the harness stopping it (g->stopped,
 * SVM_GUEST_STOPPED).  Returns EXITCODE of the exit that ended the run.
 */
uint64_t svm_guest_run(struct svm_guest *g);
/* Handle exits of this code with fn (NULL: end the run there). */
void svm_guest_on_exit(struct svm_guest *g, uint64_t code, svm_exit_fn *fn);
/* Advance the guest RIP past an instruction of `len` bytes. */
static inline void svm_guest_skip(struct svm_guest *g, unsigned len)
{
	g->vmcb->save.rip += len;
}

/* Intercept bits in the guest's IOPM / MSRPM. */
void svm_iopm_set(struct svm_guest *g, uint32_t port, bool intercept);
void svm_msrpm_set(struct svm_guest *g, uint32_t msr, bool read, bool write);

/* The exit slot of an exit code (harness.h): below HV_EXIT_SLOTS. */
unsigned svm_exit_slot(uint64_t code);

/* The program frame's exit counts (hv_print_exit_counts with SVM names). */
unsigned long svm_print_exit_counts(void);

extern const char svm_guest_done_rip[];

#endif
