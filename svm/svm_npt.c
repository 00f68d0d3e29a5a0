/*
 * Nested paging (APM Vol. 2 15.25): a guest under an NPT identity map, 2M
 * and 1G leaves (a write through one made read-only: a nested page fault
 * with EXITINFO1 and EXITINFO2 exact, 15.25.6), and switching nested CR3.
 * Nested walks are user accesses (15.25.5), so every entry carries U.  The
 * fault rules have programs of their own: svm_npt_faults (every error code
 * at every level; the not-present, read-only, user, NX and reserved-bit
 * faults once here are rows of it), svm_npt_walk (the guest's own page
 * walk; guest_table_walk once here is a row of it) and svm_npt_inval
 * (TLB_CONTROL and ASIDs).
 */
#include "hvtest.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

#define NPF_FINAL(bits)	(SVM_NPF_FINAL | (bits))
#define DATA_OFFSET	0x128	/* faults are reported at byte granularity */

static struct svm_guest guest;
static struct page_table npt;
static uint8_t *data;		/* the page the faults are made on */
static volatile uint64_t guest_result;

static void guest_read(void *p) { guest_result = *(volatile uint64_t *)p; }
static void guest_write(void *p) { *(volatile uint64_t *)p = 0x5a5a5a5a5a5a5a5aull; }

static uint64_t run_under_npt(const struct page_table *pt, void (*fn)(void *), void *arg)
{
	svm_guest_set_fn(&guest, fn, arg);
	guest.vmcb->control.np_control = VMCB_NP_ENABLE;
	guest.vmcb->control.n_cr3 = npt_ncr3(pt);
	guest.vmcb->control.tlb_control = VMCB_TLB_FLUSH_ALL;	/* the NPT changed since the last run */
	return svm_guest_run(&guest);
}

/* Expect #VMEXIT(NPF) with exactly these EXITINFO1 bits and this GPA. */
static void expect_npf(const char *erratum, const char *what, uint64_t code, uint64_t info1,
		       uint64_t gpa)
{
	if (!svm_report_exit(NULL, VMEXIT_NPF, code, "%s", what))
		return;
	report_u64(erratum, info1, guest.vmcb->control.exit_info1, "%s: EXITINFO1", what);
	report_u64(NULL, gpa, guest.vmcb->control.exit_info2, "%s: EXITINFO2 (guest-physical address)",
		   what);
}

static void expect_done(const char *what, uint64_t code)
{
	svm_report_exit(NULL, VMEXIT_VMMCALL, code, "%s: the guest runs to its end", what);
}

static void npt_fresh(unsigned page_shift)
{
	if (npt.root)
		pt_destroy(&npt);
	npt_identity_init(&npt, page_shift);
}

/* The guest runs under an identity NPT and reads what the host wrote. */
static void test_identity(void)
{
	npt_fresh(12);
	*(volatile uint64_t *)(data + DATA_OFFSET) = 0x1122334455667788ull;
	guest_result = 0;
	expect_done("read under a 4K-leaf identity NPT", run_under_npt(&npt, guest_read, data + DATA_OFFSET));
	report_u64(NULL, 0x1122334455667788ull, guest_result, "guest read through the NPT");
}

/*
 * A large nested leaf maps and protects its whole range.  The leaf under
 * test maps an alias window above RAM (GPA window + offset -> the block that
 * holds `data`), so write-protecting it leaves the guest's own code, stack
 * and page tables alone; the guest reaches the window through the host's
 * identity map of the low 4 GiB.
 */
