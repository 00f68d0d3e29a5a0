/*
 * vmx_entry: the VM-entry checks of SDM Vol. 3C, chapter 27 "VM Entries",
 * as one table.  A row is one condition: the section it comes from, the
 * capability it needs, the valid variant ("context") it starts from, the
 * one field it changes, and the one outcome the SDM defines; its twin is
 * the nearest legal value of that field, which must enter.  A bit range
 * is one row per bit.  Every row runs on every CPU in turn.
 *
 *   table_controls.c  27.2.1 "Checks on VMX Controls"
 *   table_host.c      27.2.2-27.2.4 host-state area
 *   table_guest.c     27.3.1.1, 27.3.1.3-27.3.1.6 guest-state area
 *   table_segments.c  27.3.1.2 "Checks on Guest Segment Registers"
 *   table_msr.c       27.4 "Loading MSRs"
 *   contexts.c        the valid variants and the memory they use
 *   run.c             one row: load, change, enter, judge; the counts
 */
#ifndef VMX_ENTRY_H
#define VMX_ENTRY_H

#include <stdbool.h>
#include <stdint.h>
#include "rows.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_names.h"

/* The sections of chapter 27 a row cites (number and title, for lines and docs). */
enum entry_section {
	SEC_EXEC,	/* 27.2.1.1 VM-Execution Control Fields */
	SEC_EXIT,	/* 27.2.1.2 VM-Exit Control Fields */
	SEC_ENTRY,	/* 27.2.1.3 VM-Entry Control Fields */
	SEC_HOST_CR,	/* 27.2.2 Checks on Host Control Registers, MSRs, and SSP */
	SEC_HOST_SEG,	/* 27.2.3 Checks on Host Segment and Descriptor-Table Registers */
	SEC_HOST_SIZE,	/* 27.2.4 Checks Related to Address-Space Size */
	SEC_GUEST_CR,	/* 27.3.1.1 Checks on Guest Control Registers, Debug Registers, and MSRs */
	SEC_GUEST_SEG,	/* 27.3.1.2 Checks on Guest Segment Registers */
	SEC_GUEST_DT,	/* 27.3.1.3 Checks on Guest Descriptor-Table Registers */
	SEC_GUEST_RIP,	/* 27.3.1.4 Checks on Guest RIP, RFLAGS, and SSP */
	SEC_GUEST_NONREG, /* 27.3.1.5 Checks on Guest Non-Register State */
	SEC_GUEST_PDPTE, /* 27.3.1.6 Checks on Guest Page-Directory-Pointer-Table Entries */
	SEC_MSR_LOAD,	/* 27.4 Loading MSRs */
	NR_SECTIONS
};
extern const char *const entry_section_number[NR_SECTIONS];
extern const char *const entry_section_title[NR_SECTIONS];

/*
 * What VM entry did, as a row compares it: VMfailValid(n) (27.2), a
 * VM-entry failure (exit reason with bit 31: 33 or 34, 27.8) with its
 * qualification, or it entered: the guest ran to its end, made another
 * VM exit, or reached the context's stub (a VMCALL at entry_stub).
 */
enum outcome_kind {
	OUT_VMFAIL,		/* code: VM-instruction error */
	OUT_ENTRY_FAIL,		/* code: basic exit reason (33, 34); qual */
	OUT_DONE,		/* the guest function returned */
	OUT_STUB,		/* VMCALL at the stub (entry_stub): the event or mode the twin set up */
	OUT_EXIT,		/* code: basic exit reason of another VM exit (MTF, preemption timer, ...) */
	OUT_OTHER,		/* anything else (the instruction faulted, VMfailInvalid, the run was stopped) */
};

struct outcome {
	uint8_t kind;
	uint16_t code;
	uint64_t qual;
};

