/*
 * Negative test of the guest harness (scripts/check.sh requires its
 * verdict to be FAIL, not TIMEOUT): a guest that loops forever without an
 * exit is stopped by the bound of the run (docs/harness.md), its check
 * FAILs naming that, and the program goes on: the next guest on the same
 * CPU runs to its end.  Once with the VMX-preemption timer as the bound,
 * once with the harness's watchdog timer (external-interrupt exiting).
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/guest.h"
#include "vmx/vmxon.h"

static void loop_forever(void *arg)
{
	for (;;)
		cpu_relax();	/* PAUSE: no exit without "PAUSE exiting" */
}

static void returns_at_once(void *arg)
{
}

static void stuck_guest(bool watchdog)
{
	struct vmx_guest g;

	if (!vmx_guest_create(&g, loop_forever, NULL))
		return;
	if (watchdog) {
		g.ctl[VMX_PINBASED] &= ~PIN_PREEMPTION_TIMER;
		g.ctl[VMX_PINBASED] |= PIN_EXTERNAL_INTERRUPT_EXITING;
	}
	if (vmx_guest_load(&g)) {
		vmx_guest_run_to_done(&g, "a guest that loops forever (this check must FAIL)");
		report(g.stopped, "the harness stopped the guest that did not exit (reason %#x)", g.exit.reason);
		vmx_guest_set_fn(&g, returns_at_once, NULL);
		if (vmx_guest_load(&g))
			vmx_guest_run_to_done(&g, "the next guest on this CPU");
	}
	vmx_guest_free(&g);
}

static void preemption_timer(void)
{
	if (!vmx_may1(VMX_PINBASED, PIN_PREEMPTION_TIMER)) {
		report_skip("\"activate VMX-preemption timer\" may not be 1: the watchdog bounds every run");
		return;
	}
	stuck_guest(false);
}

static void watchdog(void)
{
	stuck_guest(true);
}

HV_EACH_CPU(preemption_timer)
HV_EACH_CPU(watchdog)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "preemption_timer", preemption_timer_each_cpu },
		{ "watchdog", watchdog_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
