/*
 * VMXON (alloc_kvm_area and cpuhp hardware_enable): every outcome SDM
 * Vol. 3C, 31.3 "VMXON" defines, on every CPU, and VMXON on all CPUs at
 * once.  Each rule is one function run on each CPU in turn; it leaves the
 * CPU outside VMX operation with CR0/CR4 as it found them.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/insn.h"
#include "vmx/vmxon.h"

/* A page stamped with `revision` as a VMXON region. */
static uint64_t region_with_revision(uint32_t revision)
{
	uint32_t *p = alloc_page();

	*p = revision;
	return virt_to_phys(p);
}

/* Run vmxon(pa) with CR4.VMXE and the fixed bits set, then leave VMX operation again. */
static struct hv_result try_vmxon(uint64_t pa)
{
	vmx_set_fixed_bits();
	struct hv_result r = vmxon(pa);
	if (hv_result_ok(r))
		vmxoff();
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	return r;
}

/*
 * 31.3: a VMXON pointer not 4K-aligned -> VMfailInvalid.  The right
 * revision is at the pointer too, so that a CPU ignoring the alignment
 * rule would find a valid region there and succeed.
 */
static void vmxon_unaligned(void)
{
	uint32_t rev = vmx_basic_revision(vmx_this_cap(MSR_IA32_VMX_BASIC));
	uint64_t pa = region_with_revision(rev) + PAGE_SIZE / 2;

	*(uint32_t *)phys_to_virt(pa) = rev;
	report_result(NULL, VMFAIL_INVALID, try_vmxon(pa), "VMXON with region %#llx (not 4K-aligned, "
		      "revision %#x there)", (unsigned long long)pa, rev);
}

/* 31.3: a VMXON pointer with bits set beyond MAXPHYADDR -> VMfailInvalid. */
static void vmxon_beyond_maxphyaddr(void)
{
	uint64_t pa = vmx_vmxon_region() | (1ull << cpu_maxphyaddr());

	report_result(NULL, VMFAIL_INVALID, try_vmxon(pa),
		      "VMXON with region %#llx (bit %u set, MAXPHYADDR %u)", (unsigned long long)pa,
		      cpu_maxphyaddr(), cpu_maxphyaddr());
}

/* 31.3: region revision (bits 30:0) not BASIC[30:0] -> VMfailInvalid. */
static void vmxon_wrong_revision(void)
{
	uint32_t rev = vmx_basic_revision(vmx_this_cap(MSR_IA32_VMX_BASIC));
	uint32_t wrong = (rev + 1) & VMX_BASIC_REVISION_MASK;

	report_result(NULL, VMFAIL_INVALID, try_vmxon(region_with_revision(wrong)),
		      "VMXON with revision %#x in the region (BASIC says %#x)", wrong, rev);
}

/* 31.3: region bit 31 (shadow-VMCS indicator) set -> VMfailInvalid. */
static void vmxon_revision_bit31(void)
{
	uint32_t rev = vmx_basic_revision(vmx_this_cap(MSR_IA32_VMX_BASIC)) | VMX_VMCS_SHADOW_INDICATOR;

	report_result(NULL, VMFAIL_INVALID, try_vmxon(region_with_revision(rev)),
		      "VMXON with region dword %#x (bit 31 set)", rev);
}

/* 31.3: CR4.VMXE = 0 -> #UD; everything else as for a VMXON that succeeds (fixed bits set). */
static void vmxon_without_vmxe(void)
{
	vmx_set_fixed_bits();
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	uint64_t cr4 = read_cr4();
	struct hv_result r = vmxon(vmx_vmxon_region());
	if (hv_result_ok(r)) {		/* in VMX operation after all: leave it */
		write_cr4(cr4 | X86_CR4_VMXE);
		vmxoff();
		write_cr4(cr4);
	}
	report_result(NULL, HV_RESULT_UD, r, "VMXON with CR4.VMXE clear (CR4=%#llx)", (unsigned long long)cr4);
}

static void vmxon_user(void *arg)
{
	*(struct hv_result *)arg = vmxon(vmx_vmxon_region());
}

/* 31.3: CPL > 0 outside VMX operation -> #GP(0). */
static void vmxon_cpl3(void)
{
	struct hv_result r;

	vmx_set_fixed_bits();
	run_in_user(vmxon_user, &r);
	if (hv_result_ok(r))
		vmxoff();
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	report_result(NULL, HV_RESULT_GP0, r, "VMXON at CPL 3");
}

