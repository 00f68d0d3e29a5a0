/*
 * VMX architectural numbers and their names: basic exit reasons,
 * VM-instruction error numbers, the bits of every VM-execution, VM-exit and
 * VM-entry control word, the VMX capability MSRs and their bit fields, and
 * the exit-reason and EPT-violation exit-qualification formats.
 *
 * Lists that need both a constant and a name are kept once, as X-macros,
 * and expanded into the enum here and into the name tables in vmx_names.c.
 */
#ifndef HV_VMX_NAMES_H
#define HV_VMX_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Basic exit reasons: SDM Vol. 3C, Appendix C "VMX Basic Exit Reasons",
 * Table C-1.  X(number, NAME); numbers not listed (35, 38, 42, 71, 82, 83)
 * are not defined by the SDM.
 */
#define VMX_EXIT_REASONS(X)						\
	X(0,  EXCEPTION_NMI)						\
	X(1,  EXTERNAL_INTERRUPT)					\
	X(2,  TRIPLE_FAULT)						\
	X(3,  INIT_SIGNAL)						\
	X(4,  SIPI)							\
	X(5,  IO_SMI)							\
	X(6,  OTHER_SMI)						\
	X(7,  INTERRUPT_WINDOW)						\
	X(8,  NMI_WINDOW)						\
	X(9,  TASK_SWITCH)						\
	X(10, CPUID)							\
	X(11, GETSEC)							\
	X(12, HLT)							\
	X(13, INVD)							\
	X(14, INVLPG)							\
	X(15, RDPMC)							\
	X(16, RDTSC)							\
	X(17, RSM)							\
	X(18, VMCALL)							\
	X(19, VMCLEAR)							\
	X(20, VMLAUNCH)							\
	X(21, VMPTRLD)							\
	X(22, VMPTRST)							\
	X(23, VMREAD)							\
	X(24, VMRESUME)							\
	X(25, VMWRITE)							\
	X(26, VMXOFF)							\
	X(27, VMXON)							\
	X(28, CR_ACCESS)						\
	X(29, MOV_DR)							\
	X(30, IO_INSTRUCTION)						\
	X(31, RDMSR)							\
	X(32, WRMSR)							\
	X(33, ENTRY_FAIL_GUEST_STATE)					\
	X(34, ENTRY_FAIL_MSR_LOADING)					\
	X(36, MWAIT)							\
	X(37, MONITOR_TRAP_FLAG)					\
	X(39, MONITOR)							\
	X(40, PAUSE)							\
	X(41, ENTRY_FAIL_MACHINE_CHECK)					\
	X(43, TPR_BELOW_THRESHOLD)					\
	X(44, APIC_ACCESS)						\
	X(45, VIRTUALIZED_EOI)						\
	X(46, GDTR_IDTR_ACCESS)						\
	X(47, LDTR_TR_ACCESS)						\
	X(48, EPT_VIOLATION)						\
	X(49, EPT_MISCONFIG)						\
	X(50, INVEPT)							\
	X(51, RDTSCP)							\
	X(52, PREEMPTION_TIMER)						\
	X(53, INVVPID)							\
	X(54, WBINVD)							\
	X(55, XSETBV)							\
	X(56, APIC_WRITE)						\
	X(57, RDRAND)							\
	X(58, INVPCID)							\
	X(59, VMFUNC)							\
	X(60, ENCLS)							\
	X(61, RDSEED)							\
	X(62, PML_FULL)							\
	X(63, XSAVES)							\
	X(64, XRSTORS)							\
	X(65, PCONFIG)							\
	X(66, SPP_EVENT)						\
	X(67, UMWAIT)							\
	X(68, TPAUSE)							\
	X(69, LOADIWKEY)						\
	X(70, ENCLV)							\
	X(72, ENQCMD_PASID_FAIL)					\
	X(73, ENQCMDS_PASID_FAIL)					\
	X(74, BUS_LOCK)							\
	X(75, INSTRUCTION_TIMEOUT)					\
	X(76, SEAMCALL)							\
	X(77, TDCALL)							\
	X(78, RDMSRLIST)						\
	X(79, WRMSRLIST)						\
	X(80, URDMSR)							\
	X(81, UWRMSR)							\
	X(84, RDMSR_IMM)						\
	X(85, WRMSRNS_IMM)

