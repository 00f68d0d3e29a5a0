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
 * Output, one INFO line each (scripts/bench.py parses them):
 *
 *   INFO: bench: tsc_hz=N source=pit|cpuid-0x15
 *   INFO: bench: harness begin round_trips=N
 *   INFO: bench: harness round_trips=N tsc_cycles=C cycles_per_trip=X.Y
 *   INFO: bench: bare begin round_trips=N
 *   INFO: bench: bare round_trips=N tsc_cycles=C cycles_per_trip=X.Y
 *
 * The harness executes the same VMX instructions per exit as the bare
 * loop (VMREAD of the exit reason and of GUEST_RIP, VMWRITE of GUEST_RIP,
 * VMRESUME): what it adds is plain instructions.
 *
 * The "begin" line is drained from the UART before the clock starts, so
 * the host can time the loop by the arrival of the two lines.  Checks:
 * every one of the N exits came, with basic exit reason VMCALL (18) (the
 * harness's count of the guest's VMCALL exits is N and its final one),
 * and the guest's RAX, which it sets once, came back from all of them.  Argument rounds=N (default 20000) sets N.  SKIP where VMX
 * is absent.
 */
#include "hvtest.h"
#include "bench.h"
#include "vmx/guest.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmxon.h"

#define DEFAULT_ROUNDS	20000ul
#define VMCALL_LEN	3		/* 0f 01 c1 */
#define BENCH_RAX	0x42454e43ull	/* "BENC" */

static unsigned long rounds = DEFAULT_ROUNDS, chunks = 1;

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
	unsigned long n = ((struct bench_run *)arg)->rounds;
	uint64_t rax = BENCH_RAX;

	if (n)
		asm volatile("1:\tvmcall\n\t"
			     "dec %[n]\n\t"
			     "jnz 1b"
			     : [n] "+r"(n), "+a"(rax) :: "memory", "cc");
	((struct bench_run *)arg)->rax_after = rax;
}

/* The harness counts the exit; the handler steps over the VMCALL, as the bare loop does. */
HV_EXIT_HOT static bool on_vmcall(struct vmx_guest *g)
{
	vmx_guest_skip(g, VMCALL_LEN);
	return true;
}

/* The harness's measurement: one guest, reloaded for each turn to run that turn's VMCALLs. */
struct harness {
	struct bench_kind k;
	struct vmx_guest g;
	struct bench_run run;
	bool ready;
	/* Over all turns (a turn that goes wrong is the last): */
	unsigned long ended;		/* turns whose guest ran to its end */
	unsigned long exits;		/* the harness's count of VMCALL exits but each turn's final one */
	struct hv_result entry;		/* the last turn's VM entry */
	char other_end[160];		/* the last turn's end, when it was not the guest's */
	uint64_t rax;			/* the guest's RAX after the last turn's round trips */
};

static void harness_setup(struct harness *h)
{
	h->k.name = "harness";
	h->entry = HV_RESULT_OK;
	h->ready = vmx_guest_create(&h->g, guest_calls, &h->run);
	if (h->ready)
		vmx_guest_on_exit(&h->g, VMX_EXIT_VMCALL, on_vmcall);
}

static void harness_turn(struct harness *h, unsigned long n)
{
	struct vmx_guest *g = &h->g;

	if (!h->ready || h->k.stopped)
		return;
	h->run.rounds = n;
	h->run.rax_after = 0;
	if (!vmx_guest_load(g)) {	/* the guest from its start: guest_calls, n VMCALLs */
		h->k.stopped = true;
		return;
	}
	uint32_t before = g->exits->counts[VMX_EXIT_VMCALL];
	bench_begin(h->k.name, n);
	uint64_t t0 = rdtsc();
	struct hv_result r = vmx_guest_run(g);
	uint64_t t1 = rdtsc();
	unsigned long exits = g->exits->counts[VMX_EXIT_VMCALL] - before - (g->done ? 1 : 0);

	bench_turn_done(&h->k, exits, t1 - t0);
	h->exits += exits;
	h->entry = r;
	if (g->done)
		h->ended++;
	else if (hv_result_ok(r))
		vmx_exit_str(g, h->other_end, sizeof(h->other_end));
	h->rax = h->run.rax_after;
	h->k.stopped = !hv_result_ok(r) || !g->done || exits != n || h->run.rax_after != BENCH_RAX;
}

