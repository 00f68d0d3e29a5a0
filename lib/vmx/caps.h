/*
 * The VMX capability MSRs (SDM Vol. 3C, Appendix A), read with the safe
 * MSR read, and the configuration a hypervisor derives from them the way
 * KVM's setup_vmcs_config() / adjust_vmx_controls() do: for each control
 * word a minimum set that must be allowed and an optional set taken where
 * allowed, judged against the TRUE MSRs when IA32_VMX_BASIC[55] says so.
 */
#ifndef HV_VMX_CAPS_H
#define HV_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx_names.h"

#define VMX_CAP_MSR_FIRST	MSR_IA32_VMX_BASIC
#define VMX_CAP_MSR_LAST	MSR_IA32_VMX_VMFUNC
#define VMX_NR_CAP_MSRS		(VMX_CAP_MSR_LAST - VMX_CAP_MSR_FIRST + 1)

/* Every capability MSR 0x480..0x491 as read on one CPU. */
struct vmx_caps {
	uint64_t val[VMX_NR_CAP_MSRS];
	bool readable[VMX_NR_CAP_MSRS];	/* RDMSR did not fault */
};

/* Read all of them on this CPU (a #GP leaves readable false and val 0). */
void vmx_caps_read(struct vmx_caps *caps);
uint64_t vmx_cap(const struct vmx_caps *caps, uint32_t msr);
bool vmx_cap_readable(const struct vmx_caps *caps, uint32_t msr);
/* "IA32_VMX_BASIC" etc. */
const char *vmx_cap_msr_name(uint32_t msr);

/*
 * The allowed settings of a 32-bit control word (A.3-A.5): bits that may
 * be 0 are clear in allowed0 ("allowed 0-settings", low half), bits that
 * may be 1 are set in allowed1 (high half).  Uses the TRUE MSR when
 * BASIC[55] is 1 and the word has one; a word whose MSR is not readable
 * (secondary controls without primary bit 31) allows nothing.
 */
struct vmx_allowed { uint32_t must1, may1; };
struct vmx_allowed vmx_allowed(const struct vmx_caps *caps, enum vmx_control_word w);

/* The derived configuration (KVM's vmcs_config + vmx_capability). */
struct vmx_config {
	uint32_t ctl[VMX_PROCBASED3];	/* pin, proc, proc2, exit, entry */
	uint32_t revision;
	unsigned region_size;
	uint64_t ept_vpid_cap;		/* 0 when neither EPT nor VPID is usable */
	bool ept, vpid, unrestricted;
	unsigned ept_levels;		/* 4 or 5; 0 without EPT */
	unsigned ept_max_page_shift;	/* 12, 21 or 30 */
	bool ept_ad;
	char missing[96];		/* the minimum control that is not allowed */
};

/*
 * Derive cfg from caps.  False when a control of the minimum set is not
 * allowed; cfg->missing names it ("primary processor-based VM-execution
 * controls: HLT exiting").
 */
bool vmx_config_derive(const struct vmx_caps *caps, struct vmx_config *cfg);

/* This CPU's capabilities (read once per CPU, cached with each word's allowed settings). */
const struct vmx_caps *vmx_this_caps(void);
/* One of this CPU's capability MSRs; 0 when it is not readable. */
uint64_t vmx_this_cap(uint32_t msr);
/* This CPU's allowed settings, indexed by control word (VMX_NR_CONTROL_WORDS of them). */
const struct vmx_allowed *vmx_this_allowed(void);
/* May the control `mask` (one bit) of word w be 1 on this CPU? */
bool vmx_may1(enum vmx_control_word w, uint32_t mask);

/*
 * smp_call_function_single's compatibility check: on every CPU at once,
 * read its capability MSRs afresh into caps[cpu] and derive cfg[cpu]
 * (ok[cpu] says whether the minimum was allowed).
 */
void vmx_derive_on_all_cpus(struct vmx_caps *caps, struct vmx_config *cfg, bool *ok);

#endif
