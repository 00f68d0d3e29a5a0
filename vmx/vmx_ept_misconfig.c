/*
 * EPT misconfigurations (SDM Vol. 3C, 29.3.3.1 "EPT Misconfigurations"),
 * entry by entry on the path of the TDP window (lib/tdp.h), each under
 * every advertised walk length: a present entry with a reserved bit set
 * (29.3.2 "EPT Translation Mechanism", Tables 29-1 to 29-6: bits 51 down to
 * MAXPHYADDR of every entry, bits 6:3 of a non-leaf entry, bits 20:12 of a
 * 2-MByte leaf and 29:12 of a 1-GByte leaf, bit 7 of a PML5E or PML4E, and
 * bit 7 of a PDPTE or PDE where EPT_VPID_CAP does not advertise 1-GByte or
 * 2-MByte pages), and a leaf with memory type 2, 3 or 7: each is VM exit
 * 49 with the guest-physical address of the access; the entry fixed (and
 * INVEPT), the guest resumes and completes.  And where the SDM says no:
 * memory types 0, 1, 4, 5, 6, the ignored bits, a not-present entry
 * whatever its other bits (an EPT violation, 29.3.2), and a misconfiguration
 * below an entry that forbids the access (no violation: 29.3.3.2 counts
 * violations only for translations without a misconfiguration).
 * Bits 2:0 = 010b, 110b, and 100b without execute-only support, are rows
 * of vmx_ept_perms.
 */
#include "hvtest.h"
#include "tdp.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

#define EPT_MT_MASK	(7ull << EPT_MT_SHIFT)
#define EPT_BIT(n)	(1ull << (n))

static struct tdp_window win;

/* What a row expects of the guest's access to the window. */
enum outcome { MISCONFIG, VIOLATION, COMPLETES };

/* The EPT and guest of the entry under test, under one walk length. */
struct bench {
	struct vmx_ept ept;
	struct vmx_guest g;
	uint64_t *entry;
};

/* False (the harness said why) when the guest could not be made. */
static bool bench_init(struct bench *b, const struct tdp_entry *e, unsigned levels)
{
	ept_window_init(&b->ept, &win, levels, false, e->shift);
	b->entry = pt_entry(&b->ept.pt, tdp_window_base(), e->level);
	if (ept_guest_create(&b->g, tdp_accesses[TDP_READ].fn, NULL, ept_eptp(&b->ept)))
		return true;
	pt_destroy(&b->ept.pt);
	return false;
}

/* One change a rule makes: in *entry, clear then set. */
struct change {
	uint64_t *entry;
	uint64_t clear, set;
};

/* Run the guest and check `want` (`erratum`, or NULL, applies to the exit); true when it exited. */
static bool expect(struct bench *b, enum outcome want, const char *erratum)
{
	uint64_t gpa = win.gpa + TDP_DATA_OFFSET;

	switch (want) {
	case MISCONFIG:
		return ept_expect_misconfig(&b->g, erratum, gpa);
	case VIOLATION:	/* a read through a not-present entry: bits 5:3 are 0 */
		return ept_expect_violation(&b->g, NULL, EPT_VIOLATION_READ | EPT_VIOLATION_LINEAR_VALID |
					    EPT_VIOLATION_LINEAR_TRANSLATED, 0, gpa,
					    TDP_WINDOW_LINEAR + TDP_DATA_OFFSET, &win.gpt);
	case COMPLETES:
		vmx_guest_run_to_done(&b->g, "completes");
		break;
	}
	return false;
}

/*
 * One rule: the changes made, the guest's `code` accesses the window, the
 * outcome checked; then the entries restored (and INVEPT) and, after an
 * exit, the guest completes.
 */
static void run_rule(struct bench *b, const struct change *c, unsigned n, enum outcome want, const char *erratum,
		     hv_guest_fn *code)
{
	uint64_t saved[2];
	bool exited = false;

	for (unsigned i = 0; i < n; i++) {
		saved[i] = *c[i].entry;
		*c[i].entry = (saved[i] & ~c[i].clear) | c[i].set;
	}
	ept_invalidate(b->g.eptp);
	if (ept_guest_window(&b->g, code, &win))
		exited = expect(b, want, erratum);
	for (unsigned i = 0; i < n; i++)
		*c[i].entry = saved[i];
	if (exited) {
		ept_invalidate(b->g.eptp);
		vmx_guest_run_to_done(&b->g, "resumed");
	}
}

