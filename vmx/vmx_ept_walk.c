/*
 * EPT violations during the guest's own page walk (SDM Vol. 3C, 29.3.3.2
 * "EPT Violations"; 28.2.1, Table 28-7 "Exit Qualification for EPT
 * Violations"): the guest runs on page tables of its own (lib/tdp.h) and
 * one page of them -- its PML4, or the PDPT, PD or PT on the path of the
 * window -- is given a restricted EPT leaf.  Reads of guest paging
 * structures are data reads; writes that set their accessed and dirty
 * flags are data writes; with EPT accessed and dirty flags enabled
 * (EPTP[6], EPT_VPID_CAP[21]) every access to a guest paging-structure
 * entry is a write, and an EPT violation it causes sets both bits 0 and
 * 1 of the qualification (29.3.5 and the note to Table 28-7).  Each
 * violation: bit 7 set (the guest linear address is valid), bit 8 clear
 * (an access to a paging-structure entry, not to the translation of the
 * linear address), the guest-physical address of the entry, and the
 * linear address being translated: the window's, or for the PML4 the
 * guest's first instruction fetch.  After it the leaf is restored (with
 * INVEPT) and the guest completes.
 */
#include "hvtest.h"
#include "tdp.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

static struct tdp_window win;

enum { NOT_PRESENT, READ_ONLY, ACCESSED_UPDATE, DIRTY_UPDATE, AD_NOT_PRESENT, AD_READ_ONLY };

/* The guest flag a rule clears on the window's path, so that the walk must write it. */
enum flag_update { NO_UPDATE, ACCESSED, DIRTY };

static const struct walk_case {
	uint64_t ept_clear;	/* EPT permissions taken from the guest table page */
	bool ad;		/* EPT accessed and dirty flags enabled (EPTP[6]) */
	enum flag_update update;
	bool leaf_only;		/* only the PT holds the flag */
	unsigned guest;		/* the guest's access: TDP_READ or TDP_WRITE */
	bool exits;		/* an EPT violation, else the access completes */
	uint64_t access;	/* qualification bits 2:0 */
	uint64_t open;		/* of those, bits the SDM leaves to the implementation */
	const char *exit_erratum, *qual_erratum;	/* errata of the exit and of the qualification */
} cases[] = {
	/* 29.3.3.2: reads of guest paging structures are data reads. */
	[NOT_PRESENT] = { EPT_RWX, false, NO_UPDATE, false, TDP_READ, true, EPT_VIOLATION_READ, 0, NULL, NULL },
	[READ_ONLY] = { EPT_W, false, NO_UPDATE, false, TDP_READ, false, 0, 0, NULL, NULL },
	/*
	 * 29.3.3.2: writes to set accessed and dirty flags are data writes
	 * (an internal read-modify-write: bit 0 is not compared).
	 */
	[ACCESSED_UPDATE] = { EPT_W, false, ACCESSED, false, TDP_READ, true, EPT_VIOLATION_WRITE,
	  EPT_VIOLATION_READ, "bochs-ept-guest-ad-update-unchecked", NULL },
	[DIRTY_UPDATE] = { EPT_W, false, DIRTY, true, TDP_WRITE, true, EPT_VIOLATION_WRITE, EPT_VIOLATION_READ,
	  "bochs-ept-guest-ad-update-unchecked", NULL },
	/* 29.3.5: with EPT A/D flags every guest paging-structure access is a write: bits 0 and 1. */
	[AD_NOT_PRESENT] = { EPT_RWX, true, NO_UPDATE, false, TDP_READ, true,
	  EPT_VIOLATION_READ | EPT_VIOLATION_WRITE, 0, NULL, "bochs-ept-ad-walk-qual-no-read" },
	[AD_READ_ONLY] = { EPT_W, true, NO_UPDATE, false, TDP_READ, true, EPT_VIOLATION_READ | EPT_VIOLATION_WRITE,
	  0, NULL, "bochs-ept-ad-walk-qual-no-read" },
};

/* The guest's flag of `update` at `level` of the window's path. */
static uint64_t flag_of(enum flag_update update)
{
	return update == ACCESSED ? PT_A : update == DIRTY ? PT_D : 0;
}

