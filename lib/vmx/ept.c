/* EPT through the shared page-table builder (see ept.h). */
#include "ept.h"
#include "caps.h"
#include "insn.h"
#include "mem.h"
#include "report.h"
#include "processor.h"
#include "guest.h"
#include "vmxon.h"
#include "vmx_names.h"
#include "tdp.h"
#include "cpuid.h"
#include "libc.h"

void ept_init(struct vmx_ept *ept, unsigned levels, bool ad)
{
	pt_init(&ept->pt, &pt_format_ept, levels);
	ept->ad = ad;
}

void ept_identity_map(struct vmx_ept *ept, uint64_t size, unsigned page_shift)
{
	pt_map(&ept->pt, 0, 0, size, page_shift, EPT_RWX | EPT_MT_WB);
}

/* SDM 25.6.11 "Extended-Page-Table Pointer (EPTP)". */
uint64_t ept_eptp(const struct vmx_ept *ept)
{
	return virt_to_phys(ept->pt.root) | VMX_MEMORY_TYPE_WB | EPTP_WALK(ept->pt.levels) |
	       (ept->ad ? EPTP_AD_ENABLE : 0);
}

uint64_t ept_guest_memory_size(unsigned page_shift)
{
	return ALIGN_UP(mem_ram_top(), 1ull << page_shift);
}

void ept_invalidate(uint64_t eptp)
{
	uint64_t cap = vmx_cap(vmx_this_caps(), MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t type = (cap & VMX_EPT_INVEPT_SINGLE_CONTEXT) ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;
	char got[64];
	struct hv_result r = invept(type, eptp);

	if (!hv_result_ok(r))
		report(false, "INVEPT type %llu for EPTP %#llx: expected success, got %s",
		       (unsigned long long)type, (unsigned long long)eptp, hv_result_str(r, got, sizeof(got)));
}

bool ept_usable(void)
{
	const struct vmx_caps *c = vmx_this_caps();
	uint64_t cap = vmx_cap(c, MSR_IA32_VMX_EPT_VPID_CAP);

	if (!(vmx_allowed(c, VMX_PROCBASED).may1 & CPU_ACTIVATE_SECONDARY_CONTROLS)) {
		report_skip("PROCBASED_CTLS=%#llx: secondary controls may not be activated, so no EPT",
			    (unsigned long long)vmx_cap(c, MSR_IA32_VMX_PROCBASED_CTLS));
		return false;
	}
	if (!(vmx_allowed(c, VMX_PROCBASED2).may1 & CPU2_ENABLE_EPT)) {
		report_skip("PROCBASED_CTLS2=%#llx: \"enable EPT\" may not be 1",
			    (unsigned long long)vmx_cap(c, MSR_IA32_VMX_PROCBASED_CTLS2));
		return false;
	}
	if (!(cap & (VMX_EPT_PAGE_WALK_4 | VMX_EPT_PAGE_WALK_5)) || !(cap & VMX_EPT_MEMTYPE_WB)) {
		report_skip("EPT_VPID_CAP=%#llx: neither a 4- nor 5-level walk with WB paging structures",
			    (unsigned long long)cap);
		return false;
	}
	return true;
}

unsigned ept_largest_shift(void)
{
	uint64_t cap = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);

	return (cap & VMX_EPT_1GB_PAGE) ? 30 : (cap & VMX_EPT_2MB_PAGE) ? 21 : 12;
}

bool ept_walk_advertised(unsigned levels)
{
	return vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & (levels == 5 ? VMX_EPT_PAGE_WALK_5 : VMX_EPT_PAGE_WALK_4);
}

bool ept_guest_create(struct vmx_guest *g, hv_guest_fn *fn, void *arg, uint64_t eptp)
{
	if (!vmx_guest_create(g, fn, arg))
		return false;
	g->ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	g->ctl[VMX_PROCBASED2] |= CPU2_ENABLE_EPT;
	g->eptp = eptp;
	if (vmx_guest_load(g))
		return true;
	vmx_guest_free(g);
	return false;
}