/*
 * One FIXED-MSR rule (24.8, 31.3): for every bit in `flip`, CR0/CR4 with
 * that bit set (set) or cleared (!set) against what IA32_VMX_CRn_FIXEDm
 * requires -> VMXON #GP(0).  Bits the CPU itself refuses to flip are left.
 */
static void fixed_rule(const char *reg, const char *msr, uint64_t msr_value, uint64_t flip, bool set,
		       uint64_t (*rd)(void), struct hv_result (*wr)(uint64_t), void (*wr_plain)(uint64_t),
		       const char *why_none)
{
	bool tried = false;

	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(flip & BIT(bit)))
			continue;
		vmx_set_fixed_bits();
		uint64_t old = rd(), val = set ? old | BIT(bit) : old & ~BIT(bit);
		if (val == old || !hv_result_ok(wr(val)))
			continue;
		tried = true;
		struct hv_result r = vmxon(vmx_vmxon_region());
		if (hv_result_ok(r))
			vmxoff();
		wr_plain(old);
		write_cr4(read_cr4() & ~X86_CR4_VMXE);
		report_result(NULL, HV_RESULT_GP0, r, "VMXON with %s.bit%u %s (%s=%#llx)", reg, bit,
			      set ? "set" : "clear", msr, (unsigned long long)msr_value);
	}
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	if (!tried)
		report_skip("%s=%#llx: %s", msr, (unsigned long long)msr_value, why_none);
}

/* CR0 with a bit FIXED0 requires cleared -> #GP(0); PE and PG stay (long mode). */
static void vmxon_cr0_fixed0(void)
{
	uint64_t f = vmx_this_cap(MSR_IA32_VMX_CR0_FIXED0);

	fixed_rule("CR0", "CR0_FIXED0", f, f & ~(X86_CR0_PE | X86_CR0_PG), false, read_cr0, write_cr0_safe,
		   write_cr0, "no fixed-1 bit besides PE/PG can be cleared in long mode");
}

/* CR4 with a bit FIXED0 requires cleared -> #GP(0); VMXE clear is #UD (cr4_vmxe_clear). */
static void vmxon_cr4_fixed0(void)
{
	uint64_t f = vmx_this_cap(MSR_IA32_VMX_CR4_FIXED0);

	fixed_rule("CR4", "CR4_FIXED0", f, f & ~X86_CR4_VMXE, false, read_cr4, write_cr4_safe, write_cr4,
		   "VMXE is the only fixed-1 bit (its clear case is #UD, subtest cr4_vmxe_clear)");
}

/* CR0 with a bit FIXED1 requires clear -> #GP(0). */
static void vmxon_cr0_fixed1(void)
{
	uint64_t f = vmx_this_cap(MSR_IA32_VMX_CR0_FIXED1);

	fixed_rule("CR0", "CR0_FIXED1", f, ~f & 0xffffffff, true, read_cr0, write_cr0_safe, write_cr0,
		   "every CR0 bit this CPU accepts is allowed to be 1");
}

/* CR4 with a bit FIXED1 requires clear -> #GP(0). */
static void vmxon_cr4_fixed1(void)
{
	uint64_t f = vmx_this_cap(MSR_IA32_VMX_CR4_FIXED1);

	fixed_rule("CR4", "CR4_FIXED1", f, ~f & 0xffffffff, true, read_cr4, write_cr4_safe, write_cr4,
		   "every CR4 bit this CPU accepts is allowed to be 1");
}

