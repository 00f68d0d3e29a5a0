/*
 * Invalidation proved (APM Vol. 2, 15.16 "TLB Control", 15.16.1 "TLB
 * Flush", and 15.25 "Nested Paging"): the guest reads the TDP window
 * (lib/tdp.h), which maps page A; at a VMMCALL the host changes the
 * mapping to page B -- the window's nested leaf, or the guest's own PTE --
 * and re-enters with a TLB_CONTROL value; the guest reads again.  With
 * TLB_CONTROL 0 the processor may use what it cached (no check, the value
 * is shown); 1 flushes every ASID's entries, 3 (FlushByAsid) this guest's
 * ASID's, 7 (FlushByAsid) its non-global ones (the PTE is not global): after
 * each the new mapping must be used.  Every run starts with a full flush,
 * so the first read must see page A.  Isolation: TLB entries are tagged
 * with the ASID (15.16): a guest with another ASID, which cached nothing
 * since the full flush, sees the current mapping although the first ASID
 * cached the old.  Across CPUs: the change made by another CPU, the flush
 * requested by the CPU that runs the guest.
 */
#include "hvtest.h"
#include "tdp.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

#define OTHER_ASID	2
#define VMMCALL_LEN	3	/* 0F 01 D9 */

static struct tdp_window win;
static volatile uint64_t seen[2];

/* Read the window, VMMCALL, read it again. */
static void guest_reads(void *arg)
{
	seen[0] = *(volatile uint64_t *)(TDP_WINDOW_LINEAR + TDP_DATA_OFFSET);
	asm volatile("vmmcall" ::: "memory");
	seen[1] = *(volatile uint64_t *)(TDP_WINDOW_LINEAR + TDP_DATA_OFFSET);
}

/* A run: the NPT (window 4K leaf -> page A) and the guest reading it, after a full flush. */
struct run {
	struct page_table npt;
	struct svm_guest g;
	uint64_t *leaf;		/* the window's nested leaf */
};

/* False (the harness said why, nothing left allocated) when the guest could not be made. */
static bool run_init(struct run *r)
{
	npt_window_init(&r->npt, &win, 4, 12);
	r->leaf = pt_entry(&r->npt, tdp_window_base(), 1);
	if (!svm_guest_create(&r->g, guest_reads, NULL)) {
		pt_destroy(&r->npt);
		return false;
	}
	npt_guest_window(&r->g, &r->npt, &win, guest_reads, NULL);	/* TLB_CONTROL 1 at the first VMRUN */
	seen[0] = seen[1] = 0;
	return true;
}

static void run_free(struct run *r)
{
	svm_guest_free(&r->g);
	pt_destroy(&r->npt);
}

/* Run to the guest's VMMCALL between its reads; read 0 must see page A. */
static bool first_read(struct run *r)
{
	if (!svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&r->g), "exit between the reads"))
		return false;
	svm_guest_skip(&r->g, VMMCALL_LEN);
	return report_u64(NULL, TDP_PATTERN_A, seen[0], "read 0 (after a full flush): the guest saw %s",
			  tdp_pattern_name(seen[0]));
}

/* Re-enter with TLB_CONTROL `tlb`; the guest's second read must see page B when `checked`. */
static void second_read(struct run *r, uint8_t tlb, bool checked)
{
	r->g.vmcb->control.tlb_control = tlb;
	if (!svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&r->g), "guest after its reads") || !r->g.done)
		return;
	if (checked)
		report_u64(NULL, TDP_PATTERN_B, seen[1], "read 1 (after the change, TLB_CONTROL %u): the guest saw %s",
			   tlb, tdp_pattern_name(seen[1]));
	else
		report_info("after the change and TLB_CONTROL %u the guest saw %s (either page is allowed)", tlb,
			    tdp_pattern_name(seen[1]));
}

/* The window's nested leaf, or the guest's PTE, to page B. */
static void make_change(struct run *r, enum tdp_change c)
{
	if (c == TDP_CHANGE_LEAF)
		*r->leaf = virt_to_phys(win.page_b) | NPT_LEAF_FLAGS;
	else
		tdp_window_point(&win, virt_to_phys(win.page_b));	/* the NPT maps RAM 1:1 */
}

