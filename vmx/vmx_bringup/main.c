/*
 * The seed's vmx_init() call tree, step by step (shared/bringup-map.md,
 * Intel half): every node a STEP-BEGIN/STEP-END pair with its verdict and
 * key values, each doing what KVM's step does, as an L1 hypervisor, and
 * checking the answers against the SDM.  Detailed rule sweeps live in the
 * other vmx_* programs; each node here is the step itself, on every CPU.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "host.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

static void node(const char *name, void (*fn)(void))
{
	step_begin(name);
	fn();
	step_end();
}

static void not_applicable(const char *name)
{
	step_begin(name);
	report_skip("not applicable: host-side only (no guest analog)");
	step_end();
}

static bool vmx_present[MAX_CPUS];
static bool vmx_usable;

static void probe_vmx(void *arg)
{
	vmx_present[smp_id()] = cpu_has(X86_FEATURE_VMX);
}

/* CPUID.1:ECX[5] on every CPU, equal on all; absent -> everything SKIPs (vmx_program_start says why). */
static void cpu_has_kvm_support(void)
{
	on_cpus(probe_vmx, NULL);
	for_each_cpu(cpu)
		if (vmx_present[cpu] != vmx_present[0]) {
			report_prefix_push_cpu(cpu);
			report(false, "CPUID.1:ECX[5] differs from cpu0's: expected %u, got %u",
			       vmx_present[0], vmx_present[cpu]);
			report_prefix_pop();
		}
	vmx_usable = vmx_program_start(0);	/* absent: a SKIP with the exact reason */
	if (!vmx_usable)
		return;
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(vmx_present[cpu], "CPUID.1:ECX[5] (VMX) set");
		report_prefix_pop();
	}
	step_value("vmx", "%u", vmx_present[0]);
	step_value("cpus", "%u", nr_cpus);
}

static uint64_t fc_value[MAX_CPUS];

static void enable_fc_here(void *arg)
{
	uint64_t v = 0;

	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);
	if (!(v & FEATURE_CONTROL_LOCK))
		wrmsr_safe(MSR_IA32_FEATURE_CONTROL, v | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc_value[smp_id()]);
}

/*
 * 24.7: firmware leaves IA32_FEATURE_CONTROL locked with bit 2 set, or
 * unlocked (then the hypervisor enables and locks it, as KVM does); locked
 * with bit 2 clear means VMX is disabled by firmware.  Same on every CPU.
 */
static void disabled_by_bios(void)
{
	uint64_t boot = 0;

	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &boot);
	step_value("at_boot", "%#llx", (unsigned long long)boot);
	on_cpus(enable_fc_here, NULL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report((fc_value[cpu] & (FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX)) ==
		       (FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX) && fc_value[cpu] == fc_value[0],
		       "IA32_FEATURE_CONTROL=%#llx: locked, VMXON outside SMX enabled, same as cpu0 (%#llx)",
		       (unsigned long long)fc_value[cpu], (unsigned long long)fc_value[0]);
		report_prefix_pop();
	}
	step_value("IA32_FEATURE_CONTROL", "%#llx", (unsigned long long)fc_value[0]);
	step_value("lock", "%llu", (unsigned long long)(fc_value[0] & FEATURE_CONTROL_LOCK));
	step_value("vmx_outside_smx", "%u", !!(fc_value[0] & FEATURE_CONTROL_VMX_OUTSIDE_SMX));
}

/*
 * kvm_mmu_module_init: the TDP table cache, host-side only: the cost of an
 * EPT of 1G in 2M leaves, as a value (the CPU judges EPTs built by the same
 * builder in vmx_enable_tdp; the builder itself is proven by x86/ programs).
 */
static void kvm_mmu_module_init(void)
{
	struct vmx_ept ept;
	uint64_t before = mem_free_bytes();

	ept_init(&ept, 4, false);
	ept_identity_map(&ept, 1ull << 30, 21);
	step_value("table_bytes_1G_of_2M", "%llu", (unsigned long long)(before - mem_free_bytes()));
	pt_destroy(&ept.pt);
}

