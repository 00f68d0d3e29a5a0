/*
 * Nested page faults during the guest's own page walk (APM Vol. 2, 15.25.6
 * "Nested versus Guest Page Faults, Fault Ordering"): the guest runs on
 * page tables of its own (lib/tdp.h) and the nested leaf of one page of
 * them -- its PML4, or the PDPT, PD or PT on the path of the window -- is
 * changed.  The fault is on a guest page table: EXITINFO1 bit 33 (not bit
 * 32), with the error code of the nested walk: a user access (15.25.5) and
 * a write (the guest walk's accesses are checked as writes, since it may
 * set accessed and dirty flags), P when the nested entry was present, RSV
 * for a reserved bit; EXITINFO2 the guest-physical address of the guest's
 * entry being read: the window's, or for the PML4 that of the guest's first
 * instruction fetch.  A no-execute nested leaf does not stop a table walk
 * (a data access).  After each fault the leaf is restored and the guest
 * completes.
 */
#include "hvtest.h"
#include "tdp.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

static struct tdp_window win;

static const struct walk_case {
	uint64_t clear, set;	/* in the nested leaf of the guest's table page */
	bool maxphyaddr_bit;	/* set bit MAXPHYADDR too (reserved, 5.3) */
	bool faults;
	uint64_t code;		/* EXITINFO1 bits besides bit 33, US and RW */
	const char *erratum;	/* applies to EXITINFO1 */
} not_present = { PT_P, 0, false, true, 0, NULL },
  read_only = { PT_W, 0, false, true, SVM_NPF_P, NULL },
  supervisor = { PT_U, 0, false, true, SVM_NPF_P, NULL },
  no_execute = { 0, PT_NX, false, false, 0, NULL },
  reserved = { 0, 0, true, true, SVM_NPF_P | SVM_NPF_RSV, "qemu-tcg-npf-rsvd-no-p" };

/* One case at one level of the guest's tables (4 = its PML4 .. 1 = the PT). */
static void walk_row(struct svm_guest *g, const struct walk_case *c, unsigned level)
{
	uint64_t *entry = tdp_window_guest_entry(&win, level);
	uint64_t table = virt_to_phys(entry) & ~(PAGE_SIZE - 1);
	uint64_t set = c->set | (c->maxphyaddr_bit ? 1ull << cpu_maxphyaddr() : 0);
	struct page_table npt;
	unsigned leaf_level;

	report_prefix_push("%s", tdp_level_name(level));
	npt_window_init(&npt, &win, 4, 12);
	pt_protect(&npt, table, PAGE_SIZE, 0, 0);	/* a 4K leaf of its own */
	uint64_t *leaf = pt_walk(&npt, table, &leaf_level);
	uint64_t saved = *leaf;
	*leaf = (saved & ~c->clear) | set;
	npt_guest_window(g, &npt, &win, tdp_accesses[TDP_READ].fn, NULL);

	/* The first walk that meets the page: for the PML4, the first instruction fetch's. */
	uint64_t gla = level == 4 ? g->vmcb->save.rip : TDP_WINDOW_LINEAR + TDP_DATA_OFFSET;
	uint64_t gpa = table + 8 * ((gla >> PT_LEVEL_SHIFT(level)) & 511);

	if (!c->faults) {
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(g), "completes");
	} else if (npt_expect_npf(g, c->erratum, SVM_NPF_GPT | SVM_NPF_US | SVM_NPF_RW | c->code, gpa)) {
		*leaf = saved;
		g->vmcb->control.tlb_control = VMCB_TLB_FLUSH_ALL;
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(g), "resumed");
	}
	pt_destroy(&npt);
	report_prefix_pop();
}

static void walk_case(const struct walk_case *c)
{
	struct svm_guest g;

	if (c == &no_execute && !(rdmsr(MSR_EFER) & EFER_NXE)) {
		report_skip("EFER.NXE clear on the host: NX is a reserved bit");
		return;
	}
	if (!svm_guest_create(&g, tdp_accesses[TDP_READ].fn, NULL))
		return;
	for (unsigned level = 4; level >= 1; level--)
		walk_row(&g, c, level);
	svm_guest_free(&g);
}


/* Subtest `subtest`: case c on every CPU in turn. */
#define CASE_SUBTEST(subtest, c) TDP_SUBTEST(subtest, walk_case(&c))
CASE_SUBTEST(not_present_table, not_present)
CASE_SUBTEST(read_only_table, read_only)
CASE_SUBTEST(supervisor_table, supervisor)
CASE_SUBTEST(no_execute_table, no_execute)
CASE_SUBTEST(reserved_bit_table, reserved)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "not_present", not_present_table_each_cpu }, { "read_only", read_only_table_each_cpu },
		{ "supervisor", supervisor_table_each_cpu }, { "no_execute", no_execute_table_each_cpu },
		{ "reserved_bit", reserved_bit_table_each_cpu },
	};

	npt_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
