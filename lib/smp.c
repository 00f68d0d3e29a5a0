/* Starting the application processors, and handing them work. */
#include "smp.h"
#include "acpi.h"
#include "apic.h"
#include "args.h"
#include "console.h"
#include "cpuid.h"
#include "desc.h"
#include "libc.h"
#include "mem.h"
#include "paging.h"
#include "processor.h"
#include "report.h"
#include "boot.h"

#define KERNEL_STACK_ORDER 2	/* 16 KiB */

struct percpu percpu_area[MAX_CPUS] __attribute__((aligned(4096)));
unsigned nr_cpus = 1;

extern const char ap_tramp_start[], ap_tramp_end[];
extern volatile uint32_t ap_arrivals;
extern uint32_t ap_slots;			/* arrival slots with a stack */
extern uint64_t ap_slot_stack[AP_MAX_SLOTS];
static volatile uint32_t slot_apic_id[AP_MAX_SLOTS];
static volatile bool slot_reported[AP_MAX_SLOTS];	/* slot_apic_id[] is valid */
static volatile unsigned slot_cpu[AP_MAX_SLOTS];	/* 0 until the boot CPU assigns an index */
void hv_start_ap(unsigned slot);

static uint64_t stack_top(unsigned order)
{
	return (uint64_t)alloc_pages(order) + (PAGE_SIZE << order);
}

static void percpu_prepare(unsigned cpu, uint32_t apic)
{
	struct percpu *c = &percpu_area[cpu];

	c->self = c;
	c->cpu = cpu;
	c->apic_id = apic;
	c->ring0_stack_top = stack_top(1);
	c->df_stack_top = stack_top(0);
	c->user_stack_top = stack_top(1);
	c->tss.rsp[0] = c->ring0_stack_top;	/* read by the CPU at each entry from CPL 3 */
	c->tss.ist[0] = c->df_stack_top;
}

static void work_ipi(struct ex_regs *regs)
{
	this_cpu()->work_ipis++;
	apic_eoi();
}

static void wake_ipi(struct ex_regs *regs)
{
	this_cpu()->wake_ipis++;
	apic_eoi();
}

/* Called by the boot code on the boot CPU before anything else that needs %gs. */
void percpu_init_bsp(void);
void percpu_init_bsp(void)
{
	static uint8_t early_stacks[2][4096] __attribute__((aligned(16)));
	struct percpu *c = &percpu_area[0];

	c->self = c;
	c->ring0_stack_top = (uint64_t)early_stacks[0] + sizeof(early_stacks[0]);
	c->df_stack_top = (uint64_t)early_stacks[1] + sizeof(early_stacks[1]);
	wrmsr(MSR_GS_BASE, (uint64_t)c);
}

/*
 * Wake a CPU that halted until this CPU's work was done (on_cpu_wait), and
 * see it wake: an IPI it does not take within SMP_ANSWER_MS (lost, or held
 * there: GIF clear, its local APIC disabled, its task priority 15) would
 * leave it halted for good, so that ends the program here, with a FAIL
 * that names it.
 */
static void wake_waiter(struct percpu *w)
{
	struct percpu *me = this_cpu();
	unsigned ipis = __atomic_load_n(&w->wake_ipis, __ATOMIC_ACQUIRE);
	uint64_t deadline = rdtsc() + tsc_hz() / 1000 * SMP_ANSWER_MS;

	apic_send_ipi(w->apic_id, IPI_WAKE_VECTOR);
	while (__atomic_load_n(&w->wake_ipis, __ATOMIC_ACQUIRE) == ipis) {
		if (rdtsc() > deadline) {
			/* About the waiter: its cpuN for this CPU's (dispatch added it), no rule of the work's. */
			me->nr_rule = 0;
			if (me->nr_prefix)
				me->nr_prefix--;
			report_prefix_push_cpu(w->cpu);
			report(false, "smp: halted until cpu%u's work was done, it did not take the IPI that says "
			       "so (APIC ID %u, vector %#x) within %u ms (lost, or held there: GIF clear, its "
			       "local APIC disabled, its task priority 15): ending the program", me->cpu,
			       w->apic_id, IPI_WAKE_VECTOR, SMP_ANSWER_MS);
			hv_exit();
		}
		cpu_relax();
	}
}

#define SMP_IDLE	(1ull << 63)	/* percpu.idle: it may halt */

