/*
 * The rows (see vmrun.h).  APM Vol. 2 15.5.1: VMRUN exits at once with
 * EXITCODE VMEXIT_INVALID when the guest state is one of the illegal
 * combinations listed there; it canonicalizes the segment bases it loads
 * (no failure); 15.20: an illegal event injection is one of those
 * combinations; 15.19: CR0.PE=0 with CR0.PG=1 (paged real mode) is legal
 * for VMRUN.
 */
#include "hvtest.h"
#include "vmrun.h"
#include "svm/svm_defs.h"
#include "svm/caps.h"

#define EVENT_VECTOR	32	/* an interrupt's vector */
/* EVENTINJ (APM 15.20) as a constant: valid, VECTOR, TYPE; EV with the error code 0. */
#define EVENT(vector, type)	(SVM_EVT_V | (uint64_t)(vector) | (uint64_t)(type) << SVM_EVT_TYPE_SHIFT)
#define EVENT_EC(vector, type)	(EVENT(vector, type) | SVM_EVT_EV)

/* Must-be-zero ranges, each bit tried alone. */
static uint64_t high32(void) { return 0xffffffff00000000ull; }
/* CR3 in long mode: bits 63:52 and those beyond the physical-address width (51:M). */
static uint64_t cr3_mbz(void) { return ~0ull << cpu_maxphyaddr(); }
/*
 * CR4: bits 63:32; the reserved low bits (15, 26, 27, 29-31); a feature's
 * bit where CPUID does not report the feature (APM Vol. 2 3.1.3); PCIDE
 * has a row of its own.
 */
static uint64_t cr4_mbz(void)
{
	static const struct { uint8_t bit; uint64_t feature, or_feature; } f[] = {
		{ 11, X86_FEATURE_UMIP, 0 }, { 12, X86_FEATURE_LA57, 0 }, { 13, X86_FEATURE_VMX, 0 },
		{ 14, X86_FEATURE_SMX, 0 }, { 16, X86_FEATURE_FSGSBASE, 0 },
		{ 18, X86_FEATURE_XSAVE, 0 }, { 19, X86_FEATURE_KEYLOCKER, 0 }, { 20, X86_FEATURE_SMEP, 0 },
		{ 21, X86_FEATURE_SMAP, 0 }, { 22, X86_FEATURE_PKU, 0 },
		{ 23, X86_FEATURE_CET_SS, X86_FEATURE_CET_IBT }, { 24, X86_FEATURE_PKS, 0 },
		{ 25, X86_FEATURE_UINTR, 0 }, { 28, X86_FEATURE_LAM, 0 },
	};
	uint64_t mbz = 0xffffffff00000000ull | BIT(15) | BIT(26) | BIT(27) | 0xe0000000ull;

	for (unsigned i = 0; i < ARRAY_SIZE(f); i++)
		if (!cpu_has(f[i].feature) && !(f[i].or_feature && cpu_has(f[i].or_feature)))
			mbz |= BIT(f[i].bit);
	return mbz;
}
/* CR4.PCIDE (bit 17) has a row of its own. */
static const char *need_no_pcid(void) { return cpu_has(X86_FEATURE_PCID) ? "CPUID.1:ECX[17] (PCID) is 1" : NULL; }
/* EFER (APM Vol. 2 3.1.7, Figure 3-7): bits 9, 16, 19 and 63:22 are reserved, MBZ. */
static uint64_t efer_mbz(void) { return BIT(9) | BIT(16) | BIT(19) | (~0ull << 22); }

static uint64_t nw_without_cd(uint64_t v, unsigned bit) { return (v & ~X86_CR0_CD) | X86_CR0_NW; }
static uint64_t max_asid(uint64_t v, unsigned bit) { return svm_boot_caps()->nasid - 1; }
/* A permission map that extends past the maximum physical address (4 KB below it), and one that ends below. */
static uint64_t pm_past_top(uint64_t v, unsigned bit) { return BIT(cpu_maxphyaddr()) - PAGE_SIZE; }
static uint64_t pm_below_top(uint64_t v, unsigned bit) { return BIT(cpu_maxphyaddr()) - 4 * PAGE_SIZE; }

/*
 * Canonicalization: a base whose bits 63:57 are not the sign of bit 47
 * (nor of bit 56: bits 56:47 all equal), so that it reads back the same
 * whether the processor sign-extends from bit 47 or from bit 56.
 */
