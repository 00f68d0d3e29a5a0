/*
 * The VMCS field table (SDM Vol. 3C, Appendix B) and its lookups.
 * The rows come from the block lists in vmcs_fields.h.
 */
#include "vmcs_fields.h"

#define VMCS_FIELD_ROW(name, enc)					\
	{ (enc), #name, VMCS_ENCODING_TYPE(enc) == VMCS_TYPE_EXIT_INFO },
#define VMCS_FIELD_ROW_BLOCK(list, width, type) list(VMCS_FIELD_ROW)

const struct vmcs_field vmcs_fields[] = {
	VMCS_FIELD_BLOCKS(VMCS_FIELD_ROW_BLOCK)
};

const unsigned vmcs_nr_fields = sizeof(vmcs_fields) / sizeof(vmcs_fields[0]);

const struct vmcs_field *vmcs_field_find(uint32_t encoding)
{
	for (unsigned i = 0; i < vmcs_nr_fields; i++)
		if (vmcs_fields[i].encoding == encoding)
			return &vmcs_fields[i];
	return NULL;
}

const char *vmcs_field_name(uint32_t encoding)
{
	const struct vmcs_field *f = vmcs_field_find(encoding);

	return f ? f->name : "UNKNOWN_FIELD";
}

unsigned vmcs_field_max_index(void)
{
	unsigned max = 0;

	for (unsigned i = 0; i < vmcs_nr_fields; i++)
		if (vmcs_field_index(vmcs_fields[i].encoding) > max)
			max = vmcs_field_index(vmcs_fields[i].encoding);
	return max;
}

const char *vmcs_field_type_name(enum vmcs_field_type type)
{
	static const char *const names[] = {
		[VMCS_TYPE_CONTROL] = "control",
		[VMCS_TYPE_EXIT_INFO] = "VM-exit information",
		[VMCS_TYPE_GUEST] = "guest state",
		[VMCS_TYPE_HOST] = "host state",
	};

	return (unsigned)type < 4 ? names[type] : "?";
}

const char *vmcs_field_width_name(enum vmcs_field_width width)
{
	static const char *const names[] = {
		[VMCS_WIDTH_16] = "16-bit",
		[VMCS_WIDTH_64] = "64-bit",
		[VMCS_WIDTH_32] = "32-bit",
		[VMCS_WIDTH_NATURAL] = "natural-width",
	};

	return (unsigned)width < 4 ? names[width] : "?";
}