/* Segment registers in VMCS field order (SDM 25.4.1): ES, CS, SS, DS, FS, GS, LDTR, TR. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Access-rights fields (SDM 25.4.1, Table 25-2 "Format of Access Rights"). */
#define AR_TYPE_MASK		0xfu
#define AR_TYPE_LDT		0x2u
#define AR_TYPE_DATA_RWA	0x3u	/* read/write, accessed */
#define AR_TYPE_TSS_BUSY	0xbu	/* 32-bit (64-bit in IA-32e mode) busy TSS */
#define AR_TYPE_CODE_XRA	0xbu	/* execute/read, accessed */
#define AR_TYPE_CODE_XRA_CONFORMING 0xfu
#define AR_S			(1u << 4)
#define AR_DPL(n)		((uint32_t)(n) << 5)
#define AR_DPL_MASK		AR_DPL(3)
#define AR_P			(1u << 7)
#define AR_L			(1u << 13)
#define AR_DB			(1u << 14)
#define AR_G			(1u << 15)
#define AR_UNUSABLE		(1u << 16)

/* Guest non-register state (SDM 25.4.2). */
enum { ACTIVITY_ACTIVE, ACTIVITY_HLT, ACTIVITY_SHUTDOWN, ACTIVITY_WAIT_SIPI };
#define INTR_BLOCKING_STI	(1u << 0)
#define INTR_BLOCKING_MOV_SS	(1u << 1)
#define INTR_BLOCKING_SMI	(1u << 2)
#define INTR_BLOCKING_NMI	(1u << 3)
#define INTR_ENCLAVE		(1u << 4)
#define PENDING_DBG_BS		(1ull << 14)	/* pending debug exceptions: single step */
#define PENDING_DBG_RTM		(1ull << 16)

/* VM-entry interruption-information field (SDM 25.8.3, Table 25-17). */
#define INTR_INFO_VALID		(1u << 31)
#define INTR_INFO_DELIVER_EC	(1u << 11)
#define INTR_INFO(type, vector)	(INTR_INFO_VALID | (uint32_t)(type) << 8 | (vector))
#define EVENT_VECTOR		0x20	/* the vector of an injected external or software interrupt */
enum { INTR_EXTERNAL = 0, INTR_NMI = 2, INTR_HW_EXCEPTION = 3, INTR_SW_INTERRUPT = 4,
       INTR_PRIV_SW_EXCEPTION = 5, INTR_SW_EXCEPTION = 6, INTR_OTHER_EVENT = 7 };

/* The VMCS link pointer's shadow-VMCS indicator (25.2). */
#define VMX_SHADOW_VMCS_INDICATOR	(1u << 31)

/* The virtual-APIC page's VTPR (SDM 30.1.1) and the value CTX_TPR gives it. */
#define APIC_VTPR		0x80
#define VTPR_VALUE		0x50

#define FAIL_CTL		{ OUT_VMFAIL, VMXERR_ENTRY_INVALID_CONTROL_FIELD, 0 }
#define FAIL_HOST		{ OUT_VMFAIL, VMXERR_ENTRY_INVALID_HOST_STATE, 0 }
#define FAIL_GUEST(q)		{ OUT_ENTRY_FAIL, VMX_EXIT_ENTRY_FAIL_GUEST_STATE, (q) }
#define FAIL_MSR(n)		{ OUT_ENTRY_FAIL, VMX_EXIT_ENTRY_FAIL_MSR_LOADING, (n) }
#define ENTERS			{ OUT_DONE, 0, 0 }
#define ENTERS_STUB		{ OUT_STUB, 0, 0 }
#define ENTERS_EXIT(r)		{ OUT_EXIT, (r), 0 }
#define ENTERS_EXIT_VECTOR(r, v) { OUT_EXIT, (r), (v) }	/* an exception exit: the vector */

/* Exit qualifications of exit reason 33 (27.8, "VM-Entry Failures During or After Loading Guest State"). */
#define QUAL_DEFAULT		0
#define QUAL_PDPTE		2
#define QUAL_LINK_POINTER	4

/*
 * The valid variants a row starts from.  Each is the harness's valid state
 * with a few fields changed so that the rule under test applies; each is
 * itself checked to enter (its own line) before its rows run.
 */
