/*
 * setup_vmcs_config: the VMX capability MSRs (SDM Vol. 3C, Appendix A "VMX
 * Capability Reporting Facility") checked rule by rule on every CPU, the
 * configuration KVM derives from them, and the behavioural sweep: every
 * control a capability MSR allows to be 1, set in the harness's valid
 * state, lets VM entry succeed and the guest run and exit as planned, and
 * every control it does not allow (a must-be-0 set, a must-be-1 cleared)
 * makes VM entry fail with "invalid control field" (VM-instruction error
 * 7) (SDM Vol. 3C, 27.2.1 "Checks on VMX Controls").
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

static const struct vmx_caps *caps;

static uint64_t cap(uint32_t msr)
{
	return vmx_cap(caps, msr);
}

static bool readable(uint32_t msr)
{
	return vmx_cap_readable(caps, msr);
}

/* A.1: bit 31 of IA32_VMX_BASIC is always 0. */
static void basic_bit31(void)
{
	report(!(cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_BIT31), "BASIC[31] = 0: BASIC=%#llx",
	       (unsigned long long)cap(MSR_IA32_VMX_BASIC));
}

/* A.1: bits 44:32, the VMXON region / VMCS size, are at most 4096 (and a region has a size). */
static void basic_region_size(void)
{
	unsigned size = vmx_basic_region_size(cap(MSR_IA32_VMX_BASIC));

	report(size >= 1 && size <= 4096, "BASIC[44:32] region size in 1..4096: %u", size);
}

/*
 * A.1: the VMCS memory type (bits 53:50) is UC (0) or WB (6); the other
 * values are reserved.  KVM requires WB: UC is a SKIP, not a failure.
 */
static void basic_memory_type(void)
{
	unsigned type = vmx_basic_memory_type(cap(MSR_IA32_VMX_BASIC));

	report(type == VMX_MEMORY_TYPE_UC || type == VMX_MEMORY_TYPE_WB,
	       "BASIC[53:50] VMCS memory type: expected UC (0) or WB (6), got %u", type);
	if (type == VMX_MEMORY_TYPE_UC)
		report_skip("BASIC[53:50] VMCS memory type UC: KVM requires WB (6)");
}

/* A.1: bit 48 (addresses limited to 32 bits) is 0 on processors that support Intel 64. */
static void basic_bit48(void)
{
	report(!(cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_32BIT_ADDRESSES),
	       "BASIC[48] = 0 on a 64-bit processor: BASIC=%#llx", (unsigned long long)cap(MSR_IA32_VMX_BASIC));
}

/* A.1: BASIC[55] = 1 iff the four IA32_VMX_TRUE_*_CTLS MSRs exist (0x48D-0x490). */
static void basic_true_controls(void)
{
	bool bit55 = cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS;

	for (uint32_t msr = MSR_IA32_VMX_TRUE_PINBASED_CTLS; msr <= MSR_IA32_VMX_TRUE_ENTRY_CTLS; msr++)
		report(readable(msr) == bit55, "%s readable (%s) iff BASIC[55] (%u)", vmx_cap_msr_name(msr),
		       readable(msr) ? "yes" : "#GP", bit55);
}

/* A.3-A.5: a control that must be 1 may be 1 (allowed-0 bits are a subset of allowed-1 bits). */
static void control_msrs_consistent(void)
{
	static const uint32_t msrs[] = {
		MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_EXIT_CTLS,
		MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_PROCBASED_CTLS2, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		MSR_IA32_VMX_TRUE_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++) {
		if (!readable(msrs[i]))
			continue;
		uint64_t v = cap(msrs[i]);
		uint32_t must1 = (uint32_t)v, may1 = (uint32_t)(v >> 32);
		report(!(must1 & ~may1), "%s=%#llx: must-be-1 bits %#x within allowed-1 bits %#x",
		       vmx_cap_msr_name(msrs[i]), (unsigned long long)v, must1, may1);
	}
}

