/*
 * The VMX guest harness (docs/harness.md): a guest that runs a C function
 * (hv_guest_fn) at CPL 0 in 64-bit mode on a stack of its own, in the
 * host's address space, from a VMCS that is valid by construction.
 *
 *   vmx_guest_create   the VMCS, the guest's stack, the pages the VMCS
 *                      points to, the exit-handler table; controls from the
 *                      allowed settings of this CPU's capability MSRs
 *   vmx_guest_load     VMCLEAR, VMPTRLD, then every field VM entry checks
 *                      (SDM Vol. 3C, 27.2 "Checks on VMX Controls and
 *                      Host-State Area", 27.3 "Checks on the Guest-State
 *                      Area") written from g: the valid state; then the
 *                      load hook, where a check changes one thing
 *   vmx_guest_run      VM entry (VMLAUNCH, then VMRESUME), exits dispatched
 *                      by basic exit reason through g's table until one is
 *                      not handled; bounded (harness.h)
 *   vmx_guest_free     VMCLEAR and every page given back; the guest's exit
 *                      counts added to its CPU's
 *
 * The guest is done when its function returns: it then executes VMCALL at
 * vmx_guest_done_rip, and the run ends with g->done set.  Guest code talks
 * to the host with vmx_guest_call(code): VMCALL with RAX = code, an exit
 * the caller sees (or a handler takes).
 *
 * A run ends at an exit no handler takes: g->exit holds it, fully decoded
 * (instruction length, qualification, guest-physical and linear address
 * are read then, not on handled exits).  On a handled exit only the reason
 * and the guest RIP are read, with plain VMREADs; a handler reads what else
 * it needs.  The exit is counted in the guest's exit page without a lock;
 * free adds the counts to its CPU's (hv_exit_counts).
 */
#ifndef HV_VMX_GUEST_H
#define HV_VMX_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "harness.h"
#include "report.h"
#include "insn.h"
#include "vmcs_fields.h"
#include "vmx_names.h"

/*
 * The exit reason of a guest the harness stopped: no exit of its own for
 * HV_GUEST_BOUND_MS (basic reason 0xffff, which Appendix C does not define).
 */
#define VMX_GUEST_STOPPED	0xffffu

struct vmx_exit {
	uint32_t reason;		/* the whole exit-reason field, or VMX_GUEST_STOPPED */
	uint32_t instruction_len;	/* of the exit that ended the run */
	uint64_t guest_rip;
	uint64_t qualification;		/* these three: of the exit that ended the run */
	uint64_t guest_physical;	/* with EPT (28.2.1 / 25.9.1), else 0 */
	uint64_t guest_linear;
};

struct vmx_guest;
/* An exit handler: true to re-enter the guest, false to end the run at this exit. */
typedef bool vmx_exit_fn(struct vmx_guest *g);

/* The pages the valid state points to (created with the guest). */
enum vmx_guest_page {
	VMX_PAGE_IO_BITMAP_A, VMX_PAGE_IO_BITMAP_B, VMX_PAGE_MSR_BITMAP, VMX_PAGE_VIRTUAL_APIC,
	VMX_PAGE_APIC_ACCESS, VMX_PAGE_POSTED_INTR_DESC, VMX_PAGE_VMREAD_BITMAP,
	VMX_PAGE_VMWRITE_BITMAP, VMX_PAGE_PML, VMX_PAGE_VE_INFO, VMX_PAGE_EPTP_LIST,
	VMX_PAGE_MSR_AREA, VMX_NR_GUEST_PAGES
};

/* A guest's exit page (harness.h): slot = basic exit reason, 0-255 (Appendix C). */
struct vmx_exit_page HV_EXIT_PAGE_STRUCT(vmx_exit_fn);

struct vmx_guest {
	/* Known to entry.S: the first fields, at fixed offsets (checked in guest.c). */
	struct vmx_gprs gprs;		/* loaded at every entry, saved at every exit */
	struct vmx_exit exit;
	struct vmx_exit_page *exits;	/* handlers and counts by basic exit reason (low 8 bits) */

