/* SVM instructions inside the try mechanism (lib/desc.h). */
#include "insn.h"
#include "desc.h"
#include "cpuid.h"
#include "processor.h"

/* Opcodes spelled out: 0F 01 D8..DF (APM Vol. 3, "SVM instructions"). */
#define TRY_RAX(name, opcode)							\
struct hv_result name(uint64_t pa)						\
{										\
	hv_try_arm();								\
	asm volatile("1: " opcode "\n2:\n" HV_EXTABLE("1b", "2b")		\
		     :: "a"(pa) : "memory");					\
	return hv_try_result();							\
}

TRY_RAX(svm_vmrun_try, "vmrun %%rax")
TRY_RAX(svm_vmload_try, "vmload %%rax")
TRY_RAX(svm_vmsave_try, "vmsave %%rax")

struct hv_result svm_clgi_try(void)
{
	hv_try_arm();
	asm volatile("1: clgi\n2:\n" HV_EXTABLE("1b", "2b") ::: "memory");
	return hv_try_result();
}

struct hv_result svm_stgi_try(void)
{
	hv_try_arm();
	asm volatile("1: stgi\n2:\n" HV_EXTABLE("1b", "2b") ::: "memory");
	return hv_try_result();
}

struct hv_result svm_invlpga_try(uint64_t va, uint32_t asid)
{
	hv_try_arm();
	asm volatile("1: invlpga %%rax, %%ecx\n2:\n" HV_EXTABLE("1b", "2b")
		     :: "a"(va), "c"(asid) : "memory");
	return hv_try_result();
}

struct hv_result svm_skinit_try(uint32_t slb_pa)
{
	hv_try_arm();
	asm volatile("1: skinit %%eax\n2:\n" HV_EXTABLE("1b", "2b")
		     :: "a"(slb_pa) : "memory");
	return hv_try_result();
}

void svm_restore_gif(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	wrmsr(MSR_EFER, efer | EFER_SVME);
	svm_stgi_try();
	wrmsr(MSR_EFER, efer);
}
