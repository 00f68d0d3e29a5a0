/*
 * Invalidation proved (SDM Vol. 3C, 29.4 "Caching Translation Information",
 * 29.4.3 "Invalidating Cached Information", and 31.3 INVEPT / INVVPID): the
 * guest reads the TDP window (lib/tdp.h), which maps page A; the host
 * changes the mapping to page B -- the EPT leaf of the window's
 * guest-physical page, or the guest's own PTE of its linear page -- and the
 * guest reads again.  Without an invalidation the architecture lets the
 * processor use what it cached (29.4.1: no check, the value is shown); after
 * one that covers the change the new mapping must be used:
 *  - INVEPT single-context (for this EPTP) and all-context invalidate the
 *    guest-physical and combined mappings (29.4.3.1), so both changes;
 *  - INVVPID of each type EPT_VPID_CAP advertises -- individual-address
 *    (of the window's linear address), single-context, all-context, and
 *    single-context retaining globals (the PTE is not global) --
 *    invalidates the linear and combined mappings of the VPID (29.4.3.3),
 *    so the guest's PTE change; individual-address with another address is
 *    shown, not checked (the processor may invalidate more than asked).
 * Every run starts with the EPTP and VPID freshly invalidated, so the first
 * read must see page A.  Isolation: mappings are tagged with the VPID and
 * the EPTP (29.4.1, 29.4.2): a VPID, or an EPTP, that cached nothing
 * since its invalidation sees the current mapping although another one
 * cached the old.  Across CPUs: the change made by another CPU, the
 * invalidation done by the CPU that runs the guest.
 */
#include "hvtest.h"
#include "tdp.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

#define GUEST_VPID	1
#define OTHER_VPID	2

static struct tdp_window win;

/* The guest reads the window nr_reads times, with a VMCALL (RAX = read number) after each. */
static volatile uint64_t seen[3];
static unsigned nr_reads;

static void guest_reads(void *arg)
{
	for (unsigned i = 0; i < nr_reads; i++) {
		seen[i] = *(volatile uint64_t *)(TDP_WINDOW_LINEAR + TDP_DATA_OFFSET);
		vmx_guest_call(i);
	}
}

static uint64_t ept_cap(void)
{
	return vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);
}

/* VPIDs are used where "enable VPID" may be 1 and INVVPID can start them afresh. */
static bool vpid_usable(void)
{
	return vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_VPID) && (ept_cap() & VMX_VPID_INVVPID) &&
	       (ept_cap() & (VMX_VPID_INVVPID_SINGLE_CONTEXT | VMX_VPID_INVVPID_ALL_CONTEXT));
}

/* INVVPID of one VPID: single-context where advertised, else all-context; a failure is a FAIL. */
static void invvpid_fresh(uint16_t vpid)
{
	uint64_t type = (ept_cap() & VMX_VPID_INVVPID_SINGLE_CONTEXT) ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT;

	report_result(NULL, HV_RESULT_OK, invvpid(type, vpid, 0), "INVVPID type %llu, VPID %u (a fresh start)",
		      (unsigned long long)type, vpid);
}

/* A run: the EPT (window 4K leaf -> page A), the guest with VPID `vpid` (0: none), both invalidated. */
struct run {
	struct vmx_ept ept;
	struct vmx_guest g;
	uint64_t *leaf;		/* the window's EPT leaf */
};

/* False (the harness said why, nothing left allocated) when the guest could not be made. */
static bool run_init(struct run *r, uint16_t vpid, unsigned reads)
{
	ept_window_init(&r->ept, &win, ept_walk_advertised(4) ? 4 : 5, false, 12);
	r->leaf = pt_entry(&r->ept.pt, tdp_window_base(), 1);
	nr_reads = reads;
	if (!vmx_guest_create(&r->g, guest_reads, NULL)) {
		pt_destroy(&r->ept.pt);
		return false;
	}
	r->g.ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	r->g.ctl[VMX_PROCBASED2] |= CPU2_ENABLE_EPT | (vpid ? CPU2_ENABLE_VPID : 0);
	r->g.vpid = vpid;
	r->g.eptp = ept_eptp(&r->ept);
	ept_invalidate(r->g.eptp);
	if (vpid)
		invvpid_fresh(vpid);
	if (ept_guest_window(&r->g, guest_reads, &win))
		return true;
	vmx_guest_free(&r->g);
	pt_destroy(&r->ept.pt);
	return false;
}

