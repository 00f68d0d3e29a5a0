/*
 * SDM Vol. 3C 27.2.1 "Checks on VMX Controls": VM entry fails with
 * VMfailValid(7) (VM entry with invalid control field(s)) when any of
 * these does not hold.
 */
#include "hvtest.h"
#include "entry.h"

/* Ranges. */
static uint64_t must0(enum vmx_control_word w) { return (uint32_t)~entry_cpu.allowed[w].may1; }
static uint64_t must1(enum vmx_control_word w) { return entry_cpu.allowed[w].must1; }
static uint64_t pin_must0(void) { return must0(VMX_PINBASED); }
static uint64_t pin_must1(void) { return must1(VMX_PINBASED); }
static uint64_t proc_must0(void) { return must0(VMX_PROCBASED); }
static uint64_t proc_must1(void) { return must1(VMX_PROCBASED); }
static uint64_t proc2_must0(void) { return must0(VMX_PROCBASED2); }
static uint64_t proc2_must1(void) { return must1(VMX_PROCBASED2); }
static uint64_t exit_must0(void) { return must0(VMX_EXIT); }
static uint64_t exit_must1(void) { return must1(VMX_EXIT); }
/* "Entry to SMM" and "deactivate dual-monitor treatment" have rows of their own. */
static uint64_t entry_must0(void)
{
	return must0(VMX_ENTRY) & ~(uint64_t)(ENTRY_ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR);
}
static uint64_t entry_must1(void) { return must1(VMX_ENTRY); }

static uint64_t tpr_threshold_high(void) { return BIT(4) | BIT(31); }
static uint64_t pi_vector_high(void) { return BIT(8) | BIT(15); }
/* The tertiary controls (64 bits) and secondary VM-exit controls (64 bits) IA32_VMX_PROCBASED_CTLS3 / EXIT_CTLS2 report 0. */
static uint64_t allowed64_0(uint32_t msr)
{
	uint64_t v = 0;

	rdmsr_safe(msr, &v);
	return ~v;
}
static uint64_t proc3_must0(void) { return allowed64_0(MSR_IA32_VMX_PROCBASED_CTLS3); }
static uint64_t exit2_must0(void) { return allowed64_0(MSR_IA32_VMX_EXIT_CTLS2); }

/* Bits 3:0 of an MSR-area address; bits 5:0 of the posted-interrupt descriptor. */
static uint64_t msr_area_offset(void) { return 0xf; }
static uint64_t pid_offset(void) { return 0x3f; }
/* The last page (and the last 64-byte block) below the physical-address width. */
static uint64_t top_page(uint64_t v, unsigned bit) { return BIT(entry_cpu.maxphyaddr) - PAGE_SIZE; }
static uint64_t top_block64(uint64_t v, unsigned bit) { return BIT(entry_cpu.maxphyaddr) - 64; }
/* An MSR area whose last entry (of the context's count, at least two) ends past the width. */
static uint64_t msr_area_past_top(uint64_t v, unsigned bit) { return BIT(entry_cpu.maxphyaddr) - 16; }
/* A garbage address for a zero-count MSR area: not aligned, beyond the width. */
#define GARBAGE_ADDR	(BIT(63) | 0x8)

static uint64_t cr3_targets(void) { return (entry_cpu.misc & VMX_MISC_CR3_TARGETS_MASK) >> VMX_MISC_CR3_TARGETS_SHIFT; }
static uint64_t cr3_targets_max(uint64_t v, unsigned bit) { return cr3_targets(); }
static uint64_t cr3_targets_over(uint64_t v, unsigned bit) { return cr3_targets() + 1; }

/* EPTP (25.6.11): memory type 2:0, walk length - 1 in 5:3, A/D 6, bit 7, reserved 11:8 and 63:N. */
#define EPTP_MEMTYPE_MASK	0x7ull
#define EPTP_WALK_MASK		(0x7ull << 3)
#define EPTP_AD			BIT(6)
#define EPTP_SSS		BIT(7)
static uint64_t eptp_bad_memtypes(void)
{
	uint64_t ok = ((entry_cpu.ept_vpid_cap & VMX_EPT_MEMTYPE_UC) ? BIT(0) : 0) |
		      ((entry_cpu.ept_vpid_cap & VMX_EPT_MEMTYPE_WB) ? BIT(6) : 0);
	return 0xff & ~ok;
}
static uint64_t eptp_memtype(uint64_t v, unsigned type) { return (v & ~EPTP_MEMTYPE_MASK) | type; }
static uint64_t eptp_bad_walks(void)
{
	uint64_t ok = ((entry_cpu.ept_vpid_cap & VMX_EPT_PAGE_WALK_4) ? BIT(3) : 0) |
		      ((entry_cpu.ept_vpid_cap & VMX_EPT_PAGE_WALK_5) ? BIT(4) : 0);
	return 0xff & ~ok;
}
static uint64_t eptp_walk(uint64_t v, unsigned len1) { return (v & ~EPTP_WALK_MASK) | (uint64_t)len1 << 3; }
static uint64_t eptp_reserved_low(void) { return 0xf00; }
static uint64_t eptp_uc(uint64_t v, unsigned bit) { return eptp_memtype(v, VMX_MEMORY_TYPE_UC); }

