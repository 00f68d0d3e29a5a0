/*
 * EPT (SDM Vol. 3C, 29.3) with the shared page-table builder: an identity
 * map of guest-physical memory and the EPT pointer (25.6.11) with the walk
 * length, the paging-structure memory type (WB) and the A/D enable.
 */
#ifndef HV_VMX_EPT_H
#define HV_VMX_EPT_H

#include <stdbool.h>
#include <stdint.h>
#include "args.h"
#include "harness.h"
#include "paging.h"
#include "tdp.h"

struct vmx_guest;

#define EPT_RWX		(EPT_R | EPT_W | EPT_X)

/* The EPTP's fields (SDM Vol. 3C, 25.6.11 "Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_MEMTYPE_MASK	0x7ull			/* 2:0: paging-structure memory type */
#define EPTP_WALK_SHIFT		3			/* 5:3: page-walk length minus 1 */
#define EPTP_WALK_MASK		(0x7ull << EPTP_WALK_SHIFT)
#define EPTP_WALK(levels)	((uint64_t)((levels) - 1) << EPTP_WALK_SHIFT)
#define EPTP_AD_ENABLE		(1ull << 6)		/* accessed and dirty flags */
#define EPTP_SSS		(1ull << 7)		/* supervisor shadow-stack control */
#define EPTP_RESERVED_11_8	(0xfull << 8)

struct vmx_ept {
	struct page_table pt;
	bool ad;
};

/* An empty EPT of `levels` (4 or 5) with A/D flags enabled or not. */
void ept_init(struct vmx_ept *ept, unsigned levels, bool ad);
/* Identity-map [0, size) RWX, WB, with leaves of 1 << page_shift bytes. */
void ept_identity_map(struct vmx_ept *ept, uint64_t size, unsigned page_shift);
/* The EPTP: root | memory type WB | (levels - 1) << 3 | A/D enable << 6. */
uint64_t ept_eptp(const struct vmx_ept *ept);
/*
 * INVEPT for this EPTP: single-context when EPT_VPID_CAP[25] advertises it,
 * else all-context (bit 26); a failure is a FAIL.
 */
void ept_invalidate(uint64_t eptp);
/* Guest-physical memory to map: all RAM, rounded up to the leaf size. */
uint64_t ept_guest_memory_size(unsigned page_shift);

/*
 * cpu_has_vmx_ept and KVM's requirement (a 4- or 5-level walk with WB
 * paging structures) on this CPU; false after a SKIP naming what is missing.
 */
bool ept_usable(void);
/* The largest leaf EPT_VPID_CAP advertises: 30, 21 or 12. */
unsigned ept_largest_shift(void);
/* Is an EPT walk of `levels` (4, 5) advertised (EPT_VPID_CAP[6], [7])? */
bool ept_walk_advertised(unsigned levels);

/*
 * Can the rules of entry e run under an EPT walk of `levels` on this CPU:
 * the entry on the walk (else false, silently), its leaf size advertised,
 * the entry private to the window?  False after a SKIP naming what is missing.
 */
bool ept_entry_testable(const struct tdp_entry *e, unsigned levels);
/*
 * An EPT of `levels` (A/D flags as ad) mapping RAM with the largest leaf
 * and the window w with a leaf of 1 << shift bytes, RWX and WB.
 */
void ept_window_init(struct vmx_ept *ept, struct tdp_window *w, unsigned levels, bool ad, unsigned shift);
/*
 * A rule over entries: fn(e, levels) for each entry listed (indexes of
 * tdp_entries) where testable, under a 4-level and a 5-level walk
 * (prefixes "N-level" and the entry's name); a walk EPT_VPID_CAP does not
 * advertise is one SKIP.
 */
void ept_each_walk(const unsigned *entries, unsigned n, tdp_entry_rule *fn);

/*
 * The frame of an EPT rule program: VMX operation on every CPU (the
 * harness's start), EPT usable (else SKIP), EPT_VPID_CAP and the window
 * shown, w made, the subtests run, w freed, the harness's finish.
 */
void ept_rules_main(const struct subtest *tests, unsigned n, struct tdp_window *w);

/*
 * A guest of this CPU running fn(arg) under `eptp`: the harness's guest
 * with "enable EPT", created and loaded (false: the harness said why, and
 * nothing is left allocated).
 */
bool ept_guest_create(struct vmx_guest *g, hv_guest_fn *fn, void *arg, uint64_t eptp);
/* g restarted at fn(NULL) and loaded, on the window's guest tables (its CR3): false when the load failed. */
bool ept_guest_window(struct vmx_guest *g, hv_guest_fn *fn, const struct tdp_window *w);

/*
 * The exit-qualification bits of an EPT violation the SDM defines for
 * guest g on this CPU and this exit (28.2.1, Table 28-7 "Exit
 * Qualification for EPT Violations"), given the expected qualification:
 * bit 6 only with mode-based execute control; bits 11:9 only with
 * advanced VM-exit information (EPT_VPID_CAP[22]) and bits 7 and 8 both 1;
 * bit 12 (NMI unblocking due to IRET) unless NMI exiting is 1 and virtual
 * NMIs 0; bit 14 only with supervisor shadow-stack control (EPTP[7]).
 * Bits 13, 15, 16 (0 for an ordinary access) and 63:17 (reserved,
 * cleared) are defined.
 */
uint64_t ept_violation_defined_bits(const struct vmx_guest *g, uint64_t qual);
/*
 * Bits 11:9 (advanced VM-exit information) for linear address va under the
 * guest's paging `guest_pt`: user-mode when U/S is set at every level,
 * writable when R/W is, execute-disable when XD is set at any level
 * (SDM Vol. 3A, 4.6).
 */
uint64_t ept_linear_rights(const struct page_table *guest_pt, uint64_t va);
/*
 * Enter g and expect an EPT violation (exit 48) with qualification `qual`
 * (bits 8:0; bits 11:9 added from guest_pt where defined), compared in
 * the bits defined here less `open` (bits the SDM leaves to the
 * implementation for this access), guest-physical address gpa, and, when
 * bit 7 is set, guest linear address gla: one check of the exit and one
 * of its fields, to which `erratum` (or NULL) applies when only the
 * qualification can be wrong.  True when the exit came.
 */
bool ept_expect_violation(struct vmx_guest *g, const char *erratum, uint64_t qual, uint64_t open, uint64_t gpa,
			  uint64_t gla, const struct page_table *guest_pt);
/* The check of ept_expect_violation() on the fields of the EPT violation g has exited with. */
void ept_check_violation(struct vmx_guest *g, const char *erratum, uint64_t qual, uint64_t open, uint64_t gpa,
			 uint64_t gla, const struct page_table *guest_pt);
/*
 * Enter g and expect an EPT misconfiguration (exit 49) at guest-physical
 * address gpa: one check, to which `erratum` (or NULL) applies unless the
 * exit came with a wrong address.  True when the exit came.
 */
bool ept_expect_misconfig(struct vmx_guest *g, const char *erratum, uint64_t gpa);
/* Enter g and expect VM exit `reason` (a check either way); `erratum` or NULL. */
bool ept_expect_exit(struct vmx_guest *g, const char *erratum, unsigned reason);

#endif
