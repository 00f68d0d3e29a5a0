/*
 * Every CPUID 0x8000000A EDX feature by name: exercised in one scenario
 * when advertised (APM Vol. 2 15.x per feature), a SKIP with the reason when
 * not.  Nothing unadvertised is used.
 */
#include "hvtest.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/stubs.h"
#include "svm/svm_defs.h"


static struct svm_guest guest;

static uint64_t run_stub(void (*stub)(void), uint64_t rbx, uint64_t rcx, uint64_t rdx)
{
	svm_guest_set_fn(&guest, (hv_guest_fn *)stub, NULL);
	guest.regs.rbx = rbx;
	guest.regs.rcx = rcx;
	guest.regs.rdx = rdx;
	return svm_guest_run(&guest);
}

/* APM 15.7.1: with NRIPS, an intercepted instruction exit stores the next sequential rIP in NRIP. */
static void nrips(void)
{
	static const struct {
		const char *name; void (*stub)(void); const char *end; uint64_t exit;
		uint64_t rcx, rdx;
	} insns[] = {
		{ "CPUID", g_cpuid, g_cpuid_end, VMEXIT_CPUID, 0, 0 },
		{ "HLT", g_hlt, g_hlt_end, VMEXIT_HLT, 0, 0 },
		{ "VMMCALL", g_vmmcall, g_vmmcall_end, VMEXIT_VMMCALL, 0, 0 },
		{ "RDMSR (MSR outside the MSRPM)", g_rdmsr, g_rdmsr_end, VMEXIT_MSR,
		  SVM_MSRPM_RANGE2_BASE + SVM_MSRPM_RANGE_MSRS, 0 },
		{ "IN8 (intercepted port 0x80)", g_inb, g_inb_end, VMEXIT_IOIO, 0, 0x80 },
	};

	guest.vmcb->control.intercept3 |= SVM_I3_CPUID | SVM_I3_HLT | SVM_I3_MSR_PROT | SVM_I3_IOIO_PROT;
	svm_iopm_set(&guest, 0x80, true);
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		if (!svm_report_exit(NULL, insns[i].exit, run_stub(insns[i].stub, 0, insns[i].rcx,
								   insns[i].rdx), "%s", insns[i].name))
			continue;
		report_u64(NULL, (uint64_t)insns[i].end, guest.vmcb->control.next_rip,
			   "%s at %#llx: NRIP is the next instruction", insns[i].name,
			   (unsigned long long)guest.vmcb->save.rip);
	}
}

static volatile uint64_t guest_value;
static uint64_t readable_word;

static void guest_read(void *p)
{
	guest_value = *(volatile uint64_t *)p;
}

/*
 * APM 15.16.1: TLB_CONTROL 3 (flush this ASID) and 7 (its non-global
 * entries) exist with FlushByAsid.  Both are accepted, and 3 makes a
 * changed nested mapping visible to a guest that keeps its ASID.
 */
static void flush_by_asid(void)
{
	static const uint8_t codes[] = { VMCB_TLB_FLUSH_ASID, VMCB_TLB_FLUSH_ASID_NONGLOBAL };

	for (unsigned i = 0; i < ARRAY_SIZE(codes); i++) {
		svm_guest_set_fn(&guest, guest_read, &readable_word);
		guest.vmcb->control.tlb_control = codes[i];
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest),
				"VMRUN with TLB_CONTROL=%u runs the guest", codes[i]);
	}
	guest.vmcb->control.tlb_control = VMCB_TLB_NOTHING;
	if (!svm_has(SVM_FEAT_NP)) {
		report_skip("FlushByAsid with a changed nested mapping: NP not advertised");
		return;
	}
	struct page_table npt;
	uint8_t *gpa_page = alloc_page(), *other = alloc_page();
	*(volatile uint64_t *)gpa_page = 0x1111;
	*(volatile uint64_t *)other = 0x2222;
	npt_identity_init(&npt, 21);
	guest.vmcb->control.np_control = VMCB_NP_ENABLE;
	guest.vmcb->control.n_cr3 = npt_ncr3(&npt);
	svm_guest_set_fn(&guest, guest_read, gpa_page);
	svm_guest_run(&guest);
	report_u64(NULL, 0x1111, guest_value, "guest reads the GPA through the first mapping");
	pt_map(&npt, virt_to_phys(gpa_page), virt_to_phys(other), PAGE_SIZE, 12, NPT_LEAF_FLAGS);
	svm_guest_set_fn(&guest, guest_read, gpa_page);
	guest.vmcb->control.tlb_control = VMCB_TLB_FLUSH_ASID;
	svm_guest_run(&guest);
	report_u64(NULL, 0x2222, guest_value, "after remapping the GPA and TLB_CONTROL=3, "
		   "same ASID %u, the guest reads the new page", guest.vmcb->control.asid);
	guest.vmcb->control.np_control = 0;
	guest.vmcb->control.tlb_control = VMCB_TLB_NOTHING;
	pt_destroy(&npt);
	free_page(gpa_page);
	free_page(other);
}

