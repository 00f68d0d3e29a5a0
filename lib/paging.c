/* The page-table builder (see paging.h) and the runtime's identity map. */
#include "paging.h"
#include "cpuid.h"
#include "libc.h"
#include "mem.h"
#include "processor.h"
#include "report.h"

const struct pt_format pt_format_x86 = {
	.name = "x86", .present = PT_P, .table_flags = PT_P | PT_W | PT_U,
	.large = PT_PS, .large_only = 1ull << 12 /* PAT of a large leaf */,
};

const struct pt_format pt_format_ept = {
	.name = "EPT", .present = EPT_R | EPT_W | EPT_X, .table_flags = EPT_R | EPT_W | EPT_X,
	.large = EPT_LARGE, .large_only = 0,
};

struct page_table kernel_pt;

void pt_init(struct page_table *pt, const struct pt_format *fmt, unsigned levels)
{
	pt->fmt = fmt;
	pt->levels = levels;
	pt->root = alloc_page();
	pt->shared = 0;
}

void pt_init_over(struct page_table *pt, const struct page_table *below)
{
	pt_init(pt, below->fmt, below->levels + 1);
	pt->root[0] = virt_to_phys(below->root) | pt->fmt->table_flags;
	pt->shared = 1;
}

void pt_share_root(struct page_table *pt, const struct page_table *from, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pt->root[i] = from->root[i];
	pt->shared = n;
}

static void destroy_level(const struct page_table *pt, uint64_t *table, unsigned level)
{
	if (level > 1)
		for (unsigned i = 0; i < 512; i++)
			if ((table[i] & pt->fmt->present) && !(table[i] & pt->fmt->large))
				destroy_level(pt, phys_to_virt(table[i] & PT_ADDR_MASK), level - 1);
	free_page(table);
}

void pt_destroy(struct page_table *pt)
{
	for (unsigned i = 0; i < pt->shared; i++)
		pt->root[i] = 0;
	destroy_level(pt, pt->root, pt->levels);
	pt->root = NULL;
}

static unsigned pt_index(uint64_t va, unsigned level)
{
	return (va >> PT_LEVEL_SHIFT(level)) & 511;
}

/* Replace a large leaf at `level` by a table of 512 leaves one level down. */
static void split_leaf(const struct page_table *pt, uint64_t *entry, unsigned level)
{
	uint64_t *table = alloc_page();
	uint64_t flags = *entry & ~PT_ADDR_MASK & ~pt->fmt->large_only;
	uint64_t base = *entry & PT_ADDR_MASK & ~((1ull << PT_LEVEL_SHIFT(level)) - 1);

	if (level - 1 == 1)
		flags &= ~pt->fmt->large;
	for (unsigned i = 0; i < 512; i++)
		table[i] = (base + ((uint64_t)i << PT_LEVEL_SHIFT(level - 1))) | flags;
	*entry = virt_to_phys(table) | pt->fmt->table_flags;
}

/* The entry for va at `target` level, creating or splitting tables on the way. */
static uint64_t *walk_create(const struct page_table *pt, uint64_t va, unsigned target)
{
	uint64_t *table = pt->root;

	for (unsigned level = pt->levels; level > target; level--) {
		uint64_t *e = &table[pt_index(va, level)];
		if (!(*e & pt->fmt->present))
			*e = virt_to_phys(alloc_page()) | pt->fmt->table_flags;
		else if (level <= 3 && (*e & pt->fmt->large))
			split_leaf(pt, e, level);
		table = phys_to_virt(*e & PT_ADDR_MASK);
	}
	return &table[pt_index(va, target)];
}

static unsigned shift_to_level(unsigned page_shift)
{
	switch (page_shift) {
	case 12: return 1;
	case 21: return 2;
	case 30: return 3;
	}
	report(false, "page-table builder: unsupported page size 1<<%u", page_shift);
	hv_exit();
}

void pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	    unsigned page_shift, uint64_t flags)
{
	unsigned level = shift_to_level(page_shift);
	uint64_t step = 1ull << page_shift;

	if (!IS_ALIGNED(va | pa | size, step)) {
		report(false, "page-table builder: %s map va=%#llx pa=%#llx size=%#llx not aligned to %#llx",
		       pt->fmt->name, (unsigned long long)va, (unsigned long long)pa,
		       (unsigned long long)size, (unsigned long long)step);
		hv_exit();
	}
	for (uint64_t off = 0; off < size; off += step) {
		uint64_t *e = walk_create(pt, va + off, level);
		if (level > 1 && (*e & pt->fmt->present) && !(*e & pt->fmt->large))
			destroy_level(pt, phys_to_virt(*e & PT_ADDR_MASK), level - 1);
		*e = (pa + off) | flags | (level > 1 ? pt->fmt->large : 0);
	}
}

