/* Capability MSRs and the derived configuration (see caps.h). */
#include "caps.h"
#include "desc.h"
#include "libc.h"
#include "percpu.h"
#include "smp.h"

static const char *const cap_msr_names[VMX_NR_CAP_MSRS] = {
	"IA32_VMX_BASIC", "IA32_VMX_PINBASED_CTLS", "IA32_VMX_PROCBASED_CTLS",
	"IA32_VMX_EXIT_CTLS", "IA32_VMX_ENTRY_CTLS", "IA32_VMX_MISC", "IA32_VMX_CR0_FIXED0",
	"IA32_VMX_CR0_FIXED1", "IA32_VMX_CR4_FIXED0", "IA32_VMX_CR4_FIXED1",
	"IA32_VMX_VMCS_ENUM", "IA32_VMX_PROCBASED_CTLS2", "IA32_VMX_EPT_VPID_CAP",
	"IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS",
	"IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS", "IA32_VMX_VMFUNC",
};

void vmx_caps_read(struct vmx_caps *caps)
{
	for (unsigned i = 0; i < VMX_NR_CAP_MSRS; i++)
		caps->readable[i] = hv_result_ok(rdmsr_safe(VMX_CAP_MSR_FIRST + i, &caps->val[i]));
}

uint64_t vmx_cap(const struct vmx_caps *caps, uint32_t msr)
{
	return caps->val[msr - VMX_CAP_MSR_FIRST];
}

bool vmx_cap_readable(const struct vmx_caps *caps, uint32_t msr)
{
	return caps->readable[msr - VMX_CAP_MSR_FIRST];
}

const char *vmx_cap_msr_name(uint32_t msr)
{
	return msr >= VMX_CAP_MSR_FIRST && msr <= VMX_CAP_MSR_LAST ?
	       cap_msr_names[msr - VMX_CAP_MSR_FIRST] : "not a VMX capability MSR";
}

struct vmx_allowed vmx_allowed(const struct vmx_caps *caps, enum vmx_control_word w)
{
	uint32_t msr = vmx_control_word_msr(w), true_msr = vmx_control_word_true_msr(w);

