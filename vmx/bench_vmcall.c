/*
 * The world switch, timed (make bench, docs/bench.md): N guest exits by
 * VMCALL, each handled and the guest resumed,
 *
 *   harness  through the guest harness: vmx_guest_run() with a VMCALL
 *            handler that steps RIP by 3
 *            (lib/vmx/guest.h, entry.S: GPRs saved and loaded around
 *            VMRESUME, exit reason and RIP read, the exit counted and
 *            dispatched through the guest's exit page); the guest a loop
 *            of VMCALL, DEC, JNZ;
 *   bare     a loop of the same instruction without the harness: VMRESUME,
 *            at HOST_RIP read the exit reason, check it, GUEST_RIP += 3,
 *            VMRESUME again (the guest touches no register), interrupts off.
 *   bare_regs  (information) the bare loop plus the guest's 15 GPRs stored
 *            at each exit and loaded before each VMRESUME: the floor of any
 *            harness whose handlers see the guest's registers.
 *
 * Arguments: rounds=N (default 20000) round trips of each kind; chunks=K
 * (default 1): the kinds take K turns each (harness, bare, bare_regs, then
 * the other way round), each turn the next K-th of the N (lib/bench.h).
 * Output, one INFO line each (scripts/bench.py parses them):
 *
 *   INFO: bench: tsc_hz=N source=pit|cpuid-0x15 turns=K
 *   INFO: bench: harness begin round_trips=n                       (each turn)
 *   INFO: bench: harness round_trips=n tsc_cycles=C cycles_per_trip=X.Y
 *   INFO: bench: bare begin round_trips=n                          (and bare_regs)
 *   INFO: bench: bare round_trips=n tsc_cycles=C cycles_per_trip=X.Y
 *
 * The harness executes the same VMX instructions per exit as the bare
 * loop (VMREAD of the exit reason and of GUEST_RIP, VMWRITE of GUEST_RIP,
 * VMRESUME): what it adds is plain instructions.
 *
 * The "begin" line is drained from the UART before the clock starts, so
 * the host can time a turn by the arrival of its two lines.  One check per
 * kind, over all its turns (a turn that goes wrong is the kind's last):
 * the harness's guest ran to its end in each turn, with n VMCALL exits as
 * the harness counted them and its RAX, which it sets once, back after
 * them all; each bare turn took its n exits, every one VMCALL (18).  SKIP
 * where VMX is absent.
 */
#include "hvtest.h"
#include "bench.h"
#include "vmx/guest.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

#define DEFAULT_ROUNDS	20000ul
#define VMCALL_LEN	3		/* 0f 01 c1 */
#define BENCH_RAX	0x42454e43ull	/* "BENC" */


/* The bare loop's guest: VMCALL forever; the host steps over each one. */
void bench_bare_guest(void *arg);
asm(".text\n"
    ".globl bench_bare_guest\n"
    "bench_bare_guest:\n\t"
    "vmcall\n\t"
    "jmp bench_bare_guest\n");

/* The harness's guest: N VMCALLs with RAX = BENCH_RAX, then return (the guest's end). */
static void guest_calls(void *arg)
{
	unsigned long n = ((struct bench_harness *)arg)->rounds;
	uint64_t rax = BENCH_RAX;

	if (n)
		asm volatile("1:\tvmcall\n\t"
			     "dec %[n]\n\t"
			     "jnz 1b"
			     : [n] "+r"(n), "+a"(rax) :: "memory", "cc");
	((struct bench_harness *)arg)->rax_after = rax;
}

/* The harness counts the exit; the handler steps over the VMCALL, as the bare loop does. */
HV_EXIT_HOT static bool on_vmcall(struct vmx_guest *g)
{
	vmx_guest_skip(g, VMCALL_LEN);
	return true;
}

/* The harness's measurement: one guest, reloaded for each turn to run that turn's VMCALLs. */
struct harness {
	struct bench_harness b;		/* first: the turn function gets &b.k */
	struct vmx_guest g;
};

static bool harness_turn(struct bench_kind *k, unsigned long n)
{
	struct harness *h = (struct harness *)k;
	struct vmx_guest *g = &h->g;
	char got[160];

	h->b.rounds = n;
	h->b.rax_after = 0;
	if (!(h->b.ready = vmx_guest_load(g)))	/* the guest from its start: guest_calls, n VMCALLs */
		return false;
	uint32_t before = g->exits->counts[VMX_EXIT_VMCALL];
	bench_begin(k->name, n);
	uint64_t t0 = rdtsc();
	struct hv_result r = vmx_guest_run(g);
	uint64_t t1 = rdtsc();
	/* The guest's VMCALL exits but its final one (the guest's end), as the harness counted them. */
	unsigned long exits = g->exits->counts[VMX_EXIT_VMCALL] - before - (g->done ? 1 : 0);

	bench_turn_done(k, exits, t1 - t0);
	if (!hv_result_ok(r)) {
		h->b.rax = h->b.rax_after;
		snprintf(h->b.why, sizeof(h->b.why), "turn %lu: VM entry: expected success, got %s", k->turns,
			 hv_result_str(r, got, sizeof(got)));
		return false;
	}
	return bench_harness_turn_end(&h->b, n, exits, g->done, vmx_exit_str(g, got, sizeof(got)), "VMCALL",
				      BENCH_RAX);
}

