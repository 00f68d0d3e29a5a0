/* EPT through the shared page-table builder (see ept.h). */
#include "ept.h"
#include "caps.h"
#include "insn.h"
#include "mem.h"
#include "report.h"
#include "processor.h"

void ept_init(struct vmx_ept *ept, unsigned levels, bool ad)
{
	pt_init(&ept->pt, &pt_format_ept, levels);
	ept->ad = ad;
}

void ept_identity_map(struct vmx_ept *ept, uint64_t size, unsigned page_shift)
{
	pt_map(&ept->pt, 0, 0, size, page_shift, EPT_RWX | EPT_MT_WB);
}

/* SDM 25.6.11 "Extended-Page-Table Pointer (EPTP)". */
uint64_t ept_eptp(const struct vmx_ept *ept)
{
	return virt_to_phys(ept->pt.root) | VMX_MEMORY_TYPE_WB | EPTP_WALK(ept->pt.levels) |
	       (ept->ad ? EPTP_AD_ENABLE : 0);
}

uint64_t ept_guest_memory_size(unsigned page_shift)
{
	return ALIGN_UP(mem_ram_top(), 1ull << page_shift);
}

void ept_invalidate(uint64_t eptp)
{
	uint64_t cap = vmx_cap(vmx_this_caps(), MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t type = (cap & VMX_EPT_INVEPT_SINGLE_CONTEXT) ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;
	char got[64];
	struct hv_result r = invept(type, eptp);

	if (!hv_result_ok(r))
		report(false, "INVEPT type %llu for EPTP %#llx: expected success, got %s",
		       (unsigned long long)type, (unsigned long long)eptp, hv_result_str(r, got, sizeof(got)));
}
