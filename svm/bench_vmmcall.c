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

static unsigned long rounds = DEFAULT_ROUNDS;

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

static void bench_harness(void)
{
	struct svm_guest g;
	struct bench_run run = { .rounds = rounds };
	char got[48];

	if (!svm_guest_create(&g, guest_calls, &run))
		return;
	svm_guest_on_exit(&g, VMEXIT_VMMCALL, on_vmmcall);
	bench_begin("harness", rounds);
	uint64_t t0 = rdtsc();
	uint64_t code = svm_guest_run(&g);
	uint64_t t1 = rdtsc();
	/* The guest's VMMCALL exits but its final one (the guest's end), as the harness counted them. */
	run.exits = g.exits->counts[svm_exit_slot(VMEXIT_VMMCALL)] - (g.done ? 1 : 0);
	bench_result("harness", run.exits, t1 - t0);
	report(code == VMEXIT_VMMCALL && g.done, "harness: the guest ran to its end: last exit %s",
	       svm_exit_str(code, got, sizeof(got)));
	report_u64(NULL, rounds, run.exits, "harness: VMMCALL exits handled (the harness's count)");
	report_u64(NULL, BENCH_RAX, run.rax_after, "harness: the guest's RAX after %lu round trips", rounds);
	svm_guest_free(&g);
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

static void bench_bare(const char *kind,
		       unsigned long (*loop)(struct vmcb *, unsigned long, uint64_t *))
{
	struct svm_guest g;
	uint64_t last = 0;

	if (!svm_guest_create(&g, NULL, NULL))
		return;
	g.vmcb->save.rip = (uint64_t)bench_bare_guest;
	uint64_t flags = read_rflags();
	bench_begin(kind, rounds);
	irq_disable();
	uint64_t t0 = rdtsc();
	unsigned long done = loop(g.vmcb, rounds, &last);
	uint64_t t1 = rdtsc();
	asm volatile("stgi" ::: "memory");	/* the bare loop's #VMEXITs left GIF clear */
	write_rflags(flags);
	bench_result(kind, done, t1 - t0);
	report_u64(NULL, rounds, done, "%s: VMMCALL exits taken", kind);
	svm_report_exit(NULL, VMEXIT_VMMCALL, last, "%s: every exit's EXITCODE", kind);
	svm_guest_free(&g);
}

int main(int argc, char **argv)
{
	rounds = arg_ulong("rounds", DEFAULT_ROUNDS);
	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	report_info("bench: tsc_hz=%llu source=%s", (unsigned long long)tsc_hz(), tsc_hz_source());
	bench_harness();
	bench_bare("bare", bare_loop);
	bench_bare("bare_state", bare_state_loop);
	bench_bare("bare_regs", bare_regs_loop);
	svm_program_finish();
	return 0;
}