/*
 * kvm_mmu_set_mask_ptes: the EPT entry masks: R/W/X (bits 2:0), memory
 * type (5:3), A/D (8, 9) only when EPT_VPID_CAP[21]; MAXPHYADDR from
 * CPUID 0x80000008 and the reserved-bit mask above it (29.3.2).
 */
static void kvm_mmu_set_mask_ptes(void)
{
	unsigned maxphy = cpu_maxphyaddr();
	uint64_t reserved = ((1ull << 52) - 1) & ~((1ull << maxphy) - 1);
	bool ad = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_AD_FLAGS;

	report(maxphy <= 52, "MAXPHYADDR (CPUID 0x80000008 EAX[7:0]) at most 52 (SDM Vol. 3A, 4.1.4 "
	       "\"Enumeration of Paging Features by CPUID\"): got %u", maxphy);
	step_value("maxphyaddr", "%u", maxphy);
	step_value("reserved_mask", "%#llx", (unsigned long long)reserved);
	step_value("accessed_mask", "%#llx", (unsigned long long)(ad ? EPT_A : 0));
	step_value("dirty_mask", "%#llx", (unsigned long long)(ad ? EPT_D : 0));
	step_value("memtype_wb", "%#llx", (unsigned long long)EPT_MT_WB);
}

static void kvm_arch_init(void)
{
	node("cpu_has_kvm_support", cpu_has_kvm_support);
	if (!vmx_usable)
		return;
	node("disabled_by_bios", disabled_by_bios);
	node("boot_cpu_has", boot_cpu_has);
	node("kmem_cache_create(x86_fpu)", kmem_cache_x86_fpu);
	node("alloc_percpu", alloc_percpu);
	node("kvm_mmu_module_init", kvm_mmu_module_init);
	node("kvm_mmu_set_mask_ptes", kvm_mmu_set_mask_ptes);
	node("kvm_timer_init", kvm_timer_init);
	node("kvm_lapic_init", kvm_lapic_init);
}

static struct descriptor_table_ptr idtr_seen[MAX_CPUS];

static void sidt_here(void *arg)
{
	sidt(&idtr_seen[smp_id()]);
}

/* store_idt: the host IDTR for the VMCS host area: SIDT on every CPU gives what the runtime loaded. */
static void store_idt(void)
{
	struct descriptor_table_ptr installed = desc_runtime_idtr();

	on_cpus(sidt_here, NULL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(idtr_seen[cpu].base == installed.base && idtr_seen[cpu].limit == installed.limit,
		       "SIDT: expected base %#llx limit %#x (the runtime's IDT), got base %#llx limit %#x",
		       (unsigned long long)installed.base, installed.limit,
		       (unsigned long long)idtr_seen[cpu].base, idtr_seen[cpu].limit);
		report_prefix_pop();
	}
	step_value("idt_base", "%#llx", (unsigned long long)idtr_seen[0].base);
	step_value("idt_limit", "%#x", idtr_seen[0].limit);
}

static struct vmx_config cfg;

/* setup_vmcs_config: the configuration KVM derives (caps.c); rules in vmx_caps. */
static void setup_vmcs_config(void)
{
	const struct vmx_caps *c = vmx_this_caps();
	uint64_t basic = vmx_cap(c, MSR_IA32_VMX_BASIC);
	unsigned size = vmx_basic_region_size(basic), type = vmx_basic_memory_type(basic);

	/* A.1: bit 31 is 0, the size 1..4096, the VMCS memory type UC (0) or WB (6). */
	report(!(basic & VMX_BASIC_BIT31) && size >= 1 && size <= 4096 &&
	       (type == VMX_MEMORY_TYPE_UC || type == VMX_MEMORY_TYPE_WB),
	       "IA32_VMX_BASIC %#llx: bit 31 clear, region %u bytes (1..4096), memory type %u (UC or WB)",
	       (unsigned long long)basic, size, type);
	if (type != VMX_MEMORY_TYPE_WB) {
		report_skip("IA32_VMX_BASIC[53:50] memory type %u: KVM requires WB (6)", type);
		return;
	}
	if (!vmx_config_derive(c, &cfg)) {
		report_skip("KVM's minimum control set is not allowed: %s", cfg.missing);
		return;
	}
	report_info("KVM's minimum controls allowed");
	step_value("revision", "%#x", cfg.revision);
	step_value("size", "%u", cfg.region_size);
	step_value("true_controls", "%u", !!(basic & VMX_BASIC_TRUE_CONTROLS));
	step_value("pin", "%#x", cfg.ctl[VMX_PINBASED]);
	step_value("proc", "%#x", cfg.ctl[VMX_PROCBASED]);
	step_value("proc2", "%#x", cfg.ctl[VMX_PROCBASED2]);
	step_value("exit", "%#x", cfg.ctl[VMX_EXIT]);
	step_value("entry", "%#x", cfg.ctl[VMX_ENTRY]);
}

