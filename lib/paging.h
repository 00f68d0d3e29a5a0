/*
 * One page-table builder for every format: the CPU's own 4- and 5-level
 * paging, EPT and NPT.  What differs between formats is a small table of
 * entry masks (struct pt_format), not a second walker.
 */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* x86 paging entries (SDM Vol. 3A, 4.5); NPT uses the same format (APM 15.25). */
#define PT_P		(1ull << 0)
#define PT_W		(1ull << 1)
#define PT_U		(1ull << 2)
#define PT_PWT		(1ull << 3)
#define PT_PCD		(1ull << 4)
#define PT_A		(1ull << 5)
#define PT_D		(1ull << 6)
#define PT_PS		(1ull << 7)
#define PT_G		(1ull << 8)
#define PT_NX		(1ull << 63)

/* EPT entries (SDM Vol. 3C, 29.3.2). */
#define EPT_R		(1ull << 0)
#define EPT_W		(1ull << 1)
#define EPT_X		(1ull << 2)
#define EPT_MT_SHIFT	3		/* leaf memory type, bits 5:3 */
#define EPT_MT_UC	(0ull << EPT_MT_SHIFT)
#define EPT_MT_WB	(6ull << EPT_MT_SHIFT)
#define EPT_IGNORE_PAT	(1ull << 6)
#define EPT_LARGE	(1ull << 7)
#define EPT_A		(1ull << 8)
#define EPT_D		(1ull << 9)
#define EPT_UX		(1ull << 10)	/* user-mode execute, with mode-based execute control */

#define PT_ADDR_MASK	0x000ffffffffff000ull

struct pt_format {
	const char *name;
	uint64_t present;	/* an entry with any of these bits set is present */
	uint64_t table_flags;	/* flags of an entry that points to a table */
	uint64_t large;		/* leaf bit at levels 2 and 3 */
	uint64_t large_only;	/* leaf bits meaningful only in large leaves (dropped on split) */
};

extern const struct pt_format pt_format_x86;	/* CPU paging and NPT */
extern const struct pt_format pt_format_ept;

struct page_table {
	const struct pt_format *fmt;
	unsigned levels;	/* 4 or 5 */
	uint64_t *root;
	unsigned shared;	/* root entries [0, shared) are another table's: pt_destroy leaves them */
};

#define PT_LEVEL_SHIFT(level)	(12 + 9 * ((level) - 1))	/* level 1 = 4K leaves */

void pt_init(struct page_table *pt, const struct pt_format *fmt, unsigned levels);
/* Free every table page of pt (not the memory it maps, not shared root entries). */
void pt_destroy(struct page_table *pt);
/*
 * Make root entries [0, n) of pt those of `from` (same format and levels):
 * pt then maps what `from` maps there, through `from`'s tables, which
 * pt_destroy(pt) leaves alone.
 */
void pt_share_root(struct page_table *pt, const struct page_table *from, unsigned n);

/*
 * Map [va, va+size) to [pa, pa+size) with leaves of 1 << page_shift bytes
 * (12, 21 or 30) and leaf flags `flags` (format-specific; the large bit is
 * added for 2M/1G leaves).  A larger leaf in the way is split.
 */
void pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	    unsigned page_shift, uint64_t flags);
/* Make [va, va+size) not present (large leaves in the way are split). */
void pt_unmap(struct page_table *pt, uint64_t va, uint64_t size);
/* Change leaf flags on [va, va+size): clear `clear`, then set `set`. */
void pt_protect(struct page_table *pt, uint64_t va, uint64_t size, uint64_t clear, uint64_t set);

/*
 * Walk to the entry that maps va.  Returns a pointer to the leaf entry and
 * its level (1 = 4K, 2 = 2M, 3 = 1G), or NULL with *level = the level at
 * which a not-present entry ended the walk.
 */
uint64_t *pt_walk(const struct page_table *pt, uint64_t va, unsigned *level);
/*
 * A table one level taller than `below` (same format) whose first root
 * entry references below's root: a 5-level table over a 4-level one maps
 * the low 256 TiB as `below` does.  pt_destroy(pt) leaves `below` alone.
 */
void pt_init_over(struct page_table *pt, const struct page_table *below);
/*
 * The entry at `level` (pt->levels = the root, 1 = a page table) on the
 * path of va, or NULL when an entry above it is not present or a leaf.
 */
uint64_t *pt_entry(const struct page_table *pt, uint64_t va, unsigned level);
/* The address va translates to, or false when not mapped. */
bool pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa);

/*
 * Switch this CPU between 4- and 5-level paging (CR4.LA57) and load the
 * root of `pt` (whose levels must match).  pt must identity-map the low
 * 4 GiB like kernel_pt.  Interrupts must be off.
 */
void paging_load(const struct page_table *pt);

/* The runtime's own identity map (CPU format), installed in CR3 at boot. */
extern struct page_table kernel_pt;
void paging_setup(void);
/* pt_map/unmap/protect on kernel_pt followed by a TLB flush of the range. */
void kernel_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
void kernel_unmap(uint64_t va, uint64_t size);
void kernel_protect(uint64_t va, uint64_t size, uint64_t clear, uint64_t set);

#endif
