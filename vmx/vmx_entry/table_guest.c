/*
 * SDM Vol. 3C 27.3.1 "Checks on the Guest State Area" (all but the
 * segment registers, table_segments.c): VM entry fails as a VM exit with
 * basic reason 33 (VM-entry failure due to invalid guest state) and the
 * exit qualification 27.8 defines (0; 2 for the PDPTEs; 4 for the VMCS
 * link pointer).
 */
#include "hvtest.h"
#include "entry.h"
#include "vmx/insn.h"

/* Bits 15:6, 17 and 28:19 are not loaded by VM entry (27.3.2.1), at the edges of each range. */
static uint64_t cr0_unloaded(void) { return (BIT(6) | BIT(15) | BIT(17) | BIT(19) | BIT(28)) & entry_cpu.cr0_fixed1; }
static uint64_t limit_high_edges(void) { return BIT(16) | BIT(31); }
/* IA32_DEBUGCTL: bits 5:2 and 63:16 are reserved (at both edges). */
static uint64_t debugctl_reserved(void) { return BIT(2) | BIT(5) | BIT(16) | BIT(63); }



/* RFLAGS: bits 63:22, 15, 5 and 3 reserved 0. */
static uint64_t rflags_reserved(void) { return BIT(3) | BIT(5) | BIT(15) | BIT(22) | BIT(63); }

/* Non-register state. */
static uint64_t activity_beyond(void) { return BIT(4) | BIT(31); }
static uint64_t interruptibility_reserved(void) { return BIT(5) | BIT(31); }
static uint64_t pending_dbg_reserved(void) { return BIT(4) | BIT(11) | BIT(13) | BIT(15) | BIT(17) | BIT(31); }
static uint64_t pending_dbg_reserved_high(void) { return BIT(32) | BIT(63); }
static uint64_t flip_bit0(uint64_t v, unsigned bit) { return v ^ 1; }
static uint64_t current_vmcs(uint64_t v, unsigned bit)
{
	uint64_t pa = 0;

	vmptrst(&pa);
	return pa;
}

/* PDPTEs (PAE paging, 4.4.1): bits 2:1, 8:5 and 63:N reserved when present. */
static uint64_t pdpte_reserved(void) { return BIT(1) | BIT(2) | BIT(5) | BIT(8) | BIT(entry_cpu.maxphyaddr) | BIT(63); }

static const char *need_pcid(void) { return cpu_has(X86_FEATURE_PCID) ? NULL : "CPUID.1:ECX[17] (PCID) is 0"; }
static const char *need_no_sgx(void) { return cpu_has(X86_FEATURE_SGX) ? "CPUID.(7,0):EBX[2] (SGX) is 1" : NULL; }
static const char *need_no_rtm(void) { return cpu_has(X86_FEATURE_RTM) ? "CPUID.(7,0):EBX[11] (RTM) is 1" : NULL; }
static const char *need_entry_efer(void) { return need_control(VMX_ENTRY, ENTRY_LOAD_IA32_EFER); }
#define ACTIVITY_NEED(name, bit, state)									\
	static const char *name(void)									\
	{												\
		return (entry_cpu.misc & (bit)) ? NULL : "IA32_VMX_MISC does not report activity state " state; \
	}
ACTIVITY_NEED(need_shutdown, VMX_MISC_ACTIVITY_SHUTDOWN, "shutdown (bit 7)")
ACTIVITY_NEED(need_wait_sipi, VMX_MISC_ACTIVITY_WAIT_SIPI, "wait-for-SIPI (bit 8)")
ACTIVITY_NEED(need_hlt, VMX_MISC_ACTIVITY_HLT, "HLT (bit 6)")
#define ACTIVITY_UNSUPPORTED(name, bit)									\
	static const char *name(void)									\
	{												\
		return (entry_cpu.misc & (bit)) ? "the activity state is supported (IA32_VMX_MISC)" : NULL; \
	}
ACTIVITY_UNSUPPORTED(need_no_hlt, VMX_MISC_ACTIVITY_HLT)
ACTIVITY_UNSUPPORTED(need_no_shutdown, VMX_MISC_ACTIVITY_SHUTDOWN)
ACTIVITY_UNSUPPORTED(need_no_wait_sipi, VMX_MISC_ACTIVITY_WAIT_SIPI)

