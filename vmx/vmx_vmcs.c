/*
 * kvm_cache_create_usercopy: a VMCS per vCPU.  The VMCS lifecycle (SDM
 * Vol. 3C, 25.1 "Overview" and 31.3 "VMX Instructions": VMCLEAR, VMPTRLD,
 * VMPTRST, VMLAUNCH, VMRESUME) with each VM-instruction error it defines,
 * and the field sweep up to IA32_VMX_VMCS_ENUM's highest index (25.11.2
 * "VMREAD, VMWRITE, and Encodings of VMCS Fields", A.9 "VMCS Enumeration").
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

static uint64_t current_vmcs(void)
{
	uint64_t pa = 0;

	vmptrst(&pa);
	return pa;
}

/* 31.3 VMPTRST: with no current VMCS it stores FFFFFFFF_FFFFFFFFH. */
static void vmptrst_none(void)
{
	uint64_t pa = 0;

	report_result(NULL, HV_RESULT_OK, vmptrst(&pa), "VMPTRST with no current VMCS");
	report_u64(NULL, ~0ull, pa, "VMPTRST with no current VMCS stores");
}

/* 31.3 VMPTRLD / VMPTRST / VMCLEAR: load makes it current; clearing the current one leaves none. */
static void load_store_clear(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs());

	report_result(NULL, HV_RESULT_OK, vmclear(vmcs), "VMCLEAR of a fresh VMCS");
	report_result(NULL, HV_RESULT_OK, vmptrld(vmcs), "VMPTRLD");
	report_u64(NULL, vmcs, current_vmcs(), "VMPTRST after VMPTRLD");
	report_result(NULL, HV_RESULT_OK, vmclear(vmcs), "VMCLEAR of the current VMCS");
	report_u64(NULL, ~0ull, current_vmcs(), "VMPTRST after VMCLEAR of the current VMCS");
	uint64_t val;
	report_result(NULL, VMFAIL_INVALID, vmread(VMCS_GUEST_RIP, &val), "VMREAD with no current VMCS");
	report_result(NULL, VMFAIL_INVALID, vmwrite(VMCS_GUEST_RIP, 0), "VMWRITE with no current VMCS");
}

/* 31.3 VMPTRLD: the VMXON pointer -> VMfailValid(10). */
static void vmptrld_vmxon_region(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs());

	vmptrld(vmcs);		/* a current VMCS, so that VMfailValid can be reported */
	report_result(NULL, VMFAIL_VALID(VMXERR_VMPTRLD_VMXON_POINTER), vmptrld(vmx_vmxon_region()),
		      "VMPTRLD of the VMXON region %#llx", (unsigned long long)vmx_vmxon_region());
	vmclear(vmcs);
}

/* 31.3 VMPTRLD: a revision other than BASIC[30:0] -> VMfailValid(11). */
static void vmptrld_wrong_revision(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs());
	uint32_t *bad = vmx_alloc_vmcs();

	*bad ^= 1;
	vmptrld(vmcs);
	report_result(NULL, VMFAIL_VALID(VMXERR_VMPTRLD_WRONG_REVISION), vmptrld(virt_to_phys(bad)),
		      "VMPTRLD of a VMCS with revision %#x (BASIC says %#x)", *bad,
		      vmx_basic_revision(vmx_this_cap(MSR_IA32_VMX_BASIC)));
	vmclear(vmcs);
}

/* 31.3 VMPTRLD / VMCLEAR: an address not 4K-aligned -> VMfailValid(9) / VMfailValid(2). */
static void bad_addresses(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs());

	vmptrld(vmcs);
	report_result(NULL, VMFAIL_VALID(VMXERR_VMPTRLD_INVALID_ADDRESS), vmptrld(vmcs + 0x10),
		      "VMPTRLD of %#llx (not 4K-aligned)", (unsigned long long)vmcs + 0x10);
	report_result(NULL, VMFAIL_VALID(VMXERR_VMCLEAR_INVALID_ADDRESS), vmclear(vmcs + 0x10),
		      "VMCLEAR of %#llx (not 4K-aligned)", (unsigned long long)vmcs + 0x10);
	report_result(NULL, VMFAIL_VALID(VMXERR_VMCLEAR_VMXON_POINTER), vmclear(vmx_vmxon_region()),
		      "VMCLEAR of the VMXON region");
	vmclear(vmcs);
}

