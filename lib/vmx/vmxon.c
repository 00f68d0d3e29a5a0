/* VMX operation on and off, per CPU (see vmxon.h). */
#include "vmxon.h"
#include "caps.h"
#include "cpuid.h"
#include "desc.h"
#include "guest.h"
#include "harness.h"
#include "insn.h"
#include "libc.h"
#include "mem.h"
#include "report.h"
#include "smp.h"

static struct vmx_cpu {
	void *vmxon_region;
	bool in_vmx;
} vmx_cpus[MAX_CPUS];

static bool vmx_missing[MAX_CPUS];
static uint32_t cpuid1_ecx[MAX_CPUS];

static void check_vmx_cpuid(void *arg)
{
	cpuid1_ecx[smp_id()] = cpuid(1).c;
	vmx_missing[smp_id()] = !cpu_has(X86_FEATURE_VMX);
}

static void enable_feature_control(void *arg)
{
	uint64_t fc = 0;

	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc);
	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr_safe(MSR_IA32_FEATURE_CONTROL,
			   fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

static bool vmxon_stage(char *why, size_t size)
{
	char got[64];
	struct hv_result r = vmx_on();

	if (!hv_result_ok(r))
		snprintf(why, size, "VMXON with region %#llx (revision %#x): expected success, got %s",
			 (unsigned long long)vmx_vmxon_region(), *(uint32_t *)phys_to_virt(vmx_vmxon_region()),
			 hv_result_str(r, got, sizeof(got)));
	return hv_result_ok(r);
}

bool vmx_program_start(unsigned flags)
{
	vmx_insn_init();
	on_cpus(check_vmx_cpuid, NULL);
	for_each_cpu(cpu) {
		if (!vmx_missing[cpu])
			continue;
		const char *hv = cpu_hypervisor_signature();
		report_prefix_push_cpu(cpu);
		report_skip("CPUID.1:ECX[5] (VMX) clear (vendor %s, CPUID.1:ECX=%#x%s%s%s): %s",
			    cpu_vendor_string(), cpuid1_ecx[cpu], *hv ? ", hypervisor '" : "", hv,
			    *hv ? "'" : "",
			    *hv ? "this environment does not emulate VMX" : "this processor has no VMX");
		report_prefix_pop();
		return false;
	}
	if (flags & HV_START_FEATURE_CONTROL)
		on_cpus(enable_feature_control, NULL);
	uint64_t fc = 0;
	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc);
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		report_skip("IA32_FEATURE_CONTROL=%#llx: locked with VMXON outside SMX disabled "
			    "(bit 2 clear): VMXON would raise #GP", (unsigned long long)fc);
		return false;
	}
	hv_watchdog_calibrate();
	if ((flags & HV_START_ENABLE) && !hv_stage_on_every_cpu("program start: VMX operation", vmxon_stage)) {
		vmx_leave_all();
		return false;
	}
	return true;
}

void *vmx_alloc_vmcs(void)
{
	uint64_t basic = vmx_cap(vmx_this_caps(), MSR_IA32_VMX_BASIC);
	uint32_t *p = alloc_page();	/* BASIC[44:32] <= 4096 (A.1) */

	*p = vmx_basic_revision(basic);
	return p;
}

void vmx_set_fixed_bits(void)
{
	const struct vmx_caps *c = vmx_this_caps();

	write_cr0((read_cr0() | vmx_cap(c, MSR_IA32_VMX_CR0_FIXED0)) &
		  (vmx_cap(c, MSR_IA32_VMX_CR0_FIXED1) | 0xffffffff00000000ull));
	write_cr4(((read_cr4() | vmx_cap(c, MSR_IA32_VMX_CR4_FIXED0)) &
		   (vmx_cap(c, MSR_IA32_VMX_CR4_FIXED1) | 0xffffffff00000000ull)) | X86_CR4_VMXE);
}

uint64_t vmx_vmxon_region(void)
{
	struct vmx_cpu *v = &vmx_cpus[smp_id()];

	if (!v->vmxon_region)
		v->vmxon_region = vmx_alloc_vmcs();
	return virt_to_phys(v->vmxon_region);
}

struct hv_result vmx_on(void)
{
	uint64_t region = vmx_vmxon_region();

	vmx_set_fixed_bits();
	struct hv_result r = vmxon(region);
	if (hv_result_ok(r))
		vmx_cpus[smp_id()].in_vmx = true;
	return r;
}

struct hv_result vmx_off(void)
{
	struct hv_result r = vmxoff();

	if (hv_result_ok(r))
		vmx_cpus[smp_id()].in_vmx = false;
	if (!vmx_cpus[smp_id()].in_vmx)
		write_cr4(read_cr4() & ~X86_CR4_VMXE);
	return r;
}

bool vmx_cpu_in_vmx(void)
{
	return vmx_cpus[smp_id()].in_vmx;
}

static uint64_t region_pa[MAX_CPUS];

static void note_region(void *arg)
{
	region_pa[smp_id()] = vmx_vmxon_region();
}

void vmx_show_vmxon_regions(void)
{
	on_cpus(note_region, NULL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report_info("VMXON region %#llx (MAXPHYADDR %u)", (unsigned long long)region_pa[cpu],
			    cpu_maxphyaddr());
		report_prefix_pop();
	}
}

static void on_one(void *arg)
{
	bool *ok = arg;
	struct hv_result r = vmx_on();

	if (!hv_result_ok(r)) {
		report_result(NULL, HV_RESULT_OK, r, "VMXON with region %#llx (revision %#x)",
			      (unsigned long long)vmx_vmxon_region(),
			      *(uint32_t *)phys_to_virt(vmx_vmxon_region()));
		*ok = false;
	}
}

bool vmx_on_all(void)
{
	bool ok = true;

	on_cpus(on_one, &ok);
	return ok;
}

void vmx_run_in_vmx(void (*fn)(void))
{
	if (!report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON"))
		return;
	fn();
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
}

static void (*in_vmx_fn)(void);

static void run_in_vmx_here(void)
{
	vmx_run_in_vmx(in_vmx_fn);
}

void vmx_each_cpu_in_vmx(void (*fn)(void))
{
	in_vmx_fn = fn;
	hv_each_cpu(run_in_vmx_here);
}

bool vmx_check_vmx_operation_at(struct report_site at, bool in_vmx, const char *what)
{
	uint64_t pa;

	return report_result_at(at, NULL, in_vmx ? HV_RESULT_OK : HV_RESULT_UD, vmptrst(&pa),
				"%s: VMPTRST %s VMX operation (31.3: %s)", what, in_vmx ? "in" : "outside",
				in_vmx ? "completes" : "#UD");
}

/* 24.8 and 31.3 (VMXOFF): after VMXOFF (and CR4.VMXE cleared) the CPU is outside VMX operation. */
static void leave_and_check(void *arg)
{
	if (vmx_cpu_in_vmx())
		report_result(NULL, HV_RESULT_OK, vmx_off(), "teardown: VMXOFF");
	else
		write_cr4(read_cr4() & ~X86_CR4_VMXE);
	vmx_check_vmx_operation(false, "teardown");
}

void vmx_leave_all(void)
{
	on_cpus(leave_and_check, NULL);
}

void vmx_program_finish(void)
{
	vmx_print_exit_counts();
	vmx_leave_all();
}
