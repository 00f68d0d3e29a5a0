/*
 * cpu_has_vmx_XXX: each optional VMX feature the capability MSRs
 * advertise works in one small scenario, on every CPU; one that is not
 * advertised is a SKIP naming the capability bit, and is not used.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

/* Every needed control may be 1, else a SKIP naming the first that may not. */
static bool need(enum vmx_control_word w, uint32_t control)
{
	if (vmx_may1(w, control))
		return true;
	report_skip("%s bit %u (%s) may not be 1: not advertised", vmx_control_word_name(w),
		    __builtin_ctz(control), vmx_control_name(w, control));
	return false;
}

static unsigned ept_levels(void)
{
	return (vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_PAGE_WALK_4) ? 4 : 5;
}

/* A guest with secondary controls proc2 and, when they include EPT, an identity EPT. */
static bool feature_guest(struct vmx_guest *g, struct vmx_ept *ept, hv_guest_fn *code, uint32_t proc2, bool ad)
{
	if (!vmx_guest_create(g, code, NULL))
		return false;
	g->ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	g->ctl[VMX_PROCBASED2] |= proc2;
	if (proc2 & CPU2_ENABLE_EPT) {
		unsigned shift = (vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_2MB_PAGE) ? 21 : 12;
		ept_init(ept, ept_levels(), ad);
		ept_identity_map(ept, ept_guest_memory_size(shift), shift);
		g->eptp = ept_eptp(ept);
	}
	if (vmx_guest_load(g))
		return true;
	vmx_guest_free(g);
	return false;
}

static void empty_guest(void *arg)
{
}

static uint64_t spin_tsc;

/* Spin until the TSC has advanced by spin_tsc (RDTSC does not exit: no RDTSC exiting). */
static void spin_guest(void *arg)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < spin_tsc)
		cpu_relax();
}

/*
 * SDM Vol. 3C, 26.5.1 and 27.7.4 "VMX-Preemption Timer": with value 0 the VM exit (52)
 * comes before the guest's first instruction; with "save VMX-preemption
 * timer value" the remaining count is stored at exit, having counted down
 * by one every 2^MISC[4:0] TSC ticks the guest ran.
 */
static void preemption_timer(void)
{
	struct vmx_guest g;

	if (!need(VMX_PINBASED, PIN_PREEMPTION_TIMER))
		return;
	if (!vmx_guest_create(&g, empty_guest, NULL))
		return;
	g.ctl[VMX_PINBASED] |= PIN_PREEMPTION_TIMER;
	if (!vmx_guest_load(&g)) {
		vmx_guest_free(&g);
		return;
	}
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, 0);
	uint64_t entry_rip = vmcs_read(VMCS_GUEST_RIP);
	if (vmx_guest_expect(&g, VMX_EXIT_PREEMPTION_TIMER, "timer value 0"))
		report_u64(NULL, entry_rip, g.exit.guest_rip, "timer value 0: exit before the first instruction, RIP");
	if (!vmx_may1(VMX_EXIT, EXIT_SAVE_PREEMPTION_TIMER)) {
		report_skip("\"save VMX-preemption timer value\" may not be 1");
		vmx_guest_free(&g);
		return;
	}
	unsigned rate = vmx_this_cap(MSR_IA32_VMX_MISC) & VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	const uint64_t start = 0x7fffffff, ticks = 1000;
	spin_tsc = ticks << rate;
	vmx_guest_set_fn(&g, spin_guest, NULL);
	g.ctl[VMX_EXIT] |= EXIT_SAVE_PREEMPTION_TIMER;
	vmx_guest_load(&g);
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, start);
	vmx_guest_run_to_done(&g, "guest spins 1000 timer ticks");
	uint64_t left = vmcs_read(VMCS_PREEMPTION_TIMER_VALUE);
	report(left > 0 && left <= start - ticks + 1, "saved timer value %#llx after %llu TSC ticks (rate 2^%u): counted "
	       "down by at least %llu, not expired", (unsigned long long)left, (unsigned long long)spin_tsc, rate,
	       (unsigned long long)ticks - 1);
	vmx_guest_free(&g);
}

/*
 * 26.6 "Unrestricted Guests" and 27.3.1.1 "Checks on Guest Control Registers,
 * Debug Registers, and MSRs": with EPT, a guest in real-address
 * mode (CR0.PE = PG = 0) enters; its VMCALL exits with the real-mode RIP.
 */