/*
 * An AP between pieces of work.  Before it looks for work it says it may
 * halt (c->idle: SMP_IDLE and the count of work it has done); a
 * dispatcher that finds it so, for the work right after that count,
 * clears it and sends the work IPI; one that does not sends none.  So an
 * AP that finds work without halting takes no IPI into it (into a guest
 * with external-interrupt exiting, say) unless a dispatcher cleared the
 * flag first: then it takes that IPI before it starts.  The count keeps a
 * dispatcher that was slow between its two steps from clearing a later
 * "may halt" (for work already done) and leaving the AP halted with the
 * flag clear, so that the next dispatcher would send no IPI.
 */
static void ap_idle_loop(void)
{
	struct percpu *c = this_cpu();
	bool armed = false;
	unsigned ipis = 0;
	uint64_t idle = 0;

	for (;;) {
		irq_disable();
		if (!armed) {
			ipis = c->work_ipis;
			idle = SMP_IDLE | c->work_done_seq;
			__atomic_store_n(&c->idle, idle, __ATOMIC_SEQ_CST);
			armed = true;
		}
		if (__atomic_load_n(&c->work_done_seq, __ATOMIC_SEQ_CST) ==
		    __atomic_load_n(&c->work_seq, __ATOMIC_SEQ_CST)) {
			safe_halt();	/* sti; hlt: the work IPI wakes us */
			continue;
		}
		armed = false;
		if (__atomic_exchange_n(&c->idle, 0, __ATOMIC_SEQ_CST) != idle)
			while (c->work_ipis == ipis) {	/* a dispatcher cleared it: its IPI comes */
				safe_halt();
				irq_disable();
			}
		unsigned seq = c->work_seq;
		__atomic_store_n(&c->work_started_seq, seq, __ATOMIC_RELEASE);
		c->work_fn(c->work_arg);
		__atomic_store_n(&c->work_done_seq, seq, __ATOMIC_SEQ_CST);
		uint64_t waiters = __atomic_exchange_n(&c->waiters, 0, __ATOMIC_SEQ_CST);
		for (unsigned w = 0; waiters; w++, waiters >>= 1)
			if (waiters & 1)
				wake_waiter(&percpu_area[w]);
	}
}

/* Initial APIC ID: CPUID.0BH:EDX (x2APIC ID) when leaf 0xB exists, else CPUID.1:EBX[31:24]. */
static uint32_t initial_apic_id(void)
{
	if (cpuid_max_basic() >= 0xb && cpuid_count(0xb, 0).b)
		return cpuid_count(0xb, 0).d;
	return cpuid(1).b >> 24;
}

/* An AP in long mode on the boot page tables, on its arrival slot's stack. */
void hv_start_ap(unsigned slot)
{
	slot_apic_id[slot] = initial_apic_id();
	__atomic_store_n(&slot_reported[slot], true, __ATOMIC_RELEASE);
	while (!slot_cpu[slot])		/* the boot CPU numbers the CPUs by APIC ID */
		cpu_relax();

	struct percpu *c = &percpu_area[slot_cpu[slot]];
	c->stack_top = ap_slot_stack[slot];
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	desc_setup_ap();
	if (cpu_has(X86_FEATURE_NX))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(virt_to_phys(kernel_pt.root));
	write_cr0(read_cr0() | X86_CR0_WP);
	if (percpu_area[0].x2apic)	/* APs follow the boot CPU's mode */
		apic_enable_x2apic();
	apic_setup();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	ap_idle_loop();
}

/*
 * Wake every other processor with a broadcast INIT-SIPI-SIPI (SDM Vol. 3A,
 * 9.4.4.1 "Typical BSP Initialization Sequence") and wait until `aps` of
 * them arrived, at most 1 s: the count is known (cpus= or the MADT), so no
 * waiting for stragglers.  Only `aps` arrival slots get a stack: a processor
 * beyond them halts in the boot code (x86/boot/cstart64.S).
 */