/* cpu_has_vmx_vpid: the control and EPT_VPID_CAP[32, 40-43], as values (the CPU's answers: cpu_has_vmx_invvpid). */
static void cpu_has_vmx_vpid(void)
{
	uint64_t ev = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);

	step_value("vpid", "%u", cfg.vpid);
	step_value("invvpid", "%u", !!(ev & VMX_VPID_INVVPID));
	step_value("invvpid_types", "%#llx", (unsigned long long)((ev >> 40) & 0xf));
	if (!cfg.vpid) {
		report_skip("\"enable VPID\" may not be 1: no VPID");
		return;
	}
	/* Not an SDM rule (A.10 promises no type with bit 32): KVM uses VPID only with one of these. */
	if (!(ev & (VMX_VPID_INVVPID_SINGLE_CONTEXT | VMX_VPID_INVVPID_ALL_CONTEXT)))
		report_skip("EPT_VPID_CAP=%#llx: no single- or all-context INVVPID, so KVM would not use VPID",
			    (unsigned long long)ev);
}

/* cpu_has_vmx_invvpid: each advertised INVVPID type works, on every CPU (types in detail: vmx_vpid_ept_inv). */
static void invvpid_here(void)
{
	uint64_t ev = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);

	for (unsigned type = 0; type < 4; type++)
		if (ev & (1ull << (40 + type)))
			report_result(NULL, HV_RESULT_OK, invvpid(type, 1, 0), "INVVPID type %u (advertised)", type);
}

static void cpu_has_vmx_invvpid(void)
{
	if (!cfg.vpid || !(vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_VPID_INVVPID)) {
		report_skip("no INVVPID (VPID %u, EPT_VPID_CAP %#llx)", cfg.vpid, (unsigned long long)vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP));
		return;
	}
	vmx_each_cpu_in_vmx(invvpid_here);
}

/*
 * A current VMCS (so that a failing INVEPT reports VMfailValid with its
 * number) and an empty EPT of the configuration's walk length and A/D setting.
 */
struct inv_context {
	void *vmcs;
	struct vmx_ept ept;
};

static uint64_t inv_context_begin(struct inv_context *c)
{
	c->vmcs = vmx_alloc_vmcs();
	report_result(NULL, HV_RESULT_OK, vmptrld(virt_to_phys(c->vmcs)), "VMPTRLD of a fresh VMCS");
	ept_init(&c->ept, cfg.ept_levels, cfg.ept_ad);
	return ept_eptp(&c->ept);
}

static void inv_context_end(struct inv_context *c)
{
	vmclear(virt_to_phys(c->vmcs));
	free_page(c->vmcs);
	pt_destroy(&c->ept.pt);
}

/* 31.3 INVEPT: each type EPT_VPID_CAP[25, 26] advertises succeeds, on every CPU (details: vmx_vpid_ept_inv). */
static void invept_here(void)
{
	static const struct { uint64_t type, cap; const char *name; } types[] = {
		{ INVEPT_SINGLE_CONTEXT, VMX_EPT_INVEPT_SINGLE_CONTEXT, "single-context" },
		{ INVEPT_ALL_CONTEXT, VMX_EPT_INVEPT_ALL_CONTEXT, "all-context" },
	};
	uint64_t ev = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	struct inv_context c;
	uint64_t eptp = inv_context_begin(&c);

	for (unsigned i = 0; i < ARRAY_SIZE(types); i++)
		if (ev & types[i].cap)
			report_result(NULL, HV_RESULT_OK, invept(types[i].type, eptp),
				      "INVEPT %s (advertised, EPT_VPID_CAP %#llx) with EPTP %#llx", types[i].name,
				      (unsigned long long)ev, (unsigned long long)eptp);
	inv_context_end(&c);
}

