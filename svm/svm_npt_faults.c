/*
 * Nested page faults, exact (APM Vol. 2, 15.25.6 "Nested versus Guest Page
 * Faults, Fault Ordering"): EXITINFO1 holds a #PF error code (8.4.2: P,
 * RW, US, RSV, ID in bits 4:0) plus bit 32 (the fault was on the final
 * guest-physical address) or bit 33 (on a guest page table: svm_npt_walk),
 * and EXITINFO2 the guest-physical address of the access.  Nested walks
 * are user accesses (15.25.5), so US is always 1.  Each rule changes one
 * entry on the NPT path of the TDP window (lib/tdp.h) -- a 4K, 2M or 1G
 * leaf, or a non-leaf entry above a 4K leaf -- and meets it with a data
 * read, a data write and an instruction fetch:
 *  - not present (P=0): P=0, RW for a write, ID for a fetch;
 *  - read-only (R/W=0): a write faults with P, RW;
 *  - supervisor (U/S=0): every access faults, P;
 *  - no-execute (NX=1, host EFER.NXE=1): a fetch faults with P, ID;
 *  - reserved bits (8.4.2, 5.3 "Long-Mode Page Translation"): bits 51 down
 *    to MAXPHYADDR of every entry, bits 20:13 of a 2M and 29:13 of a 1G
 *    leaf, PS in a PML5E/PML4E, NX while the host's EFER.NXE is 0 (the
 *    nested walk uses the host's EFER): P, RSV;
 *  - a not-present entry's other bits are not checked: P=0, no RSV.
 * After each fault the entry is restored and the guest resumes and runs to
 * its end.  With the host in 5-level paging where the CPU has LA57, the NPT
 * has five levels and every rule runs again.
 */
#include "hvtest.h"
#include "tdp.h"
#include "svm/caps.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/npt.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

#define NPT_BIT(n)	(1ull << (n))

static struct tdp_window win;

#define ACCESS(a)	(1u << (a))

/* Per access (lib/tdp.h): its error-code bits, RW for a write, ID for a fetch. */
static const uint64_t access_code[TDP_NR_ACCESSES] = {
	[TDP_READ] = 0, [TDP_WRITE] = SVM_NPF_RW, [TDP_FETCH] = SVM_NPF_ID,
};

/* The NPT and guest of the entry under test, with the host in `levels`-level paging. */
struct bench {
	struct page_table npt;
	struct svm_guest g;
	uint64_t *entry;
};

/* False (the harness said why) when the guest could not be made. */
static bool bench_init(struct bench *b, const struct tdp_entry *e, unsigned levels)
{
	npt_window_init(&b->npt, &win, levels, e->shift);
	b->entry = pt_entry(&b->npt, tdp_window_base(), e->level);
	if (svm_guest_create(&b->g, tdp_accesses[TDP_READ].fn, NULL))
		return true;
	pt_destroy(&b->npt);
	return false;
}

static void bench_free(struct bench *b)
{
	svm_guest_free(&b->g);
	pt_destroy(&b->npt);
}

/*
 * One rule: the entry changed (clear, then set), access a (TDP_READ, ...);
 * a nested page fault with EXITINFO1 = bit 32 | US | code | the access's bits (`erratum`,
 * or NULL, applies to it) when `faults`, else the access completes.  Then
 * the entry restored and the guest completes.
 */
static void rule(struct bench *b, uint64_t clear, uint64_t set, unsigned a, bool faults, uint64_t code,
		 const char *erratum)
{
	uint64_t saved = *b->entry;

	report_prefix_push("%s", tdp_accesses[a].name);
	*b->entry = (saved & ~clear) | set;
	npt_guest_window(&b->g, &b->npt, &win, tdp_accesses[a].fn, NULL);
	if (!faults) {
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&b->g), "completes");
	} else if (npt_expect_npf(&b->g, erratum, SVM_NPF_FINAL | SVM_NPF_US | code | access_code[a],
				  win.gpa + tdp_accesses[a].offset)) {
		*b->entry = saved;
		b->g.vmcb->control.tlb_control = VMCB_TLB_FLUSH_ALL;
		svm_report_exit(NULL, VMEXIT_VMMCALL, svm_guest_run(&b->g),
				"resumed");
	}
	*b->entry = saved;
	report_prefix_pop();
}

/* The permission rules: what the entry loses or gains, which accesses fault, with P or not. */
static const struct perm_case {
	uint64_t clear, set;
	unsigned faulting;	/* ACCESS() bits of the accesses that fault */
	uint64_t present;	/* SVM_NPF_P when the entry stays present */
} not_present = { PT_P, 0, ACCESS(TDP_READ) | ACCESS(TDP_WRITE) | ACCESS(TDP_FETCH), 0 },
  read_only = { PT_W, 0, ACCESS(TDP_WRITE), SVM_NPF_P },
  supervisor = { PT_U, 0, ACCESS(TDP_READ) | ACCESS(TDP_WRITE) | ACCESS(TDP_FETCH), SVM_NPF_P },
  no_execute = { 0, PT_NX, ACCESS(TDP_FETCH), SVM_NPF_P };

static void perm_rules(const struct tdp_entry *e, unsigned levels, const struct perm_case *c)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	for (unsigned a = 0; a < TDP_NR_ACCESSES; a++)
		rule(&b, c->clear, c->set, a, c->faulting & ACCESS(a), c->present, NULL);
	bench_free(&b);
}

static void not_present_rules(const struct tdp_entry *e, unsigned levels)
{
	perm_rules(e, levels, &not_present);
}

static void read_only_rules(const struct tdp_entry *e, unsigned levels)
{
	perm_rules(e, levels, &read_only);
}