static const char *need_uc(void)
{
	return (entry_cpu.ept_vpid_cap & VMX_EPT_MEMTYPE_UC) ? NULL : "IA32_VMX_EPT_VPID_CAP[8] (UC paging structures) is 0";
}
static const char *need_no_ad(void)
{
	return (entry_cpu.ept_vpid_cap & VMX_EPT_AD_FLAGS) ? "IA32_VMX_EPT_VPID_CAP[21] is 1 (A/D flags supported)" : NULL;
}
static const char *need_ad(void)
{
	return (entry_cpu.ept_vpid_cap & VMX_EPT_AD_FLAGS) ? NULL : "IA32_VMX_EPT_VPID_CAP[21] (A/D flags) is 0";
}
static const char *need_no_sss(void)
{
	return (entry_cpu.ept_vpid_cap & VMX_EPT_SUPERVISOR_SHADOW_STACK) ?
	       "IA32_VMX_EPT_VPID_CAP[23] is 1 (supervisor shadow-stack control supported)" : NULL;
}

/* VM-function controls: the bits IA32_VMX_VMFUNC reports 0 (A.11), at both edges. */
static uint64_t vmfunc_reserved_edges(void)
{
	uint64_t r = ~entry_cpu.vmfunc;

	return r ? BIT(__builtin_ctzll(r)) | BIT(63 - __builtin_clzll(r)) : 0;
}

static const char *need_nmi_window(void) { return need_control(VMX_PROCBASED, CPU_NMI_WINDOW_EXITING); }
static const char *need_x2apic(void) { return need_control(VMX_PROCBASED2, CPU2_VIRTUALIZE_X2APIC_MODE); }
static const char *need_apic_reg(void) { return need_control(VMX_PROCBASED2, CPU2_APIC_REGISTER_VIRTUALIZATION); }
static const char *need_vid(void) { return need_control(VMX_PROCBASED2, CPU2_VIRTUAL_INTERRUPT_DELIVERY); }
static const char *need_vmfunc(void) { return need_control(VMX_PROCBASED2, CPU2_ENABLE_VM_FUNCTIONS); }
static const char *need_save_timer(void) { return need_control(VMX_EXIT, EXIT_SAVE_PREEMPTION_TIMER); }
static const char *need_smm_entry(void) { return need_control(VMX_ENTRY, ENTRY_ENTRY_TO_SMM); }
static const char *need_dual_monitor(void) { return need_control(VMX_ENTRY, ENTRY_DEACTIVATE_DUAL_MONITOR); }
static const char *need_mtf(void) { return need_control(VMX_PROCBASED, CPU_MONITOR_TRAP_FLAG); }
static const char *need_no_mtf(void)
{
	return need_control(VMX_PROCBASED, CPU_MONITOR_TRAP_FLAG) ? NULL :
	       "\"monitor trap flag\" may be 1 (interruption type 7 is not reserved)";
}
static const char *need_basic56_0(void)
{
	return (entry_cpu.basic & VMX_BASIC_NO_ERROR_CODE_CHECK) ?
	       "IA32_VMX_BASIC[56] is 1 (any hardware exception with or without an error code)" : NULL;
}
static const char *need_basic56_1(void)
{
	return (entry_cpu.basic & VMX_BASIC_NO_ERROR_CODE_CHECK) ? NULL : "IA32_VMX_BASIC[56] is 0";
}
static const char *need_misc30_0(void)
{
	return (entry_cpu.misc & VMX_MISC_INJECT_ZERO_LENGTH) ? "IA32_VMX_MISC[30] is 1 (zero length allowed)" : NULL;
}
static const char *need_misc30_1(void)
{
	return (entry_cpu.misc & VMX_MISC_INJECT_ZERO_LENGTH) ? NULL : "IA32_VMX_MISC[30] (zero-length injection) is 0";
}

/* Event injection (25.8.3). */
/* Hardware exceptions that deliver an error code (27.2.1.3): #DF, #TS, #NP, #SS, #GP, #PF, #AC. */
static uint64_t error_code_vectors(void)
{
	return BIT(DF_VECTOR) | BIT(TS_VECTOR) | BIT(NP_VECTOR) | BIT(SS_VECTOR) | BIT(GP_VECTOR) |
	       BIT(PF_VECTOR) | BIT(AC_VECTOR);
}
/*
 * ... and those that do not: 0-7, 9, 15, 16, 18-31.  Not tried: #MC (18),
 * whose delivery with CR4.MCE=0 shuts the guest down, and #CP (21), which
 * delivers an error code where CET exists.
 */
static uint64_t no_error_code_vectors(void)
{
	return 0xffffffffull & ~error_code_vectors() & ~(BIT(MC_VECTOR) | BIT(CP_VECTOR));
}
static uint64_t hw_exception(uint64_t v, unsigned vec) { return INTR_INFO(INTR_HW_EXCEPTION, vec); }
static uint64_t hw_exception_ec(uint64_t v, unsigned vec) { return hw_exception(v, vec) | INTR_INFO_DELIVER_EC; }
static uint64_t nmi_vector_flip(uint64_t v, unsigned bit) { return INTR_INFO(INTR_NMI, NMI_VECTOR ^ (1u << bit)); }
static uint64_t mtf_vector_bit(uint64_t v, unsigned bit) { return INTR_INFO(INTR_OTHER_EVENT, 1u << bit); }
static uint64_t vector_bits(void) { return 0xff; }
static uint64_t intr_info_reserved(void) { return BIT(12) | BIT(30); }
static uint64_t nmi_with_bit(uint64_t v, unsigned bit) { return INTR_INFO(INTR_NMI, NMI_VECTOR) | BIT(bit); }
static uint64_t error_code_high(void) { return BIT(16) | BIT(31); }