static uint64_t base_high_garbage(uint64_t v, unsigned bit) { return (v & 0x00007fffffffffffull) | 0x7000000000000000ull; }
static uint64_t base_high_sign(uint64_t v, unsigned bit) { return (v & 0x00007fffffffffffull) | 0x0fff800000000000ull; }

static uint64_t event_type(uint64_t v, unsigned type) { return EVENT(EVENT_VECTOR, type); }
static uint64_t exception(uint64_t v, unsigned vector) { return EVENT(vector, SVM_EVT_TYPE_EXCEPTION); }
static uint64_t reserved_types(void) { return BIT(1) | BIT(5) | BIT(6) | BIT(7); }
/* Vectors that are no exception: 15 and 22-27 (at both edges) are reserved (APM Vol. 2 8.2, Table 8-1). */
static uint64_t reserved_vectors(void) { return BIT(15) | BIT(22) | BIT(27); }
/* Exceptions to inject that every processor has: #DE, #UD, #GP (with its error code: see the row). */
static uint64_t exception_vectors(void) { return BIT(DE_VECTOR) | BIT(UD_VECTOR); }

static const char *need_no_long_mode(void)
{
	return cpu_has(X86_FEATURE_LM) ? "the processor has long mode (CPUID 0x80000001 EDX[29])" : NULL;
}

#define ROW(...)	{ .line = __LINE__, __VA_ARGS__ }