enum entry_ctx {
	CTX_SAME,		/* (a twin: the row's own context) */
	CTX_BASE,		/* the harness's valid state: a 64-bit guest, no EPT */
	CTX_SECONDARY,		/* "activate secondary controls", the secondary controls that must be 1 */
	CTX_TERTIARY,		/* "activate tertiary controls", no tertiary control */
	CTX_EXIT2,		/* secondary VM-exit controls activated, none set */
	CTX_IO_BITMAPS,		/* "use I/O bitmaps" */
	CTX_MSR_BITMAPS,	/* "use MSR bitmaps" */
	CTX_TPR,		/* "use TPR shadow", virtual-APIC page with VTPR 0x50, threshold 0 */
	CTX_EXTINT,		/* external-interrupt exiting (and secondary controls activated) */
	CTX_TPR_EXTINT,		/* CTX_TPR and external-interrupt exiting */
	CTX_VID,		/* CTX_TPR_EXTINT and virtual-interrupt delivery */
	CTX_POSTED,		/* CTX_VID, "acknowledge interrupt on exit", posted interrupts */
	CTX_APIC_ACCESS,	/* "virtualize APIC accesses" */
	CTX_TPR_APIC_ACCESS,	/* CTX_TPR and "virtualize APIC accesses" */
	CTX_VNMI,		/* NMI exiting and virtual NMIs */
	CTX_EPT,		/* "enable EPT" with an identity EPT */
	CTX_VPID,		/* "enable VPID", VPID 1 */
	CTX_PML,		/* EPT and "enable PML" */
	CTX_MBEC,		/* EPT and mode-based execute control */
	CTX_SPP,		/* EPT and "sub-page write permissions for EPT" */
	CTX_PT_GPA,		/* EPT, "Intel PT uses guest physical addresses" and the RTIT_CTL controls */
	CTX_VMFUNC,		/* "enable VM functions", no function enabled */
	CTX_EPTP_SWITCH,	/* EPT, VM functions, "EPTP switching" with a one-entry list */
	CTX_SHADOW,		/* "VMCS shadowing" */
	CTX_VE,			/* EPT and "EPT-violation #VE" */
	CTX_TIMER,		/* "activate VMX-preemption timer", a timer that does not expire first */
	CTX_NO_TIMER,		/* no VMX-preemption timer (neither activated nor saved) */
	CTX_EXIT_MSR_STORE,	/* a two-entry VM-exit MSR-store area */
	CTX_EXIT_MSR_LOAD,	/* a two-entry VM-exit MSR-load area */
	CTX_ENTRY_MSR_LOAD,	/* a three-entry VM-entry MSR-load area (IA32_SYSENTER_CS, _ESP, _EIP) */
	CTX_EVENT,		/* the guest has an IDT of its own (every vector: the stub), RFLAGS.IF=1 */
	CTX_EVENT_EXTINT,	/* CTX_EVENT injecting an external interrupt (vector 0x20) */
	CTX_EVENT_NMI,		/* ... an NMI */
	CTX_EVENT_NMI_VNMI,	/* ... an NMI, with NMI exiting and virtual NMIs */
	CTX_EVENT_DB,		/* ... #DB (hardware exception 1) */
	CTX_EVENT_UD,		/* ... #UD (hardware exception 6) */
	CTX_EVENT_GP,		/* ... #GP(0) (hardware exception 13, error code 0) */
	CTX_EVENT_SOFT,		/* ... software interrupt 0x20, instruction length 2 */
	CTX_EVENT_PRIV,		/* ... privileged software exception 1, length 1 */
	CTX_EVENT_SWEXC,	/* ... software exception 3 (#BP), length 1 */
	CTX_EVENT_MTF,		/* ... other event 0 (a pending MTF VM exit) */
	CTX_HOST_PAT,		/* "load IA32_PAT" on exit */
	CTX_HOST_EFER,		/* "load IA32_EFER" on exit */
	CTX_HOST_CET,		/* "load CET state" on exit (S_CET, SSP, interrupt SSP table 0) */
	CTX_GUEST_PAT,		/* "load IA32_PAT" on entry (and on exit, for the host) */
	CTX_GUEST_EFER,		/* "load IA32_EFER" on entry */
	CTX_GUEST_CET,		/* guest CR4.CET=1 (CR0.WP=1) */
	CTX_DEBUG_CTLS,		/* "load debug controls" (DR7 0x400, IA32_DEBUGCTL 0) */
	CTX_SEGS,		/* ES, DS, FS, GS all usable data segments */
	CTX_DS_CODE,		/* CTX_SEGS with DS a readable code segment (type 11) */
	CTX_LDTR,		/* LDTR usable (an LDT's state) */
	CTX_CONFORMING,		/* CS a conforming code segment (type 15) */
	CTX_UG64,		/* EPT and "unrestricted guest", the 64-bit guest */
	CTX_REAL,		/* unrestricted guest in real mode (CR0.PE=PG=0, CS type 3) at the low stub */
	CTX_V8086,		/* unrestricted guest in virtual-8086 mode at the low stub */
	CTX_PAE,		/* a 32-bit guest with PAE paging (no EPT: PDPTEs from CR3) */
	CTX_PAE_EPT,		/* the same with EPT (PDPTEs from the VMCS) */
	CTX_HLT,		/* activity state HLT, woken by a preemption timer of 0 */
	CTX_HLT_IF,		/* CTX_HLT with RFLAGS.IF=1 */
	CTX_HLT_CPL3_READY,	/* CTX_HLT, unrestricted guest, a conforming CS (so SS.DPL may be 3) */
	CTX_STI,		/* RFLAGS.IF=1 and blocking by STI */
	CTX_STI_TF,		/* CTX_STI with RFLAGS.TF=1 and pending BS */
	CTX_LINK,		/* VMCS link pointer to a VMCS-sized page with this CPU's revision */
	CTX_SHADOW_LINK,	/* CTX_SHADOW with the link pointer to a shadow VMCS */
	NR_CTX
};