static void unrestricted_guest(void)
{
	struct vmx_guest g;
	struct vmx_ept ept;

	if (!need(VMX_PROCBASED2, CPU2_UNRESTRICTED_GUEST) || !need(VMX_PROCBASED2, CPU2_ENABLE_EPT))
		return;
	uint8_t *code = alloc_page();
	code[0x10] = 0x0f, code[0x11] = 0x01, code[0x12] = 0xc1;	/* vmcall */
	if (!feature_guest(&g, &ept, empty_guest, CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST, false))
		return;
	g.ctl[VMX_ENTRY] &= ~ENTRY_IA32E_MODE_GUEST;
	vmcs_write(VMCS_ENTRY_CONTROLS, g.ctl[VMX_ENTRY]);
	if (g.ctl[VMX_ENTRY] & ENTRY_LOAD_IA32_EFER)
		vmcs_write(VMCS_GUEST_IA32_EFER, 0);
	/* 27.3.1.1 "Checks on Guest Control Registers, ...": with unrestricted guest only PE and PG are exempt from the FIXED0 bits. */
	vmcs_write(VMCS_GUEST_CR0, read_cr0() & ~(X86_CR0_PE | X86_CR0_PG));
	vmcs_write(VMCS_GUEST_CR4, vmx_this_cap(MSR_IA32_VMX_CR4_FIXED0));
	for (unsigned i = 0; i < 6; i++) {	/* ES CS SS DS FS GS: real-mode segments */
		uint64_t base = i == 1 ? virt_to_phys(code) : 0;
		vmcs_write(VMCS_GUEST_ES_SELECTOR + 2 * i, 0);	/* base need not be selector * 16 outside v8086 */
		vmcs_write(VMCS_GUEST_ES_BASE + 2 * i, base);
		vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * i, 0xffff);
		vmcs_write(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * i, i == 1 ? 0x9b : 0x93);
	}
	vmcs_write(VMCS_GUEST_TR_SELECTOR, 0);
	vmcs_write(VMCS_GUEST_TR_BASE, 0);
	vmcs_write(VMCS_GUEST_TR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_TR_ACCESS_RIGHTS, 0x8b);
	vmcs_write(VMCS_GUEST_RIP, 0x10);
	vmcs_write(VMCS_GUEST_RSP, 0x800);
	if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "real-mode guest"))
		report_u64(NULL, 0x10, g.exit.guest_rip, "real-mode guest: VMCALL at RIP");
	vmx_guest_free(&g);
	pt_destroy(&ept.pt);
	free_page(code);
}

static volatile uint64_t *pml_target;

static void write_pml_target(void *arg)
{
	*pml_target = 1;
}

/*
 * 29.3.6 page-modification logging: with EPT A/D flags, a guest write that
 * sets a dirty flag logs the page's GPA at PML index, which decrements.
 */
static void pml(void)
{
	struct vmx_guest g;
	struct vmx_ept ept;

	if (!need(VMX_PROCBASED2, CPU2_ENABLE_PML) || !need(VMX_PROCBASED2, CPU2_ENABLE_EPT))
		return;
	if (!(vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_AD_FLAGS)) {
		report_skip("EPT_VPID_CAP[21] clear: PML needs EPT dirty flags");
		return;
	}
	uint64_t *log = alloc_page();
	pml_target = alloc_page();
	if (!feature_guest(&g, &ept, write_pml_target, CPU2_ENABLE_EPT | CPU2_ENABLE_PML, true))
		return;
	pt_protect(&ept.pt, virt_to_phys((void *)pml_target), PAGE_SIZE, EPT_D, 0);
	vmcs_write(VMCS_PML_ADDR, virt_to_phys(log));
	vmcs_write(VMCS_PML_INDEX, 511);
	vmx_guest_run_to_done(&g, "guest writes one page");
	uint64_t index = vmcs_read(VMCS_PML_INDEX);
	bool logged = false;
	for (uint64_t i = index + 1; i < 512; i++)
		logged |= log[i] == virt_to_phys((void *)pml_target);
	report(index < 511 && logged, "PML index %llu (from 511); GPA %#llx of the written page logged",
	       (unsigned long long)index, (unsigned long long)virt_to_phys((void *)pml_target));
	vmx_guest_free(&g);
	pt_destroy(&ept.pt);
}