uint64_t *pt_walk(const struct page_table *pt, uint64_t va, unsigned *level)
{
	uint64_t *table = pt->root;

	for (unsigned l = pt->levels; l >= 1; l--) {
		uint64_t *e = &table[pt_index(va, l)];
		*level = l;
		if (!(*e & pt->fmt->present))
			return NULL;
		if (l == 1 || (l <= 3 && (*e & pt->fmt->large)))
			return e;
		table = phys_to_virt(*e & PT_ADDR_MASK);
	}
	return NULL;
}

uint64_t *pt_entry(const struct page_table *pt, uint64_t va, unsigned level)
{
	uint64_t *table = pt->root;

	for (unsigned l = pt->levels; l > level; l--) {
		uint64_t e = table[pt_index(va, l)];
		if (!(e & pt->fmt->present) || (l <= 3 && (e & pt->fmt->large)))
			return NULL;
		table = phys_to_virt(e & PT_ADDR_MASK);
	}
	return &table[pt_index(va, level)];
}

bool pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa)
{
	unsigned level;
	uint64_t *e = pt_walk(pt, va, &level);

	if (!e)
		return false;
	uint64_t mask = (1ull << PT_LEVEL_SHIFT(level)) - 1;
	*pa = (*e & PT_ADDR_MASK & ~mask) | (va & mask);
	return true;
}

/* Apply fn to the 4K leaf of every page in [va, va+size), splitting as needed. */
static void for_each_4k_leaf(struct page_table *pt, uint64_t va, uint64_t size,
			     uint64_t clear, uint64_t set)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		unsigned level;
		if (!pt_walk(pt, va + off, &level))
			continue;	/* nothing mapped there */
		uint64_t *e = walk_create(pt, va + off, 1);
		*e = (*e & ~clear) | set;
	}
}

void pt_unmap(struct page_table *pt, uint64_t va, uint64_t size)
{
	for_each_4k_leaf(pt, va, size, ~0ull, 0);
}

void pt_protect(struct page_table *pt, uint64_t va, uint64_t size, uint64_t clear, uint64_t set)
{
	for_each_4k_leaf(pt, va, size, clear, set);
}

void paging_switch_levels(uint64_t cr3, uint64_t cr4);

void paging_load(const struct page_table *pt)
{
	uint64_t cr4 = read_cr4();
	bool la57 = pt->levels == 5;

	if (!!(cr4 & X86_CR4_LA57) == la57) {
		write_cr3(virt_to_phys(pt->root));
		return;
	}
	paging_switch_levels(virt_to_phys(pt->root), la57 ? cr4 | X86_CR4_LA57 : cr4 & ~X86_CR4_LA57);
}

static void flush_range(uint64_t va, uint64_t size)
{
	if (size > 64 * PAGE_SIZE) {
		write_cr3(read_cr3());
		return;
	}
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		invlpg((void *)(va + off));
}

void kernel_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	pt_map(&kernel_pt, va, pa, size, 12, flags);
	flush_range(va, size);
}

void kernel_unmap(uint64_t va, uint64_t size)
{
	pt_unmap(&kernel_pt, va, size);
	flush_range(va, size);
}

void kernel_protect(uint64_t va, uint64_t size, uint64_t clear, uint64_t set)
{
	pt_protect(&kernel_pt, va, size, clear, set);
	flush_range(va, size);
}

/*
 * Identity map of the low 4 GiB with 2M leaves, user-accessible (so that
 * run_in_user() code can run anywhere), uncached from 3 GiB up (MMIO: APIC,
 * IOAPIC, firmware).  Other CPUs load the same CR3 when they come online.
 */
void paging_setup(void)
{
	const uint64_t mmio = 0xc0000000ull;

	pt_init(&kernel_pt, &pt_format_x86, 4);
	pt_map(&kernel_pt, 0, 0, mmio, 21, PT_P | PT_W | PT_U);
	pt_map(&kernel_pt, mmio, mmio, (1ull << 32) - mmio, 21, PT_P | PT_W | PT_U | PT_PCD | PT_PWT);
	if (cpu_has(X86_FEATURE_NX))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(virt_to_phys(kernel_pt.root));
	write_cr0(read_cr0() | X86_CR0_WP);	/* supervisor writes honour R/W, as in any OS */
}
