/* The SVM guest harness (see guest.h). */
#include "guest.h"
#include "enable.h"
#include "insn.h"
#include "hvtest.h"

/* The offsets vmrun.S uses. */
_Static_assert(offsetof(struct svm_guest, regs.rbx) == 0x00, "vmrun.S G_RBX");
_Static_assert(offsetof(struct svm_guest, regs.r15) == 0x68, "vmrun.S G_R15");
_Static_assert(offsetof(struct svm_guest, vmcb) == 0x70, "vmrun.S G_VMCB");
_Static_assert(offsetof(struct svm_guest, exits) == 0x78, "vmrun.S G_EXITS");
_Static_assert(offsetof(struct svm_guest, host_save_pa) == 0x80, "vmrun.S G_HOST_SAVE");
_Static_assert(offsetof(struct svm_guest, switch_extra_state) == 0x88, "vmrun.S G_SWITCH");
_Static_assert(offsetof(struct svm_exit_page, counts) == HV_EXIT_PAGE_COUNTS && HV_EXIT_PAGE_COUNTS == 0x800,
	       "vmrun.S EP_COUNTS");
_Static_assert(HV_EXIT_DIRECT_SLOTS == 0x100, "vmrun.S SLOTS_DIRECT");
_Static_assert(sizeof(struct svm_exit_page) == PAGE_SIZE, "one page");
_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x70, "vmrun.S VMCB_EXIT_CODE");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "vmrun.S VMCB_RIP");

#define GUEST_STACK_ORDER	1
#define EXITS_ORDER		1	/* the exit page, then the handlers of the slots from 100h */
#define IOPM_ORDER		2	/* 12 KB used of an aligned 16 KB block */
#define MSRPM_ORDER		1
/* APM 15.5 / Table B-2: DR6 and DR7 as after reset; RFLAGS bit 1 is always 1. */
#define DR6_INIT		0xffff0ff0ull
#define DR7_INIT		0x400ull
#define RFLAGS_FIXED1		0x2ull

/* Exit slots (harness.h): 000h-0FFh as they are, 400h-4FFh from 100h, the negative codes at the top. */
#define SLOT_HIGH_BASE		0x100	/* VMEXIT_NPF ... */
#define SLOT_OTHER		0x1ef	/* a code outside the ranges below */
#define SLOT_NEGATIVE_BASE	0x1f0	/* -16 .. -1 (VMEXIT_INVALID is the last) */
#define SLOT_NEGATIVE_COUNT	16
/* A flat segment: base 0, limit 4 GiB - 1 (as the host's GDT entries). */

uint64_t svm_run_asm(struct svm_guest *g);
/* Where every guest starts (vmrun.S): RDI = arg, RSI = fn; then VMMCALL at svm_guest_done_rip. */
extern const char svm_guest_entry[];

unsigned svm_exit_slot(uint64_t code)
{
	if (code < SLOT_HIGH_BASE)
		return (unsigned)code;
	if (code >= VMEXIT_NPF && code < VMEXIT_NPF + SLOT_HIGH_BASE)
		return SLOT_HIGH_BASE + (unsigned)(code - VMEXIT_NPF);
	if ((int64_t)code < 0 && (int64_t)code >= -SLOT_NEGATIVE_COUNT)
		return SLOT_NEGATIVE_BASE + (unsigned)((int64_t)code + SLOT_NEGATIVE_COUNT);
	return SLOT_OTHER;
}

static uint64_t slot_code(unsigned slot)
{
	if (slot < SLOT_HIGH_BASE)
		return slot;
	if (slot < SLOT_HIGH_BASE * 2)
		return VMEXIT_NPF + slot - SLOT_HIGH_BASE;
	if (slot >= SLOT_NEGATIVE_BASE)
		return (uint64_t)((int64_t)(slot - SLOT_NEGATIVE_BASE) - SLOT_NEGATIVE_COUNT);
	return SVM_GUEST_STOPPED;
}