/*
 * Pseudo-fields: things a row changes that are not VMCS fields (memory the
 * VMCS points to).  Encodings above 0xffff, never a VMCS encoding.
 */
enum entry_pseudo_field {
	MEM_VTPR = 0x10000,		/* byte 0x80 of the virtual-APIC page */
	MEM_LINK_REVISION,		/* bits 31:0 of the page the VMCS link pointer points to */
	MEM_PDPTE3,			/* the fourth PDPTE in the page CR3 points to (PAE, no EPT) */
	MEM_MSR0_INDEX,			/* bits 63:0 of the first entry of the VM-entry MSR-load area */
	MEM_MSR1_INDEX,			/* the second entry */
	MEM_MSR2_INDEX,			/* the third entry */
	MEM_MSR2_VALUE,			/* bits 127:64 of the third entry */
};

struct entry_row {
	unsigned line;			/* of the row in its table (the check's at=) */
	const char *name;		/* "entry-guest-cr4-fixed1-bit%u": a range prints the bit */
	uint8_t sec;			/* enum entry_section */
	const char *rule;		/* the condition, in short */
	uint8_t ctx;			/* enum entry_ctx */
	uint8_t twin_ctx;		/* the twin's context (CTX_SAME: the row's) */
	const char *(*need)(void);	/* NULL, or why the row cannot run on this CPU (NULL: it can) */
	uint64_t (*bits)(void);		/* a range: the bits tried one by one (one row each) */
	uint32_t field;			/* the VMCS field (or pseudo-field) it changes */
	struct row_change bad, twin;
	struct outcome expect, twin_expect;
	const char *erratum;		/* an environment known to deviate (errata.cfg), or NULL */
	bool fatal;			/* under that erratum the row would end the program: not executed */
	/* An environment whose VMWRITE does not store the row's value: its erratum only when it did not. */
	const char *vmwrite_erratum;
	const char *twin_erratum;	/* an environment known to refuse the valid twin, or NULL */
	bool twin_fatal;		/* under that erratum the twin would end the program: not executed */
};

struct entry_table { const struct entry_row *rows; unsigned n; const char *file; };
extern const struct entry_table entry_table_controls, entry_table_host, entry_table_guest,
	entry_table_segments, entry_table_msr;

