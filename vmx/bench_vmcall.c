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

static unsigned long rounds = DEFAULT_ROUNDS;

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

static void bench_harness(void)
{
	struct vmx_guest g;
	struct bench_run run = { .rounds = rounds };
	char got[160];

	if (!vmx_guest_create(&g, guest_calls, &run) || !vmx_guest_load(&g))
		return;
	vmx_guest_on_exit(&g, VMX_EXIT_VMCALL, on_vmcall);
	bench_begin("harness", rounds);
	uint64_t t0 = rdtsc();
	struct hv_result r = vmx_guest_run(&g);
	uint64_t t1 = rdtsc();
	/* The guest's VMCALL exits but its final one (the guest's end), as the harness counted them. */
	run.exits = g.exits->counts[VMX_EXIT_VMCALL] - (g.done ? 1 : 0);
	bench_result("harness", run.exits, t1 - t0);
	if (report_result(NULL, HV_RESULT_OK, r, "harness: VM entry"))
		report(g.done, "harness: the guest ran to its end: %s", vmx_exit_str(&g, got, sizeof(got)));
	report_u64(NULL, rounds, run.exits, "harness: VMCALL exits handled (the harness's count)");
	report_u64(NULL, BENCH_RAX, run.rax_after, "harness: the guest's RAX after %lu round trips", rounds);
	vmx_guest_free(&g);
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

static void bench_bare(const char *kind, unsigned long (*loop)(unsigned long, uint64_t *))
{
	struct vmx_guest g;
	uint64_t reason = 0;
	char got[160];

	/* The harness launches the VMCS and steps over the first VMCALL; then the bare loop. */
	if (!vmx_guest_create(&g, bench_bare_guest, NULL) || !vmx_guest_load(&g))
		return;
	if (!vmx_guest_expect(&g, VMX_EXIT_VMCALL, "bare: first entry (VMLAUNCH)")) {
		vmx_guest_free(&g);
		return;
	}
	uint64_t flags = read_rflags();
	bench_begin(kind, rounds);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = loop(rounds, &reason);
	uint64_t t1 = rdtsc();
	write_rflags(flags);
	bench_result(kind, done, t1 - t0);
	report_u64(NULL, rounds, done, "%s: VMCALL exits taken", kind);
	if (reason == ~0ull) {
		report(false, "%s: VMRESUME failed after %lu exits", kind, done);
	} else {
		g.exit.reason = (uint32_t)reason;
		g.exit.guest_rip = vmcs_read(VMCS_GUEST_RIP);
		report(reason == VMX_EXIT_VMCALL, "%s: every exit's reason: expected VMCALL (%u), got %s",
		       kind, VMX_EXIT_VMCALL, vmx_exit_str(&g, got, sizeof(got)));
	}
	vmx_guest_free(&g);
}

int main(int argc, char **argv)
{
	rounds = arg_ulong("rounds", DEFAULT_ROUNDS);
	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	report_info("bench: tsc_hz=%llu source=%s", (unsigned long long)tsc_hz(), tsc_hz_source());
	bench_harness();
	bench_bare("bare", bare_loop);
	bench_bare("bare_regs", bare_regs_loop);
	vmx_program_finish();
	return 0;
}
