/* The named feature table and vendor / width queries. */
#include "cpuid.h"
#include "libc.h"

static const struct { uint64_t feature; const char *name; } feature_names[] = {
	{ X86_FEATURE_FPU, "FPU" }, { X86_FEATURE_PSE, "PSE" }, { X86_FEATURE_TSC, "TSC" },
	{ X86_FEATURE_MSR, "MSR" }, { X86_FEATURE_PAE, "PAE" }, { X86_FEATURE_APIC, "APIC" },
	{ X86_FEATURE_PGE, "PGE" }, { X86_FEATURE_PAT, "PAT" }, { X86_FEATURE_FXSR, "FXSR" },
	{ X86_FEATURE_SSE, "SSE" }, { X86_FEATURE_SSE2, "SSE2" }, { X86_FEATURE_VMX, "VMX" },
	{ X86_FEATURE_SMX, "SMX" }, { X86_FEATURE_PCID, "PCID" }, { X86_FEATURE_X2APIC, "x2APIC" },
	{ X86_FEATURE_TSC_DEADLINE, "TSC-deadline" }, { X86_FEATURE_XSAVE, "XSAVE" },
	{ X86_FEATURE_OSXSAVE, "OSXSAVE" }, { X86_FEATURE_HYPERVISOR, "hypervisor" },
	{ X86_FEATURE_SMEP, "SMEP" }, { X86_FEATURE_SMAP, "SMAP" }, { X86_FEATURE_LA57, "LA57" },
	{ X86_FEATURE_FLUSH_L1D, "FLUSH_L1D" }, { X86_FEATURE_ARCH_CAPABILITIES, "ARCH_CAPABILITIES" },
	{ X86_FEATURE_SVM, "SVM" }, { X86_FEATURE_SKINIT, "SKINIT" }, { X86_FEATURE_NX, "NX" },
	{ X86_FEATURE_PDPE1GB, "1G pages" }, { X86_FEATURE_RDTSCP, "RDTSCP" },
	{ X86_FEATURE_LM, "long mode" }, { X86_FEATURE_INVARIANT_TSC, "invariant TSC" },
};

const char *cpu_feature_name(uint64_t feature)
{
	for (unsigned i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (feature_names[i].feature == feature)
			return feature_names[i].name;
	return "unnamed feature";
}

uint32_t cpuid_max_basic(void)
{
	return cpuid(0).a;
}

uint32_t cpuid_max_extended(void)
{
	return cpuid(0x80000000).a;
}

bool cpu_has(uint64_t feature)
{
	uint32_t leaf = (uint32_t)(feature >> 32);
	uint32_t max = leaf >= 0x80000000 ? cpuid_max_extended() : cpuid_max_basic();

	if (leaf > max)
		return false;
	struct cpuid_regs r = cpuid_count(leaf, (feature >> 16) & 0xffff);
	uint32_t regs[4] = { r.a, r.b, r.c, r.d };
	return (regs[(feature >> 8) & 3] >> (feature & 31)) & 1;
}

const char *cpu_vendor_string(void)
{
	static char vendor[13];
	struct cpuid_regs r = cpuid(0);

	memcpy(vendor, &r.b, 4);
	memcpy(vendor + 4, &r.d, 4);
	memcpy(vendor + 8, &r.c, 4);
	vendor[12] = 0;
	return vendor;
}

unsigned cpu_maxphyaddr(void)
{
	if (cpuid_max_extended() < 0x80000008)
		return cpu_has(X86_FEATURE_PAE) ? 36 : 32;
	return cpuid(0x80000008).a & 0xff;
}

const char *cpu_hypervisor_signature(void)
{
	static char sig[13];
	struct cpuid_regs r;

	if (!cpu_has(X86_FEATURE_HYPERVISOR))
		return "";
	r = cpuid(0x40000000);
	memcpy(sig, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	sig[12] = 0;
	return sig;
}
