/*
 * kvm_mmu_module_init / kvm_configure_mmu / vmx_enable_tdp: EPT (SDM Vol.
 * 3C, 29.3 "The Extended Page Table Mechanism (EPT)").  A guest runs under
 * an identity map and without EPT; 2M and 1G leaves, accessed/dirty flags
 * and 4- or 5-level walks where advertised; and the EPTP checks VM entry
 * makes (27.2.1.1 "VM-Execution Control Fields").  The fault rules have
 * programs of their own: vmx_ept_perms (every R/W/X value at every level;
 * the violations and the write-without-read misconfiguration once here are
 * rows of it), vmx_ept_misconfig, vmx_ept_walk (the guest's own page walk)
 * and vmx_ept_inval.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

static uint64_t ept_cap;
static unsigned ept_levels;

/* The page the guest touches, at DATA_OFFSET. */
static uint8_t *target;
#define DATA_OFFSET 0x40

static void guest_read(void *arg)
{
	(void)*(volatile uint64_t *)(target + DATA_OFFSET);
}

static void guest_write(void *arg)
{
	*(volatile uint64_t *)(target + DATA_OFFSET) = 0x1234;
}

static void identity_ept(struct vmx_ept *ept, unsigned levels, bool ad, unsigned shift)
{
	ept_init(ept, levels, ad);
	ept_identity_map(ept, ept_guest_memory_size(shift), shift);
}

/* vmx_enable_tdp: the guest runs to its end under an identity map. */
static void identity(void)
{
	struct vmx_ept ept;
	struct vmx_guest g;

	identity_ept(&ept, ept_levels, false, ept_largest_shift());
	if (!ept_guest_create(&g, guest_write, NULL, ept_eptp(&ept)))
		return;
	vmx_guest_run_to_done(&g, "guest under the EPT identity map");
	report_u64(NULL, 0x1234, *(uint64_t *)(target + DATA_OFFSET), "guest's write seen by the host through EPT");
	vmx_guest_free(&g);
}

/* kvm_disable_tdp: the same guest with EPT off. */
static void no_ept(void)
{
	struct vmx_guest g;

	if (!vmx_guest_create(&g, guest_write, NULL))
		return;
	if (vmx_guest_load(&g))
		vmx_guest_run_to_done(&g, "guest without EPT");
	vmx_guest_free(&g);
}

/* 29.3.2: leaves of 1 << shift bytes, used only where EPT_VPID_CAP advertises them. */
static void leaves(unsigned shift, uint64_t cap_bit, const char *name)
{
	struct vmx_ept ept;
	struct vmx_guest g;
	unsigned level;

	report_prefix_push("%s", name);
	if (!(ept_cap & cap_bit)) {
		report_skip("EPT_VPID_CAP[%u] clear (%#llx): no %s EPT leaves", __builtin_ctzll(cap_bit),
			    (unsigned long long)ept_cap, name);
		report_prefix_pop();
		return;
	}
	bool ad = ept_cap & VMX_EPT_AD_FLAGS;
	identity_ept(&ept, ept_levels, ad, shift);
	if (!ept_guest_create(&g, guest_write, NULL, ept_eptp(&ept))) {
		report_prefix_pop();
		return;
	}
	vmx_guest_run_to_done(&g, "guest writes through an identity map of large leaves");
	vmx_guest_free(&g);
	/* 29.3.5: the CPU sets D only in the leaf that maps a written page. */
	uint64_t *e = pt_walk(&ept.pt, virt_to_phys(target), &level);
	if (ad)
		report(e && (*e & (EPT_A | EPT_D)) == (EPT_A | EPT_D),
		       "level-%u entry mapping the written page: expected A and D set by the CPU (D is set "
		       "only in leaves), got %#llx", level, (unsigned long long)(e ? *e : 0));
	report_prefix_pop();
}

static void large_leaves(void)
{
	leaves(21, VMX_EPT_2MB_PAGE, "2M");
	leaves(30, VMX_EPT_1GB_PAGE, "1G");
}