/* A row injecting event ctx into activity state `state`: allowed (enters, the event delivered) or not. */
#define ACTIVITY_EVENT_ROW(nm, ctxx, state, state_need, allowed, rule_, erratum_)			\
	{ .line = __LINE__, .name = "entry-guest-activity-" nm, .sec = SEC_GUEST_NONREG, .ctx = ctxx,	\
	  .need = state_need, .rule = rule_, .field = VMCS_GUEST_ACTIVITY_STATE, .bad = ROW_SET(state),	\
	  .expect = allowed, .erratum = erratum_ }
/*
 * KVM checks none of the conditions the HLT and wait-for-SIPI states put on
 * the rest of the state (it emulates both states itself); Bochs checks the
 * events shutdown and wait-for-SIPI allow, not those HLT allows (errata.cfg).
 */
#define ACTIVITY_KVM	"qemu-kvm-vmx-activity-state-unchecked"
#define HLT_EVENT_ERRATA	ACTIVITY_KVM "|" "bochs-vmx-hlt-event-unchecked"
#define BLOCKED FAIL_GUEST(QUAL_DEFAULT)

static const struct entry_row rows[] = {
	/* 27.3.1.1 Checks on Guest Control Registers, Debug Registers, and MSRs */
	{ .line = __LINE__, .name = "entry-guest-cr0-fixed0-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr0_fixed0_bits,
	  .rule = "the guest CR0 sets every bit IA32_VMX_CR0_FIXED0 reports 1 (PE, PG: without unrestricted guest)",
	  .field = VMCS_GUEST_CR0, .bad = ROW_BIT_CLEAR, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-cr0-fixed1-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr0_fixed1_edges,
	  .rule = "the guest CR0 sets no bit IA32_VMX_CR0_FIXED1 reports 0",
	  .field = VMCS_GUEST_CR0, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-cr0-nw-unchecked", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "guest CR0.NW and CD are never checked: NW=1 with CD=0",
	  .field = VMCS_GUEST_CR0, .bad = ROW_OR(X86_CR0_NW), .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-guest-cr0-unloaded-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr0_unloaded,
	  .rule = "guest CR0 bits 15:6, 17 and 28:19 are not loaded (27.3.2.1): set, they are ignored",
	  .field = VMCS_GUEST_CR0, .bad = ROW_BIT_SET, .expect = ENTERS },
	{ .line = __LINE__, .name = "entry-guest-cr0-pg-without-pe", .sec = SEC_GUEST_CR, .ctx = CTX_REAL,
	  .rule = "guest CR0.PG=1 only with CR0.PE=1 (unrestricted guest, so FIXED0 does not decide)",
	  .field = VMCS_GUEST_CR0, .bad = ROW_OR(X86_CR0_PG), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-cr4-fixed0-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr4_fixed0_bits,
	  .rule = "the guest CR4 sets every bit IA32_VMX_CR4_FIXED0 reports 1",
	  .field = VMCS_GUEST_CR4, .bad = ROW_BIT_CLEAR, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-cr4-fixed1-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr4_fixed1_bits,
	  .rule = "the guest CR4 sets no bit IA32_VMX_CR4_FIXED1 reports 0",
	  .field = VMCS_GUEST_CR4, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-ia32e-without-pg", .sec = SEC_GUEST_CR, .ctx = CTX_UG64,
	  .rule = "with \"IA-32e mode guest\", guest CR0.PG is 1 (unrestricted guest, so FIXED0 does not decide)",
	  .field = VMCS_GUEST_CR0, .bad = ROW_CLEAR(X86_CR0_PG), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-guest-ia32e-pg-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-ia32e-without-pae", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "with \"IA-32e mode guest\", guest CR4.PAE is 1",
	  .field = VMCS_GUEST_CR4, .bad = ROW_CLEAR(X86_CR4_PAE), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pcide-without-ia32e", .sec = SEC_GUEST_CR, .ctx = CTX_PAE, .need = need_pcid,
	  .rule = "without \"IA-32e mode guest\", guest CR4.PCIDE is 0",
	  .field = VMCS_GUEST_CR4, .bad = ROW_OR(X86_CR4_PCIDE), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-cr3-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_BASE, .bits = cr3_reserved_edges,
	  .rule = "guest CR3 bits 63:52 and bits 51:32 beyond the physical-address width are 0",
	  .field = VMCS_GUEST_CR3, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-dr7-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_DEBUG_CTLS, .bits = edges_32_63,
	  .rule = "with \"load debug controls\", guest DR7 bits 63:32 are 0",
	  .field = VMCS_GUEST_DR7, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-debugctl-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_DEBUG_CTLS,
	  .bits = debugctl_reserved,
	  .rule = "with \"load debug controls\", reserved bits of the guest IA32_DEBUGCTL are 0",
	  .field = VMCS_GUEST_IA32_DEBUGCTL, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-guest-debugctl-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-sysenter-esp-noncanonical-low", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "the guest IA32_SYSENTER_ESP is canonical",
	  .field = VMCS_GUEST_IA32_SYSENTER_ESP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-sysenter-esp-noncanonical-high", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "the guest IA32_SYSENTER_ESP is canonical",
	  .field = VMCS_GUEST_IA32_SYSENTER_ESP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-sysenter-eip-noncanonical-low", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "the guest IA32_SYSENTER_EIP is canonical",
	  .field = VMCS_GUEST_IA32_SYSENTER_EIP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-sysenter-eip-noncanonical-high", .sec = SEC_GUEST_CR, .ctx = CTX_BASE,
	  .rule = "the guest IA32_SYSENTER_EIP is canonical",
	  .field = VMCS_GUEST_IA32_SYSENTER_EIP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pat-byte%u-2", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_PAT, .bits = pat_bytes,
	  .rule = "with \"load IA32_PAT\" (entry), each byte of the guest IA32_PAT is 0, 1, 4, 5, 6 or 7 (2 is not)",
	  .field = VMCS_GUEST_IA32_PAT, .bad = ROW_FN(pat_2), .twin = ROW_FN(pat_1), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pat-byte%u-3", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_PAT, .bits = pat_bytes,
	  .rule = "with \"load IA32_PAT\" (entry), each byte of the guest IA32_PAT is 0, 1, 4, 5, 6 or 7 (3 is not)",
	  .field = VMCS_GUEST_IA32_PAT, .bad = ROW_FN(pat_3), .twin = ROW_FN(pat_4), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pat-byte%u-8", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_PAT, .bits = pat_bytes,
	  .rule = "with \"load IA32_PAT\" (entry), each byte of the guest IA32_PAT is 0, 1, 4, 5, 6 or 7 (8 is not)",
	  .field = VMCS_GUEST_IA32_PAT, .bad = ROW_FN(pat_8), .twin = ROW_FN(pat_7), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pat-byte%u-255", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_PAT, .bits = pat_bytes,
	  .rule = "with \"load IA32_PAT\" (entry), each byte of the guest IA32_PAT is 0, 1, 4, 5, 6 or 7 (255 is not)",
	  .field = VMCS_GUEST_IA32_PAT, .bad = ROW_FN(pat_255), .twin = ROW_FN(pat_7), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-efer-reserved-bit%u", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_EFER, .bits = efer_reserved_edges,
	  .rule = "with \"load IA32_EFER\" (entry), reserved bits of the guest IA32_EFER are 0",
	  .field = VMCS_GUEST_IA32_EFER, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-efer-lma", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_EFER,
	  .rule = "with \"load IA32_EFER\" (entry), guest EFER.LMA equals \"IA-32e mode guest\"",
	  .field = VMCS_GUEST_IA32_EFER, .bad = ROW_CLEAR(EFER_LMA), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-efer-lme-with-pg", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_EFER,
	  .rule = "with \"load IA32_EFER\" (entry) and CR0.PG=1, guest EFER.LME equals EFER.LMA",
	  .field = VMCS_GUEST_IA32_EFER, .bad = ROW_CLEAR(EFER_LME), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-efer-lme-without-pg", .sec = SEC_GUEST_CR, .ctx = CTX_REAL, .need = need_entry_efer,
	  .rule = "with CR0.PG=0 guest EFER.LME may differ from EFER.LMA (LME=1, LMA=0, real mode)",
	  .field = VMCS_GUEST_IA32_EFER, .bad = ROW_OR(EFER_LME), .expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-guest-cr4-cet-without-wp", .sec = SEC_GUEST_CR, .ctx = CTX_GUEST_CET,
	  .rule = "guest CR4.CET=1 only with CR0.WP=1",
	  .field = VMCS_GUEST_CR0, .bad = ROW_CLEAR(X86_CR0_WP), .expect = FAIL_GUEST(QUAL_DEFAULT) },

	/* 27.3.1.3 Checks on Guest Descriptor-Table Registers */
	{ .line = __LINE__, .name = "entry-guest-gdtr-base-noncanonical-low", .sec = SEC_GUEST_DT, .ctx = CTX_BASE,
	  .rule = "the guest GDTR base is canonical",
	  .field = VMCS_GUEST_GDTR_BASE, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-gdtr-base-noncanonical-high", .sec = SEC_GUEST_DT, .ctx = CTX_BASE,
	  .rule = "the guest GDTR base is canonical",
	  .field = VMCS_GUEST_GDTR_BASE, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-idtr-base-noncanonical-low", .sec = SEC_GUEST_DT, .ctx = CTX_BASE,
	  .rule = "the guest IDTR base is canonical",
	  .field = VMCS_GUEST_IDTR_BASE, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(canonical_low),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-idtr-base-noncanonical-high", .sec = SEC_GUEST_DT, .ctx = CTX_BASE,
	  .rule = "the guest IDTR base is canonical",
	  .field = VMCS_GUEST_IDTR_BASE, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(canonical_high),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-gdtr-limit-bit%u", .sec = SEC_GUEST_DT, .ctx = CTX_BASE, .bits = limit_high_edges,
	  .rule = "guest GDTR limit bits 31:16 are 0",
	  .field = VMCS_GUEST_GDTR_LIMIT, .bad = ROW_BIT_SET, .twin = ROW_SET(0xffff), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-idtr-limit-bit%u", .sec = SEC_GUEST_DT, .ctx = CTX_BASE, .bits = limit_high_edges,
	  .rule = "guest IDTR limit bits 31:16 are 0",
	  .field = VMCS_GUEST_IDTR_LIMIT, .bad = ROW_BIT_SET, .twin = ROW_SET(0xffff), .expect = FAIL_GUEST(QUAL_DEFAULT) },

	/* 27.3.1.4 Checks on Guest RIP, RFLAGS, and SSP */
	{ .line = __LINE__, .name = "entry-guest-rip-bit%u-not-64bit", .sec = SEC_GUEST_RIP, .ctx = CTX_PAE, .bits = edges_32_63,
	  .rule = "without \"IA-32e mode guest\" (or with CS.L=0), guest RIP bits 63:32 are 0",
	  .field = VMCS_GUEST_RIP, .bad = ROW_BIT_SET, .twin = ROW_KEEP, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-rip-noncanonical-low", .sec = SEC_GUEST_RIP, .ctx = CTX_BASE, .need = need_alias,
	  .rule = "in 64-bit mode (IA-32e mode guest, CS.L=1) the guest RIP is canonical",
	  .field = VMCS_GUEST_RIP, .bad = ROW_FN(noncanonical_low), .twin = ROW_FN(guest_stub_low),
	  .expect = FAIL_GUEST(QUAL_DEFAULT), .twin_expect = ENTERS_STUB, .erratum = "bochs-vmx-guest-rip-canonical-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-rip-noncanonical-high", .sec = SEC_GUEST_RIP, .ctx = CTX_BASE, .need = need_alias,
	  .rule = "in 64-bit mode (IA-32e mode guest, CS.L=1) the guest RIP is canonical",
	  .field = VMCS_GUEST_RIP, .bad = ROW_FN(noncanonical_high), .twin = ROW_FN(guest_stub_high),
	  .expect = FAIL_GUEST(QUAL_DEFAULT), .twin_expect = ENTERS_STUB, .erratum = "bochs-vmx-guest-rip-canonical-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-rflags-bit%u", .sec = SEC_GUEST_RIP, .ctx = CTX_BASE, .bits = rflags_reserved,
	  .rule = "guest RFLAGS bits 63:22, 15, 5 and 3 are 0",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-rflags-bit1", .sec = SEC_GUEST_RIP, .ctx = CTX_BASE,
	  .rule = "guest RFLAGS bit 1 is 1",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_CLEAR(X86_EFLAGS_FIXED), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-rflags-vm-ia32e", .sec = SEC_GUEST_RIP, .ctx = CTX_BASE,
	  .rule = "guest RFLAGS.VM is 0 with \"IA-32e mode guest\"",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_OR(X86_EFLAGS_VM), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-rflags-vm-real-mode", .sec = SEC_GUEST_RIP, .ctx = CTX_REAL,
	  .rule = "guest RFLAGS.VM is 0 with CR0.PE=0",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_OR(X86_EFLAGS_VM), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-rflags-if-external-interrupt", .sec = SEC_GUEST_RIP, .ctx = CTX_EVENT_EXTINT,
	  .rule = "guest RFLAGS.IF is 1 when an external interrupt is injected",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_CLEAR(X86_EFLAGS_IF), .expect = FAIL_GUEST(QUAL_DEFAULT) },

	/* 27.3.1.5 Checks on Guest Non-Register State */
	{ .line = __LINE__, .name = "entry-guest-activity-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE, .bits = activity_beyond,
	  .rule = "the activity state is 0-3 (a state IA32_VMX_MISC reports)",
	  .field = VMCS_GUEST_ACTIVITY_STATE, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-activity-hlt-unsupported", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .need = need_no_hlt, .rule = "the activity state is one IA32_VMX_MISC reports (HLT, bit 6)",
	  .field = VMCS_GUEST_ACTIVITY_STATE, .bad = ROW_SET(ACTIVITY_HLT), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-activity-shutdown-unsupported", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .need = need_no_shutdown, .rule = "the activity state is one IA32_VMX_MISC reports (shutdown, bit 7)",
	  .field = VMCS_GUEST_ACTIVITY_STATE, .bad = ROW_SET(ACTIVITY_SHUTDOWN), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-activity-wait-sipi-unsupported", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .need = need_no_wait_sipi, .rule = "the activity state is one IA32_VMX_MISC reports (wait-for-SIPI, bit 8)",
	  .field = VMCS_GUEST_ACTIVITY_STATE, .bad = ROW_SET(ACTIVITY_WAIT_SIPI), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-activity-hlt-cpl3", .sec = SEC_GUEST_NONREG, .ctx = CTX_HLT_CPL3_READY,
	  .rule = "the activity state is not HLT with SS.DPL (the CPL) other than 0",
	  .field = VMCS_GUEST_SS_ACCESS_RIGHTS, .bad = ROW_OR(AR_DPL(3)), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = ACTIVITY_KVM },
	{ .line = __LINE__, .name = "entry-guest-activity-hlt-sti-blocking", .sec = SEC_GUEST_NONREG, .ctx = CTX_HLT_IF,
	  .rule = "with blocking by STI the activity state is active",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_STI), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = ACTIVITY_KVM },
	{ .line = __LINE__, .name = "entry-guest-activity-hlt-mov-ss-blocking", .sec = SEC_GUEST_NONREG, .ctx = CTX_HLT_IF,
	  .rule = "with blocking by MOV SS the activity state is active",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_MOV_SS), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = ACTIVITY_KVM },
	/* An injected event and the activity state: HLT allows external interrupts, NMIs, #DB, #MC and MTF;
	 * shutdown NMIs and #MC; wait-for-SIPI none.  Delivering the event leaves the state. */
	ACTIVITY_EVENT_ROW("hlt-external", CTX_EVENT_EXTINT, ACTIVITY_HLT, need_hlt, ENTERS_STUB,
			   "HLT allows an injected external interrupt", NULL),
	ACTIVITY_EVENT_ROW("hlt-nmi", CTX_EVENT_NMI, ACTIVITY_HLT, need_hlt, ENTERS_STUB,
			   "HLT allows an injected NMI", NULL),
	ACTIVITY_EVENT_ROW("hlt-db", CTX_EVENT_DB, ACTIVITY_HLT, need_hlt, ENTERS_STUB,
			   "HLT allows an injected #DB (hardware exception 1)", NULL),
	ACTIVITY_EVENT_ROW("hlt-mtf", CTX_EVENT_MTF, ACTIVITY_HLT, need_hlt, ENTERS_EXIT(VMX_EXIT_MONITOR_TRAP_FLAG),
			   "HLT allows a pending MTF VM exit (other event 0)", NULL),
	ACTIVITY_EVENT_ROW("hlt-ud", CTX_EVENT_UD, ACTIVITY_HLT, need_hlt, BLOCKED,
			   "HLT does not allow an injected #UD (hardware exception 6)", HLT_EVENT_ERRATA),
	ACTIVITY_EVENT_ROW("hlt-gp", CTX_EVENT_GP, ACTIVITY_HLT, need_hlt, BLOCKED,
			   "HLT does not allow an injected #GP (hardware exception 13)", HLT_EVENT_ERRATA),
	ACTIVITY_EVENT_ROW("hlt-software-interrupt", CTX_EVENT_SOFT, ACTIVITY_HLT, need_hlt, BLOCKED,
			   "HLT does not allow an injected software interrupt", HLT_EVENT_ERRATA),
	ACTIVITY_EVENT_ROW("hlt-privileged-software-exception", CTX_EVENT_PRIV, ACTIVITY_HLT, need_hlt, BLOCKED,
			   "HLT does not allow an injected privileged software exception", HLT_EVENT_ERRATA),
	ACTIVITY_EVENT_ROW("hlt-software-exception", CTX_EVENT_SWEXC, ACTIVITY_HLT, need_hlt, BLOCKED,
			   "HLT does not allow an injected software exception", HLT_EVENT_ERRATA),
	ACTIVITY_EVENT_ROW("shutdown-nmi", CTX_EVENT_NMI, ACTIVITY_SHUTDOWN, need_shutdown, ENTERS_STUB,
			   "shutdown allows an injected NMI", NULL),
	ACTIVITY_EVENT_ROW("shutdown-external", CTX_EVENT_EXTINT, ACTIVITY_SHUTDOWN, need_shutdown, BLOCKED,
			   "shutdown does not allow an injected external interrupt", NULL),
	ACTIVITY_EVENT_ROW("shutdown-db", CTX_EVENT_DB, ACTIVITY_SHUTDOWN, need_shutdown, BLOCKED,
			   "shutdown does not allow an injected #DB", NULL),
	ACTIVITY_EVENT_ROW("shutdown-mtf", CTX_EVENT_MTF, ACTIVITY_SHUTDOWN, need_shutdown, BLOCKED,
			   "shutdown does not allow a pending MTF VM exit", NULL),
	ACTIVITY_EVENT_ROW("wait-sipi-nmi", CTX_EVENT_NMI, ACTIVITY_WAIT_SIPI, need_wait_sipi, BLOCKED,
			   "wait-for-SIPI allows no injected event (an NMI)", ACTIVITY_KVM),
	ACTIVITY_EVENT_ROW("wait-sipi-external", CTX_EVENT_EXTINT, ACTIVITY_WAIT_SIPI, need_wait_sipi, BLOCKED,
			   "wait-for-SIPI allows no injected event (an external interrupt)", ACTIVITY_KVM),
	{ .line = __LINE__, .name = "entry-guest-interruptibility-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .bits = interruptibility_reserved,
	  .rule = "interruptibility-state bits 31:5 are 0",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-enclave-without-sgx", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .need = need_no_sgx,
	  .rule = "interruptibility bit 4 (enclave interruption) only where SGX exists",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_ENCLAVE), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-sti-and-mov-ss", .sec = SEC_GUEST_NONREG, .ctx = CTX_STI,
	  .rule = "not both blocking by STI and blocking by MOV SS",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_OR(INTR_BLOCKING_MOV_SS), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	/* From blocking by STI with IF=1, IF cleared (the harness's RFLAGS.IF depends on its bound). */
	{ .line = __LINE__, .name = "entry-guest-interruptibility-sti-without-if", .sec = SEC_GUEST_NONREG, .ctx = CTX_STI,
	  .rule = "blocking by STI only with RFLAGS.IF=1",
	  .field = VMCS_GUEST_RFLAGS, .bad = ROW_CLEAR(X86_EFLAGS_IF), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-sti-external", .sec = SEC_GUEST_NONREG, .ctx = CTX_EVENT_EXTINT,
	  .rule = "no blocking by STI when an external interrupt is injected",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_STI), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-mov-ss-external", .sec = SEC_GUEST_NONREG, .ctx = CTX_EVENT_EXTINT,
	  .rule = "no blocking by MOV SS when an external interrupt is injected",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_MOV_SS), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-mov-ss-nmi", .sec = SEC_GUEST_NONREG, .ctx = CTX_EVENT_NMI,
	  .rule = "no blocking by MOV SS when an NMI is injected",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_MOV_SS), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-smi-outside-smm", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .rule = "blocking by SMI (bit 2) only in SMM",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_SMI), .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-nmi-blocking-virtual-nmis", .sec = SEC_GUEST_NONREG,
	  .ctx = CTX_EVENT_NMI_VNMI,
	  .rule = "with \"virtual NMIs\", no blocking by NMI (bit 3) when an NMI is injected",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_NMI), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-nmi-blocking-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-interruptibility-nmi-blocking-allowed", .sec = SEC_GUEST_NONREG, .ctx = CTX_EVENT_NMI,
	  .rule = "without \"virtual NMIs\" blocking by NMI may be 1 when an NMI is injected",
	  .field = VMCS_GUEST_INTERRUPTIBILITY_STATE, .bad = ROW_SET(INTR_BLOCKING_NMI), .expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-guest-pending-dbg-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE, .bits = pending_dbg_reserved,
	  .rule = "pending debug exceptions bits 11:4, 13, 15 and 63:17 are 0",
	  .field = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pending-dbg-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .bits = pending_dbg_reserved_high,
	  .rule = "pending debug exceptions bits 63:17 are 0 (the upper half)",
	  .field = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-pending-dbg-high-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-pending-dbg-rtm-unsupported", .sec = SEC_GUEST_NONREG, .ctx = CTX_BASE,
	  .need = need_no_rtm,
	  .rule = "pending debug exceptions bit 16 (RTM) only where RTM exists",
	  .field = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, .bad = ROW_SET(PENDING_DBG_RTM | BIT(12)),
	  .expect = FAIL_GUEST(QUAL_DEFAULT) },
	{ .line = __LINE__, .name = "entry-guest-pending-dbg-bs-missing", .sec = SEC_GUEST_NONREG, .ctx = CTX_STI_TF,
	  .rule = "with blocking by STI, RFLAGS.TF=1 and DEBUGCTL.BTF=0, pending BS (bit 14) is 1",
	  .field = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, .bad = ROW_CLEAR(PENDING_DBG_BS), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-pending-bs-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-pending-dbg-bs-without-tf", .sec = SEC_GUEST_NONREG, .ctx = CTX_STI,
	  .rule = "with blocking by STI and RFLAGS.TF=0, pending BS (bit 14) is 0",
	  .field = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, .bad = ROW_OR(PENDING_DBG_BS), .expect = FAIL_GUEST(QUAL_DEFAULT),
	  .erratum = "bochs-vmx-pending-bs-unchecked" },
	{ .line = __LINE__, .name = "entry-guest-link-align-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_LINK, .bits = page_offset_edges,
	  .rule = "a VMCS link pointer other than ~0 has bits 11:0 zero",
	  .field = VMCS_LINK_POINTER, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_LINK_POINTER) },
	{ .line = __LINE__, .name = "entry-guest-link-width-bit%u", .sec = SEC_GUEST_NONREG, .ctx = CTX_LINK, .bits = phys_edges,
	  .rule = "a VMCS link pointer other than ~0 sets no bit beyond the physical-address width",
	  .field = VMCS_LINK_POINTER, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_LINK_POINTER) },
	{ .line = __LINE__, .name = "entry-guest-link-revision", .sec = SEC_GUEST_NONREG, .ctx = CTX_LINK,
	  .rule = "the VMCS the link pointer points to has this CPU's VMCS revision identifier in bits 30:0",
	  .field = MEM_LINK_REVISION, .bad = ROW_FN(flip_bit0), .expect = FAIL_GUEST(QUAL_LINK_POINTER) },
	{ .line = __LINE__, .name = "entry-guest-link-shadow-without-shadowing", .sec = SEC_GUEST_NONREG, .ctx = CTX_LINK,
	  .rule = "its bit 31 (shadow VMCS) equals \"VMCS shadowing\" (0 here)",
	  .field = MEM_LINK_REVISION, .bad = ROW_OR(VMX_SHADOW_VMCS_INDICATOR), .expect = FAIL_GUEST(QUAL_LINK_POINTER) },
	{ .line = __LINE__, .name = "entry-guest-link-not-shadow-with-shadowing", .sec = SEC_GUEST_NONREG, .ctx = CTX_SHADOW_LINK,
	  .rule = "its bit 31 (shadow VMCS) equals \"VMCS shadowing\" (1 here)",
	  .field = MEM_LINK_REVISION, .bad = ROW_CLEAR(VMX_SHADOW_VMCS_INDICATOR), .expect = FAIL_GUEST(QUAL_LINK_POINTER) },
	{ .line = __LINE__, .name = "entry-guest-link-current-vmcs", .sec = SEC_GUEST_NONREG, .ctx = CTX_LINK,
	  .rule = "outside SMM the VMCS link pointer is not the current-VMCS pointer",
	  .field = VMCS_LINK_POINTER, .bad = ROW_FN(current_vmcs), .expect = FAIL_GUEST(QUAL_LINK_POINTER),
	  .erratum = "qemu-kvm-vmx-link-pointer-current-vmcs" },

	/* 27.3.1.6 Checks on Guest Page-Directory-Pointer-Table Entries (PDPTE 3: the guest does not use it) */
	{ .line = __LINE__, .name = "entry-guest-pdpte-ept-bit%u", .sec = SEC_GUEST_PDPTE, .ctx = CTX_PAE_EPT, .bits = pdpte_reserved,
	  .rule = "with EPT, a present PDPTE field sets no reserved bit (2:1, 8:5, 63:N)",
	  .field = VMCS_GUEST_PDPTE3, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_PDPTE) },
	{ .line = __LINE__, .name = "entry-guest-pdpte-ept-not-present", .sec = SEC_GUEST_PDPTE, .ctx = CTX_PAE_EPT,
	  .rule = "a PDPTE that is not present is not checked (reserved bits set, P=0)",
	  .field = VMCS_GUEST_PDPTE3, .bad = ROW_SET(BIT(1) | BIT(2) | BIT(63)), .expect = ENTERS_STUB },
	{ .line = __LINE__, .name = "entry-guest-pdpte-bit%u", .sec = SEC_GUEST_PDPTE, .ctx = CTX_PAE, .bits = pdpte_reserved,
	  .rule = "without EPT, a present PDPTE in the table CR3 points to sets no reserved bit",
	  .field = MEM_PDPTE3, .bad = ROW_BIT_SET, .expect = FAIL_GUEST(QUAL_PDPTE) },
	{ .line = __LINE__, .name = "entry-guest-pdpte-not-present", .sec = SEC_GUEST_PDPTE, .ctx = CTX_PAE,
	  .rule = "a PDPTE that is not present is not checked (reserved bits set, P=0)",
	  .field = MEM_PDPTE3, .bad = ROW_SET(BIT(1) | BIT(2) | BIT(63)), .expect = ENTERS_STUB },
};

const struct entry_table entry_table_guest = { rows, ARRAY_SIZE(rows), __FILE__ };
