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

static const char *const cr_read_names[16] = {
	"CR0_READ", "CR1_READ", "CR2_READ", "CR3_READ",
	"CR4_READ", "CR5_READ", "CR6_READ", "CR7_READ",
	"CR8_READ", "CR9_READ", "CR10_READ", "CR11_READ",
	"CR12_READ", "CR13_READ", "CR14_READ", "CR15_READ",
};
static const char *const cr_write_names[16] = {
	"CR0_WRITE", "CR1_WRITE", "CR2_WRITE", "CR3_WRITE",
	"CR4_WRITE", "CR5_WRITE", "CR6_WRITE", "CR7_WRITE",
	"CR8_WRITE", "CR9_WRITE", "CR10_WRITE", "CR11_WRITE",
	"CR12_WRITE", "CR13_WRITE", "CR14_WRITE", "CR15_WRITE",
};
static const char *const dr_read_names[16] = {
	"DR0_READ", "DR1_READ", "DR2_READ", "DR3_READ",
	"DR4_READ", "DR5_READ", "DR6_READ", "DR7_READ",
	"DR8_READ", "DR9_READ", "DR10_READ", "DR11_READ",
	"DR12_READ", "DR13_READ", "DR14_READ", "DR15_READ",
};
static const char *const dr_write_names[16] = {
	"DR0_WRITE", "DR1_WRITE", "DR2_WRITE", "DR3_WRITE",
	"DR4_WRITE", "DR5_WRITE", "DR6_WRITE", "DR7_WRITE",
	"DR8_WRITE", "DR9_WRITE", "DR10_WRITE", "DR11_WRITE",
	"DR12_WRITE", "DR13_WRITE", "DR14_WRITE", "DR15_WRITE",
};
/* Vectors without an AMD mnemonic are named by number. */
static const char *const excp_names[32] = {
	"EXCP_DE", "EXCP_DB", "EXCP_2", "EXCP_BP",
	"EXCP_OF", "EXCP_BR", "EXCP_UD", "EXCP_NM",
	"EXCP_DF", "EXCP_9", "EXCP_TS", "EXCP_NP",
	"EXCP_SS", "EXCP_GP", "EXCP_PF", "EXCP_15",
	"EXCP_MF", "EXCP_AC", "EXCP_MC", "EXCP_XF",
	"EXCP_20", "EXCP_CP", "EXCP_22", "EXCP_23",
	"EXCP_24", "EXCP_25", "EXCP_26", "EXCP_27",
	"EXCP_HV", "EXCP_VC", "EXCP_SX", "EXCP_31",
};
/* 060h-0A6h, indexed by code - 060h. */
static const char *const misc_names[0xa7 - 0x60] = {
	[0x060 - 0x60] = "INTR",
	[0x061 - 0x60] = "NMI",
	[0x062 - 0x60] = "SMI",
	[0x063 - 0x60] = "INIT",
	[0x064 - 0x60] = "VINTR",
	[0x065 - 0x60] = "CR0_SEL_WRITE",
	[0x066 - 0x60] = "IDTR_READ",
	[0x067 - 0x60] = "GDTR_READ",
	[0x068 - 0x60] = "LDTR_READ",
	[0x069 - 0x60] = "TR_READ",
	[0x06a - 0x60] = "IDTR_WRITE",
	[0x06b - 0x60] = "GDTR_WRITE",
	[0x06c - 0x60] = "LDTR_WRITE",
	[0x06d - 0x60] = "TR_WRITE",
	[0x06e - 0x60] = "RDTSC",
	[0x06f - 0x60] = "RDPMC",
	[0x070 - 0x60] = "PUSHF",
	[0x071 - 0x60] = "POPF",
	[0x072 - 0x60] = "CPUID",
	[0x073 - 0x60] = "RSM",
	[0x074 - 0x60] = "IRET",
	[0x075 - 0x60] = "SWINT",
	[0x076 - 0x60] = "INVD",
	[0x077 - 0x60] = "PAUSE",
	[0x078 - 0x60] = "HLT",
	[0x079 - 0x60] = "INVLPG",
	[0x07a - 0x60] = "INVLPGA",
	[0x07b - 0x60] = "IOIO",
	[0x07c - 0x60] = "MSR",
	[0x07d - 0x60] = "TASK_SWITCH",
	[0x07e - 0x60] = "FERR_FREEZE",
	[0x07f - 0x60] = "SHUTDOWN",
	[0x080 - 0x60] = "VMRUN",
	[0x081 - 0x60] = "VMMCALL",
	[0x082 - 0x60] = "VMLOAD",
	[0x083 - 0x60] = "VMSAVE",
	[0x084 - 0x60] = "STGI",
	[0x085 - 0x60] = "CLGI",
	[0x086 - 0x60] = "SKINIT",
	[0x087 - 0x60] = "RDTSCP",
	[0x088 - 0x60] = "ICEBP",
	[0x089 - 0x60] = "WBINVD",
	[0x08a - 0x60] = "MONITOR",
	[0x08b - 0x60] = "MWAIT",
	[0x08c - 0x60] = "MWAIT_CONDITIONAL",
	[0x08d - 0x60] = "XSETBV",
	[0x08e - 0x60] = "RDPRU",
	[0x08f - 0x60] = "EFER_WRITE_TRAP",
	[0x090 - 0x60] = "CR0_WRITE_TRAP",
	[0x091 - 0x60] = "CR1_WRITE_TRAP",
	[0x092 - 0x60] = "CR2_WRITE_TRAP",
	[0x093 - 0x60] = "CR3_WRITE_TRAP",
	[0x094 - 0x60] = "CR4_WRITE_TRAP",
	[0x095 - 0x60] = "CR5_WRITE_TRAP",
	[0x096 - 0x60] = "CR6_WRITE_TRAP",
	[0x097 - 0x60] = "CR7_WRITE_TRAP",
	[0x098 - 0x60] = "CR8_WRITE_TRAP",
	[0x099 - 0x60] = "CR9_WRITE_TRAP",
	[0x09a - 0x60] = "CR10_WRITE_TRAP",
	[0x09b - 0x60] = "CR11_WRITE_TRAP",
	[0x09c - 0x60] = "CR12_WRITE_TRAP",
	[0x09d - 0x60] = "CR13_WRITE_TRAP",
	[0x09e - 0x60] = "CR14_WRITE_TRAP",
	[0x09f - 0x60] = "CR15_WRITE_TRAP",
	[0x0a0 - 0x60] = "INVLPGB",
	[0x0a1 - 0x60] = "INVLPGB_ILLEGAL",
	[0x0a2 - 0x60] = "INVPCID",
	[0x0a3 - 0x60] = "MCOMMIT",
	[0x0a4 - 0x60] = "TLBSYNC",
	[0x0a5 - 0x60] = "BUSLOCK",
	[0x0a6 - 0x60] = "IDLE_HLT",
};
/* 400h-403h, indexed by code - 400h. */
static const char *const hi_names[4] = {
	[0x400 - 0x400] = "NPF",
	[0x401 - 0x400] = "AVIC_INCOMPLETE_IPI",
	[0x402 - 0x400] = "AVIC_NOACCEL",
	[0x403 - 0x400] = "VMGEXIT",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *svm_exit_name(uint64_t code)
{
	const char *name = NULL;

	if (code < 0x10)
		name = cr_read_names[code];
	else if (code < 0x20)
		name = cr_write_names[code - 0x10];
	else if (code < 0x30)
		name = dr_read_names[code - 0x20];
	else if (code < 0x40)
		name = dr_write_names[code - 0x30];
	else if (code < 0x60)
		name = excp_names[code - 0x40];
	else if (code < 0x60 + ARRAY_LEN(misc_names))
		name = misc_names[code - 0x60];
	else if (code >= 0x400 && code < 0x400 + ARRAY_LEN(hi_names))
		name = hi_names[code - 0x400];
	else if (code == VMEXIT_INVALID)
		name = "INVALID";
	else if (code == VMEXIT_BUSY)
		name = "BUSY";
	else if (code == VMEXIT_IDLE_REQUIRED)
		name = "IDLE_REQUIRED";
	else if (code == VMEXIT_INVALID_PMC)
		name = "INVALID_PMC";

	return name ? name : "UNKNOWN";
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
