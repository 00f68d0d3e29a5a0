/* The guest harness (see guest.h). */
#include "guest.h"
#include "caps.h"
#include "cpuid.h"
#include "desc.h"
#include "libc.h"
#include "mem.h"
#include "report.h"
#include "vmcs_fields.h"
#include "vmxon.h"

void vmx_guest_entry(void);
/* RIP of a new guest: call the function in RDI, then report VMX_GUEST_DONE forever. */
#define STR(x) #x
#define XSTR(x) STR(x)
asm(".text\n"
    "vmx_guest_entry:\n\t"
    "call *%rdi\n"
    "1:\tmov $" XSTR(VMX_GUEST_DONE_VALUE) ", %eax\n\t"
    "vmcall\n\t"
    "jmp 1b\n");

/*
 * The IA32_PAT / IA32_EFER fields exist only where a control that uses
 * them may be 1 (25.4.2, 25.5).
 */
static bool host_pat_field(void) { return vmx_may1(VMX_EXIT, EXIT_LOAD_IA32_PAT); }
static bool host_efer_field(void) { return vmx_may1(VMX_EXIT, EXIT_LOAD_IA32_EFER); }
static bool guest_pat_field(void)
{
	return vmx_may1(VMX_ENTRY, ENTRY_LOAD_IA32_PAT) || vmx_may1(VMX_EXIT, EXIT_SAVE_IA32_PAT);
}
static bool guest_efer_field(void)
{
	return vmx_may1(VMX_ENTRY, ENTRY_LOAD_IA32_EFER) || vmx_may1(VMX_EXIT, EXIT_SAVE_IA32_EFER);
}

void vmx_guest_init(struct vmx_guest *g, void (*code)(void))
{
	const struct vmx_caps *caps = vmx_this_caps();

	memset(g, 0, sizeof(*g));
	g->vmcs = vmx_alloc_vmcs();
	g->code = code;
	g->stack_top = (uint64_t)alloc_pages(1) + 2 * PAGE_SIZE;
	for (unsigned w = 0; w < VMX_PROCBASED3; w++)
		g->ctl[w] = vmx_allowed(caps, w).must1;
	g->ctl[VMX_EXIT] |= 1u << EXIT_HOST_ADDRESS_SPACE_SIZE;
	g->ctl[VMX_ENTRY] |= 1u << ENTRY_IA32E_MODE_GUEST;
	if (vmx_may1(VMX_EXIT, EXIT_LOAD_IA32_EFER))
		g->ctl[VMX_EXIT] |= 1u << EXIT_LOAD_IA32_EFER;
	if (vmx_may1(VMX_ENTRY, ENTRY_LOAD_IA32_EFER))
		g->ctl[VMX_ENTRY] |= 1u << ENTRY_LOAD_IA32_EFER;
	g->vpid = 1;
}

/* A GDT descriptor's access rights in the VMCS format (25.4.1, Table 25-2). */
static uint32_t segment_ar(uint16_t sel, uint64_t *base, uint32_t *limit)
{
	struct descriptor_table_ptr gdtr;

	sgdt(&gdtr);
	if (!(sel & ~7)) {
		*base = 0;
		*limit = 0;
		return 1u << 16;	/* unusable */
	}
	uint64_t d = *(uint64_t *)(gdtr.base + (sel & ~7));
	uint32_t lim = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	*limit = (d & (1ull << 55)) ? (lim << 12) | 0xfff : lim;
	*base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	if (!(d & (1ull << 44)))	/* system descriptor (TSS): 16 bytes, base 63:32 next */
		*base |= *(uint64_t *)(gdtr.base + (sel & ~7) + 8) << 32;
	return (uint32_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12));
}

static uint16_t read_es(void) { uint16_t s; asm volatile("mov %%es, %0" : "=r"(s)); return s; }
static uint16_t read_fs(void) { uint16_t s; asm volatile("mov %%fs, %0" : "=r"(s)); return s; }
static uint16_t read_gs(void) { uint16_t s; asm volatile("mov %%gs, %0" : "=r"(s)); return s; }

