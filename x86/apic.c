/* Local APIC: version, timer interrupt, TSC; x2APIC mode where advertised. */
#include "hvtest.h"

#define TIMER_VECTOR 0xe0

static volatile unsigned timer_fired[MAX_CPUS];	/* per CPU: the timers run on all CPUs at once */

static void timer_handler(struct ex_regs *regs)
{
	timer_fired[smp_id()]++;
	apic_eoi();
}

static void test_version(void)
{
	uint32_t v = apic_read(APIC_LVR);
	unsigned version = v & 0xff, max_lvt = (v >> 16) & 0xff;

	/* Integrated APICs report version 1xH (SDM Vol. 3A, 11.4.8). */
	report(version >= 0x10 && version <= 0x15, "APIC version register %#x: version %#x is 10H-15H", v,
	       version);
	report(max_lvt >= 3, "max LVT entry %u (at least 3: timer, LINT0/1, error)", max_lvt);
}

/*
 * Fire the one-shot timer; wait with interrupts on for up to `limit_ms`.
 * The wait spins: a HLT after the check could miss an interrupt taken in
 * between and never wake, and the deadline must stay checkable.
 */
static bool fire_timer(uint32_t count, unsigned limit_ms)
{
	uint64_t deadline = rdtsc() + tsc_hz() / 1000 * limit_ms;

	volatile unsigned *fired = &timer_fired[smp_id()];

	*fired = 0;
	apic_timer_oneshot(TIMER_VECTOR, count);
	irq_enable();
	while (!*fired && rdtsc() < deadline)
		cpu_relax();
	irq_disable();
	apic_timer_stop();
	return *fired == 1;
}

static void timer_on_cpu(void *arg)
{
	bool fired = fire_timer(100000, 1000);

	report(fired, "one-shot APIC timer (count 100000, divide 1) fired once on vector %#x within 1 s",
	       TIMER_VECTOR);
	report(apic_read(APIC_TMCCT) == 0, "current count is 0 after the timer stopped (%u)",
	       apic_read(APIC_TMCCT));
}

static void test_timer(void)
{
	set_irq_handler(TIMER_VECTOR, timer_handler);
	on_cpus(timer_on_cpu, NULL);
}

static void tsc_monotonic(void *arg)
{
	uint64_t prev = rdtsc(), back = 0;

	for (int i = 0; i < 10000; i++) {
		uint64_t now = rdtsc();
		back += now < prev;
		prev = now;
	}
	report(!back, "TSC monotonic over 10000 reads (%llu steps back)", (unsigned long long)back);
}

static void test_tsc(void)
{
	report(tsc_hz() > 1000000, "TSC frequency %llu Hz (from %s)", (unsigned long long)tsc_hz(),
	       tsc_hz_source());
	report_info("invariant TSC (CPUID.80000007H:EDX[8]): %s",
		    cpu_has(X86_FEATURE_INVARIANT_TSC) ? "yes" : "no");
	on_cpus(tsc_monotonic, NULL);
}

static void check_x2apic(void *arg)
{
	uint32_t xapic_id = this_cpu()->apic_id;

	report(apic_enable_x2apic(), "switched to x2APIC mode");
	report(rdmsr(MSR_IA32_APIC_BASE) & (1ull << 10), "IA32_APIC_BASE.EXTD set (%#llx)",
	       (unsigned long long)rdmsr(MSR_IA32_APIC_BASE));
	report_u64(NULL, xapic_id, apic_id(), "x2APIC ID (MSR 0x802) equals the xAPIC ID");
}

static void test_x2apic(void)
{
	if (!cpu_has(X86_FEATURE_X2APIC)) {
		report_skip("CPUID.1:ECX[21] (x2APIC) clear");
		return;
	}
	on_cpus(check_x2apic, NULL);
	set_irq_handler(TIMER_VECTOR, timer_handler);
	report(fire_timer(100000, 1000), "APIC timer fires in x2APIC mode");
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "version", test_version }, { "timer", test_timer }, { "tsc", test_tsc },
		{ "x2apic", test_x2apic },
	};
	run_subtests(tests, ARRAY_SIZE(tests));
	return 0;
}