/* cpu_has_vmx_ept: the control and KVM's requirement, a 4-level walk with WB, or SKIP; INVEPT on every CPU. */
static void cpu_has_vmx_ept(void)
{
	uint64_t ev = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);

	step_value("ept", "%u", cfg.ept);
	step_value("EPT_VPID_CAP", "%#llx", (unsigned long long)ev);
	if (!cfg.ept) {
		report_skip("\"enable EPT\" may not be 1: no EPT");
		return;
	}
	if (!(ev & VMX_EPT_PAGE_WALK_4) || !(ev & VMX_EPT_MEMTYPE_WB)) {
		report_skip("EPT_VPID_CAP=%#llx: no 4-level walk with WB (KVM's requirement)", (unsigned long long)ev);
		return;
	}
	if (!(ev & VMX_EPT_INVEPT)) {
		report_skip("EPT_VPID_CAP=%#llx: bit 20 (INVEPT) clear", (unsigned long long)ev);
		return;
	}
	vmx_each_cpu_in_vmx(invept_here);
}

/*
 * 31.3 INVEPT single-context applies the VM-entry EPTP checks (27.2.1.1)
 * to its EPTP and fails with VMfailValid(28) where they fail: the CPU's
 * own verdict on the EPTP the configuration chose.
 */
static void configure_mmu_here(void)
{
	struct inv_context c;
	uint64_t eptp = inv_context_begin(&c);

	report_result(NULL, HV_RESULT_OK, invept(INVEPT_SINGLE_CONTEXT, eptp),
		      "INVEPT single-context with the chosen EPTP %#llx (%u-level walk, WB, A/D %s)",
		      (unsigned long long)eptp, cfg.ept_levels, cfg.ept_ad ? "on" : "off");
	inv_context_end(&c);
}

/*
 * kvm_configure_mmu: the walk length, A/D and the largest leaf, from what
 * is advertised; the CPU accepts the EPTP (the leaves are used by the
 * guest of vmx_enable_tdp).
 */
static void kvm_configure_mmu(void)
{
	uint64_t ev = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);

	if (!cfg.ept || !cfg.ept_levels) {
		report_skip("no usable EPT (EPT_VPID_CAP %#llx): shadow paging would be used (not part of this suite)",
			    (unsigned long long)ev);
		return;
	}
	if (ev & VMX_EPT_INVEPT_SINGLE_CONTEXT)
		vmx_each_cpu_in_vmx(configure_mmu_here);
	else
		report_skip("EPT_VPID_CAP=%#llx: no single-context INVEPT (bit 25) to have the CPU judge the EPTP",
			    (unsigned long long)ev);
	step_value("tdp_level", "%u", cfg.ept_levels);
	step_value("max_leaf", "%s", cfg.ept_max_page_shift == 30 ? "1G" : cfg.ept_max_page_shift == 21 ? "2M" : "4K");
	step_value("ad", "%u", cfg.ept_ad);
}

/* cpu_has_vmx_XXX: the optional features, each with what advertises it (scenarios: vmx_features). */
static void cpu_has_vmx_xxx(void)
{
	const struct vmx_caps *c = vmx_this_caps();
	uint32_t pin = vmx_allowed(c, VMX_PINBASED).may1, p2 = vmx_allowed(c, VMX_PROCBASED2).may1;

	step_value("unrestricted_guest", "%u", !!(p2 & CPU2_UNRESTRICTED_GUEST));
	step_value("preemption_timer", "%u", !!(pin & PIN_PREEMPTION_TIMER));
	step_value("pml", "%u", !!(p2 & CPU2_ENABLE_PML));
	step_value("posted_interrupts", "%u", !!(pin & PIN_POSTED_INTERRUPTS));
	step_value("apicv", "%u", !!(p2 & CPU2_VIRTUAL_INTERRUPT_DELIVERY));
	step_value("vmcs_shadowing", "%u", !!(p2 & CPU2_VMCS_SHADOWING));
	step_value("vmfunc", "%u", !!(p2 & CPU2_ENABLE_VM_FUNCTIONS));
}

