/*
 * The valid variants ("contexts") a row starts from, the memory they point
 * to, and the pseudo-fields (memory a row changes instead of a VMCS field).
 * A context writes its fields over the harness's valid state; each is
 * itself entered and checked before its rows (run.c).
 */
#include "hvtest.h"
#include "entry.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmxon.h"

struct entry_cpu entry_cpu;

void entry_cpu_read(void)
{
	struct entry_cpu *c = &entry_cpu;

	c->caps = vmx_this_caps();
	for (unsigned w = 0; w < VMX_PROCBASED3; w++)
		c->allowed[w] = vmx_allowed(c->caps, w);
	c->basic = vmx_cap(c->caps, MSR_IA32_VMX_BASIC);
	c->misc = vmx_cap(c->caps, MSR_IA32_VMX_MISC);
	c->ept_vpid_cap = vmx_cap(c->caps, MSR_IA32_VMX_EPT_VPID_CAP);
	c->vmfunc = vmx_cap(c->caps, MSR_IA32_VMX_VMFUNC);
	c->cr0_fixed0 = vmx_cap(c->caps, MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = vmx_cap(c->caps, MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = vmx_cap(c->caps, MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = vmx_cap(c->caps, MSR_IA32_VMX_CR4_FIXED1);
	c->maxphyaddr = cpu_maxphyaddr();
	c->linear_bits = (cpuid(0x80000008).a >> 8) & 0xff;
	c->host_efer = rdmsr(MSR_EFER);
}

/* The low page: the real-mode and virtual-8086 guests' code, IVT, stack and TSS (at LOW_GPA). */
#define LOW_GPA		0x7000ull
#define LOW_SEL		(LOW_GPA >> 4)
#define LOW_IVT		0x400
#define LOW_TSS		0x800
#define LOW_STACK	0xff0
#define DR7_FIXED	0x400	/* DR7 bit 10 is always 1 */
#define POSTED_VECTOR	0xf2	/* the posted-interrupt notification vector of CTX_POSTED */

/* This CPU's memory for the contexts (entry_ctx_alloc). */
static struct {
	void *io_a, *io_b, *msr_bitmap, *vapic, *apic_access, *pml, *eptp_list, *vmread, *vmwrite;
	void *ve_info, *spp, *link, *msr_area, *exit_msr_area, *guest_idt, *low, *pdpt, *pd, *pid;
	struct vmx_ept ept;
	bool ept_built;
} m;

/* The guest's stub: VMCALL; every context and twin that sends the guest elsewhere sends it here. */
asm(".text\n.globl entry_stub\nentry_stub:\n\tvmcall\n\tjmp entry_stub\n");

static const uint8_t stub_bytes[] = { 0x0f, 0x01, 0xc1 };	/* VMCALL, in every mode */

/* The MSRs of the VM-entry MSR-load area of CTX_ENTRY_MSR_LOAD (27.4: each loaded as by WRMSR). */
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
static const uint32_t area_msrs[3] = { MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP };
static const uint32_t area_fields[3] = {
	VMCS_GUEST_IA32_SYSENTER_CS, VMCS_GUEST_IA32_SYSENTER_ESP, VMCS_GUEST_IA32_SYSENTER_EIP,
};

uint64_t entry_stub_rip(enum entry_ctx c)
{
	return c == CTX_REAL || c == CTX_V8086 ? 0 : (uint64_t)entry_stub;
}

const char *need_control(enum vmx_control_word w, uint32_t mask)
{
	static char why[MAX_CPUS][112];
	char *buf = why[smp_id()];

	if (vmx_may1(w, mask))
		return NULL;
	snprintf(buf, sizeof(why[0]), "%s: \"%s\" may not be 1", vmx_control_word_name(w),
		 vmx_control_name(w, mask));
	return buf;
}

/* The first of several controls that may not be 1, or NULL. */
#define NEED(w, b) do { const char *why_ = need_control(w, b); if (why_) return why_; } while (0)

uint64_t low_noncanonical(void) { return 1ull << (entry_cpu.linear_bits - 1); }
uint64_t low_canonical_top(void) { return low_noncanonical() - 1; }
uint64_t high_canonical_base(void) { return ~0ull << (entry_cpu.linear_bits - 1); }
uint64_t high_noncanonical(void) { return high_canonical_base() - 1; }

/* Plain VMREAD / VMWRITE: a context writes only fields its need says exist. */
static uint64_t rd(uint32_t f) { return vmx_read(f); }
static void wr(uint32_t f, uint64_t v) { vmx_write(f, v); }

/* Set and clear bits of a control word in the current VMCS (secondary: "activate secondary controls" too). */
static void ctl(enum vmx_control_word w, uint32_t set, uint32_t clear)
{
	static const uint32_t field[] = {
		[VMX_PINBASED] = VMCS_PIN_BASED_CONTROLS, [VMX_PROCBASED] = VMCS_PROC_BASED_CONTROLS,
		[VMX_PROCBASED2] = VMCS_SECONDARY_PROC_CONTROLS, [VMX_EXIT] = VMCS_EXIT_CONTROLS,
		[VMX_ENTRY] = VMCS_ENTRY_CONTROLS,
	};

	if (w == VMX_PROCBASED2 && set &&
	    !(rd(VMCS_PROC_BASED_CONTROLS) & CPU_ACTIVATE_SECONDARY_CONTROLS)) {
		wr(field[w], entry_cpu.allowed[w].must1);
		ctl(VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS, 0);
	}
	wr(field[w], (rd(field[w]) | set) & ~clear);
}

static void guest_seg(unsigned seg, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	wr(VMCS_GUEST_ES_SELECTOR + 2 * seg, sel);
	wr(VMCS_GUEST_ES_BASE + 2 * seg, base);
	wr(VMCS_GUEST_ES_LIMIT + 2 * seg, limit);
	wr(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * seg, ar);
}

/* EPT: the identity map, with LOW_GPA mapped to the low page (the real-mode and v8086 guests' memory). */
static void use_ept(void)
{
	if (!m.ept_built) {
		uint64_t cap = entry_cpu.ept_vpid_cap;
		unsigned shift = (cap & VMX_EPT_2MB_PAGE) ? 21 : 12;

		ept_init(&m.ept, (cap & VMX_EPT_PAGE_WALK_4) ? 4 : 5, false);
		ept_identity_map(&m.ept, ept_guest_memory_size(shift), shift);
		pt_map(&m.ept.pt, LOW_GPA, virt_to_phys(m.low), PAGE_SIZE, 12, EPT_RWX | EPT_MT_WB);
		m.ept_built = true;
	}
	ctl(VMX_PROCBASED2, CPU2_ENABLE_EPT, 0);
	wr(VMCS_EPT_POINTER, ept_eptp(&m.ept));
}

static const char *need_ept(void)
{
	NEED(VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS);
	NEED(VMX_PROCBASED2, CPU2_ENABLE_EPT);
	if (!(entry_cpu.ept_vpid_cap & VMX_EPT_MEMTYPE_WB) ||
	    !(entry_cpu.ept_vpid_cap & (VMX_EPT_PAGE_WALK_4 | VMX_EPT_PAGE_WALK_5)))
		return "IA32_VMX_EPT_VPID_CAP: no WB paging structures or no 4/5-level walk";
	return NULL;
}

/* A guest that is not IA-32e mode: "IA-32e mode guest" 0 and, where loaded, EFER.LMA = LME = 0. */
static void leave_ia32e(void)
{
	ctl(VMX_ENTRY, 0, ENTRY_IA32E_MODE_GUEST);
	if (rd(VMCS_ENTRY_CONTROLS) & ENTRY_LOAD_IA32_EFER)
		wr(VMCS_GUEST_IA32_EFER, rd(VMCS_GUEST_IA32_EFER) & ~(EFER_LMA | EFER_LME));
	wr(VMCS_GUEST_CR4, rd(VMCS_GUEST_CR4) & ~X86_CR4_PCIDE);
}

/*
 * Unrestricted guest at the low stub: real mode (CR0.PE=0; CS type 3,
 * which the SS.DPL rule names) or virtual-8086 mode (PE=1, RFLAGS.VM=1).
 * The host's IA32_EFER comes from "host address-space size" at the exit.
 */
static void low_guest(bool v8086)
{
	uint32_t ar = v8086 ? AR_P | AR_DPL(3) | AR_S | AR_TYPE_DATA_RWA : AR_P | AR_S | AR_TYPE_DATA_RWA;

	ctl(VMX_PROCBASED2, CPU2_UNRESTRICTED_GUEST, 0);
	use_ept();
	leave_ia32e();
	ctl(VMX_EXIT, 0, EXIT_LOAD_IA32_EFER);
	wr(VMCS_GUEST_CR0, (entry_cpu.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) | X86_CR0_ET |
	   (v8086 ? X86_CR0_PE : 0));
	wr(VMCS_CR0_READ_SHADOW, rd(VMCS_GUEST_CR0));
	wr(VMCS_GUEST_CR4, entry_cpu.cr4_fixed0);
	wr(VMCS_CR4_READ_SHADOW, entry_cpu.cr4_fixed0);
	for (unsigned seg = SEG_ES; seg <= SEG_GS; seg++)
		guest_seg(seg, LOW_SEL, LOW_GPA, 0xffff, ar);
	guest_seg(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	guest_seg(SEG_TR, rd(VMCS_GUEST_TR_SELECTOR), LOW_GPA + LOW_TSS, 0x67, AR_P | AR_TYPE_TSS_BUSY);
	wr(VMCS_GUEST_IDTR_BASE, LOW_GPA + LOW_IVT);
	wr(VMCS_GUEST_IDTR_LIMIT, 0x3ff);
	wr(VMCS_GUEST_GDTR_BASE, 0);
	wr(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	wr(VMCS_GUEST_RIP, 0);
	wr(VMCS_GUEST_RSP, LOW_STACK);
	wr(VMCS_GUEST_RFLAGS, X86_EFLAGS_FIXED | (v8086 ? X86_EFLAGS_VM : 0));
}

/* A 32-bit guest with PAE paging at the stub (27.3.1.6: its PDPTEs are checked). */
static void pae_guest(bool ept)
{
	uint64_t *pdpt = m.pdpt;

	for (unsigned i = 0; i < 4; i++)	/* four present PDPTEs, each a page directory of 2 MiB leaves */
		pdpt[i] = virt_to_phys((uint64_t *)m.pd + 512 * i) | PT_P;
	if (ept)
		use_ept();
	leave_ia32e();
	wr(VMCS_GUEST_CR0, entry_cpu.cr0_fixed0 | X86_CR0_ET);
	wr(VMCS_CR0_READ_SHADOW, rd(VMCS_GUEST_CR0));
	wr(VMCS_GUEST_CR4, entry_cpu.cr4_fixed0 | X86_CR4_PAE);
	wr(VMCS_CR4_READ_SHADOW, rd(VMCS_GUEST_CR4));
	wr(VMCS_GUEST_CR3, virt_to_phys(pdpt));
	if (ept)	/* the PDPTE fields exist with EPT (25.4.2) */
		for (unsigned i = 0; i < 4; i++)
			wr(VMCS_GUEST_PDPTE0 + 2 * i, pdpt[i]);
	guest_seg(SEG_CS, KERNEL_CS32, 0, 0xffffffff, AR_G | AR_DB | AR_P | AR_S | AR_TYPE_CODE_XRA);
	for (unsigned seg = SEG_ES; seg <= SEG_GS; seg++)
		if (seg != SEG_CS)
			guest_seg(seg, KERNEL_DS, 0, 0xffffffff, AR_G | AR_DB | AR_P | AR_S | AR_TYPE_DATA_RWA);
	wr(VMCS_GUEST_RIP, (uint64_t)entry_stub);
}

static void event(uint32_t info, uint32_t len)
{
	wr(VMCS_ENTRY_INTR_INFO, info);
	wr(VMCS_ENTRY_INSTRUCTION_LEN, len);
	wr(VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

/* The contexts: each is its parent's state and a few writes (apply), where `need` allows. */
#define C(name) static void apply_##name(void)
C(secondary) { ctl(VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS, 0);
	       wr(VMCS_SECONDARY_PROC_CONTROLS, entry_cpu.allowed[VMX_PROCBASED2].must1); }
C(tertiary) { wr(VMCS_TERTIARY_PROC_CONTROLS, 0); ctl(VMX_PROCBASED, CPU_ACTIVATE_TERTIARY_CONTROLS, 0); }
C(exit2) { wr(VMCS_SECONDARY_EXIT_CONTROLS, 0); ctl(VMX_EXIT, EXIT_ACTIVATE_SECONDARY_CONTROLS, 0); }
C(io_bitmaps) { wr(VMCS_IO_BITMAP_A_ADDR, virt_to_phys(m.io_a)); wr(VMCS_IO_BITMAP_B_ADDR, virt_to_phys(m.io_b));
		ctl(VMX_PROCBASED, CPU_USE_IO_BITMAPS, CPU_UNCONDITIONAL_IO_EXITING); }
C(msr_bitmaps) { wr(VMCS_MSR_BITMAPS_ADDR, virt_to_phys(m.msr_bitmap)); ctl(VMX_PROCBASED, CPU_USE_MSR_BITMAPS, 0); }
C(tpr) { ((volatile uint8_t *)m.vapic)[APIC_VTPR] = VTPR_VALUE;
	 wr(VMCS_VIRTUAL_APIC_ADDR, virt_to_phys(m.vapic)); wr(VMCS_TPR_THRESHOLD, 0);
	 ctl(VMX_PROCBASED, CPU_USE_TPR_SHADOW, CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING);
	 ctl(VMX_PINBASED, 0, PIN_EXTERNAL_INTERRUPT_EXITING); }
C(extint) { ctl(VMX_PINBASED, PIN_EXTERNAL_INTERRUPT_EXITING, 0); }
C(vid) { for (unsigned i = 0; i < 4; i++)
		 wr(VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
	 wr(VMCS_GUEST_INTERRUPT_STATUS, 0); ctl(VMX_PROCBASED2, CPU2_VIRTUAL_INTERRUPT_DELIVERY, 0); }
C(posted) { wr(VMCS_POSTED_INTR_NOTIFICATION_VECTOR, POSTED_VECTOR);
	    wr(VMCS_POSTED_INTR_DESC_ADDR, virt_to_phys(m.pid));
	    ctl(VMX_EXIT, EXIT_ACK_INTERRUPT_ON_EXIT, 0); ctl(VMX_PINBASED, PIN_POSTED_INTERRUPTS, 0); }
C(apic_access) { wr(VMCS_APIC_ACCESS_ADDR, virt_to_phys(m.apic_access));
		 ctl(VMX_PROCBASED2, CPU2_VIRTUALIZE_APIC_ACCESSES, 0); }
C(vnmi) { ctl(VMX_PINBASED, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS, 0); }
C(ept) { use_ept(); }
C(vpid) { wr(VMCS_VPID, 1); ctl(VMX_PROCBASED2, CPU2_ENABLE_VPID, 0); }
C(pml) { wr(VMCS_PML_ADDR, virt_to_phys(m.pml)); wr(VMCS_PML_INDEX, 511); ctl(VMX_PROCBASED2, CPU2_ENABLE_PML, 0); }
C(mbec) { ctl(VMX_PROCBASED2, CPU2_MODE_BASED_EXECUTE_CONTROL, 0); }
C(spp) { wr(VMCS_SPP_TABLE_POINTER, virt_to_phys(m.spp)); ctl(VMX_PROCBASED2, CPU2_SUB_PAGE_WRITE_PERMISSIONS, 0); }
C(pt_gpa) { wr(VMCS_GUEST_IA32_RTIT_CTL, 0); ctl(VMX_ENTRY, ENTRY_LOAD_IA32_RTIT_CTL, 0);
	    ctl(VMX_EXIT, EXIT_CLEAR_IA32_RTIT_CTL, 0); ctl(VMX_PROCBASED2, CPU2_PT_USES_GUEST_PHYSICAL, 0); }
C(vmfunc) { wr(VMCS_VM_FUNCTION_CONTROLS, 0); ctl(VMX_PROCBASED2, CPU2_ENABLE_VM_FUNCTIONS, 0); }
C(eptp_switch) { use_ept();
		 ((uint64_t *)m.eptp_list)[0] = rd(VMCS_EPT_POINTER);
		 wr(VMCS_EPTP_LIST_ADDR, virt_to_phys(m.eptp_list));
		 wr(VMCS_VM_FUNCTION_CONTROLS, VMX_VMFUNC_EPTP_SWITCHING); }
C(shadow) { wr(VMCS_VMREAD_BITMAP_ADDR, virt_to_phys(m.vmread)); wr(VMCS_VMWRITE_BITMAP_ADDR, virt_to_phys(m.vmwrite));
	    ctl(VMX_PROCBASED2, CPU2_VMCS_SHADOWING, 0); }
C(ve) { wr(VMCS_VE_INFO_ADDR, virt_to_phys(m.ve_info)); ctl(VMX_PROCBASED2, CPU2_EPT_VIOLATION_VE, 0); }
C(timer) { wr(VMCS_PREEMPTION_TIMER_VALUE, 0xffffffff); ctl(VMX_PINBASED, PIN_PREEMPTION_TIMER, 0); }
C(no_timer) { ctl(VMX_EXIT, 0, EXIT_SAVE_PREEMPTION_TIMER); ctl(VMX_PINBASED, 0, PIN_PREEMPTION_TIMER); }
static void msr_area(uint32_t addr, uint32_t count_field, void *area, unsigned n, bool values)
{
	for (unsigned i = 0; i < n; i++) {
		((uint64_t *)area)[2 * i] = area_msrs[i];
		((uint64_t *)area)[2 * i + 1] = values ? rd(area_fields[i]) : 0;
	}
	wr(addr, virt_to_phys(area));
	wr(count_field, n);
}
C(exit_msr_store) { msr_area(VMCS_EXIT_MSR_STORE_ADDR, VMCS_EXIT_MSR_STORE_COUNT, m.exit_msr_area, 2, false); }
C(exit_msr_load) { for (unsigned i = 0; i < 2; i++) {
			   ((uint64_t *)m.exit_msr_area)[2 * i] = area_msrs[0];
			   ((uint64_t *)m.exit_msr_area)[2 * i + 1] = rdmsr(area_msrs[0]);
		   }
		   wr(VMCS_EXIT_MSR_LOAD_ADDR, virt_to_phys(m.exit_msr_area)); wr(VMCS_EXIT_MSR_LOAD_COUNT, 2); }
C(entry_msr_load) { msr_area(VMCS_ENTRY_MSR_LOAD_ADDR, VMCS_ENTRY_MSR_LOAD_COUNT, m.msr_area, 3, true); }
C(event) { wr(VMCS_GUEST_IDTR_BASE, virt_to_phys(m.guest_idt)); wr(VMCS_GUEST_IDTR_LIMIT, 256 * IDT_GATE_SIZE - 1);
	   wr(VMCS_GUEST_RFLAGS, rd(VMCS_GUEST_RFLAGS) | X86_EFLAGS_IF); }
C(event_extint) { event(INTR_INFO(INTR_EXTERNAL, EVENT_VECTOR), 0); }
C(event_nmi) { event(INTR_INFO(INTR_NMI, NMI_VECTOR), 0); }
C(event_db) { event(INTR_INFO(INTR_HW_EXCEPTION, DB_VECTOR), 0); }
C(event_ud) { event(INTR_INFO(INTR_HW_EXCEPTION, UD_VECTOR), 0); }
C(event_gp) { event(INTR_INFO(INTR_HW_EXCEPTION, GP_VECTOR) | INTR_INFO_DELIVER_EC, 0); }
C(event_soft) { event(INTR_INFO(INTR_SW_INTERRUPT, EVENT_VECTOR), 2); }
C(event_priv) { event(INTR_INFO(INTR_PRIV_SW_EXCEPTION, DB_VECTOR), 1); }
C(event_swexc) { event(INTR_INFO(INTR_SW_EXCEPTION, BP_VECTOR), 1); }
C(event_mtf) { event(INTR_INFO(INTR_OTHER_EVENT, 0), 0); }
C(host_pat) { wr(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT)); ctl(VMX_EXIT, EXIT_LOAD_IA32_PAT, 0); }
C(host_efer) { wr(VMCS_HOST_IA32_EFER, entry_cpu.host_efer); ctl(VMX_EXIT, EXIT_LOAD_IA32_EFER, 0); }
C(host_cet) { wr(VMCS_HOST_IA32_S_CET, 0); wr(VMCS_HOST_SSP, 0); wr(VMCS_HOST_IA32_INTERRUPT_SSP_TABLE_ADDR, 0);
	      ctl(VMX_EXIT, EXIT_LOAD_CET_STATE, 0); }
C(guest_pat) { wr(VMCS_GUEST_IA32_PAT, rdmsr(MSR_IA32_PAT)); ctl(VMX_ENTRY, ENTRY_LOAD_IA32_PAT, 0);
	       if (vmx_may1(VMX_EXIT, EXIT_LOAD_IA32_PAT))
		       apply_host_pat(); }
C(guest_efer) { wr(VMCS_GUEST_IA32_EFER, entry_cpu.host_efer); ctl(VMX_ENTRY, ENTRY_LOAD_IA32_EFER, 0); }
C(guest_cet) { wr(VMCS_GUEST_CR0, rd(VMCS_GUEST_CR0) | X86_CR0_WP); wr(VMCS_GUEST_CR4, rd(VMCS_GUEST_CR4) | X86_CR4_CET); }
C(segs) { for (unsigned seg = SEG_ES; seg <= SEG_GS; seg++)
		  if (seg != SEG_CS && seg != SEG_SS)
			  guest_seg(seg, KERNEL_DS, 0, 0xffffffff, AR_G | AR_DB | AR_P | AR_S | AR_TYPE_DATA_RWA); }
C(ds_code) { wr(VMCS_GUEST_DS_ACCESS_RIGHTS, AR_G | AR_DB | AR_P | AR_S | AR_TYPE_CODE_XRA); }
C(ldtr) { guest_seg(SEG_LDTR, 0, 0, 0x7, AR_P | AR_TYPE_LDT); }
C(debug_ctls) { wr(VMCS_GUEST_DR7, DR7_FIXED); wr(VMCS_GUEST_IA32_DEBUGCTL, 0);
		ctl(VMX_ENTRY, ENTRY_LOAD_DEBUG_CONTROLS, 0); }
C(conforming) { wr(VMCS_GUEST_CS_ACCESS_RIGHTS, (rd(VMCS_GUEST_CS_ACCESS_RIGHTS) & ~AR_TYPE_MASK) |
		   AR_TYPE_CODE_XRA_CONFORMING); }
C(ug64) { ctl(VMX_PROCBASED2, CPU2_UNRESTRICTED_GUEST, 0); }
C(real) { low_guest(false); }
C(v8086) { low_guest(true); }
C(pae) { pae_guest(false); }
C(pae_ept) { pae_guest(true); }
C(hlt_cpl3_ready) { use_ept(); apply_ug64(); apply_conforming(); }
C(hlt) { apply_timer(); wr(VMCS_PREEMPTION_TIMER_VALUE, 0); wr(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_HLT); }
C(rflags_if) { wr(VMCS_GUEST_RFLAGS, rd(VMCS_GUEST_RFLAGS) | X86_EFLAGS_IF); }
C(sti) { apply_rflags_if(); wr(VMCS_GUEST_INTERRUPTIBILITY_STATE, INTR_BLOCKING_STI); }
C(sti_tf) { wr(VMCS_GUEST_RFLAGS, rd(VMCS_GUEST_RFLAGS) | X86_EFLAGS_TF);
	    wr(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, PENDING_DBG_BS); }
C(link) { *(uint32_t *)m.link = vmx_basic_revision(entry_cpu.basic); wr(VMCS_LINK_POINTER, virt_to_phys(m.link)); }
C(shadow_link) { *(uint32_t *)m.link = vmx_basic_revision(entry_cpu.basic) | VMX_SHADOW_VMCS_INDICATOR;
		 wr(VMCS_LINK_POINTER, virt_to_phys(m.link)); }
#undef C

#define N(name, w, bit) static const char *need_##name(void) { return need_control(w, bit); }
N(secondary, VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS)
N(tertiary, VMX_PROCBASED, CPU_ACTIVATE_TERTIARY_CONTROLS)
N(exit2, VMX_EXIT, EXIT_ACTIVATE_SECONDARY_CONTROLS)
N(io_bitmaps, VMX_PROCBASED, CPU_USE_IO_BITMAPS)
N(msr_bitmaps, VMX_PROCBASED, CPU_USE_MSR_BITMAPS)
N(tpr, VMX_PROCBASED, CPU_USE_TPR_SHADOW)
N(extint, VMX_PINBASED, PIN_EXTERNAL_INTERRUPT_EXITING)
N(vid, VMX_PROCBASED2, CPU2_VIRTUAL_INTERRUPT_DELIVERY)
N(posted, VMX_PINBASED, PIN_POSTED_INTERRUPTS)
N(apic_access, VMX_PROCBASED2, CPU2_VIRTUALIZE_APIC_ACCESSES)
N(vnmi, VMX_PINBASED, PIN_VIRTUAL_NMIS)
N(vpid, VMX_PROCBASED2, CPU2_ENABLE_VPID)
N(pml, VMX_PROCBASED2, CPU2_ENABLE_PML)
N(mbec, VMX_PROCBASED2, CPU2_MODE_BASED_EXECUTE_CONTROL)
N(spp, VMX_PROCBASED2, CPU2_SUB_PAGE_WRITE_PERMISSIONS)
N(vmfunc, VMX_PROCBASED2, CPU2_ENABLE_VM_FUNCTIONS)
N(shadow, VMX_PROCBASED2, CPU2_VMCS_SHADOWING)
N(ve, VMX_PROCBASED2, CPU2_EPT_VIOLATION_VE)
N(timer, VMX_PINBASED, PIN_PREEMPTION_TIMER)
N(mtf, VMX_PROCBASED, CPU_MONITOR_TRAP_FLAG)
N(host_pat, VMX_EXIT, EXIT_LOAD_IA32_PAT)
N(host_efer, VMX_EXIT, EXIT_LOAD_IA32_EFER)
N(host_cet, VMX_EXIT, EXIT_LOAD_CET_STATE)
N(guest_pat, VMX_ENTRY, ENTRY_LOAD_IA32_PAT)
N(guest_efer, VMX_ENTRY, ENTRY_LOAD_IA32_EFER)
N(ug64, VMX_PROCBASED2, CPU2_UNRESTRICTED_GUEST)
N(debug_ctls, VMX_ENTRY, ENTRY_LOAD_DEBUG_CONTROLS)
#undef N
static const char *need_pt_gpa(void)
{
	NEED(VMX_ENTRY, ENTRY_LOAD_IA32_RTIT_CTL);
	NEED(VMX_EXIT, EXIT_CLEAR_IA32_RTIT_CTL);
	return need_control(VMX_PROCBASED2, CPU2_PT_USES_GUEST_PHYSICAL);
}
static const char *need_eptp_switch(void)
{
	const char *why = need_ept();

	if (why)
		return why;
	return (entry_cpu.vmfunc & VMX_VMFUNC_EPTP_SWITCHING) ? NULL : "IA32_VMX_VMFUNC[0] (EPTP switching) is 0";
}
static const char *need_guest_cet(void)
{
	if (!(entry_cpu.cr4_fixed1 & X86_CR4_CET))
		return "IA32_VMX_CR4_FIXED1[23] (CR4.CET) is 0";
	return NULL;
}
static const char *need_ug_ept(void)
{
	const char *why = need_ept();

	return why ? why : need_ug64();
}
/* HLT, woken by a VMX-preemption timer of 0 (27.7.4). */
static const char *need_hlt(void)
{
	if (!(entry_cpu.misc & VMX_MISC_ACTIVITY_HLT))
		return "IA32_VMX_MISC[6] (activity state HLT) is 0";
	return need_timer();
}

const char *need_secondary_field(void) { return need_secondary(); }

static const struct ctx_def {
	const char *name;
	uint8_t parent;
	const char *(*need)(void);
	void (*apply)(void);
	struct outcome expect;
	/* An environment that at times drops the event this context injects (run.c: lost_event_erratum). */
	const char *erratum;
} ctxs[NR_CTX] = {
	[CTX_BASE] = { "base", CTX_SAME, NULL, NULL, ENTERS },
#define D(c, nm, par, nd, fn, ex) [c] = { nm, par, nd, fn, ex }
	D(CTX_SECONDARY, "secondary", CTX_BASE, need_secondary, apply_secondary, ENTERS),
	D(CTX_TERTIARY, "tertiary", CTX_BASE, need_tertiary, apply_tertiary, ENTERS),
	D(CTX_EXIT2, "secondary-exit", CTX_BASE, need_exit2, apply_exit2, ENTERS),
	D(CTX_IO_BITMAPS, "io-bitmaps", CTX_BASE, need_io_bitmaps, apply_io_bitmaps, ENTERS),
	D(CTX_MSR_BITMAPS, "msr-bitmaps", CTX_BASE, need_msr_bitmaps, apply_msr_bitmaps, ENTERS),
	D(CTX_TPR, "tpr-shadow", CTX_SECONDARY, need_tpr, apply_tpr, ENTERS),
	D(CTX_EXTINT, "external-interrupt-exiting", CTX_SECONDARY, need_extint, apply_extint, ENTERS),
	D(CTX_TPR_EXTINT, "tpr-shadow-extint", CTX_TPR, need_extint, apply_extint, ENTERS),
	D(CTX_VID, "virtual-interrupt-delivery", CTX_TPR_EXTINT, need_vid, apply_vid, ENTERS),
	D(CTX_POSTED, "posted-interrupts", CTX_VID, need_posted, apply_posted, ENTERS),
	D(CTX_APIC_ACCESS, "apic-access", CTX_SECONDARY, need_apic_access, apply_apic_access, ENTERS),
	D(CTX_TPR_APIC_ACCESS, "tpr-shadow-apic-access", CTX_APIC_ACCESS, need_tpr, apply_tpr, ENTERS),
	D(CTX_VNMI, "virtual-nmis", CTX_BASE, need_vnmi, apply_vnmi, ENTERS),
	D(CTX_EPT, "ept", CTX_BASE, need_ept, apply_ept, ENTERS),
	D(CTX_VPID, "vpid", CTX_SECONDARY, need_vpid, apply_vpid, ENTERS),
	D(CTX_PML, "pml", CTX_EPT, need_pml, apply_pml, ENTERS),
	D(CTX_MBEC, "mode-based-execute", CTX_EPT, need_mbec, apply_mbec, ENTERS),
	D(CTX_SPP, "sub-page-write", CTX_EPT, need_spp, apply_spp, ENTERS),
	D(CTX_PT_GPA, "pt-guest-physical", CTX_EPT, need_pt_gpa, apply_pt_gpa, ENTERS),
	D(CTX_VMFUNC, "vm-functions", CTX_SECONDARY, need_vmfunc, apply_vmfunc, ENTERS),
	D(CTX_EPTP_SWITCH, "eptp-switching", CTX_VMFUNC, need_eptp_switch, apply_eptp_switch, ENTERS),
	D(CTX_SHADOW, "vmcs-shadowing", CTX_SECONDARY, need_shadow, apply_shadow, ENTERS),
	D(CTX_VE, "ept-violation-ve", CTX_EPT, need_ve, apply_ve, ENTERS),
	D(CTX_TIMER, "preemption-timer", CTX_BASE, need_timer, apply_timer, ENTERS),
	D(CTX_NO_TIMER, "no-preemption-timer", CTX_BASE, NULL, apply_no_timer, ENTERS),
	D(CTX_EXIT_MSR_STORE, "exit-msr-store", CTX_BASE, NULL, apply_exit_msr_store, ENTERS),
	D(CTX_EXIT_MSR_LOAD, "exit-msr-load", CTX_BASE, NULL, apply_exit_msr_load, ENTERS),
	D(CTX_ENTRY_MSR_LOAD, "entry-msr-load", CTX_BASE, NULL, apply_entry_msr_load, ENTERS),
	D(CTX_EVENT, "guest-idt", CTX_BASE, NULL, apply_event, ENTERS),
	D(CTX_EVENT_EXTINT, "inject-external-interrupt", CTX_EVENT, NULL, apply_event_extint, ENTERS_STUB),
	D(CTX_EVENT_NMI, "inject-nmi", CTX_EVENT, NULL, apply_event_nmi, ENTERS_STUB),
	D(CTX_EVENT_NMI_VNMI, "inject-nmi-virtual-nmis", CTX_EVENT_NMI, need_vnmi, apply_vnmi, ENTERS_STUB),
	D(CTX_EVENT_DB, "inject-db", CTX_EVENT, NULL, apply_event_db, ENTERS_STUB),
	D(CTX_EVENT_UD, "inject-ud", CTX_EVENT, NULL, apply_event_ud, ENTERS_STUB),
	D(CTX_EVENT_GP, "inject-gp", CTX_EVENT, NULL, apply_event_gp, ENTERS_STUB),
	D(CTX_EVENT_SOFT, "inject-software-interrupt", CTX_EVENT, NULL, apply_event_soft, ENTERS_STUB),
	[CTX_EVENT_PRIV] = { "inject-privileged-software-exception", CTX_EVENT, NULL, apply_event_priv, ENTERS_STUB,
			     "qemu-kvm-vmx-priv-sw-exception-lost" },
	D(CTX_EVENT_SWEXC, "inject-software-exception", CTX_EVENT, NULL, apply_event_swexc, ENTERS_STUB),
	D(CTX_EVENT_MTF, "inject-mtf", CTX_EVENT, need_mtf, apply_event_mtf, ENTERS_EXIT(VMX_EXIT_MONITOR_TRAP_FLAG)),
	D(CTX_HOST_PAT, "host-pat", CTX_BASE, need_host_pat, apply_host_pat, ENTERS),
	D(CTX_HOST_EFER, "host-efer", CTX_BASE, need_host_efer, apply_host_efer, ENTERS),
	D(CTX_HOST_CET, "host-cet", CTX_BASE, need_host_cet, apply_host_cet, ENTERS),
	D(CTX_GUEST_PAT, "guest-pat", CTX_BASE, need_guest_pat, apply_guest_pat, ENTERS),
	D(CTX_GUEST_EFER, "guest-efer", CTX_BASE, need_guest_efer, apply_guest_efer, ENTERS),
	D(CTX_GUEST_CET, "guest-cr4-cet", CTX_BASE, need_guest_cet, apply_guest_cet, ENTERS),
	D(CTX_DEBUG_CTLS, "load-debug-controls", CTX_BASE, need_debug_ctls, apply_debug_ctls, ENTERS),
	D(CTX_SEGS, "usable-segments", CTX_BASE, NULL, apply_segs, ENTERS),
	D(CTX_DS_CODE, "ds-code-segment", CTX_SEGS, NULL, apply_ds_code, ENTERS),
	D(CTX_LDTR, "usable-ldtr", CTX_SEGS, NULL, apply_ldtr, ENTERS),
	D(CTX_CONFORMING, "conforming-cs", CTX_SEGS, NULL, apply_conforming, ENTERS),
	D(CTX_UG64, "unrestricted-64", CTX_EPT, need_ug64, apply_ug64, ENTERS),
	D(CTX_REAL, "real-mode", CTX_UG64, NULL, apply_real, ENTERS_STUB),
	D(CTX_V8086, "virtual-8086", CTX_UG64, NULL, apply_v8086, ENTERS_STUB),
	D(CTX_PAE, "pae", CTX_BASE, NULL, apply_pae, ENTERS_STUB),
	D(CTX_PAE_EPT, "pae-ept", CTX_EPT, NULL, apply_pae_ept, ENTERS_STUB),
	D(CTX_HLT, "hlt", CTX_BASE, need_hlt, apply_hlt, ENTERS_EXIT(VMX_EXIT_PREEMPTION_TIMER)),
	D(CTX_HLT_IF, "hlt-if", CTX_HLT, NULL, apply_rflags_if, ENTERS_EXIT(VMX_EXIT_PREEMPTION_TIMER)),
	D(CTX_HLT_CPL3_READY, "hlt-unrestricted-conforming", CTX_HLT, need_ug_ept, apply_hlt_cpl3_ready,
	  ENTERS_EXIT(VMX_EXIT_PREEMPTION_TIMER)),
	D(CTX_STI, "sti-blocking", CTX_BASE, NULL, apply_sti, ENTERS),
	D(CTX_STI_TF, "sti-blocking-tf", CTX_STI, NULL, apply_sti_tf, ENTERS_EXIT_VECTOR(VMX_EXIT_EXCEPTION_NMI, DB_VECTOR)),
	D(CTX_LINK, "vmcs-link", CTX_BASE, NULL, apply_link, ENTERS),
	D(CTX_SHADOW_LINK, "shadow-vmcs-link", CTX_SHADOW, NULL, apply_shadow_link, ENTERS),
#undef D
};

const char *entry_ctx_name(enum entry_ctx c)
{
	return c < NR_CTX && ctxs[c].name ? ctxs[c].name : "?";
}

/* A context needs what its ancestors need (EPT for every context below CTX_EPT, ...). */
const char *entry_ctx_need(enum entry_ctx c)
{
	for (; c != CTX_SAME && c < NR_CTX; c = ctxs[c].parent) {
		const char *why = ctxs[c].need ? ctxs[c].need() : NULL;
		if (why)
			return why;
	}
	return NULL;
}

struct outcome entry_ctx_expect(enum entry_ctx c)
{
	return ctxs[c].expect;
}

const char *entry_ctx_erratum(enum entry_ctx c)
{
	return c < NR_CTX ? ctxs[c].erratum : NULL;
}

void entry_ctx_apply(enum entry_ctx c)
{
	if (c == CTX_SAME || c >= NR_CTX)
		return;
	entry_ctx_apply(ctxs[c].parent);
	if (ctxs[c].apply)
		ctxs[c].apply();
}

bool entry_ctx_alloc(void)
{
	void **pages[] = {
		&m.io_a, &m.io_b, &m.msr_bitmap, &m.vapic, &m.apic_access, &m.pml, &m.eptp_list, &m.vmread,
		&m.vmwrite, &m.ve_info, &m.spp, &m.link, &m.msr_area, &m.exit_msr_area, &m.guest_idt, &m.low,
		&m.pdpt, &m.pid,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++)
		*pages[i] = alloc_page();
	m.pd = alloc_pages(2);			/* four page directories: 4 GiB of 2 MiB pages */
	memset(m.vmread, 0xff, PAGE_SIZE);	/* every VMREAD / VMWRITE of the guest exits */
	memset(m.vmwrite, 0xff, PAGE_SIZE);
	for (unsigned v = 0; v < 256; v++)
		idt_set_gate(m.guest_idt, v, entry_stub, 0, 0);
	/* The low page: the stub at 0, an IVT of 256 entries LOW_SEL:0, a TSS. */
	memcpy(m.low, stub_bytes, sizeof(stub_bytes));
	for (unsigned v = 0; v < 256; v++)
		((uint32_t *)((char *)m.low + LOW_IVT))[v] = (uint32_t)LOW_SEL << 16;
	/* PAE: four page directories of 2 MiB leaves, identity (the PDPTEs: pae_guest). */
	for (unsigned j = 0; j < 4 * 512; j++)
		((uint64_t *)m.pd)[j] = ((uint64_t)j << 21) | PT_P | PT_W | PT_PS;
	m.ept_built = false;
	return true;
}

void entry_ctx_free(void)
{
	void *pages[] = {
		m.io_a, m.io_b, m.msr_bitmap, m.vapic, m.apic_access, m.pml, m.eptp_list, m.vmread,
		m.vmwrite, m.ve_info, m.spp, m.link, m.msr_area, m.exit_msr_area, m.guest_idt, m.low, m.pdpt, m.pid,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++)
		free_page(pages[i]);
	free_pages(m.pd, 2);
	if (m.ept_built)
		pt_destroy(&m.ept.pt);
	m.ept_built = false;
}

uint64_t entry_read(uint32_t field)
{
	switch (field) {
	case MEM_VTPR: return ((volatile uint8_t *)m.vapic)[APIC_VTPR];
	case MEM_LINK_REVISION: return *(volatile uint32_t *)m.link;
	case MEM_PDPTE3: return ((volatile uint64_t *)m.pdpt)[3];
	case MEM_MSR0_INDEX: case MEM_MSR1_INDEX: case MEM_MSR2_INDEX:
		return ((volatile uint64_t *)m.msr_area)[2 * (field - MEM_MSR0_INDEX)];
	case MEM_MSR2_VALUE: return ((volatile uint64_t *)m.msr_area)[5];
	default: return rd(field);
	}
}

void entry_write(uint32_t field, uint64_t v)
{
	switch (field) {
	case MEM_VTPR: ((volatile uint8_t *)m.vapic)[APIC_VTPR] = (uint8_t)v; break;
	case MEM_LINK_REVISION: *(volatile uint32_t *)m.link = (uint32_t)v; break;
	case MEM_PDPTE3: ((volatile uint64_t *)m.pdpt)[3] = v; break;
	case MEM_MSR0_INDEX: case MEM_MSR1_INDEX: case MEM_MSR2_INDEX:
		((volatile uint64_t *)m.msr_area)[2 * (field - MEM_MSR0_INDEX)] = v;
		break;
	case MEM_MSR2_VALUE: ((volatile uint64_t *)m.msr_area)[5] = v; break;
	default: wr(field, v); break;
	}
}

const char *entry_field_name(uint32_t field)
{
	switch (field) {
	case MEM_VTPR: return "VTPR (virtual-APIC page byte 0x80)";
	case MEM_LINK_REVISION: return "revision of the VMCS the link pointer points to";
	case MEM_PDPTE3: return "PDPTE 3 in the page CR3 points to";
	case MEM_MSR0_INDEX: return "VM-entry MSR-load entry 1, bits 63:0";
	case MEM_MSR1_INDEX: return "VM-entry MSR-load entry 2, bits 63:0";
	case MEM_MSR2_INDEX: return "VM-entry MSR-load entry 3, bits 63:0";
	case MEM_MSR2_VALUE: return "VM-entry MSR-load entry 3, bits 127:64";
	default: return vmcs_field_name(field);
	}
}
