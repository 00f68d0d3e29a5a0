/*
 * AMD SVM architectural numbers other than the VMCB layout: #VMEXIT codes,
 * CPUID Fn8000_000A, the SVM MSRs, the EXITINFO formats and the I/O and MSR
 * permission maps.
 *
 * Source: AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593),
 * chapter 15 and Appendix C; Vol. 3 (pub. 24594) Appendix E for CPUID.
 * The section of each group is named above it.
 */
#ifndef HV_SVM_DEFS_H
#define HV_SVM_DEFS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "report.h"

/* ------------------------------------------------------------------------
 * #VMEXIT codes, the EXITCODE field at VMCB 070h (APM Vol. 2 Appendix C,
 * Table C-1 "SVM Intercept Codes").  EXITCODE is 64 bits wide: the error
 * codes below are negative numbers in all 64 bits.
 * ---------------------------------------------------------------------- */
/* CR and DR accesses (MOV CRn / MOV DRn, also CLTS, LMSW, SMSW for CR0), exception
 * intercepts (040h + vector; vectors 2 and 9 do nothing, APM 15.12: NMIs exit through
 * VMEXIT_NMI), the instruction and event intercepts, and the error codes VMRUN stores
 * when it does not enter the guest (negative in all 64 bits).  X(NAME, code): the one
 * list, from which the VMEXIT_NAME constants and svm_exit_name() are generated.
 */