static void vmfunc_switch(void *arg)
{
	asm volatile("vmfunc" :: "a"(0), "c"(1) : "memory");
}

static void vmfunc_bad_index(void *arg)
{
	asm volatile("vmfunc" :: "a"(0), "c"(512) : "memory");
}

/*
 * 26.5, "VM Functions", "EPTP Switching" (VM function 0): the guest's VMFUNC
 * with index 1 loads EPTP-list entry 1 without a VM exit; index 512 exits (59).
 */
static void vmfunc(void)
{
	struct vmx_guest g;
	struct vmx_ept ept, other;
	const struct vmx_caps *c = vmx_this_caps();

	if (!need(VMX_PROCBASED2, CPU2_ENABLE_VM_FUNCTIONS) || !need(VMX_PROCBASED2, CPU2_ENABLE_EPT))
		return;
	if (!vmx_cap_readable(c, MSR_IA32_VMX_VMFUNC) || !(vmx_cap(c, MSR_IA32_VMX_VMFUNC) & VMX_VMFUNC_EPTP_SWITCHING)) {
		report_skip("IA32_VMX_VMFUNC[0] clear: no EPTP switching");
		return;
	}
	uint64_t *list = alloc_page();
	if (!feature_guest(&g, &ept, vmfunc_switch, CPU2_ENABLE_EPT | CPU2_ENABLE_VM_FUNCTIONS, false))
		return;
	ept_init(&other, ept_levels(), false);
	ept_identity_map(&other, ept_guest_memory_size(21), 21);
	list[0] = g.eptp;
	list[1] = ept_eptp(&other);
	vmcs_write(VMCS_VM_FUNCTION_CONTROLS, VMX_VMFUNC_EPTP_SWITCHING);
	vmcs_write(VMCS_EPTP_LIST_ADDR, virt_to_phys(list));
	vmx_guest_run_to_done(&g, "guest switches to EPTP-list entry 1");
	report_u64(NULL, list[1], vmcs_read(VMCS_EPT_POINTER), "EPT pointer after VMFUNC(0, 1)");
	/* The EPTP-index field exists, and VMFUNC(0) writes it, only with "EPT-violation #VE" (Appendix B; 26.5 "EPTP Switching"). */
	if (vmx_may1(VMX_PROCBASED2, CPU2_EPT_VIOLATION_VE))
		report_u64(NULL, 1, vmcs_read(VMCS_EPTP_INDEX), "EPTP index after VMFUNC(0, 1)");
	vmx_guest_set_fn(&g, vmfunc_bad_index, NULL);
	vmx_guest_load(&g);
	vmcs_write(VMCS_VM_FUNCTION_CONTROLS, VMX_VMFUNC_EPTP_SWITCHING);
	vmcs_write(VMCS_EPTP_LIST_ADDR, virt_to_phys(list));
	vmx_guest_expect(&g, VMX_EXIT_VMFUNC, "guest VMFUNC(0, 512): index beyond the list");
	vmx_guest_free(&g);
	pt_destroy(&ept.pt);
	pt_destroy(&other.pt);
}

static void guest_vmread(void *arg)
{
	uint64_t v = 0;

	asm volatile("vmread %1, %0" : "=r"(v) : "r"((uint64_t)VMCS_GUEST_RIP) : "cc");
	vmx_guest_call(v);
}

/*
 * 25.10 / 31.3 VMCS shadowing: a guest VMREAD of a field clear in the
 * VMREAD bitmap reads the shadow VMCS the link pointer names, without exit.
 */
