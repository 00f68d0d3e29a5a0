/*
 * Every CPU online: each runs a function and reports its own APIC ID; they
 * run at once; per-CPU data is distinct and reached through GS; IPIs arrive;
 * two CPUs can wait for a third at once; work handed over leaves no work
 * IPI pending.
 */
#include "hvtest.h"

/*
 * One vector per sender: two fixed IPIs of the same vector pending at one
 * APIC coalesce into one IRR bit (SDM Vol. 3A, 11.8.4), so a shared vector
 * could not count arrivals.
 */
#define IPI_VECTOR_BASE 0xa0

static uint32_t seen_apic_id[MAX_CPUS];
static volatile unsigned ran_on[MAX_CPUS];

static void record_apic_id(void *arg)
{
	seen_apic_id[smp_id()] = apic_id();
	ran_on[smp_id()]++;
}

static void test_each_cpu(void)
{
	report(nr_cpus >= 1, "%u CPU(s) online", nr_cpus);
	for_each_cpu(cpu) {
		ran_on[cpu] = 0;
		on_cpu(cpu, record_apic_id, NULL);
		report_prefix_push_cpu(cpu);
		report(ran_on[cpu] == 1 && seen_apic_id[cpu] == cpu_data(cpu)->apic_id,
		       "ran the function once (%u) and reads APIC ID %u (expected %u)",
		       ran_on[cpu], seen_apic_id[cpu], cpu_data(cpu)->apic_id);
		report_prefix_pop();
	}
	unsigned dup = 0;
	for_each_cpu(a)
		for (unsigned b = a + 1; b < nr_cpus; b++)
			dup += seen_apic_id[a] == seen_apic_id[b];
	report(!dup, "APIC IDs unique across %u CPUs: %u duplicates", nr_cpus, dup);
}

/* All CPUs at once: each waits until every CPU has arrived (a barrier). */
static volatile unsigned arrived;

static void rendezvous(void *arg)
{
	uint64_t deadline = rdtsc() + tsc_hz();	/* 1 s */

	__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
	while (arrived < nr_cpus && rdtsc() < deadline)
		cpu_relax();
	report(arrived == nr_cpus, "all %u CPUs inside on_cpus() at the same time (saw %u)", nr_cpus, arrived);
}

static void test_concurrent(void)
{
	arrived = 0;
	on_cpus(rendezvous, NULL);
}

static void check_percpu(void *arg)
{
	struct percpu *c = this_cpu();

	report(c == cpu_data(smp_id()) && rdmsr(MSR_GS_BASE) == (uint64_t)c && c->self == c,
	       "per-CPU area %p reached through GS base %#llx", (void *)c,
	       (unsigned long long)rdmsr(MSR_GS_BASE));
}

static void test_percpu(void)
{
	unsigned overlap = 0;

	on_cpus(check_percpu, NULL);
	for_each_cpu(a)
		for (unsigned b = a + 1; b < nr_cpus; b++)
			overlap += (uint8_t *)cpu_data(a) + sizeof(struct percpu) > (uint8_t *)cpu_data(b) &&
				   (uint8_t *)cpu_data(b) + sizeof(struct percpu) > (uint8_t *)cpu_data(a);
	report(!overlap, "per-CPU areas of %u CPUs disjoint (%u overlaps)", nr_cpus, overlap);
}

/*
 * Two CPUs waiting for a third's work at once (lib/smp.c halts a waiting CPU
 * until the worker's IPI): cpu0 in on_cpus(), and the last CPU in on_cpu(1)
 * from its own work, while cpu1 is still busy with its part, which ends
 * when it sees both waiting (1 s at most).
 */
static volatile unsigned outer_ran, inner_ran;
static uint64_t waiters_seen;

static void inner(void *arg)
{
	inner_ran++;
}

static void outer(void *arg)
{
	uint64_t both = 1ull | 1ull << (nr_cpus - 1), deadline = rdtsc() + tsc_hz();

	if (smp_id() == 1) {
		while (cpu_data(1)->waiters != both && rdtsc() < deadline)
			cpu_relax();
		waiters_seen = cpu_data(1)->waiters;
	} else if (smp_id() == nr_cpus - 1) {
		on_cpu(1, inner, NULL);
	}
	__atomic_add_fetch(&outer_ran, 1, __ATOMIC_ACQ_REL);
}

