/* NPT identity maps through the shared page-table builder. */
#include "npt.h"
#include "hvtest.h"

void npt_identity_init(struct page_table *npt, unsigned page_shift)
{
	uint64_t size = ALIGN_UP(mem_ram_top(), 1ull << page_shift);

	pt_init(npt, &pt_format_x86, 4);
	pt_map(npt, 0, 0, size, page_shift, NPT_LEAF_FLAGS);
}

uint64_t npt_ncr3(const struct page_table *npt)
{
	return virt_to_phys(npt->root);
}

uint64_t *npt_leaf(const struct page_table *npt, uint64_t gpa, unsigned *level)
{
	uint64_t *e = pt_walk(npt, gpa, level);

	if (!e) {
		report(false, "NPT: gpa %#llx is not mapped (walk ended at level %u)",
		       (unsigned long long)gpa, *level);
		hv_exit();
	}
	return e;
}
