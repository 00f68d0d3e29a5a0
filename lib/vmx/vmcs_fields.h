/*
 * VMCS field encodings: the architectural table of every field, and the
 * decoding of an encoding into its parts.
 *
 * Source: Intel SDM Vol. 3C, Appendix B "Field Encoding in VMCS" (the
 * tables B-1 .. B-15, one per width/type block below) and section 25.11.2
 * "VMREAD, VMWRITE, and Encodings of VMCS Fields" (the encoding format).
 *
 * An encoding is a 32-bit value:
 *   bit  0      access type: 0 = full, 1 = high (upper 32 bits of a 64-bit
 *               field; only legal for 64-bit fields)
 *   bits 9:1    index
 *   bits 11:10  type: 0 control, 1 VM-exit information (read-only data),
 *               2 guest state, 3 host state
 *   bit  12     reserved (0)
 *   bits 14:13  width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural width
 *   bits 31:15  reserved (0)
 *
 * The field list is kept once, as one X-macro per block (width x type);
 * the enum, the table in vmcs_fields.c and any check that wants to know the
 * block a field was listed under all expand the same lists.  Each entry is
 * X(NAME, encoding); the enum constant is VMCS_##NAME and the table's name
 * string is "NAME".  Only the "full" encodings are listed: the high half of
 * a 64-bit field is vmcs_field_high(encoding).
 *
 * Read-only rule (SDM 25.11.2, A.6): fields of type "VM-exit information"
 * (bits 11:10 == 1) are read-only: VMWRITE to them fails with VM-instruction
 * error 13 unless IA32_VMX_MISC[29] is 1, in which case VMWRITE may write
 * any supported field.  The table's read_only flag records the architectural
 * type only; whether a VMWRITE is refused also depends on that MISC bit.
 */
#ifndef HV_VMX_VMCS_FIELDS_H
#define HV_VMX_VMCS_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Table B-1: 16-bit control fields. */
#define VMCS_FIELDS_16_CONTROL(X)					\
	X(VPID,					0x0000)		\
	X(POSTED_INTR_NOTIFICATION_VECTOR,	0x0002)		\
	X(EPTP_INDEX,				0x0004)		\
	X(HLAT_PREFIX_SIZE,			0x0006)		\
	X(LAST_PID_POINTER_INDEX,		0x0008)

/* Table B-2: 16-bit guest-state fields. */
#define VMCS_FIELDS_16_GUEST(X)						\
	X(GUEST_ES_SELECTOR,			0x0800)		\
	X(GUEST_CS_SELECTOR,			0x0802)		\
	X(GUEST_SS_SELECTOR,			0x0804)		\
	X(GUEST_DS_SELECTOR,			0x0806)		\
	X(GUEST_FS_SELECTOR,			0x0808)		\
	X(GUEST_GS_SELECTOR,			0x080a)		\
	X(GUEST_LDTR_SELECTOR,			0x080c)		\
	X(GUEST_TR_SELECTOR,			0x080e)		\
	X(GUEST_INTERRUPT_STATUS,		0x0810)		\
	X(PML_INDEX,				0x0812)		\
	X(GUEST_UINV,				0x0814)

/* Table B-3: 16-bit host-state fields. */
#define VMCS_FIELDS_16_HOST(X)						\
	X(HOST_ES_SELECTOR,			0x0c00)		\
	X(HOST_CS_SELECTOR,			0x0c02)		\
	X(HOST_SS_SELECTOR,			0x0c04)		\
	X(HOST_DS_SELECTOR,			0x0c06)		\
	X(HOST_FS_SELECTOR,			0x0c08)		\
	X(HOST_GS_SELECTOR,			0x0c0a)		\
	X(HOST_TR_SELECTOR,			0x0c0c)