/* Where the handler of an exit slot is: the exit page below 100h, the page after it from there. */
static svm_exit_fn **handler_of(struct svm_guest *g, unsigned slot)
{
	if (slot < HV_EXIT_DIRECT_SLOTS)
		return &g->exits->handlers[slot];
	return (svm_exit_fn **)(g->exits + 1) + (slot - HV_EXIT_DIRECT_SLOTS);
}

/* A slot without a handler of its own: the run ends at the exit. */
static bool end_run(struct svm_guest *g)
{
	return false;
}

static bool stop_guest(struct svm_guest *g)
{
	g->stopped = true;
	return false;
}

/* The watchdog's interrupt (INTR intercept): taken by the host with GIF set for a moment, then the bound is judged. */
static bool watchdog_exit(struct svm_guest *g)
{
	asm volatile("stgi; nop; clgi" ::: "memory");
	if (!hv_watchdog_expired(&g->watch, hv_exits_except(g->exits->counts, VMEXIT_INTR)))
		return true;
	return stop_guest(g);
}

/* An exit code from 100h up (vmrun.S counts and dispatches the others itself). */
bool svm_exit_cold(struct svm_guest *g);
bool svm_exit_cold(struct svm_guest *g)
{
	unsigned slot = svm_exit_slot(g->vmcb->control.exit_code);

	g->exits->counts[slot]++;
	return (*handler_of(g, slot))(g);
}

void svm_guest_free(struct svm_guest *g)
{
	if (g->vmcb)
		free_page(g->vmcb);
	if (g->stack)
		free_pages(g->stack, GUEST_STACK_ORDER);
	if (g->iopm)
		free_pages(g->iopm, IOPM_ORDER);
	if (g->msrpm)
		free_pages(g->msrpm, MSRPM_ORDER);
	if (g->exits) {
		hv_exit_counts_add(g->cpu, g->exits->counts);
		free_pages(g->exits, EXITS_ORDER);
	}
	memset(g, 0, sizeof(*g));
}

bool svm_guest_create(struct svm_guest *g, hv_guest_fn *fn, void *arg)
{
	memset(g, 0, sizeof(*g));
	g->cpu = smp_id();
	g->host_save_pa = virt_to_phys(svm_host_save_page(g->cpu));
	g->vmcb = alloc_pages_try(0);
	g->stack = alloc_pages_try(GUEST_STACK_ORDER);
	g->iopm = alloc_pages_try(IOPM_ORDER);
	g->msrpm = alloc_pages_try(MSRPM_ORDER);
	g->exits = alloc_pages_try(EXITS_ORDER);
	if (g->exits) {
		memset(g->exits->counts, 0, sizeof(g->exits->counts));
		for (unsigned slot = 0; slot < HV_EXIT_SLOTS; slot++)
			*handler_of(g, slot) = end_run;
	}
	if (!g->vmcb || !g->stack || !g->iopm || !g->msrpm || !g->exits) {
		report(false, "guest create on cpu%u: out of memory for the VMCB, stack, IOPM, MSRPM and exit pages "
		       "(%llu KiB free)", g->cpu, (unsigned long long)mem_free_bytes() / 1024);
		svm_guest_free(g);
		return false;
	}
	memset(g->iopm, 0, SVM_IOPM_SIZE);	/* no port intercepted */
	memset(g->msrpm, 0, SVM_MSRPM_SIZE);	/* no MSR intercepted */
	*handler_of(g, svm_exit_slot(VMEXIT_INTR)) = watchdog_exit;
	g->asid = SVM_GUEST_ASID;
	g->fn = fn;
	g->arg = arg;
	if (svm_guest_load(g))
		return true;
	svm_guest_free(g);
	return false;
}

void svm_guest_on_exit(struct svm_guest *g, uint64_t code, svm_exit_fn *fn)
{
	*handler_of(g, svm_exit_slot(code)) = fn ? fn : end_run;
}