#define VMX_EXIT_ENUM_ENTRY(n, name) VMX_EXIT_##name = (n),
enum vmx_exit_reason {
	VMX_EXIT_REASONS(VMX_EXIT_ENUM_ENTRY)
};
#undef VMX_EXIT_ENUM_ENTRY

/* "EPT_VIOLATION" etc.; "UNKNOWN" for a number Appendix C does not define. */
const char *vmx_exit_reason_name(unsigned basic_reason);

/*
 * Exit-reason field (VMCS 0x4402): SDM 25.9.1 "Basic VM-Exit Information".
 * Bits 15:0 hold the basic exit reason; bit 16 is always 0.
 */
#define VMX_EXIT_REASON_BASIC_MASK	0x0000ffffu
#define VMX_EXIT_REASON_BUS_LOCK	(1u << 26) /* bus lock asserted before the exit */
#define VMX_EXIT_REASON_ENCLAVE_MODE	(1u << 27) /* exit incident to enclave mode */
#define VMX_EXIT_REASON_PENDING_MTF	(1u << 28) /* SMM: pending MTF VM exit */
#define VMX_EXIT_REASON_FROM_VMX_ROOT	(1u << 29) /* SMM: exit from VMX root */
#define VMX_EXIT_REASON_ENTRY_FAILURE	(1u << 31) /* VM-entry failure */

static inline unsigned vmx_exit_reason_basic(uint32_t exit_reason)
{
	return exit_reason & VMX_EXIT_REASON_BASIC_MASK;
}

static inline bool vmx_exit_reason_entry_failed(uint32_t exit_reason)
{
	return exit_reason & VMX_EXIT_REASON_ENTRY_FAILURE;
}

/*
 * VM-instruction error numbers: SDM Vol. 3C, 31.4 "VM Instruction Error
 * Numbers", Table 31-1.  X(number, NAME); 14, 21 and 27 are not defined.
 */
#define VMX_INSN_ERRORS(X)						\
	X(1,  VMCALL_IN_VMX_ROOT)					\
	X(2,  VMCLEAR_INVALID_ADDRESS)					\
	X(3,  VMCLEAR_VMXON_POINTER)					\
	X(4,  VMLAUNCH_NONCLEAR_VMCS)					\
	X(5,  VMRESUME_NONLAUNCHED_VMCS)				\
	X(6,  VMRESUME_AFTER_VMXOFF)					\
	X(7,  ENTRY_INVALID_CONTROL_FIELD)				\
	X(8,  ENTRY_INVALID_HOST_STATE)					\
	X(9,  VMPTRLD_INVALID_ADDRESS)					\
	X(10, VMPTRLD_VMXON_POINTER)					\
	X(11, VMPTRLD_WRONG_REVISION)					\
	X(12, UNSUPPORTED_VMCS_COMPONENT)				\
	X(13, VMWRITE_READ_ONLY)					\
	X(15, VMXON_IN_VMX_ROOT)					\
	X(16, ENTRY_INVALID_EXECUTIVE_VMCS_POINTER)			\
	X(17, ENTRY_NONLAUNCHED_EXECUTIVE_VMCS)				\
	X(18, ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER)			\
	X(19, VMCALL_NONCLEAR_VMCS)					\
	X(20, VMCALL_INVALID_EXIT_CONTROLS)				\
	X(22, VMCALL_WRONG_MSEG_REVISION)				\
	X(23, VMXOFF_DUAL_MONITOR)					\
	X(24, VMCALL_INVALID_SMM_MONITOR_FEATURES)			\
	X(25, ENTRY_INVALID_EXECUTIVE_CONTROLS)				\
	X(26, ENTRY_EVENTS_BLOCKED_BY_MOV_SS)				\
	X(28, INVALID_INVEPT_INVVPID_OPERAND)

