/*
 * The seed's svm_init() tree, step by step, as the test OS performs each
 * step itself (../shared/bringup-map.md, the AMD half):
 *
 *   svm_init > kvm_init > kvm_arch_init > has_svm, is_disabled
 *                       > svm_hardware_setup
 *                       > svm_check_processor_compat   (every CPU)
 *                       > hardware_enable              (every CPU)
 *            > hardware_disable                        (every CPU)
 */
#include "hvtest.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

static struct svm_caps per_cpu_caps[MAX_CPUS];

static void read_caps(void *unused)
{
	svm_caps_read(&per_cpu_caps[smp_id()]);
}

/*
 * has_svm(): vendor, leaf 0x8000000A present, CPUID 0x80000001 ECX[2] (APM
 * 15.4), on every other CPU the same answer as on cpu0 (cpu0 against itself
 * would compare a CPU with itself: not a check).
 */
static void has_svm_on_cpu(void *unused)
{
	const struct svm_caps *c = &per_cpu_caps[smp_id()];
	char why[160];

	if (smp_id() == 0)
		return;
	bool ok = svm_caps_has_svm(c, why, sizeof(why));
	bool boot = svm_caps_has_svm(svm_boot_caps(), why, sizeof(why));

	report(ok == boot, "has_svm: expected %s (cpu0's answer), got %s (vendor %s, max extended "
	       "leaf %#x, SVM bit %d)", boot ? "yes" : "no", ok ? "yes" : "no", c->vendor, c->max_ext,
	       c->svm);
}

static bool step_has_svm(void)
{
	const struct svm_caps *c = svm_boot_caps();
	char why[160];
	bool ok = svm_caps_has_svm(c, why, sizeof(why));

	step_begin("has_svm");
	on_cpus(read_caps, NULL);
	step_value("vendor", "%s", c->vendor);
	step_value("max_ext_leaf", "%#x", c->max_ext);
	step_value("svm", "%d", c->svm);
	if (!ok)
		report_skip("SVM absent: %s", why);
	else if (nr_cpus == 1)
		report_skip("has_svm on other CPUs: one CPU only");
	else
		on_cpus(has_svm_on_cpu, NULL);
	step_end();
	return ok;
}

/* is_disabled(): VM_CR (APM 15.30.1, present on every SVM processor): SVMDIS bit 4, LOCK bit 3. */
static void vm_cr_on_cpu(void *unused)
{
	const struct svm_caps *c = &per_cpu_caps[smp_id()];

	report_erratum("bochs-vm-cr-gp", c->vm_cr_valid,
		       "RDMSR VM_CR (%#x) on an SVM processor: expected success, got %s, value %#llx",
		       SVM_MSR_VM_CR, c->vm_cr_valid ? "success" : "a fault", (unsigned long long)c->vm_cr);
}

static bool step_is_disabled(void)
{
	const struct svm_caps *c = svm_boot_caps();
	bool lock = c->vm_cr & SVM_VM_CR_LOCK, svml = svm_has(SVM_FEAT_SVML);

	step_begin("is_disabled");
	step_value("VM_CR", "%#llx", (unsigned long long)c->vm_cr);
	step_value("SVMDIS", "%d", !!(c->vm_cr & SVM_VM_CR_SVMDIS));
	step_value("LOCK", "%d", lock);
	step_value("SVML", "%d", svml);
	on_cpus(vm_cr_on_cpu, NULL);
	if (lock)
		report_info("VM_CR.LOCK set: SVMDIS is read-only %s", svml ?
			    "until unlocked through SVM_KEY (SVML advertised)" :
			    "until reset (SVML not advertised: no SVM_KEY unlock)");
	else
		report_info("VM_CR.LOCK clear: SVMDIS writable (checked by svm_enable)");
	bool disabled = svm_caps_disabled(c);
	if (disabled)
		report_skip("SVM disabled by firmware: VM_CR.SVMDIS set (VM_CR=%#llx)",
			    (unsigned long long)c->vm_cr);
	step_end();
	return !disabled;
}

/*
 * svm_hardware_setup: CPUID 8000000A (APM 15.4, Vol. 3 E.4.9).  The IOPM and
 * MSRPM (APM 15.10.1, 15.11) are the guest harness's (svm_guest_create); what
 * the CPU does with them is checked port by port and MSR by MSR in
 * svm_intercepts.
 */
static bool step_hardware_setup(void)
{
	const struct svm_caps *c = svm_boot_caps();
	char feats[512];

	step_begin("svm_hardware_setup");
	step_value("revision", "%u", c->rev);
	step_value("nasid", "%u", c->nasid);
	step_value("EDX", "%#x", c->edx);
	step_value("features", "%s", svm_caps_features(c->edx, feats, sizeof(feats)));
	/* ASID 0 is the host's; a guest needs at least one more (APM 15.16). */
	report(c->nasid >= 2, "CPUID 0x8000000A EBX (ASIDs): expected at least 2 (the host's and one "
	       "guest's), got %u", c->nasid);
	report_info("CPUID 0x8000000A: EAX=%#x EBX=%#x ECX=%#x EDX=%#x; features: %s",
		    c->rev, c->nasid, c->ecx, c->edx, feats);
	bool ok = !step_failed();
	step_end();
	return ok;
}

/* svm_check_processor_compat: every other CPU answers as cpu0. */
static void compat_on_cpu(void *unused)
{
	char diff[192];

	if (smp_id() == 0)
		return;
	bool same = svm_caps_equal(svm_boot_caps(), &per_cpu_caps[smp_id()], diff, sizeof(diff));

	report(same, "SVM capabilities: expected identical to cpu0's%s%s", same ? "" : ", got a "
	       "difference in ", same ? "" : diff);
}

static void step_compat(void)
{
	step_begin("svm_check_processor_compat");
	step_value("cpus", "%u", nr_cpus);
	on_cpus(read_caps, NULL);	/* recomputed now, after setup */
	if (nr_cpus == 1)
		report_skip("capabilities of other CPUs: one CPU only");
	else
		on_cpus(compat_on_cpu, NULL);
	step_end();
}

/* hardware_enable: EFER.SVME + VM_HSAVE_PA on every CPU; a second enable refused. */
static void step_hardware_enable(void)
{
	step_begin("hardware_enable");
	bool ok = svm_enable_all();
	svm_check_hsave_pages();
	if (ok)
		svm_check_enable_refused();
	step_value("cpus", "%u", nr_cpus);
	for_each_cpu(cpu) {
		char key[16];
		snprintf(key, sizeof(key), "hsave_cpu%u", cpu);
		step_value(key, "%#llx", (unsigned long long)virt_to_phys(svm_hsave_page(cpu)));
	}
	step_end();
}

int main(int argc, char **argv)
{
	step_begin("svm_init");
	step_begin("kvm_init");
	step_begin("kvm_arch_init");
	bool go = step_has_svm() && step_is_disabled();
	step_end();
	if (go && step_hardware_setup()) {
		step_compat();
		step_hardware_enable();
	}
	step_end();
	if (go) {
		step_begin("hardware_disable");
		svm_program_finish();
		step_end();
	}
	step_end();
	return 0;
}