static void supervisor_rules(const struct tdp_entry *e, unsigned levels)
{
	perm_rules(e, levels, &supervisor);
}

static void no_execute_rules(const struct tdp_entry *e, unsigned levels)
{
	if (!(rdmsr(MSR_EFER) & EFER_NXE)) {
		report_skip("EFER.NXE clear on the host (CPUID 0x80000001 EDX[20]=%d): NX is a reserved bit",
			    cpu_has(X86_FEATURE_NX));
		return;
	}
	perm_rules(e, levels, &no_execute);
}

/* A reserved-bit rule: a read through the entry with `set` set faults with P and RSV. */
static void reserved_rule(struct bench *b, uint64_t set, const char *what)
{
	report_prefix_push("%s", what);
	rule(b, 0, set, TDP_READ, true, SVM_NPF_P | SVM_NPF_RSV, "qemu-tcg-npf-rsvd-no-p");
	report_prefix_pop();
}

/* 5.3, Figures 5-18 to 5-25: bits 51:MAXPHYADDR of every entry are reserved. */
static void address_bits(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;
	char what[16];

	if (!bench_init(&b, e, levels))
		return;
	for (unsigned bit = cpu_maxphyaddr(); bit <= 51; bit++) {
		snprintf(what, sizeof(what), "bit%u", bit);
		reserved_rule(&b, NPT_BIT(bit), what);
	}
	bench_free(&b);
}

/* Figures 5-22, 5-24: bits 20:13 of a 2M leaf and 29:13 of a 1G leaf are reserved (bit 12 is PAT). */
static void large_leaf_bits(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;
	char what[16];

	if (!bench_init(&b, e, levels))
		return;
	for (unsigned bit = 13; bit < e->shift; bit++) {
		snprintf(what, sizeof(what), "bit%u", bit);
		reserved_rule(&b, NPT_BIT(bit), what);
	}
	bench_free(&b);
}

/* Figures 5-18, 5-19: PS (bit 7) of a PML5E and a PML4E must be zero. */
static void large_page_bit(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	reserved_rule(&b, PT_PS, "bit7");
	bench_free(&b);
}

/*
 * 5.6.1 and 15.25 "Nested Paging": NX is a reserved bit when EFER.NXE is 0;
 * the nested walk uses the host's EFER (the host's at VMRUN), so with the
 * host's NXE clear a read and a write through an entry with NX fault with
 * P and RSV.  The host runs these with EFER.NXE clear.
 */
static void nx_reserved(const struct tdp_entry *e, unsigned levels)
{
	uint64_t efer = rdmsr(MSR_EFER);
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	wrmsr(MSR_EFER, efer & ~EFER_NXE);
	rule(&b, 0, PT_NX, TDP_READ, true, SVM_NPF_P | SVM_NPF_RSV, "qemu-tcg-npf-rsvd-no-p");
	rule(&b, 0, PT_NX, TDP_WRITE, true, SVM_NPF_P | SVM_NPF_RSV, "qemu-tcg-npf-rsvd-no-p");
	wrmsr(MSR_EFER, efer);
	bench_free(&b);
}

/* 8.4.2 (P): a not-present entry's reserved bits are not checked: P=0, RSV=0. */
static void not_present_rest(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	report_prefix_push("p0_bit%u", cpu_maxphyaddr());
	rule(&b, PT_P, NPT_BIT(cpu_maxphyaddr()), TDP_READ, true, 0, NULL);
	report_prefix_pop();
	bench_free(&b);
}


/* Subtest `subtest`: fn at each entry listed, on every CPU in turn, under each host paging. */
#define RULE_SUBTEST(subtest, fn, ...)							\
	static const unsigned subtest##_entries[] = { __VA_ARGS__ };			\
	TDP_SUBTEST(subtest, npt_each_host_paging(subtest##_entries, ARRAY_SIZE(subtest##_entries), fn))

#define ALL_ENTRIES	TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE, TDP_PTE_4K, TDP_PDE_2M, TDP_PDPTE_1G
RULE_SUBTEST(not_present_entry, not_present_rules, ALL_ENTRIES)
RULE_SUBTEST(read_only_entry, read_only_rules, ALL_ENTRIES)
RULE_SUBTEST(supervisor_entry, supervisor_rules, ALL_ENTRIES)
RULE_SUBTEST(no_execute_entry, no_execute_rules, ALL_ENTRIES)
RULE_SUBTEST(reserved_address_bits, address_bits, ALL_ENTRIES)
RULE_SUBTEST(reserved_large_leaf_bits, large_leaf_bits, TDP_PDE_2M, TDP_PDPTE_1G)
RULE_SUBTEST(reserved_large_page_bit, large_page_bit, TDP_PML5E, TDP_PML4E)
RULE_SUBTEST(nx_reserved_without_nxe, nx_reserved, ALL_ENTRIES)
RULE_SUBTEST(not_present_ignores_rest, not_present_rest, TDP_PML4E, TDP_PTE_4K)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "not_present", not_present_entry_each_cpu }, { "read_only", read_only_entry_each_cpu },
		{ "supervisor", supervisor_entry_each_cpu }, { "no_execute", no_execute_entry_each_cpu },
		{ "reserved_address_bits", reserved_address_bits_each_cpu },
		{ "reserved_large_leaf_bits", reserved_large_leaf_bits_each_cpu },
		{ "reserved_large_page_bit", reserved_large_page_bit_each_cpu },
		{ "nx_reserved_without_nxe", nx_reserved_without_nxe_each_cpu },
		{ "not_present_ignores_rest", not_present_ignores_rest_each_cpu },
	};

	npt_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
