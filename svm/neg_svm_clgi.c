/*
 * Negative test of the harness (scripts/check.sh requires its verdict to
 * be FAIL, not TIMEOUT): a check whose instruction unexpectedly completes
 * and changes CPU state.  On every CPU at once, CLGI with EFER.SVME=1 is
 * expected, wrongly and on purpose, to raise #UD (as it must with
 * EFER.SVME=0): it completes and clears GIF, as a CLGI did under KVM where
 * it had to fault.  The check FAILs, GIF is set again (svm_restore_gif), and
 * every CPU still takes up the next request and takes an interrupt.  Were
 * GIF left clear, the CPU would be reported as not answering (lib/smp.c)
 * and the program would still end, with that FAIL.
 */
#include "hvtest.h"
#include "svm/insn.h"
#include "svm/program.h"

#define SELF_IPI_VECTOR	0xe9

static volatile bool answered[MAX_CPUS];
static volatile unsigned interrupts[MAX_CPUS];

static void clgi_expected_to_fault(void *unused)
{
	struct hv_result r = svm_clgi_try();

	if (!hv_result_matches(HV_RESULT_UD, r))
		svm_restore_gif();
	report_result(NULL, HV_RESULT_UD, r, "CLGI with EFER.SVME=1 expected (wrongly, on purpose) to "
		      "raise #UD (this check must FAIL)");
}

static void self_ipi(struct ex_regs *regs)
{
	interrupts[smp_id()]++;
	apic_eoi();
}

/* Taken up by every CPU, with an interrupt of its own delivered (GIF and IF set). */
static void answer(void *unused)
{
	unsigned cpu = smp_id();

	answered[cpu] = true;
	irq_enable();
	apic_send_ipi(apic_id(), SELF_IPI_VECTOR);
	for (unsigned spins = 0; !interrupts[cpu] && spins < 1000000; spins++)
		cpu_relax();
	irq_disable();
}

static void test_clgi(void)
{
	set_irq_handler(SELF_IPI_VECTOR, self_ipi);
	on_cpus(clgi_expected_to_fault, NULL);
	on_cpus(answer, NULL);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		report(answered[cpu] && interrupts[cpu], "cpu%u after the CLGI: took up the next request "
		       "(%s) and a self-IPI (%u taken)", cpu, answered[cpu] ? "yes" : "no", interrupts[cpu]);
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "clgi", test_clgi },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