/* Table B-4: 64-bit control fields (addresses, bitmaps, pointers). */
#define VMCS_FIELDS_64_CONTROL(X)					\
	X(IO_BITMAP_A_ADDR,			0x2000)		\
	X(IO_BITMAP_B_ADDR,			0x2002)		\
	X(MSR_BITMAPS_ADDR,			0x2004)		\
	X(EXIT_MSR_STORE_ADDR,			0x2006)		\
	X(EXIT_MSR_LOAD_ADDR,			0x2008)		\
	X(ENTRY_MSR_LOAD_ADDR,			0x200a)		\
	X(EXECUTIVE_VMCS_POINTER,		0x200c)		\
	X(PML_ADDR,				0x200e)		\
	X(TSC_OFFSET,				0x2010)		\
	X(VIRTUAL_APIC_ADDR,			0x2012)		\
	X(APIC_ACCESS_ADDR,			0x2014)		\
	X(POSTED_INTR_DESC_ADDR,		0x2016)		\
	X(VM_FUNCTION_CONTROLS,			0x2018)		\
	X(EPT_POINTER,				0x201a)		\
	X(EOI_EXIT_BITMAP0,			0x201c)		\
	X(EOI_EXIT_BITMAP1,			0x201e)		\
	X(EOI_EXIT_BITMAP2,			0x2020)		\
	X(EOI_EXIT_BITMAP3,			0x2022)		\
	X(EPTP_LIST_ADDR,			0x2024)		\
	X(VMREAD_BITMAP_ADDR,			0x2026)		\
	X(VMWRITE_BITMAP_ADDR,			0x2028)		\
	X(VE_INFO_ADDR,				0x202a)		\
	X(XSS_EXITING_BITMAP,			0x202c)		\
	X(ENCLS_EXITING_BITMAP,			0x202e)		\
	X(SPP_TABLE_POINTER,			0x2030)		\
	X(TSC_MULTIPLIER,			0x2032)		\
	X(TERTIARY_PROC_CONTROLS,		0x2034)		\
	X(ENCLV_EXITING_BITMAP,			0x2036)		\
	X(LOW_PASID_DIRECTORY_ADDR,		0x2038)		\
	X(HIGH_PASID_DIRECTORY_ADDR,		0x203a)		\
	X(SHARED_EPT_POINTER,			0x203c)		\
	X(PCONFIG_EXITING_BITMAP,		0x203e)		\
	X(HLAT_POINTER,				0x2040)		\
	X(PID_POINTER_TABLE_ADDR,		0x2042)		\
	X(SECONDARY_EXIT_CONTROLS,		0x2044)		\
	X(IA32_SPEC_CTRL_MASK,			0x204a)		\
	X(IA32_SPEC_CTRL_SHADOW,		0x204c)		\
	X(INJECTED_EVENT_DATA,			0x2052)

/* Table B-5: 64-bit read-only data fields. */
#define VMCS_FIELDS_64_EXIT_INFO(X)					\
	X(GUEST_PHYSICAL_ADDR,			0x2400)		\
	X(ORIGINAL_EVENT_DATA,			0x2404)

/* Table B-6: 64-bit guest-state fields. */
#define VMCS_FIELDS_64_GUEST(X)						\
	X(LINK_POINTER,				0x2800)		\
	X(GUEST_IA32_DEBUGCTL,			0x2802)		\
	X(GUEST_IA32_PAT,			0x2804)		\
	X(GUEST_IA32_EFER,			0x2806)		\
	X(GUEST_IA32_PERF_GLOBAL_CTRL,		0x2808)		\
	X(GUEST_PDPTE0,				0x280a)		\
	X(GUEST_PDPTE1,				0x280c)		\
	X(GUEST_PDPTE2,				0x280e)		\
	X(GUEST_PDPTE3,				0x2810)		\
	X(GUEST_IA32_BNDCFGS,			0x2812)		\
	X(GUEST_IA32_RTIT_CTL,			0x2814)		\
	X(GUEST_IA32_LBR_CTL,			0x2816)		\
	X(GUEST_IA32_PKRS,			0x2818)		\
	X(GUEST_IA32_FRED_CONFIG,		0x281a)		\
	X(GUEST_IA32_FRED_RSP1,			0x281c)		\
	X(GUEST_IA32_FRED_RSP2,			0x281e)		\
	X(GUEST_IA32_FRED_RSP3,			0x2820)		\
	X(GUEST_IA32_FRED_STKLVLS,		0x2822)		\
	X(GUEST_IA32_FRED_SSP1,			0x2824)		\
	X(GUEST_IA32_FRED_SSP2,			0x2826)		\
	X(GUEST_IA32_FRED_SSP3,			0x2828)

/* Table B-7: 64-bit host-state fields. */
#define VMCS_FIELDS_64_HOST(X)						\
	X(HOST_IA32_PAT,			0x2c00)		\
	X(HOST_IA32_EFER,			0x2c02)		\
	X(HOST_IA32_PERF_GLOBAL_CTRL,		0x2c04)		\
	X(HOST_IA32_PKRS,			0x2c06)		\
	X(HOST_IA32_FRED_CONFIG,		0x2c08)		\
	X(HOST_IA32_FRED_RSP1,			0x2c0a)		\
	X(HOST_IA32_FRED_RSP2,			0x2c0c)		\
	X(HOST_IA32_FRED_RSP3,			0x2c0e)		\
	X(HOST_IA32_FRED_STKLVLS,		0x2c10)		\
	X(HOST_IA32_FRED_SSP1,			0x2c12)		\
	X(HOST_IA32_FRED_SSP2,			0x2c14)		\
	X(HOST_IA32_FRED_SSP3,			0x2c16)