static void tdp_guest_code(void *arg)
{
	vmx_guest_call(0x7d9);
}

/* vmx_enable_tdp: an EPT identity map and a guest launched under it, on every CPU. */
static void enable_tdp_here(void)
{
	struct vmx_ept ept;
	struct vmx_guest g;

	ept_init(&ept, cfg.ept_levels, false);
	ept_identity_map(&ept, ept_guest_memory_size(cfg.ept_max_page_shift), cfg.ept_max_page_shift);
	if (!vmx_guest_create(&g, tdp_guest_code, NULL))
		return;
	g.ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	g.ctl[VMX_PROCBASED2] |= CPU2_ENABLE_EPT;
	g.eptp = ept_eptp(&ept);
	vmx_guest_load(&g);
	if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "guest under EPT: VMCALL"))
		report_u64(NULL, 0x7d9, g.gprs.rax, "guest under EPT: VMCALL code");
	vmx_guest_run_to_done(&g, "guest under EPT");
	vmx_guest_free(&g);
	pt_destroy(&ept.pt);
}

static void vmx_enable_tdp(void)
{
	if (!cfg.ept || cfg.ept_levels == 0) {
		report_skip("no usable EPT: TDP stays off");
		return;
	}
	vmx_each_cpu_in_vmx(enable_tdp_here);
	step_value("eptp_levels", "%u", cfg.ept_levels);
}

/* kvm_disable_tdp: the same guest without EPT, on every CPU. */
static void disable_tdp_here(void)
{
	struct vmx_guest g;

	if (!vmx_guest_create(&g, tdp_guest_code, NULL))
		return;
	if (!vmx_guest_load(&g)) {
		vmx_guest_free(&g);
		return;
	}
	if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "guest without EPT: VMCALL"))
		report_u64(NULL, 0x7d9, g.gprs.rax, "guest without EPT: VMCALL code");
	vmx_guest_run_to_done(&g, "guest without EPT");
	vmx_guest_free(&g);
}

static void kvm_disable_tdp(void)
{
	vmx_each_cpu_in_vmx(disable_tdp_here);
}

/* alloc_kvm_area: one VMXON region per CPU; VMXON on every CPU at once (then off again). */
static void alloc_kvm_area(void)
{
	vmx_show_vmxon_regions();
	/* The CPU's verdict on each region (size, revision, address): VMXON everywhere at once. */
	report(vmx_on_all(), "VMXON on all %u CPUs at once", nr_cpus);
	vmx_leave_all();
	step_value("region_size", "%u", cfg.region_size);
}

static void hardware_setup(void)
{
	node("rdmsrl_safe", rdmsrl_safe);
	node("store_idt", store_idt);
	node("setup_vmcs_config", setup_vmcs_config);
	node("cpu_has_vmx_vpid", cpu_has_vmx_vpid);
	node("cpu_has_vmx_invvpid", cpu_has_vmx_invvpid);
	node("cpu_has_vmx_ept", cpu_has_vmx_ept);
	node("kvm_configure_mmu", kvm_configure_mmu);
	node("cpu_has_vmx_XXX", cpu_has_vmx_xxx);
	node("vmx_enable_tdp", vmx_enable_tdp);
	node("kvm_disable_tdp", kvm_disable_tdp);
	node("kvm_set_posted_intr_wakeup_handler", posted_intr_wakeup_handler);
	node("alloc_kvm_area", alloc_kvm_area);
}

static struct vmx_caps cpu_caps[MAX_CPUS];
static struct vmx_config cpu_cfg[MAX_CPUS];
static bool cpu_cfg_ok[MAX_CPUS];