#define VMX_INSN_ERROR_ENUM_ENTRY(n, name) VMXERR_##name = (n),
enum vmx_insn_error {
	VMX_INSN_ERRORS(VMX_INSN_ERROR_ENUM_ENTRY)
};
#undef VMX_INSN_ERROR_ENUM_ENTRY

/* "VMXON_IN_VMX_ROOT" etc.; "UNKNOWN" for a number 31.4 does not define. */
const char *vmx_insn_error_name(unsigned n);

/*
 * Control bits.  X(NAME, bit, "the SDM's words") lists each bit with its
 * position in the SDM's table; the constants (PIN_*, CPU_*, CPU2_*, CPU3_*,
 * EXIT_*, EXIT2_*, ENTRY_*) are masks, used as they are in control words.
 */

/* Pin-based VM-execution controls: SDM 25.6.1. */
#define VMX_PIN_CONTROLS(X)						\
	X(EXTERNAL_INTERRUPT_EXITING,	0, "external-interrupt exiting")	\
	X(NMI_EXITING,			3, "NMI exiting")			\
	X(VIRTUAL_NMIS,			5, "virtual NMIs")			\
	X(PREEMPTION_TIMER,		6, "activate VMX-preemption timer")	\
	X(POSTED_INTERRUPTS,		7, "process posted interrupts")

/* Primary processor-based VM-execution controls: SDM 25.6.2. */
#define VMX_CPU_CONTROLS(X)						\
	X(INTERRUPT_WINDOW_EXITING,	2,  "interrupt-window exiting")	\
	X(USE_TSC_OFFSETTING,		3,  "use TSC offsetting")		\
	X(HLT_EXITING,			7,  "HLT exiting")			\
	X(INVLPG_EXITING,		9,  "INVLPG exiting")			\
	X(MWAIT_EXITING,		10, "MWAIT exiting")			\
	X(RDPMC_EXITING,		11, "RDPMC exiting")			\
	X(RDTSC_EXITING,		12, "RDTSC exiting")			\
	X(CR3_LOAD_EXITING,		15, "CR3-load exiting")			\
	X(CR3_STORE_EXITING,		16, "CR3-store exiting")		\
	X(ACTIVATE_TERTIARY_CONTROLS,	17, "activate tertiary controls")	\
	X(CR8_LOAD_EXITING,		19, "CR8-load exiting")			\
	X(CR8_STORE_EXITING,		20, "CR8-store exiting")		\
	X(USE_TPR_SHADOW,		21, "use TPR shadow")			\
	X(NMI_WINDOW_EXITING,		22, "NMI-window exiting")		\
	X(MOV_DR_EXITING,		23, "MOV-DR exiting")			\
	X(UNCONDITIONAL_IO_EXITING,	24, "unconditional I/O exiting")	\
	X(USE_IO_BITMAPS,		25, "use I/O bitmaps")			\
	X(MONITOR_TRAP_FLAG,		27, "monitor trap flag")		\
	X(USE_MSR_BITMAPS,		28, "use MSR bitmaps")			\
	X(MONITOR_EXITING,		29, "MONITOR exiting")			\
	X(PAUSE_EXITING,		30, "PAUSE exiting")			\
	X(ACTIVATE_SECONDARY_CONTROLS,	31, "activate secondary controls")

