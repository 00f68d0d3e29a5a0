/*
 * Each exception that can be raised on purpose is caught with the right
 * vector and error code (SDM Vol. 3A, 6.15), and the program goes on.
 */
#include "hvtest.h"

static void test_de(void)
{
	uint32_t zero = 0, eax = 1, edx = 0;
	struct hv_result r = HV_TRY("divl %2", : "+a"(eax), "+d"(edx) : "r"(zero) : "memory");

	report_result(NULL, HV_RESULT_EXC(DE_VECTOR), r, "DIV by zero");
}

static void test_db(void)
{
	/* INT1/ICEBP (F1) raises #DB as a trap, no error code (SDM Vol. 2A, INT n/INTO/INT3/INT1). */
	report_result("qemu-tcg-icebp-ud", HV_RESULT_EXC(DB_VECTOR), HV_TRY(".byte 0xf1", ::: "memory"),
		      "INT1 (ICEBP, opcode F1)");

	/* EFLAGS.TF: single-step trap after the next instruction. */
	struct hv_result r = HV_TRY("pushfq; orq $0x100, (%%rsp); popfq; nop", ::: "memory", "cc");
	report_result(NULL, HV_RESULT_EXC(DB_VECTOR), r, "single step with EFLAGS.TF");
	report(!(read_rflags() & X86_EFLAGS_TF), "EFLAGS.TF clear after the single-step trap (rflags=%#lx)",
	       (unsigned long)read_rflags());
}

static void test_bp(void)
{
	report_result(NULL, HV_RESULT_EXC(BP_VECTOR), HV_TRY("int3", ::: "memory"), "INT3");
}

static void test_ud(void)
{
	report_result(NULL, HV_RESULT_UD, HV_TRY("ud2", ::: "memory"), "UD2");
}

static void test_gp(void)
{
	uint64_t val;
	/* RDMSR/WRMSR of a reserved or unimplemented MSR: #GP(0) (SDM Vol. 2B, RDMSR). 0x2ff0 is not architectural. */
	report_result("qemu-tcg-msr-unknown-no-gp", HV_RESULT_GP0, rdmsr_safe(0x2ff0, &val),
		      "RDMSR of a non-existent MSR (0x2ff0)");
	report_result("qemu-tcg-msr-unknown-no-gp", HV_RESULT_GP0, wrmsr_safe(0x2ff0, 0),
		      "WRMSR of a non-existent MSR (0x2ff0)");

	uint8_t b;
	report_result(NULL, HV_RESULT_GP0, read_byte_safe((void *)NONCANONICAL_ADDR, &b),
		      "read at the non-canonical address %#llx", NONCANONICAL_ADDR);
	/*
	 * Clearing CR4.PAE while IA-32e mode is active faults with #GP(0)
	 * (SDM Vol. 3A, 2.5).  Where an environment accepts the write, the
	 * CPU loses its page tables and the program dies: not executed there.
	 */
	if (!report_not_executed("qemu-tcg-cr4-pae-clear-no-gp", "MOV to CR4 clearing PAE in IA-32e mode"))
		report_result(NULL, HV_RESULT_GP0, write_cr4_safe(read_cr4() & ~X86_CR4_PAE),
			      "MOV to CR4 clearing PAE in IA-32e mode");
}

#define TEST_VA 0x0000400000000000ull	/* canonical, outside the identity map */

static void test_pf(void)
{
	uint8_t *page = alloc_page();
	volatile uint8_t *va = (volatile uint8_t *)TEST_VA;
	uint8_t b;
	struct hv_result r;

	r = read_byte_safe(va + 0x10, &b);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 0), r, "read of a not-present page");
	report_u64(NULL, TEST_VA + 0x10, this_cpu()->try_cr2, "CR2 after #PF on read");

	r = write_byte_safe(va + 0x20, 1);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 2), r, "write to a not-present page");
	report_u64(NULL, TEST_VA + 0x20, this_cpu()->try_cr2, "CR2 after #PF on write");

	/* A supervisor write to a read-only page faults only when CR0.WP=1 (SDM Vol. 3A, 4.6.1). */
	uint64_t cr0 = read_cr0();
	kernel_map(TEST_VA, virt_to_phys(page), PAGE_SIZE, PT_P | PT_U);
	write_cr0(cr0 | X86_CR0_WP);
	r = write_byte_safe(va, 1);
	report_result(NULL, HV_RESULT_EXC_EC(PF_VECTOR, 3), r, "supervisor write to a read-only page, CR0.WP=1");
	write_cr0(cr0 & ~X86_CR0_WP);
	r = write_byte_safe(va, 0x5a);
	write_cr0(cr0);
	report_result(NULL, HV_RESULT_OK, r, "supervisor write to a read-only page, CR0.WP=0");
	report_u64(NULL, 0x5a, page[0], "byte written with CR0.WP=0");
	kernel_unmap(TEST_VA, PAGE_SIZE);
	free_page(page);
}

/* #AC: CPL 3, CR0.AM and EFLAGS.AC set, misaligned access (SDM 6.15, interrupt 17). */
static struct hv_result ac_result;

static void misaligned_access(void *arg)
{
	volatile uint32_t *p = (volatile uint32_t *)((uint8_t *)arg + 1);
	uint32_t v = 0;

	/*
	 * Not HV_TRY: EFLAGS.AC must be set only around the access, inside one
	 * asm statement (compiled code between would fault on its own
	 * misaligned stores, e.g. of the try state), and cleared after the
	 * resume point.  The same try state and exception table underneath.
	 */
	hv_try_arm();
	asm volatile("pushfq; orq %2, (%%rsp); popfq\n"
		     "1: movl (%1), %0\n2:\n" HV_EXTABLE("1b", "2b")
		     "pushfq; andq %3, (%%rsp); popfq"
		     : "+r"(v) : "r"(p), "i"(X86_EFLAGS_AC), "i"(~X86_EFLAGS_AC) : "memory", "cc");
	ac_result = hv_try_result();
}

static void test_ac(void)
{
	uint64_t cr0 = read_cr0();
	uint8_t *buf = alloc_page();

	write_cr0(cr0 | X86_CR0_AM);
	run_in_user(misaligned_access, buf);
	write_cr0(cr0);
	report_result("qemu-tcg-no-alignment-check", HV_RESULT_EXC_EC(AC_VECTOR, 0), ac_result,
		      "misaligned 4-byte read at CPL 3 with CR0.AM and EFLAGS.AC");
	free_page(buf);
}

static void privileged_at_cpl3(void *arg)
{
	*(struct hv_result *)arg = HV_TRY("mov %%cr0, %%rax", ::: "rax", "memory");
}

static void test_cpl3_gp(void)
{
	struct hv_result r;

	run_in_user(privileged_at_cpl3, &r);
	report_result(NULL, HV_RESULT_GP0, r, "MOV from CR0 at CPL 3");
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "de", test_de }, { "db", test_db }, { "bp", test_bp }, { "ud", test_ud },
		{ "gp", test_gp }, { "pf", test_pf }, { "ac", test_ac }, { "cpl3_gp", test_cpl3_gp },
	};
	run_subtests(tests, ARRAY_SIZE(tests));
	return 0;
}