static void lifecycle_guest(void *arg)
{
}

/*
 * 31.3 VMLAUNCH / VMRESUME: launch state.  VMLAUNCH of a launched VMCS ->
 * VMfailValid(4); VMRESUME of a clear one -> VMfailValid(5); VMCLEAR makes
 * it clear again, so VMLAUNCH works.
 */
static void launch_state(void)
{
	struct vmx_guest g;

	if (!vmx_guest_create(&g, lifecycle_guest, NULL) || !vmx_guest_load(&g))
		return;
	g.launched = true;	/* VMRESUME */
	report_result(NULL, VMFAIL_VALID(VMXERR_VMRESUME_NONLAUNCHED_VMCS), vmx_guest_run(&g),
		      "VMRESUME of a clear VMCS");
	g.launched = false;
	vmx_guest_run_to_done(&g, "VMLAUNCH of the clear VMCS");
	g.launched = false;	/* VMLAUNCH */
	report_result(NULL, VMFAIL_VALID(VMXERR_VMLAUNCH_NONCLEAR_VMCS), vmx_guest_run(&g),
		      "VMLAUNCH of a launched VMCS");
	g.launched = true;
	report_result(NULL, HV_RESULT_OK, vmx_guest_run(&g), "VMRESUME of the launched VMCS");
	vmx_guest_load(&g);	/* VMCLEAR + VMPTRLD */
	vmx_guest_run_to_done(&g, "VMLAUNCH after VMCLEAR");
	vmx_guest_free(&g);
}

/* One failing VM entry: the VMLAUNCH result and, when it exits, the exit reason and qualification. */
static void failed_entry(struct vmx_guest *g, struct hv_result expected, uint32_t reason, uint64_t qual,
			 const char *what)
{
	char got[128];
	struct hv_result r = vmx_guest_run(g);

	if (!hv_result_ok(expected) || !hv_result_ok(r)) {
		report_result(NULL, expected, r, "%s", what);
		return;
	}
	vmx_exit_str(g, got, sizeof(got));
	report(g->exit.reason == reason && g->exit.qualification == qual,
	       "%s: expected exit reason %#x (VM-entry failure: %s), qualification %#llx; got %s (reason %#x)", what,
	       reason, vmx_exit_reason_name(vmx_exit_reason_basic(reason)), (unsigned long long)qual, got,
	       g->exit.reason);
}

/*
 * The three ways VM entry fails (27.1-27.4), each decoded: invalid host
 * state -> VMfailValid(8) (27.2.3 "Checks on Host Segment and
 * Descriptor-Table Registers": host CS selector 0); invalid guest state ->
 * exit 0x80000021, qualification 0 (27.3.1.4 "Checks on Guest RIP, RFLAGS,
 * and SSP": RFLAGS bit 1 clear);
 * MSR loading -> exit 0x80000022, qualification = the failing entry's
 * number counted from 1 (27.4 "Loading MSRs": IA32_FS_BASE may not be loaded from the
 * VM-entry MSR-load area).  After each, the
 * VMCS is still not launched: the fixed VMCS launches.
 */
static void entry_failures(void)
{
	struct vmx_guest g;
	struct { uint32_t index, reserved; uint64_t value; } *msrs = alloc_page();

	if (!vmx_guest_create(&g, lifecycle_guest, NULL))
		return;
	if (!vmx_guest_load(&g)) {
		vmx_guest_free(&g);
		return;
	}
	vmcs_write(VMCS_HOST_CS_SELECTOR, 0);
	failed_entry(&g, VMFAIL_VALID(VMXERR_ENTRY_INVALID_HOST_STATE), 0, 0, "VMLAUNCH with host CS selector 0");
	vmx_guest_load(&g);
	vmcs_write(VMCS_GUEST_RFLAGS, 0);
	failed_entry(&g, HV_RESULT_OK, VMX_EXIT_REASON_ENTRY_FAILURE | VMX_EXIT_ENTRY_FAIL_GUEST_STATE, 0,
		     "VMLAUNCH with guest RFLAGS bit 1 clear");
	vmcs_write(VMCS_GUEST_RFLAGS, 2);
	msrs[0] = (typeof(msrs[0])){ MSR_IA32_SYSENTER_CS, 0, 0 };
	msrs[1] = (typeof(msrs[1])){ MSR_FS_BASE, 0, 0 };
	vmcs_write(VMCS_ENTRY_MSR_LOAD_ADDR, virt_to_phys(msrs));
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 2);
	failed_entry(&g, HV_RESULT_OK, VMX_EXIT_REASON_ENTRY_FAILURE | VMX_EXIT_ENTRY_FAIL_MSR_LOADING, 2,
		     "VMLAUNCH with MSR-load entry 2 of 2 naming IA32_FS_BASE");
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmx_guest_run_to_done(&g, "VMLAUNCH once fixed (the failed entries left the VMCS clear)");
	vmx_guest_free(&g);
	free_page(msrs);
}

