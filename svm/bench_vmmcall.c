/*
 * The world switch, timed (make bench, docs/bench.md): N guest exits by
 * VMMCALL, each handled and the guest re-entered,
 *
 *   harness  through the guest harness: svm_guest_run() with a VMMCALL
 *            handler that advances RIP
 *            (lib/svm/guest.h, vmrun.S: GPRs saved and loaded around
 *            VMRUN, the exit counted and dispatched through the guest's
 *            exit page); the guest a loop of VMMCALL, DEC, JNZ;
 *   bare     a loop of the same instruction without the harness: VMRUN,
 *            check EXITCODE, RIP += 3, VMRUN again (no VMSAVE/VMLOAD, no
 *            GPR save: the guest touches none), with interrupts off.
 *
 * Arguments: rounds=N (default 20000) round trips of each kind; chunks=K
 * (default 1): the kinds take K turns each (harness, bare, bare_state,
 * bare_regs, then the other way round), each turn the next K-th of the N
 * (lib/bench.h).  Output, one INFO line each (scripts/bench.py parses them):
 *
 *   INFO: bench: tsc_hz=N source=pit|cpuid-0x15 turns=K
 *   INFO: bench: harness begin round_trips=n                       (each turn)
 *   INFO: bench: harness round_trips=n tsc_cycles=C cycles_per_trip=X.Y
 *   INFO: bench: bare begin round_trips=n                          (and the variants)
 *   INFO: bench: bare round_trips=n tsc_cycles=C cycles_per_trip=X.Y
 *
 * bare_state, information only: the bare loop plus the harness's state
 * switch (CLGI, VMSAVE/VMLOAD around VMRUN, STGI), to tell the cost of
 * those instructions from the cost of the harness's C.
 * bare_regs, information only: the bare loop plus the guest's 14 GPRs
 * (not RAX and RSP, the VMCB's) stored at each #VMEXIT and loaded before
 * each VMRUN: the floor of any harness whose handlers see the guest's
 * registers.
 *
 * The "begin" line is drained from the UART before the clock starts, so
 * the host can time a turn by the arrival of its two lines.  One check per
 * kind, over all its turns (a turn that goes wrong is the kind's last):
 * the harness's guest ran to its end in each turn, with n VMMCALL exits as
 * the harness counted them and its RAX, which it sets once, back after
 * them all; each bare turn took its n exits, every one VMMCALL (81h).
 * SKIP where SVM is absent.
 */
#include <stddef.h>
#include "hvtest.h"
#include "bench.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/program.h"
#include "svm/svm_defs.h"

#define DEFAULT_ROUNDS	20000ul
#define VMMCALL_LEN	3		/* 0f 01 d9 */
#define BENCH_RAX	0x42454e43ull	/* "BENC" */


/* The bare loop's guest: VMMCALL forever; the host steps over each one. */
void bench_bare_guest(void);
asm(".text\n"
    ".globl bench_bare_guest\n"
    "bench_bare_guest:\n\t"
    "vmmcall\n\t"
    "jmp bench_bare_guest\n");

/* The harness's guest: N VMMCALLs with RAX = BENCH_RAX, then return (the harness's final VMMCALL). */
static void guest_calls(void *arg)
{
	unsigned long n = ((struct bench_harness *)arg)->rounds;
	uint64_t rax = BENCH_RAX;

	if (n)
		asm volatile("1:\tvmmcall\n\t"
			     "dec %[n]\n\t"
			     "jnz 1b"
			     : [n] "+r"(n), "+a"(rax) :: "memory", "cc");
	((struct bench_harness *)arg)->rax_after = rax;
}

/* The harness counts the exit; the handler steps over the VMMCALL, as the bare loop does. */
HV_EXIT_HOT static bool on_vmmcall(struct svm_guest *g)
{
	svm_guest_skip(g, VMMCALL_LEN);
	return true;
}

/* The harness's measurement: one guest, restarted for each turn to run that turn's VMMCALLs. */
struct harness {
	struct bench_harness b;		/* first: the turn function gets &b.k */
	struct svm_guest g;
};

static bool harness_turn(struct bench_kind *k, unsigned long n)
{
	struct harness *h = (struct harness *)k;
	struct svm_guest *g = &h->g;
	unsigned slot = svm_exit_slot(VMEXIT_VMMCALL);
	char got[64];

	h->b.rounds = n;
	h->b.rax_after = 0;
	svm_guest_set_fn(g, guest_calls, &h->b);	/* the guest from its start: n VMMCALLs */
	uint32_t before = g->exits->counts[slot];
	bench_begin(k->name, n);
	uint64_t t0 = rdtsc();
	uint64_t code = svm_guest_run(g);
	uint64_t t1 = rdtsc();
	/* The guest's VMMCALL exits but its final one (the guest's end), as the harness counted them. */
	unsigned long exits = g->exits->counts[slot] - before - (g->done ? 1 : 0);

	bench_turn_done(k, exits, t1 - t0);
	return bench_harness_turn_end(&h->b, n, exits, g->done, svm_exit_str(code, got, sizeof(got)), "VMMCALL",
				      BENCH_RAX);
}

