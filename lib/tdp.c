/* The TDP test window (see tdp.h). */
#include "tdp.h"
#include "cpuid.h"
#include "mem.h"
#include "libc.h"
#include "smp.h"
#include "report.h"

void tdp_window_init(struct tdp_window *w)
{
	pt_init(&w->gpt, &pt_format_x86, 4);
	pt_share_root(&w->gpt, &kernel_pt, 1);
	w->gpt.root[0] |= PT_A;		/* the guest's walk need not write its root */
	w->page = alloc_page();
	w->page[TDP_CODE_OFFSET] = X86_OPCODE_RET;
	*(uint64_t *)(w->page + TDP_DATA_OFFSET) = TDP_PATTERN_A;
	w->page_b = alloc_page();
	*(uint64_t *)(w->page_b + TDP_DATA_OFFSET) = TDP_PATTERN_B;
	w->gpa = virt_to_phys(w->page);
	pt_map(&w->gpt, TDP_WINDOW_LINEAR, w->gpa, PAGE_SIZE, 12, TDP_GUEST_FLAGS);
	for (unsigned level = 2; level <= 4; level++)
		*tdp_window_guest_entry(w, level) |= PT_A;
}

void tdp_window_free(struct tdp_window *w)
{
	pt_destroy(&w->gpt);
	free_page(w->page);
	free_page(w->page_b);
}

uint64_t tdp_window_base(void)
{
	return 1ull << (cpu_maxphyaddr() - 1);
}

void tdp_window_map(struct tdp_window *w, struct page_table *tdp, unsigned shift, uint64_t flags)
{
	uint64_t size = 1ull << shift, hpa = virt_to_phys(w->page);

	pt_map(tdp, tdp_window_base(), hpa & ~(size - 1), size, shift, flags);
	tdp_window_point(w, tdp_window_base() + (hpa & (size - 1)));
}

bool tdp_window_private(unsigned level)
{
	uint64_t span = 1ull << PT_LEVEL_SHIFT(level);

	if ((tdp_window_base() & ~(span - 1)) >= mem_ram_top())
		return true;
	report_skip("MAXPHYADDR %u: the level-%u entry that maps the window maps RAM too", cpu_maxphyaddr(), level);
	return false;
}

uint64_t *tdp_window_guest_entry(const struct tdp_window *w, unsigned level)
{
	return pt_entry(&w->gpt, TDP_WINDOW_LINEAR, level);
}

void tdp_window_point(struct tdp_window *w, uint64_t gpa)
{
	*tdp_window_guest_entry(w, 1) = gpa | TDP_GUEST_FLAGS;
	w->gpa = gpa;
}

const char *tdp_level_name(unsigned level)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4", "PML5" };

	return names[level <= 5 ? level : 0];
}

const struct tdp_entry tdp_entries[TDP_NR_ENTRIES] = {
	[TDP_PML5E] = { "pml5e", 5, 12 }, [TDP_PML4E] = { "pml4e", 4, 12 },
	[TDP_PDPTE] = { "pdpte", 3, 12 }, [TDP_PDE] = { "pde", 2, 12 },
	[TDP_PTE_4K] = { "pte_4k", 1, 12 }, [TDP_PDE_2M] = { "pde_2m", 2, 21 },
	[TDP_PDPTE_1G] = { "pdpte_1g", 3, 30 },
};

bool tdp_entry_is_leaf(const struct tdp_entry *e)
{
	return PT_LEVEL_SHIFT(e->level) == e->shift;
}

void tdp_each_entry(const unsigned *entries, unsigned n, unsigned levels,
		    bool (*testable)(const struct tdp_entry *e, unsigned levels), tdp_entry_rule *fn)
{
	for (unsigned i = 0; i < n; i++) {
		const struct tdp_entry *e = &tdp_entries[entries[i]];

		report_prefix_push("%s", e->name);
		if (testable(e, levels))
			fn(e, levels);
		report_prefix_pop();
	}
	report_rule_end();
}

static void guest_read(void *arg)
{
	(void)*(volatile uint64_t *)(TDP_WINDOW_LINEAR + TDP_DATA_OFFSET);
}

static void guest_write(void *arg)
{
	*(volatile uint64_t *)(TDP_WINDOW_LINEAR + TDP_DATA_OFFSET) = 0x600dcafe;
}

static void guest_fetch(void *arg)
{
	((void (*)(void))(TDP_WINDOW_LINEAR + TDP_CODE_OFFSET))();
}

const struct tdp_access tdp_accesses[TDP_NR_ACCESSES] = {
	[TDP_READ] = { "read", TDP_DATA_OFFSET, guest_read },
	[TDP_WRITE] = { "write", TDP_DATA_OFFSET, guest_write },
	[TDP_FETCH] = { "fetch", TDP_CODE_OFFSET, guest_fetch },
};

const char *tdp_pattern_name(uint64_t value)
{
	return value == TDP_PATTERN_A ? "page A (the old mapping)" :
	       value == TDP_PATTERN_B ? "page B (the new mapping)" : "neither page";
}

static void (*change_fn)(enum tdp_change c);
static enum tdp_change change_kind;
static bool change_wanted, change_done;

static void change_here(void *unused)
{
	change_fn(change_kind);
}

void tdp_change_elsewhere(void)
{
	if (smp_id() == 0) {
		on_cpu(1, change_here, NULL);
		return;
	}
	__atomic_store_n(&change_done, false, __ATOMIC_RELAXED);
	__atomic_store_n(&change_wanted, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&change_done, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void (*runner_fn)(enum tdp_change c);

static void runner_here(void *unused)
{
	runner_fn(change_kind);
}

/* While cpu0 waits for the runner: make the change it asks for. */
static void serve_change(void)
{
	if (!__atomic_load_n(&change_wanted, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&change_wanted, false, __ATOMIC_RELAXED);
	change_fn(change_kind);
	__atomic_store_n(&change_done, true, __ATOMIC_RELEASE);
}

void tdp_cross_cpu(void (*runner)(enum tdp_change c), void (*change)(enum tdp_change c))
{
	static const struct report_site rule = REPORT_ROW("cross_cpu");

	report_rule_begin(&rule);
	if (nr_cpus < 2) {
		report_skip("one CPU: no other CPU to make the change");
		report_rule_end();
		return;
	}
	runner_fn = runner;
	change_fn = change;
	for (change_kind = TDP_CHANGE_LEAF; change_kind <= TDP_CHANGE_GUEST_PTE; change_kind++) {
		report_prefix_push("%s", change_kind == TDP_CHANGE_LEAF ? "leaf" : "guest_pte");
		for_each_cpu(cpu) {
			on_cpu_async(cpu, runner_here, NULL);
			on_cpu_wait_serving(cpu, serve_change);
		}
		report_prefix_pop();
	}
	report_rule_end();
}
