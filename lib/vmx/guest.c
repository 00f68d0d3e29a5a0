/* The VMX guest harness (see guest.h). */
#include "guest.h"
#include "caps.h"
#include "cpuid.h"
#include "desc.h"
#include "libc.h"
#include "mem.h"
#include "report.h"
#include "vmxon.h"

/* The offsets entry.S uses. */
_Static_assert(offsetof(struct vmx_guest, gprs.rax) == 0x00, "entry.S G_RAX");
_Static_assert(offsetof(struct vmx_guest, gprs.r15) == 0x70, "entry.S G_R15");
_Static_assert(offsetof(struct vmx_guest, exit.reason) == 0x78, "entry.S G_REASON");
_Static_assert(offsetof(struct vmx_guest, exit.guest_rip) == 0x80, "entry.S G_RIP");
_Static_assert(offsetof(struct vmx_guest, exits) == 0xa0, "entry.S G_EXITS");
_Static_assert(offsetof(struct vmx_guest, launched) == 0xa8, "entry.S G_LAUNCHED");
_Static_assert(offsetof(struct vmx_exit_page, counts) == HV_EXIT_PAGE_COUNTS && HV_EXIT_PAGE_COUNTS == 0x800,
	       "entry.S EP_COUNTS");
_Static_assert(HV_EXIT_DIRECT_SLOTS == 0x100, "entry.S indexes the table with the reason's low byte");
_Static_assert(sizeof(struct vmx_exit_page) == PAGE_SIZE, "one page");

uint64_t vmx_run_asm(struct vmx_guest *g);
extern const char vmx_exit_point[];

/* Where every guest starts: RDI = arg, RSI = fn; when fn returns, the VMCALL at vmx_guest_done_rip. */
void vmx_guest_entry(void);
asm(".text\n"
    ".globl vmx_guest_entry, vmx_guest_done_rip\n"
    "vmx_guest_entry:\n\t"
    "call *%rsi\n"
    "vmx_guest_done_rip:\n\t"
    "vmcall\n\t"
    "ud2\n");

#define GUEST_STACK_ORDER	1
/* 25.6.8: the posted-interrupt notification vector of the valid state (any vector, bits 15:8 zero). */
#define VALID_POSTED_INTR_VECTOR	0xf2
/* 25.6.5: the TSC multiplier 1.0 (bits 63:48 integer part). */
#define TSC_MULTIPLIER_ONE	(1ull << 48)
/* 25.4.1: DR7 after reset; RFLAGS bit 1 is always 1 (27.3.1.4). */
#define DR7_INIT		0x400ull
#define RFLAGS_FIXED1		0x2ull
/* 25.4.2: activity state "active", no blocking, no pending debug exceptions. */
#define ACTIVITY_ACTIVE		0
/* 27.3.1.5: the VMCS link pointer when no shadow VMCS is linked. */
#define LINK_POINTER_NONE	(~0ull)
/* 27.3.1.2: an unusable segment has access-rights bit 16 set. */
#define AR_UNUSABLE		(1u << 16)
#define MSR_IA32_PERF_GLOBAL_CTRL	0x38f

/* The run's bound: the VMX-preemption timer counts down every 2^MISC[4:0] TSC ticks (25.5.1). */
static uint32_t bound_timer_ticks(void)
{
	unsigned rate = vmx_this_cap(MSR_IA32_VMX_MISC) & VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	uint64_t ticks = hv_bound_tsc() >> rate;

	return ticks > 0xffffffffu ? 0xffffffffu : ticks ? (uint32_t)ticks : 1;
}

static bool stop_guest(struct vmx_guest *g)
{
	g->stopped = true;
	g->exit.reason = VMX_GUEST_STOPPED;
	return false;
}

/* The preemption timer ran out: the guest made no exit of its own for the bound. */
static bool bound_expired(struct vmx_guest *g)
{
	return stop_guest(g);
}