/* Secondary processor-based VM-execution controls: SDM 25.6.2. */
#define VMX_CPU2_CONTROLS(X)						\
	X(VIRTUALIZE_APIC_ACCESSES,	0,  "virtualize APIC accesses")	\
	X(ENABLE_EPT,			1,  "enable EPT")			\
	X(DESCRIPTOR_TABLE_EXITING,	2,  "descriptor-table exiting")	\
	X(ENABLE_RDTSCP,		3,  "enable RDTSCP")			\
	X(VIRTUALIZE_X2APIC_MODE,	4,  "virtualize x2APIC mode")		\
	X(ENABLE_VPID,			5,  "enable VPID")			\
	X(WBINVD_EXITING,		6,  "WBINVD exiting")			\
	X(UNRESTRICTED_GUEST,		7,  "unrestricted guest")		\
	X(APIC_REGISTER_VIRTUALIZATION,	8,  "APIC-register virtualization")	\
	X(VIRTUAL_INTERRUPT_DELIVERY,	9,  "virtual-interrupt delivery")	\
	X(PAUSE_LOOP_EXITING,		10, "PAUSE-loop exiting")		\
	X(RDRAND_EXITING,		11, "RDRAND exiting")			\
	X(ENABLE_INVPCID,		12, "enable INVPCID")			\
	X(ENABLE_VM_FUNCTIONS,		13, "enable VM functions")		\
	X(VMCS_SHADOWING,		14, "VMCS shadowing")			\
	X(ENABLE_ENCLS_EXITING,		15, "enable ENCLS exiting")		\
	X(RDSEED_EXITING,		16, "RDSEED exiting")			\
	X(ENABLE_PML,			17, "enable PML")			\
	X(EPT_VIOLATION_VE,		18, "EPT-violation #VE")		\
	X(CONCEAL_VMX_FROM_PT,		19, "conceal VMX from PT")		\
	X(ENABLE_XSAVES_XRSTORS,	20, "enable XSAVES/XRSTORS")		\
	X(PASID_TRANSLATION,		21, "PASID translation")		\
	X(MODE_BASED_EXECUTE_CONTROL,	22, "mode-based execute control for EPT") \
	X(SUB_PAGE_WRITE_PERMISSIONS,	23, "sub-page write permissions for EPT") \
	X(PT_USES_GUEST_PHYSICAL,	24, "Intel PT uses guest physical addresses") \
	X(USE_TSC_SCALING,		25, "use TSC scaling")			\
	X(ENABLE_USER_WAIT_PAUSE,	26, "enable user wait and pause")	\
	X(ENABLE_PCONFIG,		27, "enable PCONFIG")			\
	X(ENABLE_ENCLV_EXITING,		28, "enable ENCLV exiting")		\
	X(VMM_BUS_LOCK_DETECTION,	30, "VMM bus-lock detection")		\
	X(INSTRUCTION_TIMEOUT,		31, "instruction timeout")

/* Tertiary processor-based VM-execution controls (64 bits): SDM 25.6.2. */
#define VMX_CPU3_CONTROLS(X)						\
	X(LOADIWKEY_EXITING,		0, "LOADIWKEY exiting")			\
	X(ENABLE_HLAT,			1, "enable HLAT")			\
	X(EPT_PAGING_WRITE_CONTROL,	2, "EPT paging-write control")		\
	X(GUEST_PAGING_VERIFICATION,	3, "guest-paging verification")	\
	X(IPI_VIRTUALIZATION,		4, "IPI virtualization")		\
	X(ENABLE_MSR_LIST_INSTRUCTIONS,	6, "enable MSR-list instructions")	\
	X(VIRTUALIZE_IA32_SPEC_CTRL,	7, "virtualize IA32_SPEC_CTRL")

/* Primary VM-exit controls: SDM 25.7.1. */
#define VMX_EXIT_CONTROLS(X)						\
	X(SAVE_DEBUG_CONTROLS,		2,  "save debug controls")		\
	X(HOST_ADDRESS_SPACE_SIZE,	9,  "host address-space size")		\
	X(LOAD_IA32_PERF_GLOBAL_CTRL,	12, "load IA32_PERF_GLOBAL_CTRL")	\
	X(ACK_INTERRUPT_ON_EXIT,	15, "acknowledge interrupt on exit")	\
	X(SAVE_IA32_PAT,		18, "save IA32_PAT")			\
	X(LOAD_IA32_PAT,		19, "load IA32_PAT")			\
	X(SAVE_IA32_EFER,		20, "save IA32_EFER")			\
	X(LOAD_IA32_EFER,		21, "load IA32_EFER")			\
	X(SAVE_PREEMPTION_TIMER,	22, "save VMX-preemption timer value")	\
	X(CLEAR_IA32_BNDCFGS,		23, "clear IA32_BNDCFGS")		\
	X(CONCEAL_VMX_FROM_PT,		24, "conceal VMX from PT")		\
	X(CLEAR_IA32_RTIT_CTL,		25, "clear IA32_RTIT_CTL")		\
	X(CLEAR_IA32_LBR_CTL,		26, "clear IA32_LBR_CTL")		\
	X(CLEAR_UINV,			27, "clear UINV")			\
	X(LOAD_CET_STATE,		28, "load CET state")			\
	X(LOAD_PKRS,			29, "load PKRS")			\
	X(SAVE_IA32_PERF_GLOBAL_CTL,	30, "save IA32_PERF_GLOBAL_CTL")	\
	X(ACTIVATE_SECONDARY_CONTROLS,	31, "activate secondary controls")

