/*
 * World-switch benchmarks: the arguments rounds=N and chunks=K and the
 * lines that scripts/bench.py reads (docs/bench.md):
 *     INFO: bench: tsc_hz=HZ source=S turns=K
 *     INFO: bench: KIND begin round_trips=n                          (each turn)
 *     INFO: bench: KIND round_trips=n tsc_cycles=C cycles_per_trip=X.Y  (each turn)
 */
#ifndef HV_BENCH_H
#define HV_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* The value of the argument NAME=N on the command line, or `dflt`. */
unsigned long arg_ulong(const char *name, unsigned long dflt);
/* Announce a measurement of n round trips and drain the UART before timing. */
void bench_begin(const char *kind, unsigned long n);
/* Report n round trips in `cycles` TSC cycles (one decimal, no floating point). */
void bench_result(const char *kind, unsigned long n, uint64_t cycles);

/*
 * A measurement in turns: the kinds (the harness, the bare loop and its
 * variants) take turns, each running its next share of the N round trips,
 * so that a slow spell of the machine falls on all of them alike.  Each
 * turn prints its own begin and result lines; scripts/bench.py adds them
 * up.  A kind's turn function measures n round trips (bench_begin, then
 * bench_turn_done) and returns false when they went wrong: the kind then
 * takes no more turns, and its report says why.
 */
struct bench_kind {
	const char *name;
	bool (*turn)(struct bench_kind *k, unsigned long n);
	unsigned long trips;		/* round trips measured, all turns */
	unsigned long turns;		/* turns taken */
	bool stopped;			/* a turn went wrong */
};

/*
 * rounds=N (default `dflt`) and chunks=K (default 1, 0 counts as 1, at most N) from the
 * command line; then the line with the TSC rate and K.  False with one
 * FAIL when N is 0.
 */
bool bench_start(unsigned long dflt, unsigned long *rounds, unsigned long *chunks);
/*
 * The kinds' turns: K rounds of turns, the kinds in their order in even
 * rounds and in the reverse order in odd ones (a drift of the machine's
 * speed within a round falls on first and last alike).
 */
void bench_take_turns(struct bench_kind *const kinds[], unsigned nkinds, unsigned long rounds,
		      unsigned long chunks);
/* A turn's n round trips in `cycles`: its result line, added to k's totals. */
void bench_turn_done(struct bench_kind *k, unsigned long n, uint64_t cycles);

/*
 * The harness kind's state, the same for both vendors: first in the
 * program's struct, which holds the guest struct after it, on the host's
 * stack beside the exit frame, so that the program's own part of a round
 * trip touches no page of its own beyond its code (the harness's pages are
 * what is measured).  It is the guest's argument: the guest reads `rounds`
 * once and stores its RAX after its loop.
 */
struct bench_harness {
	struct bench_kind k;
	unsigned long rounds;		/* this turn's round trips */
	uint64_t rax_after;		/* the guest's RAX after its calls, stored by the guest */
	uint64_t rax;			/* rax_after of the last turn */
	bool ready;			/* the guest created, and every load worked (else that FAIL says why) */
	char why[224];			/* the turn that went wrong, and how */
};
/*
 * A harness turn's end: the guest ran to its end (else `end`, its last
 * exit), with `exits` == n of its calls (`call`, "VMCALL" or "VMMCALL") as
 * the harness counted them, and its RAX `expected_rax` after them.  False
 * with h->why when not.
 */
bool bench_harness_turn_end(struct bench_harness *h, unsigned long n, unsigned long exits, bool done,
			    const char *end, const char *call, uint64_t expected_rax);
/* The harness kind's one check over all its turns. */
void bench_harness_report(struct bench_harness *h, unsigned long chunks, const char *call);

/*
 * For inline asm (the bare_regs loops): the guest's general-purpose
 * registers but RAX and RSP stored to / loaded from 8(%rsp) .. 112(%rsp),
 * as a harness that hands its exit handlers the guest's registers does at
 * each exit and before each entry.
 */
#define BENCH_STORE_GPRS						\
	"mov %%rbx, 8(%%rsp)\n\t"  "mov %%rcx, 16(%%rsp)\n\t" "mov %%rdx, 24(%%rsp)\n\t"	\
	"mov %%rsi, 32(%%rsp)\n\t" "mov %%rdi, 40(%%rsp)\n\t" "mov %%rbp, 48(%%rsp)\n\t"	\
	"mov %%r8, 56(%%rsp)\n\t"  "mov %%r9, 64(%%rsp)\n\t"  "mov %%r10, 72(%%rsp)\n\t"	\
	"mov %%r11, 80(%%rsp)\n\t" "mov %%r12, 88(%%rsp)\n\t" "mov %%r13, 96(%%rsp)\n\t"	\
	"mov %%r14, 104(%%rsp)\n\t" "mov %%r15, 112(%%rsp)\n\t"
#define BENCH_LOAD_GPRS							\
	"mov 8(%%rsp), %%rbx\n\t"  "mov 16(%%rsp), %%rcx\n\t" "mov 24(%%rsp), %%rdx\n\t"	\
	"mov 32(%%rsp), %%rsi\n\t" "mov 40(%%rsp), %%rdi\n\t" "mov 48(%%rsp), %%rbp\n\t"	\
	"mov 56(%%rsp), %%r8\n\t"  "mov 64(%%rsp), %%r9\n\t"  "mov 72(%%rsp), %%r10\n\t"	\
	"mov 80(%%rsp), %%r11\n\t" "mov 88(%%rsp), %%r12\n\t" "mov 96(%%rsp), %%r13\n\t"	\
	"mov 104(%%rsp), %%r14\n\t" "mov 112(%%rsp), %%r15\n\t"
/* Around such a loop: the callee-saved registers it loads, kept on the stack. */
#define BENCH_PUSH_CALLEE_SAVED	\
	"push %%rbp\n\tpush %%rbx\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\t"
#define BENCH_POP_CALLEE_SAVED	\
	"pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbx\n\tpop %%rbp\n\t"

#endif
