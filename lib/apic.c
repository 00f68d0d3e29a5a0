/* Local APIC and TSC. */
#include "apic.h"
#include "cpuid.h"
#include "percpu.h"
#include "processor.h"

static uint64_t tsc_freq;
static const char *tsc_source = "none";

static volatile uint32_t *xapic_reg(unsigned reg)
{
	return (volatile uint32_t *)(APIC_DEFAULT_BASE + reg);
}

/* Each CPU's mode is its own: x2APIC registers exist only in x2APIC mode (SDM Vol. 3A, 11.12). */
static bool x2apic_mode(void)
{
	return this_cpu()->x2apic;
}

uint32_t apic_read(unsigned reg)
{
	return x2apic_mode() ? (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16) : *xapic_reg(reg);
}

void apic_write(unsigned reg, uint32_t val)
{
	if (x2apic_mode())
		wrmsr(MSR_X2APIC_BASE + reg / 16, val);
	else
		*xapic_reg(reg) = val;
}

bool apic_x2apic_mode(void)
{
	return x2apic_mode();
}

uint32_t apic_id(void)
{
	return x2apic_mode() ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void apic_enable_mode(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	base |= 1ull << 11;			/* xAPIC global enable */
	if (x2apic_mode())
		base |= 1ull << 10;		/* x2APIC mode */
	wrmsr(MSR_IA32_APIC_BASE, base);
}

/*
 * The legacy 8259 PICs: move their vectors off the exception range
 * (BIOS leaves IRQ0 on vector 8, #DF's) and mask every line.
 */
void pic_disable(void)
{
	static const uint8_t icw[2][4] = {
		{ 0x11, 0x20, 0x04, 0x01 },	/* master: vectors 20H-27H, slave on IRQ2 */
		{ 0x11, 0x28, 0x02, 0x01 },	/* slave: vectors 28H-2FH */
	};
	for (int pic = 0; pic < 2; pic++) {
		uint16_t base = pic ? 0xa0 : 0x20;
		outb(base, icw[pic][0]);
		for (int i = 1; i < 4; i++)
			outb(base + 1, icw[pic][i]);
		outb(base + 1, 0xff);
	}
}

void apic_setup(void)
{
	apic_enable_mode();
	apic_write(APIC_SPIV, 0x100 | APIC_SPURIOUS_VECTOR);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_LVTERR, APIC_LVT_MASKED);
}

bool apic_enable_x2apic(void)
{
	if (!cpu_has(X86_FEATURE_X2APIC))
		return false;
	this_cpu()->x2apic = true;
	apic_enable_mode();
	return true;
}

void apic_icr_write(uint32_t dest, uint32_t icr_low)
{
	if (x2apic_mode()) {
		/*
		 * A WRMSR to an x2APIC register may complete before earlier stores
		 * are globally visible (SDM Vol. 3A, 11.12.3 "MSR Access in x2APIC
		 * Mode"): the IPI must not overtake what it announces.
		 */
		asm volatile("mfence; lfence" ::: "memory");
		wrmsr(MSR_X2APIC_BASE + APIC_ICR / 16, ((uint64_t)dest << 32) | icr_low);
		return;
	}
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, icr_low);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	apic_icr_write(dest, APIC_ICR_FIXED | APIC_ICR_ASSERT | vector);
}

void apic_timer_oneshot(uint8_t vector, uint32_t count)
{
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_LVTT, vector);	/* one-shot, unmasked */
	apic_write(APIC_TMICT, count);
}

void apic_timer_periodic(uint8_t vector, uint32_t count)
{
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | vector);
	apic_write(APIC_TMICT, count);
}

void apic_timer_stop(void)
{
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
}

/* PIT channel 2, gated through port 0x61, counts 1193182 Hz: 10 ms from pit_start() to pit_wait()'s return. */
#define PIT_HZ		1193182
#define PIT_COUNT_10MS	11932

static void pit_start(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, PIT_COUNT_10MS & 0xff);
	outb(0x42, PIT_COUNT_10MS >> 8);
}

static void pit_wait(void)
{
	for (unsigned long spins = 0; !(inb(0x61) & 0x20) && spins < 100000000ul; spins++)
		;
}

static uint64_t tsc_measure_pit(void)
{
	pit_start();
	uint64_t t0 = rdtsc();
	pit_wait();
	uint64_t t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / PIT_COUNT_10MS;
}

uint64_t apic_timer_ticks_per_ms(void)
{
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	pit_start();
	apic_write(APIC_TMICT, 0xffffffffu);
	pit_wait();
	uint32_t left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	return (0xffffffffu - left) * (uint64_t)PIT_HZ / PIT_COUNT_10MS / 1000;
}

/*
 * The TSC's rate as the delays and time bounds need it: what the TSC really
 * does against the PIT, or CPUID.15H's nominal frequency (SDM Vol. 2A, CPUID
 * leaf 15H) where that agrees with the measurement within 2%, being exact.
 * Under Bochs it does not: the TSC advances once per emulated instruction
 * (ips per second: 2 MHz for the runner) while CPUID.15H names the model's
 * nominal frequency (tigerlake 2.4 GHz), so a 10 ms delay took 24 million
 * instructions.
 */
void tsc_calibrate(void)
{
	tsc_freq = tsc_measure_pit();
	tsc_source = "pit";
	if (cpuid_max_basic() >= 0x15) {
		struct cpuid_regs r = cpuid(0x15);
		uint64_t nominal = r.a && r.b && r.c ? (uint64_t)r.c * r.b / r.a : 0;
		if (nominal && nominal / 50 >= (nominal > tsc_freq ? nominal - tsc_freq : tsc_freq - nominal)) {
			tsc_freq = nominal;
			tsc_source = "cpuid-0x15";
		}
	}
}

uint64_t tsc_hz(void)
{
	return tsc_freq;
}

const char *tsc_hz_source(void)
{
	return tsc_source;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + (tsc_freq ? tsc_freq : 1000000000ull) / 1000000 * us;

	while (rdtsc() < end)
		cpu_relax();
}
