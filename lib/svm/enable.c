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
		report(false, "hardware_enable: WRMSR %s: expected success, got %s", r.fault_msr,
		       hv_result_str(r.fault, f, sizeof(f)));
		*(volatile bool *)ok = false;
		return;
	}
	uint64_t efer = rdmsr(MSR_EFER);
	rdmsr_safe(SVM_MSR_VM_HSAVE_PA, &hs);
	uint64_t want = virt_to_phys(svm_hsave_page(smp_id()));
	if (!report(r.status == SVM_ENABLE_OK && (efer & EFER_SVME) && hs == want,
		    "hardware_enable: expected enabled, EFER.SVME=1 and VM_HSAVE_PA=%#llx read back, "
		    "got %s, EFER=%#llx (SVME=%d), VM_HSAVE_PA=%#llx", (unsigned long long)want,
		    svm_enable_status_str(r.status), (unsigned long long)efer,
		    !!(efer & EFER_SVME), (unsigned long long)hs))
		*(volatile bool *)ok = false;
}

bool svm_enable_all(void)
{
	volatile bool ok = true;

	on_cpus(enable_one, (void *)&ok);
	return ok;
}

/* VM_HSAVE_PA as each CPU reads it back (all CPUs at once). */
static uint64_t hsave_read_back[MAX_CPUS];

static void read_hsave_pa(void *unused)
{
	uint64_t v = ~0ull;

	rdmsr_safe(SVM_MSR_VM_HSAVE_PA, &v);
	hsave_read_back[smp_id()] = v;
}

/*
 * VM_HSAVE_PA is a register of each CPU (APM 15.30.4): read back on every
 * CPU after all of them wrote their own page, each holds its own 4K-aligned
 * address, different from every other CPU's (one register shared by all
 * CPUs would show the last CPU's page everywhere).
 */
void svm_check_hsave_pages(void)
{
	on_cpus(read_hsave_pa, NULL);
	for_each_cpu(a) {
		uint64_t pa = hsave_read_back[a], want = virt_to_phys(svm_hsave_page(a));
		unsigned other = a;

		for (unsigned b = 0; b < nr_cpus; b++)
			if (b != a && hsave_read_back[b] == pa)
				other = b;
		report_prefix_push_cpu(a);
		report(pa == want && IS_ALIGNED(pa, PAGE_SIZE) && other == a,
		       "VM_HSAVE_PA read back on that CPU: expected its own page %#llx, "
		       "4K-aligned and no other CPU's, got %#llx%s", (unsigned long long)want,
		       (unsigned long long)pa, other == a ? "" : " (another CPU's value too)");
		report_prefix_pop();
	}
}

/*
 * KVM's svm_hardware_enable() returns -EBUSY when EFER.SVME is already set:
 * the SVME bit the first enable wrote must still read back 1 on every CPU.
 */
static void enable_again(void *unused)
{
	struct svm_enable_result r = svm_hardware_enable();

	report(r.status == SVM_ENABLE_BUSY, "second hardware_enable: expected refused (EFER.SVME "
	       "still reads 1, -EBUSY), got %s (EFER=%#llx)", svm_enable_status_str(r.status),
	       (unsigned long long)rdmsr(MSR_EFER));
}

void svm_check_enable_refused(void)
{
	on_cpus(enable_again, NULL);
}
