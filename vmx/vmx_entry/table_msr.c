/*
 * SDM Vol. 3C 27.4 "Loading MSRs": each entry of the VM-entry MSR-load
 * area is loaded as by WRMSR; processing an entry fails in the cases
 * below, and VM entry then fails as a VM exit with basic reason 34 (VM-entry
 * failure due to MSR loading) whose qualification is the entry's number
 * (1 for the first).  The rows start from a valid three-entry area
 * (IA32_SYSENTER_CS, _ESP, _EIP with the guest's own values).
 */
#include "hvtest.h"
#include "entry.h"

#define MSR_IA32_SMM_MONITOR_CTL	0x9b
#define MSR_X2APIC_LAST			0x8ff

static uint64_t index_reserved(void) { return BIT(32) | BIT(63); }

#define INDEX_ROW(nm, fld, msr, n, what)								\
	{ .line = __LINE__, .name = "entry-msr-load-" nm, .sec = SEC_MSR_LOAD, .ctx = CTX_ENTRY_MSR_LOAD,			\
	  .rule = what, .field = fld, .bad = ROW_SET(msr), .expect = FAIL_MSR(n) }

static const struct entry_row rows[] = {
	INDEX_ROW("fs-base", MEM_MSR0_INDEX, MSR_FS_BASE, 1, "an entry's MSR is not IA32_FS_BASE (C0000100H)"),
	INDEX_ROW("gs-base", MEM_MSR0_INDEX, MSR_GS_BASE, 1, "an entry's MSR is not IA32_GS_BASE (C0000101H)"),
	INDEX_ROW("fs-base-entry2", MEM_MSR1_INDEX, MSR_FS_BASE, 2,
		  "an entry's MSR is not IA32_FS_BASE: the second entry fails with qualification 2"),
	INDEX_ROW("gs-base-entry3", MEM_MSR2_INDEX, MSR_GS_BASE, 3,
		  "an entry's MSR is not IA32_GS_BASE: the third entry fails with qualification 3"),
	INDEX_ROW("x2apic-first", MEM_MSR0_INDEX, MSR_X2APIC_BASE, 1,
		  "an entry's MSR bits 31:8 are not 000008H (x2APIC registers): 800H"),
	INDEX_ROW("x2apic-last", MEM_MSR0_INDEX, MSR_X2APIC_LAST, 1,
		  "an entry's MSR bits 31:8 are not 000008H (x2APIC registers): 8FFH"),
	INDEX_ROW("smm-monitor-ctl", MEM_MSR0_INDEX, MSR_IA32_SMM_MONITOR_CTL, 1,
		  "an entry's MSR is not one writable only in SMM (IA32_SMM_MONITOR_CTL, 9BH) outside SMM"),
	{ .line = __LINE__, .name = "entry-msr-load-reserved-bit%u", .sec = SEC_MSR_LOAD, .ctx = CTX_ENTRY_MSR_LOAD,
	  .bits = index_reserved, .rule = "bits 63:32 of an entry are 0",
	  .field = MEM_MSR0_INDEX, .bad = ROW_BIT_SET, .expect = FAIL_MSR(1) },
	{ .line = __LINE__, .name = "entry-msr-load-wrmsr-gp", .sec = SEC_MSR_LOAD, .ctx = CTX_ENTRY_MSR_LOAD,
	  .rule = "an entry's value is one WRMSR at CPL 0 accepts (a non-canonical IA32_SYSENTER_EIP raises #GP)",
	  .field = MEM_MSR2_VALUE, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low), .expect = FAIL_MSR(3),
	  .erratum = "qemu-kvm-sysenter-noncanonical-accepted" },
};

const struct entry_table entry_table_msr = { rows, ARRAY_SIZE(rows), __FILE__ };
