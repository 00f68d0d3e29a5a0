/*
 * EPT (SDM Vol. 3C, 29.3) with the shared page-table builder: an identity
 * map of guest-physical memory and the EPT pointer (25.6.11) with the walk
 * length, the paging-structure memory type (WB) and the A/D enable.
 */
#ifndef HV_VMX_EPT_H
#define HV_VMX_EPT_H

#include <stdbool.h>
#include <stdint.h>
#include "paging.h"

#define EPT_RWX		(EPT_R | EPT_W | EPT_X)

/* The EPTP's fields (SDM Vol. 3C, 25.6.11 "Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_MEMTYPE_MASK	0x7ull			/* 2:0: paging-structure memory type */
#define EPTP_WALK_SHIFT		3			/* 5:3: page-walk length minus 1 */
#define EPTP_WALK_MASK		(0x7ull << EPTP_WALK_SHIFT)
#define EPTP_WALK(levels)	((uint64_t)((levels) - 1) << EPTP_WALK_SHIFT)
#define EPTP_AD_ENABLE		(1ull << 6)		/* accessed and dirty flags */
#define EPTP_SSS		(1ull << 7)		/* supervisor shadow-stack control */
#define EPTP_RESERVED_11_8	(0xfull << 8)

struct vmx_ept {
	struct page_table pt;
	bool ad;
};

/* An empty EPT of `levels` (4 or 5) with A/D flags enabled or not. */
void ept_init(struct vmx_ept *ept, unsigned levels, bool ad);
/* Identity-map [0, size) RWX, WB, with leaves of 1 << page_shift bytes. */
void ept_identity_map(struct vmx_ept *ept, uint64_t size, unsigned page_shift);
/* The EPTP: root | memory type WB | (levels - 1) << 3 | A/D enable << 6. */
uint64_t ept_eptp(const struct vmx_ept *ept);
/*
 * INVEPT for this EPTP: single-context when EPT_VPID_CAP[25] advertises it,
 * else all-context (bit 26); a failure is a FAIL.
 */
void ept_invalidate(uint64_t eptp);
/* Guest-physical memory to map: all RAM, rounded up to the leaf size. */
uint64_t ept_guest_memory_size(unsigned page_shift);

#endif
