/* Decoding and comparing hv_result values. */
#include "result.h"
#include "libc.h"

static const char *(*vmfail_namer)(unsigned error);

void hv_result_set_vmfail_namer(const char *(*namer)(unsigned error))
{
	vmfail_namer = namer;
}

const char *exception_mnemonic(unsigned vector)
{
	static const char *const names[32] = {
		"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "CSO",
		"TS", "NP", "SS", "GP", "PF", NULL, "MF", "AC", "MC", "XM",
		"VE", "CP", NULL, NULL, NULL, NULL, NULL, NULL, "HV", "VC", "SX", NULL,
	};
	return vector < 32 && names[vector] ? names[vector] : NULL;
}

bool hv_result_matches(struct hv_result expected, struct hv_result got)
{
	if (expected.kind != got.kind)
		return false;
	switch (expected.kind) {
	case HV_EXCEPTION:
		return expected.vector == got.vector &&
		       (!expected.has_error_code ||
			(got.has_error_code && expected.error_code == got.error_code));
	case HV_VMFAIL_VALID:
		return expected.error_code == got.error_code;
	default:
		return true;
	}
}

const char *hv_result_str(struct hv_result r, char *buf, size_t size)
{
	const char *mn;

	switch (r.kind) {
	case HV_OK:
		snprintf(buf, size, "success");
		break;
	case HV_EXCEPTION:
		mn = exception_mnemonic(r.vector);
		if (mn && r.has_error_code)
			snprintf(buf, size, "#%s(%#x)", mn, r.error_code);
		else if (mn)
			snprintf(buf, size, "#%s", mn);
		else if (r.has_error_code)
			snprintf(buf, size, "vector %u(%#x)", r.vector, r.error_code);
		else
			snprintf(buf, size, "vector %u", r.vector);
		break;
	case HV_VMFAIL_INVALID:
		snprintf(buf, size, "VMfailInvalid");
		break;
	case HV_VMFAIL_VALID:
		snprintf(buf, size, "VMfailValid(%u)%s%s", r.error_code,
			 vmfail_namer ? " " : "", vmfail_namer ? vmfail_namer(r.error_code) : "");
		break;
	default:
		snprintf(buf, size, "invalid result kind %u", r.kind);
	}
	return buf;
}
