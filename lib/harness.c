/* What both guest harnesses share (see harness.h). */
#include "harness.h"
#include "apic.h"
#include "desc.h"
#include "libc.h"
#include "processor.h"
#include "report.h"
#include "smp.h"

uint32_t hv_exit_counts[MAX_CPUS][HV_EXIT_SLOTS];

static bool (*stage_fn)(char *why, size_t size);
static bool stage_ok[MAX_CPUS];
static char stage_why[MAX_CPUS][160];

static void stage_here(void *unused)
{
	unsigned cpu = smp_id();

	stage_why[cpu][0] = 0;
	stage_ok[cpu] = stage_fn(stage_why[cpu], sizeof(stage_why[cpu]));
}

bool hv_stage_on_every_cpu(const char *stage, bool (*fn)(char *why, size_t size))
{
	unsigned failed = 0, first = 0;

	stage_fn = fn;
	for_each_cpu(cpu)
		stage_ok[cpu] = false;
	on_cpus(stage_here, NULL);
	for_each_cpu(cpu) {
		if (stage_ok[cpu])
			continue;
		if (!failed++)
			first = cpu;
	}
	if (!failed)
		return true;
	report_prefix_push_cpu(first);
	report(false, "%s: %s%s", stage, stage_why[first][0] ? stage_why[first] : "failed",
	       failed > 1 ? " (and on other CPUs)" : "");
	report_prefix_pop();
	return false;
}

void hv_each_cpu_arg(void (*fn)(void *arg), void *arg)
{
	for_each_cpu(cpu)
		on_cpu(cpu, fn, arg);
}

static void call_void(void *fn)
{
	((void (*)(void))fn)();
}

void hv_each_cpu(void (*fn)(void))
{
	hv_each_cpu_arg(call_void, (void *)fn);
}

unsigned long hv_print_exit_counts(const char *(*slot_name)(unsigned slot, char *buf, size_t size))
{
	char line[768], name[48];
	unsigned long all = 0;

	for_each_cpu(cpu) {
		size_t n = 0;
		unsigned long total = 0;

		line[0] = 0;
		for (unsigned s = 0; s < HV_EXIT_SLOTS; s++) {
			uint32_t c = hv_exit_counts[cpu][s];
			if (!c)
				continue;
			total += c;
			if (n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%u",
						      slot_name(s, name, sizeof(name)), c);
		}
		report_prefix_push_cpu(cpu);
		report_info("exits: %lu in all;%s", total, total ? line : " none");
		report_prefix_pop();
		all += total;
	}
	return all;
}

uint64_t hv_bound_tsc(void)
{
	return tsc_hz() / 1000 * HV_GUEST_BOUND_MS;
}

static void watchdog_tick(struct ex_regs *regs)
{
	apic_eoi();
}

/* Local-APIC timer ticks per watchdog period (a quarter of the bound); see hv_watchdog_calibrate(). */
static uint32_t watchdog_count;

void hv_watchdog_calibrate(void)
{
	uint64_t c = apic_timer_ticks_per_ms() * HV_GUEST_BOUND_MS / 4;

	watchdog_count = c > 0xffffffffu ? 0xffffffffu : c ? (uint32_t)c : 1;
	set_irq_handler(HV_WATCHDOG_VECTOR, watchdog_tick);
}

void hv_watchdog_start(void)
{
	apic_timer_periodic(HV_WATCHDOG_VECTOR, watchdog_count);
}

void hv_watchdog_stop(void)
{
	apic_timer_stop();
}

void hv_exit_counts_add(unsigned cpu, const uint32_t *counts)
{
	for (unsigned s = 0; s < HV_EXIT_SLOTS; s++)
		if (counts[s])
			__atomic_fetch_add(&hv_exit_counts[cpu][s], counts[s], __ATOMIC_RELAXED);
}

uint64_t hv_exits_except(const uint32_t *counts, unsigned except)
{
	uint64_t n = 0;

	for (unsigned s = 0; s < HV_EXIT_SLOTS; s++)
		n += s == except ? 0 : counts[s];
	return n;
}

bool hv_watchdog_expired(struct hv_watch *w, uint64_t own_exits)
{
	bool progress = w->own_exits != HV_WATCH_NO_COUNT && own_exits != w->own_exits;

	w->own_exits = own_exits;
	if (progress) {
		w->idle_since = 0;
		return false;
	}
	if (!w->idle_since) {
		w->idle_since = rdtsc();
		return false;
	}
	return rdtsc() - w->idle_since >= hv_bound_tsc();
}

void hv_take_pending_interrupts(void)
{
	uint64_t flags = read_rflags();

	asm volatile("sti; nop" ::: "memory");
	write_rflags(flags);
}