/* Secondary VM-exit controls (64 bits): SDM 25.7.1. */
#define VMX_EXIT2_CONTROLS(X)						\
	X(SAVE_IA32_FRED,		0, "save IA32_FRED")			\
	X(LOAD_IA32_FRED,		1, "load IA32_FRED")			\
	X(PREMATURELY_BUSY_SHADOW_STACK, 3, "prematurely busy shadow stack")

/* VM-entry controls: SDM 25.8.1. */
#define VMX_ENTRY_CONTROLS(X)						\
	X(LOAD_DEBUG_CONTROLS,		2,  "load debug controls")		\
	X(IA32E_MODE_GUEST,		9,  "IA-32e mode guest")		\
	X(ENTRY_TO_SMM,			10, "entry to SMM")			\
	X(DEACTIVATE_DUAL_MONITOR,	11, "deactivate dual-monitor treatment") \
	X(LOAD_IA32_PERF_GLOBAL_CTRL,	13, "load IA32_PERF_GLOBAL_CTRL")	\
	X(LOAD_IA32_PAT,		14, "load IA32_PAT")			\
	X(LOAD_IA32_EFER,		15, "load IA32_EFER")			\
	X(LOAD_IA32_BNDCFGS,		16, "load IA32_BNDCFGS")		\
	X(CONCEAL_VMX_FROM_PT,		17, "conceal VMX from PT")		\
	X(LOAD_IA32_RTIT_CTL,		18, "load IA32_RTIT_CTL")		\
	X(LOAD_UINV,			19, "load UINV")			\
	X(LOAD_CET_STATE,		20, "load CET state")			\
	X(LOAD_GUEST_IA32_LBR_CTL,	21, "load guest IA32_LBR_CTL")		\
	X(LOAD_PKRS,			22, "load PKRS")			\
	X(LOAD_IA32_FRED,		23, "load IA32_FRED")

#define VMX_CONTROL_ENUM_ENTRY(prefix, name, bit) prefix##name = (1u << (bit)),
#define VMX_PIN_ENUM(name, bit, words)   VMX_CONTROL_ENUM_ENTRY(PIN_, name, bit)
#define VMX_CPU_ENUM(name, bit, words)   VMX_CONTROL_ENUM_ENTRY(CPU_, name, bit)
#define VMX_CPU2_ENUM(name, bit, words)  VMX_CONTROL_ENUM_ENTRY(CPU2_, name, bit)
#define VMX_CPU3_ENUM(name, bit, words)  VMX_CONTROL_ENUM_ENTRY(CPU3_, name, bit)
#define VMX_EXIT_ENUM(name, bit, words)  VMX_CONTROL_ENUM_ENTRY(EXIT_, name, bit)
#define VMX_EXIT2_ENUM(name, bit, words) VMX_CONTROL_ENUM_ENTRY(EXIT2_, name, bit)
#define VMX_ENTRY_ENUM(name, bit, words) VMX_CONTROL_ENUM_ENTRY(ENTRY_, name, bit)

enum vmx_pin_control { VMX_PIN_CONTROLS(VMX_PIN_ENUM) };
enum vmx_cpu_control { VMX_CPU_CONTROLS(VMX_CPU_ENUM) };
enum vmx_cpu2_control { VMX_CPU2_CONTROLS(VMX_CPU2_ENUM) };
enum vmx_cpu3_control { VMX_CPU3_CONTROLS(VMX_CPU3_ENUM) };
enum vmx_exit_control { VMX_EXIT_CONTROLS(VMX_EXIT_ENUM) };
enum vmx_exit2_control { VMX_EXIT2_CONTROLS(VMX_EXIT2_ENUM) };
enum vmx_entry_control { VMX_ENTRY_CONTROLS(VMX_ENTRY_ENUM) };

