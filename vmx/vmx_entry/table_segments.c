/*
 * SDM Vol. 3C 27.3.1.2 "Checks on Guest Segment Registers": selectors,
 * bases, limits and access rights of CS, SS, DS, ES, FS, GS, TR and LDTR,
 * for a 64-bit guest, a guest that is not IA-32e mode and a virtual-8086
 * guest.  A failure is a VM exit with basic reason 33, qualification 0.
 * The rows start from CTX_SEGS, where ES, DS, FS and GS are usable too.
 */
#include "hvtest.h"
#include "entry.h"

#define BAD	FAIL_GUEST(QUAL_DEFAULT)

static uint64_t reserved_11_8(void) { return 0xf00; }
static uint64_t reserved_31_17(void) { return BIT(17) | BIT(31); }
static uint64_t limit_low_edges(void) { return BIT(0) | BIT(11); }
static uint64_t limit_high_edges(void) { return BIT(20) | BIT(31); }
static uint64_t type_of(uint64_t v, unsigned type) { return (v & ~(uint64_t)AR_TYPE_MASK) | type; }
static uint64_t flip(uint64_t v, unsigned bit) { return v ^ BIT(bit); }
static uint64_t next_paragraph(uint64_t v, unsigned bit) { return v + 0x10; }

/* Types (25.4.1): code 8-15 (9, 11, 13, 15 accessed), data 0-7 (3, 7 read/write accessed). */
static uint64_t cs_bad_types(void) { return 0xffff & ~(BIT(9) | BIT(11) | BIT(13) | BIT(15)); }
static uint64_t cs_good_types(void) { return BIT(9) | BIT(13) | BIT(15); }
static uint64_t cs_bad_types_ug(void) { return cs_bad_types() & ~BIT(3); }
static uint64_t ss_bad_types(void) { return 0xffff & ~(BIT(3) | BIT(7)); }
static uint64_t tr_bad_types_ia32e(void) { return 0xffff & ~BIT(AR_TYPE_TSS_BUSY); }
static uint64_t ldtr_bad_types(void) { return 0xffff & ~BIT(AR_TYPE_LDT); }
/* Access-rights bits of a virtual-8086 segment (must be exactly 0xF3) flipped one by one; the reserved ones apart. */
static uint64_t v8086_ar_flips(void) { return 0xff | BIT(16); }
static uint64_t v8086_ar_reserved_flips(void) { return BIT(8) | BIT(31); }

/* KVM clears access-rights bits 11:8 and 31:17 at VMWRITE: the entry never sees them (errata.cfg). */
#define AR_DROPPED	"qemu-kvm-vmx-ar-reserved-dropped"

