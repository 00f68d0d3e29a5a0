/* Buddy allocator over the RAM regions of the memory map. */
#include "mem.h"
#include "boot.h"
#include "processor.h"
#include "libc.h"
#include "report.h"
#include "spinlock.h"

#define MAX_PFN		(1ul << 20)	/* RAM below 4 GiB */
#define NOT_FREE	0

struct free_block { struct free_block *next, *prev; };

static struct free_block free_lists[MAX_ORDER + 1];
/*
 * One byte per page below ram_top: 1 + the order of the free block that
 * starts there, or NOT_FREE.  It lies in the RAM right after the program's
 * image, sized by the RAM there is (32 KiB for 128 MiB), not in the BSS for
 * 4 GiB: the boot zeroes what it uses, not 1 MiB.
 */
static uint8_t *free_order;
static uint64_t nr_pfns, free_bytes, ram_top;
static struct spinlock mem_lock;

static void list_add(unsigned order, uint64_t pfn)
{
	struct free_block *b = phys_to_virt(pfn << PAGE_SHIFT), *head = &free_lists[order];

	b->next = head->next;
	b->prev = head;
	head->next->prev = b;
	head->next = b;
	free_order[pfn] = (uint8_t)(order + 1);
}

static void list_del(uint64_t pfn)
{
	struct free_block *b = phys_to_virt(pfn << PAGE_SHIFT);

	b->prev->next = b->next;
	b->next->prev = b->prev;
	free_order[pfn] = NOT_FREE;
}

static void free_block_locked(uint64_t pfn, unsigned order)
{
	free_bytes += PAGE_SIZE << order;
	while (order < MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ul << order);
		if (buddy >= nr_pfns || free_order[buddy] != order + 1)
			break;
		list_del(buddy);
		pfn &= ~(1ul << order);
		order++;
	}
	list_add(order, pfn);
}

unsigned mem_boot_map(struct mem_region *map, unsigned max)
{
	const struct multiboot_info *mbi = boot_multiboot_info();
	unsigned n = 0;

	if (mbi->flags & MBI_FLAG_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
		while (p < end && n < max) {
			uint32_t size = *(uint32_t *)p;
			memcpy(&map[n].base, (void *)(p + 4), 8);
			memcpy(&map[n].len, (void *)(p + 12), 8);
			memcpy(&map[n].type, (void *)(p + 20), 4);
			n++;
			p += size + 4;
		}
	} else if (mbi->flags & MBI_FLAG_MEM) {
		map[n++] = (struct mem_region){ 0, (uint64_t)mbi->mem_lower << 10, E820_RAM };
		map[n++] = (struct mem_region){ 0x100000, (uint64_t)mbi->mem_upper << 10, E820_RAM };
	}
	return n;
}

/* Free the pages of [start, end) in the largest naturally aligned blocks they hold. */
static void free_range(uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned order = 0;
		while (order < MAX_ORDER && !(start & (PAGE_SIZE << order)) &&
		       start + (PAGE_SIZE << (order + 1)) <= end)
			order++;
		free_block_locked(start >> PAGE_SHIFT, order);
		start += PAGE_SIZE << order;
	}
}

/* The page-aligned end of map[i] if it is RAM (below 4 GiB), else 0. */
static uint64_t ram_end(const struct mem_region *r)
{
	uint64_t end = (r->base + r->len) & ~(PAGE_SIZE - 1);

	if (r->type != E820_RAM)
		return 0;
	return end < MAX_PFN << PAGE_SHIFT ? end : MAX_PFN << PAGE_SHIFT;
}

void mem_init(const struct mem_region *map, unsigned n, uint64_t reserved_start,
	      uint64_t reserved_end)
{
	uint64_t image_ram_end = 0;

	for (unsigned o = 0; o <= MAX_ORDER; o++)
		free_lists[o].next = free_lists[o].prev = &free_lists[o];
	for (unsigned i = 0; i < n; i++) {
		if (ram_end(&map[i]) > ram_top)
			ram_top = ram_end(&map[i]);
		if (map[i].base <= reserved_start && reserved_start < ram_end(&map[i]))
			image_ram_end = ram_end(&map[i]);
	}
	nr_pfns = ram_top >> PAGE_SHIFT;
	free_order = phys_to_virt(ALIGN_UP(reserved_end, PAGE_SIZE));
	reserved_end = ALIGN_UP(reserved_end + nr_pfns, PAGE_SIZE);
	if (reserved_end > image_ram_end) {
		report(false, "memory: the memory map has no RAM for the program's image and the allocator's "
		       "%llu KiB after it (up to %#llx)", (unsigned long long)nr_pfns / 1024,
		       (unsigned long long)reserved_end);
		hv_exit();
	}
	memset(free_order, NOT_FREE, nr_pfns);
	for (unsigned i = 0; i < n; i++) {
		uint64_t start = ALIGN_UP(map[i].base, PAGE_SIZE), end = ram_end(&map[i]);
		if (start < 0x100000)	/* low memory: BIOS data, loader, AP trampoline */
			start = 0x100000;
		free_range(start, end < reserved_start ? end : reserved_start);
		free_range(start > reserved_end ? start : reserved_end, end);
	}
}

void *alloc_pages_try(unsigned order)
{
	unsigned o;

	if (order > MAX_ORDER)
		return NULL;
	spin_lock(&mem_lock);
	for (o = order; o <= MAX_ORDER && free_lists[o].next == &free_lists[o]; o++)
		;
	if (o > MAX_ORDER) {
		spin_unlock(&mem_lock);
		return NULL;
	}
	uint64_t pfn = virt_to_phys(free_lists[o].next) >> PAGE_SHIFT;
	list_del(pfn);
	while (o > order) {	/* split, keeping the lower half */
		o--;
		list_add(o, pfn + (1ul << o));
	}
	free_bytes -= PAGE_SIZE << order;
	spin_unlock(&mem_lock);
	void *p = phys_to_virt(pfn << PAGE_SHIFT);
	memset(p, 0, PAGE_SIZE << order);
	return p;
}

void *alloc_pages(unsigned order)
{
	void *p = alloc_pages_try(order);

	if (!p) {
		report(false, "out of memory: no free block of order %u (%lu KiB) left, %llu KiB free in all",
		       order, (PAGE_SIZE << order) / 1024, (unsigned long long)mem_free_bytes() / 1024);
		hv_exit();
	}
	return p;
}

void *alloc_page(void)
{
	return alloc_pages(0);
}

void free_pages(void *p, unsigned order)
{
	spin_lock(&mem_lock);
	free_block_locked(virt_to_phys(p) >> PAGE_SHIFT, order);
	spin_unlock(&mem_lock);
}

void free_page(void *p)
{
	free_pages(p, 0);
}

uint64_t mem_free_bytes(void)
{
	return free_bytes;
}

uint64_t mem_ram_top(void)
{
	return ram_top;
}