const struct vmrun_row vmrun_rows[] = {
	/* 15.5.1 Canonicalization and Consistency Checks */
	ROW(.name = "vmrun-efer-svme-clear", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.efer),
	    .rule = "the guest EFER.SVME is 1", .bad = ROW_CLEAR(EFER_SVME), .expect = INVALID),
	ROW(.name = "vmrun-cr0-nw-without-cd", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cr0),
	    .rule = "not CR0.CD=0 with CR0.NW=1", .bad = ROW_FN(nw_without_cd), .twin = ROW_OR(X86_CR0_CD | X86_CR0_NW),
	    .expect = INVALID),
	ROW(.name = "vmrun-cr0-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cr0), .bits = high32,
	    .rule = "CR0[63:32] are 0", .bad = ROW_BIT_SET, .expect = INVALID),
	ROW(.name = "vmrun-cr3-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cr3), .bits = cr3_mbz,
	    .rule = "no MBZ bit of CR3 is set (long mode: 63:52 and those beyond the physical-address width)",
	    .bad = ROW_BIT_SET, .expect = INVALID, .erratum = "bochs-vmrun-cr3-mbz-unchecked", .fatal = true),
	ROW(.name = "vmrun-cr4-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cr4), .bits = cr4_mbz,
	    .rule = "no MBZ bit of CR4 is set (63:32, reserved bits, bits of features CPUID does not report)",
	    .bad = ROW_BIT_SET, .expect = INVALID),
	ROW(.name = "vmrun-cr4-pcide-without-pcid", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cr4),
	    .need = need_no_pcid, .rule = "CR4.PCIDE (bit 17) is MBZ where CPUID does not report PCID",
	    .bad = ROW_OR(X86_CR4_PCIDE), .expect = INVALID, .erratum = "qemu-tcg-vmrun-cr4-pcide-unchecked"),
	ROW(.name = "vmrun-dr6-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.dr6), .bits = high32,
	    .rule = "DR6[63:32] are 0", .bad = ROW_BIT_SET, .expect = INVALID),
	ROW(.name = "vmrun-dr7-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.dr7), .bits = high32,
	    .rule = "DR7[63:32] are 0", .bad = ROW_BIT_SET, .expect = INVALID),
	ROW(.name = "vmrun-efer-bit%u", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.efer), .bits = efer_mbz,
	    .rule = "no MBZ bit of EFER is set (9, 16, 19, 63:22)", .bad = ROW_BIT_SET, .expect = INVALID),
	ROW(.name = "vmrun-efer-long-mode-unsupported", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.efer),
	    .need = need_no_long_mode,
	    .rule = "EFER.LMA or LME only where the processor has long mode", .bad = ROW_OR(EFER_LME), .expect = INVALID),
	ROW(.name = "vmrun-long-mode-without-pae", .sec = SEC_CHECKS, .ctx = S_LONG, .twin_ctx = S_LEGACY,
	    FIELD(save.cr4), .rule = "not EFER.LME=1 and CR0.PG=1 with CR4.PAE=0 (the twin: EFER.LME=0, CR0.PG=0)",
	    .bad = ROW_CLEAR(X86_CR4_PAE), .twin = ROW_CLEAR(X86_CR4_PAE), .expect = INVALID),
	ROW(.name = "vmrun-long-mode-enabled-paging-off-without-pae", .sec = SEC_CHECKS, .ctx = S_LME_NO_PG,
	    FIELD(save.cr4), .rule = "EFER.LME=1 with CR0.PG=0 and CR4.PAE=0 is legal (long mode not active), and "
	    "#VMEXIT gives the host its CR0 back (15.6)", .bad = ROW_CLEAR(X86_CR4_PAE), .expect = RUNS_STUB,
	    .erratum = "qemu-tcg-vmexit-host-cr0-pg-lost", .fatal = true),
	ROW(.name = "vmrun-long-mode-without-pe", .sec = SEC_CHECKS, .ctx = S_LONG, .twin_ctx = S_REAL_LME,
	    FIELD(save.cr0), .rule = "not EFER.LME=1 and CR0.PG=1 with CR0.PE=0 (the twin: CR0.PG=0 too, real mode)",
	    .bad = ROW_CLEAR(X86_CR0_PE), .expect = INVALID,
	    .erratum = "bochs-vmrun-pg-without-pe-panics", .fatal = true),
	ROW(.name = "vmrun-cs-l-and-d", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(save.cs.attrib),
	    .rule = "not EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D all 1", .bad = ROW_OR(VMCB_ATTR_DB),
	    .expect = INVALID),
	ROW(.name = "vmrun-cs-l-and-d-legacy", .sec = SEC_CHECKS, .ctx = S_LEGACY, FIELD(save.cs.attrib),
	    .rule = "CS.L and CS.D may both be 1 outside long mode (EFER.LME=0): legal",
	    .bad = ROW_OR(VMCB_ATTR_L), .expect = RUNS_STUB, .erratum = "bochs-vmrun-cs-l-and-d-refused"),
	ROW(.name = "vmrun-cs-l-and-d-paging-off", .sec = SEC_CHECKS, .ctx = S_LME_NO_PG, FIELD(save.cs.attrib),
	    .rule = "CS.L and CS.D may both be 1 with EFER.LME=1 and CR0.PG=0: legal",
	    .bad = ROW_OR(VMCB_ATTR_L), .expect = RUNS_STUB, .erratum = "bochs-vmrun-cs-l-and-d-refused"),
	ROW(.name = "vmrun-intercept-vmrun-clear", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(control.intercept4),
	    .rule = "the VMRUN intercept bit is set", .bad = ROW_CLEAR(SVM_I4_VMRUN), .expect = INVALID),
	ROW(.name = "vmrun-asid-zero", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(control.asid),
	    .rule = "the ASID is not 0 (the host's; the twin: the largest, CPUID 0x8000000A EBX - 1)",
	    .bad = ROW_SET(0), .twin = ROW_FN(max_asid), .expect = INVALID),
	ROW(.name = "vmrun-msrpm-past-maxphyaddr", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(control.msrpm_base_pa),
	    .rule = "the MSR permission map does not extend to the maximum physical address",
	    .bad = ROW_FN(pm_past_top), .twin = ROW_FN(pm_below_top), .expect = INVALID,
	    .erratum = "bochs-vmrun-pm-base-unchecked"),
	ROW(.name = "vmrun-iopm-past-maxphyaddr", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(control.iopm_base_pa),
	    .rule = "the I/O permission map does not extend to the maximum physical address",
	    .bad = ROW_FN(pm_past_top), .twin = ROW_FN(pm_below_top), .expect = INVALID,
	    .erratum = "bochs-vmrun-pm-base-unchecked"),
