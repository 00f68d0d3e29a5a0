/*
 * Nested page tables (APM 15.25): the same format as the CPU's own long-mode
 * tables, built with the shared builder (lib/paging.h, pt_format_x86).
 * Every nested walk is a user access (APM 15.25.5), so every NPT entry the
 * guest needs carries U.
 */
#ifndef HV_SVM_NPT_H
#define HV_SVM_NPT_H

#include <stdint.h>
#include "paging.h"

/* Leaf flags of a normal identity mapping: present, writable, user. */
#define NPT_LEAF_FLAGS	(PT_P | PT_W | PT_U)

/*
 * Identity map of guest-physical [0, end of RAM) (rounded up to the leaf
 * size) with leaves of 1 << page_shift bytes (12, 21, 30).
 */
void npt_identity_init(struct page_table *npt, unsigned page_shift);
/* The value for the VMCB's N_CR3 field. */
uint64_t npt_ncr3(const struct page_table *npt);
/* The leaf that maps gpa (must be mapped). */
uint64_t *npt_leaf(const struct page_table *npt, uint64_t gpa, unsigned *level);

#endif