static unsigned wake_aps(unsigned aps)
{
	const uint32_t all_but_self = 3u << 18;

	for (unsigned i = 0; i < aps; i++)
		ap_slot_stack[i] = stack_top(KERNEL_STACK_ORDER);
	ap_slots = aps;
	memcpy((void *)AP_TRAMPOLINE_ADDR, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	apic_icr_write(0, all_but_self | APIC_ICR_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		apic_icr_write(0, all_but_self | APIC_ICR_STARTUP | (AP_TRAMPOLINE_ADDR >> 12));
		udelay(200);
	}
	uint64_t deadline = rdtsc() + tsc_hz();
	unsigned reported = 0;
	while (reported < aps && rdtsc() < deadline) {
		cpu_relax();
		reported = 0;
		for (unsigned i = 0; i < aps; i++)
			reported += __atomic_load_n(&slot_reported[i], __ATOMIC_ACQUIRE);
	}
	return reported;
}

/*
 * The number of CPUs to start: the command line's cpus=N (the runner passes
 * it on every backend: SeaBIOS under Bochs lists one processor in its MADT
 * whatever the count, hvtest's Bochs ROM has no ACPI tables), else the
 * enabled processors of the firmware's ACPI MADT, else the boot CPU alone.
 */
void smp_init(void)
{
	uint32_t madt[MAX_CPUS];
	unsigned listed = acpi_madt_apic_ids(madt, MAX_CPUS);
	unsigned want = hv_cpus_arg() ? hv_cpus_arg() : listed ? listed : 1;
	unsigned arrived = 0, order[AP_MAX_SLOTS];

	boot_milestone(MILESTONE_SMP);
	percpu_prepare(0, apic_id());
	percpu_area[0].online = true;
	set_irq_handler(IPI_WORK_VECTOR, work_ipi);
	set_irq_handler(IPI_WAKE_VECTOR, wake_ipi);
	if (want > 1)
		arrived = wake_aps(want - 1);
	if (arrived + 1 < want)
		report(false, "smp: %u CPUs expected (%s), %u answered a broadcast INIT-SIPI-SIPI within 1 s",
		       want, hv_cpus_arg() ? "command line cpus=" : "ACPI MADT", arrived + 1);
	if (ap_arrivals > want - 1)
		report_info("smp: %u processor(s) answered INIT-SIPI-SIPI, %u expected: the others halt",
			    ap_arrivals + 1, want);

	/* Number the CPUs in APIC ID order, the boot CPU first; all set themselves up at once. */
	for (unsigned i = 0; i < arrived; i++) {
		unsigned j = i;
		for (; j > 0 && slot_apic_id[order[j - 1]] > slot_apic_id[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (unsigned k = 0; k < arrived; k++) {
		percpu_prepare(k + 1, slot_apic_id[order[k]]);
		__atomic_store_n(&slot_cpu[order[k]], k + 1, __ATOMIC_RELEASE);
	}
	uint64_t deadline = rdtsc() + tsc_hz();
	for (unsigned k = 0; k < arrived; k++) {
		while (!percpu_area[k + 1].online && rdtsc() < deadline)
			cpu_relax();
		if (!percpu_area[k + 1].online) {
			report_prefix_push_cpu(k + 1);
			report(false, "smp: APIC ID %u answered INIT-SIPI-SIPI but did not finish "
			       "its setup within 1 s", slot_apic_id[order[k]]);
			report_prefix_pop();
		}
	}
	nr_cpus = arrived + 1;
	if (!listed && !hv_cpus_arg())
		report_info("smp: no cpus= on the command line and no ACPI MADT: the boot CPU only");
	for (unsigned i = 0; i < listed; i++) {
		bool found = false;
		for_each_cpu(cpu)
			found |= percpu_area[cpu].apic_id == madt[i];
		if (!found)
			report(false, "smp: APIC ID %u is listed in the MADT but did not come online", madt[i]);
	}
}

/* A request not taken up in time: the CPU is reported and left out. */
static void left_out(struct percpu *c)
{
	c->lost = true;
	report_prefix_push_cpu(c->cpu);
	report(false, "smp: APIC ID %u did not take up work from cpu%u within %u ms (interrupts or "
	       "GIF blocked there, or it hangs): going on without it", c->apic_id, smp_id(), SMP_ANSWER_MS);
	report_prefix_pop();
}

static bool work_done(struct percpu *c)
{
	return __atomic_load_n(&c->work_done_seq, __ATOMIC_SEQ_CST) == c->work_seq;
}

/*
 * Halt until c's work is done or an interrupt comes: c sends IPI_WAKE_VECTOR
 * to every CPU it finds waiting when it ends the work (ap_idle_loop).  The
 * halt is taken with interrupts enabled, as an idle CPU's is: an interrupt
 * a program left pending on this CPU is delivered then.  (The task priority
 * stays as it is: a waiter that raised and lowered it around its halt made
 * QEMU 7.2's TCG, running KVM as an L1, abort on an assertion of its own,
 * docs/l1-kvm.md.)  When c took this CPU off its waiters, its IPI is waited
 * for before this returns, so none is left in flight (into a guest, say).
 * A waiting CPU spends no instructions: under Bochs a spinning one costs as
 * many as the CPU it waits for.
 */
static void halt_until_done(struct percpu *c)
{
	struct percpu *me = this_cpu();
	uint64_t rflags = read_rflags(), bit = 1ull << me->cpu;
	unsigned ipis = me->wake_ipis;

	irq_disable();
	__atomic_fetch_or(&c->waiters, bit, __ATOMIC_SEQ_CST);
	if (!work_done(c))
		safe_halt();
	irq_disable();
	if (!(__atomic_fetch_and(&c->waiters, ~bit, __ATOMIC_SEQ_CST) & bit))
		while (me->wake_ipis == ipis) {		/* c took this CPU off: its IPI comes */
			safe_halt();
			irq_disable();
		}
	write_rflags(rflags);
}

/*
 * Wait for cpu's work to be taken up (SMP_ANSWER_MS at most) and done;
 * halting, or spinning with serve().  This CPU's own work ran in place
 * (run_here): nothing to wait for.
 */
static void wait_for(unsigned cpu, bool halt, void (*serve)(void))
{
	struct percpu *c = &percpu_area[cpu];
	uint64_t deadline = rdtsc() + tsc_hz() / 1000 * SMP_ANSWER_MS;

	if (cpu == smp_id())
		return;

	while (!c->lost && __atomic_load_n(&c->work_started_seq, __ATOMIC_ACQUIRE) != c->work_seq) {
		if (rdtsc() > deadline) {
			left_out(c);
			return;
		}
		if (serve)
			serve();
		cpu_relax();
	}
	while (!c->lost && !work_done(c)) {
		if (halt) {
			halt_until_done(c);
			continue;
		}
		if (serve)
			serve();
		cpu_relax();
	}
}

void on_cpu_wait_serving(unsigned cpu, void (*serve)(void))
{
	wait_for(cpu, false, serve);
}

void on_cpu_wait(unsigned cpu)
{
	wait_for(cpu, true, NULL);
}

static void dispatch(unsigned cpu, void (*fn)(void *), void *arg, bool halt)
{
	struct percpu *me = this_cpu(), *c = &percpu_area[cpu];

	wait_for(cpu, halt, NULL);	/* one piece of work at a time per CPU */
	if (c->lost)
		return;

	memcpy(c->prefix, me->prefix, sizeof(c->prefix));
	c->nr_prefix = me->nr_prefix;
	memcpy(c->rule, me->rule, sizeof(c->rule));
	c->nr_rule = me->nr_rule;
	snprintf(c->prefix[c->nr_prefix < REPORT_MAX_PREFIX ? c->nr_prefix++ : REPORT_MAX_PREFIX - 1],
		 REPORT_PREFIX_LEN, "cpu%u", cpu);
	c->work_fn = fn;
	c->work_arg = arg;
	unsigned seq = __atomic_add_fetch(&c->work_seq, 1, __ATOMIC_SEQ_CST);
	uint64_t idle = SMP_IDLE | (unsigned)(seq - 1);		/* it may halt, all work before this done */

	if (__atomic_compare_exchange_n(&c->idle, &idle, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		apic_send_ipi(c->apic_id, IPI_WORK_VECTOR);	/* wake it (ap_idle_loop) */
}

static void run_here(void (*fn)(void *), void *arg)
{
	report_prefix_push_cpu(smp_id());
	fn(arg);
	report_prefix_pop();
}

/* fn(arg) on cpu: here, or handed to it once its previous work is done (halting or spinning). */
static void start_on(unsigned cpu, void (*fn)(void *), void *arg, bool halt)
{
	if (cpu == smp_id())
		run_here(fn, arg);
	else
		dispatch(cpu, fn, arg, halt);
}

void on_cpu_async(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	start_on(cpu, fn, arg, false);		/* spinning: callers may have interrupts held */
}

void on_cpu(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	start_on(cpu, fn, arg, true);
	on_cpu_wait(cpu);
}

void on_cpus(void (*fn)(void *arg), void *arg)
{
	unsigned self = smp_id();

	for_each_cpu(cpu)
		if (cpu != self)
			dispatch(cpu, fn, arg, true);
	run_here(fn, arg);
	for_each_cpu(cpu)
		on_cpu_wait(cpu);
}