/*
 * VMRESUME ... VM exit at the label 2, check the exit reason, GUEST_RIP
 * += 3, again: n times or until an exit that is not VMCALL or a VMRESUME
 * that fails (its exit reason in *reason, ~0 for a VMfail).  Returns the
 * exits taken.  HOST_RSP and HOST_RIP are written here; the guest changes
 * no register, so the host's come back as they were.
 */
static unsigned long bare_loop(unsigned long n, uint64_t *reason)
{
	unsigned long left = n;
	uint64_t r = ~0ull, field = 0, tmp = 0;

	asm volatile("mov %[host_rsp], %[field]\n\t"
		     "vmwrite %%rsp, %[field]\n\t"
		     "lea 2f(%%rip), %[tmp]\n\t"
		     "mov %[host_rip], %[field]\n\t"
		     "vmwrite %[tmp], %[field]\n"
		     "1:\tvmresume\n\t"
		     "mov $-1, %[r]\n\t"		/* VMfail */
		     "jmp 3f\n"
		     "2:\tmov %[exit_reason], %[field]\n\t"
		     "vmread %[field], %[r]\n\t"
		     "cmp %[vmcall], %[r]\n\t"
		     "jne 3f\n\t"
		     "mov %[guest_rip], %[field]\n\t"
		     "vmread %[field], %[tmp]\n\t"
		     "add %[len], %[tmp]\n\t"
		     "vmwrite %[tmp], %[field]\n\t"
		     "dec %[left]\n\t"
		     "jnz 1b\n"
		     "3:"
		     : [left] "+r"(left), [r] "+r"(r), [field] "+r"(field), [tmp] "+r"(tmp)
		     : [host_rsp] "i"(VMCS_HOST_RSP), [host_rip] "i"(VMCS_HOST_RIP),
		       [exit_reason] "i"(VMCS_EXIT_REASON), [guest_rip] "i"(VMCS_GUEST_RIP),
		       [vmcall] "i"(VMX_EXIT_VMCALL), [len] "i"(VMCALL_LEN)
		     : "memory", "cc");
	*reason = r;
	return n - left;	/* an exit that ended the loop early is not counted */
}

/*
 * bare_regs, information only: the bare loop plus what any harness that
 * hands its exit handlers the guest's registers does at least: the guest's
 * 15 GPRs stored to memory at each exit and loaded before each VMRESUME
 * (the count then lives in memory too).  The floor under the harness's
 * cost, measured: docs/bench.md.
 */
