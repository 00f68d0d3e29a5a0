/* CPUID features by name, vendor, address widths; MSR numbers the runtime uses. */
#ifndef HV_CPUID_H
#define HV_CPUID_H

#include <stdbool.h>
#include <stdint.h>
#include "processor.h"

/* A feature is (leaf, subleaf, register, bit), packed in one value. */
enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };
#define CPUID_FEATURE(leaf, sub, reg, bit) \
	(((uint64_t)(leaf) << 32) | ((uint64_t)(sub) << 16) | ((uint64_t)(reg) << 8) | (bit))

#define X86_FEATURE_FPU		CPUID_FEATURE(0x1, 0, CPUID_EDX, 0)
#define X86_FEATURE_PSE		CPUID_FEATURE(0x1, 0, CPUID_EDX, 3)
#define X86_FEATURE_TSC		CPUID_FEATURE(0x1, 0, CPUID_EDX, 4)
#define X86_FEATURE_MSR		CPUID_FEATURE(0x1, 0, CPUID_EDX, 5)
#define X86_FEATURE_PAE		CPUID_FEATURE(0x1, 0, CPUID_EDX, 6)
#define X86_FEATURE_APIC	CPUID_FEATURE(0x1, 0, CPUID_EDX, 9)
#define X86_FEATURE_PGE		CPUID_FEATURE(0x1, 0, CPUID_EDX, 13)
#define X86_FEATURE_PAT		CPUID_FEATURE(0x1, 0, CPUID_EDX, 16)
#define X86_FEATURE_FXSR	CPUID_FEATURE(0x1, 0, CPUID_EDX, 24)
#define X86_FEATURE_SSE		CPUID_FEATURE(0x1, 0, CPUID_EDX, 25)
#define X86_FEATURE_SSE2	CPUID_FEATURE(0x1, 0, CPUID_EDX, 26)
#define X86_FEATURE_VMX		CPUID_FEATURE(0x1, 0, CPUID_ECX, 5)
#define X86_FEATURE_SMX		CPUID_FEATURE(0x1, 0, CPUID_ECX, 6)
#define X86_FEATURE_PCID	CPUID_FEATURE(0x1, 0, CPUID_ECX, 17)
#define X86_FEATURE_X2APIC	CPUID_FEATURE(0x1, 0, CPUID_ECX, 21)
#define X86_FEATURE_TSC_DEADLINE CPUID_FEATURE(0x1, 0, CPUID_ECX, 24)
#define X86_FEATURE_XSAVE	CPUID_FEATURE(0x1, 0, CPUID_ECX, 26)
#define X86_FEATURE_OSXSAVE	CPUID_FEATURE(0x1, 0, CPUID_ECX, 27)
#define X86_FEATURE_HYPERVISOR	CPUID_FEATURE(0x1, 0, CPUID_ECX, 31)
#define X86_FEATURE_SMEP	CPUID_FEATURE(0x7, 0, CPUID_EBX, 7)
#define X86_FEATURE_SMAP	CPUID_FEATURE(0x7, 0, CPUID_EBX, 20)
#define X86_FEATURE_LA57	CPUID_FEATURE(0x7, 0, CPUID_ECX, 16)
#define X86_FEATURE_FLUSH_L1D	CPUID_FEATURE(0x7, 0, CPUID_EDX, 28)
#define X86_FEATURE_ARCH_CAPABILITIES CPUID_FEATURE(0x7, 0, CPUID_EDX, 29)
#define X86_FEATURE_SVM		CPUID_FEATURE(0x80000001, 0, CPUID_ECX, 2)
#define X86_FEATURE_SKINIT	CPUID_FEATURE(0x80000001, 0, CPUID_ECX, 12)
#define X86_FEATURE_NX		CPUID_FEATURE(0x80000001, 0, CPUID_EDX, 20)
#define X86_FEATURE_PDPE1GB	CPUID_FEATURE(0x80000001, 0, CPUID_EDX, 26)
#define X86_FEATURE_RDTSCP	CPUID_FEATURE(0x80000001, 0, CPUID_EDX, 27)
#define X86_FEATURE_LM		CPUID_FEATURE(0x80000001, 0, CPUID_EDX, 29)
#define X86_FEATURE_INVARIANT_TSC CPUID_FEATURE(0x80000007, 0, CPUID_EDX, 8)

/* True if the leaf exists (max basic/extended leaf) and the bit is set. */
bool cpu_has(uint64_t feature);
/* The feature's name, e.g. "VMX" (for SKIP reasons). */
const char *cpu_feature_name(uint64_t feature);

const char *cpu_vendor_string(void);	/* "GenuineIntel", ... (12 chars + NUL) */
uint32_t cpuid_max_basic(void);
uint32_t cpuid_max_extended(void);
/* MAXPHYADDR, CPUID 0x80000008 (36 or 32 when absent). */
unsigned cpu_maxphyaddr(void);
/* The hypervisor signature of leaf 0x40000000 when CPUID.1:ECX[31], else "". */
const char *cpu_hypervisor_signature(void);

#define MSR_EFER		0xc0000080
#define MSR_IA32_APIC_BASE	0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_ARCH_CAPABILITIES 0x0000010a
#define MSR_IA32_FLUSH_CMD	0x0000010b
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_DEBUGCTL	0x000001d9	/* AMD: DebugCtl (APM Vol. 2, 13.1.1.6) */
#define DEBUGCTL_LBR		(1ull << 0)
#define MSR_IA32_PAT		0x00000277
#define MSR_IA32_TSC_DEADLINE	0x000006e0
#define MSR_X2APIC_BASE		0x00000800
#define MSR_STAR		0xc0000081
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#endif