/* The watchdog's interrupt (external-interrupt exiting): taken by the host, then the bound is judged. */
static bool watchdog_exit(struct vmx_guest *g)
{
	hv_take_pending_interrupts();
	if (!hv_watchdog_expired(&g->watch, hv_exits_except(g->exits->counts, VMX_EXIT_EXTERNAL_INTERRUPT)))
		return true;
	return stop_guest(g);
}

/* A slot without a handler of its own: the run ends at the exit. */
static bool end_run(struct vmx_guest *g)
{
	return false;
}

void vmx_guest_set_fn(struct vmx_guest *g, hv_guest_fn *fn, void *arg)
{
	g->fn = fn;
	g->arg = arg;
}

void vmx_guest_free(struct vmx_guest *g)
{
	if (g->vmcs)
		vmclear(virt_to_phys(g->vmcs));
	for (unsigned i = 0; i < VMX_NR_GUEST_PAGES; i++)
		if (g->pages[i])
			free_page(g->pages[i]);
	if (g->vmcs)
		free_page(g->vmcs);
	if (g->stack)
		free_pages(g->stack, GUEST_STACK_ORDER);
	if (g->exits) {
		hv_exit_counts_add(g->cpu, g->exits->counts);
		free_page(g->exits);
	}
	memset(g, 0, sizeof(*g));
}

bool vmx_guest_create(struct vmx_guest *g, hv_guest_fn *fn, void *arg)
{
	const struct vmx_caps *caps = vmx_this_caps();
	bool ok;

	memset(g, 0, sizeof(*g));
	g->cpu = smp_id();
	g->vmcs = alloc_pages_try(0);
	g->stack = alloc_pages_try(GUEST_STACK_ORDER);
	g->exits = alloc_pages_try(0);
	if (g->exits) {
		memset(g->exits->counts, 0, sizeof(g->exits->counts));
		for (unsigned i = 0; i < HV_EXIT_DIRECT_SLOTS; i++)
			g->exits->handlers[i] = end_run;
	}
	ok = g->vmcs && g->stack && g->exits;
	for (unsigned i = 0; i < VMX_NR_GUEST_PAGES; i++)
		ok &= (g->pages[i] = alloc_pages_try(0)) != NULL;
	if (!ok) {
		report(false, "guest create on cpu%u: out of memory for the VMCS, stack and %u pages "
		       "(%llu KiB free)", g->cpu, VMX_NR_GUEST_PAGES,
		       (unsigned long long)mem_free_bytes() / 1024);
		vmx_guest_free(g);
		return false;
	}
	*(uint32_t *)g->vmcs = vmx_basic_revision(vmx_cap(caps, MSR_IA32_VMX_BASIC));
	for (unsigned i = 0; i < VMX_NR_GUEST_PAGES; i++)
		memset(g->pages[i], 0, PAGE_SIZE);	/* bitmaps that intercept nothing, empty areas */

	for (unsigned w = 0; w < VMX_PROCBASED3; w++)
		g->ctl[w] = vmx_allowed(caps, w).must1;
	g->ctl[VMX_EXIT] |= EXIT_HOST_ADDRESS_SPACE_SIZE;
	g->ctl[VMX_ENTRY] |= ENTRY_IA32E_MODE_GUEST;
	if (vmx_may1(VMX_EXIT, EXIT_LOAD_IA32_EFER))
		g->ctl[VMX_EXIT] |= EXIT_LOAD_IA32_EFER;
	if (vmx_may1(VMX_ENTRY, ENTRY_LOAD_IA32_EFER))
		g->ctl[VMX_ENTRY] |= ENTRY_LOAD_IA32_EFER;
	if (vmx_may1(VMX_PINBASED, PIN_PREEMPTION_TIMER)) {
		g->ctl[VMX_PINBASED] |= PIN_PREEMPTION_TIMER;
		g->preemption_timer = bound_timer_ticks();
		g->exits->handlers[VMX_EXIT_PREEMPTION_TIMER] = bound_expired;
	} else {
		g->ctl[VMX_PINBASED] |= PIN_EXTERNAL_INTERRUPT_EXITING;
	}
	g->exits->handlers[VMX_EXIT_EXTERNAL_INTERRUPT] = watchdog_exit;
	g->vpid = 1;
	vmx_guest_set_fn(g, fn, arg);
	return true;
}