/* Run g (on the window's tables, the page at `table` restricted by c) and check what case c expects at `level`. */
static void expect(struct vmx_guest *g, const struct walk_case *c, unsigned level, uint64_t *leaf, uint64_t table)
{
	/*
	 * The first walk that meets the page: for the PML4, that of the first
	 * instruction fetch unless a flag of the window's own PML4E is to be
	 * set; below it, that of the window's access.
	 */
	uint64_t gla = TDP_WINDOW_LINEAR + TDP_DATA_OFFSET;
	if (level == 4 && c->update == NO_UPDATE)
		gla = vmcs_read(VMCS_GUEST_RIP);
	uint64_t gpa = table + 8 * ((gla >> PT_LEVEL_SHIFT(level)) & 511);

	ept_invalidate(g->eptp);
	if (!c->exits) {
		vmx_guest_run_to_done(g, "completes");
	} else if (ept_expect_exit(g, c->exit_erratum, VMX_EXIT_EPT_VIOLATION)) {
		ept_check_violation(g, c->qual_erratum, c->access | (EPT_RWX & ~c->ept_clear) << 3 |
				    EPT_VIOLATION_LINEAR_VALID, c->open, gpa, gla, &win.gpt);
		*leaf |= c->ept_clear;
		ept_invalidate(g->eptp);
		vmx_guest_run_to_done(g, "resumed");
	}
}

/* One case at one level of the guest's tables (4 = its PML4 .. 1 = the PT). */
static void walk_row(const struct walk_case *c, unsigned level)
{
	uint64_t *entry = tdp_window_guest_entry(&win, level);
	uint64_t table = virt_to_phys(entry) & ~(PAGE_SIZE - 1);
	struct vmx_ept ept;
	struct vmx_guest g;

	report_prefix_push("%s", tdp_level_name(level));
	ept_init(&ept, ept_walk_advertised(4) ? 4 : 5, c->ad);
	ept_identity_map(&ept, ept_guest_memory_size(ept_largest_shift()), ept_largest_shift());
	pt_protect(&ept.pt, table, PAGE_SIZE, 0, 0);	/* a 4K leaf of its own */
	unsigned leaf_level;
	uint64_t *leaf = pt_walk(&ept.pt, table, &leaf_level);
	*leaf &= ~c->ept_clear;
	*entry &= ~flag_of(c->update);
	if (ept_guest_create(&g, tdp_accesses[c->guest].fn, NULL, ept_eptp(&ept))) {
		if (ept_guest_window(&g, tdp_accesses[c->guest].fn, &win))
			expect(&g, c, level, leaf, table);
		vmx_guest_free(&g);
	}
	*entry |= flag_of(c->update);
	pt_destroy(&ept.pt);
	report_prefix_pop();
}

static void walk_case(const struct walk_case *c)
{
	if (c->ad && !(vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_AD_FLAGS)) {
		report_skip("EPT_VPID_CAP[21] clear (%#llx): no EPT accessed and dirty flags",
			    (unsigned long long)vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP));
	} else {
		for (unsigned level = c->leaf_only ? 1 : 4; level >= 1; level--)
			walk_row(c, level);
	}
}

/* Subtest `subtest`: case `index` (the rule of that name) on every CPU in turn. */
#define CASE_SUBTEST(subtest, index) TDP_SUBTEST(subtest, walk_case(&cases[index]))
CASE_SUBTEST(not_present, NOT_PRESENT)
CASE_SUBTEST(read_only, READ_ONLY)
CASE_SUBTEST(accessed_update, ACCESSED_UPDATE)
CASE_SUBTEST(dirty_update, DIRTY_UPDATE)
CASE_SUBTEST(ad_not_present, AD_NOT_PRESENT)
CASE_SUBTEST(ad_read_only, AD_READ_ONLY)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "not_present", not_present_each_cpu }, { "read_only", read_only_each_cpu },
		{ "accessed_update", accessed_update_each_cpu }, { "dirty_update", dirty_update_each_cpu },
		{ "ad_not_present", ad_not_present_each_cpu }, { "ad_read_only", ad_read_only_each_cpu },
	};

	ept_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
