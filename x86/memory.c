/*
 * The physical allocator and the page-table builder: distinct, aligned,
 * zeroed pages; map / unmap / protect / walk with 4K, 2M and 1G leaves;
 * the same builder with 5 levels.
 */
#include "hvtest.h"

#define NR_PAGES 64
#define TEST_VA 0x0000400000000000ull	/* canonical, outside the identity map */

static void test_pages_distinct(void)
{
	void *pages[NR_PAGES];
	unsigned dup = 0, misaligned = 0, dirty = 0;
	uint64_t before = mem_free_bytes();

	for (unsigned i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page();
		memset(pages[i], 0xa5, PAGE_SIZE);
	}
	for (unsigned i = 0; i < NR_PAGES; i++) {
		misaligned += !IS_ALIGNED((uint64_t)pages[i], PAGE_SIZE);
		for (unsigned j = i + 1; j < NR_PAGES; j++)
			dup += pages[i] == pages[j];
	}
	report(!dup, "%u pages from alloc_page(): %u duplicates", NR_PAGES, dup);
	report(!misaligned, "%u pages 4K-aligned: %u misaligned", NR_PAGES, misaligned);
	report_u64(NULL, before - NR_PAGES * PAGE_SIZE, mem_free_bytes(), "free bytes after %u allocations",
		   NR_PAGES);
	for (unsigned i = 0; i < NR_PAGES; i++)
		free_page(pages[i]);
	report_u64(NULL, before, mem_free_bytes(), "free bytes after freeing them again");

	/* A freed page comes back zeroed. */
	uint8_t *p = alloc_page();
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		dirty += p[i] != 0;
	report(!dirty, "a page freed dirty is handed out zeroed: %u non-zero bytes", dirty);
	free_page(p);
}

static void test_blocks_aligned(void)
{
	for (unsigned order = 0; order <= MAX_ORDER; order++) {
		uint64_t size = PAGE_SIZE << order;
		uint8_t *a = alloc_pages(order), *b = alloc_pages(order);
		bool overlap = (a < b + size) && (b < a + size);
		report(IS_ALIGNED((uint64_t)a, size) && IS_ALIGNED((uint64_t)b, size) && !overlap,
		       "order %u blocks (%llu KiB): %p and %p, aligned to their size and disjoint", order,
		       (unsigned long long)size / 1024, (void *)a, (void *)b);
		free_pages(a, order);
		free_pages(b, order);
	}
	report(alloc_pages_try(MAX_ORDER + 1) == NULL, "a block above MAX_ORDER (%u) is refused", MAX_ORDER);
}

/* Map, access, unmap (#PF with CR2), map again, protect. */
static void test_map_unmap(void)
{
	uint8_t *page = alloc_page();
	volatile uint8_t *va = (volatile uint8_t *)TEST_VA;
	uint64_t pa;
	uint8_t b;

	kernel_map(TEST_VA, virt_to_phys(page), PAGE_SIZE, PT_P | PT_W);
	va[0x123] = 0x42;
	report_u64(NULL, 0x42, page[0x123], "a write through the new mapping reaches the page");
	report(pt_translate(&kernel_pt, TEST_VA + 0x123, &pa) && pa == virt_to_phys(page) + 0x123,
	       "walk of %#llx gives %#llx (expected %#llx)", TEST_VA + 0x123,
	       (unsigned long long)pa, (unsigned long long)virt_to_phys(page) + 0x123);

	kernel_unmap(TEST_VA, PAGE_SIZE);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 0), read_byte_safe(va + 0x123, &b),
		      "read after unmap");
	report_u64(NULL, TEST_VA + 0x123, this_cpu()->try_cr2, "CR2 of that #PF");
	report(!pt_translate(&kernel_pt, TEST_VA, &pa), "walk after unmap finds nothing");

	kernel_map(TEST_VA, virt_to_phys(page), PAGE_SIZE, PT_P | PT_W);
	report(read_byte_safe(va + 0x123, &b).kind == HV_OK && b == 0x42,
	       "mapped again: the read works and sees 0x42 (got %#x)", b);

	kernel_protect(TEST_VA, PAGE_SIZE, PT_W, 0);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 3), write_byte_safe(va, 1),
		      "write after removing PT_W (CR0.WP=1)");
	kernel_protect(TEST_VA, PAGE_SIZE, 0, PT_W);
	report_result(NULL, HV_RESULT_OK, write_byte_safe(va, 1), "write after restoring PT_W");
	kernel_unmap(TEST_VA, PAGE_SIZE);
	free_page(page);
}

/* Unmapping one 4K page inside a 2M leaf splits it; its neighbours stay mapped. */
static void test_split_large(void)
{
	uint8_t *block = alloc_pages(9);	/* 2 MiB, 2M-aligned */
	uint64_t pa = virt_to_phys(block);
	unsigned level;
	uint8_t b;

	pt_map(&kernel_pt, TEST_VA, pa, 1ul << 21, 21, PT_P | PT_W);
	write_cr3(read_cr3());
	report(pt_walk(&kernel_pt, TEST_VA + 0x5000, &level) && level == 2,
	       "a 2M mapping is one level-2 leaf (level %u)", level);
	block[0x5000] = 7;
	report(*(volatile uint8_t *)(TEST_VA + 0x5000) == 7, "the 2M leaf maps the block");

	kernel_unmap(TEST_VA + 0x4000, PAGE_SIZE);
	report(pt_walk(&kernel_pt, TEST_VA + 0x5000, &level) && level == 1,
	       "after unmapping one 4K page the neighbour is a level-1 leaf (level %u)", level);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 0), read_byte_safe((void *)(TEST_VA + 0x4000), &b),
		      "read of the unmapped 4K page inside the former 2M leaf");
	report(read_byte_safe((void *)(TEST_VA + 0x5000), &b).kind == HV_OK && b == 7,
	       "its neighbour still reads 7 (got %u)", b);
	kernel_unmap(TEST_VA, 1ul << 21);
	free_pages(block, 9);
}