	bool launched;			/* VMLAUNCH done: VMRESUME next */
	bool done;			/* the guest function returned */
	bool stopped;			/* the harness stopped it (exit.reason VMX_GUEST_STOPPED) */
	unsigned cpu;			/* the CPU it was created on */
	void *vmcs;
	void *stack;
	void *pages[VMX_NR_GUEST_PAGES];
	hv_guest_fn *fn;
	void *arg;
	/* The valid state's inputs: set by create, changed by a check before load. */
	uint32_t ctl[VMX_PROCBASED3];	/* pin, proc, proc2, exit, entry */
	uint64_t eptp;			/* written where the EPTP field exists */
	uint16_t vpid;			/* written where the VPID field exists */
	uint32_t preemption_timer;	/* the bound in timer ticks, when the timer bounds the run */
	/* Called at the end of every load (after the valid state): one change. */
	void (*load_hook)(struct vmx_guest *g);
	struct hv_watch watch;
};

/*
 * This CPU (in VMX operation): g gets a VMCS, a stack, the pages and the
 * handler table, and controls the valid state needs: the must-be-1 bits of
 * every word, "host address-space size", "IA-32e mode guest", IA32_EFER
 * loaded on entry and exit where allowed, and the run's bound ("activate
 * VMX-preemption timer" where allowed, else external-interrupt exiting).
 * False (one FAIL) when memory runs out.  Then vmx_guest_load.
 */
bool vmx_guest_create(struct vmx_guest *g, hv_guest_fn *fn, void *arg);
/* VMCLEAR of the VMCS, everything create allocated given back, the exit counts added to the CPU's. */
void vmx_guest_free(struct vmx_guest *g);
/* The guest restarts at fn(arg) on its own stack at the next load. */
void vmx_guest_set_fn(struct vmx_guest *g, hv_guest_fn *fn, void *arg);

/*
 * VMCLEAR, VMPTRLD, every field of the valid state, then g->load_hook.
 * False (one FAIL naming the step or the field) when a step fails.
 */
bool vmx_guest_load(struct vmx_guest *g);

/*
 * Enter (VMLAUNCH first, VMRESUME after) and run until an exit no handler
 * takes, the guest's end (g->done) or the harness stopping it
 * (g->stopped).  Returns the VM-entry instruction's outcome: success
 * means the run ended at an exit (g->exit); VMfailValid(n), VMfailInvalid
 * or an exception when VMLAUNCH/VMRESUME itself failed.
 */
struct hv_result vmx_guest_run(struct vmx_guest *g);

/* Handle exits of this basic reason with fn (NULL: end the run there). */
void vmx_guest_on_exit(struct vmx_guest *g, unsigned basic_reason, vmx_exit_fn *fn);

/*
 * Run and expect the run to end at an exit of basic reason `expected`
 * (a FAIL naming what came instead); a VMCALL is stepped over.  True if it came.
 */
bool vmx_guest_expect_at(struct report_site at, struct vmx_guest *g, unsigned expected, const char *what);
#define vmx_guest_expect(g, expected, what) vmx_guest_expect_at(REPORT_SITE, (g), (expected), (what))
/* Run and expect the guest function to return (a FAIL naming the exit that came instead). */
bool vmx_guest_run_to_done_at(struct report_site at, struct vmx_guest *g, const char *what);
#define vmx_guest_run_to_done(g, what) vmx_guest_run_to_done_at(REPORT_SITE, (g), (what))

/* "VMCALL (18), qualification 0 at rip 0x...", "VM-entry failure: ...", "the guest's end", "stopped ...". */
const char *vmx_exit_str(const struct vmx_guest *g, char *buf, unsigned size);

/* The program frame's exit counts (hv_print_exit_counts with VMX names). */
unsigned long vmx_print_exit_counts(void);

extern const char vmx_guest_done_rip[];

/* Plain VMREAD / VMWRITE of a field the harness knows exists (no try mechanism). */
static inline uint64_t vmx_read(uint32_t field)
{
	uint64_t v;

	asm volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)field) : "cc");
	return v;
}

static inline void vmx_write(uint32_t field, uint64_t val)
{
	asm volatile("vmwrite %1, %0" :: "r"((uint64_t)field), "rm"(val) : "cc", "memory");
}

/* In a handler (or after a run): advance the guest RIP past an instruction of `len` bytes. */
static inline void vmx_guest_skip(struct vmx_guest *g, unsigned len)
{
	vmx_write(VMCS_GUEST_RIP, g->exit.guest_rip + len);
}

/* The same by the exit's instruction length (SDM 28.2.4), read here. */
static inline void vmx_guest_skip_instruction(struct vmx_guest *g)
{
	vmx_guest_skip(g, (unsigned)vmx_read(VMCS_EXIT_INSTRUCTION_LEN));
}

/* VMCALL from guest code. */
static inline void vmx_guest_call(uint64_t code)
{
	asm volatile("vmcall" : "+a"(code) :: "memory", "cc");
}

#endif