/*
 * VMRUN ... #VMEXIT, check EXITCODE, RIP += 3, again: n times or until an
 * exit that is not VMMCALL (its code in *last).  Returns the exits taken.
 * Host RAX (the VMCB address) and RSP come back from the host save area;
 * the guest changes no other register.
 */
static unsigned long bare_loop(struct vmcb *vmcb, unsigned long n, uint64_t *last)
{
	unsigned long left = n;

	asm volatile("1:\n\t"
		     "vmrun %%rax\n\t"
		     "cmpq %[vmmcall], %c[code](%[v])\n\t"
		     "jne 2f\n\t"
		     "addq %[len], %c[rip](%[v])\n\t"
		     "dec %[left]\n\t"
		     "jnz 1b\n"
		     "2:"
		     : [left] "+r"(left)
		     : "a"(virt_to_phys(vmcb)), [v] "r"(vmcb), [vmmcall] "i"(VMEXIT_VMMCALL),
		       [len] "i"(VMMCALL_LEN), [code] "i"(offsetof(struct vmcb, control.exit_code)),
		       [rip] "i"(offsetof(struct vmcb, save.rip))
		     : "memory", "cc");
	*last = vmcb->control.exit_code;
	return n - left;	/* an exit that ended the loop early is not counted */
}

/*
 * The bare loop plus the harness's state switch at the instruction level:
 * CLGI; VMSAVE host; VMLOAD guest; VMRUN; VMSAVE guest; VMLOAD host; STGI
 * (lib/svm/vmrun.S).  What remains between this and the harness is the
 * rest of its path: GPRs saved and loaded, counting, the dispatch through
 * the table and the handler's call.
 */
static unsigned long bare_state_loop(struct vmcb *vmcb, unsigned long n, uint64_t *last)
{
	unsigned long left = n;

	asm volatile("1:\n\t"
		     "clgi\n\t"
		     "mov %[hsave], %%rax\n\t"
		     "vmsave %%rax\n\t"
		     "mov %[pa], %%rax\n\t"
		     "vmload %%rax\n\t"
		     "vmrun %%rax\n\t"
		     "vmsave %%rax\n\t"
		     "mov %[hsave], %%rax\n\t"
		     "vmload %%rax\n\t"
		     "stgi\n\t"
		     "cmpq %[vmmcall], %c[code](%[v])\n\t"
		     "jne 2f\n\t"
		     "addq %[len], %c[rip](%[v])\n\t"
		     "dec %[left]\n\t"
		     "jnz 1b\n"
		     "2:"
		     : [left] "+r"(left)
		     : [pa] "r"(virt_to_phys(vmcb)), [v] "r"(vmcb),
		       [hsave] "r"(virt_to_phys(svm_host_save_page(smp_id()))),
		       [vmmcall] "i"(VMEXIT_VMMCALL), [len] "i"(VMMCALL_LEN),
		       [code] "i"(offsetof(struct vmcb, control.exit_code)),
		       [rip] "i"(offsetof(struct vmcb, save.rip))
		     : "rax", "memory", "cc");
	*last = vmcb->control.exit_code;
	return n - left;
}

/*
 * bare_regs, information only: the bare loop plus what any harness that
 * hands its exit handlers the guest's registers does at least: the guest's
 * GPRs but RAX and RSP (the VMCB's) stored to memory at each #VMEXIT and
 * loaded before each VMRUN (the count and the VMCB's address then live in
 * memory too).  The floor under the harness's cost, measured: docs/bench.md.
 */