/* The leaf that maps target in ept, with its A and D flags (29.3.5). */
static uint64_t target_leaf(const struct vmx_ept *ept)
{
	unsigned level;
	uint64_t *e = pt_walk(&ept->pt, virt_to_phys(target), &level);

	return e ? *e : 0;
}

/*
 * 29.3.5: with EPTP[6] set the processor sets the accessed flag of every
 * EPT entry it uses and the dirty flag of the leaf on a write; with
 * EPTP[6] clear it sets neither.
 */
static void accessed_dirty_run(bool ad)
{
	struct vmx_ept ept;
	struct vmx_guest g;
	uint64_t gpa = virt_to_phys(target);

	report_prefix_push("%s", ad ? "eptp_ad_on" : "eptp_ad_off");
	identity_ept(&ept, ept_levels, ad, ept_largest_shift());
	pt_protect(&ept.pt, gpa, PAGE_SIZE, EPT_A | EPT_D, 0);	/* a 4K leaf of its own, A and D clear */
	if (!ept_guest_create(&g, guest_read, NULL, ept_eptp(&ept))) {
		report_prefix_pop();
		return;
	}
	vmx_guest_run_to_done(&g, "guest reads target");
	vmx_guest_free(&g);
	uint64_t e = target_leaf(&ept);
	report((e & EPT_A) == (ad ? EPT_A : 0) && !(e & EPT_D), "after a read: leaf %#llx, expected A=%u D=0",
	       (unsigned long long)e, ad);
	if (!ept_guest_create(&g, guest_write, NULL, ept_eptp(&ept))) {
		report_prefix_pop();
		return;
	}
	vmx_guest_run_to_done(&g, "guest writes target");
	vmx_guest_free(&g);
	e = target_leaf(&ept);
	report((e & (EPT_A | EPT_D)) == (ad ? EPT_A | EPT_D : 0), "after a write: leaf %#llx, expected A=%u D=%u",
	       (unsigned long long)e, ad, ad);
	uint64_t *root_entry = &ept.pt.root[(gpa >> PT_LEVEL_SHIFT(ept.pt.levels)) & 511];
	report(!!(*root_entry & EPT_A) == ad, "root entry %#llx: accessed flag %s", (unsigned long long)*root_entry,
	       ad ? "set" : "clear");
	report_prefix_pop();
}

static void accessed_dirty(void)
{
	if (!(ept_cap & VMX_EPT_AD_FLAGS)) {
		report_skip("EPT_VPID_CAP[21] clear (%#llx): no EPT accessed/dirty flags", (unsigned long long)ept_cap);
		accessed_dirty_run(false);
		return;
	}
	accessed_dirty_run(true);
	accessed_dirty_run(false);
}