void vmx_guest_on_exit(struct vmx_guest *g, unsigned basic_reason, vmx_exit_fn *fn)
{
	g->exits->handlers[basic_reason % HV_EXIT_DIRECT_SLOTS] = fn ? fn : end_run;
}

/* Field writes of a load: plain VMWRITEs, the first failure kept for one message. */
struct loader {
	uint32_t field;		/* the first field that failed, 0 if none */
	uint64_t val;
	struct hv_result r;
	const struct vmx_allowed *allowed;	/* this CPU's, by control word (vmx_this_allowed) */
};

/* May the control `mask` of word w be 1 on this CPU (vmx_may1, without the lookup per field)? */
static bool may1(const struct loader *l, enum vmx_control_word w, uint32_t mask)
{
	return l->allowed[w].may1 & mask;
}

/* A VMWRITE of the load failed: write it again to tell VMfailInvalid from VMfailValid; keep the first. */
static __attribute__((noinline, cold)) void put_failed(struct loader *l, uint32_t field, uint64_t val)
{
	bool cf, zf;

	asm volatile("vmwrite %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "rm"(val), "r"((uint64_t)field)
		     : "memory");
	if (!l->field) {
		l->field = field;
		l->val = val;
		l->r = vmx_outcome(HV_RESULT_OK, cf, zf);
	}
}

/* One field: VMWRITE and a branch on CF or ZF (a load writes about 150). */
static void put(struct loader *l, uint32_t field, uint64_t val)
{
	bool failed;

	asm volatile("vmwrite %1, %2" : "=@ccbe"(failed) : "rm"(val), "r"((uint64_t)field) : "memory");
	if (__builtin_expect(failed, 0))
		put_failed(l, field, val);
}

/*
 * A GDT descriptor's base, limit and access rights in the VMCS format (25.4.1,
 * Table 25-2): attributes 7:0 in 7:0, 11:8 in 15:12; the null selector is unusable.
 */
static uint32_t segment_ar(uint16_t sel, uint64_t *base, uint32_t *limit)
{
	struct segment s = desc_decode(sel);

	*base = s.base;
	*limit = s.limit;
	if (!(sel & ~7))
		return AR_UNUSABLE;
	return (uint32_t)((s.attr & 0xff) | ((s.attr & 0xf00) << 4));
}

static uint16_t read_es(void) { uint16_t s; asm volatile("mov %%es, %0" : "=r"(s)); return s; }
static uint16_t read_fs(void) { uint16_t s; asm volatile("mov %%fs, %0" : "=r"(s)); return s; }
static uint16_t read_gs(void) { uint16_t s; asm volatile("mov %%gs, %0" : "=r"(s)); return s; }

static uint64_t page_pa(const struct vmx_guest *g, enum vmx_guest_page p)
{
	return virt_to_phys(g->pages[p]);
}

/*
 * The VM-execution, VM-exit and VM-entry control fields (25.6-25.8),
 * checked by 27.2.1: every field a control may make VM entry check, valid
 * whether or not the control is set, where the field exists (Appendix B:
 * a field exists where a control that uses it may be 1).
 */