#undef VMX_PIN_ENUM
#undef VMX_CPU_ENUM
#undef VMX_CPU2_ENUM
#undef VMX_CPU3_ENUM
#undef VMX_EXIT_ENUM
#undef VMX_EXIT2_ENUM
#undef VMX_ENTRY_ENUM
#undef VMX_CONTROL_ENUM_ENTRY

/*
 * The control words.  The first five are 32 bits wide; tertiary and
 * secondary VM-exit controls are 64 bits wide.
 */
enum vmx_control_word {
	VMX_PINBASED,
	VMX_PROCBASED,
	VMX_PROCBASED2,
	VMX_EXIT,
	VMX_ENTRY,
	VMX_PROCBASED3,
	VMX_EXIT2,
	VMX_NR_CONTROL_WORDS
};

/* The SDM's words for a control (a one-bit mask); NULL for a reserved bit. */
const char *vmx_control_name(enum vmx_control_word w, uint32_t mask);
/* "pin-based VM-execution controls" etc. */
const char *vmx_control_word_name(enum vmx_control_word w);
/* The capability MSR that reports the word's allowed settings (A.3-A.5). */
uint32_t vmx_control_word_msr(enum vmx_control_word w);
/* The IA32_VMX_TRUE_* MSR for the word, 0 if it has none (A.3-A.5). */
uint32_t vmx_control_word_true_msr(enum vmx_control_word w);
/*
 * The word's "default1" class (A.2): the controls a legacy capability MSR
 * reports as must-be-1 whatever the TRUE MSR allows (pin 1, 2, 4; primary
 * 1, 4-6, 8, 13-16, 26; exit 0-8, 10, 11, 13, 14, 16, 17; entry 0-8, 12).
 */
uint32_t vmx_control_word_default1(enum vmx_control_word w);

/*
 * VMX capability MSRs: SDM Vol. 3C, Appendix A; Vol. 4, Table 2-2.
 */
#define MSR_IA32_VMX_BASIC		0x480
#define MSR_IA32_VMX_PINBASED_CTLS	0x481
#define MSR_IA32_VMX_PROCBASED_CTLS	0x482
#define MSR_IA32_VMX_EXIT_CTLS		0x483
#define MSR_IA32_VMX_ENTRY_CTLS		0x484
#define MSR_IA32_VMX_MISC		0x485
#define MSR_IA32_VMX_CR0_FIXED0		0x486
#define MSR_IA32_VMX_CR0_FIXED1		0x487
#define MSR_IA32_VMX_CR4_FIXED0		0x488
#define MSR_IA32_VMX_CR4_FIXED1		0x489
#define MSR_IA32_VMX_VMCS_ENUM		0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x490
#define MSR_IA32_VMX_VMFUNC		0x491
#define MSR_IA32_VMX_PROCBASED_CTLS3	0x492
#define MSR_IA32_VMX_EXIT_CTLS2		0x493

/* IA32_FEATURE_CONTROL: SDM Vol. 3C 24.7 "Enabling and Entering VMX Operation"; Vol. 4 Table 2-2. */
#ifndef MSR_IA32_FEATURE_CONTROL
#define MSR_IA32_FEATURE_CONTROL	0x0000003a
#endif
#define FEATURE_CONTROL_LOCK			(1ull << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX		(1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX		(1ull << 2)
#define FEATURE_CONTROL_SENTER_LOCAL_MASK	(0x7full << 8)	/* bits 14:8 */
#define FEATURE_CONTROL_SENTER_GLOBAL		(1ull << 15)
#define FEATURE_CONTROL_SGX_LAUNCH_CONTROL	(1ull << 17)
#define FEATURE_CONTROL_SGX_GLOBAL		(1ull << 18)
#define FEATURE_CONTROL_LMCE			(1ull << 20)