/* 29.3.1 / 25.6.11: a 4-level and a 5-level walk, each where advertised. */
static void walk_lengths(void)
{
	static const struct { unsigned levels; uint64_t bit; } walks[] = {
		{ 4, VMX_EPT_PAGE_WALK_4 }, { 5, VMX_EPT_PAGE_WALK_5 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(walks); i++) {
		struct vmx_ept ept;
		struct vmx_guest g;

		report_prefix_push("%u-level", walks[i].levels);
		if (!(ept_cap & walks[i].bit)) {
			report_skip("EPT_VPID_CAP[%u] clear (%#llx): no %u-level EPT walks", __builtin_ctzll(walks[i].bit),
				    (unsigned long long)ept_cap, walks[i].levels);
		} else {
			identity_ept(&ept, walks[i].levels, false, ept_largest_shift());
			if (ept_guest_create(&g, guest_write, NULL, ept_eptp(&ept))) {
				vmx_guest_run_to_done(&g, "guest under this walk length");
				vmx_guest_free(&g);
			}
		}
		report_prefix_pop();
	}
}

/*
 * 27.2.1.1 "VM-Execution Control Fields": VM entry fails with error 7 for
 * an EPTP the capabilities do not allow.  Each case takes the valid EPTP
 * of a guest that runs (identity) and changes one field: clears `clear`,
 * sets `set`.
 */
static void eptp_check(const char *what, uint64_t clear, uint64_t set)
{
	struct vmx_ept ept;
	struct vmx_guest g;

	identity_ept(&ept, ept_levels, false, ept_largest_shift() >= 21 ? 21 : 12);
	if (!ept_guest_create(&g, guest_read, NULL, ept_eptp(&ept))) {
		pt_destroy(&ept.pt);
		return;
	}
	uint64_t eptp = (g.eptp & ~clear) | set;
	vmcs_write(VMCS_EPT_POINTER, eptp);
	report_result(NULL, VMFAIL_VALID(VMXERR_ENTRY_INVALID_CONTROL_FIELD), vmx_guest_run(&g),
		      "EPTP %#llx (the valid one is %#llx): %s", (unsigned long long)eptp,
		      (unsigned long long)g.eptp, what);
	vmx_guest_free(&g);
	pt_destroy(&ept.pt);
}

static void eptp_checks(void)
{
	eptp_check("page-walk length 3 (bits 5:3 = 2)", EPTP_WALK_MASK, EPTP_WALK(3));
	if (!(ept_cap & VMX_EPT_PAGE_WALK_4))
		eptp_check("page-walk length 4, not advertised (EPT_VPID_CAP[6] clear)", EPTP_WALK_MASK,
			   EPTP_WALK(4));
	if (!(ept_cap & VMX_EPT_PAGE_WALK_5))
		eptp_check("page-walk length 5, not advertised (EPT_VPID_CAP[7] clear)", EPTP_WALK_MASK,
			   EPTP_WALK(5));
	if (!(ept_cap & VMX_EPT_MEMTYPE_UC))
		eptp_check("memory type UC, not advertised (EPT_VPID_CAP[8] clear)", EPTP_MEMTYPE_MASK,
			   VMX_MEMORY_TYPE_UC);
	eptp_check("memory type 2 (reserved)", EPTP_MEMTYPE_MASK, 2);
	if (!(ept_cap & VMX_EPT_AD_FLAGS))
		eptp_check("A/D enable without EPT_VPID_CAP[21]", 0, EPTP_AD_ENABLE);
	eptp_check("reserved bits 11:8 set", 0, EPTP_RESERVED_11_8);
	eptp_check("bit MAXPHYADDR set (bits 63:MAXPHYADDR are reserved)", 0, 1ull << cpu_maxphyaddr());
}

HV_EACH_CPU(identity)
HV_EACH_CPU(no_ept)
HV_EACH_CPU(large_leaves)
HV_EACH_CPU(accessed_dirty)
HV_EACH_CPU(walk_lengths)
HV_EACH_CPU(eptp_checks)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "identity", identity_each_cpu },
		{ "no_ept", no_ept_each_cpu },
		{ "large_leaves", large_leaves_each_cpu },
		{ "accessed_dirty", accessed_dirty_each_cpu },
		{ "walk_lengths", walk_lengths_each_cpu },
		{ "eptp_checks", eptp_checks_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	if (!ept_usable())
		return 0;	/* the program's whole subject is absent: SKIP, not a PASS of its teardown */
	ept_cap = vmx_this_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	ept_levels = ept_walk_advertised(4) ? 4 : 5;
	report_info("EPT_VPID_CAP=%#llx: %u-level walks, largest leaf %s, A/D %s, advanced exit info %s",
		    (unsigned long long)ept_cap, ept_levels,
		    ept_largest_shift() == 30 ? "1G" : ept_largest_shift() == 21 ? "2M" : "4K",
		    ept_cap & VMX_EPT_AD_FLAGS ? "yes" : "no",
		    ept_cap & VMX_EPT_ADVANCED_EXIT_INFO ? "yes" : "no");
	target = alloc_page();
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