/* A.2: the legacy MSRs report every "default1" control as must-be-1 (allowed-0 bit set). */
static void legacy_default1(void)
{
	for (unsigned w = VMX_PINBASED; w <= VMX_ENTRY; w++) {
		uint32_t msr = vmx_control_word_msr(w), default1 = vmx_control_word_default1(w);
		if (!default1)
			continue;
		uint32_t must1 = (uint32_t)cap(msr);
		report((must1 & default1) == default1,
		       "%s allowed-0 %#x reports every default1 control (%#x) as must-be-1",
		       vmx_cap_msr_name(msr), must1, default1);
	}
}

/*
 * A.3.1-A.5: a TRUE MSR differs from its legacy MSR only in the default1
 * controls, which it may allow to be 0: legacy allowed-0 = TRUE allowed-0
 * OR default1, exactly; and the allowed-1 settings are the same.
 */
static void true_vs_legacy(void)
{
	if (!(cap(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS)) {
		report_skip("BASIC[55] clear: no TRUE capability MSRs to compare with the legacy ones");
		return;
	}
	for (unsigned w = VMX_PINBASED; w <= VMX_ENTRY; w++) {
		uint32_t legacy = vmx_control_word_msr(w), true_msr = vmx_control_word_true_msr(w);
		if (!true_msr)
			continue;
		uint64_t l = cap(legacy), t = cap(true_msr);
		report_u64(NULL, (uint32_t)t | vmx_control_word_default1(w), (uint32_t)l,
			   "%s allowed-0 = %s allowed-0 %#x OR default1 %#x", vmx_cap_msr_name(legacy),
			   vmx_cap_msr_name(true_msr), (uint32_t)t, vmx_control_word_default1(w));
		report_u64(NULL, l >> 32, t >> 32, "%s allowed-1 equals %s allowed-1",
			   vmx_cap_msr_name(true_msr), vmx_cap_msr_name(legacy));
	}
}

/* A.3.3: IA32_VMX_PROCBASED_CTLS2 exists iff primary control bit 31 may be 1. */
static void ctls2_readable(void)
{
	bool secondary = (cap(MSR_IA32_VMX_PROCBASED_CTLS) >> 32) & CPU_ACTIVATE_SECONDARY_CONTROLS;

	report(readable(MSR_IA32_VMX_PROCBASED_CTLS2) == secondary,
	       "IA32_VMX_PROCBASED_CTLS2 readable (%s) iff PROCBASED_CTLS[63] (%u)",
	       readable(MSR_IA32_VMX_PROCBASED_CTLS2) ? "yes" : "#GP", secondary);
}

/* A.10: IA32_VMX_EPT_VPID_CAP exists iff secondary "enable EPT" or "enable VPID" may be 1. */
static void ept_vpid_cap_readable(void)
{
	uint32_t may1 = vmx_allowed(caps, VMX_PROCBASED2).may1;
	bool either = may1 & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID);

	report(readable(MSR_IA32_VMX_EPT_VPID_CAP) == either,
	       "IA32_VMX_EPT_VPID_CAP readable (%s) iff EPT or VPID may be 1 (secondary allowed-1 %#x)",
	       readable(MSR_IA32_VMX_EPT_VPID_CAP) ? "yes" : "#GP", may1);
}

/* A.11: IA32_VMX_VMFUNC exists iff secondary "enable VM functions" may be 1. */
static void vmfunc_readable(void)
{
	bool vmfunc = vmx_allowed(caps, VMX_PROCBASED2).may1 & CPU2_ENABLE_VM_FUNCTIONS;

	report(readable(MSR_IA32_VMX_VMFUNC) == vmfunc, "IA32_VMX_VMFUNC readable (%s) iff "
	       "\"enable VM functions\" may be 1 (%u)", readable(MSR_IA32_VMX_VMFUNC) ? "yes" : "#GP", vmfunc);
}

/*
 * A.7-A.8: a bit fixed to 1 (FIXED0) is allowed to be 1 (FIXED1); CR4.VMXE
 * is fixed to 1.  Which CR0 bits are fixed is the CPU's to say (PE and PG
 * are, except with unrestricted guest): printed, not a rule.
 */