static void run_free(struct run *r)
{
	vmx_guest_free(&r->g);
	pt_destroy(&r->ept.pt);
}

/* Run to the guest's VMCALL after read i; check what read i saw when `want` is not 0. */
static bool read_step(struct run *r, unsigned i, uint64_t want, const char *what)
{
	if (!vmx_guest_expect(&r->g, VMX_EXIT_VMCALL, "guest read"))
		return false;
	if (want)
		report_u64(NULL, want, seen[i], "read %u (%s): the guest saw %s", i, what, tdp_pattern_name(seen[i]));
	return true;
}

/* The window's EPT leaf, or the guest's PTE, to page B. */
static void make_change(struct run *r, enum tdp_change c)
{
	if (c == TDP_CHANGE_LEAF)
		*r->leaf = virt_to_phys(win.page_b) | EPT_RWX | EPT_MT_WB;
	else
		tdp_window_point(&win, virt_to_phys(win.page_b));	/* EPT maps RAM 1:1 */
}

static const char *const change_names[] = {
	[TDP_CHANGE_LEAF] = "the window's EPT leaf", [TDP_CHANGE_GUEST_PTE] = "the guest's PTE",
};

/* The invalidations, each a check that the instruction succeeded. */
static void do_invept(struct run *r, uint64_t type)
{
	report_result(NULL, HV_RESULT_OK, invept(type, r->g.eptp), "INVEPT type %llu", (unsigned long long)type);
}

static void do_invvpid(struct run *r, uint64_t type, uint64_t linear)
{
	report_result(NULL, HV_RESULT_OK, invvpid(type, r->g.vpid, linear), "INVVPID type %llu, VPID %u, address %#llx",
		      (unsigned long long)type, r->g.vpid, (unsigned long long)linear);
}

enum inval {
	NONE, INVEPT_SINGLE, INVEPT_ALL, INVVPID_ADDRESS, INVVPID_OTHER_ADDRESS, INVVPID_SINGLE, INVVPID_ALL,
	INVVPID_RETAIN_GLOBALS,
};

static void invalidate(struct run *r, enum inval how)
{
	switch (how) {
	case NONE:
		break;
	case INVEPT_SINGLE:
		do_invept(r, INVEPT_SINGLE_CONTEXT);
		break;
	case INVEPT_ALL:
		do_invept(r, INVEPT_ALL_CONTEXT);
		break;
	case INVVPID_ADDRESS:
		do_invvpid(r, INVVPID_INDIVIDUAL_ADDR, TDP_WINDOW_LINEAR);
		break;
	case INVVPID_OTHER_ADDRESS:
		do_invvpid(r, INVVPID_INDIVIDUAL_ADDR, TDP_WINDOW_LINEAR + (1ull << 30));
		break;
	case INVVPID_SINGLE:
		do_invvpid(r, INVVPID_SINGLE_CONTEXT, 0);
		break;
	case INVVPID_ALL:
		do_invvpid(r, INVVPID_ALL_CONTEXT, 0);
		break;
	case INVVPID_RETAIN_GLOBALS:
		do_invvpid(r, INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS, 0);
		break;
	}
}

