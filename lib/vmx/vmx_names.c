/*
 * Name tables for the lists in vmx_names.h.
 */
#include "vmx_names.h"
#include "vmcs_fields.h"
#include "processor.h"

#define NAME_ROW(n, name) [n] = #name,

/* SDM Appendix C, Table C-1. */
static const char *const exit_reason_names[] = {
	VMX_EXIT_REASONS(NAME_ROW)
};

/* SDM 31.4, Table 31-1. */
static const char *const insn_error_names[] = {
	VMX_INSN_ERRORS(NAME_ROW)
};

#undef NAME_ROW

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *vmx_exit_reason_name(unsigned basic_reason)
{
	if (basic_reason < ARRAY_LEN(exit_reason_names) &&
	    exit_reason_names[basic_reason])
		return exit_reason_names[basic_reason];
	return "UNKNOWN";
}

const char *vmx_insn_error_name(unsigned n)
{
	if (n < ARRAY_LEN(insn_error_names) && insn_error_names[n])
		return insn_error_names[n];
	return "UNKNOWN";
}

struct control_bit {
	unsigned bit;
	const char *name;
};

#define CONTROL_ROW(name, bit, words) { (bit), (words) },

static const struct control_bit pin_bits[] = { VMX_PIN_CONTROLS(CONTROL_ROW) };
static const struct control_bit cpu_bits[] = { VMX_CPU_CONTROLS(CONTROL_ROW) };
static const struct control_bit cpu2_bits[] = { VMX_CPU2_CONTROLS(CONTROL_ROW) };
static const struct control_bit cpu3_bits[] = { VMX_CPU3_CONTROLS(CONTROL_ROW) };
static const struct control_bit exit_bits[] = { VMX_EXIT_CONTROLS(CONTROL_ROW) };
static const struct control_bit exit2_bits[] = { VMX_EXIT2_CONTROLS(CONTROL_ROW) };
static const struct control_bit entry_bits[] = { VMX_ENTRY_CONTROLS(CONTROL_ROW) };

#undef CONTROL_ROW

/* One row per control word: SDM 25.6-25.8 and Appendix A.3-A.5. */
static const struct {
	const char *name;
	uint32_t msr;
	uint32_t true_msr;
	uint32_t default1;	/* the word's "default1" class (A.2); 0 for words without TRUE MSRs */
	const struct control_bit *bits;
	unsigned nr_bits;
} control_words[VMX_NR_CONTROL_WORDS] = {
	[VMX_PINBASED] = { "pin-based VM-execution controls",
		MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		BIT(1) | BIT(2) | BIT(4), pin_bits, ARRAY_LEN(pin_bits) },
	[VMX_PROCBASED] = { "primary processor-based VM-execution controls",
		MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		BIT(1) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(13) | BIT(14) | BIT(15) | BIT(16) | BIT(26),
		cpu_bits, ARRAY_LEN(cpu_bits) },
	[VMX_PROCBASED2] = { "secondary processor-based VM-execution controls",
		MSR_IA32_VMX_PROCBASED_CTLS2, 0,
		0, cpu2_bits, ARRAY_LEN(cpu2_bits) },
	[VMX_EXIT] = { "primary VM-exit controls",
		MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
		BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(10) |
		BIT(11) | BIT(13) | BIT(14) | BIT(16) | BIT(17), exit_bits, ARRAY_LEN(exit_bits) },
	[VMX_ENTRY] = { "VM-entry controls",
		MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
		BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(12),
		entry_bits, ARRAY_LEN(entry_bits) },
	[VMX_PROCBASED3] = { "tertiary processor-based VM-execution controls",
		MSR_IA32_VMX_PROCBASED_CTLS3, 0,
		0, cpu3_bits, ARRAY_LEN(cpu3_bits) },
	[VMX_EXIT2] = { "secondary VM-exit controls",
		MSR_IA32_VMX_EXIT_CTLS2, 0,
		0, exit2_bits, ARRAY_LEN(exit2_bits) },
};

const char *vmx_control_name(enum vmx_control_word w, uint32_t mask)
{
	if ((unsigned)w >= VMX_NR_CONTROL_WORDS || !mask || (mask & (mask - 1)))
		return NULL;
	unsigned bit = (unsigned)__builtin_ctz(mask);
	for (unsigned i = 0; i < control_words[w].nr_bits; i++)
		if (control_words[w].bits[i].bit == bit)
			return control_words[w].bits[i].name;
	return NULL;
}

const char *vmx_control_word_name(enum vmx_control_word w)
{
	return (unsigned)w < VMX_NR_CONTROL_WORDS ? control_words[w].name : "?";
}

uint32_t vmx_control_word_msr(enum vmx_control_word w)
{
	return (unsigned)w < VMX_NR_CONTROL_WORDS ? control_words[w].msr : 0;
}

uint32_t vmx_control_word_true_msr(enum vmx_control_word w)
{
	return (unsigned)w < VMX_NR_CONTROL_WORDS ? control_words[w].true_msr : 0;
}

uint32_t vmx_control_word_default1(enum vmx_control_word w)
{
	return (unsigned)w < VMX_NR_CONTROL_WORDS ? control_words[w].default1 : 0;
}