/* The pattern a field of this width holds after a VMWRITE of `v` (25.11.2: upper bits ignored). */
static uint64_t width_mask(uint32_t enc)
{
	switch (vmcs_field_width(enc)) {
	case VMCS_WIDTH_16: return 0xffff;
	case VMCS_WIDTH_32: return 0xffffffff;
	default: return ~0ull;
	}
}

/*
 * Guest segment access-rights fields keep only bits 16, 15:12 and 7:0
 * (25.4.1, Table 25-2: bits 11:8 and 31:17 reserved; processors need not store them).
 */
#define VMX_AR_STORED_BITS	0x1f0ffu	/* bits 16, 15:12, 7:0 */
static uint64_t stored_mask(uint32_t enc)
{
	if (enc >= VMCS_GUEST_ES_ACCESS_RIGHTS && enc <= VMCS_GUEST_TR_ACCESS_RIGHTS)
		return VMX_AR_STORED_BITS;
	return width_mask(enc);
}

/*
 * The fields Appendix B lists without an "exists only on processors that
 * support ..." condition: every VMX processor has them, so a VMREAD that
 * fails for one of them is a failure, not an unsupported component.  The
 * CR3-target values are apart: a processor has as many as IA32_VMX_MISC
 * bits 24:16 report (25.6.7, "CR3-Target Controls"; A.6), see
 * cr3_target_present().
 */