#define SVM_EXIT_CODES(X)							\
	X(CR0_READ, 0x000)							\
	X(CR1_READ, 0x001)							\
	X(CR2_READ, 0x002)							\
	X(CR3_READ, 0x003)							\
	X(CR4_READ, 0x004)							\
	X(CR5_READ, 0x005)							\
	X(CR6_READ, 0x006)							\
	X(CR7_READ, 0x007)							\
	X(CR8_READ, 0x008)							\
	X(CR9_READ, 0x009)							\
	X(CR10_READ, 0x00a)							\
	X(CR11_READ, 0x00b)							\
	X(CR12_READ, 0x00c)							\
	X(CR13_READ, 0x00d)							\
	X(CR14_READ, 0x00e)							\
	X(CR15_READ, 0x00f)							\
	X(CR0_WRITE, 0x010)							\
	X(CR1_WRITE, 0x011)							\
	X(CR2_WRITE, 0x012)							\
	X(CR3_WRITE, 0x013)							\
	X(CR4_WRITE, 0x014)							\
	X(CR5_WRITE, 0x015)							\
	X(CR6_WRITE, 0x016)							\
	X(CR7_WRITE, 0x017)							\
	X(CR8_WRITE, 0x018)							\
	X(CR9_WRITE, 0x019)							\
	X(CR10_WRITE, 0x01a)							\
	X(CR11_WRITE, 0x01b)							\
	X(CR12_WRITE, 0x01c)							\
	X(CR13_WRITE, 0x01d)							\
	X(CR14_WRITE, 0x01e)							\
	X(CR15_WRITE, 0x01f)							\
	X(DR0_READ, 0x020)							\
	X(DR1_READ, 0x021)							\
	X(DR2_READ, 0x022)							\
	X(DR3_READ, 0x023)							\
	X(DR4_READ, 0x024)							\
	X(DR5_READ, 0x025)							\
	X(DR6_READ, 0x026)							\
	X(DR7_READ, 0x027)							\
	X(DR8_READ, 0x028)							\
	X(DR9_READ, 0x029)							\
	X(DR10_READ, 0x02a)							\
	X(DR11_READ, 0x02b)							\
	X(DR12_READ, 0x02c)							\
	X(DR13_READ, 0x02d)							\
	X(DR14_READ, 0x02e)							\
	X(DR15_READ, 0x02f)							\
	X(DR0_WRITE, 0x030)							\
	X(DR1_WRITE, 0x031)							\
	X(DR2_WRITE, 0x032)							\
	X(DR3_WRITE, 0x033)							\
	X(DR4_WRITE, 0x034)							\
	X(DR5_WRITE, 0x035)							\
	X(DR6_WRITE, 0x036)							\
	X(DR7_WRITE, 0x037)							\
	X(DR8_WRITE, 0x038)							\
	X(DR9_WRITE, 0x039)							\
	X(DR10_WRITE, 0x03a)							\
	X(DR11_WRITE, 0x03b)							\
	X(DR12_WRITE, 0x03c)							\
	X(DR13_WRITE, 0x03d)							\
	X(DR14_WRITE, 0x03e)							\
	X(DR15_WRITE, 0x03f)							\
	X(EXCP_DE, 0x040)							\
	X(EXCP_DB, 0x041)							\
	X(EXCP_2, 0x042) /* vector without a mnemonic */			\
	X(EXCP_BP, 0x043)							\
	X(EXCP_OF, 0x044)							\
	X(EXCP_BR, 0x045)							\
	X(EXCP_UD, 0x046)							\
	X(EXCP_NM, 0x047)							\
	X(EXCP_DF, 0x048)							\
	X(EXCP_9, 0x049) /* vector without a mnemonic */			\
	X(EXCP_TS, 0x04a)							\
	X(EXCP_NP, 0x04b)							\
	X(EXCP_SS, 0x04c)							\
	X(EXCP_GP, 0x04d)							\
	X(EXCP_PF, 0x04e)							\
	X(EXCP_15, 0x04f) /* vector without a mnemonic */			\
	X(EXCP_MF, 0x050)							\
	X(EXCP_AC, 0x051)							\
	X(EXCP_MC, 0x052)							\
	X(EXCP_XF, 0x053)							\
	X(EXCP_20, 0x054) /* vector without a mnemonic */			\
	X(EXCP_CP, 0x055)							\
	X(EXCP_22, 0x056) /* vector without a mnemonic */			\
	X(EXCP_23, 0x057) /* vector without a mnemonic */			\
	X(EXCP_24, 0x058) /* vector without a mnemonic */			\
	X(EXCP_25, 0x059) /* vector without a mnemonic */			\
	X(EXCP_26, 0x05a) /* vector without a mnemonic */			\
	X(EXCP_27, 0x05b) /* vector without a mnemonic */			\
	X(EXCP_HV, 0x05c)							\
	X(EXCP_VC, 0x05d)							\
	X(EXCP_SX, 0x05e)							\
	X(EXCP_31, 0x05f) /* vector without a mnemonic */			\
	X(INTR, 0x060) /* physical INTR */					\
	X(NMI, 0x061) /* physical NMI */					\
	X(SMI, 0x062) /* physical SMI */					\
	X(INIT, 0x063) /* physical INIT */					\
	X(VINTR, 0x064) /* virtual INTR */					\
	X(CR0_SEL_WRITE, 0x065) /* CR0 write changing bits other than TS, MP */	\
	X(IDTR_READ, 0x066)							\
	X(GDTR_READ, 0x067)							\
	X(LDTR_READ, 0x068)							\
	X(TR_READ, 0x069)							\
	X(IDTR_WRITE, 0x06a)							\
	X(GDTR_WRITE, 0x06b)							\
	X(LDTR_WRITE, 0x06c)							\
	X(TR_WRITE, 0x06d)							\
	X(RDTSC, 0x06e)								\
	X(RDPMC, 0x06f)								\
	X(PUSHF, 0x070)								\
	X(POPF, 0x071)								\
	X(CPUID, 0x072)								\
	X(RSM, 0x073)								\
	X(IRET, 0x074)								\
	X(SWINT, 0x075) /* INTn instruction */					\
	X(INVD, 0x076)								\
	X(PAUSE, 0x077)								\
	X(HLT, 0x078)								\
	X(INVLPG, 0x079)							\
	X(INVLPGA, 0x07a)							\
	X(IOIO, 0x07b) /* IN/OUT to an intercepted port */			\
	X(MSR, 0x07c) /* RDMSR/WRMSR of an intercepted MSR */			\
	X(TASK_SWITCH, 0x07d)							\
	X(FERR_FREEZE, 0x07e)							\
	X(SHUTDOWN, 0x07f)							\
	X(VMRUN, 0x080)								\
	X(VMMCALL, 0x081)							\
	X(VMLOAD, 0x082)							\
	X(VMSAVE, 0x083)							\
	X(STGI, 0x084)								\
	X(CLGI, 0x085)								\
	X(SKINIT, 0x086)							\
	X(RDTSCP, 0x087)							\
	X(ICEBP, 0x088)								\
	X(WBINVD, 0x089) /* WBINVD or WBNOINVD */				\
	X(MONITOR, 0x08a) /* MONITOR or MONITORX */				\
	X(MWAIT, 0x08b) /* MWAIT or MWAITX */					\
	X(MWAIT_CONDITIONAL, 0x08c) /* MWAIT/MWAITX with the monitor armed */	\
	X(XSETBV, 0x08d)							\
	X(RDPRU, 0x08e)								\
	X(EFER_WRITE_TRAP, 0x08f) /* after a guest EFER write */		\
	X(CR0_WRITE_TRAP, 0x090)						\
	X(CR1_WRITE_TRAP, 0x091)						\
	X(CR2_WRITE_TRAP, 0x092)						\
	X(CR3_WRITE_TRAP, 0x093)						\
	X(CR4_WRITE_TRAP, 0x094)						\
	X(CR5_WRITE_TRAP, 0x095)						\
	X(CR6_WRITE_TRAP, 0x096)						\
	X(CR7_WRITE_TRAP, 0x097)						\
	X(CR8_WRITE_TRAP, 0x098)						\
	X(CR9_WRITE_TRAP, 0x099)						\
	X(CR10_WRITE_TRAP, 0x09a)						\
	X(CR11_WRITE_TRAP, 0x09b)						\
	X(CR12_WRITE_TRAP, 0x09c)						\
	X(CR13_WRITE_TRAP, 0x09d)						\
	X(CR14_WRITE_TRAP, 0x09e)						\
	X(CR15_WRITE_TRAP, 0x09f)						\
	X(INVLPGB, 0x0a0)							\
	X(INVLPGB_ILLEGAL, 0x0a1) /* illegally specified INVLPGB */		\
	X(INVPCID, 0x0a2)							\
	X(MCOMMIT, 0x0a3)							\
	X(TLBSYNC, 0x0a4)							\
	X(BUSLOCK, 0x0a5) /* bus lock with the threshold counter at 0 */	\
	X(IDLE_HLT, 0x0a6) /* HLT with no V_INTR/V_NMI pending */		\
	X(NPF, 0x400) /* nested page fault */					\
	X(AVIC_INCOMPLETE_IPI, 0x401)						\
	X(AVIC_NOACCEL, 0x402) /* unaccelerated vAPIC access */			\
	X(VMGEXIT, 0x403)							\
	X(INVALID, UINT64_C(0xffffffffffffffff)) /* -1: illegal guest state in the VMCB */	\
	X(BUSY, UINT64_C(0xfffffffffffffffe)) /* -2: BUSY bit set in the VMSA */	\
	X(IDLE_REQUIRED, UINT64_C(0xfffffffffffffffd)) /* -3: sibling thread not idle */	\
	X(INVALID_PMC, UINT64_C(0xfffffffffffffffc)) /* -4: invalid PMC state (newer APMs) */

