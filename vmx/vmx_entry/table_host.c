/*
 * SDM Vol. 3C 27.2.2-27.2.4, the host-state area: VM entry fails with
 * VMfailValid(8) (VM entry with invalid host-state field(s)).  A twin
 * that enters leaves its host values in the host at the VM exit, so a
 * twin that the host itself uses after the exit (GDTR, IDTR, TR and GS
 * bases, RIP) lies at the canonical edge on an alias of the same memory
 * (edges.c); run.c then enters once more with the valid values.
 */
#include "hvtest.h"
#include "entry.h"

/* IA32_S_CET bits 9:6 are reserved; SSP bits 1:0 are 0 (CET, SDM Vol. 1 17.2.3). */
static uint64_t s_cet_reserved(void) { return BIT(6) | BIT(9); }
static uint64_t ssp_low(void) { return 0x3; }
static uint64_t canonical_low_ssp(uint64_t v, unsigned bit) { return low_canonical_top() & ~3ull; }

/* A selector's RPL (bits 1:0) and TI (bit 2). */
static uint64_t rpl_ti(void) { return 0x7; }

#define PAT_ROWS(pfx, sect, ctxx, fld, what, expect_)							\
	{ .line = __LINE__, .name = pfx "-byte%u-2", .sec = sect, .ctx = ctxx, .bits = pat_bytes, .field = fld,		\
	  .rule = what ": each byte 0, 1, 4, 5, 6 or 7 (2 is not)", .bad = ROW_FN(pat_2), .twin = ROW_FN(pat_1),	\
	  .expect = expect_ },										\
	{ .line = __LINE__, .name = pfx "-byte%u-3", .sec = sect, .ctx = ctxx, .bits = pat_bytes, .field = fld,		\
	  .rule = what ": each byte 0, 1, 4, 5, 6 or 7 (3 is not)", .bad = ROW_FN(pat_3), .twin = ROW_FN(pat_4),	\
	  .expect = expect_ },										\
	{ .line = __LINE__, .name = pfx "-byte%u-8", .sec = sect, .ctx = ctxx, .bits = pat_bytes, .field = fld,		\
	  .rule = what ": each byte 0, 1, 4, 5, 6 or 7 (8 is not)", .bad = ROW_FN(pat_8), .twin = ROW_FN(pat_7),	\
	  .expect = expect_ },										\
	{ .line = __LINE__, .name = pfx "-byte%u-255", .sec = sect, .ctx = ctxx, .bits = pat_bytes, .field = fld,		\
	  .rule = what ": each byte 0, 1, 4, 5, 6 or 7 (255 is not)", .bad = ROW_FN(pat_255),		\
	  .twin = ROW_FN(pat_7), .expect = expect_ }

/* A host selector: RPL and TI 0 (27.2.3). */
#define SELECTOR_ROW(seg, fld)										\
	{ .line = __LINE__, .name = "entry-host-" seg "-selector-bit%u", .sec = SEC_HOST_SEG, .ctx = CTX_BASE, .bits = rpl_ti,	\
	  .rule = "the host " seg " selector's RPL (bits 1:0) and TI (bit 2) are 0",			\
	  .field = fld, .bad = ROW_BIT_SET, .expect = FAIL_HOST }

/* A host base address: canonical (27.2.3); twins at both edges (on an alias where the host uses it). */
#define BASE_ROWS(what, fld, twin_low, twin_high)							\
	{ .line = __LINE__, .name = "entry-host-" what "-base-noncanonical-low", .sec = SEC_HOST_SEG, .ctx = CTX_BASE,	\
	  .need = need_alias, .rule = "the host " what " base is canonical (the first non-canonical address)", \
	  .field = fld, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(twin_low), .expect = FAIL_HOST },	\
	{ .line = __LINE__, .name = "entry-host-" what "-base-noncanonical-high", .sec = SEC_HOST_SEG, .ctx = CTX_BASE,	\
	  .need = need_alias, .rule = "the host " what " base is canonical (the last non-canonical address)", \
	  .field = fld, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(twin_high), .expect = FAIL_HOST }