static const uint32_t always_present[] = {
	VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_DS_SELECTOR,
	VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_TR_SELECTOR,
	VMCS_HOST_ES_SELECTOR, VMCS_HOST_CS_SELECTOR, VMCS_HOST_SS_SELECTOR, VMCS_HOST_DS_SELECTOR,
	VMCS_HOST_FS_SELECTOR, VMCS_HOST_GS_SELECTOR, VMCS_HOST_TR_SELECTOR,
	VMCS_IO_BITMAP_A_ADDR, VMCS_IO_BITMAP_B_ADDR, VMCS_EXIT_MSR_STORE_ADDR, VMCS_EXIT_MSR_LOAD_ADDR,
	VMCS_ENTRY_MSR_LOAD_ADDR, VMCS_EXECUTIVE_VMCS_POINTER, VMCS_TSC_OFFSET, VMCS_LINK_POINTER,
	VMCS_GUEST_IA32_DEBUGCTL,
	VMCS_PIN_BASED_CONTROLS, VMCS_PROC_BASED_CONTROLS, VMCS_EXCEPTION_BITMAP, VMCS_PF_ERROR_CODE_MASK,
	VMCS_PF_ERROR_CODE_MATCH, VMCS_CR3_TARGET_COUNT, VMCS_EXIT_CONTROLS, VMCS_EXIT_MSR_STORE_COUNT,
	VMCS_EXIT_MSR_LOAD_COUNT, VMCS_ENTRY_CONTROLS, VMCS_ENTRY_MSR_LOAD_COUNT, VMCS_ENTRY_INTR_INFO,
	VMCS_ENTRY_EXCEPTION_ERROR_CODE, VMCS_ENTRY_INSTRUCTION_LEN,
	VMCS_VM_INSTRUCTION_ERROR, VMCS_EXIT_REASON, VMCS_EXIT_INTR_INFO, VMCS_EXIT_INTR_ERROR_CODE,
	VMCS_IDT_VECTORING_INFO, VMCS_IDT_VECTORING_ERROR_CODE, VMCS_EXIT_INSTRUCTION_LEN,
	VMCS_EXIT_INSTRUCTION_INFO,
	VMCS_GUEST_ES_LIMIT, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_FS_LIMIT,
	VMCS_GUEST_GS_LIMIT, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_GDTR_LIMIT,
	VMCS_GUEST_IDTR_LIMIT, VMCS_GUEST_ES_ACCESS_RIGHTS, VMCS_GUEST_CS_ACCESS_RIGHTS,
	VMCS_GUEST_SS_ACCESS_RIGHTS, VMCS_GUEST_DS_ACCESS_RIGHTS, VMCS_GUEST_FS_ACCESS_RIGHTS,
	VMCS_GUEST_GS_ACCESS_RIGHTS, VMCS_GUEST_LDTR_ACCESS_RIGHTS, VMCS_GUEST_TR_ACCESS_RIGHTS,
	VMCS_GUEST_INTERRUPTIBILITY_STATE, VMCS_GUEST_ACTIVITY_STATE, VMCS_GUEST_SMBASE,
	VMCS_GUEST_IA32_SYSENTER_CS, VMCS_HOST_IA32_SYSENTER_CS,
	VMCS_CR0_GUEST_HOST_MASK, VMCS_CR4_GUEST_HOST_MASK, VMCS_CR0_READ_SHADOW, VMCS_CR4_READ_SHADOW,
	VMCS_EXIT_QUALIFICATION, VMCS_IO_RCX, VMCS_IO_RSI, VMCS_IO_RDI, VMCS_IO_RIP, VMCS_GUEST_LINEAR_ADDR,
	VMCS_GUEST_CR0, VMCS_GUEST_CR3, VMCS_GUEST_CR4, VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE,
	VMCS_GUEST_SS_BASE, VMCS_GUEST_DS_BASE, VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE, VMCS_GUEST_LDTR_BASE,
	VMCS_GUEST_TR_BASE, VMCS_GUEST_GDTR_BASE, VMCS_GUEST_IDTR_BASE, VMCS_GUEST_DR7, VMCS_GUEST_RSP,
	VMCS_GUEST_RIP, VMCS_GUEST_RFLAGS, VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, VMCS_GUEST_IA32_SYSENTER_ESP,
	VMCS_GUEST_IA32_SYSENTER_EIP,
	VMCS_HOST_CR0, VMCS_HOST_CR3, VMCS_HOST_CR4, VMCS_HOST_FS_BASE, VMCS_HOST_GS_BASE, VMCS_HOST_TR_BASE,
	VMCS_HOST_GDTR_BASE, VMCS_HOST_IDTR_BASE, VMCS_HOST_IA32_SYSENTER_ESP, VMCS_HOST_IA32_SYSENTER_EIP,
	VMCS_HOST_RSP, VMCS_HOST_RIP,
};

/*
 * Fields every VMX processor has that KVM's nested VMX does not know: its
 * vmcs12 has no offset for them (arch/x86/kvm/vmx/vmcs12.c), so its VMREAD
 * and VMWRITE answer VMfailValid(12).
 */
static const uint32_t kvm_vmcs12_lacks[] = {
	VMCS_EXECUTIVE_VMCS_POINTER, VMCS_GUEST_SMBASE, VMCS_IO_RCX, VMCS_IO_RSI, VMCS_IO_RDI, VMCS_IO_RIP,
};

static bool in_list(const uint32_t *list, unsigned n, uint32_t enc)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == enc)
			return true;
	return false;
}

/* CR3-target value N exists when the processor supports more than N of them (MISC[24:16]). */
static bool cr3_target_present(uint32_t enc)
{
	unsigned n = (vmx_this_cap(MSR_IA32_VMX_MISC) & VMX_MISC_CR3_TARGETS_MASK) >> VMX_MISC_CR3_TARGETS_SHIFT;

	return enc >= VMCS_CR3_TARGET_VALUE0 && enc <= VMCS_CR3_TARGET_VALUE3 &&
	       (enc - VMCS_CR3_TARGET_VALUE0) / 2 < n;
}

static bool field_always_present(uint32_t enc)
{
	return in_list(always_present, ARRAY_SIZE(always_present), enc) || cr3_target_present(enc);
}

