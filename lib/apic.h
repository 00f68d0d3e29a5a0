/* Local APIC (xAPIC or x2APIC mode), its timer, IPIs, and the TSC clock. */
#ifndef HV_APIC_H
#define HV_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_DEFAULT_BASE	0xfee00000ull

/* Register offsets (xAPIC MMIO offset; x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID		0x020
#define APIC_LVR	0x030
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_LDR	0x0d0
#define APIC_SPIV	0x0f0
#define APIC_IRR	0x200	/* 8 registers, 0x10 apart: vectors 32*i .. 32*i+31 (SDM Vol. 3A, 11.8.4) */
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define APIC_ICR_FIXED		0x00000
#define APIC_ICR_NMI		0x00400
#define APIC_ICR_INIT		0x00500
#define APIC_ICR_STARTUP	0x00600
#define APIC_ICR_BUSY		0x01000
#define APIC_ICR_ASSERT		0x04000
#define APIC_ICR_LEVEL		0x08000
#define APIC_LVT_MASKED		0x10000
#define APIC_TDCR_DIV1		0xb	/* divide configuration: divide by 1 (SDM Vol. 3A, 11.5.4) */
#define APIC_LVT_TIMER_PERIODIC	0x20000	/* LVT timer mode 01b (SDM Vol. 3A, 11.5.4) */
#define APIC_SPURIOUS_VECTOR	0xff

/* Remap and mask the legacy 8259 PICs (boot CPU, once). */
void pic_disable(void);
/* Enable this CPU's APIC (software enable, spurious vector, LVTs masked). */
void apic_setup(void);
/* Switch this CPU to x2APIC mode; false if CPUID says no x2APIC.  The mode is per CPU. */
bool apic_enable_x2apic(void);
bool apic_x2apic_mode(void);
uint32_t apic_read(unsigned reg);
void apic_write(unsigned reg, uint32_t val);
uint32_t apic_id(void);
void apic_eoi(void);
/* Send an IPI (ICR low bits: delivery mode, vector, ...) and wait until it is sent. */
void apic_icr_write(uint32_t dest_apic_id, uint32_t icr_low);
void apic_send_ipi(uint32_t dest_apic_id, uint8_t vector);
/* One-shot APIC timer: vector after `count` ticks of the bus clock / 1. */
void apic_timer_oneshot(uint8_t vector, uint32_t count);
/* Periodic APIC timer: vector every `count` ticks of the bus clock / 1. */
void apic_timer_periodic(uint8_t vector, uint32_t count);
/* The APIC timer's ticks (divide by 1) in one millisecond, measured against the PIT (boot CPU, once). */
uint64_t apic_timer_ticks_per_ms(void);
void apic_timer_stop(void);

/*
 * TSC frequency: CPUID 0x15 when it gives crystal and ratio, else measured
 * against the PIT (CPUID 0x16 is the processor's base frequency, which an
 * emulator's TSC need not follow).
 */
void tsc_calibrate(void);
uint64_t tsc_hz(void);
const char *tsc_hz_source(void);	/* "cpuid-0x15" or "pit" */
void udelay(uint64_t us);

#endif