static void fixed_msrs(void)
{
	uint64_t cr0f0 = cap(MSR_IA32_VMX_CR0_FIXED0), cr0f1 = cap(MSR_IA32_VMX_CR0_FIXED1);
	uint64_t cr4f0 = cap(MSR_IA32_VMX_CR4_FIXED0), cr4f1 = cap(MSR_IA32_VMX_CR4_FIXED1);

	report(!(cr0f0 & ~cr0f1), "CR0_FIXED0 %#llx within CR0_FIXED1 %#llx", (unsigned long long)cr0f0,
	       (unsigned long long)cr0f1);
	report(!(cr4f0 & ~cr4f1), "CR4_FIXED0 %#llx within CR4_FIXED1 %#llx", (unsigned long long)cr4f0,
	       (unsigned long long)cr4f1);
	report(cr4f0 & X86_CR4_VMXE, "CR4.VMXE fixed to 1 in VMX operation: CR4_FIXED0=%#llx",
	       (unsigned long long)cr4f0);
	report_info("CR0_FIXED0=%#llx: PE %u, NE %u, PG %u fixed to 1", (unsigned long long)cr0f0,
		    !!(cr0f0 & X86_CR0_PE), !!(cr0f0 & X86_CR0_NE), !!(cr0f0 & X86_CR0_PG));
}

/* A.6: if "unrestricted guest" may be 1, MISC[5] (exits store EFER.LMA) is 1. */
static void misc_lma(void)
{
	bool ug = vmx_allowed(caps, VMX_PROCBASED2).may1 & CPU2_UNRESTRICTED_GUEST;

	if (!ug) {
		report_skip("\"unrestricted guest\" not allowed: MISC[5] is not constrained");
		return;
	}
	report(cap(MSR_IA32_VMX_MISC) & VMX_MISC_STORE_EFER_LMA, "MISC[5] set with unrestricted guest: "
	       "MISC=%#llx", (unsigned long long)cap(MSR_IA32_VMX_MISC));
}

/* A.9: VMCS_ENUM bits 9:1 are the highest index; bit 0 and bits 63:10 are reserved (0). */
static void vmcs_enum_format(void)
{
	uint64_t e = cap(MSR_IA32_VMX_VMCS_ENUM);

	report(!(e & ~((uint64_t)VMX_VMCS_ENUM_INDEX_MASK << VMX_VMCS_ENUM_INDEX_SHIFT)), "VMCS_ENUM=%#llx: only bits 9:1 set (highest index %u; the field table's is %u)",
	       (unsigned long long)e, vmx_vmcs_enum_max_index(e), vmcs_field_max_index());
}

/* setup_vmcs_config: KVM's minimum control set is allowed (else SKIP naming the control). */
static void kvm_minimum(void)
{
	struct vmx_config cfg;

	if (!vmx_config_derive(caps, &cfg)) {
		report_skip("KVM's minimum control set is not allowed: %s", cfg.missing);
		return;
	}
	report_info("KVM's minimum controls allowed: pin=%#x proc=%#x proc2=%#x exit=%#x entry=%#x",
	       cfg.ctl[VMX_PINBASED], cfg.ctl[VMX_PROCBASED], cfg.ctl[VMX_PROCBASED2],
	       cfg.ctl[VMX_EXIT], cfg.ctl[VMX_ENTRY]);
}

static void consistency(void)
{
	static void (*const rules[])(void) = {
		basic_bit31, basic_region_size, basic_memory_type, basic_bit48, basic_true_controls,
		control_msrs_consistent, legacy_default1, true_vs_legacy, ctls2_readable,
		ept_vpid_cap_readable, vmfunc_readable, fixed_msrs, misc_lma, vmcs_enum_format,
		kvm_minimum,
	};

	caps = vmx_this_caps();
	for (unsigned i = 0; i < ARRAY_SIZE(rules); i++)
		rules[i]();
}

HV_EACH_CPU(consistency)

/* The behavioural sweep. */

