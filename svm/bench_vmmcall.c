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
 * Output, one INFO line each (scripts/bench.py parses them):
 *
 *   INFO: bench: tsc_hz=N source=pit|cpuid-0x15
 *   INFO: bench: harness begin round_trips=N
 *   INFO: bench: harness round_trips=N tsc_cycles=C cycles_per_trip=X.Y
 *   INFO: bench: bare begin round_trips=N
 *   INFO: bench: bare round_trips=N tsc_cycles=C cycles_per_trip=X.Y
 *   INFO: bench: bare_state ... (and bare_regs: the same for the variants below)
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
 * the host can time the loop by the arrival of the two lines.  Checks:
 * every one of the N exits came, with EXITCODE VMMCALL (the harness's
 * count of the guest's VMMCALL exits is N and its final one), and the
 * guest's RAX, which it sets once, came back from all of them.
 * Argument rounds=N (default 20000) sets N.  SKIP where SVM is absent.
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

static unsigned long rounds = DEFAULT_ROUNDS, chunks = 1;

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
	unsigned long n = ((struct bench_run *)arg)->rounds;
	uint64_t rax = BENCH_RAX;

	if (n)
		asm volatile("1:\tvmmcall\n\t"
			     "dec %[n]\n\t"
			     "jnz 1b"
			     : [n] "+r"(n), "+a"(rax) :: "memory", "cc");
	((struct bench_run *)arg)->rax_after = rax;
}

/* The harness counts the exit; the handler steps over the VMMCALL, as the bare loop does. */
HV_EXIT_HOT static bool on_vmmcall(struct svm_guest *g)
{
	svm_guest_skip(g, VMMCALL_LEN);
	return true;
}

/* The harness's measurement: one guest, restarted for each turn to run that turn's VMMCALLs. */
struct harness {
	struct bench_kind k;
	struct svm_guest g;
	struct bench_run run;
	bool ready;
	/* Over all turns (a turn that goes wrong is the last): */
	unsigned long ended;		/* turns whose guest ran to its end */
	unsigned long exits;		/* the harness's count of VMMCALL exits but each turn's final one */
	uint64_t code;			/* the exit code that ended the last turn */
	uint64_t rax;			/* the guest's RAX after the last turn's round trips */
};

static void harness_setup(struct harness *h)
{
	h->k.name = "harness";
	h->ready = svm_guest_create(&h->g, guest_calls, &h->run);
	if (h->ready)
		svm_guest_on_exit(&h->g, VMEXIT_VMMCALL, on_vmmcall);
}

static void harness_turn(struct harness *h, unsigned long n)
{
	struct svm_guest *g = &h->g;
	unsigned slot = svm_exit_slot(VMEXIT_VMMCALL);

	if (!h->ready || h->k.stopped)
		return;
	h->run.rounds = n;
	h->run.rax_after = 0;
	svm_guest_set_fn(g, guest_calls, &h->run);	/* the guest from its start: n VMMCALLs */
	uint32_t before = g->exits->counts[slot];
	bench_begin(h->k.name, n);
	uint64_t t0 = rdtsc();
	uint64_t code = svm_guest_run(g);
	uint64_t t1 = rdtsc();
	unsigned long exits = g->exits->counts[slot] - before - (g->done ? 1 : 0);

	bench_turn_done(&h->k, exits, t1 - t0);
	h->exits += exits;
	h->code = code;
	h->ended += g->done;
	h->rax = h->run.rax_after;
	h->k.stopped = !g->done || exits != n || h->run.rax_after != BENCH_RAX;
}

static void harness_report(struct harness *h)
{
	char got[48];

	if (!h->ready)
		return;
	report(h->ended == chunks, "harness: the guest ran to its end in each of %lu turns: %lu did; "
	       "the last turn's last exit %s", chunks, h->ended, svm_exit_str(h->code, got, sizeof(got)));
	report_u64(NULL, rounds, h->exits, "harness: VMMCALL exits handled (the harness's count)");
	report_u64(NULL, BENCH_RAX, h->rax, "harness: the guest's RAX after its round trips of each turn");
	svm_guest_free(&h->g);
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
	struct bench_kind k;
	unsigned long (*loop)(struct vmcb *vmcb, unsigned long n, uint64_t *last);
	struct svm_guest g;
	bool ready;
	uint64_t last;			/* the exit code that ended the last turn (a turn cut short is the last) */
};

static void bare_setup(struct bare *b, const char *kind,
		       unsigned long (*loop)(struct vmcb *, unsigned long, uint64_t *))
{
	b->k.name = kind;
	b->loop = loop;
	b->ready = svm_guest_create(&b->g, NULL, NULL);
	if (b->ready)
		b->g.vmcb->save.rip = (uint64_t)bench_bare_guest;
}

static void bare_turn(struct bare *b, unsigned long n)
{
	uint64_t last = 0;

	if (!b->ready || b->k.stopped)
		return;
	uint64_t flags = read_rflags();
	bench_begin(b->k.name, n);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = b->loop(b->g.vmcb, n, &last);
	uint64_t t1 = rdtsc();
	asm volatile("stgi" ::: "memory");	/* the bare loop's #VMEXITs left GIF clear */
	write_rflags(flags);
	bench_turn_done(&b->k, done, t1 - t0);
	b->last = last;
	b->k.stopped = done != n || last != VMEXIT_VMMCALL;
}

static void bare_report(struct bare *b)
{
	if (!b->ready)
		return;
	report_u64(NULL, rounds, b->k.trips, "%s: VMMCALL exits taken", b->k.name);
	svm_report_exit(NULL, VMEXIT_VMMCALL, b->last, "%s: every exit's EXITCODE", b->k.name);
	svm_guest_free(&b->g);
}

int main(int argc, char **argv)
{
	static struct harness h;
	static struct bare bare, bare_state, bare_regs;

	rounds = arg_ulong("rounds", DEFAULT_ROUNDS);
	chunks = arg_ulong("chunks", 1);
	if (!chunks || chunks > rounds)
		chunks = 1;
	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	report_info("bench: tsc_hz=%llu source=%s", (unsigned long long)tsc_hz(), tsc_hz_source());
	harness_setup(&h);
	bare_setup(&bare, "bare", bare_loop);
	bare_setup(&bare_state, "bare_state", bare_state_loop);
	bare_setup(&bare_regs, "bare_regs", bare_regs_loop);
	for (unsigned long turn = 0; turn < chunks; turn++) {
		unsigned long n = bench_turn_size(rounds, chunks, turn);

		harness_turn(&h, n);
		bare_turn(&bare, n);
		bare_turn(&bare_state, n);
		bare_turn(&bare_regs, n);
	}
	harness_report(&h);
	bare_report(&bare);
	bare_report(&bare_state);
	bare_report(&bare_regs);
	svm_program_finish();
	return 0;
}
