/*
 * SVM on every CPU at once (what the reference suite never does): each CPU
 * enables SVM, prepares its own VMCB with an ASID no other CPU uses, and all
 * CPUs VMRUN concurrently, each guest making many VMMCALLs.  Then, per CPU,
 * two guests with different ASIDs and different nested page tables for the
 * same guest-physical page run alternately without a TLB flush: each must
 * see its own memory (APM 15.16: TLB entries are tagged with the ASID).
 */
#include "hvtest.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

#define HYPERCALLS	200
#define ROUNDS		4

struct slot {
	unsigned long hypercalls;	/* VMMCALL exits the host saw */
	unsigned long guest_count;	/* loop iterations the guest finished */
	uint64_t last_exit;
	uint32_t asid;
	bool done;
};

static struct slot slots[MAX_CPUS];
static volatile unsigned ready;

static void guest_hypercalls(void *arg)
{
	struct slot *s = arg;

	for (unsigned i = 0; i < HYPERCALLS; i++) {
		asm volatile("vmmcall" ::: "memory");
		s->guest_count++;
	}
}

static bool on_vmmcall(struct svm_guest *g)
{
	slots[g->cpu].hypercalls++;
	svm_guest_skip(g, 3);	/* VMMCALL is 0F 01 D9 */
	return true;
}

static uint32_t asid_of(unsigned cpu, unsigned which)
{
	return 1 + 2 * cpu + which;
}

static void concurrent_guest(void *unused)
{
	struct slot *s = &slots[smp_id()];
	struct svm_guest g;

	bool created = svm_guest_create(&g, guest_hypercalls, s);

	__atomic_add_fetch(&ready, 1, __ATOMIC_ACQ_REL);
	if (!created)
		return;
	g.vmcb->control.asid = s->asid = asid_of(smp_id(), 0);
	svm_guest_on_exit(&g, VMEXIT_VMMCALL, on_vmmcall);
	while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) < nr_cpus)
		cpu_relax();
	s->last_exit = svm_guest_run(&g);
	s->done = g.done;
	svm_guest_free(&g);
}

static void test_concurrent(void)
{
	const struct svm_caps *c = svm_boot_caps();
	char e[48];

	if (asid_of(nr_cpus - 1, 1) >= c->nasid) {
		report_skip("%u CPUs need ASIDs up to %u, CPUID 0x8000000A EBX gives %u", nr_cpus,
			    asid_of(nr_cpus - 1, 1), c->nasid);
		return;
	}
	ready = 0;
	on_cpus(concurrent_guest, NULL);
	for_each_cpu(cpu) {
		struct slot *s = &slots[cpu];
		report_prefix_push_cpu(cpu);
		report(s->done && s->hypercalls == HYPERCALLS && s->guest_count == HYPERCALLS,
		       "ASID %u: guest ran to its end (last exit %s) with %lu VMMCALL exits and "
		       "%lu loop iterations, expected %u of each", s->asid,
		       svm_exit_str(s->last_exit, e, sizeof(e)), s->hypercalls, s->guest_count, HYPERCALLS);
		report_prefix_pop();
	}
}

static volatile uint64_t seen[MAX_CPUS];

static void guest_read_gpa(void *p)
{
	seen[smp_id()] = *(volatile uint64_t *)p;
}

/*
 * Same GPA, two NPTs, two ASIDs: each guest sees its own page.  APM 15.16.1
 * "TLB Flush": when an ASID is given to a new guest (these ASIDs ran other
 * guests before, in test concurrent) or its nested tables change, flushing
 * is the hypervisor's job: each guest's first run flushes (TLB_CONTROL 1,
 * available on every SVM processor); later rounds do not flush, so only
 * the ASID tags keep the two guests' translations apart.
 */
static void asid_isolation(void *unused)
{
	unsigned cpu = smp_id();
	uint8_t *gpa_page = alloc_page(), *host[2] = { alloc_page(), alloc_page() };
	struct page_table npt[2];
	struct svm_guest g[2];

	for (unsigned w = 0; w < 2; w++) {
		npt_identity_init(&npt[w], 21);
		pt_map(&npt[w], virt_to_phys(gpa_page), virt_to_phys(host[w]), PAGE_SIZE, 12, NPT_LEAF_FLAGS);
		*(volatile uint64_t *)host[w] = 0x1000 * (cpu + 1) + w;
		if (!svm_guest_create(&g[w], guest_read_gpa, gpa_page))
			return;
		g[w].vmcb->control.asid = asid_of(cpu, w);
		g[w].vmcb->control.np_control = VMCB_NP_ENABLE;
		g[w].vmcb->control.n_cr3 = npt_ncr3(&npt[w]);
	}
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned w = 0; w < 2; w++) {
			seen[cpu] = 0;
			svm_guest_set_fn(&g[w], guest_read_gpa, gpa_page);
			g[w].vmcb->control.tlb_control = round == 0 ? VMCB_TLB_FLUSH_ALL : VMCB_TLB_NOTHING;
			uint64_t code = svm_guest_run(&g[w]);
			uint64_t want = 0x1000 * (cpu + 1) + w;
			if (round == 0 || seen[cpu] != want || code != VMEXIT_VMMCALL)
				report(code == VMEXIT_VMMCALL && seen[cpu] == want,
				       "round %u, ASID %u, N_CR3 %#llx, TLB_CONTROL %u: guest read %#llx at "
				       "GPA %#llx, expected %#llx", round, asid_of(cpu, w),
				       (unsigned long long)npt_ncr3(&npt[w]), g[w].vmcb->control.tlb_control,
				       (unsigned long long)seen[cpu],
				       (unsigned long long)virt_to_phys(gpa_page), (unsigned long long)want);
		}
	}
	for (unsigned w = 0; w < 2; w++) {
		svm_guest_free(&g[w]);
		pt_destroy(&npt[w]);
		free_page(host[w]);
	}
	free_page(gpa_page);
}

static void test_asid_isolation(void)
{
	if (!svm_has(SVM_FEAT_NP)) {
		report_skip("ASID isolation needs nested paging: CPUID 0x8000000A EDX[0] (NP) clear");
		return;
	}
	if (asid_of(nr_cpus - 1, 1) >= svm_boot_caps()->nasid) {
		report_skip("%u CPUs need ASIDs up to %u, CPUID 0x8000000A EBX gives %u", nr_cpus,
			    asid_of(nr_cpus - 1, 1), svm_boot_caps()->nasid);
		return;
	}
	on_cpus(asid_isolation, NULL);
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "concurrent", test_concurrent },
		{ "asid_isolation", test_asid_isolation },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
