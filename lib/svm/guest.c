/* The guest harness: VMCB preparation, the VMRUN loop, exit dispatch and counters. */
#include "guest.h"
#include "enable.h"
#include "insn.h"
#include "svm_defs.h"
#include "hvtest.h"
#include "spinlock.h"

#define GUEST_STACK_ORDER	1
#define GUEST_ASID		1

void svm_enter_guest(uint64_t vmcb_pa, struct svm_gprs *regs, uint64_t host_save_pa);
extern const char svm_guest_entry[];

/* A segment image from the live GDT entry of `sel` (flat: base 0, limit 4G). */
static struct vmcb_seg seg_from_gdt(uint16_t sel)
{
	struct descriptor_table_ptr gdtr;

	sgdt(&gdtr);
	uint64_t desc = ((const uint64_t *)gdtr.base)[sel >> 3];
	return (struct vmcb_seg){ .selector = sel, .attrib = vmcb_attr_from_desc(desc),
				  .limit = 0xffffffff, .base = 0 };
}

static void prepare_state(struct svm_guest *g)
{
	struct vmcb_save *s = &g->vmcb->save;
	struct descriptor_table_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	s->cs = seg_from_gdt(KERNEL_CS);
	s->ss = s->ds = s->es = seg_from_gdt(KERNEL_DS);
	s->gdtr = (struct vmcb_seg){ .limit = gdtr.limit, .base = gdtr.base };
	s->idtr = (struct vmcb_seg){ .limit = idtr.limit, .base = idtr.base };
	s->cpl = 0;
	s->efer = rdmsr(MSR_EFER);
	s->cr0 = read_cr0();
	s->cr3 = read_cr3();
	s->cr4 = read_cr4();
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->g_pat = rdmsr(MSR_IA32_PAT);
	/* FS, GS (the per-CPU base), TR, LDTR and the syscall MSRs: this CPU's. */
	struct hv_result r = svm_vmsave_try(virt_to_phys(g->vmcb));
	if (!hv_result_ok(r)) {
		char e[32];
		report(false, "guest harness: VMSAVE into the new VMCB: expected success, got %s "
		       "(SVM not enabled on cpu%u?)", hv_result_str(r, e, sizeof(e)), smp_id());
		hv_exit();
	}
}

static void prepare_controls(struct svm_guest *g)
{
	struct vmcb_control *c = &g->vmcb->control;

	c->intercept_exc = SVM_GUEST_EXC_INTERCEPTS;
	c->intercept3 = SVM_I3_INTR | SVM_I3_SHUTDOWN;
	c->intercept4 = SVM_I4_VMRUN | SVM_I4_VMMCALL;
	c->iopm_base_pa = virt_to_phys(g->iopm);
	c->msrpm_base_pa = virt_to_phys(g->msrpm);
	c->asid = GUEST_ASID;
	c->vintr = VMCB_V_INTR_MASKING;
}

void svm_guest_restart(struct svm_guest *g, void (*fn)(void *arg), void *arg)
{
	struct vmcb_save *s = &g->vmcb->save;

	memset(&g->regs, 0, sizeof(g->regs));
	g->regs.rdi = (uint64_t)arg;
	g->regs.rsi = (uint64_t)fn;
	s->rip = (uint64_t)svm_guest_entry;
	s->rsp = (uint64_t)g->stack + (PAGE_SIZE << GUEST_STACK_ORDER);
	s->rax = 0;
	g->done = false;
}

void svm_guest_init(struct svm_guest *g, void (*fn)(void *arg), void *arg)
{
	memset(g, 0, sizeof(*g));
	g->vmcb = alloc_page();
	g->stack = alloc_pages(GUEST_STACK_ORDER);
	g->iopm = alloc_pages(2);	/* 12 KB used of an aligned 16 KB block */
	g->msrpm = alloc_pages(1);
	g->cpu = smp_id();
	prepare_state(g);
	prepare_controls(g);
	svm_guest_restart(g, fn, arg);
}

void svm_guest_free(struct svm_guest *g)
{
	free_page(g->vmcb);
	free_pages(g->stack, GUEST_STACK_ORDER);
	free_pages(g->iopm, 2);
	free_pages(g->msrpm, 1);
	memset(g, 0, sizeof(*g));
}

/* Exit counters, shared by all CPUs. */
#define MAX_EXIT_KINDS 48
static struct spinlock stats_lock;
static struct { uint64_t code; unsigned long count; } stats[MAX_EXIT_KINDS];
static unsigned nr_stats;
static unsigned long stats_dropped;

static void count_exit(uint64_t code)
{
	unsigned i;

	spin_lock(&stats_lock);
	for (i = 0; i < nr_stats && stats[i].code != code; i++)
		;
	if (i == nr_stats && nr_stats < MAX_EXIT_KINDS)
		stats[nr_stats++].code = code;
	if (i < nr_stats)
		stats[i].count++;
	else
		stats_dropped++;
	spin_unlock(&stats_lock);
}

void svm_exit_stats_print(void)
{
	char name[48];

	spin_lock(&stats_lock);
	for (unsigned i = 0; i < nr_stats; i++)
		report_info("exits: %s: %lu", svm_exit_str(stats[i].code, name, sizeof(name)),
			    stats[i].count);
	if (stats_dropped)
		report_info("exits: %lu more of codes beyond the table's %u kinds", stats_dropped,
			    MAX_EXIT_KINDS);
	spin_unlock(&stats_lock);
}

uint64_t svm_guest_vmrun(struct svm_guest *g)
{
	if (g->cpu != smp_id()) {
		report(false, "guest harness: VMCB prepared on cpu%u run on cpu%u", g->cpu, smp_id());
		hv_exit();
	}
	svm_enter_guest(virt_to_phys(g->vmcb), &g->regs, virt_to_phys(svm_host_save_page(g->cpu)));
	count_exit(g->vmcb->control.exit_code);
	return g->vmcb->control.exit_code;
}

void svm_guest_on_exit(struct svm_guest *g, uint64_t code, svm_exit_fn fn)
{
	for (unsigned i = 0; i < g->nr_handlers; i++) {
		if (g->handlers[i].code == code) {
			g->handlers[i].fn = fn;
			return;
		}
	}
	if (g->nr_handlers == SVM_MAX_HANDLERS) {
		report(false, "guest harness: more than %d exit handlers", SVM_MAX_HANDLERS);
		hv_exit();
	}
	g->handlers[g->nr_handlers].code = code;
	g->handlers[g->nr_handlers++].fn = fn;
}

static bool dispatch(struct svm_guest *g, uint64_t code)
{
	if (code == VMEXIT_VMMCALL && g->vmcb->save.rip == (uint64_t)svm_guest_done_rip) {
		g->done = true;
		return false;
	}
	for (unsigned i = 0; i < g->nr_handlers; i++)
		if (g->handlers[i].code == code && g->handlers[i].fn)
			return g->handlers[i].fn(g);
	return code == VMEXIT_INTR;	/* taken by the host after STGI; re-enter */
}

uint64_t svm_guest_run(struct svm_guest *g)
{
	uint64_t code;

	do
		code = svm_guest_vmrun(g);
	while (dispatch(g, code));
	return code;
}

void svm_guest_skip(struct svm_guest *g, unsigned len)
{
	g->vmcb->save.rip += len;
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
		report(false, "guest harness: MSR %#x is outside the MSRPM's ranges", msr);
		hv_exit();
	}
	g->msrpm[byte] = (uint8_t)((g->msrpm[byte] & ~(3u << bit)) |
				   (read ? 1u << bit : 0) | (write ? 2u << bit : 0));
}