/* Table B-8: 32-bit control fields. */
#define VMCS_FIELDS_32_CONTROL(X)					\
	X(PIN_BASED_CONTROLS,			0x4000)		\
	X(PROC_BASED_CONTROLS,			0x4002)		\
	X(EXCEPTION_BITMAP,			0x4004)		\
	X(PF_ERROR_CODE_MASK,			0x4006)		\
	X(PF_ERROR_CODE_MATCH,			0x4008)		\
	X(CR3_TARGET_COUNT,			0x400a)		\
	X(EXIT_CONTROLS,			0x400c)		\
	X(EXIT_MSR_STORE_COUNT,			0x400e)		\
	X(EXIT_MSR_LOAD_COUNT,			0x4010)		\
	X(ENTRY_CONTROLS,			0x4012)		\
	X(ENTRY_MSR_LOAD_COUNT,			0x4014)		\
	X(ENTRY_INTR_INFO,			0x4016)		\
	X(ENTRY_EXCEPTION_ERROR_CODE,		0x4018)		\
	X(ENTRY_INSTRUCTION_LEN,		0x401a)		\
	X(TPR_THRESHOLD,			0x401c)		\
	X(SECONDARY_PROC_CONTROLS,		0x401e)		\
	X(PLE_GAP,				0x4020)		\
	X(PLE_WINDOW,				0x4022)		\
	X(INSTRUCTION_TIMEOUT_CONTROL,		0x4024)

/* Table B-9: 32-bit read-only data fields. */
#define VMCS_FIELDS_32_EXIT_INFO(X)					\
	X(VM_INSTRUCTION_ERROR,			0x4400)		\
	X(EXIT_REASON,				0x4402)		\
	X(EXIT_INTR_INFO,			0x4404)		\
	X(EXIT_INTR_ERROR_CODE,			0x4406)		\
	X(IDT_VECTORING_INFO,			0x4408)		\
	X(IDT_VECTORING_ERROR_CODE,		0x440a)		\
	X(EXIT_INSTRUCTION_LEN,			0x440c)		\
	X(EXIT_INSTRUCTION_INFO,		0x440e)

/* Table B-10: 32-bit guest-state fields. */
#define VMCS_FIELDS_32_GUEST(X)						\
	X(GUEST_ES_LIMIT,			0x4800)		\
	X(GUEST_CS_LIMIT,			0x4802)		\
	X(GUEST_SS_LIMIT,			0x4804)		\
	X(GUEST_DS_LIMIT,			0x4806)		\
	X(GUEST_FS_LIMIT,			0x4808)		\
	X(GUEST_GS_LIMIT,			0x480a)		\
	X(GUEST_LDTR_LIMIT,			0x480c)		\
	X(GUEST_TR_LIMIT,			0x480e)		\
	X(GUEST_GDTR_LIMIT,			0x4810)		\
	X(GUEST_IDTR_LIMIT,			0x4812)		\
	X(GUEST_ES_ACCESS_RIGHTS,		0x4814)		\
	X(GUEST_CS_ACCESS_RIGHTS,		0x4816)		\
	X(GUEST_SS_ACCESS_RIGHTS,		0x4818)		\
	X(GUEST_DS_ACCESS_RIGHTS,		0x481a)		\
	X(GUEST_FS_ACCESS_RIGHTS,		0x481c)		\
	X(GUEST_GS_ACCESS_RIGHTS,		0x481e)		\
	X(GUEST_LDTR_ACCESS_RIGHTS,		0x4820)		\
	X(GUEST_TR_ACCESS_RIGHTS,		0x4822)		\
	X(GUEST_INTERRUPTIBILITY_STATE,		0x4824)		\
	X(GUEST_ACTIVITY_STATE,			0x4826)		\
	X(GUEST_SMBASE,				0x4828)		\
	X(GUEST_IA32_SYSENTER_CS,		0x482a)		\
	X(PREEMPTION_TIMER_VALUE,		0x482e)

/* Table B-11: 32-bit host-state field. */
#define VMCS_FIELDS_32_HOST(X)						\
	X(HOST_IA32_SYSENTER_CS,		0x4c00)

