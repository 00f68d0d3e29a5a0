/*
 * What the EPT and NPT rule programs share (SDM Vol. 3C, 29.3 "The
 * Extended Page Table Mechanism (EPT)"; APM Vol. 2, 15.25 "Nested Paging"):
 * a test window.  The guest runs on page tables of its own (its CR3) that
 * share the runtime's identity map of the low 512 GiB and map one linear
 * page above it, TDP_WINDOW_LINEAR, through tables of their own at every
 * level.  That page is a guest-physical page far above RAM, whose TDP
 * translation the program builds with a leaf of the size under test.  So a
 * rule can change one entry at any level of the guest's own walk, or of
 * the TDP walk, and only the window's accesses meet the change: the
 * guest's code, stack and data stay where they were.
 */
#ifndef HV_TDP_H
#define HV_TDP_H

#include <stdbool.h>
#include <stdint.h>
#include "harness.h"
#include "paging.h"
#include "report.h"

/* Index 1, 5, 7, 9 at the PML4, PDPT, PD and PT: an entry of its own, not the first, at each level. */
#define TDP_WINDOW_LINEAR	((1ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12))
#define TDP_CODE_OFFSET		0x10	/* a RET: what a fetch through the window executes */
#define TDP_DATA_OFFSET		0x128	/* what reads and writes through the window use */
/* The guest's own entries on the window's path: present, writable, user, accessed (and dirty). */
#define TDP_GUEST_FLAGS		(PT_P | PT_W | PT_U | PT_A | PT_D)

struct tdp_window {
	struct page_table gpt;	/* the guest's tables: CR3 = gpt.root */
	uint8_t *page;		/* the host page behind the window: page A */
	uint8_t *page_b;	/* what a change of mapping points the window at */
	uint64_t gpa;		/* the guest-physical address the window's linear page maps to */
};

/* What the invalidation rules read through the window: page A, then (after a change) page B. */
#define TDP_PATTERN_A		0xaaaaaaaa00000001ull
#define TDP_PATTERN_B		0xbbbbbbbb00000002ull

/*
 * Guest tables for the window, its page (RET at TDP_CODE_OFFSET,
 * TDP_PATTERN_A at TDP_DATA_OFFSET) and page B (TDP_PATTERN_B there).
 */
void tdp_window_init(struct tdp_window *w);
void tdp_window_free(struct tdp_window *w);

/* The guest-physical base of the window: 1 << (MAXPHYADDR - 1), far above RAM. */
uint64_t tdp_window_base(void);
/*
 * Map the window in `tdp` (EPT or NPT) with one leaf of 1 << shift bytes
 * (12, 21, 30) and leaf flags `flags`, onto the block of host memory that
 * holds the window's page, and point the guest's window page at that
 * page's guest-physical address inside the leaf (w->gpa).
 */
void tdp_window_map(struct tdp_window *w, struct page_table *tdp, unsigned shift, uint64_t flags);
/*
 * Does the TDP entry at `level` on the window's path map nothing but the
 * window (no RAM, so no guest code, stack or table)?  The root entry
 * does only when MAXPHYADDR leaves room above the root entry that maps RAM.
 * If not, a SKIP saying so.
 */
bool tdp_window_private(unsigned level);

/* The guest's own entry at `level` (4 = PML4 .. 1 = PT) on the window's path. */
uint64_t *tdp_window_guest_entry(const struct tdp_window *w, unsigned level);
/* Point the guest's window page at guest-physical page `gpa` (flags TDP_GUEST_FLAGS). */
void tdp_window_point(struct tdp_window *w, uint64_t gpa);

/* "PML4", "PDPT", "PD", "PT" (level 5: "PML5"): the name of the table at `level`. */
const char *tdp_level_name(unsigned level);

/*
 * An entry on the TDP path of the window, whose leaf maps 1 << shift bytes:
 * the leaf itself (level 1 for 12, 2 for 21, 3 for 30) or an entry above it.
 */
struct tdp_entry {
	const char *name;
	unsigned level;
	unsigned shift;
};
/* Every entry a rule can meet: the non-leaf entries above a 4K leaf, then the three leaves. */
enum { TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE, TDP_PTE_4K, TDP_PDE_2M, TDP_PDPTE_1G, TDP_NR_ENTRIES };
extern const struct tdp_entry tdp_entries[TDP_NR_ENTRIES];
bool tdp_entry_is_leaf(const struct tdp_entry *e);

/* A rule over entries: fn(e, levels) for one entry under a walk of `levels`. */
typedef void tdp_entry_rule(const struct tdp_entry *e, unsigned levels);
/*
 * fn for each entry listed (indexes of tdp_entries), each under its name as
 * prefix, where testable(e, levels) says it can run (it SKIPs when not).
 */
void tdp_each_entry(const unsigned *entries, unsigned n, unsigned levels,
		    bool (*testable)(const struct tdp_entry *e, unsigned levels), tdp_entry_rule *fn);

/*
 * Subtest NAME_each_cpu: `statement` on every CPU in turn, its checks
 * carrying the rule NAME (lib/report.h, report_rule_begin).
 */
#define TDP_SUBTEST(name, statement)						\
	static void name(void)							\
	{									\
		static const struct report_site rule = REPORT_ROW(#name);	\
		report_rule_begin(&rule);					\
		statement;							\
		report_rule_end();						\
	}									\
	HV_EACH_CPU(name)

/* The guest's three accesses to the window: a data read and write at TDP_DATA_OFFSET, a fetch at TDP_CODE_OFFSET. */
enum { TDP_READ, TDP_WRITE, TDP_FETCH, TDP_NR_ACCESSES };
struct tdp_access {
	const char *name;
	uint64_t offset;	/* in the window's page */
	hv_guest_fn *fn;	/* guest code making it (a plain MOV, or a CALL of the RET) */
};
extern const struct tdp_access tdp_accesses[TDP_NR_ACCESSES];

/* "page A (the old mapping)", "page B (the new mapping)", "neither page". */
const char *tdp_pattern_name(uint64_t value);

/* The two changes of mapping an invalidation rule makes: the window's TDP leaf, or its guest PTE. */
enum tdp_change { TDP_CHANGE_LEAF, TDP_CHANGE_GUEST_PTE };

/*
 * The rules about a change made by one CPU and invalidated by another (the
 * one running the guest), for each change (prefixes "leaf", "guest_pte"):
 * runner(c) runs on each CPU in turn; when it calls tdp_change_elsewhere(),
 * change(c) runs on another CPU and tdp_change_elsewhere() returns once it
 * is done.  Called on cpu0; with one CPU a SKIP.  cpu0 makes the change
 * for the others, cpu1 for cpu0.  The checks carry the rule "cross_cpu".
 */
void tdp_cross_cpu(void (*runner)(enum tdp_change c), void (*change)(enum tdp_change c));
void tdp_change_elsewhere(void);

#endif