/*
 * Controls whose setting requires others (SDM Vol. 3C, 27.2.1.1 "VM-Execution
 * Control Fields" and 27.2.1.3 "VM-Entry Control Fields"); each is
 * set together with what it requires.
 */
static const struct control_dep {
	enum vmx_control_word word;
	uint32_t control;
	uint32_t need[VMX_PROCBASED3];
} deps[] = {
	{ VMX_PINBASED, PIN_VIRTUAL_NMIS, { [VMX_PINBASED] = PIN_NMI_EXITING } },
	{ VMX_PINBASED, PIN_POSTED_INTERRUPTS, {
		[VMX_PINBASED] = PIN_EXTERNAL_INTERRUPT_EXITING,
		[VMX_PROCBASED] = CPU_USE_TPR_SHADOW | CPU_ACTIVATE_SECONDARY_CONTROLS,
		[VMX_PROCBASED2] = CPU2_VIRTUAL_INTERRUPT_DELIVERY,
		[VMX_EXIT] = EXIT_ACK_INTERRUPT_ON_EXIT } },
	{ VMX_PROCBASED, CPU_NMI_WINDOW_EXITING, {
		[VMX_PINBASED] = PIN_NMI_EXITING | PIN_VIRTUAL_NMIS } },
	{ VMX_PROCBASED2, CPU2_VIRTUALIZE_X2APIC_MODE, { [VMX_PROCBASED] = CPU_USE_TPR_SHADOW } },
	{ VMX_PROCBASED2, CPU2_APIC_REGISTER_VIRTUALIZATION, { [VMX_PROCBASED] = CPU_USE_TPR_SHADOW } },
	{ VMX_PROCBASED2, CPU2_VIRTUAL_INTERRUPT_DELIVERY, {
		[VMX_PROCBASED] = CPU_USE_TPR_SHADOW,
		[VMX_PINBASED] = PIN_EXTERNAL_INTERRUPT_EXITING } },
	{ VMX_PROCBASED2, CPU2_UNRESTRICTED_GUEST, { [VMX_PROCBASED2] = CPU2_ENABLE_EPT } },
	{ VMX_PROCBASED2, CPU2_ENABLE_PML, { [VMX_PROCBASED2] = CPU2_ENABLE_EPT } },
	{ VMX_PROCBASED2, CPU2_MODE_BASED_EXECUTE_CONTROL, { [VMX_PROCBASED2] = CPU2_ENABLE_EPT } },
	{ VMX_PROCBASED2, CPU2_SUB_PAGE_WRITE_PERMISSIONS, { [VMX_PROCBASED2] = CPU2_ENABLE_EPT } },
	{ VMX_EXIT, EXIT_SAVE_PREEMPTION_TIMER, { [VMX_PINBASED] = PIN_PREEMPTION_TIMER } },
};

/*
 * 27.2.1.3: outside SMM, "entry to SMM" and "deactivate dual-monitor
 * treatment" must be 0 whatever the capability MSR allows: VM entry fails
 * with error 7 when either is set.
 */
static bool smm_only_entry_control(enum vmx_control_word w, uint32_t control)
{
	return w == VMX_ENTRY && (control == ENTRY_ENTRY_TO_SMM || control == ENTRY_DEACTIVATE_DUAL_MONITOR);
}

static struct vmx_guest sweep_guest;
static struct vmx_ept sweep_ept;

static void sweep_guest_code(void *arg)
{
}

/*
 * VM entry from the harness's valid state (every field a control may make
 * VM entry check is valid there) with the controls ctl; the VMCS is
 * cleared and written afresh each time.
 */
static struct hv_result sweep_entry(const uint32_t ctl[VMX_PROCBASED3])
{
	memcpy(sweep_guest.ctl, ctl, sizeof(sweep_guest.ctl));
	if (!vmx_guest_load(&sweep_guest))
		return VMFAIL_INVALID;	/* the load said why; no entry was made */
	return vmx_guest_run(&sweep_guest);
}

static const char *control_label(enum vmx_control_word w, uint32_t control, char *buf, unsigned size)
{
	const char *name = vmx_control_name(w, control);

	snprintf(buf, size, "%s bit %u (%s)", vmx_control_word_name(w), __builtin_ctz(control),
		 name ? name : "reserved");
	return buf;
}

