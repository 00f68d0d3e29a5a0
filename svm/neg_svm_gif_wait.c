/*
 * Negative test of the runtime (scripts/check.sh requires its verdict to
 * be FAIL, not TIMEOUT): a CPU that waits for another's work halts until
 * the worker's IPI says the work is done (lib/smp.h).  Here cpu0 waits in
 * on_cpu() with GIF clear (CLGI with EFER.SVME=1), so that IPI is held
 * pending (AMD APM Vol. 2, 15.17 "Global Interrupt Flag, STGI and CLGI
 * Instructions"), as a hypervisor that lost it would leave cpu0 halted
 * for good.  cpu1 does not see the IPI taken within SMP_ANSWER_MS, reports
 * that as a FAIL naming cpu0 and ends the program: a FAIL, not a hang.
 * Were the IPI taken with GIF clear, the program would end with no FAIL
 * (an INFO line says so), and check.sh reports the verdict it did not get.
 */
#include "hvtest.h"
#include "svm/insn.h"
#include "svm/program.h"

/* cpu1's work: it ends once cpu0 is among its waiters (1 s at most), so cpu0 waits halted. */
static void until_cpu0_waits(void *unused)
{
	uint64_t deadline = rdtsc() + tsc_hz();

	while (!(this_cpu()->waiters & 1) && rdtsc() < deadline)
		cpu_relax();
}

static void test_wait_with_gif_clear(void)
{
	if (nr_cpus < 2) {
		report_skip("a CPU waiting for another needs 2 CPUs (%u online)", nr_cpus);
		return;
	}
	if (!report_result(NULL, HV_RESULT_OK, svm_clgi_try(), "CLGI with EFER.SVME=1"))
		return;
	on_cpu(1, until_cpu0_waits, NULL);	/* cpu1 ends the program from here */
	svm_restore_gif();
	report_info("cpu0 woke from its wait with GIF clear: the wake IPI was not held");
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "wait_with_gif_clear", test_wait_with_gif_clear },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