#define CANON_ROWS(seg, fld)										\
	ROW(.name = "vmrun-canonical-" seg "-base-cleared", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(fld),	\
	    .rule = "VMRUN loads the " seg " base sign-extended from its highest implemented bit (bits 62:60 set: "	\
		    "cleared)", .bad = ROW_FN(base_high_garbage), .expect = RUNS_CANON),		\
	ROW(.name = "vmrun-canonical-" seg "-base-extended", .sec = SEC_CHECKS, .ctx = S_LONG, FIELD(fld),	\
	    .rule = "VMRUN loads the " seg " base sign-extended from its highest implemented bit (bits 59:47 "	\
		    "set: bits 63:60 become 1)", .bad = ROW_FN(base_high_sign), .expect = RUNS_CANON)
	CANON_ROWS("es", save.es.base),
	CANON_ROWS("cs", save.cs.base),
	CANON_ROWS("ss", save.ss.base),
	CANON_ROWS("ds", save.ds.base),
	CANON_ROWS("gdtr", save.gdtr.base),
	CANON_ROWS("idtr", save.idtr.base),

	/* 15.20 Event Injection */
	ROW(.name = "vmrun-event-type%u", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .bits = reserved_types, .rule = "EVENTINJ.TYPE is not reserved (1, 5, 6, 7)",
	    .bad = ROW_FN(event_type), .twin = ROW_SET(EVENT(EVENT_VECTOR, SVM_EVT_TYPE_INTR)),
	    .expect = INVALID, .twin_expect = RUNS_STUB),
	ROW(.name = "vmrun-event-exception-vector2", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "an exception (TYPE 3) is not vector 2 (NMI: TYPE 2 is)",
	    .bad = ROW_SET(EVENT(NMI_VECTOR, SVM_EVT_TYPE_EXCEPTION)),
	    .twin = ROW_SET(EVENT(NMI_VECTOR, SVM_EVT_TYPE_NMI)), .expect = INVALID,
	    .twin_expect = RUNS_STUB),
	ROW(.name = "vmrun-event-exception-vector%u", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .bits = reserved_vectors, .rule = "an exception (TYPE 3) has a vector that is an exception (not reserved)",
	    .bad = ROW_FN(exception), .twin = ROW_SET(EVENT(UD_VECTOR, SVM_EVT_TYPE_EXCEPTION)),
	    .expect = INVALID, .twin_expect = RUNS_STUB, .erratum = "any-evtinj-reserved-vector-accepted"),
	ROW(.name = "vmrun-event-exception-vector31", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "an exception (TYPE 3) has a vector that is an exception (31 is reserved)",
	    .bad = ROW_SET(EVENT(31, SVM_EVT_TYPE_EXCEPTION)),
	    .twin = ROW_SET(EVENT(UD_VECTOR, SVM_EVT_TYPE_EXCEPTION)), .expect = INVALID,
	    .twin_expect = RUNS_STUB, .erratum = "bochs-evtinj-vector31-accepted"),
	ROW(.name = "vmrun-event-exception-vector32", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "an exception (TYPE 3) has a vector below 32 (the twin: interrupt 32)",
	    .bad = ROW_SET(EVENT(32, SVM_EVT_TYPE_EXCEPTION)),
	    .twin = ROW_SET(EVENT(32, SVM_EVT_TYPE_INTR)), .expect = INVALID, .twin_expect = RUNS_STUB),
	ROW(.name = "vmrun-event-exception-vector255", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "an exception (TYPE 3) has a vector below 32 (the twin: interrupt 255)",
	    .bad = ROW_SET(EVENT(255, SVM_EVT_TYPE_EXCEPTION)),
	    .twin = ROW_SET(EVENT(255, SVM_EVT_TYPE_INTR)), .expect = INVALID,
	    .twin_expect = RUNS_STUB),
	ROW(.name = "vmrun-event-br-64bit", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "no event impossible in the guest's mode: #BR (vector 5) in 64-bit mode",
	    .bad = ROW_SET(EVENT(BR_VECTOR, SVM_EVT_TYPE_EXCEPTION)),
	    .twin = ROW_SET(EVENT(UD_VECTOR, SVM_EVT_TYPE_EXCEPTION)), .expect = INVALID,
	    .twin_expect = RUNS_STUB, .erratum = "any-evtinj-impossible-accepted"),
	ROW(.name = "vmrun-event-exception%u-delivered", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .bits = exception_vectors, .rule = "an exception the guest's mode has is injected (legal)",
	    .bad = ROW_FN(exception), .expect = RUNS_STUB),
	ROW(.name = "vmrun-event-gp-error-code-delivered", .sec = SEC_EVENTINJ, .ctx = S_LONG, FIELD(control.event_inj),
	    .rule = "#GP with its error code (EV=1) is injected (legal)",
	    .bad = ROW_SET(EVENT_EC(GP_VECTOR, SVM_EVT_TYPE_EXCEPTION)), .expect = RUNS_STUB),

	/* 15.19 Paged Real Mode */
	ROW(.name = "vmrun-paged-real-mode", .sec = SEC_PAGED_REAL, .ctx = S_REAL, FIELD(save.cr0),
	    .rule = "CR0.PE=0 with CR0.PG=1 (EFER.LME=0) is legal for VMRUN: paged real mode",
	    .bad = ROW_OR(X86_CR0_PG), .expect = RUNS_STUB),
};

const unsigned vmrun_nr_rows = ARRAY_SIZE(vmrun_rows);