/* 31.3: VMXON in VMX root operation without a current VMCS -> VMfailInvalid; with one -> VMfailValid(15). */
static void vmxon_in_vmx_root(void)
{
	if (!report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON (first)"))
		return;
	report_result(NULL, VMFAIL_INVALID, vmxon(vmx_vmxon_region()),
		      "VMXON in VMX root operation, no current VMCS");
	void *vmcs = vmx_alloc_vmcs();
	report_result(NULL, HV_RESULT_OK, vmptrld(virt_to_phys(vmcs)), "VMPTRLD of a fresh VMCS");
	report_result(NULL, VMFAIL_VALID(VMXERR_VMXON_IN_VMX_ROOT), vmxon(vmx_vmxon_region()),
		      "VMXON in VMX root operation with a current VMCS");
	report_result(NULL, HV_RESULT_OK, vmclear(virt_to_phys(vmcs)), "VMCLEAR");
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
	free_page(vmcs);
}

/* 24.8 (Restrictions on VMX Operation): CR4.VMXE cannot be cleared in VMX operation -> #GP(0). */
static void clear_vmxe_in_vmx(void)
{
	if (!report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON"))
		return;
	uint64_t cr4 = read_cr4();
	struct hv_result r = write_cr4_safe(cr4 & ~X86_CR4_VMXE);
	uint64_t after = read_cr4();
	if (!(after & X86_CR4_VMXE))
		write_cr4_safe(cr4);	/* the write took effect: VMXE back, so that VMXOFF can leave */
	report_result(NULL, HV_RESULT_GP0, r, "MOV to CR4 clearing VMXE in VMX operation (CR4=%#llx)",
		      (unsigned long long)cr4);
	report(after & X86_CR4_VMXE, "CR4.VMXE still set after the refused write: CR4=%#llx",
	       (unsigned long long)after);
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
}

/* 31.3 VMXOFF: outside VMX operation (CR4.VMXE clear) -> #UD. */
static void vmxoff_outside(void)
{
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	report_result(NULL, HV_RESULT_UD, vmxoff(), "VMXOFF outside VMX operation");
}

/* Positive: VMXON with this CPU's own region succeeds, VMXOFF leaves (31.3). */
static void vmxon_positive(void)
{
	report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON with region %#llx, revision %#x",
		      (unsigned long long)vmx_vmxon_region(),
		      vmx_basic_revision(vmx_this_cap(MSR_IA32_VMX_BASIC)));
	vmx_check_vmx_operation(true, "after VMXON");
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
	vmx_check_vmx_operation(false, "after VMXOFF");
}

HV_EACH_CPU(vmxon_positive)
HV_EACH_CPU(vmxon_unaligned)
HV_EACH_CPU(vmxon_beyond_maxphyaddr)
HV_EACH_CPU(vmxon_wrong_revision)
HV_EACH_CPU(vmxon_revision_bit31)
HV_EACH_CPU(vmxon_without_vmxe)
HV_EACH_CPU(vmxon_cpl3)
HV_EACH_CPU(vmxon_cr0_fixed0)
HV_EACH_CPU(vmxon_cr0_fixed1)
HV_EACH_CPU(vmxon_cr4_fixed0)
HV_EACH_CPU(vmxon_cr4_fixed1)
HV_EACH_CPU(vmxon_in_vmx_root)
HV_EACH_CPU(clear_vmxe_in_vmx)
HV_EACH_CPU(vmxoff_outside)

/* 31.3 VMXON: the current-VMCS pointer starts invalid, so VMPTRST stores FFFFFFFF_FFFFFFFFH. */
static void check_in_vmx(void *arg)
{
	uint64_t pa = 0;

	if (report_result(NULL, HV_RESULT_OK, vmptrst(&pa), "VMPTRST in VMX operation (while all CPUs are)"))
		report_u64(NULL, ~0ull, pa, "VMPTRST right after VMXON (no current VMCS) stores");
}

static void off_here(void *arg)
{
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF on all CPUs at once");
}

/*
 * alloc_kvm_area: one region per CPU (printed); VMXON on every CPU at once,
 * state read back, VMXOFF at once.
 */
static void test_all_cpus(void)
{
	vmx_show_vmxon_regions();
	report(vmx_on_all(), "VMXON on all %u CPUs at once", nr_cpus);
	on_cpus(check_in_vmx, NULL);
	on_cpus(off_here, NULL);
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "positive", vmxon_positive_each_cpu },
		{ "unaligned", vmxon_unaligned_each_cpu },
		{ "beyond_maxphyaddr", vmxon_beyond_maxphyaddr_each_cpu },
		{ "wrong_revision", vmxon_wrong_revision_each_cpu },
		{ "revision_bit31", vmxon_revision_bit31_each_cpu },
		{ "cr4_vmxe_clear", vmxon_without_vmxe_each_cpu },
		{ "cpl3", vmxon_cpl3_each_cpu },
		{ "cr0_fixed0", vmxon_cr0_fixed0_each_cpu },
		{ "cr0_fixed1", vmxon_cr0_fixed1_each_cpu },
		{ "cr4_fixed0", vmxon_cr4_fixed0_each_cpu },
		{ "cr4_fixed1", vmxon_cr4_fixed1_each_cpu },
		{ "in_vmx_root", vmxon_in_vmx_root_each_cpu },
		{ "clear_vmxe_in_vmx", clear_vmxe_in_vmx_each_cpu },
		{ "vmxoff_outside", vmxoff_outside_each_cpu },
		{ "all_cpus", test_all_cpus },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