static const struct entry_row rows[] = {
	/* 27.2.1.1 VM-Execution Control Fields */
	{ .line = __LINE__, .name = "entry-ctl-pin-bit%u-must0", .sec = SEC_EXEC, .ctx = CTX_BASE, .bits = pin_must0,
	  .rule = "reserved pin-based controls set properly: an allowed-1 0 bit of IA32_VMX_(TRUE_)PINBASED_CTLS set",
	  .field = VMCS_PIN_BASED_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-pin-bit%u-must1", .sec = SEC_EXEC, .ctx = CTX_BASE, .bits = pin_must1,
	  .rule = "reserved pin-based controls set properly: an allowed-0 1 bit cleared",
	  .field = VMCS_PIN_BASED_CONTROLS, .bad = ROW_BIT_CLEAR, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-proc-bit%u-must0", .sec = SEC_EXEC, .ctx = CTX_BASE, .bits = proc_must0,
	  .rule = "reserved primary processor-based controls set properly: an allowed-1 0 bit set",
	  .field = VMCS_PROC_BASED_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-proc-bit%u-must1", .sec = SEC_EXEC, .ctx = CTX_BASE, .bits = proc_must1,
	  .rule = "reserved primary processor-based controls set properly: an allowed-0 1 bit cleared",
	  .field = VMCS_PROC_BASED_CONTROLS, .bad = ROW_BIT_CLEAR, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-proc2-bit%u-must0", .sec = SEC_EXEC, .ctx = CTX_SECONDARY, .bits = proc2_must0,
	  .rule = "with \"activate secondary controls\", reserved secondary controls are 0",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-proc2-bit%u-must1", .sec = SEC_EXEC, .ctx = CTX_SECONDARY, .bits = proc2_must1,
	  .rule = "with \"activate secondary controls\", a secondary control that must be 1 cleared",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_BIT_CLEAR, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-proc2-unchecked-inactive", .sec = SEC_EXEC, .ctx = CTX_BASE, .need = need_secondary_field,
	  .rule = "with \"activate secondary controls\" 0 no secondary control is checked (every bit set)",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_SET(0xffffffff), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-ctl-cr3-target-count-above-max", .sec = SEC_EXEC, .ctx = CTX_BASE,
	  .rule = "the CR3-target count is at most IA32_VMX_MISC[24:16]",
	  .field = VMCS_CR3_TARGET_COUNT, .bad = ROW_FN(cr3_targets_over), .twin = ROW_FN(cr3_targets_max),
	  .expect = FAIL_CTL },
	/* Addresses the controls use: page-aligned, within the physical-address width. */
/* The twin of the width row, the last page below the physical-address width,
 * is refused where top_page_erratum names it (or NULL), and under it ends the
 * program where top_page_fatal says so. */
#define PAGE_ADDR_ROWS_TOP_PAGE(nm, ctxx, fld, what, top_page_erratum, top_page_fatal)				\
	{ .line = __LINE__, .name = nm "-align-bit%u", .sec = SEC_EXEC, .ctx = ctxx, .bits = page_offset_edges,		\
	  .rule = what ": bits 11:0 are 0", .field = fld, .bad = ROW_BIT_SET, .expect = FAIL_CTL },		\
	{ .line = __LINE__, .name = nm "-width-bit%u", .sec = SEC_EXEC, .ctx = ctxx, .bits = phys_edges,			\
	  .rule = what ": no bit beyond the physical-address width", .field = fld, .bad = ROW_BIT_SET,	\
	  .twin = ROW_FN(top_page), .expect = FAIL_CTL, .twin_erratum = top_page_erratum,				\
	  .twin_fatal = top_page_fatal }
#define PAGE_ADDR_ROWS(nm, ctxx, fld, what) PAGE_ADDR_ROWS_TOP_PAGE(nm, ctxx, fld, what, NULL, false)
	PAGE_ADDR_ROWS("entry-ctl-io-bitmap-a", CTX_IO_BITMAPS, VMCS_IO_BITMAP_A_ADDR,
		       "with \"use I/O bitmaps\", I/O bitmap A's address"),
	PAGE_ADDR_ROWS("entry-ctl-io-bitmap-b", CTX_IO_BITMAPS, VMCS_IO_BITMAP_B_ADDR,
		       "with \"use I/O bitmaps\", I/O bitmap B's address"),
	PAGE_ADDR_ROWS("entry-ctl-msr-bitmap", CTX_MSR_BITMAPS, VMCS_MSR_BITMAPS_ADDR,
		       "with \"use MSR bitmaps\", the MSR-bitmap address"),
	PAGE_ADDR_ROWS_TOP_PAGE("entry-ctl-virtual-apic", CTX_TPR, VMCS_VIRTUAL_APIC_ADDR,
				"with \"use TPR shadow\", the virtual-APIC address", "qemu-kvm-vmx-virtual-apic-unbacked",
				false),
	{ .line = __LINE__, .name = "entry-ctl-tpr-threshold-bit%u", .sec = SEC_EXEC, .ctx = CTX_TPR, .bits = tpr_threshold_high,
	  .rule = "with \"use TPR shadow\" and no virtual-interrupt delivery, TPR threshold bits 31:4 are 0",
	  .field = VMCS_TPR_THRESHOLD, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-tpr-threshold-bit%u-unchecked-vid", .sec = SEC_EXEC, .ctx = CTX_VID,
	  .bits = tpr_threshold_high,
	  .rule = "with virtual-interrupt delivery, TPR threshold bits 31:4 are not checked",
	  .field = VMCS_TPR_THRESHOLD, .bad = ROW_BIT_SET, .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-ctl-tpr-threshold-above-vtpr", .sec = SEC_EXEC, .ctx = CTX_TPR,
	  .rule = "with \"use TPR shadow\" and neither APIC-access virtualization nor virtual-interrupt delivery, "
		  "TPR threshold bits 3:0 are at most VTPR bits 7:4 (0x50)",
	  .field = VMCS_TPR_THRESHOLD, .bad = ROW_SET((VTPR_VALUE >> 4) + 1), .twin = ROW_SET(VTPR_VALUE >> 4),
	  .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-tpr-threshold-above-vtpr-unchecked-apic-access", .sec = SEC_EXEC,
	  .ctx = CTX_TPR_APIC_ACCESS,
	  .rule = "with \"virtualize APIC accesses\" the TPR threshold is not compared with VTPR (the guest "
		  "then exits at once: TPR below threshold, 27.7.7)",
	  .field = VMCS_TPR_THRESHOLD, .bad = ROW_SET((VTPR_VALUE >> 4) + 1),
	  .expect = ENTERS_EXIT(VMX_EXIT_TPR_BELOW_THRESHOLD) },
	{ .line = __LINE__, .name = "entry-ctl-virtual-nmis-without-nmi-exiting", .sec = SEC_EXEC, .ctx = CTX_BASE,
	  .twin_ctx = CTX_VNMI,
	  .rule = "\"virtual NMIs\" only with \"NMI exiting\"",
	  .field = VMCS_PIN_BASED_CONTROLS, .bad = ROW_OR(PIN_VIRTUAL_NMIS), .twin = ROW_OR(PIN_VIRTUAL_NMIS),
	  .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-nmi-window-without-virtual-nmis", .sec = SEC_EXEC, .ctx = CTX_BASE,
	  .twin_ctx = CTX_VNMI, .need = need_nmi_window,
	  .rule = "\"NMI-window exiting\" only with \"virtual NMIs\"",
	  .field = VMCS_PROC_BASED_CONTROLS, .bad = ROW_OR(CPU_NMI_WINDOW_EXITING),
	  .twin = ROW_OR(CPU_NMI_WINDOW_EXITING), .expect = FAIL_CTL,
	  .twin_expect = ENTERS_EXIT(VMX_EXIT_NMI_WINDOW) },
	PAGE_ADDR_ROWS_TOP_PAGE("entry-ctl-apic-access", CTX_APIC_ACCESS, VMCS_APIC_ACCESS_ADDR,
				"with \"virtualize APIC accesses\", the APIC-access address",
				"qemu-kvm-vmx-apic-access-unbacked", true),
	{ .line = __LINE__, .name = "entry-ctl-x2apic-mode-without-tpr-shadow", .sec = SEC_EXEC, .ctx = CTX_SECONDARY,
	  .twin_ctx = CTX_TPR, .need = need_x2apic,
	  .rule = "\"virtualize x2APIC mode\" only with \"use TPR shadow\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_OR(CPU2_VIRTUALIZE_X2APIC_MODE),
	  .twin = ROW_OR(CPU2_VIRTUALIZE_X2APIC_MODE), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-apic-register-virtualization-without-tpr-shadow", .sec = SEC_EXEC,
	  .ctx = CTX_SECONDARY, .twin_ctx = CTX_TPR, .need = need_apic_reg,
	  .rule = "\"APIC-register virtualization\" only with \"use TPR shadow\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_OR(CPU2_APIC_REGISTER_VIRTUALIZATION),
	  .twin = ROW_OR(CPU2_APIC_REGISTER_VIRTUALIZATION), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-vid-without-tpr-shadow", .sec = SEC_EXEC, .ctx = CTX_EXTINT,
	  .twin_ctx = CTX_TPR_EXTINT, .need = need_vid,
	  .rule = "\"virtual-interrupt delivery\" only with \"use TPR shadow\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_OR(CPU2_VIRTUAL_INTERRUPT_DELIVERY),
	  .twin = ROW_OR(CPU2_VIRTUAL_INTERRUPT_DELIVERY), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-x2apic-mode-with-apic-access", .sec = SEC_EXEC, .ctx = CTX_TPR_APIC_ACCESS,
	  .twin_ctx = CTX_TPR, .need = need_x2apic,
	  .rule = "\"virtualize x2APIC mode\" not with \"virtualize APIC accesses\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_OR(CPU2_VIRTUALIZE_X2APIC_MODE),
	  .twin = ROW_OR(CPU2_VIRTUALIZE_X2APIC_MODE), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-vid-without-external-interrupt-exiting", .sec = SEC_EXEC, .ctx = CTX_TPR,
	  .twin_ctx = CTX_TPR_EXTINT, .need = need_vid,
	  .rule = "\"virtual-interrupt delivery\" only with \"external-interrupt exiting\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_OR(CPU2_VIRTUAL_INTERRUPT_DELIVERY),
	  .twin = ROW_OR(CPU2_VIRTUAL_INTERRUPT_DELIVERY), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-posted-without-vid", .sec = SEC_EXEC, .ctx = CTX_POSTED,
	  .rule = "\"process posted interrupts\" only with \"virtual-interrupt delivery\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_VIRTUAL_INTERRUPT_DELIVERY),
	  .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-posted-without-ack-interrupt", .sec = SEC_EXEC, .ctx = CTX_POSTED,
	  .rule = "\"process posted interrupts\" only with \"acknowledge interrupt on exit\"",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_CLEAR(EXIT_ACK_INTERRUPT_ON_EXIT), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-posted-vector-bit%u", .sec = SEC_EXEC, .ctx = CTX_POSTED, .bits = pi_vector_high,
	  .rule = "the posted-interrupt notification vector is 0-255 (bits 15:8 are 0)",
	  .field = VMCS_POSTED_INTR_NOTIFICATION_VECTOR, .bad = ROW_BIT_SET, .twin = ROW_SET(0xff), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-posted-descriptor-align-bit%u", .sec = SEC_EXEC, .ctx = CTX_POSTED, .bits = pid_offset,
	  .rule = "bits 5:0 of the posted-interrupt descriptor address are 0",
	  .field = VMCS_POSTED_INTR_DESC_ADDR, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-posted-descriptor-width-bit%u", .sec = SEC_EXEC, .ctx = CTX_POSTED, .bits = phys_edges,
	  .rule = "the posted-interrupt descriptor address sets no bit beyond the physical-address width",
	  .field = VMCS_POSTED_INTR_DESC_ADDR, .bad = ROW_BIT_SET, .twin = ROW_FN(top_block64), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-vpid-zero", .sec = SEC_EXEC, .ctx = CTX_VPID,
	  .rule = "with \"enable VPID\", the VPID is not 0000H",
	  .field = VMCS_VPID, .bad = ROW_SET(0), .twin = ROW_SET(0xffff), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-memtype-%u", .sec = SEC_EXEC, .ctx = CTX_EPT, .bits = eptp_bad_memtypes,
	  .rule = "EPTP bits 2:0: a memory type IA32_VMX_EPT_VPID_CAP[8] (UC) / [14] (WB) reports",
	  .field = VMCS_EPT_POINTER, .bad = ROW_FN(eptp_memtype), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-memtype-uc", .sec = SEC_EXEC, .ctx = CTX_EPT, .need = need_uc,
	  .rule = "EPTP memory type UC where IA32_VMX_EPT_VPID_CAP[8] reports it",
	  .field = VMCS_EPT_POINTER, .bad = ROW_FN(eptp_uc), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-ctl-eptp-walk-length-%u", .sec = SEC_EXEC, .ctx = CTX_EPT, .bits = eptp_bad_walks,
	  .rule = "EPTP bits 5:3 (walk length - 1): 3 (4-level, CAP[6]) or 4 (5-level, CAP[7]) only",
	  .field = VMCS_EPT_POINTER, .bad = ROW_FN(eptp_walk), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-ad-unsupported", .sec = SEC_EXEC, .ctx = CTX_EPT, .need = need_no_ad,
	  .rule = "EPTP bit 6 (A/D enable) is 0 if IA32_VMX_EPT_VPID_CAP[21] is 0",
	  .field = VMCS_EPT_POINTER, .bad = ROW_OR(EPTP_AD), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-ad-supported", .sec = SEC_EXEC, .ctx = CTX_EPT, .need = need_ad,
	  .rule = "EPTP bit 6 (A/D enable) may be 1 where IA32_VMX_EPT_VPID_CAP[21] is 1",
	  .field = VMCS_EPT_POINTER, .bad = ROW_OR(EPTP_AD), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-ctl-eptp-sss-unsupported", .sec = SEC_EXEC, .ctx = CTX_EPT, .need = need_no_sss,
	  .rule = "EPTP bit 7 (supervisor shadow-stack control) is 0 if IA32_VMX_EPT_VPID_CAP[23] is 0",
	  .field = VMCS_EPT_POINTER, .bad = ROW_OR(EPTP_SSS), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-reserved-bit%u", .sec = SEC_EXEC, .ctx = CTX_EPT, .bits = eptp_reserved_low,
	  .rule = "EPTP bits 11:8 are reserved (0)",
	  .field = VMCS_EPT_POINTER, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-eptp-width-bit%u", .sec = SEC_EXEC, .ctx = CTX_EPT, .bits = phys_edges,
	  .rule = "EPTP bits 63:N (N the physical-address width) are 0",
	  .field = VMCS_EPT_POINTER, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-pml-without-ept", .sec = SEC_EXEC, .ctx = CTX_PML,
	  .rule = "\"enable PML\" only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	PAGE_ADDR_ROWS("entry-ctl-pml", CTX_PML, VMCS_PML_ADDR, "with \"enable PML\", the PML address"),
	{ .line = __LINE__, .name = "entry-ctl-unrestricted-without-ept", .sec = SEC_EXEC, .ctx = CTX_UG64,
	  .rule = "\"unrestricted guest\" only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-mbec-without-ept", .sec = SEC_EXEC, .ctx = CTX_MBEC,
	  .rule = "\"mode-based execute control for EPT\" only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-spp-without-ept", .sec = SEC_EXEC, .ctx = CTX_SPP,
	  .rule = "\"sub-page write permissions for EPT\" only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	PAGE_ADDR_ROWS("entry-ctl-spptp", CTX_SPP, VMCS_SPP_TABLE_POINTER,
		       "with sub-page write permissions, the SPPTP"),
	{ .line = __LINE__, .name = "entry-ctl-pt-guest-physical-without-ept", .sec = SEC_EXEC, .ctx = CTX_PT_GPA,
	  .rule = "\"Intel PT uses guest physical addresses\" only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-pt-guest-physical-without-load-rtit", .sec = SEC_EXEC, .ctx = CTX_PT_GPA,
	  .rule = "\"Intel PT uses guest physical addresses\" only with \"load IA32_RTIT_CTL\" (entry)",
	  .field = VMCS_ENTRY_CONTROLS, .bad = ROW_CLEAR(ENTRY_LOAD_IA32_RTIT_CTL), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-pt-guest-physical-without-clear-rtit", .sec = SEC_EXEC, .ctx = CTX_PT_GPA,
	  .rule = "\"Intel PT uses guest physical addresses\" only with \"clear IA32_RTIT_CTL\" (exit)",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_CLEAR(EXIT_CLEAR_IA32_RTIT_CTL), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-vmfunc-reserved-bit%u", .sec = SEC_EXEC, .ctx = CTX_VMFUNC, .bits = vmfunc_reserved_edges,
	  .rule = "with \"enable VM functions\", VM-function controls IA32_VMX_VMFUNC reports 0 are 0",
	  .field = VMCS_VM_FUNCTION_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-vmfunc-unchecked-inactive", .sec = SEC_EXEC, .ctx = CTX_SECONDARY, .need = need_vmfunc,
	  .rule = "without \"enable VM functions\" the VM-function controls are not checked (every bit set)",
	  .field = VMCS_VM_FUNCTION_CONTROLS, .bad = ROW_SET(~0ull), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-ctl-eptp-switching-without-ept", .sec = SEC_EXEC, .ctx = CTX_EPTP_SWITCH,
	  .rule = "the \"EPTP switching\" VM function only with \"enable EPT\"",
	  .field = VMCS_SECONDARY_PROC_CONTROLS, .bad = ROW_CLEAR(CPU2_ENABLE_EPT), .expect = FAIL_CTL },
	PAGE_ADDR_ROWS("entry-ctl-eptp-list", CTX_EPTP_SWITCH, VMCS_EPTP_LIST_ADDR,
		       "with EPTP switching, the EPTP-list address"),
	PAGE_ADDR_ROWS("entry-ctl-vmread-bitmap", CTX_SHADOW, VMCS_VMREAD_BITMAP_ADDR,
		       "with \"VMCS shadowing\", the VMREAD-bitmap address"),
	PAGE_ADDR_ROWS("entry-ctl-vmwrite-bitmap", CTX_SHADOW, VMCS_VMWRITE_BITMAP_ADDR,
		       "with \"VMCS shadowing\", the VMWRITE-bitmap address"),
	PAGE_ADDR_ROWS("entry-ctl-ve-info", CTX_VE, VMCS_VE_INFO_ADDR,
		       "with \"EPT-violation #VE\", the virtualization-exception information address"),
	{ .line = __LINE__, .name = "entry-ctl-proc3-bit%u-must0", .sec = SEC_EXEC, .ctx = CTX_TERTIARY, .bits = proc3_must0,
	  .rule = "with \"activate tertiary controls\", tertiary controls IA32_VMX_PROCBASED_CTLS3 reports 0 are 0",
	  .field = VMCS_TERTIARY_PROC_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },

	/* 27.2.1.2 VM-Exit Control Fields */
	{ .line = __LINE__, .name = "entry-ctl-exit-bit%u-must0", .sec = SEC_EXIT, .ctx = CTX_BASE, .bits = exit_must0,
	  .rule = "reserved VM-exit controls set properly: an allowed-1 0 bit set",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-exit-bit%u-must1", .sec = SEC_EXIT, .ctx = CTX_BASE, .bits = exit_must1,
	  .rule = "reserved VM-exit controls set properly: an allowed-0 1 bit cleared",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_BIT_CLEAR, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-exit2-bit%u-must0", .sec = SEC_EXIT, .ctx = CTX_EXIT2, .bits = exit2_must0,
	  .rule = "with \"activate secondary controls\" (exit), secondary VM-exit controls IA32_VMX_EXIT_CTLS2 reports 0 are 0",
	  .field = VMCS_SECONDARY_EXIT_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-save-timer-without-timer", .sec = SEC_EXIT, .ctx = CTX_NO_TIMER, .twin_ctx = CTX_TIMER,
	  .need = need_save_timer,
	  .rule = "\"save VMX-preemption timer value\" only with \"activate VMX-preemption timer\"",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_OR(EXIT_SAVE_PREEMPTION_TIMER),
	  .twin = ROW_OR(EXIT_SAVE_PREEMPTION_TIMER), .expect = FAIL_CTL },
#define MSR_AREA_ROWS(nm, sect, ctxx, addr, what)							\
	{ .line = __LINE__, .name = nm "-align-bit%u", .sec = sect, .ctx = ctxx, .bits = msr_area_offset,			\
	  .rule = what ": with a count, bits 3:0 of the address are 0",					\
	  .field = addr, .bad = ROW_BIT_SET, .expect = FAIL_CTL },						\
	{ .line = __LINE__, .name = nm "-width-bit%u", .sec = sect, .ctx = ctxx, .bits = phys_edges,			\
	  .rule = what ": with a count, the address sets no bit beyond the physical-address width",	\
	  .field = addr, .bad = ROW_BIT_SET, .expect = FAIL_CTL },						\
	{ .line = __LINE__, .name = nm "-last-byte", .sec = sect, .ctx = ctxx,						\
	  .rule = what ": the last byte (address + 16 * count - 1) is within the physical-address width", \
	  .field = addr, .bad = ROW_FN(msr_area_past_top), .expect = FAIL_CTL },				\
	{ .line = __LINE__, .name = nm "-unchecked-count0", .sec = sect, .ctx = CTX_BASE,					\
	  .rule = what ": with a count of 0 the address is not checked",				\
	  .field = addr, .bad = ROW_SET(GARBAGE_ADDR), .expect = ENTERS }
	MSR_AREA_ROWS("entry-ctl-exit-msr-store", SEC_EXIT, CTX_EXIT_MSR_STORE, VMCS_EXIT_MSR_STORE_ADDR,
		      "the VM-exit MSR-store area"),
	MSR_AREA_ROWS("entry-ctl-exit-msr-load", SEC_EXIT, CTX_EXIT_MSR_LOAD, VMCS_EXIT_MSR_LOAD_ADDR,
		      "the VM-exit MSR-load area"),

	/* 27.2.1.3 VM-Entry Control Fields */
	{ .line = __LINE__, .name = "entry-ctl-entry-bit%u-must0", .sec = SEC_ENTRY, .ctx = CTX_BASE, .bits = entry_must0,
	  .rule = "reserved VM-entry controls set properly: an allowed-1 0 bit set",
	  .field = VMCS_ENTRY_CONTROLS, .bad = ROW_BIT_SET, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-entry-bit%u-must1", .sec = SEC_ENTRY, .ctx = CTX_BASE, .bits = entry_must1,
	  .rule = "reserved VM-entry controls set properly: an allowed-0 1 bit cleared",
	  .field = VMCS_ENTRY_CONTROLS, .bad = ROW_BIT_CLEAR, .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-entry-to-smm-outside-smm", .sec = SEC_ENTRY, .ctx = CTX_BASE, .need = need_smm_entry,
	  .rule = "outside SMM, \"entry to SMM\" is 0",
	  .field = VMCS_ENTRY_CONTROLS, .bad = ROW_OR(ENTRY_ENTRY_TO_SMM), .expect = FAIL_CTL,
	  .erratum = "bochs-vmx-entry-to-smm" },
	{ .line = __LINE__, .name = "entry-ctl-deactivate-dual-monitor-outside-smm", .sec = SEC_ENTRY, .ctx = CTX_BASE,
	  .need = need_dual_monitor,
	  .rule = "outside SMM, \"deactivate dual-monitor treatment\" is 0",
	  .field = VMCS_ENTRY_CONTROLS, .bad = ROW_OR(ENTRY_DEACTIVATE_DUAL_MONITOR), .expect = FAIL_CTL },
	/* Event injection (the VM-entry interruption-information field, error code, instruction length). */
	{ .line = __LINE__, .name = "entry-ctl-event-type1", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .rule = "an injected event's interruption type is not 1 (reserved)",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(1, EVENT_VECTOR)),
	  .twin = ROW_SET(INTR_INFO(INTR_EXTERNAL, EVENT_VECTOR)), .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-type7-without-mtf", .sec = SEC_ENTRY, .ctx = CTX_EVENT, .need = need_no_mtf,
	  .rule = "interruption type 7 (other event) is reserved without the 1-setting of \"monitor trap flag\"",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(INTR_OTHER_EVENT, 0)), .expect = FAIL_CTL,
	  .erratum = "bochs-vmx-event-type7-panics", .fatal = true },
	{ .line = __LINE__, .name = "entry-ctl-event-other-vector-bit%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT, .bits = vector_bits,
	  .need = need_mtf,
	  .rule = "an other event (type 7) has vector 0 (pending MTF VM exit)",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(mtf_vector_bit), .twin = ROW_SET(INTR_INFO(INTR_OTHER_EVENT, 0)),
	  .expect = FAIL_CTL, .twin_expect = ENTERS_EXIT(VMX_EXIT_MONITOR_TRAP_FLAG) },
	{ .line = __LINE__, .name = "entry-ctl-event-nmi-vector-flip%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT, .bits = vector_bits,
	  .rule = "an NMI (type 2) has vector 2",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(nmi_vector_flip), .twin = ROW_SET(INTR_INFO(INTR_NMI, NMI_VECTOR)),
	  .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-exception-vector32", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .rule = "a hardware exception (type 3) has a vector of at most 31",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, 32)),
	  .twin = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, 31)), .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-exception-vector255", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .rule = "a hardware exception (type 3) has a vector of at most 31",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, 255)),
	  .twin = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, 31)), .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-missing-vector%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .bits = error_code_vectors, .need = need_basic56_0,
	  .rule = "with IA32_VMX_BASIC[56] 0 and CR0.PE 1, a hardware exception that delivers an error code "
		  "has deliver-error-code 1",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(hw_exception), .twin = ROW_FN(hw_exception_ec),
	  .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-optional-vector%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .bits = error_code_vectors, .need = need_basic56_1,
	  .rule = "with IA32_VMX_BASIC[56] 1, a hardware exception may omit its error code",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(hw_exception), .expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-extra-vector%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .bits = no_error_code_vectors, .need = need_basic56_0,
	  .rule = "with IA32_VMX_BASIC[56] 0, a hardware exception that delivers no error code has deliver-error-code 0",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(hw_exception_ec), .twin = ROW_FN(hw_exception),
	  .expect = FAIL_CTL, .twin_expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-any-vector%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT,
	  .bits = no_error_code_vectors, .need = need_basic56_1,
	  .rule = "with IA32_VMX_BASIC[56] 1, any hardware exception may deliver an error code",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(hw_exception_ec), .expect = ENTERS_STUB },