static unsigned long bare_regs_loop(unsigned long n, uint64_t *reason)
{
	unsigned long left = n;
	uint64_t r;

	asm volatile(BENCH_PUSH_CALLEE_SAVED
		     "sub $128, %%rsp\n\t"		/* the guest's GPRs at 0-112, the count at 120 */
		     "mov %%rdi, 120(%%rsp)\n\t"
		     "xor %%eax, %%eax\n\t"		/* the guest's GPRs start at 0 */
		     "mov $15, %%ecx\n"
		     "0:\tmov %%rax, -8(%%rsp,%%rcx,8)\n\t"
		     "loop 0b\n\t"
		     "mov %[host_rsp], %%rax\n\t"
		     "vmwrite %%rsp, %%rax\n\t"
		     "lea 2f(%%rip), %%rdx\n\t"
		     "mov %[host_rip], %%rax\n\t"
		     "vmwrite %%rdx, %%rax\n"
		     "1:\tmov 0(%%rsp), %%rax\n\t" BENCH_LOAD_GPRS
		     "vmresume\n\t"
		     "mov $-1, %%rax\n\t"		/* VMfail */
		     "jmp 3f\n"
		     "2:\tmov %%rax, 0(%%rsp)\n\t" BENCH_STORE_GPRS
		     "mov %[exit_reason], %%rdx\n\t"
		     "vmread %%rdx, %%rax\n\t"
		     "cmp %[vmcall], %%rax\n\t"
		     "jne 3f\n\t"
		     "mov %[guest_rip], %%rdx\n\t"
		     "vmread %%rdx, %%rcx\n\t"
		     "add %[len], %%rcx\n\t"
		     "vmwrite %%rcx, %%rdx\n\t"
		     "decq 120(%%rsp)\n\t"
		     "jnz 1b\n"
		     "3:\tmov 120(%%rsp), %%rdi\n\t"
		     "add $128, %%rsp\n\t"
		     BENCH_POP_CALLEE_SAVED
		     : "+D"(left), "=a"(r)
		     : [host_rsp] "i"(VMCS_HOST_RSP), [host_rip] "i"(VMCS_HOST_RIP),
		       [exit_reason] "i"(VMCS_EXIT_REASON), [guest_rip] "i"(VMCS_GUEST_RIP),
		       [vmcall] "i"(VMX_EXIT_VMCALL), [len] "i"(VMCALL_LEN)
		     : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
	*reason = r;
	return n - left;
}

/* A bare measurement: a guest launched once per turn, then the loop. */
struct bare {
	struct bench_kind k;		/* first: the turn function gets &k */
	unsigned long (*loop)(unsigned long n, uint64_t *reason);
	struct vmx_guest g;
	bool ready;			/* created, and each turn's first entry worked (else its FAIL says why) */
	char why[224];			/* how the turn that went wrong did */
};

static bool bare_turn(struct bench_kind *k, unsigned long n)
{
	struct bare *b = (struct bare *)k;
	uint64_t reason = 0;
	char got[160], what[48];

	/* The harness launches the VMCS and steps over the first VMCALL; then the bare loop. */
	snprintf(what, sizeof(what), "%s: first entry (VMLAUNCH)", k->name);
	b->ready = vmx_guest_load(&b->g) && vmx_guest_expect(&b->g, VMX_EXIT_VMCALL, what);
	if (!b->ready)
		return false;
	uint64_t flags = read_rflags();
	bench_begin(k->name, n);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = b->loop(n, &reason);
	uint64_t t1 = rdtsc();
	write_rflags(flags);
	bench_turn_done(k, done, t1 - t0);
	if (reason == ~0ull) {
		snprintf(b->why, sizeof(b->why), "turn %lu: VMRESUME failed after %lu exits (VM-instruction error %llu)",
			 k->turns, done, (unsigned long long)vmcs_read(VMCS_VM_INSTRUCTION_ERROR));
		return false;
	}
	b->g.exit.reason = (uint32_t)reason;
	b->g.exit.guest_rip = vmcs_read(VMCS_GUEST_RIP);
	b->g.exit.qualification = vmcs_read(VMCS_EXIT_QUALIFICATION);
	snprintf(b->why, sizeof(b->why), "turn %lu: every exit's reason: expected VMCALL (%u), got %s",
		 k->turns, VMX_EXIT_VMCALL, vmx_exit_str(&b->g, got, sizeof(got)));
	return done == n && reason == VMX_EXIT_VMCALL;
}

/* A bare kind's guest (launched at each turn). */
static void bare_setup(struct bare *b)
{
	b->ready = vmx_guest_create(&b->g, bench_bare_guest, NULL);
	b->k.stopped = !b->ready;
}

/* One check over all turns: the one that went wrong, or the last. */
static void bare_report(struct bare *b, unsigned long chunks)
{
	if (b->ready)
		report(!b->k.stopped, "%s: %lu turns of %lu, %lu exits taken; %s", b->k.name, b->k.turns, chunks,
		       b->k.trips, b->why);
	vmx_guest_free(&b->g);
}

int main(int argc, char **argv)
{
	unsigned long rounds, chunks;
	struct harness h = { .b.k = { .name = "harness", .turn = harness_turn } };
	struct bare bare = { .k = { .name = "bare", .turn = bare_turn }, .loop = bare_loop };
	struct bare bare_regs = { .k = { .name = "bare_regs", .turn = bare_turn }, .loop = bare_regs_loop };
	struct bench_kind *const kinds[] = { &h.b.k, &bare.k, &bare_regs.k };

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	if (bench_start(DEFAULT_ROUNDS, &rounds, &chunks)) {
		/* The harness's guest on this stack, beside the exit frame: no page of the program's own. */
		h.b.ready = vmx_guest_create(&h.g, guest_calls, &h.b);
		h.b.k.stopped = !h.b.ready;
		if (h.b.ready)
			vmx_guest_on_exit(&h.g, VMX_EXIT_VMCALL, on_vmcall);
		bare_setup(&bare);
		bare_setup(&bare_regs);
		bench_take_turns(kinds, sizeof(kinds) / sizeof(kinds[0]), rounds, chunks);
		bench_harness_report(&h.b, chunks, "VMCALL");
		vmx_guest_free(&h.g);
		bare_report(&bare, chunks);
		bare_report(&bare_regs, chunks);
	}
	vmx_program_finish();
	return 0;
}