/* Host-state area from the current CPU (25.5, checked by 26.2.2-26.2.4). */
static void write_host_state(void)
{
	struct descriptor_table_ptr gdtr, idtr;
	uint64_t base;
	uint32_t limit;

	sgdt(&gdtr);
	sidt(&idtr);	/* store_idt() */
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, read_cs());
	vmcs_write(VMCS_HOST_SS_SELECTOR, read_ss());
	vmcs_write(VMCS_HOST_DS_SELECTOR, read_ds());
	vmcs_write(VMCS_HOST_ES_SELECTOR, read_es());
	vmcs_write(VMCS_HOST_FS_SELECTOR, read_fs());
	vmcs_write(VMCS_HOST_GS_SELECTOR, read_gs());
	vmcs_write(VMCS_HOST_TR_SELECTOR, str());
	segment_ar(str(), &base, &limit);
	vmcs_write(VMCS_HOST_TR_BASE, base);
	vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_write(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	if (host_efer_field())
		vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	if (host_pat_field())
		vmcs_write(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_point);
}

static void write_guest_segment(unsigned i, uint16_t sel)
{
	uint64_t base;
	uint32_t limit, ar = segment_ar(sel, &base, &limit);

	vmcs_write(VMCS_GUEST_ES_SELECTOR + 2 * i, sel);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * i, base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * i, limit);
	vmcs_write(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * i, ar);
}

/* Guest-state area: the host's own state, a stack of the guest's own (25.4, 26.3.1). */
static void write_guest_state(struct vmx_guest *g)
{
	struct descriptor_table_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	vmcs_write(VMCS_GUEST_CR0, read_cr0());
	vmcs_write(VMCS_GUEST_CR3, read_cr3());
	vmcs_write(VMCS_GUEST_CR4, read_cr4());
	vmcs_write(VMCS_CR0_READ_SHADOW, read_cr0());
	vmcs_write(VMCS_CR4_READ_SHADOW, read_cr4());
	write_guest_segment(0, read_es());
	write_guest_segment(1, read_cs());
	write_guest_segment(2, read_ss());
	write_guest_segment(3, read_ds());
	write_guest_segment(4, read_fs());
	write_guest_segment(5, read_gs());
	write_guest_segment(6, 0);		/* LDTR: unusable */
	write_guest_segment(7, str());
	vmcs_write(VMCS_GUEST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_write(VMCS_GUEST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_write(VMCS_GUEST_GDTR_BASE, gdtr.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, gdtr.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, idtr.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, idtr.limit);
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_GUEST_RSP, g->stack_top);
	vmcs_write(VMCS_GUEST_RIP, (uint64_t)vmx_guest_entry);
	vmcs_write(VMCS_GUEST_RFLAGS, 0x2);
	if (guest_efer_field())
		vmcs_write(VMCS_GUEST_IA32_EFER, rdmsr(MSR_EFER));
	if (guest_pat_field())
		vmcs_write(VMCS_GUEST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
	g->gprs = (struct vmx_gprs){ .rdi = (uint64_t)g->code };
}

void vmx_guest_load(struct vmx_guest *g)
{
	char got[64];
	struct hv_result r = vmclear(virt_to_phys(g->vmcs));

	if (hv_result_ok(r))
		r = vmptrld(virt_to_phys(g->vmcs));
	if (!hv_result_ok(r))
		report(false, "guest harness: VMCLEAR/VMPTRLD of VMCS %p: expected success, got %s", g->vmcs,
		       hv_result_str(r, got, sizeof(got)));
	g->launched = false;
	vmcs_write(VMCS_PIN_BASED_CONTROLS, g->ctl[VMX_PINBASED]);
	vmcs_write(VMCS_PROC_BASED_CONTROLS, g->ctl[VMX_PROCBASED]);
	if (g->ctl[VMX_PROCBASED] & (1u << CPU_ACTIVATE_SECONDARY_CONTROLS))
		vmcs_write(VMCS_SECONDARY_PROC_CONTROLS, g->ctl[VMX_PROCBASED2]);
	vmcs_write(VMCS_EXIT_CONTROLS, g->ctl[VMX_EXIT]);
	vmcs_write(VMCS_ENTRY_CONTROLS, g->ctl[VMX_ENTRY]);
	vmcs_write(VMCS_EXCEPTION_BITMAP, 0xffffffff);	/* every guest exception exits */
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	/* The EPTP and VPID fields exist where their controls may be 1 (25.6.11, 25.6.12). */
	if ((g->ctl[VMX_PROCBASED2] & (1u << CPU2_ENABLE_EPT)) && vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_EPT))
		vmcs_write(VMCS_EPT_POINTER, g->eptp);
	if ((g->ctl[VMX_PROCBASED2] & (1u << CPU2_ENABLE_VPID)) && vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_VPID))
		vmcs_write(VMCS_VPID, g->vpid);
	write_host_state();
	write_guest_state(g);
}