	if ((vmx_cap(caps, MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS) && true_msr &&
	    vmx_cap_readable(caps, true_msr))
		msr = true_msr;
	if (msr < VMX_CAP_MSR_FIRST || msr > VMX_CAP_MSR_LAST || !vmx_cap_readable(caps, msr))
		return (struct vmx_allowed){ 0, 0 };
	uint64_t v = vmx_cap(caps, msr);
	return (struct vmx_allowed){ (uint32_t)v, (uint32_t)(v >> 32) };
}

/*
 * KVM's adjust_vmx_controls(): take min | opt, drop what may not be 1,
 * add what must be 1; fail if part of min was dropped.
 */
static bool adjust_controls(const struct vmx_caps *caps, enum vmx_control_word w, uint32_t min,
			    uint32_t opt, struct vmx_config *cfg)
{
	struct vmx_allowed a = vmx_allowed(caps, w);
	uint32_t ctl = ((min | opt) & a.may1) | a.must1;
	uint32_t lost = min & ~ctl;

	cfg->ctl[w] = ctl;
	if (!lost)
		return true;
	const char *name = vmx_control_name(w, lost & -lost);
	snprintf(cfg->missing, sizeof(cfg->missing), "%s: %s", vmx_control_word_name(w),
		 name ? name : "reserved bit");
	return false;
}

/* The control sets of KVM's setup_vmcs_config() (Linux 5.x, 64-bit host). */
static const uint32_t min_pin = PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING;
static const uint32_t opt_pin = PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER | PIN_POSTED_INTERRUPTS;
static const uint32_t min_proc = CPU_HLT_EXITING | CPU_CR8_LOAD_EXITING |
	CPU_CR8_STORE_EXITING | CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING |
	CPU_UNCONDITIONAL_IO_EXITING | CPU_MOV_DR_EXITING | CPU_USE_TSC_OFFSETTING |
	CPU_MWAIT_EXITING | CPU_MONITOR_EXITING | CPU_INVLPG_EXITING | CPU_RDPMC_EXITING;
static const uint32_t opt_proc = CPU_USE_TPR_SHADOW | CPU_USE_MSR_BITMAPS |
	CPU_ACTIVATE_SECONDARY_CONTROLS;
static const uint32_t opt_proc2 = CPU2_VIRTUALIZE_APIC_ACCESSES | CPU2_VIRTUALIZE_X2APIC_MODE |
	CPU2_WBINVD_EXITING | CPU2_ENABLE_VPID | CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST |
	CPU2_PAUSE_LOOP_EXITING | CPU2_DESCRIPTOR_TABLE_EXITING | CPU2_ENABLE_RDTSCP |
	CPU2_ENABLE_INVPCID | CPU2_APIC_REGISTER_VIRTUALIZATION |
	CPU2_VIRTUAL_INTERRUPT_DELIVERY | CPU2_RDRAND_EXITING | CPU2_RDSEED_EXITING |
	CPU2_ENABLE_XSAVES_XRSTORS | CPU2_VMCS_SHADOWING | CPU2_ENABLE_PML |
	CPU2_USE_TSC_SCALING | CPU2_ENABLE_VM_FUNCTIONS;
static const uint32_t min_exit = EXIT_SAVE_DEBUG_CONTROLS | EXIT_HOST_ADDRESS_SPACE_SIZE;
static const uint32_t opt_exit = EXIT_LOAD_IA32_PERF_GLOBAL_CTRL | EXIT_SAVE_IA32_PAT |
	EXIT_LOAD_IA32_PAT | EXIT_ACK_INTERRUPT_ON_EXIT | EXIT_LOAD_IA32_EFER |
	EXIT_CLEAR_IA32_BNDCFGS;
static const uint32_t min_entry = ENTRY_LOAD_DEBUG_CONTROLS;
static const uint32_t opt_entry = ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL | ENTRY_LOAD_IA32_PAT |
	ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_BNDCFGS;

bool vmx_config_derive(const struct vmx_caps *caps, struct vmx_config *cfg)
{
	uint64_t basic = vmx_cap(caps, MSR_IA32_VMX_BASIC);

	memset(cfg, 0, sizeof(*cfg));
	cfg->revision = vmx_basic_revision(basic);
	cfg->region_size = vmx_basic_region_size(basic);
	if (!adjust_controls(caps, VMX_PINBASED, min_pin, opt_pin, cfg) ||
	    !adjust_controls(caps, VMX_PROCBASED, min_proc, opt_proc, cfg))
		return false;
	/* With a TPR shadow KVM drops CR8 exiting. */
	if (cfg->ctl[VMX_PROCBASED] & CPU_USE_TPR_SHADOW)
		cfg->ctl[VMX_PROCBASED] &= ~(CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING);
	if ((cfg->ctl[VMX_PROCBASED] & CPU_ACTIVATE_SECONDARY_CONTROLS) &&
	    !adjust_controls(caps, VMX_PROCBASED2, 0, opt_proc2, cfg))
		return false;
	if (!adjust_controls(caps, VMX_EXIT, min_exit, opt_exit, cfg) ||
	    !adjust_controls(caps, VMX_ENTRY, min_entry, opt_entry, cfg))
		return false;

	uint32_t proc2 = cfg->ctl[VMX_PROCBASED2];
	cfg->ept = proc2 & CPU2_ENABLE_EPT;
	cfg->vpid = proc2 & CPU2_ENABLE_VPID;
	cfg->unrestricted = proc2 & CPU2_UNRESTRICTED_GUEST;
	if (cfg->ept || cfg->vpid)
		cfg->ept_vpid_cap = vmx_cap(caps, MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t ev = cfg->ept_vpid_cap;
	/* KVM's requirement: 4-level walks with WB paging structures (else no EPT: ept_levels 0). */
	if (cfg->ept && (ev & VMX_EPT_PAGE_WALK_4) && (ev & VMX_EPT_MEMTYPE_WB)) {
		cfg->ept_levels = (ev & VMX_EPT_PAGE_WALK_5) ? 5 : 4;
		cfg->ept_max_page_shift = (ev & VMX_EPT_1GB_PAGE) ? 30 : (ev & VMX_EPT_2MB_PAGE) ? 21 : 12;
		cfg->ept_ad = ev & VMX_EPT_AD_FLAGS;
	}
	return true;
}

/* This CPU's capability MSRs, read once, and the allowed settings of each control word. */
static struct this_caps {
	struct vmx_caps caps;
	struct vmx_allowed allowed[VMX_NR_CONTROL_WORDS];
	bool valid;
} this_caps[MAX_CPUS];

static const struct this_caps *this_caps_read(void)
{
	struct this_caps *t = &this_caps[smp_id()];

	if (!t->valid) {
		vmx_caps_read(&t->caps);
		for (unsigned w = 0; w < VMX_NR_CONTROL_WORDS; w++)
			t->allowed[w] = vmx_allowed(&t->caps, w);
		t->valid = true;
	}
	return t;
}

const struct vmx_caps *vmx_this_caps(void)
{
	return &this_caps_read()->caps;
}

uint64_t vmx_this_cap(uint32_t msr)
{
	return vmx_cap(vmx_this_caps(), msr);
}

const struct vmx_allowed *vmx_this_allowed(void)
{
	return this_caps_read()->allowed;
}

bool vmx_may1(enum vmx_control_word w, uint32_t mask)
{
	return (unsigned)w < VMX_NR_CONTROL_WORDS && (this_caps_read()->allowed[w].may1 & mask);
}

struct derive_work {
	struct vmx_caps *caps;
	struct vmx_config *cfg;
	bool *ok;
};

static void derive_here(void *arg)
{
	struct derive_work *w = arg;
	unsigned cpu = smp_id();

	vmx_caps_read(&w->caps[cpu]);
	w->ok[cpu] = vmx_config_derive(&w->caps[cpu], &w->cfg[cpu]);
}

void vmx_derive_on_all_cpus(struct vmx_caps *caps, struct vmx_config *cfg, bool *ok)
{
	struct derive_work w = { caps, cfg, ok };

	on_cpus(derive_here, &w);
}
