/*
 * What the VMX and SVM guest harnesses share (docs/harness.md): the guest
 * function's signature, the program frame's "on every CPU, or one FAIL
 * naming the stage and the CPU", "on every CPU in turn", the per-CPU exit
 * counters, and the watchdog that bounds a guest run.
 *
 * Exit counters are indexed by an exit slot: each vendor maps its exit
 * reason (VMX: the basic exit reason) or exit code (SVM) to a slot below
 * HV_EXIT_SLOTS and names its slots when they are printed.  A guest counts
 * on the CPU it runs on, without a lock.
 */
#ifndef HV_HARNESS_H
#define HV_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "percpu.h"

/*
 * A guest function (both vendors): runs in the guest at CPL 0 in 64-bit
 * mode on a stack of its own; when it returns, the guest is done (the
 * harness's final hypercall, see lib/vmx/guest.h and lib/svm/guest.h).
 */
typedef void hv_guest_fn(void *arg);

/*
 * HV_EXIT_HOT before an exit handler puts it in the page of the harness's
 * exit path (entry.S / vmrun.S, section .text..hv_exit, after the boot
 * code at the start of the program's text; the link checks that the
 * section stays within one page).  For a handler that runs at nearly every exit of a
 * long run: an emulator that flushes its TLB at each VM entry and exit
 * (Bochs) walks the page tables again for each page of code an exit
 * touches, and a handler elsewhere is one more page (docs/harness.md).
 */
#define HV_EXIT_HOT	__attribute__((section(".text..hv_exit")))

/* What a program asks of the frame's start (vmx_program_start, svm_program_start). */
#define HV_START_ENABLE			(1u << 0)	/* VMX operation / SVM enabled on every CPU */
#define HV_START_FEATURE_CONTROL	(1u << 1)	/* VMX: enable and lock IA32_FEATURE_CONTROL if unlocked */

/*
 * One stage of a program's start or finish, on every CPU at once: fn
 * returns false and says why in `why`.  True when every CPU succeeded;
 * else one FAIL: "STAGE on cpuN: WHY (and on K other CPUs)".
 */
bool hv_stage_on_every_cpu(const char *stage, bool (*fn)(char *why, size_t size));

/*
 * fn on every CPU in turn, each with its cpuN prefix: how every rule runs
 * "on every CPU" (NAME_each_cpu from HV_EACH_CPU(NAME) is a subtest).
 */
void hv_each_cpu(void (*fn)(void));
#define HV_EACH_CPU(fn) static void fn##_each_cpu(void) { hv_each_cpu(fn); }
/* The same with an argument. */
void hv_each_cpu_arg(void (*fn)(void *arg), void *arg);
/*
 * NAME_each_cpu runs wrapper(NAME) on every CPU in turn: a program's
 * wrapper prepares what each of its rules needs on that CPU (a guest),
 * calls the rule, and frees it again.
 */
#define HV_EACH_CPU_WITH(wrapper, fn) \
	static void fn##_each_cpu(void) { hv_each_cpu_arg(wrapper, (void *)fn); }

#define HV_EXIT_SLOTS	512
/* Each CPU's exits: the counts of the guests it ran, added as each is freed (so far). */
extern uint32_t hv_exit_counts[MAX_CPUS][HV_EXIT_SLOTS];

/*
 * A guest's exit page: one page, allocated with the guest, holding what
 * the exit path touches at an exit besides its code, the stack, the guest
 * struct (and on SVM the VMCB): the guest's handlers for the slots below
 * HV_EXIT_DIRECT_SLOTS (never NULL: a slot without a handler of its own
 * holds one that ends the run) and the guest's exit counts, by slot.
 * Each vendor declares it with its own handler type (struct vmx_exit_page,
 * struct svm_exit_page).  Bochs flushes its TLB at every VM entry and exit
 * and walks the page tables again for each page an exit touches: one page
 * here, where the table and the counts were two (docs/harness.md).  A
 * guest must run on the CPU it was created on (VMX: its VMCS is current
 * there; SVM checks it) and counts there without a lock; its counts join
 * hv_exit_counts of that CPU when it is freed (hv_exit_counts_add).
 */
#define HV_EXIT_DIRECT_SLOTS	256
#define HV_EXIT_PAGE_COUNTS	(HV_EXIT_DIRECT_SLOTS * 8)	/* the offset of the counts */
#define HV_EXIT_PAGE_STRUCT(handler_type)				\
	{								\
		handler_type *handlers[HV_EXIT_DIRECT_SLOTS];		\
		uint32_t counts[HV_EXIT_SLOTS];				\
	}

/* A guest's counts (its exit page's) added to those of `cpu`, the CPU it was created and ran on. */
void hv_exit_counts_add(unsigned cpu, const uint32_t *counts);

/*
 * The program frame's finish: one INFO line per CPU, "exits on cpuN: T in
 * all; NAME=count ...", slots named by slot_name.  Returns the exits of all CPUs.
 */
unsigned long hv_print_exit_counts(const char *(*slot_name)(unsigned slot, char *buf, size_t size));

/*
 * The bound of a guest run: a guest that makes no exit of its own for
 * HV_GUEST_BOUND_MS is stopped by the harness and its run ends as
 * "stopped" (a FAIL of the check that ran it).  VMX uses the VMX-preemption
 * timer where the CPU has one; otherwise, and on SVM, the harness's
 * watchdog: a periodic local-APIC timer interrupt on HV_WATCHDOG_VECTOR,
 * intercepted (external-interrupt exiting / the INTR intercept), taken by
 * the host and counted by the harness.
 */
#define HV_GUEST_BOUND_MS	1000
#define HV_WATCHDOG_VECTOR	0xe8

/* The bound in TSC ticks. */
uint64_t hv_bound_tsc(void);

/* The watchdog's period from the APIC timer's rate (the program frame's start, boot CPU, once). */
void hv_watchdog_calibrate(void);
/* Start and stop this CPU's watchdog timer (around a run). */
void hv_watchdog_start(void);
void hv_watchdog_stop(void);

struct hv_watch {
	uint64_t own_exits;	/* the guest's own exits (not the watchdog's) at the last tick */
	/* TSC of the run's first tick or of the first tick with no own exit since the one before; 0 if none */
	uint64_t idle_since;
};

/* own_exits before a run's first tick: no count taken yet. */
#define HV_WATCH_NO_COUNT	UINT64_MAX

/*
 * A new run.  It takes no count (summing the guest's slots costs thousands
 * of instructions, and most runs end before the first tick): the first
 * tick takes it and starts the idle clock, as a tick without an exit
 * since the one before does.  A stop still means no exit of the guest's
 * own for the bound, and a guest that makes none at all is stopped at the
 * same tick as with a count taken here.
 */
static inline void hv_watch_reset(struct hv_watch *w)
{
	w->own_exits = HV_WATCH_NO_COUNT;
	w->idle_since = 0;
}

/*
 * At a watchdog exit: true when the guest, `own_exits` exits of its own so
 * far, made none for the bound.
 */
bool hv_watchdog_expired(struct hv_watch *w, uint64_t own_exits);

/* The exits in `counts` (a guest's) in all but those of slot `except` (the watchdog's). */
uint64_t hv_exits_except(const uint32_t *counts, unsigned except);

/* Take an interrupt that is pending while the host runs with interrupts off. */
void hv_take_pending_interrupts(void);

#endif