/* Table B-12: natural-width control fields. */
#define VMCS_FIELDS_NATURAL_CONTROL(X)					\
	X(CR0_GUEST_HOST_MASK,			0x6000)		\
	X(CR4_GUEST_HOST_MASK,			0x6002)		\
	X(CR0_READ_SHADOW,			0x6004)		\
	X(CR4_READ_SHADOW,			0x6006)		\
	X(CR3_TARGET_VALUE0,			0x6008)		\
	X(CR3_TARGET_VALUE1,			0x600a)		\
	X(CR3_TARGET_VALUE2,			0x600c)		\
	X(CR3_TARGET_VALUE3,			0x600e)

/* Table B-13: natural-width read-only data fields. */
#define VMCS_FIELDS_NATURAL_EXIT_INFO(X)				\
	X(EXIT_QUALIFICATION,			0x6400)		\
	X(IO_RCX,				0x6402)		\
	X(IO_RSI,				0x6404)		\
	X(IO_RDI,				0x6406)		\
	X(IO_RIP,				0x6408)		\
	X(GUEST_LINEAR_ADDR,			0x640a)

/* Table B-14: natural-width guest-state fields. */
#define VMCS_FIELDS_NATURAL_GUEST(X)					\
	X(GUEST_CR0,				0x6800)		\
	X(GUEST_CR3,				0x6802)		\
	X(GUEST_CR4,				0x6804)		\
	X(GUEST_ES_BASE,			0x6806)		\
	X(GUEST_CS_BASE,			0x6808)		\
	X(GUEST_SS_BASE,			0x680a)		\
	X(GUEST_DS_BASE,			0x680c)		\
	X(GUEST_FS_BASE,			0x680e)		\
	X(GUEST_GS_BASE,			0x6810)		\
	X(GUEST_LDTR_BASE,			0x6812)		\
	X(GUEST_TR_BASE,			0x6814)		\
	X(GUEST_GDTR_BASE,			0x6816)		\
	X(GUEST_IDTR_BASE,			0x6818)		\
	X(GUEST_DR7,				0x681a)		\
	X(GUEST_RSP,				0x681c)		\
	X(GUEST_RIP,				0x681e)		\
	X(GUEST_RFLAGS,				0x6820)		\
	X(GUEST_PENDING_DEBUG_EXCEPTIONS,	0x6822)		\
	X(GUEST_IA32_SYSENTER_ESP,		0x6824)		\
	X(GUEST_IA32_SYSENTER_EIP,		0x6826)		\
	X(GUEST_IA32_S_CET,			0x6828)		\
	X(GUEST_SSP,				0x682a)		\
	X(GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR,	0x682c)

/* Table B-15: natural-width host-state fields. */
#define VMCS_FIELDS_NATURAL_HOST(X)					\
	X(HOST_CR0,				0x6c00)		\
	X(HOST_CR3,				0x6c02)		\
	X(HOST_CR4,				0x6c04)		\
	X(HOST_FS_BASE,				0x6c06)		\
	X(HOST_GS_BASE,				0x6c08)		\
	X(HOST_TR_BASE,				0x6c0a)		\
	X(HOST_GDTR_BASE,			0x6c0c)		\
	X(HOST_IDTR_BASE,			0x6c0e)		\
	X(HOST_IA32_SYSENTER_ESP,		0x6c10)		\
	X(HOST_IA32_SYSENTER_EIP,		0x6c12)		\
	X(HOST_RSP,				0x6c14)		\
	X(HOST_RIP,				0x6c16)		\
	X(HOST_IA32_S_CET,			0x6c18)		\
	X(HOST_SSP,				0x6c1a)		\
	X(HOST_IA32_INTERRUPT_SSP_TABLE_ADDR,	0x6c1c)

/*
 * Every block, as B(list, width, type): the width and type every encoding
 * of that list must decode to.
 */
