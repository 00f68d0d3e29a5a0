/*
 * kvm_mmu_module_init / kvm_configure_mmu / vmx_enable_tdp: EPT (SDM Vol.
 * 3C, 29.3 "The Extended Page Table Mechanism (EPT)").  A guest runs under
 * an identity map; a read, a write and an instruction fetch the EPT does
 * not allow exit with reason 48 and the exact exit qualification (28.2.1
 * "Basic VM-Exit Information", Table 28-7 "Exit Qualification for EPT
 * Violations") and guest-physical
 * address; a write-without-read entry exits with reason 49; 2M and 1G
 * leaves, accessed/dirty flags and 4- or 5-level walks where advertised;
 * and the EPTP checks VM entry makes (27.2.1.1 "VM-Execution Control Fields").
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

/* The page the guest touches: a RET at its start, data at DATA_OFFSET. */
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

static void guest_fetch(void *arg)
{
	((void (*)(void))target)();
}

/* A guest under `ept` running `code`, created and loaded (false: the harness said why). */
static bool ept_guest(struct vmx_guest *g, const struct vmx_ept *ept, hv_guest_fn *code)
{
	if (!vmx_guest_create(g, code, NULL))
		return false;
	g->ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	g->ctl[VMX_PROCBASED2] |= CPU2_ENABLE_EPT;
	g->eptp = ept_eptp(ept);
	if (vmx_guest_load(g))
		return true;
	vmx_guest_free(g);
	return false;
}

static void identity_ept(struct vmx_ept *ept, unsigned levels, bool ad, unsigned shift)
{
	ept_init(ept, levels, ad);
	ept_identity_map(ept, ept_guest_memory_size(shift), shift);
}

static unsigned largest_shift(void)
{
	return (ept_cap & VMX_EPT_1GB_PAGE) ? 30 : (ept_cap & VMX_EPT_2MB_PAGE) ? 21 : 12;
}