static void vmcs_shadowing(void)
{
	struct vmx_guest g;
	struct vmx_ept ept;

	if (!need(VMX_PROCBASED2, CPU2_VMCS_SHADOWING))
		return;
	uint32_t *shadow = vmx_alloc_vmcs();
	void *bitmap = alloc_page();
	shadow[0] |= VMX_VMCS_SHADOW_INDICATOR;
	report_result(NULL, HV_RESULT_OK, vmclear(virt_to_phys(shadow)), "VMCLEAR of the shadow VMCS");
	report_result(NULL, HV_RESULT_OK, vmptrld(virt_to_phys(shadow)), "VMPTRLD of the shadow VMCS");
	report_result(NULL, HV_RESULT_OK, vmwrite(VMCS_GUEST_RIP, 0x5ad0), "VMWRITE GUEST_RIP=0x5ad0 in the shadow VMCS");
	vmclear(virt_to_phys(shadow));
	if (!feature_guest(&g, &ept, guest_vmread, CPU2_VMCS_SHADOWING, false))
		return;
	vmcs_write(VMCS_VMREAD_BITMAP_ADDR, virt_to_phys(bitmap));
	vmcs_write(VMCS_VMWRITE_BITMAP_ADDR, virt_to_phys(bitmap));
	vmcs_write(VMCS_LINK_POINTER, virt_to_phys(shadow));
	if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "guest VMREAD GUEST_RIP through the shadow"))
		report_u64(NULL, 0x5ad0, g.gprs.rax, "value the guest read");
	vmx_guest_free(&g);
}

static volatile uint32_t *apic_access;
#define APIC_VERSION_OFFSET 0x30

static void read_virtual_version(void *arg)
{
	vmx_guest_call(apic_access[APIC_VERSION_OFFSET / 4]);
}

/*
 * 30.4.1 APIC-register virtualization: a guest read of the APIC version
 * register (offset 30H) in the APIC-access page returns the virtual-APIC
 * page's dword at 30H, without a VM exit.  (Only the TPR would be
 * virtualized without this control; any other offset would be an
 * APIC-access VM exit, so this read tells the feature apart.)
 */
static void apic_register_virtualization(void)
{
	struct vmx_guest g;
	struct vmx_ept ept;

	if (!need(VMX_PROCBASED2, CPU2_APIC_REGISTER_VIRTUALIZATION) ||
	    !need(VMX_PROCBASED2, CPU2_VIRTUALIZE_APIC_ACCESSES) || !need(VMX_PROCBASED, CPU_USE_TPR_SHADOW))
		return;
	uint32_t *vapic = alloc_page();
	apic_access = alloc_page();
	vapic[APIC_VERSION_OFFSET / 4] = 0x50014;
	if (!feature_guest(&g, &ept, read_virtual_version,
			   CPU2_VIRTUALIZE_APIC_ACCESSES | CPU2_APIC_REGISTER_VIRTUALIZATION, false))
		return;
	g.ctl[VMX_PROCBASED] |= CPU_USE_TPR_SHADOW;
	vmcs_write(VMCS_PROC_BASED_CONTROLS, g.ctl[VMX_PROCBASED]);
	vmcs_write(VMCS_VIRTUAL_APIC_ADDR, virt_to_phys(vapic));
	vmcs_write(VMCS_APIC_ACCESS_ADDR, virt_to_phys((void *)apic_access));
	vmcs_write(VMCS_TPR_THRESHOLD, 0);
	if (vmx_guest_expect(&g, VMX_EXIT_VMCALL, "guest reads APIC version (30H) through the APIC-access page"))
		report_u64(NULL, 0x50014, g.gprs.rax, "APIC version the guest read (virtual-APIC page)");
	vmx_guest_free(&g);
}

/* Posted interrupts need the whole APICv path; advertised or not, it is named. */
static void posted_interrupts(void)
{
	if (!need(VMX_PINBASED, PIN_POSTED_INTERRUPTS))
		return;
	report_skip("\"process posted interrupts\" advertised: no scenario for it in this program yet");
}

HV_EACH_CPU(preemption_timer)
HV_EACH_CPU(unrestricted_guest)
HV_EACH_CPU(pml)
HV_EACH_CPU(vmfunc)
HV_EACH_CPU(vmcs_shadowing)
HV_EACH_CPU(apic_register_virtualization)
HV_EACH_CPU(posted_interrupts)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "preemption_timer", preemption_timer_each_cpu },
		{ "unrestricted_guest", unrestricted_guest_each_cpu },
		{ "pml", pml_each_cpu },
		{ "vmfunc", vmfunc_each_cpu },
		{ "vmcs_shadowing", vmcs_shadowing_each_cpu },
		{ "apic_register_virtualization", apic_register_virtualization_each_cpu },
		{ "posted_interrupts", posted_interrupts_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
