/*
 * Every CPU online: the processors in the MADT are started with
 * INIT-SIPI-SIPI into long mode at boot.  Work is handed to them with
 * on_cpu() (one CPU) and on_cpus() (all CPUs at once); the callee's report
 * prefixes are the caller's plus "cpuN".
 *
 * A CPU that does not take up work within SMP_ANSWER_MS (it has interrupts
 * or GIF blocked, or hangs) is reported by name as a FAIL and left out from
 * then on: for_each_cpu() skips it, and no more work is handed to it.
 *
 * Idle CPUs, and a CPU waiting for another's work (on_cpu_wait, on_cpu,
 * on_cpus), halt until an IPI wakes them, so that under an emulator a
 * waiting CPU costs nothing.  The waiter halts with interrupts enabled (an
 * interrupt pending on it is delivered then, as on an idle CPU; one without
 * a handler ends the program as an unexpected exception): a CPU that cannot
 * take that IPI (GIF clear, its local APIC disabled, its task priority 15,
 * a vector 0xf0-0xff in service) or must not take other interrupts waits
 * with on_cpu_async() and on_cpu_wait_serving(), which spin.  A CPU
 * that does not take the IPI that ends its wait within SMP_ANSWER_MS would
 * stay halted: the CPU that sent it reports that as a FAIL and ends the
 * program.
 */
#ifndef HV_SMP_H
#define HV_SMP_H

#include "percpu.h"

#define IPI_WORK_VECTOR	0xf0	/* wakes an idle CPU: work for it */
#define IPI_WAKE_VECTOR	0xf1	/* wakes a CPU halted in on_cpu_wait(): the work it waits for is done */

void smp_init(void);
/* Run fn(arg) on `cpu` and wait for it to return. */
void on_cpu(unsigned cpu, void (*fn)(void *arg), void *arg);
/* Start fn(arg) on `cpu` without waiting (for its previous work, if any, it waits spinning);
 * on_cpu_wait() or on_cpu_wait_serving() waits. */
void on_cpu_async(unsigned cpu, void (*fn)(void *arg), void *arg);
void on_cpu_wait(unsigned cpu);
/* on_cpu_wait(), spinning instead of halting, and calling serve() (when not NULL) meanwhile: this
 * CPU answers requests while it waits. */
void on_cpu_wait_serving(unsigned cpu, void (*serve)(void));
/* Run fn(arg) on every CPU at once (this one included) and wait for all. */
void on_cpus(void (*fn)(void *arg), void *arg);

#define SMP_ANSWER_MS	2000

/* Every CPU that has not been left out. */
#define for_each_cpu(c) for (unsigned c = 0; c < nr_cpus; c++) if (percpu_area[c].lost) {} else

#endif