/* APM 15.33 Decode Assists: a MOV-to-CR intercept reports MOV (bit 63) and the GPR number. */
static void decode_assists(void)
{
	guest.vmcb->control.intercept_cr |= SVM_I_CR_WRITE(3);
	if (svm_report_exit(NULL, VMEXIT_CR3_WRITE, run_stub(g_mov_rbx_cr3, read_cr3(), 0, 0),
			    "MOV RBX to CR3 with CR3 write intercept"))
		report_u64(NULL, SVM_EXITINFO1_CR_MOV | 3, guest.vmcb->control.exit_info1,
			   "EXITINFO1 = MOV (bit 63) | GPR 3 (RBX)");
	guest.vmcb->control.intercept_cr &= ~SVM_I_CR_WRITE(3);
}

static void guest_clgi_stgi(void *unused)
{
	asm volatile("clgi; vmmcall; stgi; vmmcall" ::: "memory");
}

/* APM 15.17.1: with V_GIF_ENABLE, the guest's CLGI/STGI clear and set V_GIF (VMCB 060h bit 9). */
static void vgif(void)
{
	static const struct { uint64_t want; const char *after; } steps[] = {
		{ 0, "CLGI" }, { VMCB_V_GIF, "STGI" },
	};

	svm_guest_set_fn(&guest, guest_clgi_stgi, NULL);
	guest.vmcb->control.vintr |= VMCB_V_GIF_ENABLE | VMCB_V_GIF;
	for (unsigned i = 0; i < ARRAY_SIZE(steps); i++) {
		if (!svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest), "guest %s not "
				     "intercepted, then VMMCALL", steps[i].after))
			break;
		report_u64(NULL, steps[i].want, guest.vmcb->control.vintr & VMCB_V_GIF,
			   "V_GIF after the guest's %s", steps[i].after);
		svm_guest_skip(&guest, 3);
	}
	svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest), "guest runs to its end");
	report(guest.done, "guest after STGI: expected to reach its final VMMCALL, got %s",
	       guest.done ? "there" : "stopped before it");
	guest.vmcb->control.vintr &= ~(VMCB_V_GIF_ENABLE | VMCB_V_GIF);
}

static volatile unsigned pauses_done;

static void guest_pauses(void *unused)
{
	for (unsigned i = 0; i < 64; i++) {
		asm volatile("pause" ::: "memory");
		pauses_done++;
	}
}

/*
 * APM Vol. 2, 15.14.4 "Pause Intercept Filtering": VMRUN loads the PAUSE
 * filter count into an internal counter; each PAUSE decrements it, and the
 * PAUSE that brings it to zero causes the #VMEXIT (with a count of 0 every
 * PAUSE exits).  With a count of N the guest completes exactly N - 1
 * PAUSEs, the N-th exits.  With PauseFilterThreshold the counter is reset
 * when more cycles than the threshold pass between two PAUSEs: the
 * threshold is set to its largest value, which PAUSEs in a tight loop do
 * not exceed.
 */
static void pause_filter(void)
{
	const unsigned count = 8;

	pauses_done = 0;
	svm_guest_set_fn(&guest, guest_pauses, NULL);
	guest.vmcb->control.intercept3 |= SVM_I3_PAUSE;
	guest.vmcb->control.pause_filter_count = count;
	if (svm_has(SVM_FEAT_PAUSE_FILTER_THRESH))
		guest.vmcb->control.pause_filter_thresh = UINT16_MAX;
	if (svm_report_exit(NULL, VMEXIT_PAUSE, svm_guest_run(&guest),
			    "PAUSE loop with PAUSE intercept and filter count %u", count))
		report_u64("bochs-svm-pause-filter-count", count - 1, pauses_done, "PAUSEs completed before "
			   "the PAUSE exit with filter count %u (threshold %u)", count,
			   guest.vmcb->control.pause_filter_thresh);
	guest.vmcb->control.intercept3 &= ~SVM_I3_PAUSE;
	guest.vmcb->control.pause_filter_count = 0;
	guest.vmcb->control.pause_filter_thresh = 0;
}

static void guest_lbr(void *unused)
{
	asm volatile("wrmsr; jmp 1f; nop; 1: nop" :: "c"(MSR_IA32_DEBUGCTL), "a"((uint32_t)DEBUGCTL_LBR), "d"(0)
		     : "memory");
}

/*
 * APM 15.23 LBR virtualization: with LBR_VIRT_ENABLE the guest's DebugCtl
 * and last-branch records live in the VMCB (save.dbgctl, br_from, br_to),
 * and the host's DebugCtl is untouched.
 */