static const struct inval_case {
	struct report_site rule;	/* the row's name */
	enum inval how;
	enum tdp_change change;
	uint64_t cap;		/* the EPT_VPID_CAP bit the invalidation needs (0: none) */
	bool needs_vpid;
	bool checked;		/* the architecture requires the new mapping */
} cases[] = {
	{ REPORT_ROW("none_ept_leaf"), NONE, TDP_CHANGE_LEAF, 0, false, false },
	{ REPORT_ROW("none_guest_pte"), NONE, TDP_CHANGE_GUEST_PTE, 0, false, false },
	{ REPORT_ROW("invept_single_ept_leaf"), INVEPT_SINGLE, TDP_CHANGE_LEAF,
	  VMX_EPT_INVEPT_SINGLE_CONTEXT, false, true },
	{ REPORT_ROW("invept_all_ept_leaf"), INVEPT_ALL, TDP_CHANGE_LEAF, VMX_EPT_INVEPT_ALL_CONTEXT, false, true },
	{ REPORT_ROW("invept_single_guest_pte"), INVEPT_SINGLE, TDP_CHANGE_GUEST_PTE,
	  VMX_EPT_INVEPT_SINGLE_CONTEXT, false, true },
	{ REPORT_ROW("invept_all_guest_pte"), INVEPT_ALL, TDP_CHANGE_GUEST_PTE,
	  VMX_EPT_INVEPT_ALL_CONTEXT, false, true },
	{ REPORT_ROW("invvpid_address"), INVVPID_ADDRESS, TDP_CHANGE_GUEST_PTE,
	  VMX_VPID_INVVPID_INDIVIDUAL_ADDR, true, true },
	{ REPORT_ROW("invvpid_other_address"), INVVPID_OTHER_ADDRESS, TDP_CHANGE_GUEST_PTE,
	  VMX_VPID_INVVPID_INDIVIDUAL_ADDR, true, false },
	{ REPORT_ROW("invvpid_single"), INVVPID_SINGLE, TDP_CHANGE_GUEST_PTE,
	  VMX_VPID_INVVPID_SINGLE_CONTEXT, true, true },
	{ REPORT_ROW("invvpid_all"), INVVPID_ALL, TDP_CHANGE_GUEST_PTE, VMX_VPID_INVVPID_ALL_CONTEXT, true, true },
	{ REPORT_ROW("invvpid_retaining_globals"), INVVPID_RETAIN_GLOBALS, TDP_CHANGE_GUEST_PTE,
	  VMX_VPID_INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS, true, true },
};

/* Map, read, change, invalidate, read again. */
static void inval_case(const struct inval_case *c)
{
	bool vpid = vpid_usable();
	struct run r;

	report_rule_begin(&c->rule);
	if (c->cap && !(ept_cap() & c->cap)) {
		report_skip("EPT_VPID_CAP[%u] clear (%#llx): not advertised", __builtin_ctzll(c->cap),
			    (unsigned long long)ept_cap());
	} else if (c->needs_vpid && !vpid) {
		report_skip("no VPIDs: \"enable VPID\" may%s be 1, EPT_VPID_CAP=%#llx",
			    vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_VPID) ? "" : " not", (unsigned long long)ept_cap());
	} else if (run_init(&r, vpid ? GUEST_VPID : 0, 2)) {
		if (read_step(&r, 0, TDP_PATTERN_A, "before the change")) {
			make_change(&r, c->change);
			invalidate(&r, c->how);
			if (read_step(&r, 1, c->checked ? TDP_PATTERN_B : 0, "after the change") && !c->checked)
				report_info("after a change of %s and %s, the guest saw %s (either page is allowed)",
					    change_names[c->change], c->how == NONE ? "no invalidation" :
					    "INVVPID of another address", tdp_pattern_name(seen[1]));
			vmx_guest_run_to_done(&r.g, "guest after its reads");
		}
		run_free(&r);
	}
	report_rule_end();
}

static void inval_cases(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		inval_case(&cases[i]);
}

/*
 * 29.4.1: linear and combined mappings are tagged with the VPID.  VPID 1
 * reads (and may cache) page A; the guest's PTE then maps page B without
 * an invalidation; the same guest with VPID 2, invalidated at the start,
 * must read page B.
 */