static void harness_report(struct harness *h)
{
	if (!h->ready)
		return;
	if (report_result(NULL, HV_RESULT_OK, h->entry, "harness: VM entry"))
		report(h->ended == chunks, "harness: the guest ran to its end in each of %lu turns: %lu did%s%s",
		       chunks, h->ended, h->other_end[0] ? "; the last ended at " : "", h->other_end);
	report_u64(NULL, rounds, h->exits, "harness: VMCALL exits handled (the harness's count)");
	report_u64(NULL, BENCH_RAX, h->rax, "harness: the guest's RAX after its round trips of each turn");
	vmx_guest_free(&h->g);
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
		     "jmp 3f\n"			/* VMfail: r stays ~0 */
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
	struct bench_kind k;
	unsigned long (*loop)(unsigned long n, uint64_t *reason);
	struct vmx_guest g;
	bool ready;
	uint64_t reason;		/* the exit reason that ended the last turn (a turn cut short is the last) */
};

static void bare_setup(struct bare *b, const char *kind, unsigned long (*loop)(unsigned long, uint64_t *))
{
	b->k.name = kind;
	b->loop = loop;
	b->ready = vmx_guest_create(&b->g, bench_bare_guest, NULL);
}

static void bare_turn(struct bare *b, unsigned long n)
{
	uint64_t reason = 0;

	if (!b->ready || b->k.stopped)
		return;
	/* The harness launches the VMCS and steps over the first VMCALL; then the bare loop. */
	if (!vmx_guest_load(&b->g) || !vmx_guest_expect(&b->g, VMX_EXIT_VMCALL, "bare: first entry (VMLAUNCH)")) {
		b->k.stopped = true;
		return;
	}
	uint64_t flags = read_rflags();
	bench_begin(b->k.name, n);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = b->loop(n, &reason);
	uint64_t t1 = rdtsc();
	write_rflags(flags);
	bench_turn_done(&b->k, done, t1 - t0);
	b->reason = reason;
	if (reason != ~0ull) {
		b->g.exit.reason = (uint32_t)reason;
		b->g.exit.guest_rip = vmcs_read(VMCS_GUEST_RIP);
	}
	b->k.stopped = done != n || reason != VMX_EXIT_VMCALL;
}

static void bare_report(struct bare *b)
{
	char got[160];

	if (!b->ready)
		return;
	report_u64(NULL, rounds, b->k.trips, "%s: VMCALL exits taken", b->k.name);
	if (b->reason == ~0ull)
		report(false, "%s: VMRESUME failed after %lu exits", b->k.name, b->k.trips);
	else
		report(b->reason == VMX_EXIT_VMCALL, "%s: every exit's reason: expected VMCALL (%u), got %s",
		       b->k.name, VMX_EXIT_VMCALL, vmx_exit_str(&b->g, got, sizeof(got)));
	vmx_guest_free(&b->g);
}

int main(int argc, char **argv)
{
	static struct harness h;
	static struct bare bare, bare_regs;

	rounds = arg_ulong("rounds", DEFAULT_ROUNDS);
	chunks = arg_ulong("chunks", 1);
	if (!chunks || chunks > rounds)
		chunks = 1;
	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	report_info("bench: tsc_hz=%llu source=%s", (unsigned long long)tsc_hz(), tsc_hz_source());
	harness_setup(&h);
	bare_setup(&bare, "bare", bare_loop);
	bare_setup(&bare_regs, "bare_regs", bare_regs_loop);
	for (unsigned long turn = 0; turn < chunks; turn++) {
		unsigned long n = bench_turn_size(rounds, chunks, turn);

		harness_turn(&h, n);
		bare_turn(&bare, n);
		bare_turn(&bare_regs, n);
	}
	harness_report(&h);
	bare_report(&bare);
	bare_report(&bare_regs);
	vmx_program_finish();
	return 0;
}
