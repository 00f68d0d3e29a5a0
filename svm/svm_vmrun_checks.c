/*
 * VMRUN consistency checks (APM Vol. 2 15.5.1 "Basic Operation",
 * "Canonicalization and Consistency Checks"): each illegal guest state
 * makes VMRUN exit at once with EXITCODE VMEXIT_INVALID (-1).  Every case
 * starts from a VMCB that runs (checked first) and changes one thing.
 */
#include "hvtest.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/program.h"
#include "svm/stubs.h"
#include "svm/svm_defs.h"

static struct svm_guest guest;
static void *guest_idt;

/*
 * The guest's own IDT: every exception vector leads to a VMMCALL, so an
 * injected event that VMRUN wrongly accepts ends as a VMMCALL exit instead
 * of running the host's handlers inside the guest.  The load hook puts it
 * into the valid state.
 */
static void guest_idt_init(void)
{
	guest_idt = alloc_page();
	for (unsigned vec = 0; vec < 32; vec++)
		idt_set_gate(guest_idt, vec, g_vmmcall, 0, 0);
}

static void use_guest_idt(struct svm_guest *g)
{
	g->vmcb->save.idtr = (struct vmcb_seg){ .base = (uint64_t)guest_idt,
						.limit = 32 * IDT_GATE_SIZE - 1 };
}

static void guest_nothing(void *unused)
{
}

/* EFER.SVME is zero. */
static void efer_svme_clear(struct vmcb *v) { v->save.efer &= ~EFER_SVME; }
/* CR0.CD is zero and CR0.NW is set. */
static void cr0_nw_without_cd(struct vmcb *v) { v->save.cr0 = (v->save.cr0 & ~X86_CR0_CD) | X86_CR0_NW; }
/* CR0[63:32] are not zero. */
static void cr0_high_bit(struct vmcb *v) { v->save.cr0 |= 1ull << 32; }
/* Any MBZ bit of CR3 is set: bits 63:52 in long mode. */
static void cr3_bit63(struct vmcb *v) { v->save.cr3 |= 1ull << 63; }
/* Any MBZ bit of CR3 is set: the first bit above MAXPHYADDR. */
static void cr3_above_maxphyaddr(struct vmcb *v) { v->save.cr3 |= 1ull << cpu_maxphyaddr(); }
/* Any MBZ bit of CR4 is set: bit 15 is reserved. */
static void cr4_bit15(struct vmcb *v) { v->save.cr4 |= 1ull << 15; }
/* Any MBZ bit of CR4 is set: bits 63:32. */
static void cr4_bit63(struct vmcb *v) { v->save.cr4 |= 1ull << 63; }
/* DR6[63:32] are not zero. */
static void dr6_high_bit(struct vmcb *v) { v->save.dr6 |= 1ull << 32; }
/* DR7[63:32] are not zero. */
static void dr7_high_bit(struct vmcb *v) { v->save.dr7 |= 1ull << 32; }
/* Any MBZ bit of EFER is set: bit 63. */
static void efer_bit63(struct vmcb *v) { v->save.efer |= 1ull << 63; }
/* EFER.LME and CR0.PG are both set and CR4.PAE is zero. */
static void long_mode_without_pae(struct vmcb *v) { v->save.cr4 &= ~X86_CR4_PAE; }
/* EFER.LME and CR0.PG are both non-zero and CR0.PE is zero. */
static void paging_without_pe(struct vmcb *v) { v->save.cr0 &= ~X86_CR0_PE; }
/* EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all non-zero. */
static void cs_l_and_d(struct vmcb *v) { v->save.cs.attrib |= VMCB_ATTR_L | VMCB_ATTR_DB; }
/* The VMRUN intercept bit is clear. */
static void vmrun_intercept_clear(struct vmcb *v) { v->control.intercept4 &= ~SVM_I4_VMRUN; }
/* ASID 0 is the host's (APM 15.16: "ASID 0 is reserved for the host"). */
static void asid_zero(struct vmcb *v) { v->control.asid = 0; }
/* The MSR permission map extends to or beyond the maximum physical address. */
static void msrpm_beyond_maxphyaddr(struct vmcb *v)
{
	v->control.msrpm_base_pa = (1ull << cpu_maxphyaddr()) - PAGE_SIZE;
}
/* The I/O permission map extends to or beyond the maximum physical address. */
static void iopm_beyond_maxphyaddr(struct vmcb *v)
{
	v->control.iopm_base_pa = (1ull << cpu_maxphyaddr()) - PAGE_SIZE;
}
/*
 * Illegal event injection (APM 15.20): VMRUN exits with VMEXIT_INVALID for a
 * reserved TYPE, and for TYPE 3 (exception) with a vector that is not an
 * exception: vector 2 (NMI), a reserved vector (15), any vector >= 32.
 */
