/*
 * Negative test of the guest harness (scripts/check.sh requires its
 * verdict to be FAIL, not TIMEOUT): a guest that loops forever without an
 * exit is stopped by the bound of the run (the INTR intercept and the
 * harness's watchdog timer, docs/harness.md), its check FAILs naming that,
 * and the program goes on: the next guest on the same CPU runs to its end.
 */
#include "hvtest.h"
#include "svm/guest.h"
#include "svm/program.h"

static void loop_forever(void *arg)
{
	for (;;)
		cpu_relax();	/* PAUSE: no exit without the PAUSE intercept */
}

static void returns_at_once(void *arg)
{
}

static void stuck_guest(void)
{
	struct svm_guest g;

	if (!svm_guest_create(&g, loop_forever, NULL))
		return;
	svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&g),
			"a guest that loops forever runs to its end (this check must FAIL)");
	report(g.stopped, "the harness stopped the guest that did not exit");
	svm_guest_set_fn(&g, returns_at_once, NULL);
	svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&g), "the next guest on this CPU runs to its end");
	svm_guest_free(&g);
}

HV_EACH_CPU(stuck_guest)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "stuck_guest", stuck_guest_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