/* A segment image from the live GDT entry of `sel` (its attributes are the VMCB's format). */
static struct vmcb_seg seg_from_gdt(uint16_t sel)
{
	struct segment s = desc_decode(sel);

	return (struct vmcb_seg){ .selector = sel, .attrib = s.attr, .limit = s.limit, .base = s.base };
}

/*
 * The control area (Table B-1), every field: the VMRUN consistency checks
 * (15.5.1) pass: VMRUN intercepted, ASID not 0, IOPM and MSRPM below
 * MAXPHYADDR, no event injected.
 */
static void write_control(struct svm_guest *g)
{
	struct vmcb_control *c = &g->vmcb->control;

	c->intercept_cr = 0;
	c->intercept_dr = 0;
	c->intercept_exc = SVM_GUEST_EXC_INTERCEPTS;
	c->intercept3 = SVM_I3_INTR | SVM_I3_SHUTDOWN;
	c->intercept4 = SVM_I4_VMRUN | SVM_I4_VMMCALL;
	c->intercept5 = 0;
	c->pause_filter_thresh = 0;
	c->pause_filter_count = 0;
	c->iopm_base_pa = virt_to_phys(g->iopm);
	c->msrpm_base_pa = virt_to_phys(g->msrpm);
	c->tsc_offset = 0;
	c->asid = g->asid;
	c->tlb_control = VMCB_TLB_NOTHING;
	/* Physical interrupts masked by the host's RFLAGS.IF: they reach the INTR intercept (15.21.1). */
	c->vintr = VMCB_V_INTR_MASKING;
	c->int_state = 0;
	c->exit_code = 0;
	c->exit_info1 = 0;
	c->exit_info2 = 0;
	c->exit_int_info = 0;
	c->np_control = 0;
	c->avic_apic_bar = 0;
	c->ghcb_gpa = 0;
	c->event_inj = 0;
	c->n_cr3 = 0;
	c->virt_ext = 0;
	c->clean = 0;		/* a new VMCB: nothing cached (15.15.3) */
	c->next_rip = 0;
	c->insn_len = 0;
	c->avic_backing_page = 0;
	c->avic_logical_table = 0;
	c->avic_physical_table = 0;
	c->vmsa_pa = 0;
	c->bus_lock_counter = 0;
	c->allowed_sev_features = 0;
	c->guest_sev_features = 0;
}

/*
 * The state save area (Table B-2), every field, from this CPU: the VMRUN
 * consistency checks pass (EFER.SVME set, CR0/CR3/CR4/DR6/DR7/EFER without
 * MBZ bits, long mode with PAE, PE and a CS that is not L and D at once).
 * FS, GS, TR, LDTR, KernelGSBase, STAR/LSTAR/CSTAR/SFMASK and SYSENTER are
 * this CPU's, by VMSAVE (15.5.2).
 */