static void event_exc_vector2(struct vmcb *v) { v->control.event_inj = svm_event(NMI_VECTOR, SVM_EVT_TYPE_EXCEPTION, false, 0); }
static void event_exc_vector15(struct vmcb *v) { v->control.event_inj = svm_event(15, SVM_EVT_TYPE_EXCEPTION, false, 0); }
static void event_exc_vector32(struct vmcb *v) { v->control.event_inj = svm_event(32, SVM_EVT_TYPE_EXCEPTION, false, 0); }
static void event_exc_vector255(struct vmcb *v) { v->control.event_inj = svm_event(255, SVM_EVT_TYPE_EXCEPTION, false, 0); }
/* EVENTINJ.TYPE 1 is reserved. */
static void event_type1(struct vmcb *v) { v->control.event_inj = svm_event(32, 1, false, 0); }
/* Illegal event injection (APM 15.20): EVENTINJ.TYPE 5-7 are reserved. */
static void event_type5(struct vmcb *v) { v->control.event_inj = svm_event(32, 5, false, 0); }
static void event_type6(struct vmcb *v) { v->control.event_inj = svm_event(32, 6, false, 0); }
static void event_type7(struct vmcb *v) { v->control.event_inj = svm_event(32, 7, false, 0); }
/*
 * Illegal event injection (APM 15.20): an event impossible in the guest's
 * mode, such as #BR (vector 5) for a guest in 64-bit mode, where BOUND
 * does not exist.
 */
static void event_br_64bit(struct vmcb *v)
{
	v->control.event_inj = svm_event(BR_VECTOR, SVM_EVT_TYPE_EXCEPTION, false, 0);
}

/* One row: the rule's name (its function's) and line, what it changes, the errata that bear on it. */
#define CASE(make, name, erratum, fatal_erratum) { REPORT_ROW(#make), name, make, erratum, fatal_erratum }
static const struct illegal_state {
	struct report_site row;
	const char *name;
	void (*make)(struct vmcb *v);
	const char *erratum;		/* an environment known to accept the state */
	const char *fatal_erratum;	/* an environment that dies on it: not executed there */
} cases[] = {
	CASE(efer_svme_clear, "guest EFER.SVME=0", NULL, NULL),
	CASE(cr0_nw_without_cd, "CR0.CD=0 with CR0.NW=1", NULL, NULL),
	CASE(cr0_high_bit, "CR0 bit 32 set", NULL, NULL),
	CASE(cr3_bit63, "CR3 bit 63 set (MBZ in long mode)", "bochs-vmrun-cr3-mbz-unchecked", NULL),
	CASE(cr3_above_maxphyaddr, "CR3 bit MAXPHYADDR set", "bochs-vmrun-cr3-mbz-unchecked", NULL),
	CASE(cr4_bit15, "CR4 bit 15 set (reserved)", NULL, NULL),
	CASE(cr4_bit63, "CR4 bit 63 set", NULL, NULL),
	CASE(dr6_high_bit, "DR6 bit 32 set", NULL, NULL),
	CASE(dr7_high_bit, "DR7 bit 32 set", NULL, NULL),
	CASE(efer_bit63, "EFER bit 63 set", NULL, NULL),
	CASE(long_mode_without_pae, "EFER.LME=1 CR0.PG=1 with CR4.PAE=0", NULL, NULL),
	CASE(paging_without_pe, "EFER.LME=1 CR0.PG=1 with CR0.PE=0", NULL, "bochs-vmrun-pg-without-pe-panics"),
	CASE(cs_l_and_d, "long mode with CS.L=1 and CS.D=1", NULL, NULL),
	CASE(vmrun_intercept_clear, "VMRUN intercept clear", NULL, NULL),
	CASE(asid_zero, "ASID 0", NULL, NULL),
	CASE(msrpm_beyond_maxphyaddr, "MSRPM ends beyond MAXPHYADDR", "bochs-vmrun-pm-base-unchecked", NULL),
	CASE(iopm_beyond_maxphyaddr, "IOPM ends beyond MAXPHYADDR", "bochs-vmrun-pm-base-unchecked", NULL),
	CASE(event_type1, "EVENTINJ type 1 (reserved)", NULL, NULL),
	CASE(event_type5, "EVENTINJ type 5 (reserved)", NULL, NULL),
	CASE(event_type6, "EVENTINJ type 6 (reserved)", NULL, NULL),
	CASE(event_type7, "EVENTINJ type 7 (reserved)", NULL, NULL),
	CASE(event_exc_vector2, "EVENTINJ exception with vector 2 (NMI, not an exception)", NULL, NULL),
	CASE(event_exc_vector15, "EVENTINJ exception with vector 15 (reserved)", "any-evtinj-reserved-vector-accepted", NULL),
	CASE(event_exc_vector32, "EVENTINJ exception with vector 32", NULL, NULL),
	CASE(event_exc_vector255, "EVENTINJ exception with vector 255", NULL, NULL),
	CASE(event_br_64bit, "EVENTINJ #BR into a 64-bit guest", "any-evtinj-impossible-accepted", NULL),
};