static void vpid_isolation_rule(void)
{
	struct run r;

	if (!vpid_usable()) {
		report_skip("no VPIDs with INVVPID single- or all-context (EPT_VPID_CAP=%#llx)",
			    (unsigned long long)ept_cap());
		return;
	}
	if (!run_init(&r, GUEST_VPID, 1))
		return;
	invvpid_fresh(OTHER_VPID);
	if (read_step(&r, 0, TDP_PATTERN_A, "VPID 1") && vmx_guest_run_to_done(&r.g, "guest with VPID 1")) {
		make_change(&r, TDP_CHANGE_GUEST_PTE);
		r.g.vpid = OTHER_VPID;
		if (ept_guest_window(&r.g, guest_reads, &win) &&
		    read_step(&r, 0, TDP_PATTERN_B, "VPID 2, after the PTE change made without an invalidation"))
			vmx_guest_run_to_done(&r.g, "guest with VPID 2");
	}
	run_free(&r);
}

/*
 * 29.4.2: guest-physical and combined mappings are tagged with the EPTP's
 * EP4TA.  Two EPTs map the window to page A and to page B; the guest reads
 * under the first, under the second, and under the first again (one VPID,
 * no invalidation between): each read sees its own EPT's page.
 */
static void eptp_isolation_rule(void)
{
	struct vmx_ept other;
	struct run r;
	bool vpid = vpid_usable();

	if (!run_init(&r, vpid ? GUEST_VPID : 0, 3))
		return;
	ept_init(&other, r.ept.pt.levels, false);
	ept_identity_map(&other, ept_guest_memory_size(ept_largest_shift()), ept_largest_shift());
	pt_map(&other.pt, tdp_window_base(), virt_to_phys(win.page_b), PAGE_SIZE, 12, EPT_RWX | EPT_MT_WB);
	uint64_t eptp[2] = { r.g.eptp, ept_eptp(&other) };
	ept_invalidate(eptp[1]);
	static const uint64_t want[3] = { TDP_PATTERN_A, TDP_PATTERN_B, TDP_PATTERN_A };
	for (unsigned i = 0; i < 3; i++) {
		if (i)
			vmcs_write(VMCS_EPT_POINTER, eptp[i & 1]);
		if (!read_step(&r, i, want[i], i == 1 ? "under the second EPTP" : "under the first EPTP"))
			break;
		if (i == 2)
			vmx_guest_run_to_done(&r.g, "guest after its reads");
	}
	pt_destroy(&other.pt);
	run_free(&r);
}

/*
 * Across CPUs: the guest runs on this CPU and reads page A; another CPU
 * changes the mapping; this CPU invalidates (INVEPT for the EPT leaf,
 * INVVPID single-context for the PTE) and the guest must read page B.
 */
static struct run cross_run;

static void cross_change(enum tdp_change c)
{
	make_change(&cross_run, c);
}

static void cross_rule(enum tdp_change c)
{
	struct run *r = &cross_run;
	bool vpid = vpid_usable();

	if (c == TDP_CHANGE_GUEST_PTE && !(vpid && (ept_cap() & VMX_VPID_INVVPID_SINGLE_CONTEXT))) {
		report_skip("no INVVPID single-context (EPT_VPID_CAP=%#llx)", (unsigned long long)ept_cap());
		return;
	}
	if (!run_init(r, vpid ? GUEST_VPID : 0, 2))
		return;
	if (read_step(r, 0, TDP_PATTERN_A, "before the change")) {
		tdp_change_elsewhere();
		if (c == TDP_CHANGE_LEAF)
			ept_invalidate(r->g.eptp);
		else
			do_invvpid(r, INVVPID_SINGLE_CONTEXT, 0);
		if (read_step(r, 1, TDP_PATTERN_B, "after the change made by another CPU"))
			vmx_guest_run_to_done(&r->g, "guest after its reads");
	}
	run_free(r);
}

static void cross_cpu(void)
{
	tdp_cross_cpu(cross_rule, cross_change);
}

HV_EACH_CPU(inval_cases)
TDP_SUBTEST(vpid_isolation, vpid_isolation_rule())
TDP_SUBTEST(eptp_isolation, eptp_isolation_rule())

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "invalidate", inval_cases_each_cpu },
		{ "vpid_isolation", vpid_isolation_each_cpu },
		{ "eptp_isolation", eptp_isolation_each_cpu },
		{ "cross_cpu", cross_cpu },
	};

	ept_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
