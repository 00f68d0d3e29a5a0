/*
 * Enabling SVM and its negatives (APM Vol. 2 15.4, 15.30; Vol. 3 the SVM
 * instructions' exception lists), on every CPU.
 */
#include "hvtest.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/insn.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

static void *scratch;	/* a 4K-aligned page for rAX operands */
/*
 * Each CPU's own VMSAVE image: the rAX operand of VMRUN, VMLOAD and VMSAVE
 * where they must fault, so that one that completes instead finds harmless
 * state (VMLOAD loads what the CPU has; VMRUN reads a VMCB without the
 * VMRUN intercept and exits at once with VMEXIT_INVALID).
 */
static void *own_state[MAX_CPUS];

static uint64_t own_state_pa(void) { return virt_to_phys(own_state[smp_id()]); }
/* Each with rAX = pa (this CPU's own state, computed before any switch to CPL 3). */
static struct hv_result try_clgi(uint64_t pa) { return svm_clgi_try(); }
static struct hv_result try_invlpga(uint64_t pa) { return svm_invlpga_try(pa, 1); }
static struct hv_result try_stgi(void) { return svm_stgi_try(); }

/* KVM with vGIF lets the CPU run CLGI/STGI of a guest whose EFER.SVME is 0 (errata.cfg). */
#define KVM_GIF_WITHOUT_SVME "qemu-kvm-clgi-stgi-without-svme"

static const struct {
	const char *name;
	struct hv_result (*fn)(uint64_t pa);
	const char *erratum;
} gated[] = {
	{ "VMRUN", svm_vmrun_try, NULL }, { "VMLOAD", svm_vmload_try, NULL }, { "VMSAVE", svm_vmsave_try, NULL },
	{ "CLGI", try_clgi, KVM_GIF_WITHOUT_SVME }, { "INVLPGA", try_invlpga, NULL },
};

/*
 * This CPU's own VMSAVE image, and VM_HSAVE_PA set to its host save page
 * (where a VMRUN that wrongly completes saves the host's state): EFER.SVME
 * is set for the VMSAVE and cleared again.
 */
static void prepare_own_state(void)
{
	unsigned cpu = smp_id();
	uint64_t efer = rdmsr(MSR_EFER);

	if (!own_state[cpu])
		own_state[cpu] = alloc_page();
	wrmsr(SVM_MSR_VM_HSAVE_PA, virt_to_phys(svm_hsave_page(cpu)));
	wrmsr(MSR_EFER, efer | EFER_SVME);
	svm_vmsave_try(own_state_pa());
	wrmsr(MSR_EFER, efer);
}

/*
 * APM Vol. 3 VMRUN, VMLOAD, VMSAVE, CLGI, INVLPGA: #UD when EFER.SVME = 0.
 * One that completes instead is followed by STGI (svm_restore_gif): a CLGI
 * that completed would leave this CPU deaf to interrupts (seen under KVM).
 */
static void ud_without_svme(void *unused)
{
	prepare_own_state();
	uint64_t efer = svm_hardware_disable();

	for (unsigned i = 0; i < ARRAY_SIZE(gated); i++) {
		struct hv_result r = gated[i].fn(own_state_pa());
		if (!hv_result_matches(HV_RESULT_UD, r))
			svm_restore_gif();
		report_result(gated[i].erratum, HV_RESULT_UD, r, "%s with EFER.SVME=0 (EFER=%#llx)",
			      gated[i].name, (unsigned long long)efer);
	}
}

/*
 * APM Vol. 3 STGI and SKINIT: with EFER.SVME = 0 they raise #UD only when
 * neither SKINIT/DEV (CPUID 0x80000001 ECX[12]) nor SVM-Lock (CPUID
 * 0x8000000A EDX[2] SVML) is available; otherwise they execute (APM Vol. 2
 * 15.31: "SKINIT and STGI can be executed even if EFER.SVME=0").  STGI then
 * sets GIF, which is already 1: harmless, so it is run and must complete.
 * SKINIT would reinitialise the processor: not run.
 */