/* smp_call_function_single: the compatibility check, the configuration recomputed on every CPU. */
static void compat_check(void)
{
	vmx_derive_on_all_cpus(cpu_caps, cpu_cfg, cpu_cfg_ok);
	for_each_cpu(cpu) {
		const struct vmx_config *a = &cpu_cfg[0], *b = &cpu_cfg[cpu];
		report_prefix_push_cpu(cpu);
		for (unsigned w = 0; w < VMX_PROCBASED3; w++)
			if (a->ctl[w] != b->ctl[w])
				report(false, "%s %#x differs from cpu0's %#x", vmx_control_word_name(w),
				       b->ctl[w], a->ctl[w]);
		report(cpu_cfg_ok[cpu] == cpu_cfg_ok[0] && !memcmp(a->ctl, b->ctl, sizeof(a->ctl)) &&
		       a->revision == b->revision && a->ept_vpid_cap == b->ept_vpid_cap,
		       "configuration equals cpu0's (revision %#x, EPT/VPID caps %#llx)", b->revision,
		       (unsigned long long)b->ept_vpid_cap);
		report_prefix_pop();
	}
	step_value("cpus", "%u", nr_cpus);
}

static void hardware_enable_disable(void *arg)
{
	report_result(NULL, HV_RESULT_OK, vmx_on(), "hardware_enable: VMXON");
	vmx_check_vmx_operation(true, "hardware_enable");
	report_result(NULL, VMFAIL_INVALID, vmxon(vmx_vmxon_region()),
		      "hardware_enable twice: the second VMXON is refused (31.3, no current VMCS)");
	report_result(NULL, HV_RESULT_OK, vmx_off(), "hardware_disable: VMXOFF");
	vmx_check_vmx_operation(false, "hardware_disable");
}

/* cpuhp_setup_state_nocalls: hardware enable/disable on each CPU, in reverse order. */
static void cpuhp_hardware_enable(void)
{
	for (unsigned cpu = nr_cpus; cpu-- > 0;)
		on_cpu(cpu, hardware_enable_disable, NULL);
}

/* register_reboot_notifier: VMXOFF everywhere (the layer's teardown, also run at the end). */
static void reboot_notifier(void)
{
	vmx_on_all();
	vmx_leave_all();
}

/* kvm_cache_create_usercopy: a vCPU object (a VMCS) per CPU: VMCLEAR, VMPTRLD, VMPTRST, VMCLEAR. */
static void vcpu_object_here(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs()), cur = 0;

	report_result(NULL, HV_RESULT_OK, vmclear(vmcs), "VMCLEAR of the vCPU's VMCS");
	report_result(NULL, HV_RESULT_OK, vmptrld(vmcs), "VMPTRLD");
	if (report_result(NULL, HV_RESULT_OK, vmptrst(&cur), "VMPTRST"))
		report_u64(NULL, vmcs, cur, "VMPTRST after VMPTRLD stores");
	report_result(NULL, HV_RESULT_OK, vmclear(vmcs), "VMCLEAR");
	free_page(phys_to_virt(vmcs));
}

static void kvm_cache_create_usercopy(void)
{
	vmx_each_cpu_in_vmx(vcpu_object_here);
	step_value("object_size", "%u", cfg.region_size);
}

static void resume_guest_code(void *arg)
{
}

static void suspend_resume_here(void)
{
	struct vmx_guest g;

	report_result(NULL, HV_RESULT_OK, vmx_off(), "suspend: VMXOFF");
	report_result(NULL, HV_RESULT_OK, vmx_on(), "resume: VMXON");
	if (!vmx_guest_create(&g, resume_guest_code, NULL))
		return;
	if (!vmx_guest_load(&g)) {
		vmx_guest_free(&g);
		return;
	}
	vmx_guest_run_to_done(&g, "guest after resume");
	vmx_guest_free(&g);
}

/* register_syscore_ops: suspend/resume as disable/enable, and a guest runs afterwards. */
static void register_syscore_ops(void)
{
	vmx_each_cpu_in_vmx(suspend_resume_here);
}