static void test_shared_wait(void)
{
	if (nr_cpus < 3) {
		report_skip("two CPUs waiting for a third need 3 or more CPUs (%u online)", nr_cpus);
		return;
	}
	outer_ran = inner_ran = 0;
	on_cpus(outer, NULL);
	report(waiters_seen == (1ull | 1ull << (nr_cpus - 1)) && outer_ran == nr_cpus && inner_ran == 1,
	       "cpu0 and cpu%u waiting for cpu1 at once (waiters %#llx, expected %#llx): the work ran on %u "
	       "of %u CPUs, the work cpu%u handed cpu1 ran %u time(s) (expected once)", nr_cpus - 1,
	       (unsigned long long)waiters_seen, 1ull | 1ull << (nr_cpus - 1), outer_ran, nr_cpus,
	       nr_cpus - 1, inner_ran);
}

/* IPIs: every CPU sends one to every other CPU; each arrives exactly once. */
static volatile unsigned ipis_received[MAX_CPUS];

static void ipi_handler(struct ex_regs *regs)
{
	__atomic_add_fetch(&ipis_received[smp_id()], 1, __ATOMIC_RELAXED);
	apic_eoi();
}

static void send_to_others(void *arg)
{
	for_each_cpu(cpu)
		if (cpu != smp_id())
			apic_send_ipi(cpu_data(cpu)->apic_id, (uint8_t)(IPI_VECTOR_BASE + smp_id()));
	/* Receive ours with interrupts on, for up to 1 s. */
	uint64_t deadline = rdtsc() + tsc_hz();
	irq_enable();
	while (ipis_received[smp_id()] < nr_cpus - 1 && rdtsc() < deadline)
		cpu_relax();
	irq_disable();
}

static void test_ipi(void)
{
	if (nr_cpus < 2) {
		report_skip("IPIs between CPUs need 2 or more CPUs (%u online)", nr_cpus);
		return;
	}
	for_each_cpu(cpu)
		set_irq_handler(IPI_VECTOR_BASE + cpu, ipi_handler);
	for_each_cpu(cpu)
		ipis_received[cpu] = 0;
	on_cpus(send_to_others, NULL);
	udelay(1000);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(ipis_received[cpu] == nr_cpus - 1,
		       "received %u fixed IPIs, one per sender on vectors %#x+sender (expected %u)",
		       ipis_received[cpu], IPI_VECTOR_BASE, nr_cpus - 1);
		report_prefix_pop();
	}
	for_each_cpu(cpu)
		set_irq_handler(IPI_VECTOR_BASE + cpu, NULL);
}

/*
 * The runtime's own contract (lib/smp.c, ap_idle_loop): work handed to a
 * CPU right after other work comes without its work IPI still pending, so
 * no interrupt of the runtime's is left to reach what the work runs (a
 * guest with external-interrupt exiting, say).  Read at the start of the
 * work, with interrupts held: the vector's bit in the local APIC's IRR.
 */
#define HAND_OVERS 50
static volatile uint32_t work_irr[MAX_CPUS];

static void no_work(void *arg)
{
}

static void read_work_irr(void *arg)
{
	work_irr[smp_id()] = apic_read(APIC_IRR + IPI_WORK_VECTOR / 32 * 0x10) & (1u << IPI_WORK_VECTOR % 32);
}

static void test_work_ipi_not_left(void)
{
	for_each_cpu(cpu) {
		unsigned pending = 0;

		if (cpu == smp_id())
			continue;
		for (unsigned i = 0; i < HAND_OVERS; i++) {
			on_cpu_async(cpu, no_work, NULL);
			on_cpu(cpu, read_work_irr, NULL);
			pending += work_irr[cpu] != 0;
		}
		report_prefix_push_cpu(cpu);
		report(!pending, "work handed over right after other work, %u times: the work IPI (vector %#x) "
		       "pending in the IRR at the start of the work %u times", HAND_OVERS, IPI_WORK_VECTOR, pending);
		report_prefix_pop();
	}
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "each_cpu", test_each_cpu }, { "concurrent", test_concurrent },
		{ "percpu", test_percpu }, { "ipi", test_ipi }, { "shared_wait", test_shared_wait },
		{ "work_ipi", test_work_ipi_not_left },
	};
	run_subtests(tests, ARRAY_SIZE(tests));
	return 0;
}