/* Add the controls `control` requires; false (with a SKIP) if one of them is not allowed. */
static bool add_deps(uint32_t ctl[VMX_PROCBASED3], enum vmx_control_word w, uint32_t control)
{
	char label[128];

	for (unsigned i = 0; i < ARRAY_SIZE(deps); i++) {
		if (deps[i].word != w || deps[i].control != control)
			continue;
		for (unsigned dw = 0; dw < VMX_PROCBASED3; dw++) {
			uint32_t missing = deps[i].need[dw] & ~vmx_allowed(caps, dw).may1;
			if (missing) {
				report_skip("%s: needs %s, which may not be 1",
					    control_label(w, control, label, sizeof(label)),
					    vmx_control_name(dw, missing & -missing));
				return false;
			}
			ctl[dw] |= deps[i].need[dw];
		}
	}
	return true;
}

/*
 * The exit that ends the run of a guest that runs sweep_guest_code()
 * (nothing: it returns at once) with controls ctl and guest RFLAGS
 * `rflags` (no blocking by STI, MOV SS or NMI in the valid state):
 * NMI-window exiting exits before the guest's first instruction (27.7.6
 * "NMI-Window Exiting"), and so does interrupt-window exiting when RFLAGS.IF
 * is 1 (27.7.5 "Interrupt-Window Exiting and Virtual-Interrupt Delivery";
 * the harness sets IF where an interrupt bounds the run); the monitor trap
 * flag exits after the first instruction (26.5.2 "Monitor Trap Flag");
 * otherwise the guest runs to its end (the harness's bound, the
 * VMX-preemption timer or the watchdog, lies far beyond its few
 * instructions).
 */
static uint32_t planned_exit(const uint32_t ctl[VMX_PROCBASED3], uint64_t rflags)
{
	if (ctl[VMX_PROCBASED] & CPU_NMI_WINDOW_EXITING)
		return VMX_EXIT_NMI_WINDOW;
	if ((ctl[VMX_PROCBASED] & CPU_INTERRUPT_WINDOW_EXITING) && (rflags & X86_EFLAGS_IF))
		return VMX_EXIT_INTERRUPT_WINDOW;
	if (ctl[VMX_PROCBASED] & CPU_MONITOR_TRAP_FLAG)
		return VMX_EXIT_MONITOR_TRAP_FLAG;
	return VMX_EXIT_VMCALL;
}

/*
 * 27.2.1 "Checks on VMX Controls": a control the capability MSR allows to
 * be 1, set (with what it requires) in the valid state: VM entry succeeds
 * and the guest runs and exits as planned_exit() says; anything else is a
 * failure.
 */
static void sweep_allowed_1(const uint32_t base[VMX_PROCBASED3], enum vmx_control_word w, uint32_t control)
{
	uint32_t ctl[VMX_PROCBASED3];
	char label[128], got[160];

	memcpy(ctl, base, sizeof(ctl));
	ctl[w] |= control;
	if (!add_deps(ctl, w, control))
		return;
	struct hv_result r = sweep_entry(ctl);
	control_label(w, control, label, sizeof(label));
	if (smm_only_entry_control(w, control)) {
		char then[160] = "";
		if (hv_result_ok(r))
			snprintf(then, sizeof(then), " (VMLAUNCH completed, then exit %s)",
				 vmx_exit_str(&sweep_guest, got, sizeof(got)));
		report_result(control == ENTRY_ENTRY_TO_SMM ? "bochs-vmx-entry-to-smm" : NULL,
			      VMFAIL_VALID(VMXERR_ENTRY_INVALID_CONTROL_FIELD), r,
			      "%s set outside SMM (27.2.1.3)%s", label, then);
		return;
	}
	if (!report_result(NULL, HV_RESULT_OK, r, "%s set (allowed-1): VMLAUNCH", label))
		return;
	uint32_t plan = planned_exit(ctl, vmcs_read(VMCS_GUEST_RFLAGS));
	bool as_planned = plan == VMX_EXIT_VMCALL ? sweep_guest.done :
			  vmx_exit_reason_basic(sweep_guest.exit.reason) == plan;
	report_erratum(plan == VMX_EXIT_MONITOR_TRAP_FLAG ? "bochs-vmx-mtf-no-exit" : NULL, as_planned,
		       "%s set (allowed-1): expected %s%s, got %s", label,
		       plan == VMX_EXIT_VMCALL ? "the guest's end" : "exit ",
		       plan == VMX_EXIT_VMCALL ? "" : vmx_exit_reason_name(plan),
		       vmx_exit_str(&sweep_guest, got, sizeof(got)));
}

