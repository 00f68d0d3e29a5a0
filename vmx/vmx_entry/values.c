/*
 * The ranges rows try and the values they write, shared by the tables.
 * A reserved range is tried at both edges of each run of reserved bits
 * (row_edges); a FIXED-MSR range and a control word bit by bit.
 */
#include "hvtest.h"
#include "entry.h"

/* CR0 and CR4 against IA32_VMX_CR{0,4}_FIXED{0,1} (A.7, A.8); CR0.NW and CD are never checked. */
uint64_t cr0_fixed0_bits(void) { return entry_cpu.cr0_fixed0 & ~(uint64_t)(X86_CR0_NW | X86_CR0_CD); }
uint64_t cr0_fixed1_edges(void) { return row_edges(~entry_cpu.cr0_fixed1 & ~(uint64_t)(X86_CR0_NW | X86_CR0_CD)); }
uint64_t cr4_fixed0_bits(void) { return entry_cpu.cr4_fixed0; }
uint64_t cr4_fixed1_bits(void) { return ~entry_cpu.cr4_fixed1; }

/* CR3 bits 63:N (N the physical-address width); with LAM, bits 62:61 are not reserved. */
uint64_t cr3_reserved_edges(void)
{
	uint64_t r = ~0ull << entry_cpu.maxphyaddr;

	if (cpu_has(X86_FEATURE_LAM))
		r &= ~(BIT(61) | BIT(62));
	return row_edges(r);
}

/* IA32_EFER bits Intel 64 defines: SCE, LME, LMA, NXE where NX exists; the rest are reserved. */
uint64_t efer_reserved_edges(void)
{
	return row_edges(~(EFER_SCE | EFER_LME | EFER_LMA | (cpu_has(X86_FEATURE_NX) ? EFER_NXE : 0)));
}

uint64_t edges_32_63(void) { return BIT(32) | BIT(63); }
uint64_t page_offset_edges(void) { return BIT(0) | BIT(11); }
/* The first bit beyond the physical-address width, and bit 63. */
uint64_t phys_edges(void) { return BIT(entry_cpu.maxphyaddr) | BIT(63); }

uint64_t noncanonical_low(uint64_t v, unsigned bit) { return low_noncanonical(); }
uint64_t noncanonical_high(uint64_t v, unsigned bit) { return high_noncanonical(); }
uint64_t canonical_low(uint64_t v, unsigned bit) { return low_canonical_top(); }
uint64_t canonical_high(uint64_t v, unsigned bit) { return high_canonical_base(); }

/* IA32_PAT: each byte 0, 1, 4, 5, 6 or 7; the first and the last byte, with a value at each edge of each gap. */
uint64_t pat_bytes(void) { return BIT(0) | BIT(7); }
static uint64_t pat_byte(uint64_t v, unsigned byte, uint8_t t)
{
	return (v & ~(0xffull << 8 * byte)) | (uint64_t)t << 8 * byte;
}
uint64_t pat_1(uint64_t v, unsigned b) { return pat_byte(v, b, 1); }
uint64_t pat_2(uint64_t v, unsigned b) { return pat_byte(v, b, 2); }
uint64_t pat_3(uint64_t v, unsigned b) { return pat_byte(v, b, 3); }
uint64_t pat_4(uint64_t v, unsigned b) { return pat_byte(v, b, 4); }
uint64_t pat_7(uint64_t v, unsigned b) { return pat_byte(v, b, 7); }
uint64_t pat_8(uint64_t v, unsigned b) { return pat_byte(v, b, 8); }
uint64_t pat_255(uint64_t v, unsigned b) { return pat_byte(v, b, 255); }