static void stgi_skinit_without_svme(void *unused)
{
	const struct svm_caps *c = svm_boot_caps();
	bool svml = svm_has(SVM_FEAT_SVML);
	uint64_t efer = svm_hardware_disable();

	if (c->skinit || svml) {
		report_result("bochs-stgi-svml-ud", HV_RESULT_OK, try_stgi(), "STGI with EFER.SVME=0 "
			      "(EFER=%#llx) where SKINIT=%d, SVML=%d", (unsigned long long)efer,
			      c->skinit, svml);
		report_skip("SKINIT with EFER.SVME=0: executes where SKINIT=%d, SVML=%d (it would "
			    "reinitialise the processor)", c->skinit, svml);
		return;
	}
	report_result(KVM_GIF_WITHOUT_SVME, HV_RESULT_UD, try_stgi(), "STGI with EFER.SVME=0 (EFER=%#llx), no SKINIT, "
		      "no SVML", (unsigned long long)efer);
	report_result(NULL, HV_RESULT_UD, svm_skinit_try((uint32_t)virt_to_phys(scratch)),
		      "SKINIT with EFER.SVME=0 (EFER=%#llx), no SKINIT, no SVML", (unsigned long long)efer);
}

static void enable_on_all(void)
{
	report_info("enabling SVM on all %u CPUs; nested paging %sadvertised (enable does not "
		    "depend on it)", nr_cpus, svm_has(SVM_FEAT_NP) ? "" : "not ");
	svm_enable_all();
	svm_check_hsave_pages();
}

/* APM Vol. 3: VMRUN, VMLOAD, VMSAVE, CLGI, STGI, INVLPGA at CPL > 0 raise #GP(0). */
struct cpl3_results { uint64_t pa; struct hv_result r[ARRAY_SIZE(gated) + 1]; };

static void cpl3_body(void *arg)	/* at CPL 3: no console access, results only */
{
	struct cpl3_results *res = arg;

	for (unsigned i = 0; i < ARRAY_SIZE(gated); i++)
		res->r[i] = gated[i].fn(res->pa);
	res->r[ARRAY_SIZE(gated)] = try_stgi();
}

static void gp_at_cpl3(void *unused)
{
	struct cpl3_results res;

	prepare_own_state();
	res.pa = own_state_pa();
	run_in_user(cpl3_body, &res);
	for (unsigned i = 0; i < ARRAY_SIZE(gated); i++)
		if (!hv_result_matches(HV_RESULT_GP0, res.r[i]))
			svm_restore_gif();	/* a CLGI or VMRUN that completed at CPL 3 */
	for (unsigned i = 0; i < ARRAY_SIZE(gated); i++)
		report_result(NULL, HV_RESULT_GP0, res.r[i], "%s at CPL 3 with EFER.SVME=1",
			      gated[i].name);
	report_result(NULL, HV_RESULT_GP0, res.r[ARRAY_SIZE(gated)], "STGI at CPL 3 with EFER.SVME=1");
}

/*
 * VMRUN, VMLOAD and VMSAVE take in rAX the physical address of a 4K-aligned
 * VMCB (APM 15.5.1, 15.5.2): an address at or above 2^MAXPHYADDR raises
 * #GP(0) (APM Vol. 3, the instructions' #GP lists), and so does one with any
 * of bits 11:0 set: the APM is less explicit there, but processors do it
 * (KVM's gp_interception relies on it: "All SVM instructions expect page
 * aligned RAX"), as QEMU and Bochs do.  Should one be accepted it finds harmless state: the
 * unaligned address is the second half of a page holding a copy of this
 * CPU's own VMSAVE image, which read as a VMCB has EFER.SVME=0 (VMRUN then
 * exits with VMEXIT_INVALID and GIF clear: STGI sets it again).
 */