static void large_leaf(unsigned page_shift, unsigned want_level, const char *name)
{
	uint64_t size = 1ull << page_shift, window = ALIGN_UP(mem_ram_top(), 1ull << 30);
	uint64_t pa = virt_to_phys(data) + DATA_OFFSET;
	uint64_t gpa = window + (pa & (size - 1));
	volatile uint64_t *alias = (volatile uint64_t *)gpa;
	unsigned level;

	npt_fresh(21);
	pt_map(&npt, window, pa & ~(size - 1), size, page_shift, NPT_LEAF_FLAGS);
	uint64_t *leaf = npt_leaf(&npt, gpa, &level);
	if (level != want_level) {	/* the builder's job, not the CPU's: a setup error, not a check */
		report(false, "%s: test setup: the NPT builder mapped GPA %#llx with a level-%u leaf, "
		       "expected level %u", name, (unsigned long long)gpa, level, want_level);
		return;
	}
	*(volatile uint64_t *)(data + DATA_OFFSET) = 0xfeedfacecafebeefull;
	guest_result = 0;
	expect_done(name, run_under_npt(&npt, guest_read, (void *)alias));
	report_u64(NULL, 0xfeedfacecafebeefull, guest_result, "%s: guest read at GPA %#llx (HPA %#llx)",
		   name, (unsigned long long)gpa, (unsigned long long)pa);
	*leaf &= ~PT_W;
	expect_npf(NULL, "write through the 2M/1G leaf made read-only", run_under_npt(&npt, guest_write, (void *)alias),
		   NPF_FINAL(SVM_NPF_P | SVM_NPF_RW | SVM_NPF_US), gpa);
}

static void test_2m(void)
{
	large_leaf(21, 2, "2M leaf");
}

/* 1G nested leaves exist when the host has 1G pages (CPUID 0x80000001 EDX[26]). */
static void test_1g(void)
{
	if (!cpu_has(X86_FEATURE_PDPE1GB)) {
		report_skip("1G leaves: CPUID 0x80000001 EDX[26] (Page1GB) clear");
		return;
	}
	large_leaf(30, 3, "1G leaf");
}

/*
 * Switching N_CR3 (15.25.3) switches the guest's memory: two NPTs map one
 * GPA to two host pages.  TLB_CONTROL=1 flushes what the old one cached.
 */
static void test_switch_ncr3(void)
{
	struct page_table other;
	uint8_t *alias = alloc_page();
	uint64_t gpa = virt_to_phys(data);

	npt_fresh(21);
	npt_identity_init(&other, 21);
	pt_map(&other, gpa, virt_to_phys(alias), PAGE_SIZE, 12, NPT_LEAF_FLAGS);
	*(volatile uint64_t *)(data + DATA_OFFSET) = 0xaaaa;
	*(volatile uint64_t *)(alias + DATA_OFFSET) = 0xbbbb;
	const struct { struct page_table *pt; uint64_t want; const char *name; } runs[] = {
		{ &npt, 0xaaaa, "identity NPT" }, { &other, 0xbbbb, "NPT mapping the GPA elsewhere" },
		{ &npt, 0xaaaa, "identity NPT again" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(runs); i++) {
		guest_result = 0;
		expect_done(runs[i].name, run_under_npt(runs[i].pt, guest_read, data + DATA_OFFSET));
		report_u64(NULL, runs[i].want, guest_result, "N_CR3=%#llx (%s): guest reads GPA %#llx",
			   (unsigned long long)npt_ncr3(runs[i].pt), runs[i].name,
			   (unsigned long long)gpa + DATA_OFFSET);
	}
	pt_destroy(&other);
	free_page(alias);
}

/* Each rule on every CPU in turn, with a guest of that CPU; its NPT is given back after each. */
static void with_guest(void *rule)
{
	if (!svm_guest_create(&guest, guest_read, data))
		return;
	((void (*)(void))rule)();
	svm_guest_free(&guest);
	if (npt.root)
		pt_destroy(&npt);
}

HV_EACH_CPU_WITH(with_guest, test_identity)
HV_EACH_CPU_WITH(with_guest, test_2m)
HV_EACH_CPU_WITH(with_guest, test_1g)
HV_EACH_CPU_WITH(with_guest, test_switch_ncr3)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "identity", test_identity_each_cpu }, { "leaf_2m", test_2m_each_cpu },
		{ "leaf_1g", test_1g_each_cpu }, { "switch_ncr3", test_switch_ncr3_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	if (!svm_has(SVM_FEAT_NP)) {
		/* The program's whole subject is absent: SKIP, not a PASS of its teardown. */
		report_skip("nested paging: CPUID 0x8000000A EDX[0] (NP) clear");
		return 0;
	}
	data = alloc_page();
	run_subtests(tests, ARRAY_SIZE(tests));
	free_page(data);
	svm_program_finish();
	return 0;
}
