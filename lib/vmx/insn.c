/* The VMX instruction wrappers (see insn.h). */
#include "insn.h"
#include "desc.h"
#include "processor.h"
#include "report.h"
#include "vmcs_fields.h"
#include "vmx_names.h"

void vmx_insn_init(void)
{
	hv_result_set_vmfail_namer(vmx_insn_error_name);
}

/*
 * The outcome of a VMX instruction that did not fault, from RFLAGS
 * (SDM 31.2): CF=1 VMfailInvalid; ZF=1 VMfailValid with the error number
 * in the current VMCS's VM-instruction error field.
 */
struct hv_result vmx_outcome(struct hv_result tried, bool cf, bool zf)
{
	uint64_t err = 0;

	if (!hv_result_ok(tried))
		return tried;
	if (cf)
		return HV_RESULT_VMFAIL_INVALID;
	if (zf) {
		vmread(VMCS_VM_INSTRUCTION_ERROR, &err);
		return HV_RESULT_VMFAIL_VALID((uint32_t)err);
	}
	return HV_RESULT_OK;
}

/* One VMX instruction tried (HV_TRY), CF and ZF captured: operands from %2. */
#define VMX_TRY(insn, ...)						\
	({								\
		bool cf_, zf_;						\
		struct hv_result r_ = HV_TRY(insn, : "=@ccc"(cf_), "=@ccz"(zf_) __VA_ARGS__); \
		vmx_outcome(r_, cf_, zf_);				\
	})

struct hv_result vmxon(uint64_t region_pa)
{
	return VMX_TRY("vmxon %2", : "m"(region_pa) : "memory");
}

struct hv_result vmxoff(void)
{
	return VMX_TRY("vmxoff", : : "memory");
}

struct hv_result vmclear(uint64_t vmcs_pa)
{
	return VMX_TRY("vmclear %2", : "m"(vmcs_pa) : "memory");
}

struct hv_result vmptrld(uint64_t vmcs_pa)
{
	return VMX_TRY("vmptrld %2", : "m"(vmcs_pa) : "memory");
}

struct hv_result vmptrst(uint64_t *vmcs_pa)
{
	uint64_t pa = ~0ull;
	struct hv_result r = VMX_TRY("vmptrst %2", , "=m"(pa) : : "memory");

	*vmcs_pa = pa;
	return r;
}

struct hv_result vmread(uint64_t field, uint64_t *val)
{
	uint64_t v = 0;
	bool cf, zf;
	/* Not VMX_TRY: vmx_outcome() itself reads with VMREAD. */
	struct hv_result r = HV_TRY("vmread %3, %2", : "=@ccc"(cf), "=@ccz"(zf), "+r"(v) : "r"(field)
				    : "memory");

	*val = v;
	if (!hv_result_ok(r))
		return r;
	if (cf)
		return HV_RESULT_VMFAIL_INVALID;
	if (zf) {
		uint64_t err = 0;
		if (field != VMCS_VM_INSTRUCTION_ERROR)
			vmread(VMCS_VM_INSTRUCTION_ERROR, &err);
		return HV_RESULT_VMFAIL_VALID((uint32_t)err);
	}
	return HV_RESULT_OK;
}

struct hv_result vmwrite(uint64_t field, uint64_t val)
{
	return VMX_TRY("vmwrite %2, %3", : "r"(val), "r"(field) : "memory");
}

struct hv_result invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } desc = { eptp, 0 };

	return VMX_TRY("invept %2, %3", : "m"(desc), "r"(type) : "memory");
}

struct hv_result invvpid(uint64_t type, uint64_t vpid, uint64_t linear)
{
	struct { uint64_t vpid, linear; } desc = { vpid, linear };

	return VMX_TRY("invvpid %2, %3", : "m"(desc), "r"(type) : "memory");
}

uint64_t vmcs_read(uint32_t field)
{
	uint64_t v;
	char got[64];
	struct hv_result r = vmread(field, &v);

	if (!hv_result_ok(r))
		report(false, "VMREAD %s (%#x): expected success, got %s", vmcs_field_name(field),
		       field, hv_result_str(r, got, sizeof(got)));
	return v;
}

void vmcs_write(uint32_t field, uint64_t val)
{
	char got[64];
	struct hv_result r = vmwrite(field, val);

	if (!hv_result_ok(r))
		report(false, "VMWRITE %s (%#x) = %#llx: expected success, got %s",
		       vmcs_field_name(field), field, (unsigned long long)val,
		       hv_result_str(r, got, sizeof(got)));
}