/* IA32_VMX_BASIC: SDM A.1. */
#define VMX_BASIC_REVISION_MASK		0x7fffffffull		/* bits 30:0 */
/* Bit 31 of a VMCS region's first dword: shadow-VMCS indicator (25.2 "Format of the VMCS Region"). */
#define VMX_VMCS_SHADOW_INDICATOR	0x80000000u
#define VMX_BASIC_BIT31			(1ull << 31)		/* always 0 */
#define VMX_BASIC_REGION_SIZE_SHIFT	32			/* bits 44:32 */
#define VMX_BASIC_REGION_SIZE_MASK	(0x1fffull << 32)
#define VMX_BASIC_32BIT_ADDRESSES	(1ull << 48)		/* physical addresses limited to 32 bits */
#define VMX_BASIC_DUAL_MONITOR		(1ull << 49)		/* dual-monitor treatment of SMI/SMM */
#define VMX_BASIC_MEMORY_TYPE_SHIFT	50			/* bits 53:50 */
#define VMX_BASIC_MEMORY_TYPE_MASK	(0xfull << 50)
#define VMX_BASIC_INS_OUTS_INFO		(1ull << 54)		/* exit instruction info for INS/OUTS */
#define VMX_BASIC_TRUE_CONTROLS		(1ull << 55)		/* IA32_VMX_TRUE_* MSRs exist */
#define VMX_BASIC_NO_ERROR_CODE_CHECK	(1ull << 56)		/* entry may deliver any exception with or without error code */
#define VMX_MEMORY_TYPE_UC		0
#define VMX_MEMORY_TYPE_WB		6

static inline uint32_t vmx_basic_revision(uint64_t basic)
{
	return basic & VMX_BASIC_REVISION_MASK;
}

static inline unsigned vmx_basic_region_size(uint64_t basic)
{
	return (basic & VMX_BASIC_REGION_SIZE_MASK) >> VMX_BASIC_REGION_SIZE_SHIFT;
}

static inline unsigned vmx_basic_memory_type(uint64_t basic)
{
	return (basic & VMX_BASIC_MEMORY_TYPE_MASK) >> VMX_BASIC_MEMORY_TYPE_SHIFT;
}

/* IA32_VMX_MISC: SDM A.6. */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK 0x1full		/* bits 4:0: timer ticks every 2^N TSC */
#define VMX_MISC_STORE_EFER_LMA		(1ull << 5)		/* exits store EFER.LMA into "IA-32e mode guest" */
#define VMX_MISC_ACTIVITY_HLT		(1ull << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN	(1ull << 7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI	(1ull << 8)
#define VMX_MISC_PT_IN_VMX		(1ull << 14)		/* Intel PT usable in VMX operation */
#define VMX_MISC_RDMSR_SMBASE_IN_SMM	(1ull << 15)
#define VMX_MISC_CR3_TARGETS_SHIFT	16			/* bits 24:16 */
#define VMX_MISC_CR3_TARGETS_MASK	(0x1ffull << 16)
#define VMX_MISC_MAX_MSR_LIST_SHIFT	25			/* bits 27:25: 512 * (N + 1) entries */
#define VMX_MISC_MAX_MSR_LIST_MASK	(0x7ull << 25)
#define VMX_MISC_VMXOFF_BLOCKS_SMI	(1ull << 28)		/* IA32_SMM_MONITOR_CTL[2] can be 1 */
#define VMX_MISC_VMWRITE_ANY_FIELD	(1ull << 29)		/* VMWRITE may write VM-exit information fields */
#define VMX_MISC_INJECT_ZERO_LENGTH	(1ull << 30)		/* entry may inject soft int/exception with length 0 */
#define VMX_MISC_MSEG_REVISION_SHIFT	32			/* bits 63:32 */

/* IA32_VMX_VMFUNC: SDM A.11; bit n: VM function n may be enabled. */
#define VMX_VMFUNC_EPTP_SWITCHING	(1ull << 0)

/* The page-modification log: 512 entries of 8 bytes (SDM 29.3.6). */
#define VMX_PML_ENTRIES			512