/*
 * 27.2.1 "Checks on VMX Controls": a control set where it must be 0, or
 * cleared where it must be 1 -> VMfailValid(7).
 */
static void sweep_not_allowed(const uint32_t base[VMX_PROCBASED3], enum vmx_control_word w, uint32_t control,
			      bool set)
{
	uint32_t ctl[VMX_PROCBASED3];
	char label[128];

	memcpy(ctl, base, sizeof(ctl));
	if (set)
		ctl[w] |= control;
	else
		ctl[w] &= ~control;
	report_result(NULL, VMFAIL_VALID(VMXERR_ENTRY_INVALID_CONTROL_FIELD), sweep_entry(ctl),
		      "%s %s", control_label(w, control, label, sizeof(label)),
		      set ? "set (must be 0)" : "cleared (must be 1)");
}

static void sweep(void)
{
	uint32_t base[VMX_PROCBASED3];

	caps = vmx_this_caps();
	if (!vmx_guest_create(&sweep_guest, sweep_guest_code, NULL))
		return;
	if (vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_EPT)) {
		uint64_t ev = cap(MSR_IA32_VMX_EPT_VPID_CAP);
		unsigned shift = (ev & VMX_EPT_2MB_PAGE) ? 21 : 12;
		ept_init(&sweep_ept, (ev & VMX_EPT_PAGE_WALK_4) ? 4 : 5, false);
		ept_identity_map(&sweep_ept, ept_guest_memory_size(shift), shift);
		sweep_guest.eptp = ept_eptp(&sweep_ept);
	}
	memcpy(base, sweep_guest.ctl, sizeof(base));
	/*
	 * The base: the harness's valid state, whose controls are the must-be-1
	 * bits (of the TRUE MSRs when BASIC[55]) and what the harness needs.
	 */
	if (report_result(NULL, HV_RESULT_OK, sweep_entry(base), "base controls (the harness's valid state: "
			  "pin %#x proc %#x exit %#x entry %#x): VMLAUNCH", base[VMX_PINBASED],
			  base[VMX_PROCBASED], base[VMX_EXIT], base[VMX_ENTRY])) {
		char got[160];
		report(sweep_guest.done, "base controls: expected the guest to run to its end, got %s",
		       vmx_exit_str(&sweep_guest, got, sizeof(got)));
	}

	bool secondary = vmx_may1(VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS);
	for (unsigned w = VMX_PINBASED; w <= VMX_ENTRY; w++) {
		uint32_t wbase[VMX_PROCBASED3];
		memcpy(wbase, base, sizeof(wbase));
		if (w == VMX_PROCBASED2) {
			if (!secondary) {
				report_skip("secondary controls: primary bit 31 may not be 1");
				continue;
			}
			wbase[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
		}
		struct vmx_allowed a = vmx_allowed(caps, w);
		for (unsigned bit = 0; bit < 32; bit++) {
			uint32_t control = 1u << bit;
			if (a.must1 & control)
				sweep_not_allowed(wbase, w, control, false);
			else if (a.may1 & control)
				sweep_allowed_1(wbase, w, control);
			else
				sweep_not_allowed(wbase, w, control, true);
		}
	}
	vmx_guest_free(&sweep_guest);
}
HV_EACH_CPU(sweep)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "consistency", consistency_each_cpu },
		{ "sweep", sweep_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