static const struct entry_row rows[] = {
	/* 27.2.2 Checks on Host Control Registers, MSRs, and SSP */
	{ .line = __LINE__, .name = "entry-host-cr0-fixed0-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_BASE, .bits = cr0_fixed0_bits,
	  .rule = "the host CR0 sets every bit IA32_VMX_CR0_FIXED0 reports 1",
	  .field = VMCS_HOST_CR0, .bad = ROW_BIT_CLEAR, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-cr0-fixed1-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_BASE, .bits = cr0_fixed1_edges,
	  .rule = "the host CR0 sets no bit IA32_VMX_CR0_FIXED1 reports 0",
	  .field = VMCS_HOST_CR0, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-cr0-nw-unchecked", .sec = SEC_HOST_CR, .ctx = CTX_BASE,
	  .rule = "host CR0.NW (and CD) are never checked: NW=1 with CD=0",
	  .field = VMCS_HOST_CR0, .bad = ROW_OR(X86_CR0_NW), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-host-cr4-fixed0-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_BASE, .bits = cr4_fixed0_bits,
	  .rule = "the host CR4 sets every bit IA32_VMX_CR4_FIXED0 reports 1",
	  .field = VMCS_HOST_CR4, .bad = ROW_BIT_CLEAR, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-cr4-fixed1-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_BASE, .bits = cr4_fixed1_bits,
	  .rule = "the host CR4 sets no bit IA32_VMX_CR4_FIXED1 reports 0",
	  .field = VMCS_HOST_CR4, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-cr3-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_BASE, .bits = cr3_reserved_edges,
	  .rule = "host CR3 bits 63:52 and bits 51:32 beyond the physical-address width are 0",
	  .field = VMCS_HOST_CR3, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-sysenter-esp-noncanonical-low", .sec = SEC_HOST_CR, .ctx = CTX_BASE,
	  .rule = "the host IA32_SYSENTER_ESP is canonical",
	  .field = VMCS_HOST_IA32_SYSENTER_ESP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-sysenter-esp-noncanonical-high", .sec = SEC_HOST_CR, .ctx = CTX_BASE,
	  .rule = "the host IA32_SYSENTER_ESP is canonical",
	  .field = VMCS_HOST_IA32_SYSENTER_ESP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-sysenter-eip-noncanonical-low", .sec = SEC_HOST_CR, .ctx = CTX_BASE,
	  .rule = "the host IA32_SYSENTER_EIP is canonical",
	  .field = VMCS_HOST_IA32_SYSENTER_EIP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-sysenter-eip-noncanonical-high", .sec = SEC_HOST_CR, .ctx = CTX_BASE,
	  .rule = "the host IA32_SYSENTER_EIP is canonical",
	  .field = VMCS_HOST_IA32_SYSENTER_EIP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_HOST },
	PAT_ROWS("entry-host-pat", SEC_HOST_CR, CTX_HOST_PAT, VMCS_HOST_IA32_PAT,
		 "with \"load IA32_PAT\" (exit), the host IA32_PAT", FAIL_HOST),
	{ .line = __LINE__, .name = "entry-host-efer-reserved-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_HOST_EFER, .bits = efer_reserved_edges,
	  .rule = "with \"load IA32_EFER\" (exit), reserved bits of the host IA32_EFER are 0",
	  .field = VMCS_HOST_IA32_EFER, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-efer-lma", .sec = SEC_HOST_CR, .ctx = CTX_HOST_EFER,
	  .rule = "with \"load IA32_EFER\" (exit), host EFER.LMA equals \"host address-space size\"",
	  .field = VMCS_HOST_IA32_EFER, .bad = ROW_CLEAR(EFER_LMA), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-efer-lme", .sec = SEC_HOST_CR, .ctx = CTX_HOST_EFER,
	  .rule = "with \"load IA32_EFER\" (exit), host EFER.LME equals \"host address-space size\"",
	  .field = VMCS_HOST_IA32_EFER, .bad = ROW_CLEAR(EFER_LME), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-s-cet-reserved-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_HOST_CET, .bits = s_cet_reserved,
	  .rule = "with \"load CET state\" (exit), reserved bits 9:6 of the host IA32_S_CET are 0",
	  .field = VMCS_HOST_IA32_S_CET, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-ssp-align-bit%u", .sec = SEC_HOST_CR, .ctx = CTX_HOST_CET, .bits = ssp_low,
	  .rule = "with \"load CET state\" (exit), bits 1:0 of the host SSP are 0",
	  .field = VMCS_HOST_SSP, .bad = ROW_BIT_SET, .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-ssp-noncanonical", .sec = SEC_HOST_CR, .ctx = CTX_HOST_CET,
	  .rule = "with \"load CET state\" (exit), the host SSP is canonical (the twin: the last 4-byte aligned one)",
	  .field = VMCS_HOST_SSP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low_ssp), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-isst-noncanonical", .sec = SEC_HOST_CR, .ctx = CTX_HOST_CET,
	  .rule = "with \"load CET state\" (exit), the host IA32_INTERRUPT_SSP_TABLE_ADDR is canonical",
	  .field = VMCS_HOST_IA32_INTERRUPT_SSP_TABLE_ADDR, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_HOST },

	/* 27.2.3 Checks on Host Segment and Descriptor-Table Registers */
	SELECTOR_ROW("es", VMCS_HOST_ES_SELECTOR),
	SELECTOR_ROW("cs", VMCS_HOST_CS_SELECTOR),
	SELECTOR_ROW("ss", VMCS_HOST_SS_SELECTOR),
	SELECTOR_ROW("ds", VMCS_HOST_DS_SELECTOR),
	SELECTOR_ROW("fs", VMCS_HOST_FS_SELECTOR),
	SELECTOR_ROW("gs", VMCS_HOST_GS_SELECTOR),
	SELECTOR_ROW("tr", VMCS_HOST_TR_SELECTOR),
	{ .line = __LINE__, .name = "entry-host-cs-selector-null", .sec = SEC_HOST_SEG, .ctx = CTX_BASE,
	  .rule = "the host CS selector is not 0000H",
	  .field = VMCS_HOST_CS_SELECTOR, .bad = ROW_SET(0), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-tr-selector-null", .sec = SEC_HOST_SEG, .ctx = CTX_BASE,
	  .rule = "the host TR selector is not 0000H",
	  .field = VMCS_HOST_TR_SELECTOR, .bad = ROW_SET(0), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-ss-selector-null-64bit", .sec = SEC_HOST_SEG, .ctx = CTX_BASE,
	  .rule = "with \"host address-space size\" 1 the host SS selector may be 0000H",
	  .field = VMCS_HOST_SS_SELECTOR, .bad = ROW_SET(0), .expect = ENTERS },
	BASE_ROWS("fs", VMCS_HOST_FS_BASE, canonical_low, canonical_high),
	BASE_ROWS("gs", VMCS_HOST_GS_BASE, alias_low, alias_high),
	BASE_ROWS("gdtr", VMCS_HOST_GDTR_BASE, alias_low, alias_high),
	BASE_ROWS("idtr", VMCS_HOST_IDTR_BASE, alias_low, alias_high),
	BASE_ROWS("tr", VMCS_HOST_TR_BASE, alias_low, alias_high),

	/* 27.2.4 Checks Related to Address-Space Size */
	{ .line = __LINE__, .name = "entry-host-address-space-size-in-ia32e", .sec = SEC_HOST_SIZE, .ctx = CTX_REAL,
	  .rule = "in IA-32e mode (IA32_EFER.LMA=1) \"host address-space size\" is 1 (a guest that is not IA-32e mode)",
	  .field = VMCS_EXIT_CONTROLS, .bad = ROW_CLEAR(EXIT_HOST_ADDRESS_SPACE_SIZE), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-cr4-pae", .sec = SEC_HOST_SIZE, .ctx = CTX_BASE,
	  .rule = "with \"host address-space size\" 1, host CR4.PAE is 1",
	  .field = VMCS_HOST_CR4, .bad = ROW_CLEAR(X86_CR4_PAE), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-rip-noncanonical-low", .sec = SEC_HOST_SIZE, .ctx = CTX_BASE, .need = need_alias,
	  .rule = "with \"host address-space size\" 1, the host RIP is canonical",
	  .field = VMCS_HOST_RIP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(trampoline_low), .expect = FAIL_HOST },
	{ .line = __LINE__, .name = "entry-host-rip-noncanonical-high", .sec = SEC_HOST_SIZE, .ctx = CTX_BASE, .need = need_alias,
	  .rule = "with \"host address-space size\" 1, the host RIP is canonical",
	  .field = VMCS_HOST_RIP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(trampoline_high), .expect = FAIL_HOST },
};

const struct entry_table entry_table_host = { rows, ARRAY_SIZE(rows), __FILE__ };