static void write_controls(struct vmx_guest *g, struct loader *l)
{
	const struct vmx_caps *caps = vmx_this_caps();
	uint64_t misc = vmx_cap(caps, MSR_IA32_VMX_MISC);
	unsigned cr3_targets = (misc & VMX_MISC_CR3_TARGETS_MASK) >> VMX_MISC_CR3_TARGETS_SHIFT;

	put(l, VMCS_PIN_BASED_CONTROLS, g->ctl[VMX_PINBASED]);
	put(l, VMCS_PROC_BASED_CONTROLS, g->ctl[VMX_PROCBASED]);
	if (may1(l, VMX_PROCBASED, CPU_ACTIVATE_SECONDARY_CONTROLS))
		put(l, VMCS_SECONDARY_PROC_CONTROLS, g->ctl[VMX_PROCBASED2]);
	if (may1(l, VMX_PROCBASED, CPU_ACTIVATE_TERTIARY_CONTROLS))
		put(l, VMCS_TERTIARY_PROC_CONTROLS, 0);
	put(l, VMCS_EXIT_CONTROLS, g->ctl[VMX_EXIT]);
	if (may1(l, VMX_EXIT, EXIT_ACTIVATE_SECONDARY_CONTROLS))
		put(l, VMCS_SECONDARY_EXIT_CONTROLS, 0);
	put(l, VMCS_ENTRY_CONTROLS, g->ctl[VMX_ENTRY]);

	put(l, VMCS_EXCEPTION_BITMAP, 0xffffffff);	/* every guest exception exits */
	put(l, VMCS_PF_ERROR_CODE_MASK, 0);
	put(l, VMCS_PF_ERROR_CODE_MATCH, 0);
	put(l, VMCS_IO_BITMAP_A_ADDR, page_pa(g, VMX_PAGE_IO_BITMAP_A));
	put(l, VMCS_IO_BITMAP_B_ADDR, page_pa(g, VMX_PAGE_IO_BITMAP_B));
	if (may1(l, VMX_PROCBASED, CPU_USE_MSR_BITMAPS))
		put(l, VMCS_MSR_BITMAPS_ADDR, page_pa(g, VMX_PAGE_MSR_BITMAP));
	put(l, VMCS_TSC_OFFSET, 0);
	put(l, VMCS_CR0_GUEST_HOST_MASK, 0);		/* the guest owns CR0 and CR4 */
	put(l, VMCS_CR4_GUEST_HOST_MASK, 0);
	put(l, VMCS_CR0_READ_SHADOW, read_cr0());
	put(l, VMCS_CR4_READ_SHADOW, read_cr4());
	put(l, VMCS_CR3_TARGET_COUNT, 0);
	for (unsigned i = 0; i < 4 && i < cr3_targets; i++)
		put(l, VMCS_CR3_TARGET_VALUE0 + 2 * i, 0);
	if (may1(l, VMX_PROCBASED, CPU_USE_TPR_SHADOW)) {
		put(l, VMCS_VIRTUAL_APIC_ADDR, page_pa(g, VMX_PAGE_VIRTUAL_APIC));
		put(l, VMCS_TPR_THRESHOLD, 0);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_VIRTUALIZE_APIC_ACCESSES))
		put(l, VMCS_APIC_ACCESS_ADDR, page_pa(g, VMX_PAGE_APIC_ACCESS));
	if (may1(l, VMX_PINBASED, PIN_POSTED_INTERRUPTS)) {
		put(l, VMCS_POSTED_INTR_NOTIFICATION_VECTOR, VALID_POSTED_INTR_VECTOR);
		put(l, VMCS_POSTED_INTR_DESC_ADDR, page_pa(g, VMX_PAGE_POSTED_INTR_DESC));
	}
	if (may1(l, VMX_PROCBASED2, CPU2_VIRTUAL_INTERRUPT_DELIVERY)) {
		for (unsigned i = 0; i < 4; i++)
			put(l, VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
		put(l, VMCS_GUEST_INTERRUPT_STATUS, 0);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_EPT))
		put(l, VMCS_EPT_POINTER, g->eptp);
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_VPID))
		put(l, VMCS_VPID, g->vpid);
	if (may1(l, VMX_PROCBASED2, CPU2_PAUSE_LOOP_EXITING)) {
		put(l, VMCS_PLE_GAP, 0);
		put(l, VMCS_PLE_WINDOW, 0);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_VM_FUNCTIONS)) {
		put(l, VMCS_VM_FUNCTION_CONTROLS, 0);
		if (vmx_cap(caps, MSR_IA32_VMX_VMFUNC) & VMX_VMFUNC_EPTP_SWITCHING)
			put(l, VMCS_EPTP_LIST_ADDR, page_pa(g, VMX_PAGE_EPTP_LIST));
	}
	if (may1(l, VMX_PROCBASED2, CPU2_VMCS_SHADOWING)) {
		put(l, VMCS_VMREAD_BITMAP_ADDR, page_pa(g, VMX_PAGE_VMREAD_BITMAP));
		put(l, VMCS_VMWRITE_BITMAP_ADDR, page_pa(g, VMX_PAGE_VMWRITE_BITMAP));
	}
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_ENCLS_EXITING))
		put(l, VMCS_ENCLS_EXITING_BITMAP, 0);
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_ENCLV_EXITING))
		put(l, VMCS_ENCLV_EXITING_BITMAP, 0);
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_PML)) {
		put(l, VMCS_PML_ADDR, page_pa(g, VMX_PAGE_PML));
		put(l, VMCS_PML_INDEX, VMX_PML_ENTRIES - 1);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_EPT_VIOLATION_VE)) {
		put(l, VMCS_VE_INFO_ADDR, page_pa(g, VMX_PAGE_VE_INFO));
		put(l, VMCS_EPTP_INDEX, 0);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_XSAVES_XRSTORS))
		put(l, VMCS_XSS_EXITING_BITMAP, 0);
	if (may1(l, VMX_PROCBASED2, CPU2_USE_TSC_SCALING))
		put(l, VMCS_TSC_MULTIPLIER, TSC_MULTIPLIER_ONE);
	if (may1(l, VMX_PROCBASED2, CPU2_INSTRUCTION_TIMEOUT))
		put(l, VMCS_INSTRUCTION_TIMEOUT_CONTROL, 0);
	put(l, VMCS_EXIT_MSR_STORE_COUNT, 0);
	put(l, VMCS_EXIT_MSR_STORE_ADDR, page_pa(g, VMX_PAGE_MSR_AREA));
	put(l, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	put(l, VMCS_EXIT_MSR_LOAD_ADDR, page_pa(g, VMX_PAGE_MSR_AREA));
	put(l, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	put(l, VMCS_ENTRY_MSR_LOAD_ADDR, page_pa(g, VMX_PAGE_MSR_AREA));
	put(l, VMCS_ENTRY_INTR_INFO, 0);		/* no event injected */
	put(l, VMCS_ENTRY_EXCEPTION_ERROR_CODE, 0);
	put(l, VMCS_ENTRY_INSTRUCTION_LEN, 0);
	if (may1(l, VMX_PINBASED, PIN_PREEMPTION_TIMER))
		put(l, VMCS_PREEMPTION_TIMER_VALUE, g->preemption_timer);
}

/* Host-state area from this CPU (25.5), checked by 27.2.2-27.2.4. */
static void write_host_state(struct loader *l)
{
	struct descriptor_table_ptr gdtr, idtr;
	uint64_t base, perf = 0;
	uint32_t limit;

	sgdt(&gdtr);
	sidt(&idtr);	/* store_idt() */
	put(l, VMCS_HOST_CR0, read_cr0());
	put(l, VMCS_HOST_CR3, read_cr3());
	put(l, VMCS_HOST_CR4, read_cr4());
	put(l, VMCS_HOST_CS_SELECTOR, read_cs());
	put(l, VMCS_HOST_SS_SELECTOR, read_ss());
	put(l, VMCS_HOST_DS_SELECTOR, read_ds());
	put(l, VMCS_HOST_ES_SELECTOR, read_es());
	put(l, VMCS_HOST_FS_SELECTOR, read_fs());
	put(l, VMCS_HOST_GS_SELECTOR, read_gs());
	put(l, VMCS_HOST_TR_SELECTOR, str());
	segment_ar(str(), &base, &limit);
	put(l, VMCS_HOST_TR_BASE, base);
	put(l, VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	put(l, VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	put(l, VMCS_HOST_GDTR_BASE, gdtr.base);
	put(l, VMCS_HOST_IDTR_BASE, idtr.base);
	put(l, VMCS_HOST_IA32_SYSENTER_CS, 0);
	put(l, VMCS_HOST_IA32_SYSENTER_ESP, 0);
	put(l, VMCS_HOST_IA32_SYSENTER_EIP, 0);
	if (may1(l, VMX_EXIT, EXIT_LOAD_IA32_EFER))
		put(l, VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	if (may1(l, VMX_EXIT, EXIT_LOAD_IA32_PAT))
		put(l, VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	if (may1(l, VMX_EXIT, EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)) {
		rdmsr_safe(MSR_IA32_PERF_GLOBAL_CTRL, &perf);
		put(l, VMCS_HOST_IA32_PERF_GLOBAL_CTRL, perf);
	}
	if (may1(l, VMX_EXIT, EXIT_LOAD_PKRS))
		put(l, VMCS_HOST_IA32_PKRS, 0);
	if (may1(l, VMX_EXIT, EXIT_LOAD_CET_STATE)) {
		put(l, VMCS_HOST_IA32_S_CET, 0);
		put(l, VMCS_HOST_SSP, 0);
		put(l, VMCS_HOST_IA32_INTERRUPT_SSP_TABLE_ADDR, 0);
	}
	put(l, VMCS_HOST_RIP, (uint64_t)vmx_exit_point);
}

static void write_guest_segment(struct loader *l, unsigned i, uint16_t sel)
{
	uint64_t base;
	uint32_t limit, ar = segment_ar(sel, &base, &limit);

	put(l, VMCS_GUEST_ES_SELECTOR + 2 * i, sel);
	put(l, VMCS_GUEST_ES_BASE + 2 * i, base);
	put(l, VMCS_GUEST_ES_LIMIT + 2 * i, limit);
	put(l, VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * i, ar);
}

/*
 * Guest-state area (25.4), checked by 27.3.1: the host's own state, a
 * stack of the guest's own, RIP at the guest entry with RDI = arg and
 * RSI = fn; active, nothing blocked or pending, no VMCS linked.
 */
static void write_guest_state(struct vmx_guest *g, struct loader *l)
{
	struct descriptor_table_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	put(l, VMCS_GUEST_CR0, read_cr0());
	put(l, VMCS_GUEST_CR3, read_cr3());
	put(l, VMCS_GUEST_CR4, read_cr4());
	put(l, VMCS_GUEST_DR7, DR7_INIT);
	write_guest_segment(l, 0, read_es());
	write_guest_segment(l, 1, read_cs());
	write_guest_segment(l, 2, read_ss());
	write_guest_segment(l, 3, read_ds());
	write_guest_segment(l, 4, read_fs());
	write_guest_segment(l, 5, read_gs());
	write_guest_segment(l, 6, 0);		/* LDTR: unusable */
	write_guest_segment(l, 7, str());
	put(l, VMCS_GUEST_FS_BASE, rdmsr(MSR_FS_BASE));
	put(l, VMCS_GUEST_GS_BASE, rdmsr(MSR_GS_BASE));
	put(l, VMCS_GUEST_GDTR_BASE, gdtr.base);
	put(l, VMCS_GUEST_GDTR_LIMIT, gdtr.limit);
	put(l, VMCS_GUEST_IDTR_BASE, idtr.base);
	put(l, VMCS_GUEST_IDTR_LIMIT, idtr.limit);
	put(l, VMCS_GUEST_RSP, (uint64_t)g->stack + (PAGE_SIZE << GUEST_STACK_ORDER));
	put(l, VMCS_GUEST_RIP, (uint64_t)vmx_guest_entry);
	/*
	 * RFLAGS.IF: clear, so that no interrupt reaches the guest (it runs on
	 * the host's IDT); set where external-interrupt exiting makes every
	 * interrupt a VM exit whatever IF says (25.6.1): Bochs 2.7 masks
	 * interrupts by the guest's IF at VM entry, which would keep the
	 * watchdog's interrupt from causing its exit.
	 */
	put(l, VMCS_GUEST_RFLAGS, RFLAGS_FIXED1 |
	    (g->ctl[VMX_PINBASED] & PIN_EXTERNAL_INTERRUPT_EXITING ? X86_EFLAGS_IF : 0));
	put(l, VMCS_GUEST_IA32_DEBUGCTL, 0);
	put(l, VMCS_GUEST_IA32_SYSENTER_CS, 0);
	put(l, VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	put(l, VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_IA32_EFER) || may1(l, VMX_EXIT, EXIT_SAVE_IA32_EFER))
		put(l, VMCS_GUEST_IA32_EFER, rdmsr(MSR_EFER));
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_IA32_PAT) || may1(l, VMX_EXIT, EXIT_SAVE_IA32_PAT))
		put(l, VMCS_GUEST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL))
		put(l, VMCS_GUEST_IA32_PERF_GLOBAL_CTRL, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_IA32_BNDCFGS) || may1(l, VMX_EXIT, EXIT_CLEAR_IA32_BNDCFGS))
		put(l, VMCS_GUEST_IA32_BNDCFGS, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_IA32_RTIT_CTL) || may1(l, VMX_EXIT, EXIT_CLEAR_IA32_RTIT_CTL))
		put(l, VMCS_GUEST_IA32_RTIT_CTL, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_GUEST_IA32_LBR_CTL) || may1(l, VMX_EXIT, EXIT_CLEAR_IA32_LBR_CTL))
		put(l, VMCS_GUEST_IA32_LBR_CTL, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_PKRS))
		put(l, VMCS_GUEST_IA32_PKRS, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_UINV))
		put(l, VMCS_GUEST_UINV, 0);
	if (may1(l, VMX_ENTRY, ENTRY_LOAD_CET_STATE)) {
		put(l, VMCS_GUEST_IA32_S_CET, 0);
		put(l, VMCS_GUEST_SSP, 0);
		put(l, VMCS_GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR, 0);
	}
	if (may1(l, VMX_PROCBASED2, CPU2_ENABLE_EPT))	/* PDPTEs: used with PAE paging under EPT */
		for (unsigned i = 0; i < 4; i++)
			put(l, VMCS_GUEST_PDPTE0 + 2 * i, 0);
	put(l, VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	put(l, VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	put(l, VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	put(l, VMCS_LINK_POINTER, LINK_POINTER_NONE);
	g->gprs = (struct vmx_gprs){ .rdi = (uint64_t)g->arg, .rsi = (uint64_t)g->fn };
}

bool vmx_guest_load(struct vmx_guest *g)
{
	char got[64];
	struct loader l = { .allowed = vmx_this_allowed() };
	struct hv_result r = vmclear(virt_to_phys(g->vmcs));

	if (hv_result_ok(r))
		r = vmptrld(virt_to_phys(g->vmcs));
	if (!hv_result_ok(r))
		return report(false, "guest load: VMCLEAR/VMPTRLD of VMCS %p: expected success, got %s",
			      g->vmcs, hv_result_str(r, got, sizeof(got)));
	g->launched = false;
	write_controls(g, &l);
	write_host_state(&l);
	write_guest_state(g, &l);
	if (l.field)
		return report(false, "guest load: VMWRITE %s (%#x) = %#llx: expected success, got %s",
			      vmcs_field_name(l.field), l.field, (unsigned long long)l.val,
			      hv_result_str(l.r, got, sizeof(got)));
	if (g->load_hook)
		g->load_hook(g);
	return true;
}

struct hv_result vmx_guest_run(struct vmx_guest *g)
{
	bool watchdog = !(g->ctl[VMX_PINBASED] & PIN_PREEMPTION_TIMER);

	g->done = g->stopped = false;
	hv_watch_reset(&g->watch);
	if (watchdog)
		hv_watchdog_start();
	hv_try_arm();
	uint64_t ended = vmx_run_asm(g);
	struct hv_result r = hv_try_result();
	if (watchdog)
		hv_watchdog_stop();
	if (!hv_result_ok(r) || ended > 1)
		return vmx_outcome(r, ended & X86_EFLAGS_CF, ended & X86_EFLAGS_ZF);
	g->done = ended == 1;
	/* A VM-entry failure leaves the VMCS not launched (27.8): VMLAUNCH again. */
	g->launched = g->stopped || !vmx_exit_reason_entry_failed(g->exit.reason);
	struct vmx_exit *e = &g->exit;
	if (!g->stopped) {
		e->instruction_len = (uint32_t)vmx_read(VMCS_EXIT_INSTRUCTION_LEN);
		e->qualification = vmx_read(VMCS_EXIT_QUALIFICATION);
		e->guest_linear = vmx_read(VMCS_GUEST_LINEAR_ADDR);
		/* The guest-physical address field exists with EPT (Appendix B). */
		e->guest_physical = vmx_may1(VMX_PROCBASED2, CPU2_ENABLE_EPT) ?
				    vmx_read(VMCS_GUEST_PHYSICAL_ADDR) : 0;
	}
	return r;
}

const char *vmx_exit_str(const struct vmx_guest *g, char *buf, unsigned size)
{
	const struct vmx_exit *e = &g->exit;
	unsigned basic = vmx_exit_reason_basic(e->reason);

	if (g->stopped)
		snprintf(buf, size, "no exit for %u ms: the guest was stopped by the harness (last at rip "
			 "%#llx)", HV_GUEST_BOUND_MS, (unsigned long long)e->guest_rip);
	else if (g->done)
		snprintf(buf, size, "the guest's end (its function returned)");
	else if (vmx_exit_reason_entry_failed(e->reason))
		snprintf(buf, size, "VM-entry failure: %s (%u), qualification %#llx",
			 vmx_exit_reason_name(basic), basic, (unsigned long long)e->qualification);
	else
		snprintf(buf, size, "%s (%u), qualification %#llx at rip %#llx",
			 vmx_exit_reason_name(basic), basic, (unsigned long long)e->qualification,
			 (unsigned long long)e->guest_rip);
	return buf;
}

bool vmx_guest_expect_at(struct report_site at, struct vmx_guest *g, unsigned expected, const char *what)
{
	char got[160];
	vmx_exit_fn **slot = &g->exits->handlers[expected % HV_EXIT_DIRECT_SLOTS];
	vmx_exit_fn *handler = *slot;

	*slot = end_run;	/* the caller takes this exit */
	struct hv_result r = vmx_guest_run(g);
	*slot = handler;
	if (!hv_result_ok(r))
		return report_at(at, false, "%s: expected a VM exit %s (%u), got %s", what,
				 vmx_exit_reason_name(expected), expected, hv_result_str(r, got, sizeof(got)));
	bool ok = !g->done && !g->stopped && g->exit.reason == expected;
	if (!ok)
		report_at(at, false, "%s: expected a VM exit %s (%u), got %s", what,
			  vmx_exit_reason_name(expected), expected, vmx_exit_str(g, got, sizeof(got)));
	if (ok && expected == VMX_EXIT_VMCALL)
		vmx_guest_skip_instruction(g);
	return ok;
}

bool vmx_guest_run_to_done_at(struct report_site at, struct vmx_guest *g, const char *what)
{
	char got[160];
	struct hv_result r = vmx_guest_run(g);

	if (!hv_result_ok(r))
		return report_at(at, false, "%s: expected the guest to run to its end, got %s", what,
				 hv_result_str(r, got, sizeof(got)));
	return report_at(at, g->done, "%s: expected the guest to run to its end (VMCALL at %p), got %s", what,
			 (void *)vmx_guest_done_rip, vmx_exit_str(g, got, sizeof(got)));
}

static const char *slot_name(unsigned slot, char *buf, size_t size)
{
	return vmx_exit_reason_name(slot);
}

unsigned long vmx_print_exit_counts(void)
{
	return hv_print_exit_counts(slot_name);
}