#define SVM_EXIT_ENUM_ENTRY(name, code) VMEXIT_##name = (code),
enum svm_exit_code { SVM_EXIT_CODES(SVM_EXIT_ENUM_ENTRY) };
#undef SVM_EXIT_ENUM_ENTRY

/* Codes from F000_0000h upwards are reserved for the hypervisor's own use. */
#define VMEXIT_SW_BASE		UINT64_C(0xf0000000)
/* hvtest's own: the guest harness stopped a guest that made no exit for its bound (lib/svm/guest.h). */
#define VMEXIT_HARNESS_STOPPED	VMEXIT_SW_BASE

/*
 * Name of an exit code without the VMEXIT_ prefix ("CR3_WRITE", "DR7_READ",
 * "EXCP_PF", "NPF", "INVALID", ...), or "UNKNOWN".  The string is static.
 */
const char *svm_exit_name(uint64_t exit_code);
/* "VMEXIT_NPF (0x400)", "VMEXIT_INVALID (-1)". */
const char *svm_exit_str(uint64_t code, char *buf, unsigned size);
/* A check on an exit code: "<what>: expected VMEXIT_X (..), got VMEXIT_Y (..)". */
#define svm_report_exit(erratum, expected, got, ...) \
	report_decoded_at(REPORT_SITE, (erratum), (expected), (got), svm_exit_str, __VA_ARGS__)

/* ------------------------------------------------------------------------
 * CPUID (APM Vol. 3 Appendix E.4, Fn8000_0001 and Fn8000_000A (E.4.9);
 * Vol. 2 15.4 "Enabling SVM").
 * ---------------------------------------------------------------------- */
/* CPUID 0x80000001 ECX[2] (SVM) and ECX[12] (SKINIT): X86_FEATURE_SVM/SKINIT in lib/cpuid.h. */
#define SVM_CPUID_LEAF		0x8000000au
#define SVM_CPUID_EAX_REV_MASK	0xffu		/* EAX[7:0] SvmRev */
/* EBX: NASID, the number of address space IDs (ASID 0 is the host's). */
#define SVM_CPUID_ECX_X2AVIC_EXT (1u << 6)	/* x2AVIC with up to 4096 vCPUs */