/* vmx_enable_tdp: the guest runs to its end under an identity map. */
static void identity(void)
{
	struct vmx_ept ept;
	struct vmx_guest g;

	identity_ept(&ept, ept_levels, false, largest_shift());
	if (!ept_guest(&g, &ept, guest_write))
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

/* Bits 11:9 of the qualification: defined only with advanced VM-exit information (Table 28-7). */
#define EPT_VIOLATION_ADVANCED_BITS \
	(EPT_VIOLATION_USER_LINEAR | EPT_VIOLATION_LINEAR_WRITABLE | EPT_VIOLATION_LINEAR_NX)

/*
 * The guest's paging rights for linear address va (the guest runs on the
 * host's tables): user-mode and read/write when U/S and R/W are set at
 * every level, execute-disable when XD is set at any (SDM Vol. 3A, 4.6).
 */
static uint64_t linear_rights(uint64_t va)
{
	uint64_t *table = kernel_pt.root, and_bits = PT_U | PT_W, or_bits = 0;

	for (unsigned level = kernel_pt.levels; level >= 1; level--) {
		uint64_t e = table[(va >> PT_LEVEL_SHIFT(level)) & 511];
		and_bits &= e;
		or_bits |= e & PT_NX;
		if (level == 1 || (e & PT_PS))
			break;
		table = phys_to_virt(e & PT_ADDR_MASK);
	}
	return (and_bits & PT_U ? EPT_VIOLATION_USER_LINEAR : 0) |
	       (and_bits & PT_W ? EPT_VIOLATION_LINEAR_WRITABLE : 0) |
	       (or_bits ? EPT_VIOLATION_LINEAR_NX : 0);
}

/*
 * Table 28-7: the qualification of an EPT violation caused by the
 * translation of a linear address: the access (bits 2:0), the AND of the
 * R/W/X bits of the EPT entries on the path (bits 5:3; 0 when an entry
 * is not present), linear address valid and translated (bits 7, 8), and
 * with advanced VM-exit information (EPT_VPID_CAP[22]) the guest paging
 * U/S, R/W and XD of the linear address (bits 9-11; undefined without it).
 */
static uint64_t expected_qual(uint64_t access, uint64_t ept_perms)
{
	uint64_t q = access | (ept_perms & EPT_R ? EPT_VIOLATION_READABLE : 0) |
		     (ept_perms & EPT_W ? EPT_VIOLATION_WRITABLE : 0) |
		     (ept_perms & EPT_X ? EPT_VIOLATION_EXECUTABLE : 0) | EPT_VIOLATION_LINEAR_VALID |
		     EPT_VIOLATION_LINEAR_TRANSLATED;

	if (ept_cap & VMX_EPT_ADVANCED_EXIT_INFO)
		q |= linear_rights((uint64_t)target);
	return q;
}

/*
 * The bits of the qualification the SDM defines for guest g on this CPU
 * (28.2.1, Table 28-7 "Exit Qualification for EPT Violations"); the others
 * are not compared.  Undefined: bit 6 without "mode-based execute control";
 * bits 11:9 without advanced VM-exit information (EPT_VPID_CAP[22]); bit 12
 * (NMI unblocking due to IRET) when "NMI exiting" is 1 and "virtual NMIs"
 * 0 (and for an exit during event delivery, which these are not); bit 14
 * without EPTP[7] (supervisor shadow-stack control).  Bits 13, 15 and 16
 * are defined (0 for an ordinary synchronous access), 63:17 are reserved
 * and cleared.
 */
static uint64_t defined_qual_bits(const struct vmx_guest *g)
{
	uint64_t undefined = EPT_VIOLATION_SSS_PAGE;

	if (!(g->ctl[VMX_PROCBASED2] & CPU2_MODE_BASED_EXECUTE_CONTROL))
		undefined |= EPT_VIOLATION_USER_EXECUTABLE;
	if (!(ept_cap & VMX_EPT_ADVANCED_EXIT_INFO))
		undefined |= EPT_VIOLATION_ADVANCED_BITS;
	if ((g->ctl[VMX_PINBASED] & PIN_NMI_EXITING) && !(g->ctl[VMX_PINBASED] & PIN_VIRTUAL_NMIS))
		undefined |= EPT_VIOLATION_NMI_UNBLOCKING;
	if (g->eptp & EPTP_SSS)
		undefined &= ~EPT_VIOLATION_SSS_PAGE;
	return ~undefined;
}

/*
 * One EPT violation (29.3.3.2): the guest accesses `target` whose EPT
 * entry lost `removed`; exit 48 with the qualification, GPA and linear
 * address exact; once the entry is restored (and INVEPT) the guest resumes
 * and completes.
 */
static void violation(const char *what, hv_guest_fn *code, uint64_t access, uint64_t removed)
{
	struct vmx_ept ept;
	struct vmx_guest g;
	uint64_t gpa = virt_to_phys(target);
	uint64_t offset = access == EPT_VIOLATION_FETCH ? 0 : DATA_OFFSET;

	report_prefix_push("%s", what);
	identity_ept(&ept, ept_levels, false, largest_shift());
	if (removed == EPT_RWX)
		pt_unmap(&ept.pt, gpa, PAGE_SIZE);
	else
		pt_protect(&ept.pt, gpa, PAGE_SIZE, removed, 0);
	if (!ept_guest(&g, &ept, code)) {
		report_prefix_pop();
		return;
	}
	if (vmx_guest_expect(&g, VMX_EXIT_EPT_VIOLATION, "guest access")) {
		uint64_t defined = defined_qual_bits(&g);
		report_u64(NULL, expected_qual(access, EPT_RWX & ~removed), g.exit.qualification & defined,
			   "exit qualification %#llx, the bits the SDM defines here (mask %#llx)",
			   (unsigned long long)g.exit.qualification, (unsigned long long)defined);
		report_u64(NULL, gpa + offset, g.exit.guest_physical, "guest-physical address");
		report_u64(NULL, (uint64_t)target + offset, g.exit.guest_linear, "guest linear address");
		pt_map(&ept.pt, gpa, gpa, PAGE_SIZE, 12, EPT_RWX | EPT_MT_WB);
		ept_invalidate(g.eptp);
		vmx_guest_run_to_done(&g, "guest resumed after the entry was restored");
	}
	vmx_guest_free(&g);
	report_prefix_pop();
}

static void violations(void)
{
	violation("read_not_present", guest_read, EPT_VIOLATION_READ, EPT_RWX);
	violation("write_read_only", guest_write, EPT_VIOLATION_WRITE, EPT_W);
	violation("fetch_not_executable", guest_fetch, EPT_VIOLATION_FETCH, EPT_X);
	violation("write_not_present", guest_write, EPT_VIOLATION_WRITE, EPT_RWX);
	violation("fetch_not_present", guest_fetch, EPT_VIOLATION_FETCH, EPT_RWX);
}

/* 29.3.3.1: a present entry that is writable but not readable is a misconfiguration: exit 49. */
static void misconfig(void)
{
	struct vmx_ept ept;
	struct vmx_guest g;
	uint64_t gpa = virt_to_phys(target);

	identity_ept(&ept, ept_levels, false, largest_shift());
	pt_protect(&ept.pt, gpa, PAGE_SIZE, EPT_R, 0);	/* W and X without R */
	if (!ept_guest(&g, &ept, guest_read))
		return;
	if (vmx_guest_expect(&g, VMX_EXIT_EPT_MISCONFIG, "guest read through a W-without-R entry")) {
		report_u64(NULL, gpa + DATA_OFFSET, g.exit.guest_physical,
			   "EPT misconfiguration guest-physical address");
		pt_protect(&ept.pt, gpa, PAGE_SIZE, 0, EPT_R);
		ept_invalidate(g.eptp);
		vmx_guest_run_to_done(&g, "guest resumed after the entry was fixed");
	}
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
	if (!ept_guest(&g, &ept, guest_write)) {
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
	identity_ept(&ept, ept_levels, ad, largest_shift());
	pt_protect(&ept.pt, gpa, PAGE_SIZE, EPT_A | EPT_D, 0);	/* a 4K leaf of its own, A and D clear */
	if (!ept_guest(&g, &ept, guest_read)) {
		report_prefix_pop();
		return;
	}
	vmx_guest_run_to_done(&g, "guest reads target");
	vmx_guest_free(&g);
	uint64_t e = target_leaf(&ept);
	report((e & EPT_A) == (ad ? EPT_A : 0) && !(e & EPT_D), "after a read: leaf %#llx, expected A=%u D=0",
	       (unsigned long long)e, ad);
	if (!ept_guest(&g, &ept, guest_write)) {
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
			identity_ept(&ept, walks[i].levels, false, largest_shift());
			if (ept_guest(&g, &ept, guest_write)) {
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

	identity_ept(&ept, ept_levels, false, largest_shift() >= 21 ? 21 : 12);
	if (!ept_guest(&g, &ept, guest_read)) {
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
HV_EACH_CPU(violations)
HV_EACH_CPU(misconfig)
HV_EACH_CPU(large_leaves)
HV_EACH_CPU(accessed_dirty)
HV_EACH_CPU(walk_lengths)
HV_EACH_CPU(eptp_checks)

/* cpu_has_vmx_ept and KVM's requirement (4-level walk, WB) or SKIP naming what is missing. */
static bool ept_usable(void)
{
	const struct vmx_caps *c = vmx_this_caps();

	if (!(vmx_allowed(c, VMX_PROCBASED).may1 & CPU_ACTIVATE_SECONDARY_CONTROLS)) {
		report_skip("PROCBASED_CTLS=%#llx: secondary controls may not be activated, so no EPT",
			    (unsigned long long)vmx_cap(c, MSR_IA32_VMX_PROCBASED_CTLS));
		return false;
	}
	if (!(vmx_allowed(c, VMX_PROCBASED2).may1 & CPU2_ENABLE_EPT)) {
		report_skip("PROCBASED_CTLS2=%#llx: \"enable EPT\" may not be 1",
			    (unsigned long long)vmx_cap(c, MSR_IA32_VMX_PROCBASED_CTLS2));
		return false;
	}
	ept_cap = vmx_cap(c, MSR_IA32_VMX_EPT_VPID_CAP);
	if (!(ept_cap & (VMX_EPT_PAGE_WALK_4 | VMX_EPT_PAGE_WALK_5)) || !(ept_cap & VMX_EPT_MEMTYPE_WB)) {
		report_skip("EPT_VPID_CAP=%#llx: neither a 4- nor 5-level walk with WB paging structures",
			    (unsigned long long)ept_cap);
		return false;
	}
	ept_levels = (ept_cap & VMX_EPT_PAGE_WALK_4) ? 4 : 5;
	report_info("EPT_VPID_CAP=%#llx: %u-level walks, largest leaf %s, A/D %s, advanced exit info %s",
		    (unsigned long long)ept_cap, ept_levels,
		    largest_shift() == 30 ? "1G" : largest_shift() == 21 ? "2M" : "4K",
		    ept_cap & VMX_EPT_AD_FLAGS ? "yes" : "no", ept_cap & VMX_EPT_ADVANCED_EXIT_INFO ? "yes" : "no");
	return true;
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "identity", identity_each_cpu },
		{ "no_ept", no_ept_each_cpu },
		{ "violations", violations_each_cpu },
		{ "misconfig", misconfig_each_cpu },
		{ "large_leaves", large_leaves_each_cpu },
		{ "accessed_dirty", accessed_dirty_each_cpu },
		{ "walk_lengths", walk_lengths_each_cpu },
		{ "eptp_checks", eptp_checks_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	if (ept_usable()) {
		target = alloc_page();
		target[0] = X86_OPCODE_RET;	/* what guest_fetch executes */
		run_subtests(tests, ARRAY_SIZE(tests));
	}
	vmx_program_finish();
	return 0;
}