/* Bochs skips every deliver-error-code check on a model with CET (errata.cfg). */
#define DEC_BOCHS_CET	"bochs-vmx-event-error-code-unchecked-cet"
#define ERROR_CODE_TYPE_ROW(nm, type, vec, ctxx)							\
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-" nm, .sec = SEC_ENTRY, .ctx = ctxx,	\
	  .rule = "deliver-error-code is 0 for an event that is not a hardware exception",		\
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(type, vec) | INTR_INFO_DELIVER_EC),	\
	  .twin = ROW_SET(INTR_INFO(type, vec)), .expect = FAIL_CTL, .erratum = DEC_BOCHS_CET }
	ERROR_CODE_TYPE_ROW("external", INTR_EXTERNAL, EVENT_VECTOR, CTX_EVENT_EXTINT),
	ERROR_CODE_TYPE_ROW("nmi", INTR_NMI, NMI_VECTOR, CTX_EVENT_NMI),
	ERROR_CODE_TYPE_ROW("software-interrupt", INTR_SW_INTERRUPT, EVENT_VECTOR, CTX_EVENT_SOFT),
	ERROR_CODE_TYPE_ROW("privileged-software-exception", INTR_PRIV_SW_EXCEPTION, DB_VECTOR, CTX_EVENT_PRIV),
	ERROR_CODE_TYPE_ROW("software-exception", INTR_SW_EXCEPTION, BP_VECTOR, CTX_EVENT_SWEXC),
	ERROR_CODE_TYPE_ROW("other-event", INTR_OTHER_EVENT, 0, CTX_EVENT_MTF),
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-real-mode", .sec = SEC_ENTRY, .ctx = CTX_REAL,
	  .rule = "deliver-error-code is 0 when CR0.PE is 0 (unrestricted guest), even for #GP",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, GP_VECTOR) | INTR_INFO_DELIVER_EC),
	  .twin = ROW_SET(INTR_INFO(INTR_HW_EXCEPTION, GP_VECTOR)), .expect = FAIL_CTL, .erratum = DEC_BOCHS_CET },
	{ .line = __LINE__, .name = "entry-ctl-event-reserved-bit%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT_NMI, .bits = intr_info_reserved,
	  .rule = "bits 30:12 of the VM-entry interruption-information field are 0",
	  .field = VMCS_ENTRY_INTR_INFO, .bad = ROW_FN(nmi_with_bit), .expect = FAIL_CTL },
	{ .line = __LINE__, .name = "entry-ctl-event-error-code-bit%u", .sec = SEC_ENTRY, .ctx = CTX_EVENT_GP, .bits = error_code_high,
	  .rule = "with deliver-error-code 1, bits 31:16 of the VM-entry exception error code are 0",
	  .field = VMCS_ENTRY_EXCEPTION_ERROR_CODE, .bad = ROW_BIT_SET, .twin = ROW_SET(0xffff), .expect = FAIL_CTL },