/* EDX bit numbers, with the APM's mnemonic in the comment. */
#define SVM_FEAT_NP			0	/* NP: nested paging */
#define SVM_FEAT_LBRV			1	/* LbrVirt: LBR virtualization */
#define SVM_FEAT_SVML			2	/* SVML: SVM lock (VM_CR.LOCK, SVM_KEY) */
#define SVM_FEAT_NRIPS			3	/* NRIPS: next RIP saved on #VMEXIT */
#define SVM_FEAT_TSC_RATE_MSR		4	/* TscRateMsr: TSC ratio MSR */
#define SVM_FEAT_VMCB_CLEAN		5	/* VmcbClean: VMCB clean bits */
#define SVM_FEAT_FLUSH_BY_ASID		6	/* FlushByAsid: TLB_CONTROL 3 and 7 */
#define SVM_FEAT_DECODE_ASSISTS		7	/* DecodeAssists */
#define SVM_FEAT_PMC_VIRT		8	/* PmcVirt: PMC virtualization */
#define SVM_FEAT_PAUSE_FILTER		10	/* PauseFilter: PAUSE filter count */
#define SVM_FEAT_PAUSE_FILTER_THRESH	12	/* PauseFilterThreshold */
#define SVM_FEAT_AVIC			13	/* AVIC */
#define SVM_FEAT_VMSAVE_VIRT		15	/* VMSAVEvirt: VMSAVE/VMLOAD virtualization */
#define SVM_FEAT_VGIF			16	/* VGIF: virtual GIF */
#define SVM_FEAT_GMET			17	/* GMET: guest mode execute trap */
#define SVM_FEAT_X2AVIC			18	/* x2AVIC */
#define SVM_FEAT_SSS_CHECK		19	/* SSSCheck: supervisor shadow stack checks */
#define SVM_FEAT_SPEC_CTRL		20	/* SpecCtrl: SPEC_CTRL virtualization */
#define SVM_FEAT_ROGPT			21	/* ROGPT: read-only guest page tables */
#define SVM_FEAT_HOST_MCE_OVERRIDE	23	/* HOST_MCE_OVERRIDE: guest #MC exits, no shutdown */
#define SVM_FEAT_TLBI_CTL		24	/* TlbiCtl: INVLPGB/TLBSYNC enable and intercept */
#define SVM_FEAT_VNMI			25	/* VNMI: NMI virtualization */
#define SVM_FEAT_IBS_VIRT		26	/* IbsVirt: IBS virtualization */
#define SVM_FEAT_EXT_LVT_AVIC_ACCESS	27	/* ExtLvtAvicAccessChg */
#define SVM_FEAT_VMCB_ADDR_CHK		28	/* NestedVirtVmcbAddrChk: guest VMCB address check */
#define SVM_FEAT_BUS_LOCK_THRESHOLD	29	/* BusLockThreshold */
#define SVM_FEAT_IDLE_HLT		30	/* IdleHltIntercept */
#define SVM_FEAT_MASK(bit)		(1u << (bit))

struct svm_feature_desc {
	uint8_t bit;		/* bit number in CPUID 8000_000A EDX */
	const char *name;	/* the APM mnemonic */
};

/* Every EDX bit the APM names, in bit order. */
extern const struct svm_feature_desc svm_feature_table[];
extern const unsigned int svm_feature_table_len;

/* APM mnemonic of EDX bit 'bit', or "UNKNOWN" for a bit the APM does not name. */
const char *svm_feature_name(unsigned int bit);

/* ------------------------------------------------------------------------
 * MSRs (APM Vol. 2 15.30 "SVM Related MSRs" including the TSC ratio MSR,
 * 15.31 "SVM-Lock", 15.29 AVIC doorbell).
 * ---------------------------------------------------------------------- */
/* EFER and EFER.SVME (bit 12): MSR_EFER and EFER_SVME in lib/cpuid.h, lib/processor.h. */
#define SVM_MSR_TSC_RATIO	0xc0000104u	/* guest TSC ratio, CPUID TscRateMsr */
#define SVM_TSC_RATIO_DEFAULT	UINT64_C(0x0000000100000000)	/* 1.0: bits 39:32 int, 31:0 frac */
#define SVM_TSC_RATIO_RSVD	UINT64_C(0xffffff0000000000)	/* bits 63:40 MBZ */