/*
 * One field of the table (25.11.2): VMREAD works; a VMWRITE of a pattern
 * reads back (truncated to the width); an exit-information field refuses
 * VMWRITE with VMfailValid(13) unless MISC[29]; a 64-bit field's high
 * half is its own encoding.  A field the CPU does not support fails
 * VMREAD with VMfailValid(12); a field every VMX processor has must not.
 */
static bool sweep_field(const struct vmcs_field *f, unsigned max_index, bool write_any)
{
	uint32_t enc = f->encoding;
	uint64_t val, pattern = 0x5a5aa5a5c3c33c3cull ^ enc;
	struct hv_result r = vmread(enc, &val);

	if (vmcs_field_index(enc) > max_index)
		return report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), r,
				     "VMREAD %s (%#x), index %u above VMCS_ENUM's %u", f->name, enc,
				     vmcs_field_index(enc), max_index);
	if (!hv_result_ok(r) && field_always_present(enc))
		return report_result(in_list(kvm_vmcs12_lacks, ARRAY_SIZE(kvm_vmcs12_lacks), enc) ?
				     "qemu-kvm-vmcs12-fields-missing" : NULL, HV_RESULT_OK, r,
				     "VMREAD %s (%#x), a field of every VMX processor (Appendix B)", f->name, enc);
	if (!hv_result_ok(r))
		return report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), r,
				     "VMREAD %s (%#x), a field this CPU does not support", f->name, enc);
	if (f->read_only && !write_any)
		return report_result(NULL, VMFAIL_VALID(VMXERR_VMWRITE_READ_ONLY), vmwrite(enc, pattern),
				     "VMWRITE %s (%#x), a VM-exit information field, MISC[29]=0", f->name, enc);
	char wr[64], high_text[80] = "";
	r = vmwrite(enc, pattern);
	vmread(enc, &val);
	bool ok = hv_result_ok(r) && (val & stored_mask(enc)) == (pattern & stored_mask(enc));
	if (vmcs_field_width(enc) == VMCS_WIDTH_64) {
		uint64_t high = 0;
		struct hv_result rh = vmread(vmcs_field_high(enc), &high);
		ok &= hv_result_ok(rh) && high == pattern >> 32;
		snprintf(high_text, sizeof(high_text), ", high half (%#x) %#llx", vmcs_field_high(enc),
			 (unsigned long long)high);
	}
	return report(ok, "%s (%#x): VMWRITE %#llx: %s; VMREAD %#llx (expected %#llx)%s", f->name, enc,
		      (unsigned long long)pattern, hv_result_str(r, wr, sizeof(wr)), (unsigned long long)val,
		      (unsigned long long)(pattern & stored_mask(enc)), high_text);
}

/*
 * 25.11.2: the high access type exists only for 64-bit fields: VMREAD of
 * GUEST_RIP | 1 -> VMfailValid(12).  Under erratum bochs-vmx-vmread-natural-high
 * the instruction aborts the emulator, so it is reported, not executed.
 */
static void natural_high_access(void)
{
	uint64_t val;

	if (report_not_executed("bochs-vmx-vmread-natural-high", "VMREAD %#x (high access of natural-width "
				"GUEST_RIP): expected VMfailValid(12)", VMCS_GUEST_RIP | 1))
		return;
	report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), vmread(VMCS_GUEST_RIP | 1, &val),
		      "VMREAD %#x (high access of natural-width GUEST_RIP)", VMCS_GUEST_RIP | 1);
}

/*
 * Encodings that exist in no table (25.11.2, A.9): an index above
 * VMCS_ENUM's, the high half of a field that is not 64 bits wide, a
 * reserved encoding bit, bits 63:32 of the operand -> VMfailValid(12).
 */
