/*
 * EPT permissions (SDM Vol. 3C, 29.3.2 "EPT Translation Mechanism" and
 * 29.3.3 "EPT-Induced VM Exits"): every value of the read, write and
 * execute bits (2:0) of each EPT entry on the path of one guest-physical
 * page, met by a data read, a data write and an instruction fetch of the
 * guest.  The entries: the leaf of a 4-KByte, a 2-MByte and a 1-GByte page
 * (each where EPT_VPID_CAP advertises it) and every non-leaf entry above a
 * 4-KByte leaf (the PML5E too under a 5-level walk).  The page is the TDP
 * window (lib/tdp.h), so the entry under test maps nothing else.
 *
 *  - bits 2:0 = 010b (write-only) or 110b (write/execute), and 100b
 *    (execute-only) where EPT_VPID_CAP[0] does not advertise it: an EPT
 *    misconfiguration (29.3.3.1), exit 49, with the guest-physical address;
 *  - else an entry that is not present (000b), or an access that the
 *    logical AND of bits 2:0 over the entries used does not allow: an EPT
 *    violation (29.3.3.2), exit 48, with the exit qualification of Table
 *    28-7 "Exit Qualification for EPT Violations" (28.2.1): the access in
 *    bits 2:0, that AND in bits 5:3, bit 7 (guest linear address valid) and
 *    bit 8 (an access to the translation of a linear address), and the
 *    guest-physical and guest linear addresses of the access;
 *  - else the access completes.
 * After an exit the entry is made RWX again (with INVEPT) and the guest
 * resumes and runs to its end: the fault restarts the access.  Every walk
 * length the CPU advertises (29.3.1: 4 and 5 levels) runs the rows.
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

/* Per access (lib/tdp.h): bits 2:0 of its qualification, and the EPT permission it needs. */
static const struct { uint64_t qual, needs; } ept_access[TDP_NR_ACCESSES] = {
	[TDP_READ] = { EPT_VIOLATION_READ, EPT_R },
	[TDP_WRITE] = { EPT_VIOLATION_WRITE, EPT_W },
	[TDP_FETCH] = { EPT_VIOLATION_FETCH, EPT_X },
};

/* 29.3.3.1: bits 2:0 that make a present entry an EPT misconfiguration. */
static bool misconfigured(uint64_t rwx)
{
	return (rwx & (EPT_R | EPT_W)) == EPT_W ||
	       (rwx == EPT_X && !(vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP) & VMX_EPT_EXECUTE_ONLY));
}

static const char *rwx_name(uint64_t rwx)
{
	static const char *const names[] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };

	return names[rwx & 7];
}

/* After an EPT-induced exit: the entry RWX again, INVEPT, and the guest completes its access. */
static void resume_fixed(struct vmx_guest *g, uint64_t *entry)
{
	*entry |= EPT_RWX;
	ept_invalidate(g->eptp);
	vmx_guest_run_to_done(g, "resumed");
}

/* The three rules a row checks, by what the SDM makes of it. */
static const struct report_site rule_misconfig = REPORT_ROW("rwx_misconfiguration"),	/* 29.3.3.1 */
				 rule_violation = REPORT_ROW("rwx_violation"),		/* 29.3.3.2 */
				 rule_allowed = REPORT_ROW("rwx_allowed");

/* What the SDM makes of `entry` with bits 2:0 = rwx, met by access a: the rule `rule`. */
static void expect(struct vmx_guest *g, uint64_t *entry, uint64_t rwx, unsigned a, const struct report_site *rule)
{
	uint64_t gpa = win.gpa + tdp_accesses[a].offset, gla = TDP_WINDOW_LINEAR + tdp_accesses[a].offset;
	uint64_t qual = ept_access[a].qual | rwx << 3 | EPT_VIOLATION_LINEAR_VALID | EPT_VIOLATION_LINEAR_TRANSLATED;

	if (rule == &rule_allowed)
		vmx_guest_run_to_done(g, "completes");
	else if (rule == &rule_misconfig ? ept_expect_misconfig(g, NULL, gpa) :
		 ept_expect_violation(g, NULL, qual, 0, gpa, gla, &win.gpt))
		resume_fixed(g, entry);
}

/* One row: `entry` with bits 2:0 = rwx, met by access a. */
static void row(struct vmx_guest *g, uint64_t *entry, uint64_t rwx, unsigned a)
{
	const struct report_site *rule = misconfigured(rwx) ? &rule_misconfig :
					 (rwx & ept_access[a].needs) ? &rule_allowed : &rule_violation;

	report_prefix_push("%s", rwx_name(rwx));
	report_rule_begin(rule);
	*entry = (*entry & ~EPT_RWX) | rwx;
	ept_invalidate(g->eptp);
	if (ept_guest_window(g, tdp_accesses[a].fn, &win))
		expect(g, entry, rwx, a, rule);
	*entry |= EPT_RWX;
	report_rule_end();
	report_prefix_pop();
}

/* The access the current subtest makes (TDP_READ, ...). */
static unsigned access;

/* Every combination at entry e, met by `access`, under a walk of `levels`. */
static void entry_rows(const struct tdp_entry *e, unsigned levels)
{
	struct vmx_ept ept;
	struct vmx_guest g;

	ept_window_init(&ept, &win, levels, false, e->shift);
	uint64_t *entry = pt_entry(&ept.pt, tdp_window_base(), e->level);
	if (ept_guest_create(&g, tdp_accesses[TDP_READ].fn, NULL, ept_eptp(&ept))) {
		for (uint64_t rwx = 0; rwx <= EPT_RWX; rwx++)
			row(&g, entry, rwx, access);
		vmx_guest_free(&g);
	}
	pt_destroy(&ept.pt);
}

static void access_rows(void)
{
	static const unsigned entries[] = {
		TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE, TDP_PTE_4K, TDP_PDE_2M, TDP_PDPTE_1G,
	};

	ept_each_walk(entries, ARRAY_SIZE(entries), entry_rows);
}
HV_EACH_CPU(access_rows)

/* Subtest `subtest`: access `a` at every entry, on every CPU in turn. */
#define ACCESS_SUBTEST(subtest, a) \
	static void subtest##_rows(void) { access = a; access_rows_each_cpu(); }
ACCESS_SUBTEST(read, TDP_READ)
ACCESS_SUBTEST(write, TDP_WRITE)
ACCESS_SUBTEST(fetch, TDP_FETCH)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "read", read_rows }, { "write", write_rows }, { "fetch", fetch_rows },
	};

	ept_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
