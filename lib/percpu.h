/* Per-CPU data, reached through the GS base on its own CPU. */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "result.h"

struct report_site;

#define MAX_CPUS		64
#define REPORT_MAX_PREFIX	8
#define REPORT_PREFIX_LEN	48
#define REPORT_MAX_RULE		4

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Saved kernel context while the CPU runs code at CPL 3 (see run_in_user). */
struct user_context {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp;
};

struct percpu {
	struct percpu *self;		/* must stay first: this_cpu() reads %gs:0 */
	unsigned cpu;			/* index: 0 is the boot CPU */
	uint32_t apic_id;
	volatile bool online;
	bool x2apic;			/* this CPU's local APIC is in x2APIC mode */

	/* The "try an instruction" state (lib/desc.c). */
	volatile bool try_armed;
	struct hv_result try_result;
	uint64_t try_cr2;		/* CR2 when the tried instruction raised #PF */

	/* Report prefixes (lib/report.c). */
	unsigned nr_prefix;
	char prefix[REPORT_MAX_PREFIX][REPORT_PREFIX_LEN];
	unsigned nr_rule;		/* open rules (report_rule_begin), innermost last */
	const struct report_site *rule[REPORT_MAX_RULE];

	/* Work handed to this CPU (lib/smp.c). */
	void (*volatile work_fn)(void *arg);
	void *volatile work_arg;
	volatile unsigned work_seq, work_started_seq, work_done_seq;
	volatile bool lost;		/* did not answer a request in time: left out (lib/smp.c) */
	volatile uint64_t waiters;	/* bit N: cpuN halts until this CPU's work is done */
	volatile unsigned wake_ipis;	/* IPI_WAKE_VECTOR interrupts this CPU took */
	volatile uint64_t idle;		/* may halt in its idle loop: SMP_IDLE | the work count done then; 0 */
	volatile unsigned work_ipis;	/* IPI_WORK_VECTOR interrupts this CPU took */

	struct tss64 tss;
	uint64_t stack_top;		/* kernel stack */
	uint64_t ring0_stack_top;	/* RSP0: exceptions from CPL 3 */
	uint64_t df_stack_top;		/* IST1: #DF, NMI */
	uint64_t user_stack_top;	/* CPL 3 stack for run_in_user */
	struct user_context user_ctx;
};

_Static_assert(MAX_CPUS <= 64, "struct percpu's waiters: one bit per CPU in a uint64_t");

extern struct percpu percpu_area[MAX_CPUS];
extern unsigned nr_cpus;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}
static inline unsigned smp_id(void) { return this_cpu()->cpu; }
static inline struct percpu *cpu_data(unsigned cpu) { return &percpu_area[cpu]; }

#endif
