/* Instructions and registers of the x86-64 processor, as inline functions. */
#ifndef HV_PROCESSOR_H
#define HV_PROCESSOR_H

#include <stdint.h>
#include <stdbool.h>

#define X86_CR0_PE	(1ul << 0)
#define X86_CR0_MP	(1ul << 1)
#define X86_CR0_EM	(1ul << 2)
#define X86_CR0_TS	(1ul << 3)
#define X86_CR0_ET	(1ul << 4)
#define X86_CR0_NE	(1ul << 5)
#define X86_CR0_WP	(1ul << 16)
#define X86_CR0_AM	(1ul << 18)
#define X86_CR0_NW	(1ul << 29)
#define X86_CR0_CD	(1ul << 30)
#define X86_CR0_PG	(1ul << 31)

/*
 * A linear address that is not canonical with 4-level (48-bit) nor with
 * 5-level (57-bit) paging: bit 63 set, bits 62:47 clear (SDM Vol. 3A,
 * 4.5 "4-Level Paging and 5-Level Paging").
 */
#define NONCANONICAL_ADDR	0x8000000000000000ull

/* The one-byte RET (near return) opcode, C3 (SDM Vol. 2B, "RET"). */
#define X86_OPCODE_RET		0xc3

#define X86_CR4_VME	(1ul << 0)
#define X86_CR4_PSE	(1ul << 4)
#define X86_CR4_PAE	(1ul << 5)
#define X86_CR4_PGE	(1ul << 7)
#define X86_CR4_OSFXSR	(1ul << 9)
#define X86_CR4_OSXMMEXCPT (1ul << 10)
#define X86_CR4_UMIP	(1ul << 11)
#define X86_CR4_LA57	(1ul << 12)
#define X86_CR4_VMXE	(1ul << 13)
#define X86_CR4_SMXE	(1ul << 14)
#define X86_CR4_FSGSBASE (1ul << 16)
#define X86_CR4_PCIDE	(1ul << 17)
#define X86_CR4_OSXSAVE	(1ul << 18)
#define X86_CR4_SMEP	(1ul << 20)
#define X86_CR4_SMAP	(1ul << 21)
#define X86_CR4_PKE	(1ul << 22)
#define X86_CR4_CET	(1ul << 23)

#define X86_EFLAGS_CF	(1ul << 0)
#define X86_EFLAGS_FIXED (1ul << 1)	/* reserved, always 1 */
#define X86_EFLAGS_ZF	(1ul << 6)
#define X86_EFLAGS_TF	(1ul << 8)
#define X86_EFLAGS_IF	(1ul << 9)
#define X86_EFLAGS_VM	(1ul << 17)
#define X86_EFLAGS_AC	(1ul << 18)

#define EFER_SCE	(1ul << 0)
#define EFER_LME	(1ul << 8)
#define EFER_LMA	(1ul << 10)
#define EFER_NXE	(1ul << 11)
#define EFER_SVME	(1ul << 12)

/* Exception vectors (SDM Vol. 3A, 6.15). */
enum {
	DE_VECTOR = 0, DB_VECTOR = 1, NMI_VECTOR = 2, BP_VECTOR = 3,
	OF_VECTOR = 4, BR_VECTOR = 5, UD_VECTOR = 6, NM_VECTOR = 7,
	DF_VECTOR = 8, TS_VECTOR = 10, NP_VECTOR = 11, SS_VECTOR = 12,
	GP_VECTOR = 13, PF_VECTOR = 14, MF_VECTOR = 16, AC_VECTOR = 17,
	MC_VECTOR = 18, XM_VECTOR = 19, VE_VECTOR = 20, CP_VECTOR = 21,
};

struct cpuid_regs { uint32_t a, b, c, d; };

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;
	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "a"(leaf), "c"(sub));
	return r;
}
static inline struct cpuid_regs cpuid(uint32_t leaf) { return cpuid_count(leaf, 0); }

/* Plain MSR access: for MSRs known to exist.  Use rdmsr_safe() otherwise. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((uint64_t)hi << 32);
}
static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" :: "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr) : "memory");
}

#define DEFINE_CR(n) \
static inline uint64_t read_cr##n(void) \
{ uint64_t v; asm volatile("mov %%cr" #n ", %0" : "=r"(v) :: "memory"); return v; } \
static inline void write_cr##n(uint64_t v) \
{ asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
DEFINE_CR(8)
#undef DEFINE_CR

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	asm volatile("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}
static inline void write_rflags(uint64_t f)
{
	asm volatile("pushq %0; popfq" :: "r"(f) : "memory", "cc");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

static inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline void irq_enable(void) { asm volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void barrier(void) { asm volatile("" ::: "memory"); }
static inline void invlpg(const void *va) { asm volatile("invlpg (%0)" :: "r"(va) : "memory"); }

struct descriptor_table_ptr { uint16_t limit; uint64_t base; } __attribute__((packed));
static inline void sidt(struct descriptor_table_ptr *p) { asm volatile("sidt %0" : "=m"(*p)); }
static inline void sgdt(struct descriptor_table_ptr *p) { asm volatile("sgdt %0" : "=m"(*p)); }
static inline uint16_t str(void) { uint16_t s; asm volatile("str %0" : "=r"(s)); return s; }
static inline uint16_t read_cs(void) { uint16_t s; asm volatile("mov %%cs, %0" : "=r"(s)); return s; }
static inline uint16_t read_ds(void) { uint16_t s; asm volatile("mov %%ds, %0" : "=r"(s)); return s; }
static inline uint16_t read_ss(void) { uint16_t s; asm volatile("mov %%ss, %0" : "=r"(s)); return s; }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define BIT(n) (1ull << (n))

#endif