#define SVM_MSR_VM_CR		0xc0010114u
#define SVM_VM_CR_DPD		(UINT64_C(1) << 0)	/* debug port disable */
#define SVM_VM_CR_R_INIT	(UINT64_C(1) << 1)	/* INIT becomes #SX */
#define SVM_VM_CR_DIS_A20M	(UINT64_C(1) << 2)	/* A20 masking disabled */
#define SVM_VM_CR_LOCK		(UINT64_C(1) << 3)	/* LOCK and SVMDIS read-only */
#define SVM_VM_CR_SVMDIS	(UINT64_C(1) << 4)	/* EFER.SVME becomes MBZ */

#define SVM_MSR_IGNNE		0xc0010115u
#define SVM_MSR_SMM_CTL		0xc0010116u
#define SVM_MSR_VM_HSAVE_PA	0xc0010117u	/* host save area, 4 KB aligned */
#define SVM_MSR_SVM_KEY		0xc0010118u	/* SVM-Lock key (CPUID SVML) */
#define SVM_MSR_AVIC_DOORBELL	0xc001011bu

/* ------------------------------------------------------------------------
 * EXITINFO formats (APM Vol. 2 15.8-15.14, 15.25.6).
 * ---------------------------------------------------------------------- */

/* CR and DR intercepts with DecodeAssists (APM ch. 15 "Decode Assists"). */
#define SVM_EXITINFO1_GPR_MASK		UINT64_C(0xf)	/* GPR number of MOV CR/DR */
#define SVM_EXITINFO1_CR_MOV		(UINT64_C(1) << 63)	/* MOV CRn (not CLTS/LMSW/SMSW) */

/* MSR intercept (15.11). */
#define SVM_EXITINFO1_MSR_RDMSR		0
#define SVM_EXITINFO1_MSR_WRMSR		1

/* SMI intercept (15.13.3): bit 0 set for an external SMI. */
#define SVM_EXITINFO1_SMI_EXTERNAL	(UINT64_C(1) << 0)

/* Task switch (15.14.1): EXITINFO1 = target TSS selector; EXITINFO2: */
#define SVM_EXITINFO2_TS_ERRCODE_MASK	UINT64_C(0xffffffff)	/* error code to push */
#define SVM_EXITINFO2_TS_IRET		(UINT64_C(1) << 36)
#define SVM_EXITINFO2_TS_JMP		(UINT64_C(1) << 38)
#define SVM_EXITINFO2_TS_HAS_ERRCODE	(UINT64_C(1) << 44)

/*
 * IOIO intercept, EXITINFO1 (15.10.2, Figure 15-2).  EXITINFO2 holds the rIP
 * of the instruction after the IN/OUT.
 */
#define SVM_IOIO_TYPE_IN	(1u << 0)	/* 1 = IN, 0 = OUT */
#define SVM_IOIO_STR		(1u << 2)	/* INS/OUTS */
#define SVM_IOIO_REP		(1u << 3)
#define SVM_IOIO_SZ8		(1u << 4)
#define SVM_IOIO_SZ16		(1u << 5)
#define SVM_IOIO_SZ32		(1u << 6)
#define SVM_IOIO_A16		(1u << 7)
#define SVM_IOIO_A32		(1u << 8)
#define SVM_IOIO_A64		(1u << 9)
#define SVM_IOIO_SEG_SHIFT	10		/* bits 12:10, effective segment */
#define SVM_IOIO_SEG_MASK	(7u << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_PORT_SHIFT	16		/* bits 31:16 */
#define SVM_IOIO_PORT_MASK	(0xffffu << SVM_IOIO_PORT_SHIFT)

static inline uint16_t svm_ioio_port(uint64_t info1)
{
	return (uint16_t)(info1 >> SVM_IOIO_PORT_SHIFT);
}

/* Operand size in bytes (1, 2 or 4), 0 if no size bit is set. */
static inline unsigned int svm_ioio_size(uint64_t info1)
{
	if (info1 & SVM_IOIO_SZ8)
		return 1;
	if (info1 & SVM_IOIO_SZ16)
		return 2;
	if (info1 & SVM_IOIO_SZ32)
		return 4;
	return 0;
}

/*
 * Nested page fault, EXITINFO1 (15.25.6; SEV-SNP bits 15.36.10).  EXITINFO2
 * holds the faulting guest physical address.  Bits 4:0 follow the #PF error
 * code.
 */