static bool write_save(struct svm_guest *g)
{
	struct vmcb_save *s = &g->vmcb->save;
	struct descriptor_table_ptr gdtr, idtr;
	char e[32];

	sgdt(&gdtr);
	sidt(&idtr);
	s->cs = seg_from_gdt(KERNEL_CS);
	s->ss = s->ds = s->es = seg_from_gdt(KERNEL_DS);
	s->gdtr = (struct vmcb_seg){ .limit = gdtr.limit, .base = gdtr.base };
	s->idtr = (struct vmcb_seg){ .limit = idtr.limit, .base = idtr.base };
	s->vmpl = 0;
	s->cpl = 0;
	s->efer = rdmsr(MSR_EFER);
	s->cr4 = read_cr4();
	s->cr3 = read_cr3();
	s->cr0 = read_cr0();
	s->dr7 = DR7_INIT;
	s->dr6 = DR6_INIT;
	/*
	 * RFLAGS.IF set: with V_INTR_MASKING it governs only virtual
	 * interrupts (none are injected); physical ones follow the host's IF
	 * (15.21.1).  Bochs 2.7 masks physical interrupts by the guest's IF at
	 * VMRUN, which would keep the watchdog from reaching the INTR intercept.
	 */
	s->rflags = RFLAGS_FIXED1 | X86_EFLAGS_IF;
	s->s_cet = 0;
	s->ssp = 0;
	s->isst_addr = 0;
	s->cr2 = 0;
	s->g_pat = rdmsr(MSR_IA32_PAT);
	s->dbgctl = 0;
	s->br_from = 0;
	s->br_to = 0;
	s->last_excp_from = 0;
	s->last_excp_to = 0;
	s->spec_ctrl = 0;
	struct hv_result r = svm_vmsave_try(virt_to_phys(g->vmcb));
	if (!hv_result_ok(r))
		return report(false, "guest load: VMSAVE into the VMCB on cpu%u: expected success, got %s "
			      "(SVM not enabled here?)", smp_id(), hv_result_str(r, e, sizeof(e)));
	svm_guest_set_fn(g, g->fn, g->arg);
	return true;
}

bool svm_guest_load(struct svm_guest *g)
{
	memset(g->vmcb, 0, sizeof(*g->vmcb));	/* reserved areas: SBZ */
	g->switch_extra_state = false;
	write_control(g);
	if (!write_save(g))
		return false;
	if (g->load_hook)
		g->load_hook(g);
	return true;
}

void svm_guest_set_fn(struct svm_guest *g, hv_guest_fn *fn, void *arg)
{
	struct vmcb_save *s = &g->vmcb->save;

	g->fn = fn;
	g->arg = arg;
	memset(&g->regs, 0, sizeof(g->regs));
	g->regs.rdi = (uint64_t)arg;
	g->regs.rsi = (uint64_t)fn;
	s->rip = (uint64_t)svm_guest_entry;
	s->rsp = (uint64_t)g->stack + (PAGE_SIZE << GUEST_STACK_ORDER);
	s->rax = 0;
	g->done = false;
}

uint64_t svm_guest_run(struct svm_guest *g)
{
	g->done = g->stopped = false;
	if (g->cpu != smp_id()) {
		report(false, "guest run: the VMCB was prepared on cpu%u (its VMSAVE state), run on cpu%u",
		       g->cpu, smp_id());
		g->stopped = true;
		return SVM_GUEST_STOPPED;
	}
	hv_watch_reset(&g->watch);
	hv_watchdog_start();
	g->done = svm_run_asm(g);
	hv_watchdog_stop();
	return g->stopped ? SVM_GUEST_STOPPED : g->vmcb->control.exit_code;
}

void svm_iopm_set(struct svm_guest *g, uint32_t port, bool intercept)
{
	uint32_t byte;
	unsigned bit;

	svm_iopm_locate(port, &byte, &bit);
	if (intercept)
		g->iopm[byte] |= (uint8_t)(1u << bit);
	else
		g->iopm[byte] &= (uint8_t)~(1u << bit);
}

void svm_msrpm_set(struct svm_guest *g, uint32_t msr, bool read, bool write)
{
	uint32_t byte;
	unsigned bit;

	if (!svm_msrpm_locate(msr, &byte, &bit)) {
		report(false, "guest harness: MSR %#x is outside the MSRPM's ranges: not set", msr);
		return;
	}
	g->msrpm[byte] = (uint8_t)((g->msrpm[byte] & ~(3u << bit)) |
				   (read ? 1u << bit : 0) | (write ? 2u << bit : 0));
}

static const char *slot_name(unsigned slot, char *buf, size_t size)
{
	uint64_t code = slot_code(slot);

	if (slot == SLOT_OTHER)
		return "other";
	snprintf(buf, size, "%s", svm_exit_name(code));
	return buf;
}

unsigned long svm_print_exit_counts(void)
{
	return hv_print_exit_counts(slot_name);
}