static void rax_gp(void *unused)
{
	static const struct { const char *name; struct hv_result (*fn)(uint64_t pa); } insns[] = {
		{ "VMSAVE", svm_vmsave_try }, { "VMRUN", svm_vmrun_try }, { "VMLOAD", svm_vmload_try },
	};
	uint8_t *page = alloc_page();
	uint64_t pa = virt_to_phys(page);
	const struct { uint64_t rax; const char *what; } bad[] = {
		{ pa + PAGE_SIZE / 2, "bit 11 set (not 4K-aligned)" },
		{ 1ull << cpu_maxphyaddr(), "bit MAXPHYADDR set" },
	};

	if (report_result(NULL, HV_RESULT_OK, svm_vmsave_try(pa), "VMSAVE with rAX=%#llx (4K-aligned)",
			  (unsigned long long)pa)) {
		memcpy(page + PAGE_SIZE / 2, page, PAGE_SIZE / 2);
		for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
			for (unsigned b = 0; b < ARRAY_SIZE(bad); b++) {
				struct hv_result r = insns[i].fn(bad[b].rax);
				svm_stgi_try();
				report_result(NULL, HV_RESULT_GP0, r, "%s with rAX=%#llx, %s (MAXPHYADDR %u)",
					      insns[i].name, (unsigned long long)bad[b].rax, bad[b].what,
					      cpu_maxphyaddr());
			}
		}
	}
	free_page(page);
}

/*
 * APM 15.30.1 VM_CR: SVMDIS (bit 4) makes EFER.SVME must-be-zero; setting
 * SVMDIS while EFER.SVME = 1 raises #GP whatever LOCK says; with LOCK (bit 3)
 * clear, SVMDIS is writable; with LOCK set, writes to LOCK and SVMDIS are
 * silently ignored.
 */
static void svmdis_rules(void *unused)
{
	uint64_t vm_cr, efer = rdmsr(MSR_EFER);
	struct hv_result r = rdmsr_safe(SVM_MSR_VM_CR, &vm_cr);

	if (!report_result("bochs-vm-cr-gp", HV_RESULT_OK, r, "RDMSR VM_CR (value %#llx)",
			   (unsigned long long)vm_cr))
		return;
	r = wrmsr_safe(SVM_MSR_VM_CR, vm_cr | SVM_VM_CR_SVMDIS);
	if (hv_result_ok(r))
		wrmsr_safe(SVM_MSR_VM_CR, vm_cr);	/* undo before going on */
	report_result("qemu-tcg-vm-cr-ignored", HV_RESULT_GP0, r,
		      "WRMSR VM_CR.SVMDIS=1 while EFER.SVME=1 (EFER=%#llx)", (unsigned long long)efer);
	svm_hardware_disable();
	r = wrmsr_safe(SVM_MSR_VM_CR, vm_cr | SVM_VM_CR_SVMDIS);
	uint64_t back = ~0ull;
	rdmsr_safe(SVM_MSR_VM_CR, &back);
	if (vm_cr & SVM_VM_CR_LOCK) {
		report(hv_result_ok(r) && back == vm_cr, "WRMSR VM_CR.SVMDIS=1 with LOCK=1 (set by "
		       "firmware) and EFER.SVME=0: expected success, silently ignored (VM_CR stays "
		       "%#llx), got %s, VM_CR=%#llx", (unsigned long long)vm_cr,
		       hv_result_ok(r) ? "success" : "a fault", (unsigned long long)back);
		struct svm_enable_result e = svm_hardware_enable();
		report(e.status == SVM_ENABLE_OK, "hardware_enable after the ignored SVMDIS write: "
		       "expected enabled, got %s", svm_enable_status_str(e.status));
		return;
	}
	bool set = hv_result_ok(r) && (back & SVM_VM_CR_SVMDIS);
	report_erratum("qemu-tcg-vm-cr-ignored", set,
		       "WRMSR VM_CR.SVMDIS=1 with LOCK=0 and EFER.SVME=0: expected success and SVMDIS "
		       "read back 1, got %s, VM_CR=%#llx", hv_result_ok(r) ? "success" : "a fault",
		       (unsigned long long)back);
	efer = rdmsr(MSR_EFER);
	/* QEMU TCG ignores VM_CR; KVM stores SVMDIS but never consults it (errata.cfg). */
	report_result(erratum_active("qemu-kvm-svmdis-not-enforced") ? "qemu-kvm-svmdis-not-enforced" :
		      "qemu-tcg-vm-cr-ignored", HV_RESULT_GP0,
		      wrmsr_safe(MSR_EFER, efer | EFER_SVME),
		      "WRMSR EFER.SVME=1 while VM_CR.SVMDIS=1 (VM_CR=%#llx)", (unsigned long long)back);
	wrmsr_safe(MSR_EFER, efer);
	r = wrmsr_safe(SVM_MSR_VM_CR, vm_cr);
	rdmsr_safe(SVM_MSR_VM_CR, &back);
	report_erratum("qemu-kvm-svmdis-sticky", hv_result_ok(r) && back == vm_cr,
		       "WRMSR VM_CR back to %#llx (LOCK=0): expected success and that value read back, "
		       "got %s, read back %#llx", (unsigned long long)vm_cr,
		       hv_result_ok(r) ? "success" : "a fault", (unsigned long long)back);
	struct svm_enable_result e = svm_hardware_enable();
	report(e.status == SVM_ENABLE_OK, "hardware_enable after SVMDIS cleared: expected enabled, "
	       "got %s", svm_enable_status_str(e.status));
}

