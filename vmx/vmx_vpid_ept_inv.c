/*
 * cpu_has_vmx_vpid / cpu_has_vmx_invvpid / INVEPT: each INVVPID and INVEPT
 * type EPT_VPID_CAP advertises works, each type it does not advertise
 * fails with VMfailValid(28) (SDM Vol. 3C, 31.3 "VMX Instructions", INVEPT
 * and INVVPID; A.10 "VPID and EPT Capabilities"),
 * the descriptor checks of both, and VPID 0 with "enable VPID" fails VM
 * entry (27.2.1.1 "VM-Execution Control Fields").  A guest runs with VPID 1.
 */
#include "hvtest.h"
#include "vmx/caps.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

/* This CPU's capabilities (the rules run on each CPU in turn): see load_caps(). */
static uint64_t cap_ev;
/* Bochs executes INVEPT/INVVPID on a model without EPT/VPID (errata.cfg). */
static const char inv_erratum[] = "bochs-vmx-inv-without-support";
static uint32_t proc2_may1;
static void *current;	/* a current VMCS, so that VMfailValid can be reported */

static void load_current(void)
{
	current = vmx_alloc_vmcs();
	vmptrld(virt_to_phys(current));
}

static void drop_current(void)
{
	vmclear(virt_to_phys(current));
	free_page(current);
}

static void load_caps(void)
{
	const struct vmx_caps *c = vmx_this_caps();

	proc2_may1 = vmx_allowed(c, VMX_PROCBASED2).may1;
	cap_ev = vmx_cap_readable(c, MSR_IA32_VMX_EPT_VPID_CAP) ? vmx_cap(c, MSR_IA32_VMX_EPT_VPID_CAP) : 0;
}

static bool vpid_usable(void)
{
	return (proc2_may1 & CPU2_ENABLE_VPID) && (cap_ev & VMX_VPID_INVVPID);
}

static bool invept_usable(void)
{
	return (proc2_may1 & CPU2_ENABLE_EPT) && (cap_ev & VMX_EPT_INVEPT);
}

/* 31.3 INVVPID: not supported (PROCBASED_CTLS2[37] or EPT_VPID_CAP[32] clear) -> #UD. */
static void invvpid_unsupported(void)
{
	load_caps();
	if (vpid_usable()) {
		report_skip("INVVPID is supported (EPT_VPID_CAP=%#llx): its #UD case does not apply",
			    (unsigned long long)cap_ev);
		return;
	}
	report_result(inv_erratum, HV_RESULT_UD, invvpid(INVVPID_SINGLE_CONTEXT, 1, 0),
		      "INVVPID without VPID support (secondary allowed-1 %#x, EPT_VPID_CAP %#llx)", proc2_may1,
		      (unsigned long long)cap_ev);
}

/* 31.3 INVVPID: each type 0-3 by EPT_VPID_CAP[40+type]; advertised -> success, else VMfailValid(28). */
static void invvpid_types(void)
{
	static const char *const names[] = { "individual-address", "single-context", "all-context",
					     "single-context-retaining-globals" };

	load_caps();
	if (!vpid_usable()) {
		report_skip("no INVVPID (secondary allowed-1 %#x, EPT_VPID_CAP %#llx)", proc2_may1,
			    (unsigned long long)cap_ev);
		return;
	}
	load_current();
	for (unsigned type = 0; type < 4; type++) {
		bool advertised = cap_ev & (1ull << (40 + type));
		report_result(NULL, advertised ? HV_RESULT_OK : VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND),
			      invvpid(type, 1, (uint64_t)current), "INVVPID type %u (%s), VPID 1: EPT_VPID_CAP[%u]=%u",
			      type, names[type], 40 + type, advertised);
	}
	report_result(NULL, VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND), invvpid(4, 1, 0),
		      "INVVPID type 4 (not defined)");
	drop_current();
}

/*
 * 31.3 INVVPID descriptor checks -> VMfailValid(28): VPID 0 for types 0, 1
 * and 3; a non-canonical address for type 0; bits 63:16 of the first
 * quadword not 0.  Each where its type is advertised.
 */
static void invvpid_descriptor(void)
{
	load_caps();
	if (!vpid_usable()) {
		report_skip("no INVVPID: its descriptor checks do not apply");
		return;
	}
	load_current();
	for (unsigned type = 0; type < 4; type++) {
		if (type == INVVPID_ALL_CONTEXT || !(cap_ev & (1ull << (40 + type))))
			continue;
		report_result(NULL, VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND), invvpid(type, 0, 0),
			      "INVVPID type %u with VPID 0", type);
	}
	if (cap_ev & VMX_VPID_INVVPID_INDIVIDUAL_ADDR)
		report_result(NULL, VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND),
			      invvpid(INVVPID_INDIVIDUAL_ADDR, 1, NONCANONICAL_ADDR),
			      "INVVPID individual-address with the address %#llx (not canonical with 4- "
			      "or 5-level paging)", NONCANONICAL_ADDR);
	uint64_t type = (cap_ev & VMX_VPID_INVVPID_ALL_CONTEXT) ? INVVPID_ALL_CONTEXT : INVVPID_SINGLE_CONTEXT;
	report_result(NULL, VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND), invvpid(type, 1 | BIT(16), 0),
		      "INVVPID type %llu with descriptor bits 63:16 = 1", (unsigned long long)type);
	drop_current();
}