#define VMCS_FIELD_BLOCKS(B)						\
	B(VMCS_FIELDS_16_CONTROL,	VMCS_WIDTH_16,	    VMCS_TYPE_CONTROL)	\
	B(VMCS_FIELDS_16_GUEST,		VMCS_WIDTH_16,	    VMCS_TYPE_GUEST)	\
	B(VMCS_FIELDS_16_HOST,		VMCS_WIDTH_16,	    VMCS_TYPE_HOST)	\
	B(VMCS_FIELDS_64_CONTROL,	VMCS_WIDTH_64,	    VMCS_TYPE_CONTROL)	\
	B(VMCS_FIELDS_64_EXIT_INFO,	VMCS_WIDTH_64,	    VMCS_TYPE_EXIT_INFO) \
	B(VMCS_FIELDS_64_GUEST,		VMCS_WIDTH_64,	    VMCS_TYPE_GUEST)	\
	B(VMCS_FIELDS_64_HOST,		VMCS_WIDTH_64,	    VMCS_TYPE_HOST)	\
	B(VMCS_FIELDS_32_CONTROL,	VMCS_WIDTH_32,	    VMCS_TYPE_CONTROL)	\
	B(VMCS_FIELDS_32_EXIT_INFO,	VMCS_WIDTH_32,	    VMCS_TYPE_EXIT_INFO) \
	B(VMCS_FIELDS_32_GUEST,		VMCS_WIDTH_32,	    VMCS_TYPE_GUEST)	\
	B(VMCS_FIELDS_32_HOST,		VMCS_WIDTH_32,	    VMCS_TYPE_HOST)	\
	B(VMCS_FIELDS_NATURAL_CONTROL,	VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL)	\
	B(VMCS_FIELDS_NATURAL_EXIT_INFO, VMCS_WIDTH_NATURAL, VMCS_TYPE_EXIT_INFO) \
	B(VMCS_FIELDS_NATURAL_GUEST,	VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST)	\
	B(VMCS_FIELDS_NATURAL_HOST,	VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST)

#define VMCS_FIELD_ENUM_ENTRY(name, enc) VMCS_##name = (enc),
#define VMCS_FIELD_ENUM_BLOCK(list, width, type) list(VMCS_FIELD_ENUM_ENTRY)

/* Every VMCS field encoding of Appendix B (full access). */
enum vmcs_field_encoding {
	VMCS_FIELD_BLOCKS(VMCS_FIELD_ENUM_BLOCK)
};

#undef VMCS_FIELD_ENUM_BLOCK
#undef VMCS_FIELD_ENUM_ENTRY

/* Encoding bits 11:10 (SDM 25.11.2, Table 25-21). */
enum vmcs_field_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_EXIT_INFO = 1,	/* "VM-exit information" / read-only data */
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

/* Encoding bits 14:13 (SDM 25.11.2, Table 25-21). */
enum vmcs_field_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

/* Bits that are reserved in every encoding: bit 12 and bits 31:15. */
#define VMCS_ENCODING_RESERVED_MASK	0xffff9000u
#define VMCS_ENCODING_RESERVED_BIT12	0x00001000u
#define VMCS_ENCODING_HIGH		0x1u
/* Bits 11:10 as a constant expression (usable in static initializers). */
#define VMCS_ENCODING_TYPE(enc)		(((enc) >> 10) & 3)

static inline bool vmcs_field_is_high(uint32_t encoding)
{
	return encoding & VMCS_ENCODING_HIGH;
}

static inline unsigned vmcs_field_index(uint32_t encoding)
{
	return (encoding >> 1) & 0x1ff;
}

static inline enum vmcs_field_type vmcs_field_type(uint32_t encoding)
{
	return (enum vmcs_field_type)VMCS_ENCODING_TYPE(encoding);
}

static inline enum vmcs_field_width vmcs_field_width(uint32_t encoding)
{
	return (enum vmcs_field_width)((encoding >> 13) & 3);
}

/* The full-access encoding of width, type and index (SDM 25.11.2, Table 25-21). */
static inline uint32_t vmcs_encoding(enum vmcs_field_width width, enum vmcs_field_type type, unsigned index)
{
	return (uint32_t)width << 13 | (uint32_t)type << 10 | index << 1;
}

/* The encoding that accesses bits 63:32 of a 64-bit field. */
static inline uint32_t vmcs_field_high(uint32_t encoding)
{
	return encoding | VMCS_ENCODING_HIGH;
}

struct vmcs_field {
	uint32_t encoding;
	const char *name;	/* enum name without the VMCS_ prefix */
	bool read_only;		/* type "VM-exit information" */
};

extern const struct vmcs_field vmcs_fields[];
extern const unsigned vmcs_nr_fields;

/* The row for exactly this (full) encoding, or NULL. */
const struct vmcs_field *vmcs_field_find(uint32_t encoding);
/* The field's name, or "UNKNOWN_FIELD" when the encoding is not in the table. */
const char *vmcs_field_name(uint32_t encoding);
/*
 * The highest index (bits 9:1) of any field in the table; compare with
 * IA32_VMX_VMCS_ENUM bits 9:1, the highest index the processor supports.
 */
unsigned vmcs_field_max_index(void);
/* "control", "VM-exit information", "guest state", "host state". */
const char *vmcs_field_type_name(enum vmcs_field_type type);
/* "16-bit", "64-bit", "32-bit", "natural-width". */
const char *vmcs_field_width_name(enum vmcs_field_width width);

#endif