bool ept_guest_window(struct vmx_guest *g, hv_guest_fn *fn, const struct tdp_window *w)
{
	vmx_guest_set_fn(g, fn, NULL);
	if (!vmx_guest_load(g))
		return false;
	vmcs_write(VMCS_GUEST_CR3, virt_to_phys(w->gpt.root));
	return true;
}

#define EPT_VIOLATION_ADVANCED_BITS \
	(EPT_VIOLATION_USER_LINEAR | EPT_VIOLATION_LINEAR_WRITABLE | EPT_VIOLATION_LINEAR_NX)

uint64_t ept_violation_defined_bits(const struct vmx_guest *g, uint64_t qual)
{
	uint64_t undefined = EPT_VIOLATION_SSS_PAGE;
	uint64_t linear = EPT_VIOLATION_LINEAR_VALID | EPT_VIOLATION_LINEAR_TRANSLATED;

	if (!(g->ctl[VMX_PROCBASED2] & CPU2_MODE_BASED_EXECUTE_CONTROL))
		undefined |= EPT_VIOLATION_USER_EXECUTABLE;
	if (!(vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_ADVANCED_EXIT_INFO) || (qual & linear) != linear)
		undefined |= EPT_VIOLATION_ADVANCED_BITS;
	if ((g->ctl[VMX_PINBASED] & PIN_NMI_EXITING) && !(g->ctl[VMX_PINBASED] & PIN_VIRTUAL_NMIS))
		undefined |= EPT_VIOLATION_NMI_UNBLOCKING;
	if (g->eptp & EPTP_SSS)
		undefined &= ~EPT_VIOLATION_SSS_PAGE;
	return ~undefined;
}

uint64_t ept_linear_rights(const struct page_table *guest_pt, uint64_t va)
{
	uint64_t *table = guest_pt->root, and_bits = PT_U | PT_W, or_bits = 0;

	for (unsigned level = guest_pt->levels; level >= 1; level--) {
		uint64_t e = table[(va >> PT_LEVEL_SHIFT(level)) & 511];
		and_bits &= e;
		or_bits |= e & PT_NX;
		if (level == 1 || (e & PT_PS))
			break;
		table = phys_to_virt(e & PT_ADDR_MASK);
	}
	return (and_bits & PT_U ? EPT_VIOLATION_USER_LINEAR : 0) |
	       (and_bits & PT_W ? EPT_VIOLATION_LINEAR_WRITABLE : 0) |
	       (or_bits ? EPT_VIOLATION_LINEAR_NX : 0);
}

/* Enter g; true when it exited with `reason`, else `got` describes what happened. */
static bool enter_for(struct vmx_guest *g, unsigned reason, char *got, unsigned size)
{
	struct hv_result r = vmx_guest_run(g);

	if (!hv_result_ok(r)) {
		hv_result_str(r, got, size);
		return false;
	}
	vmx_exit_str(g, got, size);
	return !g->done && !g->stopped && g->exit.reason == reason;
}

bool ept_expect_exit(struct vmx_guest *g, const char *erratum, unsigned reason)
{
	char got[96];
	bool ok = enter_for(g, reason, got, sizeof(got));

	return report_erratum(erratum, ok, "exit: expected %s (%u), got %s", vmx_exit_reason_name(reason), reason,
			      ok ? vmx_exit_reason_name(reason) : got);
}

void ept_check_violation(struct vmx_guest *g, const char *erratum, uint64_t qual, uint64_t open, uint64_t gpa,
			 uint64_t gla, const struct page_table *guest_pt)
{
	uint64_t linear = EPT_VIOLATION_LINEAR_VALID | EPT_VIOLATION_LINEAR_TRANSLATED;
	const struct vmx_exit *e = &g->exit;
	char want_gla[40] = "", got_gla[40] = "";

	if ((qual & linear) == linear && (vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_ADVANCED_EXIT_INFO))
		qual |= ept_linear_rights(guest_pt, gla);
	uint64_t defined = ept_violation_defined_bits(g, qual) & ~open;
	bool addresses = e->guest_physical == gpa;
	if (qual & EPT_VIOLATION_LINEAR_VALID) {
		addresses &= e->guest_linear == gla;
		snprintf(want_gla, sizeof(want_gla), ", guest-linear %#llx", (unsigned long long)gla);
		snprintf(got_gla, sizeof(got_gla), ", guest-linear %#llx", (unsigned long long)e->guest_linear);
	}
	/* The erratum is about the qualification: with an address wrong the check is a plain one. */
	report_erratum(addresses ? erratum : NULL, addresses && (e->qualification & defined) == qual,
		       "EPT violation: expected qualification %#llx (bits %#llx not compared), guest-physical "
		       "%#llx%s; got %#llx, %#llx%s", (unsigned long long)qual, (unsigned long long)~defined,
		       (unsigned long long)gpa, want_gla, (unsigned long long)e->qualification,
		       (unsigned long long)e->guest_physical, got_gla);
}