/* A rule that changes the entry under test and reads, under the prefix fmt. */
static void read_rule(struct bench *b, uint64_t clear, uint64_t set, enum outcome want, const char *erratum,
		      const char *fmt, ...) PRINTF_LIKE(6, 7);
static void read_rule(struct bench *b, uint64_t clear, uint64_t set, enum outcome want, const char *erratum,
		      const char *fmt, ...)
{
	struct change c = { b->entry, clear, set };
	char name[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	report_prefix_push("%s", name);
	run_rule(b, &c, 1, want, erratum, tdp_accesses[TDP_READ].fn);
	report_prefix_pop();
}

static void bench_free(struct bench *b)
{
	vmx_guest_free(&b->g);
	pt_destroy(&b->ept.pt);
}

/* Each of bits first..last set in turn: exit 49 (`erratum`, or NULL, for bit `erratum_bit`). */
static void reserved_bits(const struct tdp_entry *e, unsigned levels, unsigned first, unsigned last,
			  unsigned erratum_bit, const char *erratum)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	for (unsigned bit = first; bit <= last; bit++)
		read_rule(&b, 0, EPT_BIT(bit), MISCONFIG, bit == erratum_bit ? erratum : NULL, "bit%u", bit);
	bench_free(&b);
}

/* Tables 29-1..29-6: bits 51:MAXPHYADDR are reserved in every entry. */
static void address_bits(const struct tdp_entry *e, unsigned levels)
{
	reserved_bits(e, levels, cpu_maxphyaddr(), 51, 0, NULL);
}

/* Tables 29-1, 29-3, 29-5: bits 6:3 of an entry that references a table are reserved. */
static void nonleaf_bits(const struct tdp_entry *e, unsigned levels)
{
	reserved_bits(e, levels, 3, 6, 0, NULL);
}

/* Tables 29-2, 29-4: bits 29:12 of a 1-GByte leaf, 20:12 of a 2-MByte leaf, are reserved. */
static void large_leaf_bits(const struct tdp_entry *e, unsigned levels)
{
	reserved_bits(e, levels, 12, e->shift - 1, 12, "bochs-ept-large-leaf-bit12");
}

/* 29.3.3.1 and 29.3.7.2 (EPT memory types): 2, 3 and 7 are reserved in a leaf; 0, 1, 4, 5, 6 are not. */
static void memory_types(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	for (uint64_t type = 0; type <= 7; type++)
		read_rule(&b, EPT_MT_MASK, type << EPT_MT_SHIFT,
			  type == 2 || type == 3 || type == 7 ? MISCONFIG : COMPLETES, NULL, "type%llu",
			  (unsigned long long)type);
	bench_free(&b);
}

/*
 * Bit 7: reserved in a PML5E and PML4E (Table 29-1); in a PDPTE or PDE
 * that references a table it asks for a 1-GByte or 2-MByte leaf, a
 * reserved setting where EPT_VPID_CAP[17] or [16] does not advertise that
 * size (29.3.2).  Where it does, the leaf is a row of its own elsewhere.
 */
static void large_bit(const struct tdp_entry *e, unsigned levels)
{
	uint64_t cap = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	uint64_t size_cap = e->level == 3 ? VMX_EPT_1GB_PAGE : e->level == 2 ? VMX_EPT_2MB_PAGE : 0;
	struct bench b;

	if (size_cap && (cap & size_cap)) {
		report_skip("EPT_VPID_CAP[%u] set (%#llx): bit 7 of a level-%u entry maps a large page "
			    "(vmx_ept_perms %s, vmx_ept large_leaves)", __builtin_ctzll(size_cap),
			    (unsigned long long)cap, e->level, e->level == 3 ? "pdpte_1g" : "pde_2m");
		return;
	}
	if (!bench_init(&b, e, levels))
		return;
	read_rule(&b, 0, EPT_LARGE, MISCONFIG, NULL, "bit7");
	bench_free(&b);
}

/*
 * Tables 29-1..29-6: bits the SDM ignores in this configuration (A/D
 * flags disabled, no mode-based execute control, no EPT-violation #VE, no
 * sub-page permissions, no supervisor shadow-stack control) change nothing.
 */
