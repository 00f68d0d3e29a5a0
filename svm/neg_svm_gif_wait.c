/*
 * Negative test of the runtime (scripts/check.sh requires its verdict to
 * be FAIL, not TIMEOUT, for the reason below): a CPU that waits for
 * another's work halts until
 * the worker's IPI says the work is done (lib/smp.h).  Here cpu0 waits in
 * on_cpu() with GIF clear (CLGI with EFER.SVME=1), so that IPI is held
 * pending (AMD APM Vol. 2, 15.17 "Global Interrupt Flag, STGI and CLGI
 * Instructions"), as a hypervisor that lost it would leave cpu0 halted
 * for good.  cpu1 does not see the IPI taken within SMP_ANSWER_MS, reports
 * that as a FAIL naming cpu0 and ends the program: a FAIL, not a hang.
 * cpu1 ends its work only once cpu0 is among its waiters; should its work
 * still end first (cpu0's wait then ends before it halts: no IPI is sent),
 * cpu0 tries again, 3 times in all.  Were the IPI taken with GIF clear,
 * the program would end with no FAIL (an INFO line says so), and check.sh
 * reports the verdict it did not get.
 */
#include "hvtest.h"
#include "svm/insn.h"
#include "svm/program.h"

/* cpu1's work: it ends once cpu0 is among its waiters (SMP_ANSWER_MS at most), so cpu0 waits halted. */
static void until_cpu0_waits(void *unused)
{
	uint64_t deadline = rdtsc() + tsc_hz() / 1000 * SMP_ANSWER_MS;

	while (!(this_cpu()->waiters & 1) && rdtsc() < deadline)
		cpu_relax();
}

#define ATTEMPTS 3

static void test_wait_with_gif_clear(void)
{
	if (nr_cpus < 2) {
		report_skip("a CPU waiting for another needs 2 CPUs (%u online)", nr_cpus);
		return;
	}
	if (!report_result(NULL, HV_RESULT_OK, svm_clgi_try(), "CLGI with EFER.SVME=1"))
		return;
	for (unsigned attempt = 1; attempt <= ATTEMPTS; attempt++) {
		unsigned ipis = this_cpu()->wake_ipis;

		on_cpu(1, until_cpu0_waits, NULL);	/* cpu1 ends the program from here */
		if (this_cpu()->wake_ipis != ipis) {
			report_info("cpu0 took the wake IPI with GIF clear: it was not held");
			break;
		}
		/* No IPI was sent: cpu1 ended its work before cpu0 was among its waiters. */
		report_info("attempt %u of %u: cpu0's wait ended before it halted", attempt, ATTEMPTS);
	}
	svm_restore_gif();
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