/* IA32_VMX_VMCS_ENUM: SDM A.9; bits 9:1 are the highest field index, the others reserved. */
#define VMX_VMCS_ENUM_INDEX_MASK	0x1ffu
#define VMX_VMCS_ENUM_INDEX_SHIFT	1
static inline unsigned vmx_vmcs_enum_max_index(uint64_t vmcs_enum)
{
	return (vmcs_enum >> VMX_VMCS_ENUM_INDEX_SHIFT) & VMX_VMCS_ENUM_INDEX_MASK;
}

/* IA32_VMX_EPT_VPID_CAP: SDM A.10. */
#define VMX_EPT_EXECUTE_ONLY		(1ull << 0)
#define VMX_EPT_PAGE_WALK_4		(1ull << 6)
#define VMX_EPT_PAGE_WALK_5		(1ull << 7)
#define VMX_EPT_MEMTYPE_UC		(1ull << 8)
#define VMX_EPT_MEMTYPE_WB		(1ull << 14)
#define VMX_EPT_2MB_PAGE		(1ull << 16)
#define VMX_EPT_1GB_PAGE		(1ull << 17)
#define VMX_EPT_INVEPT			(1ull << 20)
#define VMX_EPT_AD_FLAGS		(1ull << 21)
#define VMX_EPT_ADVANCED_EXIT_INFO	(1ull << 22)
#define VMX_EPT_SUPERVISOR_SHADOW_STACK	(1ull << 23)
#define VMX_EPT_INVEPT_SINGLE_CONTEXT	(1ull << 25)
#define VMX_EPT_INVEPT_ALL_CONTEXT	(1ull << 26)
#define VMX_VPID_INVVPID		(1ull << 32)
#define VMX_VPID_INVVPID_INDIVIDUAL_ADDR (1ull << 40)
#define VMX_VPID_INVVPID_SINGLE_CONTEXT	(1ull << 41)
#define VMX_VPID_INVVPID_ALL_CONTEXT	(1ull << 42)
#define VMX_VPID_INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS (1ull << 43)

/*
 * Exit qualification of an EPT violation: SDM 28.2.1, Table 28-7 "Exit
 * Qualification for EPT Violations" (EPT violations themselves: 29.3.3.2).
 */
#define EPT_VIOLATION_READ		(1ull << 0)	/* the access was a data read */
#define EPT_VIOLATION_WRITE		(1ull << 1)	/* the access was a data write */
#define EPT_VIOLATION_FETCH		(1ull << 2)	/* the access was an instruction fetch */
#define EPT_VIOLATION_READABLE		(1ull << 3)	/* AND of bit 0 of the EPT entries */
#define EPT_VIOLATION_WRITABLE		(1ull << 4)	/* AND of bit 1 */
#define EPT_VIOLATION_EXECUTABLE	(1ull << 5)	/* AND of bit 2 (supervisor-mode with MBEC) */
#define EPT_VIOLATION_USER_EXECUTABLE	(1ull << 6)	/* AND of bit 10 (MBEC only) */
#define EPT_VIOLATION_LINEAR_VALID	(1ull << 7)	/* guest linear-address field valid */
#define EPT_VIOLATION_LINEAR_TRANSLATED	(1ull << 8)	/* if bit 7: 1 = translation of a linear address, 0 = paging-structure access */
#define EPT_VIOLATION_USER_LINEAR	(1ull << 9)	/* advanced info: linear address is user-mode */
#define EPT_VIOLATION_LINEAR_WRITABLE	(1ull << 10)	/* advanced info: linear address is read/write */
#define EPT_VIOLATION_LINEAR_NX		(1ull << 11)	/* advanced info: linear address is execute-disable */
#define EPT_VIOLATION_NMI_UNBLOCKING	(1ull << 12)	/* NMI unblocking due to IRET */
#define EPT_VIOLATION_SHADOW_STACK	(1ull << 13)	/* the access was a shadow-stack access */
#define EPT_VIOLATION_SSS_PAGE		(1ull << 14)	/* supervisor shadow-stack bit of the EPT leaf */

#endif