const char *vmx_exit_str(const struct vmx_exit *e, char *buf, unsigned size)
{
	unsigned basic = vmx_exit_reason_basic(e->reason);

	if (vmx_exit_reason_entry_failed(e->reason))
		snprintf(buf, size, "VM-entry failure: %s (%u), qualification %#llx",
			 vmx_exit_reason_name(basic), basic, (unsigned long long)e->qualification);
	else
		snprintf(buf, size, "%s (%u), qualification %#llx at rip %#llx",
			 vmx_exit_reason_name(basic), basic, (unsigned long long)e->qualification,
			 (unsigned long long)e->guest_rip);
	return buf;
}

struct hv_result vmx_guest_enter(struct vmx_guest *g)
{
	struct hv_result r = vmx_enter(&g->gprs, g->launched);

	if (!hv_result_ok(r))
		return r;
	struct vmx_exit *e = &g->exit;
	e->reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
	e->qualification = vmcs_read(VMCS_EXIT_QUALIFICATION);
	e->guest_physical = (g->ctl[VMX_PROCBASED2] & (1u << CPU2_ENABLE_EPT)) ?
			    vmcs_read(VMCS_GUEST_PHYSICAL_ADDR) : 0;	/* exists with EPT (25.9.1) */
	e->guest_linear = vmcs_read(VMCS_GUEST_LINEAR_ADDR);
	e->guest_rip = vmcs_read(VMCS_GUEST_RIP);
	e->instruction_len = (uint32_t)vmcs_read(VMCS_EXIT_INSTRUCTION_LEN);
	/* A VM-entry failure leaves the VMCS not launched (26.8): VMLAUNCH again. */
	if (!vmx_exit_reason_entry_failed(e->reason))
		g->launched = true;
	vmx_count_exit(e->reason);
	return r;
}

void vmx_guest_skip_instruction(struct vmx_guest *g)
{
	vmcs_write(VMCS_GUEST_RIP, g->exit.guest_rip + g->exit.instruction_len);
}

bool vmx_guest_expect(struct vmx_guest *g, unsigned expected, const char *what)
{
	char got[96];
	struct hv_result r = vmx_guest_enter(g);

	if (!hv_result_ok(r))
		return report(false, "%s: expected a VM exit %s (%u), got %s", what,
			      vmx_exit_reason_name(expected), expected, hv_result_str(r, got, sizeof(got)));
	bool ok = g->exit.reason == expected;
	if (!ok)
		report(false, "%s: expected a VM exit %s (%u), got %s", what,
		       vmx_exit_reason_name(expected), expected, vmx_exit_str(&g->exit, got, sizeof(got)));
	if (ok && expected == VMX_EXIT_VMCALL)
		vmx_guest_skip_instruction(g);
	return ok;
}

bool vmx_guest_run_to_done(struct vmx_guest *g, const char *what)
{
	if (!vmx_guest_expect(g, VMX_EXIT_VMCALL, what))
		return false;
	return report(g->gprs.rax == VMX_GUEST_DONE, "%s: guest ran to its end: VMCALL with "
		      "RAX=%#llx (expected %#llx)", what, (unsigned long long)g->gprs.rax,
		      (unsigned long long)VMX_GUEST_DONE);
}

/* kvm_init_debug's statistics: VM exits per basic reason, entry failures apart. */
#define NR_COUNTED_REASONS 96
static unsigned long exit_counts[2][NR_COUNTED_REASONS];

void vmx_count_exit(uint32_t reason)
{
	unsigned basic = vmx_exit_reason_basic(reason);

	if (basic < NR_COUNTED_REASONS)
		__atomic_add_fetch(&exit_counts[vmx_exit_reason_entry_failed(reason)][basic], 1,
				   __ATOMIC_RELAXED);
}

unsigned long vmx_print_exit_counts(void)
{
	char line[768];
	size_t n = 0;
	unsigned long total = 0;

	line[0] = 0;
	for (unsigned f = 0; f < 2; f++)
		for (unsigned r = 0; r < NR_COUNTED_REASONS; r++) {
			if (!exit_counts[f][r])
				continue;
			total += exit_counts[f][r];
			if (n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %s%s=%lu",
						      f ? "entry-failure:" : "", vmx_exit_reason_name(r),
						      exit_counts[f][r]);
		}
	report_info("VM exits: %lu in all;%s", total, total ? line : " none");
	return total;
}
