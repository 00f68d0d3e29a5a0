/*
 * One value for "what did the CPU do" when an instruction is tried:
 * it completed, it raised an exception (vector and error code), or, for a
 * VMX instruction, it failed with VMfailInvalid or VMfailValid(n).
 * Every expectation is one comparison of two such values, and every
 * failure message prints both sides decoded.
 */
#ifndef HV_RESULT_H
#define HV_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hv_result_kind {
	HV_OK,			/* the instruction completed */
	HV_EXCEPTION,		/* it raised .vector (with .error_code if .has_error_code) */
	HV_VMFAIL_INVALID,	/* VMX: CF=1 */
	HV_VMFAIL_VALID,	/* VMX: ZF=1, .vm_error = VM-instruction error field */
};

struct hv_result {
	uint8_t kind;
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;	/* exception error code, or VM-instruction error number */
};

#define HV_RESULT_OK		((struct hv_result){ .kind = HV_OK })
#define HV_RESULT_EXC(v)	((struct hv_result){ .kind = HV_EXCEPTION, .vector = (v) })
#define HV_RESULT_EXC_EC(v, ec)	((struct hv_result){ .kind = HV_EXCEPTION, .vector = (v), \
				  .has_error_code = true, .error_code = (ec) })
#define HV_RESULT_VMFAIL_INVALID ((struct hv_result){ .kind = HV_VMFAIL_INVALID })
#define HV_RESULT_VMFAIL_VALID(n) ((struct hv_result){ .kind = HV_VMFAIL_VALID, .error_code = (n) })

/* Shorthands: #GP(0), #UD. */
#define HV_RESULT_GP0		HV_RESULT_EXC_EC(13, 0)
#define HV_RESULT_UD		HV_RESULT_EXC(6)

static inline bool hv_result_ok(struct hv_result r) { return r.kind == HV_OK; }

/*
 * Equal as an expectation: same kind; for exceptions same vector and, when
 * the expectation has an error code, the same error code.
 */
bool hv_result_matches(struct hv_result expected, struct hv_result got);

/* "success", "#GP(0)", "#UD", "VMfailInvalid", "VMfailValid(15) VMXON_IN_VMX_ROOT". */
const char *hv_result_str(struct hv_result r, char *buf, size_t size);

/* Names VM-instruction error numbers in hv_result_str (set by the VMX layer). */
void hv_result_set_vmfail_namer(const char *(*namer)(unsigned error));

/* Exception mnemonic, e.g. "GP" for 13; "vector-N" buffers are not needed: unknown -> "??". */
const char *exception_mnemonic(unsigned vector);

#endif