#define LENGTH_ROWS(nm, ctxx, what)									\
	{ .line = __LINE__, .name = "entry-ctl-event-length16-" nm, .sec = SEC_ENTRY, .ctx = ctxx,			\
	  .rule = "a " what "'s VM-entry instruction length is at most 15",				\
	  .field = VMCS_ENTRY_INSTRUCTION_LEN, .bad = ROW_SET(16), .twin = ROW_SET(15), .expect = FAIL_CTL },	\
	{ .line = __LINE__, .name = "entry-ctl-event-length0-" nm, .sec = SEC_ENTRY, .ctx = ctxx, .need = need_misc30_0,	\
	  .rule = "a " what "'s VM-entry instruction length is 0 only with IA32_VMX_MISC[30]",		\
	  .field = VMCS_ENTRY_INSTRUCTION_LEN, .bad = ROW_SET(0), .twin = ROW_SET(1), .expect = FAIL_CTL },	\
	{ .line = __LINE__, .name = "entry-ctl-event-length0-" nm "-allowed", .sec = SEC_ENTRY, .ctx = ctxx,		\
	  .need = need_misc30_1,									\
	  .rule = "a " what "'s VM-entry instruction length may be 0 with IA32_VMX_MISC[30]",		\
	  .field = VMCS_ENTRY_INSTRUCTION_LEN, .bad = ROW_SET(0), .expect = ENTERS_STUB }
	LENGTH_ROWS("software-interrupt", CTX_EVENT_SOFT, "software interrupt"),
	LENGTH_ROWS("privileged-software-exception", CTX_EVENT_PRIV, "privileged software exception"),
	LENGTH_ROWS("software-exception", CTX_EVENT_SWEXC, "software exception"),
	{ .line = __LINE__, .name = "entry-ctl-event-length-unchecked-hardware-exception", .sec = SEC_ENTRY, .ctx = CTX_EVENT_GP,
	  .rule = "the instruction length is not checked for a hardware exception",
	  .field = VMCS_ENTRY_INSTRUCTION_LEN, .bad = ROW_SET(0xffffffff), .expect = ENTERS_STUB },
	MSR_AREA_ROWS("entry-ctl-entry-msr-load", SEC_ENTRY, CTX_ENTRY_MSR_LOAD, VMCS_ENTRY_MSR_LOAD_ADDR,
		      "the VM-entry MSR-load area"),
};

const struct entry_table entry_table_controls = { rows, ARRAY_SIZE(rows), __FILE__ };