static unsigned long bare_regs_loop(struct vmcb *vmcb, unsigned long n, uint64_t *last)
{
	unsigned long left = n;
	struct vmcb *v = vmcb;

	asm volatile(BENCH_PUSH_CALLEE_SAVED
		     "sub $144, %%rsp\n\t"	/* the guest's GPRs at 8-112, the count at 120, the VMCB at 128 */
		     "mov %%rdi, 120(%%rsp)\n\t"
		     "mov %%rsi, 128(%%rsp)\n\t"
		     "xor %%ebx, %%ebx\n\t"		/* the guest's GPRs start at 0 */
		     "mov $14, %%ecx\n"
		     "0:\tmov %%rbx, (%%rsp,%%rcx,8)\n\t"
		     "loop 0b\n"
		     "1:\t" BENCH_LOAD_GPRS
		     "vmrun %%rax\n\t"
		     BENCH_STORE_GPRS
		     "mov 128(%%rsp), %%rbx\n\t"
		     "cmpq %[vmmcall], %c[code](%%rbx)\n\t"
		     "jne 2f\n\t"
		     "addq %[len], %c[rip](%%rbx)\n\t"
		     "decq 120(%%rsp)\n\t"
		     "jnz 1b\n"
		     "2:\tmov 120(%%rsp), %%rdi\n\t"
		     "add $144, %%rsp\n\t"
		     BENCH_POP_CALLEE_SAVED
		     : "+D"(left), "+S"(v)
		     : "a"(virt_to_phys(vmcb)), [vmmcall] "i"(VMEXIT_VMMCALL), [len] "i"(VMMCALL_LEN),
		       [code] "i"(offsetof(struct vmcb, control.exit_code)),
		       [rip] "i"(offsetof(struct vmcb, save.rip))
		     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
	*last = vmcb->control.exit_code;
	return n - left;
}

/* A bare measurement: a guest whose RIP is set once, then the loop in each turn. */
struct bare {
	struct bench_kind k;		/* first: the turn function gets &k */
	unsigned long (*loop)(struct vmcb *vmcb, unsigned long n, uint64_t *last);
	struct svm_guest g;
	bool ready;
	char why[160];			/* how the turn that went wrong did, or the last */
};

static bool bare_turn(struct bench_kind *k, unsigned long n)
{
	struct bare *b = (struct bare *)k;
	uint64_t last = 0;
	char got[64];

	uint64_t flags = read_rflags();
	bench_begin(k->name, n);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = b->loop(b->g.vmcb, n, &last);
	uint64_t t1 = rdtsc();
	asm volatile("stgi" ::: "memory");	/* the bare loop's #VMEXITs left GIF clear */
	write_rflags(flags);
	bench_turn_done(k, done, t1 - t0);
	snprintf(b->why, sizeof(b->why), "turn %lu: every exit's EXITCODE: expected VMEXIT_VMMCALL, got %s",
		 k->turns, svm_exit_str(last, got, sizeof(got)));
	return done == n && last == VMEXIT_VMMCALL;
}

/* One check over all turns: the one that went wrong, or the last. */
static void bare_report(struct bare *b, unsigned long chunks)
{
	if (b->ready)
		report(!b->k.stopped, "%s: %lu turns of %lu, %lu exits taken; %s", b->k.name, b->k.turns, chunks,
		       b->k.trips, b->why);
	svm_guest_free(&b->g);
}

/* A bare kind's guest: the harness's VMCB, its RIP at the bare guest's loop. */
static void bare_setup(struct bare *b)
{
	b->ready = svm_guest_create(&b->g, NULL, NULL);
	b->k.stopped = !b->ready;
	if (b->ready)
		b->g.vmcb->save.rip = (uint64_t)bench_bare_guest;
}

int main(int argc, char **argv)
{
	unsigned long rounds, chunks;
	struct harness h = { .b.k = { .name = "harness", .turn = harness_turn } };
	struct bare bare = { .k = { .name = "bare", .turn = bare_turn }, .loop = bare_loop };
	struct bare bare_state = { .k = { .name = "bare_state", .turn = bare_turn }, .loop = bare_state_loop };
	struct bare bare_regs = { .k = { .name = "bare_regs", .turn = bare_turn }, .loop = bare_regs_loop };
	struct bench_kind *const kinds[] = { &h.b.k, &bare.k, &bare_state.k, &bare_regs.k };

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	if (bench_start(DEFAULT_ROUNDS, &rounds, &chunks)) {
		/* The harness's guest on this stack, beside the exit frame: no page of the program's own. */
		h.b.ready = svm_guest_create(&h.g, guest_calls, &h.b);
		h.b.k.stopped = !h.b.ready;
		if (h.b.ready)
			svm_guest_on_exit(&h.g, VMEXIT_VMMCALL, on_vmmcall);
		bare_setup(&bare);
		bare_setup(&bare_state);
		bare_setup(&bare_regs);
		bench_take_turns(kinds, sizeof(kinds) / sizeof(kinds[0]), rounds, chunks);
		bench_harness_report(&h.b, chunks, "VMMCALL");
		svm_guest_free(&h.g);
		bare_report(&bare, chunks);
		bare_report(&bare_state, chunks);
		bare_report(&bare_regs, chunks);
	}
	svm_program_finish();
	return 0;
}
