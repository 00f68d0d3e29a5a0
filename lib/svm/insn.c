/* SVM instructions tried (HV_TRY, lib/desc.h). */
#include "insn.h"
#include "desc.h"
#include "cpuid.h"
#include "processor.h"

/* APM Vol. 3, "VMRUN", "VMLOAD", "VMSAVE", "CLGI", "STGI", "INVLPGA", "SKINIT". */
struct hv_result svm_vmrun_try(uint64_t pa)
{
	return HV_TRY("vmrun %%rax", :: "a"(pa) : "memory");
}

struct hv_result svm_vmload_try(uint64_t pa)
{
	return HV_TRY("vmload %%rax", :: "a"(pa) : "memory");
}

struct hv_result svm_vmsave_try(uint64_t pa)
{
	return HV_TRY("vmsave %%rax", :: "a"(pa) : "memory");
}

struct hv_result svm_clgi_try(void)
{
	return HV_TRY("clgi", ::: "memory");
}

struct hv_result svm_stgi_try(void)
{
	return HV_TRY("stgi", ::: "memory");
}

struct hv_result svm_invlpga_try(uint64_t va, uint32_t asid)
{
	return HV_TRY("invlpga %%rax, %%ecx", :: "a"(va), "c"(asid) : "memory");
}

struct hv_result svm_skinit_try(uint32_t slb_pa)
{
	return HV_TRY("skinit %%eax", :: "a"(slb_pa) : "memory");
}

void svm_restore_gif(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	wrmsr(MSR_EFER, efer | EFER_SVME);
	svm_stgi_try();
	wrmsr(MSR_EFER, efer);
}
