/*
 * World-switch benchmarks: the argument rounds=N and the result lines that
 * scripts/bench.py reads (docs/bench.md):
 *     INFO: bench: KIND begin round_trips=N
 *     INFO: bench: KIND round_trips=N tsc_cycles=C cycles_per_trip=X.Y
 */
#ifndef HV_BENCH_H
#define HV_BENCH_H

#include <stdint.h>

/* The value of the argument NAME=N on the command line, or `dflt`. */
unsigned long arg_ulong(const char *name, unsigned long dflt);
/* Announce a measurement of n round trips and drain the UART before timing. */
void bench_begin(const char *kind, unsigned long n);
/* Report n round trips in `cycles` TSC cycles (one decimal, no floating point). */
void bench_result(const char *kind, unsigned long n, uint64_t cycles);

#endif