/* 31.3 INVEPT: not supported (EPT or EPT_VPID_CAP[20] clear) -> #UD. */
static void invept_unsupported(void)
{
	load_caps();
	if (invept_usable()) {
		report_skip("INVEPT is supported (EPT_VPID_CAP=%#llx): its #UD case does not apply",
			    (unsigned long long)cap_ev);
		return;
	}
	report_result(inv_erratum, HV_RESULT_UD, invept(INVEPT_ALL_CONTEXT, 0),
		      "INVEPT without EPT support (secondary allowed-1 %#x, EPT_VPID_CAP %#llx)", proc2_may1,
		      (unsigned long long)cap_ev);
}

/*
 * 31.3 INVEPT: single-context (EPT_VPID_CAP[25]) and all-context ([26]);
 * advertised -> success, else VMfailValid(28); types 0 and 3 are not
 * defined -> VMfailValid(28); single-context with an EPTP that fails the
 * VM-entry EPTP checks -> VMfailValid(28).
 */
static void invept_types(void)
{
	struct vmx_ept ept;

	load_caps();
	if (!invept_usable()) {
		report_skip("no INVEPT (secondary allowed-1 %#x, EPT_VPID_CAP %#llx)", proc2_may1,
			    (unsigned long long)cap_ev);
		return;
	}
	ept_init(&ept, (cap_ev & VMX_EPT_PAGE_WALK_4) ? 4 : 5, false);
	uint64_t eptp = ept_eptp(&ept);
	load_current();
	for (unsigned type = 0; type < 4; type++) {
		bool advertised = (type == 1 && (cap_ev & VMX_EPT_INVEPT_SINGLE_CONTEXT)) ||
				  (type == 2 && (cap_ev & VMX_EPT_INVEPT_ALL_CONTEXT));
		report_result(NULL, advertised ? HV_RESULT_OK : VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND),
			      invept(type, eptp), "INVEPT type %u, EPTP %#llx (EPT_VPID_CAP %#llx)", type,
			      (unsigned long long)eptp, (unsigned long long)cap_ev);
	}
	if (cap_ev & VMX_EPT_INVEPT_SINGLE_CONTEXT)
		report_result(NULL, VMFAIL_VALID(VMXERR_INVALID_INVEPT_INVVPID_OPERAND),
			      invept(INVEPT_SINGLE_CONTEXT, (eptp & ~EPTP_WALK_MASK) | EPTP_WALK(3)),
			      "INVEPT single-context with an EPTP of walk length 3");
	drop_current();
	pt_destroy(&ept.pt);
}

static void vpid_guest_code(void *arg)
{
}

/* 27.2.1.1: with "enable VPID" the VPID must not be 0 -> VMfailValid(7); VPID 1 runs. */
static void vpid_entry(void)
{
	struct vmx_guest g;

	load_caps();
	if (!(proc2_may1 & CPU2_ENABLE_VPID)) {
		report_skip("\"enable VPID\" may not be 1 (secondary allowed-1 %#x)", proc2_may1);
		return;
	}
	if (!vmx_guest_create(&g, vpid_guest_code, NULL))
		return;
	g.ctl[VMX_PROCBASED] |= CPU_ACTIVATE_SECONDARY_CONTROLS;
	g.ctl[VMX_PROCBASED2] |= CPU2_ENABLE_VPID;
	g.vpid = 0;
	vmx_guest_load(&g);
	report_result(NULL, VMFAIL_VALID(VMXERR_ENTRY_INVALID_CONTROL_FIELD), vmx_guest_run(&g),
		      "VM entry with \"enable VPID\" and VPID 0");
	g.vpid = 1;
	vmx_guest_load(&g);
	vmx_guest_run_to_done(&g, "guest with VPID 1");
	if (vpid_usable() && (cap_ev & VMX_VPID_INVVPID_SINGLE_CONTEXT))
		report_result(NULL, HV_RESULT_OK, invvpid(INVVPID_SINGLE_CONTEXT, 1, 0),
			      "INVVPID single-context of the guest's VPID after it ran");
	vmx_guest_free(&g);
}

HV_EACH_CPU(invvpid_unsupported)
HV_EACH_CPU(invvpid_types)
HV_EACH_CPU(invvpid_descriptor)
HV_EACH_CPU(invept_unsupported)
HV_EACH_CPU(invept_types)
HV_EACH_CPU(vpid_entry)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "invvpid_unsupported", invvpid_unsupported_each_cpu },
		{ "invvpid_types", invvpid_types_each_cpu },
		{ "invvpid_descriptor", invvpid_descriptor_each_cpu },
		{ "invept_unsupported", invept_unsupported_each_cpu },
		{ "invept_types", invept_types_each_cpu },
		{ "vpid_entry", vpid_entry_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	load_caps();
	report_info("secondary allowed-1 %#x, EPT_VPID_CAP %#llx", proc2_may1, (unsigned long long)cap_ev);
	run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