/*
 * EXITCODE is 64 bits (APM Table B-1, Appendix C): VMEXIT_INVALID is -1 in
 * all of them.  That is checked once (test exitcode_width).  Where the
 * environment stores it zero-extended from 32 bits (erratum
 * qemu-tcg-exitcode-32bit), the cases of illegal_states read 0xFFFFFFFF as
 * VMEXIT_INVALID, so that each of them still checks that VMRUN refused.
 */
static uint64_t refusal_code(uint64_t code)
{
	if (erratum_active("qemu-tcg-exitcode-32bit") && code == (uint32_t)VMEXIT_INVALID)
		return VMEXIT_INVALID;
	return code;
}

/* One case: the valid state loaded afresh, one thing changed; returns EXITCODE as stored. */
static uint64_t run_case(const struct illegal_state *c)
{
	if (!svm_guest_load(&guest))
		return SVM_GUEST_STOPPED;
	c->make(guest.vmcb);
	return svm_guest_run(&guest);
}

/* The valid state runs the guest to its end: the cases below change only one thing. */
static bool baseline(void)
{
	if (!svm_guest_load(&guest))
		return false;
	return svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest),
			       "baseline VMCB runs the guest to its final VMMCALL") &&
	       report(guest.done, "baseline guest: expected its final VMMCALL at %p, got the exit at "
		      "RIP %#llx", (void *)svm_guest_done_rip, (unsigned long long)guest.vmcb->save.rip);
}

static void test_illegal_states(void)
{
	if (!baseline())
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		report_rule_begin(&cases[i].row);
		if (!cases[i].fatal_erratum || !report_not_executed(cases[i].fatal_erratum, "VMRUN with %s",
								     cases[i].name)) {
			uint64_t code = run_case(&cases[i]);
			svm_report_exit(cases[i].erratum, VMEXIT_INVALID, refusal_code(code),
					"VMRUN with %s (EXITCODE as stored %#llx, guest RIP at exit %#llx)",
					cases[i].name, (unsigned long long)code,
					(unsigned long long)guest.vmcb->save.rip);
		}
		report_rule_end();
	}
	report_skip("EFER.LME/LMA with no long mode support: this processor has long mode "
		    "(CPUID 0x80000001 EDX[29]=%d)", cpu_has(X86_FEATURE_LM));
	baseline();
}

/* A refused VMRUN (guest EFER.SVME=0) stores VMEXIT_INVALID in all 64 bits of EXITCODE. */
static void test_exitcode_width(void)
{
	svm_report_exit("qemu-tcg-exitcode-32bit", VMEXIT_INVALID, run_case(&cases[0]),
			"EXITCODE, all 64 bits, of VMRUN refused for %s", cases[0].name);
}

/* Each rule on every CPU in turn, with a guest of that CPU in the valid state with its own IDT. */
static void with_guest(void *rule)
{
	if (!svm_guest_create(&guest, guest_nothing, NULL))
		return;
	guest.load_hook = use_guest_idt;
	((void (*)(void))rule)();
	svm_guest_free(&guest);
}

HV_EACH_CPU_WITH(with_guest, test_illegal_states)
HV_EACH_CPU_WITH(with_guest, test_exitcode_width)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "illegal_states", test_illegal_states_each_cpu },
		{ "exitcode_width", test_exitcode_width_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	guest_idt_init();
	run_subtests(tests, ARRAY_SIZE(tests));
	free_page(guest_idt);
	svm_program_finish();
	return 0;
}
