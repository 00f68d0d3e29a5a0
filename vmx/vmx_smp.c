/*
 * Per-CPU compatibility (KVM's smp_call_function_single compatibility
 * check) and suspend/resume (register_syscore_ops): every CPU derives the
 * same VMX configuration; VMXOFF and VMXON again on every CPU, and a guest
 * still runs afterwards on each.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/guest.h"
#include "vmx/vmxon.h"

static struct vmx_caps cpu_caps[MAX_CPUS];
static struct vmx_config cpu_cfg[MAX_CPUS];
static bool cpu_cfg_ok[MAX_CPUS];

/* One named value compared between cpu0 and cpuN: a rule of its own, named by the field. */
static void same(unsigned cpu, const char *field, uint64_t v0, uint64_t vn)
{
	struct report_site row = REPORT_ROW(field);

	report_prefix_push_cpu(cpu);
	report_rule_begin(&row);
	report(v0 == vn, "%s: expected cpu0's %#llx, got %#llx", field, (unsigned long long)v0,
	       (unsigned long long)vn);
	report_rule_end();
	report_prefix_pop();
}

/*
 * SDM Vol. 3C, Appendix A: a VMM that uses VMX on several logical
 * processors relies on identical capabilities (KVM refuses to load
 * otherwise).  Each capability MSR and each derived field, by name.
 */
static void test_compat(void)
{
	vmx_derive_on_all_cpus(cpu_caps, cpu_cfg, cpu_cfg_ok);
	for (unsigned cpu = 1; cpu < nr_cpus; cpu++) {
		const struct vmx_caps *a = &cpu_caps[0], *b = &cpu_caps[cpu];
		for (uint32_t msr = VMX_CAP_MSR_FIRST; msr <= VMX_CAP_MSR_LAST; msr++) {
			char name[64];
			snprintf(name, sizeof(name), "%s readable", vmx_cap_msr_name(msr));
			same(cpu, name, vmx_cap_readable(a, msr), vmx_cap_readable(b, msr));
			same(cpu, vmx_cap_msr_name(msr), vmx_cap(a, msr), vmx_cap(b, msr));
		}
		const struct vmx_config *c0 = &cpu_cfg[0], *cn = &cpu_cfg[cpu];
		same(cpu, "derived configuration valid", cpu_cfg_ok[0], cpu_cfg_ok[cpu]);
		for (unsigned w = 0; w < VMX_PROCBASED3; w++)
			same(cpu, vmx_control_word_name(w), c0->ctl[w], cn->ctl[w]);
		same(cpu, "VMCS revision", c0->revision, cn->revision);
		same(cpu, "VMCS region size", c0->region_size, cn->region_size);
		same(cpu, "EPT/VPID capabilities in use", c0->ept_vpid_cap, cn->ept_vpid_cap);
		same(cpu, "EPT levels", c0->ept_levels, cn->ept_levels);
		same(cpu, "EPT largest page", c0->ept_max_page_shift, cn->ept_max_page_shift);
	}
	if (nr_cpus == 1)
		report_skip("one CPU: nothing to compare the derived configuration with");
	report_info("cpu0 configuration: pin=%#x proc=%#x proc2=%#x exit=%#x entry=%#x ept_levels=%u",
		    cpu_cfg[0].ctl[VMX_PINBASED], cpu_cfg[0].ctl[VMX_PROCBASED],
		    cpu_cfg[0].ctl[VMX_PROCBASED2], cpu_cfg[0].ctl[VMX_EXIT],
		    cpu_cfg[0].ctl[VMX_ENTRY], cpu_cfg[0].ept_levels);
}

static void run_guest_code(void *arg)
{
	vmx_guest_call(1);
}

/* A guest on this CPU: one VMCALL, then the end. */
static void guest_runs_here(void *arg)
{
	struct vmx_guest g;

	if (!vmx_guest_create(&g, run_guest_code, NULL))
		return;
	if (vmx_guest_load(&g)) {
		if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "guest after resume: first VMCALL"))
			report_u64(NULL, 1, g.gprs.rax, "guest after resume: VMCALL code in RAX");
		vmx_guest_run_to_done(&g, "guest after resume");
	}
	vmx_guest_free(&g);
}

/* Suspend: VMXOFF and CR4.VMXE clear; the CPU is then outside VMX operation (24.8 / 31.3 VMXOFF). */
static void suspend_here(void *arg)
{
	report_result(NULL, HV_RESULT_OK, vmx_off(), "suspend: VMXOFF");
	vmx_check_vmx_operation(false, "suspend");
}

/* Resume: VMXON again with the same region (24.7). */
static void resume_here(void *arg)
{
	report_result(NULL, HV_RESULT_OK, vmx_on(), "resume: VMXON again with region %#llx",
		      (unsigned long long)vmx_vmxon_region());
}

static void test_suspend_resume(void)
{
	for (unsigned round = 1; round <= 2; round++) {
		report_prefix_push("round%u", round);
		on_cpus(suspend_here, NULL);
		on_cpus(resume_here, NULL);
		for_each_cpu(cpu)
			on_cpu(cpu, guest_runs_here, NULL);
		report_prefix_pop();
	}
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "compat", test_compat },
		{ "suspend_resume", test_suspend_resume },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
