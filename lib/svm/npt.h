/*
 * Nested page tables (APM 15.25): the same format as the CPU's own long-mode
 * tables, built with the shared builder (lib/paging.h, pt_format_x86).
 * Every nested walk is a user access (APM 15.25.5), so every NPT entry the
 * guest needs carries U.
 */
#ifndef HV_SVM_NPT_H
#define HV_SVM_NPT_H

#include <stdbool.h>
#include <stdint.h>
#include "args.h"
#include "harness.h"
#include "paging.h"
#include "tdp.h"

struct svm_guest;

/* Leaf flags of a normal identity mapping: present, writable, user. */
#define NPT_LEAF_FLAGS	(PT_P | PT_W | PT_U)

/*
 * Identity map of guest-physical [0, end of RAM) (rounded up to the leaf
 * size) with leaves of 1 << page_shift bytes (12, 21, 30).
 */
void npt_identity_init(struct page_table *npt, unsigned page_shift);
/*
 * An NPT of `levels` (the host's paging: 4, or 5 with CR4.LA57) mapping RAM
 * with 2M leaves and the window w with one leaf of 1 << shift bytes.
 */
void npt_window_init(struct page_table *npt, struct tdp_window *w, unsigned levels, unsigned shift);
/*
 * Can the rules of entry e run with the host in `levels`-level paging:
 * the entry on the walk (else false, silently), 1G pages (CPUID
 * 0x80000001 EDX[26]) for a 1G leaf, the entry private to the window?
 * False after a SKIP naming what is missing.
 */
bool npt_entry_testable(const struct tdp_entry *e, unsigned levels);
/*
 * A rule over entries: fn(e, levels) for each entry listed (indexes of
 * tdp_entries) where testable, with the host in 4-level paging and, where
 * the CPU has LA57, in 5-level paging (APM 15.25 "Nested Paging": the
 * nested walk has the host's paging mode at VMRUN, so the NPT has 5
 * levels); prefixes "host-N-level" and the entry's name.
 */
void npt_each_host_paging(const unsigned *entries, unsigned n, tdp_entry_rule *fn);
/*
 * The frame of an NPT rule program: SVM enabled on every CPU (the
 * harness's start), nested paging advertised (else SKIP), the window shown,
 * w made, the subtests run, w freed, the harness's finish.
 */
void npt_rules_main(const struct subtest *tests, unsigned n, struct tdp_window *w);
/*
 * Point g at fn(arg) under `npt` with the window's guest tables as its
 * CR3 (4-level paging: CR4.LA57 clear), the TLB flushed at the next VMRUN.
 */
void npt_guest_window(struct svm_guest *g, const struct page_table *npt, const struct tdp_window *w,
		      hv_guest_fn *fn, void *arg);
/*
 * Run g and expect #VMEXIT(NPF) with EXITINFO1 = info1 and EXITINFO2 = gpa:
 * one check, to which `erratum` (or NULL) applies when only EXITINFO1 can
 * be wrong.  True when the NPF came.
 */
bool npt_expect_npf(struct svm_guest *g, const char *erratum, uint64_t info1, uint64_t gpa);

/* The value for the VMCB's N_CR3 field. */
uint64_t npt_ncr3(const struct page_table *npt);
/* The leaf that maps gpa (must be mapped). */
uint64_t *npt_leaf(const struct page_table *npt, uint64_t gpa, unsigned *level);

#endif