static void ignored_bits(const struct tdp_entry *e, unsigned levels)
{
	static const unsigned leaf[] = { 6, 7, 8, 9, 10, 11, 52, 58, 62, 63 };
	static const unsigned nonleaf[] = { 8, 9, 10, 11, 52, 58, 62, 63 };
	bool is_leaf = tdp_entry_is_leaf(e);
	const unsigned *bits = is_leaf ? leaf : nonleaf;
	unsigned n = is_leaf ? ARRAY_SIZE(leaf) : ARRAY_SIZE(nonleaf);
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	for (unsigned i = 0; i < n; i++)
		read_rule(&b, 0, EPT_BIT(bits[i]), COMPLETES, NULL, "bit%u", bits[i]);
	bench_free(&b);
}

/*
 * 29.3.2: an entry whose bits 2:0 are 0 is not present and its other
 * bits are ignored: a reserved address bit and memory type 7 with it
 * give an EPT violation, not a misconfiguration.
 */
static void not_present(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;

	if (!bench_init(&b, e, levels))
		return;
	read_rule(&b, EPT_RWX | EPT_MT_MASK, EPT_BIT(cpu_maxphyaddr()) | (7ull << EPT_MT_SHIFT), VIOLATION, NULL,
		  "rwx0_bit%u_type7", cpu_maxphyaddr());
	bench_free(&b);
}

/*
 * 29.3.3.2: an EPT violation occurs only for a translation without an EPT
 * misconfiguration: a write through a read-only PML4E down to a 4-KByte
 * leaf with a reserved bit is exit 49, not 48.
 */
static void misconfig_first(const struct tdp_entry *e, unsigned levels)
{
	struct bench b;

	if (!tdp_window_private(4))
		return;
	if (!bench_init(&b, e, levels))
		return;
	const struct change c[] = {
		{ pt_entry(&b.ept.pt, tdp_window_base(), 4), EPT_W | EPT_X, 0 },
		{ b.entry, 0, EPT_BIT(cpu_maxphyaddr()) },
	};
	report_prefix_push("pml4e_r--_pte_bit%u_write", cpu_maxphyaddr());
	run_rule(&b, c, ARRAY_SIZE(c), MISCONFIG, NULL, tdp_accesses[TDP_WRITE].fn);
	report_prefix_pop();
	bench_free(&b);
}

/* Subtest `subtest` (the rule of that name): fn at each entry listed, under every walk length. */
#define RULE_SUBTEST(subtest, fn, ...)							\
	static const unsigned subtest##_entries[] = { __VA_ARGS__ };			\
	TDP_SUBTEST(subtest, ept_each_walk(subtest##_entries, ARRAY_SIZE(subtest##_entries), fn))

RULE_SUBTEST(reserved_address_bits, address_bits, TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE, TDP_PTE_4K,
	     TDP_PDE_2M, TDP_PDPTE_1G)
RULE_SUBTEST(reserved_nonleaf_bits, nonleaf_bits, TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE)
RULE_SUBTEST(reserved_large_leaf_bits, large_leaf_bits, TDP_PDE_2M, TDP_PDPTE_1G)
RULE_SUBTEST(memory_type, memory_types, TDP_PTE_4K, TDP_PDE_2M, TDP_PDPTE_1G)
RULE_SUBTEST(large_page_bit, large_bit, TDP_PML5E, TDP_PML4E, TDP_PDPTE, TDP_PDE)
RULE_SUBTEST(ignored, ignored_bits, TDP_PML4E, TDP_PDPTE, TDP_PDE, TDP_PTE_4K, TDP_PDE_2M, TDP_PDPTE_1G)
RULE_SUBTEST(not_present_ignores_rest, not_present, TDP_PML4E, TDP_PTE_4K)
RULE_SUBTEST(misconfig_before_violation, misconfig_first, TDP_PTE_4K)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "reserved_address_bits", reserved_address_bits_each_cpu },
		{ "reserved_nonleaf_bits", reserved_nonleaf_bits_each_cpu },
		{ "reserved_large_leaf_bits", reserved_large_leaf_bits_each_cpu },
		{ "memory_type", memory_type_each_cpu },
		{ "large_page_bit", large_page_bit_each_cpu },
		{ "ignored", ignored_each_cpu },
		{ "not_present_ignores_rest", not_present_ignores_rest_each_cpu },
		{ "misconfig_before_violation", misconfig_before_violation_each_cpu },
	};

	ept_rules_main(tests, ARRAY_SIZE(tests), &win);
	return 0;
}
