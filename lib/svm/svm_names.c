/*
 * Names for SVM exit codes (APM Vol. 2 Appendix C, Table C-1) and for the
 * CPUID Fn8000_000A EDX feature bits (APM Vol. 3 Appendix E.4.9).
 *
 * Including vmcb.h here makes every build of the SVM layer run the VMCB
 * layout checks.
 */
#include "svm_defs.h"
#include "vmcb.h"
#include "libc.h"

/* Generated from the one list, SVM_EXIT_CODES (svm_defs.h). */
static const struct {
	uint64_t code;
	const char *name;
} exit_names[] = {
#define SVM_EXIT_NAME_ROW(name, code) { (code), #name },
	SVM_EXIT_CODES(SVM_EXIT_NAME_ROW)
#undef SVM_EXIT_NAME_ROW
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *svm_exit_name(uint64_t code)
{
	for (unsigned i = 0; i < ARRAY_LEN(exit_names); i++)
		if (exit_names[i].code == code)
			return exit_names[i].name;
	return "UNKNOWN";
}

/* CPUID Fn8000_000A EDX, with the APM Vol. 3 E.4.9 mnemonics. */
const struct svm_feature_desc svm_feature_table[] = {
	{ SVM_FEAT_NP,			"NP" },
	{ SVM_FEAT_LBRV,		"LbrVirt" },
	{ SVM_FEAT_SVML,		"SVML" },
	{ SVM_FEAT_NRIPS,		"NRIPS" },
	{ SVM_FEAT_TSC_RATE_MSR,	"TscRateMsr" },
	{ SVM_FEAT_VMCB_CLEAN,		"VmcbClean" },
	{ SVM_FEAT_FLUSH_BY_ASID,	"FlushByAsid" },
	{ SVM_FEAT_DECODE_ASSISTS,	"DecodeAssists" },
	{ SVM_FEAT_PMC_VIRT,		"PmcVirt" },
	{ SVM_FEAT_PAUSE_FILTER,	"PauseFilter" },
	{ SVM_FEAT_PAUSE_FILTER_THRESH,	"PauseFilterThreshold" },
	{ SVM_FEAT_AVIC,		"AVIC" },
	{ SVM_FEAT_VMSAVE_VIRT,		"VMSAVEvirt" },
	{ SVM_FEAT_VGIF,		"VGIF" },
	{ SVM_FEAT_GMET,		"GMET" },
	{ SVM_FEAT_X2AVIC,		"x2AVIC" },
	{ SVM_FEAT_SSS_CHECK,		"SSSCheck" },
	{ SVM_FEAT_SPEC_CTRL,		"SpecCtrl" },
	{ SVM_FEAT_ROGPT,		"ROGPT" },
	{ SVM_FEAT_HOST_MCE_OVERRIDE,	"HOST_MCE_OVERRIDE" },
	{ SVM_FEAT_TLBI_CTL,		"TlbiCtl" },
	{ SVM_FEAT_VNMI,		"VNMI" },
	{ SVM_FEAT_IBS_VIRT,		"IbsVirt" },
	{ SVM_FEAT_EXT_LVT_AVIC_ACCESS,	"ExtLvtAvicAccessChg" },
	{ SVM_FEAT_VMCB_ADDR_CHK,	"NestedVirtVmcbAddrChk" },
	{ SVM_FEAT_BUS_LOCK_THRESHOLD,	"BusLockThreshold" },
	{ SVM_FEAT_IDLE_HLT,		"IdleHltIntercept" },
};

const unsigned int svm_feature_table_len = ARRAY_LEN(svm_feature_table);

const char *svm_feature_name(unsigned int bit)
{
	for (unsigned int i = 0; i < ARRAY_LEN(svm_feature_table); i++)
		if (svm_feature_table[i].bit == bit)
			return svm_feature_table[i].name;
	return "UNKNOWN";
}

const char *svm_exit_str(uint64_t code, char *buf, unsigned size)
{
	if (code == VMEXIT_HARNESS_STOPPED)
		snprintf(buf, size, "stopped by the harness: no exit within the bound");
	else if ((int64_t)code < 0)
		snprintf(buf, size, "VMEXIT_%s (%lld)", svm_exit_name(code), (long long)code);
	else
		snprintf(buf, size, "VMEXIT_%s (%#llx)", svm_exit_name(code), (unsigned long long)code);
	return buf;
}
