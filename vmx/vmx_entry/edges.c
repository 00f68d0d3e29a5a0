/*
 * Twins at the canonical edges.  A base or RIP the host uses after the VM
 * exit (GDTR, IDTR, TR, GS, RIP) can be the nearest legal value only if
 * memory is there: the pages of the host's own object are mapped at the
 * edge (an alias), so the host runs on at the twin's address.  The guest's
 * RIP at the edge gets a VMCALL there.  In the low half the alias ends at
 * the last canonical byte; in the high half it starts at the first.
 */
#include "hvtest.h"
#include "entry.h"

/* The edges as the host's own paging can map them (4-level: 48 bits; 5-level: 57). */
static unsigned paging_bits(void) { return (read_cr4() & X86_CR4_LA57) ? 57 : 48; }

const char *need_alias(void)
{
	if (entry_cpu.linear_bits == paging_bits())
		return NULL;
	return "the host's paging cannot map the canonical edges of this CPU's linear-address width "
	       "(CPUID 0x80000008 EAX[15:8] differs from the paging mode's)";
}

/* Map `pages` pages from the page of pa at the low edge (ending at the last canonical byte). */
static uint64_t map_low(uint64_t pa, unsigned pages)
{
	uint64_t va = low_noncanonical() - (uint64_t)pages * PAGE_SIZE;

	kernel_map(va, pa & ~(PAGE_SIZE - 1), (uint64_t)pages * PAGE_SIZE, PT_P | PT_W);
	return va + (pa & (PAGE_SIZE - 1));
}

static uint64_t map_high(uint64_t pa, unsigned pages)
{
	uint64_t va = high_canonical_base();

	kernel_map(va, pa & ~(PAGE_SIZE - 1), (uint64_t)pages * PAGE_SIZE, PT_P | PT_W);
	return va + (pa & (PAGE_SIZE - 1));
}

/* An object of the host (GDT, IDT, TSS, per-CPU data: each smaller than a page) spans at most two pages. */
uint64_t alias_low(uint64_t v, unsigned bit) { return map_low(v, 2); }
uint64_t alias_high(uint64_t v, unsigned bit) { return map_high(v, 2); }

/* The code at the edge: JMP [RIP+0] to the valid host RIP (14 bytes), or the guest's VMCALL (3 bytes). */
static uint8_t *edge_page(void)
{
	static uint8_t *page;

	if (!page)
		page = alloc_page();
	return page;
}

static const uint8_t jmp_indirect[] = { 0xff, 0x25, 0, 0, 0, 0 };	/* jmp *0(%rip) */
#define TRAMPOLINE_SIZE	(sizeof(jmp_indirect) + 8)

static uint8_t *trampoline_at(unsigned offset, uint64_t target)
{
	uint8_t *p = edge_page() + offset;

	memcpy(p, jmp_indirect, sizeof(jmp_indirect));
	memcpy(p + sizeof(jmp_indirect), &target, 8);
	return p;
}

uint64_t trampoline_low(uint64_t v, unsigned bit)
{
	uint8_t *p = trampoline_at(PAGE_SIZE - TRAMPOLINE_SIZE, v);

	return map_low(virt_to_phys(p), 1);
}

uint64_t trampoline_high(uint64_t v, unsigned bit)
{
	return map_high(virt_to_phys(trampoline_at(0, v)), 1);
}

static const uint8_t vmcall[] = { 0x0f, 0x01, 0xc1 };

uint64_t guest_stub_low(uint64_t v, unsigned bit)
{
	uint8_t *p = edge_page() + PAGE_SIZE - sizeof(vmcall);

	memcpy(p, vmcall, sizeof(vmcall));
	return map_low(virt_to_phys(p), 1);
}

uint64_t guest_stub_high(uint64_t v, unsigned bit)
{
	memcpy(edge_page(), vmcall, sizeof(vmcall));
	return map_high(virt_to_phys(edge_page()), 1);
}
