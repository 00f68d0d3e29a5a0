/*
 * Physical memory: the multiboot memory map and a buddy allocator of
 * naturally aligned power-of-two blocks of 4 KiB pages.  Memory is
 * identity-mapped, so a physical address is also a pointer.
 */
#ifndef HV_MEM_H
#define HV_MEM_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE	4096ul
#define PAGE_SHIFT	12
#define MAX_ORDER	10	/* largest block: 4 MiB */

struct mem_region { uint64_t base, len; uint32_t type; };	/* type E820_RAM (1) = RAM */

/*
 * The memory map the loader handed over (multiboot info, lib/boot.h), at
 * most max regions; from mem_lower/mem_upper when it has no map.
 */
unsigned mem_boot_map(struct mem_region *map, unsigned max);
void mem_init(const struct mem_region *map, unsigned n, uint64_t reserved_start,
	      uint64_t reserved_end);

/* Zeroed, naturally aligned; running out is a FAIL that ends the program. */
void *alloc_page(void);
void *alloc_pages(unsigned order);
/* As alloc_pages(), but NULL when no block of that order is free. */
void *alloc_pages_try(unsigned order);
void free_page(void *p);
void free_pages(void *p, unsigned order);

uint64_t mem_free_bytes(void);
uint64_t mem_ram_top(void);		/* end of the highest RAM region */

static inline uint64_t virt_to_phys(const void *p) { return (uint64_t)p; }
static inline void *phys_to_virt(uint64_t pa) { return (void *)pa; }

#endif
