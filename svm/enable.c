/* EFER.SVME and VM_HSAVE_PA per CPU. */
#include "enable.h"
#include "svm_defs.h"
#include "hvtest.h"

static void *hsave[MAX_CPUS];
static void *host_save[MAX_CPUS];

void *svm_hsave_page(unsigned cpu)
{
	if (!hsave[cpu])
		hsave[cpu] = alloc_page();
	return hsave[cpu];
}

void *svm_host_save_page(unsigned cpu)
{
	if (!host_save[cpu])
		host_save[cpu] = alloc_page();
	return host_save[cpu];
}

const char *svm_enable_status_str(enum svm_enable_status s)
{
	switch (s) {
	case SVM_ENABLE_OK: return "enabled";
	case SVM_ENABLE_BUSY: return "refused: EFER.SVME already set (-EBUSY)";
	case SVM_ENABLE_FAULT: return "faulted";
	}
	return "?";
}

struct svm_enable_result svm_hardware_enable(void)
{
	struct svm_enable_result r = { .status = SVM_ENABLE_OK };
	uint64_t efer = rdmsr(MSR_EFER);

	if (efer & EFER_SVME) {
		r.status = SVM_ENABLE_BUSY;
		return r;
	}
	r.fault = wrmsr_safe(MSR_EFER, efer | EFER_SVME);
	if (!hv_result_ok(r.fault)) {
		r.status = SVM_ENABLE_FAULT;
		r.fault_msr = "EFER";
		return r;
	}
	r.fault = wrmsr_safe(SVM_MSR_VM_HSAVE_PA, virt_to_phys(svm_hsave_page(smp_id())));
	if (!hv_result_ok(r.fault)) {
		r.status = SVM_ENABLE_FAULT;
		r.fault_msr = "VM_HSAVE_PA";
	}
	return r;
}

uint64_t svm_hardware_disable(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
	return rdmsr(MSR_EFER);
}

static void enable_one(void *ok)
{
	struct svm_enable_result r = svm_hardware_enable();
	char f[64];
	uint64_t hs = ~0ull;

	if (r.status == SVM_ENABLE_FAULT) {
		report(false, "hardware_enable: WRMSR %s faulted: %s", r.fault_msr,
		       hv_result_str(r.fault, f, sizeof(f)));
		*(volatile bool *)ok = false;
		return;
	}
	uint64_t efer = rdmsr(MSR_EFER);
	rdmsr_safe(SVM_MSR_VM_HSAVE_PA, &hs);
	uint64_t want = virt_to_phys(svm_hsave_page(smp_id()));
	if (!report(r.status == SVM_ENABLE_OK && (efer & EFER_SVME) && hs == want,
		    "hardware_enable: %s, EFER=%#llx (SVME=%d), VM_HSAVE_PA=%#llx (expected %#llx)",
		    svm_enable_status_str(r.status), (unsigned long long)efer,
		    !!(efer & EFER_SVME), (unsigned long long)hs, (unsigned long long)want))
		*(volatile bool *)ok = false;
}

bool svm_enable_all(void)
{
	volatile bool ok = true;

	on_cpus(enable_one, (void *)&ok);
	return ok;
}

void svm_check_hsave_pages(void)
{
	for_each_cpu(a) {
		uint64_t pa = virt_to_phys(svm_hsave_page(a));
		bool distinct = true;
		for (unsigned b = 0; b < nr_cpus; b++)
			distinct &= b == a || virt_to_phys(svm_hsave_page(b)) != pa;
		report(IS_ALIGNED(pa, PAGE_SIZE) && distinct,
		       "cpu%u host save area %#llx: 4K-aligned and distinct from every other CPU's",
		       a, (unsigned long long)pa);
	}
}

/* KVM's svm_hardware_enable() returns -EBUSY when EFER.SVME is already set. */
static void enable_again(void *unused)
{
	uint64_t before = rdmsr(SVM_MSR_VM_HSAVE_PA);
	struct svm_enable_result r = svm_hardware_enable();
	uint64_t after = rdmsr(SVM_MSR_VM_HSAVE_PA);

	report(r.status == SVM_ENABLE_BUSY && before == after,
	       "second hardware_enable: expected refused (-EBUSY) with VM_HSAVE_PA unchanged, "
	       "got %s, VM_HSAVE_PA %#llx -> %#llx", svm_enable_status_str(r.status),
	       (unsigned long long)before, (unsigned long long)after);
}

void svm_check_enable_refused(void)
{
	on_cpus(enable_again, NULL);
}