/* The checks on a code or usable data segment's access rights, limit and G (every one but CS's type). */
#define AR_ROWS(seg, ar, limit)								\
	{ .line = __LINE__, .name = "entry-guest-" seg "-s-clear", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,			\
	  .rule = "a usable " seg " (or CS) is a code or data segment (S=1)",				\
	  .field = ar, .bad = ROW_CLEAR(AR_S), .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-" seg "-p-clear", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,			\
	  .rule = "a usable " seg " (or CS) is present (P=1)",						\
	  .field = ar, .bad = ROW_CLEAR(AR_P), .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-" seg "-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = reserved_11_8, \
	  .rule = "access-rights bits 11:8 of a usable " seg " (or CS) are 0",				\
	  .field = ar, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },				\
	{ .line = __LINE__, .name = "entry-guest-" seg "-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = reserved_31_17, \
	  .rule = "access-rights bits 31:17 of a usable " seg " (or CS) are 0",				\
	  .field = ar, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },				\
	{ .line = __LINE__, .name = "entry-guest-" seg "-limit-bit%u-granular", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,	\
	  .bits = limit_low_edges,									\
	  .rule = "a limit with a 0 in bits 11:0 has G=0 (" seg ")",					\
	  .field = limit, .bad = ROW_BIT_CLEAR, .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-" seg "-g-clear", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,			\
	  .rule = "a limit with a 1 in bits 31:20 has G=1 (" seg ", limit 0xffffffff)",		\
	  .field = ar, .bad = ROW_CLEAR(AR_G), .expect = BAD }

/* A virtual-8086 segment: base = selector * 16, limit 0xFFFF, access rights 0xF3. */
#define V8086_ROWS(seg, base, limit, ar)								\
	{ .line = __LINE__, .name = "entry-guest-v8086-" seg "-base", .sec = SEC_GUEST_SEG, .ctx = CTX_V8086,		\
	  .rule = "in virtual-8086 mode the " seg " base is the selector shifted left 4 bits",		\
	  .field = base, .bad = ROW_FN(next_paragraph), .expect = BAD },					\
	{ .line = __LINE__, .name = "entry-guest-v8086-" seg "-limit-bit0", .sec = SEC_GUEST_SEG, .ctx = CTX_V8086,	\
	  .rule = "in virtual-8086 mode the " seg " limit is 0000FFFFH",				\
	  .field = limit, .bad = ROW_CLEAR(1), .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-v8086-" seg "-limit-bit16", .sec = SEC_GUEST_SEG, .ctx = CTX_V8086,	\
	  .rule = "in virtual-8086 mode the " seg " limit is 0000FFFFH",				\
	  .field = limit, .bad = ROW_OR(BIT(16)), .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-v8086-" seg "-ar-flip%u", .sec = SEC_GUEST_SEG, .ctx = CTX_V8086,	\
	  .bits = v8086_ar_flips,									\
	  .rule = "in virtual-8086 mode the " seg " access rights are 000000F3H",			\
	  .field = ar, .bad = ROW_FN(flip), .expect = BAD },							\
	{ .line = __LINE__, .name = "entry-guest-v8086-" seg "-ar-flip%u", .sec = SEC_GUEST_SEG, .ctx = CTX_V8086,	\
	  .bits = v8086_ar_reserved_flips,								\
	  .rule = "in virtual-8086 mode the " seg " access rights are 000000F3H",			\
	  .field = ar, .bad = ROW_FN(flip), .expect = BAD, .vmwrite_erratum = AR_DROPPED }

#define DPL_RPL_ROW(seg, sel)										\
	{ .line = __LINE__, .name = "entry-guest-" seg "-dpl-below-rpl", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,		\
	  .rule = "without unrestricted guest, a usable " seg " of type 0-11 has DPL >= RPL",		\
	  .field = sel, .bad = ROW_OR(3), .expect = BAD }

#define DATA_TYPE_ROWS(seg, ar)										\
	{ .line = __LINE__, .name = "entry-guest-" seg "-not-accessed", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,		\
	  .rule = "a usable " seg " has type bit 0 (accessed) set",					\
	  .field = ar, .bad = ROW_CLEAR(1), .expect = BAD },						\
	{ .line = __LINE__, .name = "entry-guest-" seg "-code-not-readable", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,	\
	  .rule = "a usable " seg " that is a code segment is readable (type 9 is not)",		\
	  .field = ar, .bad = ROW_FN(type_code_exec_only), .twin = ROW_FN(type_code_readable), .expect = BAD }

#define HIGH_BASE_ROW(seg, base)								\
	{ .line = __LINE__, .name = "entry-guest-" seg "-base-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = edges_32_63, \
	  .rule = "bits 63:32 of a usable " seg "'s base are 0",					\
	  .field = base, .bad = ROW_BIT_SET, .expect = BAD }

#define CANONICAL_ROWS(seg, base, ctxx)									\
	{ .line = __LINE__, .name = "entry-guest-" seg "-base-noncanonical-low", .sec = SEC_GUEST_SEG, .ctx = ctxx,	\
	  .rule = "the " seg " base is canonical",							\
	  .field = base, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low), .expect = BAD },	\
	{ .line = __LINE__, .name = "entry-guest-" seg "-base-noncanonical-high", .sec = SEC_GUEST_SEG, .ctx = ctxx,	\
	  .rule = "the " seg " base is canonical",							\
	  .field = base, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high), .expect = BAD }