/* What the rows ask about this CPU (read once per CPU, before its rows). */
struct entry_cpu {
	const struct vmx_caps *caps;
	struct vmx_allowed allowed[VMX_PROCBASED3];
	uint64_t basic, misc, ept_vpid_cap, vmfunc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned maxphyaddr, linear_bits;
	uint64_t host_efer;		/* IA32_EFER of the host */
};
extern struct entry_cpu entry_cpu;
/* Read it on this CPU (in VMX operation). */
void entry_cpu_read(void);

/* Why control `mask` of word w may not be 1 on this CPU ("...: \"enable EPT\" may not be 1"), or NULL. */
const char *need_control(enum vmx_control_word w, uint32_t mask);

/* Canonical-address edges for this CPU's linear-address width N (27.3.1.4: bits 63:N-1 identical). */
uint64_t low_noncanonical(void);	/* 1 << (N-1): the first non-canonical address */
uint64_t low_canonical_top(void);	/* (1 << (N-1)) - 1: the last canonical address of the low half */
uint64_t high_noncanonical(void);	/* the last non-canonical address below the high half */
uint64_t high_canonical_base(void);	/* the first canonical address of the high half */

/* Contexts (contexts.c). */
const char *entry_ctx_name(enum entry_ctx c);
/* Why context c cannot be built on this CPU, or NULL. */
const char *entry_ctx_need(enum entry_ctx c);
/* Write context c's fields over the harness's valid state (current VMCS). */
void entry_ctx_apply(enum entry_ctx c);
/* What the valid context does when entered. */
struct outcome entry_ctx_expect(enum entry_ctx c);
/* The erratum of an environment that at times drops the event context c injects (NULL: none). */
const char *entry_ctx_erratum(enum entry_ctx c);
/* Memory for the contexts on this CPU; given back by entry_ctx_free. */
bool entry_ctx_alloc(void);
void entry_ctx_free(void);

/* Ranges and values the tables share (values.c). */
uint64_t cr0_fixed0_bits(void);
uint64_t cr0_fixed1_edges(void);
uint64_t cr4_fixed0_bits(void);
uint64_t cr4_fixed1_bits(void);
uint64_t cr3_reserved_edges(void);
uint64_t efer_reserved_edges(void);
uint64_t edges_32_63(void);
uint64_t page_offset_edges(void);
uint64_t phys_edges(void);
uint64_t noncanonical_low(uint64_t v, unsigned bit);
uint64_t noncanonical_high(uint64_t v, unsigned bit);
uint64_t canonical_low(uint64_t v, unsigned bit);
uint64_t canonical_high(uint64_t v, unsigned bit);
uint64_t pat_bytes(void);
uint64_t pat_1(uint64_t v, unsigned b);
uint64_t pat_2(uint64_t v, unsigned b);
uint64_t pat_3(uint64_t v, unsigned b);
uint64_t pat_4(uint64_t v, unsigned b);
uint64_t pat_7(uint64_t v, unsigned b);
uint64_t pat_8(uint64_t v, unsigned b);
uint64_t pat_255(uint64_t v, unsigned b);

/* Twins at the canonical edges (edges.c). */
const char *need_alias(void);
uint64_t alias_low(uint64_t v, unsigned bit);
uint64_t alias_high(uint64_t v, unsigned bit);
uint64_t trampoline_low(uint64_t v, unsigned bit);
uint64_t trampoline_high(uint64_t v, unsigned bit);
uint64_t guest_stub_low(uint64_t v, unsigned bit);
uint64_t guest_stub_high(uint64_t v, unsigned bit);
/* Does the secondary-controls field exist (primary bit 31 may be 1)? */
const char *need_secondary_field(void);

/* The guest's stub: a VMCALL the contexts and twins point the guest to. */
extern const char entry_stub[];
/* Where the stub is as the guest sees it (64-bit: entry_stub; real and v8086: the low page). */
uint64_t entry_stub_rip(enum entry_ctx c);

/* Pseudo-field access (contexts.c). */
uint64_t entry_read(uint32_t field);
void entry_write(uint32_t field, uint64_t v);
/* "GUEST_CR4", or the pseudo-field's name. */
const char *entry_field_name(uint32_t field);

#endif