/* kvm_init_debug: VM exits counted per reason so far, of the guests freed (statistics, not a check). */
static void kvm_init_debug(void)
{
	step_value("exits", "%lu", vmx_print_exit_counts());
}

static void kvm_init(void)
{
	node("kvm_arch_init", kvm_arch_init);
	if (!vmx_usable)
		return;
	not_applicable("kvm_irqfd_init");
	step_begin("kvm_arch_hardware_setup");
	node("hardware_setup", hardware_setup);
	node("kvm_init_msr_list", kvm_init_msr_list);
	step_end();
	node("smp_call_function_single", compat_check);
	node("cpuhp_setup_state_nocalls", cpuhp_hardware_enable);
	node("register_reboot_notifier", reboot_notifier);
	node("kvm_cache_create_usercopy", kvm_cache_create_usercopy);
	not_applicable("kvm_async_pf_init");
	not_applicable("misc_register(/dev/kvm)");
	node("register_syscore_ops", register_syscore_ops);
	node("kvm_init_debug", kvm_init_debug);
	not_applicable("kvm_vfio_ops_init");
}

#define CHECK_BLOCK_ENTRY(name, enc)						\
	ok = vmcs_field_width(enc) == blk_width && vmcs_field_type(enc) == blk_type &&	\
	     !((enc) & VMCS_ENCODING_RESERVED_MASK) && !vmcs_field_is_high(enc);	\
	if (!ok)								\
		report(false, "%s (%#x): decodes as %s %s, listed as %s %s", #name, (enc),	\
		       vmcs_field_width_name(vmcs_field_width(enc)),			\
		       vmcs_field_type_name(vmcs_field_type(enc)), vmcs_field_width_name(blk_width),	\
		       vmcs_field_type_name(blk_type));				\
	checked++;
#define CHECK_BLOCK(list, width, type)						\
	blk_width = (width);							\
	blk_type = (type);							\
	list(CHECK_BLOCK_ENTRY)

/*
 * vmx_check_vmcs12_offsets: every encoding of the field table decodes
 * (25.11.2, Table 25-21) to the width and type of the Appendix B block it is
 * listed in, with no reserved bit; an index above VMCS_ENUM's fails VMREAD
 * with VMfailValid(12).
 */
static void vmx_check_vmcs12_offsets(void)
{
	enum vmcs_field_width blk_width;
	enum vmcs_field_type blk_type;
	unsigned checked = 0;
	bool ok;

	VMCS_FIELD_BLOCKS(CHECK_BLOCK)
	step_value("encodings", "%u", checked);
	unsigned max = vmx_vmcs_enum_max_index(vmx_cap(vmx_this_caps(), MSR_IA32_VMX_VMCS_ENUM));
	step_value("vmcs_enum_max_index", "%u", max);
	step_value("table_max_index", "%u", vmcs_field_max_index());
	if (max >= VMX_VMCS_ENUM_INDEX_MASK) {
		report_skip("VMCS_ENUM highest index %u: no index above it to try", max);
		return;
	}
	if (!report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON"))
		return;
	void *vmcs = vmx_alloc_vmcs();
	uint64_t val;
	uint32_t enc = vmcs_encoding(vmcs_field_width(VMCS_GUEST_CR0), vmcs_field_type(VMCS_GUEST_CR0), max + 1);
	if (report_result(NULL, HV_RESULT_OK, vmptrld(virt_to_phys(vmcs)), "VMPTRLD of a fresh VMCS"))
		report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), vmread(enc, &val),
			      "VMREAD %#x (index %u above VMCS_ENUM's %u)", enc, max + 1, max);
	vmclear(virt_to_phys(vmcs));
	free_page(vmcs);
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
}

static void vmx_init(void)
{
	node("kvm_init", kvm_init);
	if (!vmx_usable)
		return;
	node("vmx_setup_l1d_flush", vmx_setup_l1d_flush);
	node("vmx_check_vmcs12_offsets", vmx_check_vmcs12_offsets);
}

int main(int argc, char **argv)
{
	node("vmx_init", vmx_init);
	if (vmx_usable)
		vmx_program_finish();
	return 0;
}
