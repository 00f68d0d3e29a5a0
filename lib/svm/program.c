/* Start and finish of every SVM program. */
#include "program.h"
#include "caps.h"
#include "enable.h"
#include "guest.h"
#include "svm_defs.h"
#include "hvtest.h"

static bool enable_stage(char *why, size_t size)
{
	char f[64];
	struct svm_enable_result r = svm_hardware_enable();

	if (r.status == SVM_ENABLE_FAULT)
		snprintf(why, size, "hardware_enable: WRMSR %s: expected success, got %s", r.fault_msr,
			 hv_result_str(r.fault, f, sizeof(f)));
	else if (r.status != SVM_ENABLE_OK)
		snprintf(why, size, "hardware_enable: expected enabled, got %s (EFER=%#llx)",
			 svm_enable_status_str(r.status), (unsigned long long)rdmsr(MSR_EFER));
	return r.status == SVM_ENABLE_OK;
}

/* hardware_disable at "reboot": EFER.SVME clear on this CPU, read back. */
static void teardown_one(void *unused)
{
	uint64_t efer = svm_hardware_disable();

	report(!(efer & EFER_SVME), "teardown: EFER.SVME read back after hardware_disable: "
	       "expected 0, got %d (EFER=%#llx)", !!(efer & EFER_SVME), (unsigned long long)efer);
}

bool svm_program_start(unsigned flags)
{
	const struct svm_caps *c = svm_boot_caps();
	char why[160];

	if (!svm_caps_has_svm(c, why, sizeof(why))) {
		report_skip("SVM absent: %s", why);
		return false;
	}
	if (svm_caps_disabled(c)) {
		report_skip("SVM disabled by firmware: VM_CR=%#llx (SVMDIS set, LOCK=%d)",
			    (unsigned long long)c->vm_cr, !!(c->vm_cr & SVM_VM_CR_LOCK));
		return false;
	}
	hv_watchdog_calibrate();
	if ((flags & HV_START_ENABLE) && !hv_stage_on_every_cpu("program start: SVM enable", enable_stage)) {
		on_cpus(teardown_one, NULL);
		return false;
	}
	return true;
}

void svm_program_finish(void)
{
	svm_print_exit_counts();
	on_cpus(teardown_one, NULL);
}