static uint64_t type_code_exec_only(uint64_t v, unsigned bit) { return type_of(v, 9); }
static uint64_t type_code_readable(uint64_t v, unsigned bit) { return type_of(v, AR_TYPE_CODE_XRA); }
static uint64_t type_data_rwa(uint64_t v, unsigned bit) { return type_of(v, AR_TYPE_DATA_RWA); }
static uint64_t type_data_rwa_down(uint64_t v, unsigned bit) { return type_of(v, 7); }
static uint64_t type_tss16_busy(uint64_t v, unsigned bit) { return type_of(v, 3); }
static uint64_t type_tss16_available(uint64_t v, unsigned bit) { return type_of(v, 1); }

static const struct entry_row rows[] = {
	/* Selectors */
	{ .line = __LINE__, .name = "entry-guest-tr-ti", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "the TR selector's TI flag (bit 2) is 0",
	  .field = VMCS_GUEST_TR_SELECTOR, .bad = ROW_OR(4), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-ti", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR,
	  .rule = "a usable LDTR's selector has TI (bit 2) 0",
	  .field = VMCS_GUEST_LDTR_SELECTOR, .bad = ROW_OR(4), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-ti-unusable", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "an unusable LDTR's selector is not checked (TI=1)",
	  .field = VMCS_GUEST_LDTR_SELECTOR, .bad = ROW_OR(4), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-guest-ss-rpl-not-cs-rpl", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "without unrestricted guest, SS.RPL equals CS.RPL (SS.DPL then differs from SS.RPL too)",
	  .field = VMCS_GUEST_SS_SELECTOR, .bad = ROW_OR(3), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ss-rpl-unrestricted", .sec = SEC_GUEST_SEG, .ctx = CTX_UG64,
	  .rule = "with unrestricted guest SS.RPL need not equal CS.RPL",
	  .field = VMCS_GUEST_SS_SELECTOR, .bad = ROW_OR(3), .expect = ENTERS },

	/* Bases */
	{ .line = __LINE__, .name = "entry-guest-cs-base-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = edges_32_63,
	  .rule = "bits 63:32 of the CS base are 0",
	  .field = VMCS_GUEST_CS_BASE, .bad = ROW_BIT_SET, .twin = ROW_SET(0xffffffff), .expect = BAD },
	HIGH_BASE_ROW("ss", VMCS_GUEST_SS_BASE),
	HIGH_BASE_ROW("ds", VMCS_GUEST_DS_BASE),
	HIGH_BASE_ROW("es", VMCS_GUEST_ES_BASE),
	CANONICAL_ROWS("fs", VMCS_GUEST_FS_BASE, CTX_SEGS),
	CANONICAL_ROWS("gs", VMCS_GUEST_GS_BASE, CTX_SEGS),
	CANONICAL_ROWS("tr", VMCS_GUEST_TR_BASE, CTX_SEGS),
	CANONICAL_ROWS("ldtr", VMCS_GUEST_LDTR_BASE, CTX_LDTR),
	{ .line = __LINE__, .name = "entry-guest-ldtr-base-unusable", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "an unusable LDTR's base is not checked (non-canonical)",
	  .field = VMCS_GUEST_LDTR_BASE, .bad = ROW_FN(noncanonical_low), .expect = ENTERS },

	/* Access rights: types */
	{ .line = __LINE__, .name = "entry-guest-cs-type%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = cs_bad_types,
	  .rule = "without unrestricted guest, CS is an accessed code segment (type 9, 11, 13 or 15)",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-cs-type%u-allowed", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = cs_good_types,
	  .rule = "CS may be any accessed code segment (type 9, 11, 13 or 15)",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-guest-cs-type%u-unrestricted", .sec = SEC_GUEST_SEG, .ctx = CTX_UG64, .bits = cs_bad_types_ug,
	  .rule = "with unrestricted guest, CS is type 3 or an accessed code segment",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-cs-type3-unrestricted", .sec = SEC_GUEST_SEG, .ctx = CTX_UG64,
	  .rule = "with unrestricted guest, CS may be type 3 (read/write accessed data) with DPL 0",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_FN(type_data_rwa), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-guest-ss-type%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = ss_bad_types,
	  .rule = "a usable SS is a read/write accessed data segment (type 3 or 7)",
	  .field = VMCS_GUEST_SS_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ss-type7-allowed", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "SS may be a read/write accessed expand-down data segment (type 7)",
	  .field = VMCS_GUEST_SS_ACCESS_RIGHTS, .bad = ROW_FN(type_data_rwa_down), .expect = ENTERS },
	DATA_TYPE_ROWS("ds", VMCS_GUEST_DS_ACCESS_RIGHTS),
	DATA_TYPE_ROWS("es", VMCS_GUEST_ES_ACCESS_RIGHTS),
	DATA_TYPE_ROWS("fs", VMCS_GUEST_FS_ACCESS_RIGHTS),
	DATA_TYPE_ROWS("gs", VMCS_GUEST_GS_ACCESS_RIGHTS),
	{ .line = __LINE__, .name = "entry-guest-ds-unusable-unchecked", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "an unusable DS's access rights are not checked (S=0, P=0, type 0)",
	  .field = VMCS_GUEST_DS_ACCESS_RIGHTS, .bad = ROW_SET(AR_UNUSABLE), .expect = ENTERS },

	/* Access rights: S, P, reserved bits, G and the limit */
	AR_ROWS("cs", VMCS_GUEST_CS_ACCESS_RIGHTS, VMCS_GUEST_CS_LIMIT),
	AR_ROWS("ss", VMCS_GUEST_SS_ACCESS_RIGHTS, VMCS_GUEST_SS_LIMIT),
	AR_ROWS("ds", VMCS_GUEST_DS_ACCESS_RIGHTS, VMCS_GUEST_DS_LIMIT),
	AR_ROWS("es", VMCS_GUEST_ES_ACCESS_RIGHTS, VMCS_GUEST_ES_LIMIT),
	AR_ROWS("fs", VMCS_GUEST_FS_ACCESS_RIGHTS, VMCS_GUEST_FS_LIMIT),
	AR_ROWS("gs", VMCS_GUEST_GS_ACCESS_RIGHTS, VMCS_GUEST_GS_LIMIT),
	{ .line = __LINE__, .name = "entry-guest-cs-l-and-db", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "with \"IA-32e mode guest\" and CS.L=1, CS.D/B is 0",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DB), .expect = BAD },

	/* Access rights: DPL */
	{ .line = __LINE__, .name = "entry-guest-cs-dpl-not-ss-dpl", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "a non-conforming CS (type 9 or 11) has DPL equal to SS.DPL",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(3)), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-cs-conforming-dpl-above-ss", .sec = SEC_GUEST_SEG, .ctx = CTX_CONFORMING,
	  .rule = "a conforming CS (type 13 or 15) has DPL at most SS.DPL",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(1)), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ss-dpl-not-rpl", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "without unrestricted guest, SS.DPL equals SS.RPL (CS.DPL then differs from SS.DPL too)",
	  .field = VMCS_GUEST_SS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(3)), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ss-dpl-real-mode", .sec = SEC_GUEST_SEG, .ctx = CTX_REAL,
	  .rule = "SS.DPL is 0 when CR0.PE=0 (or CS is type 3)",
	  .field = VMCS_GUEST_SS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(3)), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-cs-type3-dpl", .sec = SEC_GUEST_SEG, .ctx = CTX_REAL,
	  .rule = "a CS of type 3 (unrestricted guest) has DPL 0",
	  .field = VMCS_GUEST_CS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(3)), .expect = BAD },
	DPL_RPL_ROW("ds", VMCS_GUEST_DS_SELECTOR),
	DPL_RPL_ROW("es", VMCS_GUEST_ES_SELECTOR),
	DPL_RPL_ROW("fs", VMCS_GUEST_FS_SELECTOR),
	DPL_RPL_ROW("gs", VMCS_GUEST_GS_SELECTOR),
	{ .line = __LINE__, .name = "entry-guest-ds-type11-dpl-below-rpl", .sec = SEC_GUEST_SEG, .ctx = CTX_DS_CODE,
	  .rule = "without unrestricted guest, a usable DS of type 11 (in 0-11) has DPL >= RPL",
	  .field = VMCS_GUEST_DS_SELECTOR, .bad = ROW_OR(3), .expect = BAD, .erratum = "bochs-vmx-guest-dpl-type11-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-ds-dpl-unrestricted", .sec = SEC_GUEST_SEG, .ctx = CTX_UG64,
	  .rule = "with unrestricted guest, DS.DPL may be below its RPL",
	  .field = VMCS_GUEST_DS_SELECTOR, .bad = ROW_OR(3), .expect = ENTERS },

	/* TR */
	{ .line = __LINE__, .name = "entry-guest-tr-type%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = tr_bad_types_ia32e,
	  .rule = "in IA-32e mode TR is a 64-bit busy TSS (type 11)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-type3-not-ia32e", .sec = SEC_GUEST_SEG, .ctx = CTX_PAE,
	  .rule = "outside IA-32e mode TR may be a 16-bit busy TSS (type 3)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_FN(type_tss16_busy), .expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-guest-tr-type1-not-ia32e", .sec = SEC_GUEST_SEG, .ctx = CTX_PAE,
	  .rule = "outside IA-32e mode TR is a busy TSS (type 3 or 11; 1 is an available 16-bit TSS)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_FN(type_tss16_available), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-s-set", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "TR is a system segment (S=0)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_OR(AR_S), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-p-clear", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "TR is present (P=1)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_CLEAR(AR_P), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = reserved_11_8,
	  .rule = "TR access-rights bits 11:8 are 0",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },
	{ .line = __LINE__, .name = "entry-guest-tr-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = reserved_31_17,
	  .rule = "TR access-rights bits 31:17 are 0",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },
	{ .line = __LINE__, .name = "entry-guest-tr-g-set", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "a TR limit with a 0 in bits 11:0 has G=0",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_OR(AR_G), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-limit-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS, .bits = limit_high_edges,
	  .rule = "a TR limit with a 1 in bits 31:20 has G=1",
	  .field = VMCS_GUEST_TR_LIMIT, .bad = ROW_BIT_SET, .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-tr-unusable", .sec = SEC_GUEST_SEG, .ctx = CTX_SEGS,
	  .rule = "TR is usable (bit 16 is 0)",
	  .field = VMCS_GUEST_TR_ACCESS_RIGHTS, .bad = ROW_OR(AR_UNUSABLE), .expect = BAD },

	/* LDTR (usable) */
	{ .line = __LINE__, .name = "entry-guest-ldtr-type%u", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR, .bits = ldtr_bad_types,
	  .rule = "a usable LDTR is an LDT (type 2)",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_FN(type_of), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-s-set", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR,
	  .rule = "a usable LDTR is a system segment (S=0)",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_OR(AR_S), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-p-clear", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR,
	  .rule = "a usable LDTR is present (P=1)",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_CLEAR(AR_P), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR, .bits = reserved_11_8,
	  .rule = "access-rights bits 11:8 of a usable LDTR are 0",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },
	{ .line = __LINE__, .name = "entry-guest-ldtr-ar-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR, .bits = reserved_31_17,
	  .rule = "access-rights bits 31:17 of a usable LDTR are 0",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_BIT_SET, .expect = BAD, .vmwrite_erratum = AR_DROPPED },
	{ .line = __LINE__, .name = "entry-guest-ldtr-g-set", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR,
	  .rule = "a usable LDTR's limit with a 0 in bits 11:0 has G=0",
	  .field = VMCS_GUEST_LDTR_ACCESS_RIGHTS, .bad = ROW_OR(AR_G), .expect = BAD },
	{ .line = __LINE__, .name = "entry-guest-ldtr-limit-bit%u", .sec = SEC_GUEST_SEG, .ctx = CTX_LDTR, .bits = limit_high_edges,
	  .rule = "a usable LDTR's limit with a 1 in bits 31:20 has G=1",
	  .field = VMCS_GUEST_LDTR_LIMIT, .bad = ROW_BIT_SET, .expect = BAD },

	/* Virtual-8086 mode */
	V8086_ROWS("cs", VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_ACCESS_RIGHTS),
	V8086_ROWS("ss", VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_ACCESS_RIGHTS),
	V8086_ROWS("ds", VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_ACCESS_RIGHTS),
	V8086_ROWS("es", VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_ACCESS_RIGHTS),
	V8086_ROWS("fs", VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_ACCESS_RIGHTS),
	V8086_ROWS("gs", VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_ACCESS_RIGHTS),
};

const struct entry_table entry_table_segments = { rows, ARRAY_SIZE(rows), __FILE__ };