static void unsupported_encodings(unsigned max_index)
{
	uint64_t val;
	static const struct { enum vmcs_field_width width; enum vmcs_field_type type; } kinds[] = {
		{ VMCS_WIDTH_16, VMCS_TYPE_CONTROL }, { VMCS_WIDTH_64, VMCS_TYPE_CONTROL },
		{ VMCS_WIDTH_32, VMCS_TYPE_CONTROL }, { VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL },
		{ VMCS_WIDTH_16, VMCS_TYPE_GUEST }, { VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (max_index >= VMX_VMCS_ENUM_INDEX_MASK)
			break;
		uint32_t enc = vmcs_encoding(kinds[i].width, kinds[i].type, max_index + 1);
		report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), vmread(enc, &val),
			      "VMREAD %#x (%s %s, index %u above VMCS_ENUM's %u)", enc,
			      vmcs_field_width_name(vmcs_field_width(enc)), vmcs_field_type_name(vmcs_field_type(enc)),
			      max_index + 1, max_index);
	}
	natural_high_access();
	report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT),
		      vmread(VMCS_GUEST_CR0 | VMCS_ENCODING_RESERVED_BIT12, &val), "VMREAD %#x (reserved bit 12 set)",
		      VMCS_GUEST_CR0 | VMCS_ENCODING_RESERVED_BIT12);
	uint64_t wide = (1ull << 32) | VMCS_GUEST_CR0;
	report_result(NULL, VMFAIL_VALID(VMXERR_UNSUPPORTED_VMCS_COMPONENT), vmread(wide, &val),
		      "VMREAD with encoding operand %#llx (bits 63:32 not 0)", (unsigned long long)wide);
}

/*
 * A.9: VMCS_ENUM bits 9:1 are "the highest index value used for any VMCS
 * encoding", so some supported encoding has that index: tried with every
 * width and type (full access), at least one VMREAD succeeds.
 */
static void vmcs_enum_index_used(unsigned max_index)
{
	char got[96] = "VMfail for all 16 widths and types";
	bool found = false;
	uint64_t val;

	for (unsigned kind = 0; kind < 16 && !found; kind++) {
		uint32_t enc = vmcs_encoding(kind >> 2, kind & 3, max_index);
		found = hv_result_ok(vmread(enc, &val));
		if (found)
			snprintf(got, sizeof(got), "VMREAD %#x (%s) succeeds", enc, vmcs_field_name(enc));
	}
	report_erratum("bochs-vmx-vmcs-enum-index-unused", found, "VMCS_ENUM highest index %u: expected a "
		       "field with that index that VMREAD reads, got %s", max_index, got);
}

static void field_sweep(void)
{
	uint64_t vmcs = virt_to_phys(vmx_alloc_vmcs());
	unsigned max_index = vmx_vmcs_enum_max_index(vmx_this_cap(MSR_IA32_VMX_VMCS_ENUM));
	bool write_any = vmx_this_cap(MSR_IA32_VMX_MISC) & VMX_MISC_VMWRITE_ANY_FIELD;
	unsigned fields_ok = 0;

	report_info("VMCS_ENUM=%#llx: highest index %u; MISC[29] (VMWRITE to any field) %u; %u fields in the table",
		    (unsigned long long)vmx_this_cap(MSR_IA32_VMX_VMCS_ENUM), max_index, write_any, vmcs_nr_fields);
	vmclear(vmcs);
	vmptrld(vmcs);
	vmcs_enum_index_used(max_index);
	for (unsigned i = 0; i < vmcs_nr_fields; i++)
		fields_ok += sweep_field(&vmcs_fields[i], max_index, write_any);
	unsupported_encodings(max_index);
	report_info("%u of %u fields behaved as the SDM says", fields_ok, vmcs_nr_fields);
	vmclear(vmcs);
}

HV_EACH_CPU(vmptrst_none)
HV_EACH_CPU(load_store_clear)
HV_EACH_CPU(vmptrld_vmxon_region)
HV_EACH_CPU(vmptrld_wrong_revision)
HV_EACH_CPU(bad_addresses)
HV_EACH_CPU(launch_state)
HV_EACH_CPU(entry_failures)
HV_EACH_CPU(field_sweep)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "vmptrst_none", vmptrst_none_each_cpu },
		{ "load_store_clear", load_store_clear_each_cpu },
		{ "vmptrld_vmxon_region", vmptrld_vmxon_region_each_cpu },
		{ "vmptrld_wrong_revision", vmptrld_wrong_revision_each_cpu },
		{ "bad_addresses", bad_addresses_each_cpu },
		{ "launch_state", launch_state_each_cpu },
		{ "entry_failures", entry_failures_each_cpu },
		{ "field_sweep", field_sweep_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
