/* NPT identity maps through the shared page-table builder. */
#include "npt.h"
#include "hvtest.h"
#include "tdp.h"
#include "guest.h"
#include "caps.h"
#include "program.h"
#include "svm_defs.h"

void npt_identity_init(struct page_table *npt, unsigned page_shift)
{
	uint64_t size = ALIGN_UP(mem_ram_top(), 1ull << page_shift);

	pt_init(npt, &pt_format_x86, 4);
	pt_map(npt, 0, 0, size, page_shift, NPT_LEAF_FLAGS);
}

uint64_t npt_ncr3(const struct page_table *npt)
{
	return virt_to_phys(npt->root);
}

uint64_t *npt_leaf(const struct page_table *npt, uint64_t gpa, unsigned *level)
{
	uint64_t *e = pt_walk(npt, gpa, level);

	if (!e) {
		report(false, "NPT: gpa %#llx is not mapped (walk ended at level %u)",
		       (unsigned long long)gpa, *level);
		hv_exit();
	}
	return e;
}

void npt_window_init(struct page_table *npt, struct tdp_window *w, unsigned levels, unsigned shift)
{
	pt_init(npt, &pt_format_x86, levels);
	pt_map(npt, 0, 0, ALIGN_UP(mem_ram_top(), 1ull << 21), 21, NPT_LEAF_FLAGS);
	tdp_window_map(w, npt, shift, NPT_LEAF_FLAGS);
}

bool npt_entry_testable(const struct tdp_entry *e, unsigned levels)
{
	if (e->level > levels)
		return false;	/* no such entry in this walk: no rule */
	if (e->shift == 30 && !cpu_has(X86_FEATURE_PDPE1GB))
		report_skip("CPUID 0x80000001 EDX[26] (Page1GB) clear: no 1G nested leaves");
	else
		return tdp_window_private(e->level);
	return false;
}

void npt_each_host_paging(const unsigned *entries, unsigned n, tdp_entry_rule *fn)
{
	struct page_table host;

	report_prefix_push("host-4-level");
	tdp_each_entry(entries, n, 4, npt_entry_testable, fn);
	report_prefix_pop();
	report_prefix_push("host-5-level");
	if (!cpu_has(X86_FEATURE_LA57)) {
		report_skip("CPUID.(7,0):ECX[16] (LA57) clear: no 5-level host paging, no 5-level NPT");
	} else {
		uint64_t rflags = read_rflags();

		/* CR4.LA57 changes with interrupts off (lib/la57.S); the rules run with them as they were. */
		pt_init_over(&host, &kernel_pt);
		irq_disable();
		paging_load(&host);
		write_rflags(rflags);
		tdp_each_entry(entries, n, 5, npt_entry_testable, fn);
		irq_disable();
		paging_load(&kernel_pt);
		write_rflags(rflags);
		pt_destroy(&host);
	}
	report_prefix_pop();
}

void npt_guest_window(struct svm_guest *g, const struct page_table *npt, const struct tdp_window *w,
		      hv_guest_fn *fn, void *arg)
{
	struct vmcb *v = g->vmcb;

	svm_guest_set_fn(g, fn, arg);
	v->control.np_control = VMCB_NP_ENABLE;
	v->control.n_cr3 = npt_ncr3(npt);
	v->control.tlb_control = VMCB_TLB_FLUSH_ALL;
	v->save.cr3 = virt_to_phys(w->gpt.root);
	v->save.cr4 &= ~X86_CR4_LA57;
}

bool npt_expect_npf(struct svm_guest *g, const char *erratum, uint64_t info1, uint64_t gpa)
{
	uint64_t code = svm_guest_run(g), got1 = g->vmcb->control.exit_info1, got2 = g->vmcb->control.exit_info2;
	bool npf = code == VMEXIT_NPF, at = npf && got2 == gpa;
	char name[48];

	/* The erratum is about EXITINFO1: with the exit or EXITINFO2 wrong the check is a plain one. */
	report_erratum(at ? erratum : NULL, at && got1 == info1,
		       "expected VMEXIT_NPF with EXITINFO1 %#llx, EXITINFO2 %#llx; got %s with %#llx, %#llx",
		       (unsigned long long)info1, (unsigned long long)gpa, svm_exit_str(code, name, sizeof(name)),
		       (unsigned long long)got1, (unsigned long long)got2);
	return npf;
}

void npt_rules_main(const struct subtest *tests, unsigned n, struct tdp_window *w)
{
	if (!svm_program_start(HV_START_ENABLE))
		return;
	if (!svm_has(SVM_FEAT_NP)) {
		/* The program's whole subject is absent: SKIP, not a PASS of its teardown. */
		report_skip("nested paging: CPUID 0x8000000A EDX[0] (NP) clear");
		return;
	}
	report_info("MAXPHYADDR %u, window at guest-physical %#llx", cpu_maxphyaddr(),
		    (unsigned long long)tdp_window_base());
	tdp_window_init(w);
	run_subtests(tests, n);
	tdp_window_free(w);
	svm_program_finish();
}
