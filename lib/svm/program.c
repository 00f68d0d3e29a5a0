/* Start and end of every SVM program. */
#include "program.h"
#include "caps.h"
#include "enable.h"
#include "guest.h"
#include "svm_defs.h"
#include "hvtest.h"

bool svm_program_start(void)
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
	return true;
}

/* hardware_disable at "reboot": EFER.SVME clear on this CPU, read back. */
static void teardown_one(void *unused)
{
	uint64_t efer = svm_hardware_disable();

	report(!(efer & EFER_SVME), "teardown: EFER.SVME read back after hardware_disable: "
	       "expected 0, got %d (EFER=%#llx)", !!(efer & EFER_SVME), (unsigned long long)efer);
}

void svm_program_end(void)
{
	report_prefix_push("end");
	on_cpus(teardown_one, NULL);
	svm_exit_stats_print();
	report_prefix_pop();
}