static void lbr_virt(void)
{
	uint64_t host = 0, after = ~0ull;
	/* DebugCtl exists on every AMD64 processor (APM 13.1.1.6); LBR virtualization builds on it. */
	const char *erratum = "bochs-no-debugctl-msr";
	bool host_ok = report_result(erratum, HV_RESULT_OK, rdmsr_safe(MSR_IA32_DEBUGCTL, &host),
				     "host RDMSR DebugCtl (%#x)", MSR_IA32_DEBUGCTL);

	svm_guest_set_fn(&guest, guest_lbr, NULL);
	guest.vmcb->control.virt_ext |= VMCB_LBR_VIRT_ENABLE;
	guest.vmcb->save.dbgctl = 0;
	svm_report_exit(erratum, VMEXIT_VMMCALL, svm_guest_run(&guest),
			"guest sets DebugCtl.LBR and branches");
	report_u64(erratum, DEBUGCTL_LBR, guest.vmcb->save.dbgctl & DEBUGCTL_LBR, "VMCB DBGCTL.LBR");
	report_erratum(erratum, guest.vmcb->save.br_from && guest.vmcb->save.br_to,
		       "VMCB BR_FROM/BR_TO after the guest's branch: expected both non-zero, got "
		       "BR_FROM=%#llx BR_TO=%#llx",
		       (unsigned long long)guest.vmcb->save.br_from, (unsigned long long)guest.vmcb->save.br_to);
	if (host_ok) {
		rdmsr_safe(MSR_IA32_DEBUGCTL, &after);
		report_u64(NULL, host, after, "host DebugCtl unchanged");
	}
	guest.vmcb->control.virt_ext &= ~VMCB_LBR_VIRT_ENABLE;
}

/* APM 15.30.5: TSC_RATIO resets to 1.0 (0x1_0000_0000); bits 63:40 are reserved (#GP). */
static void tsc_ratio(void)
{
	uint64_t v = 0;

	report_result(NULL, HV_RESULT_OK, rdmsr_safe(SVM_MSR_TSC_RATIO, &v), "RDMSR TSC_RATIO");
	report_u64(NULL, SVM_TSC_RATIO_DEFAULT, v, "TSC_RATIO at reset");
	report_result(NULL, HV_RESULT_GP0, wrmsr_safe(SVM_MSR_TSC_RATIO, v | 1ull << 40),
		      "WRMSR TSC_RATIO with reserved bit 40");
}

/*
 * APM 15.15.3: with VMCB clean bits, a set bit lets the processor use
 * cached state; a cleared bit makes it reread the group.  An intercept
 * added with the I bit cleared takes effect.
 */
static void vmcb_clean(void)
{
	svm_guest_set_fn(&guest, (hv_guest_fn *)g_cpuid, NULL);
	guest.vmcb->control.clean = 0;
	svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest), "first run, clean=0");
	svm_guest_set_fn(&guest, (hv_guest_fn *)g_cpuid, NULL);
	guest.vmcb->control.clean = VMCB_CLEAN_ALL_DEFINED;
	svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&guest), "unchanged VMCB, all clean bits set");
	svm_guest_set_fn(&guest, (hv_guest_fn *)g_cpuid, NULL);
	guest.vmcb->control.intercept3 |= SVM_I3_CPUID;
	guest.vmcb->control.clean = VMCB_CLEAN_ALL_DEFINED & ~(1u << VMCB_CLEAN_I);
	svm_report_exit(NULL, VMEXIT_CPUID, svm_guest_run(&guest),
			"CPUID intercept added with clean bit I cleared");
	guest.vmcb->control.clean = 0;
}

static const struct {
	unsigned bit;
	void (*exercise)(void);
	const char *elsewhere;	/* the program that exercises it instead */
} exercisers[] = {
	{ SVM_FEAT_NP, NULL, "svm_npt" },
	{ SVM_FEAT_LBRV, lbr_virt, NULL },
	{ SVM_FEAT_SVML, NULL, "svm_enable (VM_CR.LOCK/SVMDIS, STGI/SKINIT rule)" },
	{ SVM_FEAT_NRIPS, nrips, NULL },
	{ SVM_FEAT_TSC_RATE_MSR, tsc_ratio, NULL },
	{ SVM_FEAT_VMCB_CLEAN, vmcb_clean, NULL },
	{ SVM_FEAT_FLUSH_BY_ASID, flush_by_asid, NULL },
	{ SVM_FEAT_DECODE_ASSISTS, decode_assists, NULL },
	{ SVM_FEAT_PAUSE_FILTER, pause_filter, NULL },
	{ SVM_FEAT_VGIF, vgif, NULL },
};

static void test_features(void)
{
	for (unsigned i = 0; i < svm_feature_table_len; i++) {
		const struct svm_feature_desc *f = &svm_feature_table[i];
		unsigned e = 0;

		while (e < ARRAY_SIZE(exercisers) && exercisers[e].bit != f->bit)
			e++;
		report_prefix_push("%s", f->name);
		if (!svm_has(f->bit))
			report_skip("not advertised (CPUID 0x8000000A EDX[%u]=0)", f->bit);
		else if (e == ARRAY_SIZE(exercisers))
			report_skip("advertised (EDX[%u]=1); no scenario for it in this suite", f->bit);
		else if (exercisers[e].elsewhere)
			report_skip("advertised (EDX[%u]=1); exercised by %s", f->bit, exercisers[e].elsewhere);
		else if (svm_guest_create(&guest, guest_read, &readable_word)) {
			exercisers[e].exercise();
			svm_guest_free(&guest);
		}
		report_prefix_pop();
	}
}

/* Every feature on every CPU in turn, each scenario with a guest of its own in the valid state. */
HV_EACH_CPU(test_features)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "features", test_features_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