bool ept_expect_violation(struct vmx_guest *g, const char *erratum, uint64_t qual, uint64_t open, uint64_t gpa,
			  uint64_t gla, const struct page_table *guest_pt)
{
	char got[96];

	if (!enter_for(g, VMX_EXIT_EPT_VIOLATION, got, sizeof(got)))
		return report(false, "exit: expected EPT_VIOLATION (48), got %s", got);
	ept_check_violation(g, erratum, qual, open, gpa, gla, guest_pt);
	return true;
}

bool ept_expect_misconfig(struct vmx_guest *g, const char *erratum, uint64_t gpa)
{
	char got[96];
	bool exited = enter_for(g, VMX_EXIT_EPT_MISCONFIG, got, sizeof(got));
	bool at = exited && g->exit.guest_physical == gpa;

	if (exited)
		snprintf(got, sizeof(got), "EPT_MISCONFIG (49) at guest-physical %#llx",
			 (unsigned long long)g->exit.guest_physical);
	/* The erratum is about the exit: with the exit right and the address wrong the check is a plain one. */
	report_erratum(exited && !at ? NULL : erratum, at,
		       "exit: expected EPT_MISCONFIG (49) at guest-physical %#llx, got %s", (unsigned long long)gpa, got);
	return exited;
}

bool ept_entry_testable(const struct tdp_entry *e, unsigned levels)
{
	uint64_t cap = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t leaf_cap = e->shift == 30 ? VMX_EPT_1GB_PAGE : e->shift == 21 ? VMX_EPT_2MB_PAGE : 0;

	if (e->level > levels)
		return false;	/* no such entry in this walk: no rule */
	if (leaf_cap && !(cap & leaf_cap))
		report_skip("EPT_VPID_CAP[%u] clear (%#llx): no %s leaves", __builtin_ctzll(leaf_cap),
			    (unsigned long long)cap, e->shift == 30 ? "1G" : "2M");
	else
		return tdp_window_private(e->level);
	return false;
}

void ept_window_init(struct vmx_ept *ept, struct tdp_window *w, unsigned levels, bool ad, unsigned shift)
{
	ept_init(ept, levels, ad);
	ept_identity_map(ept, ept_guest_memory_size(ept_largest_shift()), ept_largest_shift());
	tdp_window_map(w, &ept->pt, shift, EPT_RWX | EPT_MT_WB);
}

void ept_each_walk(const unsigned *entries, unsigned n, tdp_entry_rule *fn)
{
	for (unsigned levels = 4; levels <= 5; levels++) {
		report_prefix_push("%u-level", levels);
		if (!ept_walk_advertised(levels)) {
			report_skip("EPT_VPID_CAP=%#llx: no %u-level EPT walk",
				    (unsigned long long)vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP), levels);
		} else {
			tdp_each_entry(entries, n, levels, ept_entry_testable, fn);
		}
		report_prefix_pop();
	}
}

void ept_rules_main(const struct subtest *tests, unsigned n, struct tdp_window *w)
{
	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return;
	if (!ept_usable())
		return;		/* the program's whole subject is absent: SKIP, not a PASS of its teardown */
	report_info("EPT_VPID_CAP=%#llx, MAXPHYADDR %u, window at guest-physical %#llx",
		    (unsigned long long)vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP), cpu_maxphyaddr(),
		    (unsigned long long)tdp_window_base());
	tdp_window_init(w);
	run_subtests(tests, n);
	tdp_window_free(w);
	vmx_program_finish();
}