static const struct tlb_case {
	struct report_site rule;	/* the row's name */
	uint8_t tlb;
	enum tdp_change change;
	bool by_asid;		/* needs FlushByAsid (CPUID 0x8000000A EDX[6]) */
} cases[] = {
	{ REPORT_ROW("none_npt_leaf"), VMCB_TLB_NOTHING, TDP_CHANGE_LEAF, false },
	{ REPORT_ROW("none_guest_pte"), VMCB_TLB_NOTHING, TDP_CHANGE_GUEST_PTE, false },
	{ REPORT_ROW("flush_all_npt_leaf"), VMCB_TLB_FLUSH_ALL, TDP_CHANGE_LEAF, false },
	{ REPORT_ROW("flush_all_guest_pte"), VMCB_TLB_FLUSH_ALL, TDP_CHANGE_GUEST_PTE, false },
	{ REPORT_ROW("flush_asid_npt_leaf"), VMCB_TLB_FLUSH_ASID, TDP_CHANGE_LEAF, true },
	{ REPORT_ROW("flush_asid_guest_pte"), VMCB_TLB_FLUSH_ASID, TDP_CHANGE_GUEST_PTE, true },
	{ REPORT_ROW("flush_asid_nonglobal_npt_leaf"), VMCB_TLB_FLUSH_ASID_NONGLOBAL, TDP_CHANGE_LEAF, true },
	{ REPORT_ROW("flush_asid_nonglobal_guest_pte"), VMCB_TLB_FLUSH_ASID_NONGLOBAL, TDP_CHANGE_GUEST_PTE, true },
};

/* Map, read, change, TLB_CONTROL, read again. */
static void tlb_case(const struct tlb_case *c)
{
	struct run r;

	report_rule_begin(&c->rule);
	if (c->by_asid && !svm_has(SVM_FEAT_FLUSH_BY_ASID)) {
		report_skip("TLB_CONTROL %u needs FlushByAsid: CPUID 0x8000000A EDX[6] clear", c->tlb);
	} else if (run_init(&r)) {
		if (first_read(&r)) {
			make_change(&r, c->change);
			second_read(&r, c->tlb, c->tlb != VMCB_TLB_NOTHING);
		}
		run_free(&r);
	}
	report_rule_end();
}

static void tlb_cases(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		tlb_case(&cases[i]);
}

/*
 * 15.16: TLB entries are tagged with the ASID.  ASID 1 reads (and may
 * cache) page A; the nested leaf then maps page B without a flush; the same
 * guest with ASID 2, which has run nothing since the full flush, must read
 * page B.
 */
static void asid_isolation_rule(void)
{
	struct run r;

	if (svm_boot_caps()->nasid <= OTHER_ASID) {
		report_skip("CPUID 0x8000000A EBX = %u ASIDs: no ASID %u", svm_boot_caps()->nasid, OTHER_ASID);
		return;
	}
	if (!run_init(&r))
		return;
	if (first_read(&r) && svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&r.g), "guest with ASID 1")) {
		make_change(&r, TDP_CHANGE_LEAF);
		npt_guest_window(&r.g, &r.npt, &win, guest_reads, NULL);
		r.g.vmcb->control.asid = OTHER_ASID;
		r.g.vmcb->control.tlb_control = VMCB_TLB_NOTHING;
		if (svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&r.g), "exit between the reads"))
			report_u64(NULL, TDP_PATTERN_B, seen[0], "ASID 2, after the change made without a flush: the "
				   "guest saw %s", tdp_pattern_name(seen[0]));
		svm_guest_skip(&r.g, VMMCALL_LEN);
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&r.g), "guest with ASID 2");
	}
	run_free(&r);
}

/*
 * Across CPUs: the guest runs on this CPU and reads page A; another CPU
 * changes the nested leaf (or the guest's PTE); this CPU re-enters with
 * TLB_CONTROL 1 and the guest must read page B.
 */
static struct run cross_run;

static void cross_change(enum tdp_change c)
{
	make_change(&cross_run, c);
}

static void cross_rule(enum tdp_change c)
{
	if (!run_init(&cross_run))
		return;
	if (first_read(&cross_run)) {
		tdp_change_elsewhere();
		second_read(&cross_run, VMCB_TLB_FLUSH_ALL, true);
	}
	run_free(&cross_run);
}

static void cross_cpu(void)
{
	tdp_cross_cpu(cross_rule, cross_change);
}


HV_EACH_CPU(tlb_cases)
TDP_SUBTEST(asid_isolation, asid_isolation_rule())

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "tlb_control", tlb_cases_each_cpu }, { "asid_isolation", asid_isolation_each_cpu },
		{ "cross_cpu", cross_cpu },
	};

	npt_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