/*
 * APM 15.30.4: writing VM_HSAVE_PA raises #GP if any of the low 12 bits of
 * the address are set or the address is at or above 2^MAXPHYADDR; the
 * register keeps its value.
 */
static void hsave_pa_writes(void *unused)
{
	uint64_t good = rdmsr(SVM_MSR_VM_HSAVE_PA);
	const struct { uint64_t val; const char *what; } bad[] = {
		{ good | PAGE_SIZE / 2, "bit 11 set (not 4K-aligned)" },
		{ 1ull << cpu_maxphyaddr() | good, "bit MAXPHYADDR set" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t back = ~0ull;
		report_result("bochs-vm-hsave-pa-unchecked", HV_RESULT_GP0,
			      wrmsr_safe(SVM_MSR_VM_HSAVE_PA, bad[i].val), "WRMSR VM_HSAVE_PA=%#llx, %s "
			      "(MAXPHYADDR %u)", (unsigned long long)bad[i].val, bad[i].what,
			      cpu_maxphyaddr());
		rdmsr_safe(SVM_MSR_VM_HSAVE_PA, &back);
		report_u64("bochs-vm-hsave-pa-unchecked", good, back,
			   "VM_HSAVE_PA read back after the write of %#llx (unchanged)", (unsigned long long)bad[i].val);
		wrmsr(SVM_MSR_VM_HSAVE_PA, good);
	}
}

static void test_ud(void) { on_cpus(ud_without_svme, NULL); }
static void test_stgi_skinit(void) { on_cpus(stgi_skinit_without_svme, NULL); }
static void test_enable_all(void) { enable_on_all(); }
static void test_enable_twice(void) { svm_check_enable_refused(); }
static void test_cpl3(void) { on_cpus(gp_at_cpl3, NULL); }
static void test_rax_gp(void) { on_cpus(rax_gp, NULL); }
static void test_svmdis(void) { on_cpus(svmdis_rules, NULL); }
static void test_hsave_pa(void) { on_cpus(hsave_pa_writes, NULL); }

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "ud_svme_clear", test_ud },
		{ "stgi_skinit", test_stgi_skinit },
		{ "enable_all", test_enable_all },
		{ "enable_twice", test_enable_twice },
		{ "cpl3", test_cpl3 },
		{ "rax_gp", test_rax_gp },
		{ "svmdis", test_svmdis },
		{ "hsave_pa", test_hsave_pa },
	};

	if (!svm_program_start(0))
		return 0;
	scratch = alloc_page();
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
