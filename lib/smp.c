/* Starting the application processors, and handing them work. */
#include "smp.h"
#include "acpi.h"
#include "apic.h"
#include "cpuid.h"
#include "desc.h"
#include "libc.h"
#include "mem.h"
#include "paging.h"
#include "processor.h"
#include "report.h"
#include "../x86/boot.h"

#define KERNEL_STACK_ORDER 2	/* 16 KiB */

struct percpu percpu_area[MAX_CPUS] __attribute__((aligned(4096)));
unsigned nr_cpus = 1;

extern const char ap_tramp_start[], ap_tramp_end[];
extern volatile uint64_t ap_boot_stack;
static volatile unsigned ap_boot_cpu;
void hv_start_ap(void);

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

static void ap_idle_loop(void)
{
	struct percpu *c = this_cpu();

	for (;;) {
		irq_disable();
		if (c->work_done_seq == c->work_seq) {
			safe_halt();	/* sti; hlt: the work IPI wakes us */
			continue;
		}
		c->work_fn(c->work_arg);
		__atomic_store_n(&c->work_done_seq, c->work_seq, __ATOMIC_RELEASE);
	}
}

void hv_start_ap(void)
{
	struct percpu *c = &percpu_area[ap_boot_cpu];

	wrmsr(MSR_GS_BASE, (uint64_t)c);
	desc_setup_ap();
	if (cpu_has(X86_FEATURE_NX))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(virt_to_phys(kernel_pt.root));
	if (apic_x2apic_mode())
		apic_enable_x2apic();
	apic_setup();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	ap_idle_loop();
}

static bool start_ap(unsigned cpu, uint32_t apic)
{
	struct percpu *c = &percpu_area[cpu];

	percpu_prepare(cpu, apic);
	c->stack_top = stack_top(KERNEL_STACK_ORDER);
	ap_boot_stack = c->stack_top;
	ap_boot_cpu = cpu;
	barrier();
	apic_icr_write(apic, APIC_ICR_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	udelay(10000);
	for (int i = 0; i < 2 && !c->online; i++) {
		apic_icr_write(apic, APIC_ICR_STARTUP | (AP_TRAMPOLINE_ADDR >> 12));
		udelay(200);
	}
	uint64_t deadline = rdtsc() + tsc_hz();	/* one second */
	while (!c->online && rdtsc() < deadline)
		cpu_relax();
	return c->online;
}

void smp_init(void)
{
	uint32_t ids[MAX_CPUS];
	unsigned n = acpi_madt_apic_ids(ids, MAX_CPUS);
	uint32_t self = apic_id();

	percpu_prepare(0, self);
	percpu_area[0].online = true;
	set_irq_handler(IPI_WORK_VECTOR, work_ipi);
	if (!n) {
		report_info("no ACPI MADT found: running on the boot CPU only");
		return;
	}
	memcpy((void *)AP_TRAMPOLINE_ADDR, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	for (unsigned i = 0; i < n; i++) {
		if (ids[i] == self)
			continue;
		if (!start_ap(nr_cpus, ids[i])) {
			report(false, "smp: cpu%u (APIC ID %u, listed in the MADT) did not come online "
			       "within 1 s of INIT-SIPI-SIPI", nr_cpus, ids[i]);
			continue;
		}
		nr_cpus++;
	}
}

static void dispatch(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct percpu *me = this_cpu(), *c = &percpu_area[cpu];

	memcpy(c->prefix, me->prefix, sizeof(c->prefix));
	c->nr_prefix = me->nr_prefix;
	snprintf(c->prefix[c->nr_prefix < REPORT_MAX_PREFIX ? c->nr_prefix++ : REPORT_MAX_PREFIX - 1],
		 REPORT_PREFIX_LEN, "cpu%u", cpu);
	c->work_fn = fn;
	c->work_arg = arg;
	__atomic_add_fetch(&c->work_seq, 1, __ATOMIC_RELEASE);
	apic_send_ipi(c->apic_id, IPI_WORK_VECTOR);
}

static void run_here(void (*fn)(void *), void *arg)
{
	report_prefix_push("cpu%u", smp_id());
	fn(arg);
	report_prefix_pop();
}

void on_cpu_async(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	if (cpu == smp_id())
		run_here(fn, arg);
	else
		dispatch(cpu, fn, arg);
}

void on_cpu_wait(unsigned cpu)
{
	struct percpu *c = &percpu_area[cpu];

	while (__atomic_load_n(&c->work_done_seq, __ATOMIC_ACQUIRE) != c->work_seq)
		cpu_relax();
}

void on_cpu(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	on_cpu_async(cpu, fn, arg);
	on_cpu_wait(cpu);
}

void on_cpus(void (*fn)(void *arg), void *arg)
{
	unsigned self = smp_id();

	for_each_cpu(cpu)
		if (cpu != self)
			dispatch(cpu, fn, arg);
	run_here(fn, arg);
	for_each_cpu(cpu)
		on_cpu_wait(cpu);
}