static void test_1g_leaf(void)
{
	unsigned level;
	uint64_t pa;

	if (!cpu_has(X86_FEATURE_PDPE1GB)) {
		report_skip("CPUID.80000001H:EDX[26] (1-GByte pages) clear");
		return;
	}
	/* Alias the low 1 GiB at TEST_VA with one 1G leaf. */
	pt_map(&kernel_pt, TEST_VA, 0, 1ul << 30, 30, PT_P | PT_W);
	write_cr3(read_cr3());
	report(pt_walk(&kernel_pt, TEST_VA + 0x12345678, &level) && level == 3,
	       "a 1G mapping is one level-3 leaf (level %u)", level);
	report(pt_translate(&kernel_pt, TEST_VA + 0x12345678, &pa) && pa == 0x12345678,
	       "walk through the 1G leaf: expected 0x12345678, got %#llx", (unsigned long long)pa);
	volatile uint64_t *alias = (volatile uint64_t *)(TEST_VA + (uint64_t)&nr_cpus);
	report(*(volatile unsigned *)alias == nr_cpus, "a read through the 1G alias sees the same memory");
	kernel_unmap(TEST_VA, 1ul << 30);
}

/* The same builder with 5 levels: the level-5 index comes from bits 56:48. */
static void test_five_levels(void)
{
	struct page_table pt;
	const uint64_t va = 0x00ff123456789000ull;	/* needs 57-bit linear addresses */
	uint64_t pa, page = virt_to_phys(alloc_page());
	unsigned level;

	pt_init(&pt, &pt_format_x86, 5);
	pt_map(&pt, va, page, PAGE_SIZE, 12, PT_P | PT_W);
	uint64_t *pml5e = &pt.root[(va >> 48) & 511];
	report(*pml5e & PT_P, "level-5 entry %u present (%#llx)", (unsigned)((va >> 48) & 511),
	       (unsigned long long)*pml5e);
	report(pt_translate(&pt, va + 0x10, &pa) && pa == page + 0x10,
	       "5-level walk of %#llx: expected %#llx, got %#llx", (unsigned long long)va + 0x10,
	       (unsigned long long)page + 0x10, (unsigned long long)pa);
	report(!pt_walk(&pt, va ^ (1ull << 48), &level) && level == 5,
	       "a neighbour in another level-5 slot is not mapped (walk stopped at level %u)", level);
	pt_destroy(&pt);
	free_page((void *)page);
}

/*
 * The CPU really walking 5 levels: with CR4.LA57 the linear address is 57
 * bits and bits 56:48 index the PML5 (SDM Vol. 3A, 4.5.1).  A page mapped
 * at 0x00ff123456789000 is reachable only through a 5-level walk.
 */
static void test_la57(void)
{
	const uint64_t va = 0x00ff123456789000ull;
	struct page_table pt;
	uint8_t *page = alloc_page(), b = 0;
	struct hv_result r;

	if (!cpu_has(X86_FEATURE_LA57)) {
		report_skip("CPUID.(7,0):ECX[16] (LA57, 5-level paging) clear");
		free_page(page);
		return;
	}
	pt_init(&pt, &pt_format_x86, 5);
	pt_map(&pt, 0, 0, 1ull << 32, 21, PT_P | PT_W | PT_U);
	pt_map(&pt, va, virt_to_phys(page), PAGE_SIZE, 12, PT_P | PT_W);
	page[0x42] = 0x57;

	irq_disable();
	paging_load(&pt);
	uint64_t cr4 = read_cr4();
	r = read_byte_safe((void *)(va + 0x42), &b);
	paging_load(&kernel_pt);

	report(cr4 & X86_CR4_LA57, "CR4.LA57 set after the switch (CR4=%#llx)", (unsigned long long)cr4);
	report(r.kind == HV_OK && b == 0x57, "read at %#llx through a 5-level walk: expected 0x57, got %#x (%s)",
	       (unsigned long long)va + 0x42, b, r.kind == HV_OK ? "no fault" : "faulted");
	report(!(read_cr4() & X86_CR4_LA57), "back on 4-level paging (CR4=%#llx)",
	       (unsigned long long)read_cr4());
	/* With 48-bit linear addresses the same address is not canonical (SDM Vol. 3A, 3.3.7.1). */
	report_result(NULL, HV_RESULT_GP0, read_byte_safe((void *)(va + 0x42), &b),
		      "the same read under 4-level paging (address not canonical)");
	pt_destroy(&pt);
	free_page(page);
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "pages", test_pages_distinct }, { "blocks", test_blocks_aligned },
		{ "map_unmap", test_map_unmap }, { "split", test_split_large },
		{ "leaf_1g", test_1g_leaf }, { "five_levels", test_five_levels }, { "la57", test_la57 },
	};
	run_subtests(tests, ARRAY_SIZE(tests));
	return 0;
}