#define SVM_NPF_P		(UINT64_C(1) << 0)	/* the nested entry was present */
#define SVM_NPF_RW		(UINT64_C(1) << 1)	/* write (guest table walks count as writes) */
#define SVM_NPF_US		(UINT64_C(1) << 2)	/* user access (the nested walk is user) */
#define SVM_NPF_RSV		(UINT64_C(1) << 3)	/* reserved bit set in a nested entry */
#define SVM_NPF_ID		(UINT64_C(1) << 4)	/* code fetch */
#define SVM_NPF_RMP		(UINT64_C(1) << 31)	/* SEV-SNP RMP check failed */
#define SVM_NPF_FINAL		(UINT64_C(1) << 32)	/* translating the final guest physical address */
#define SVM_NPF_GPT		(UINT64_C(1) << 33)	/* translating a guest page table */
#define SVM_NPF_ENC		(UINT64_C(1) << 34)	/* guest's effective C-bit was 1 */
#define SVM_NPF_SIZEM		(UINT64_C(1) << 35)	/* PVALIDATE/RMPADJUST size mismatch */
#define SVM_NPF_VMPL		(UINT64_C(1) << 36)	/* VMPL permission check failed */

/* ------------------------------------------------------------------------
 * I/O permission map (15.10.1): 12 KB, physically contiguous, 4 KB aligned.
 * One bit per port, bit n = port n; a set bit intercepts.  64K + 3 bits are
 * used (two pages and the first 3 bits of the third), so that a 2- or 4-byte
 * access starting near port FFFFh finds the bits of the ports past FFFFh.
 * A multi-byte access is intercepted if any of its ports' bits is set.
 * ---------------------------------------------------------------------- */
#define SVM_IOPM_SIZE		0x3000u
#define SVM_IOPM_USED_BITS	(0x10000u + 3u)

static inline void svm_iopm_locate(uint32_t port, uint32_t *byte, unsigned int *bit)
{
	*byte = port >> 3;
	*bit = port & 7;
}

/* ------------------------------------------------------------------------
 * MSR permission map (15.11, Table 15-8): 8 KB, physically contiguous,
 * 4 KB aligned.  Three 2 KB vectors, each for 8K MSRs, 2 bits per MSR: the
 * lower (even) bit intercepts RDMSR, the upper (odd) bit WRMSR.  1800h-1FFFh
 * is reserved.  MSRs outside the three ranges are always intercepted while
 * MSR_PROT is set.
 * ---------------------------------------------------------------------- */
#define SVM_MSRPM_SIZE		0x2000u
#define SVM_MSRPM_RANGE_MSRS	0x2000u		/* MSRs per range */
#define SVM_MSRPM_RANGE_BYTES	0x800u		/* bytes per range */
#define SVM_MSRPM_RANGE0_BASE	0x00000000u	/* MSRs 0000_0000h-0000_1FFFh at 000h */
#define SVM_MSRPM_RANGE1_BASE	0xc0000000u	/* MSRs C000_0000h-C000_1FFFh at 800h */
#define SVM_MSRPM_RANGE2_BASE	0xc0010000u	/* MSRs C001_0000h-C001_1FFFh at 1000h */

/*
 * Where the permission bits of 'msr' are: the byte offset in the MSRPM and
 * the bit number (0, 2, 4 or 6) of the read bit in that byte; the write bit
 * is *bit + 1.  False for an MSR the map does not cover.
 */
static inline bool svm_msrpm_locate(uint32_t msr, uint32_t *byte, unsigned int *bit)
{
	uint32_t range_off, index;

	if (msr - SVM_MSRPM_RANGE0_BASE < SVM_MSRPM_RANGE_MSRS)
		range_off = 0 * SVM_MSRPM_RANGE_BYTES;
	else if (msr - SVM_MSRPM_RANGE1_BASE < SVM_MSRPM_RANGE_MSRS)
		range_off = 1 * SVM_MSRPM_RANGE_BYTES;
	else if (msr - SVM_MSRPM_RANGE2_BASE < SVM_MSRPM_RANGE_MSRS)
		range_off = 2 * SVM_MSRPM_RANGE_BYTES;
	else
		return false;

	index = msr & (SVM_MSRPM_RANGE_MSRS - 1);
	*byte = range_off + index / 4;
	*bit = (index % 4) * 2;
	return true;
}

#endif /* HV_SVM_DEFS_H */
