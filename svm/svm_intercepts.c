/*
 * Intercepts (APM Vol. 2 15.9-15.12): the I/O permission map port by port,
 * the MSR permission map MSR by MSR in all three ranges and outside them,
 * CPUID, HLT, VMMCALL and shutdown.
 */
#include "hvtest.h"
#include "svm/enable.h"
#include "svm/guest.h"
#include "svm/program.h"
#include "svm/stubs.h"
#include "svm/svm_defs.h"

static struct svm_guest guest;

static uint64_t run_stub(void (*stub)(void), uint64_t rcx, uint64_t rdx, uint64_t rax)
{
	svm_guest_set_fn(&guest, (hv_guest_fn *)stub, NULL);
	guest.regs.rcx = rcx;
	guest.regs.rdx = rdx;
	guest.vmcb->save.rax = rax;
	return svm_guest_run(&guest);
}

/* ---- I/O permission map (APM 15.10) ---- */

static const struct io_insn {
	const char *name;
	void (*stub)(void);
	const char *end;
	unsigned size;
	bool in;
} io_insns[] = {
	{ "IN8", g_inb, g_inb_end, 1, true }, { "IN16", g_inw, g_inw_end, 2, true },
	{ "IN32", g_inl, g_inl_end, 4, true }, { "OUT8", g_outb, g_outb_end, 1, false },
	{ "OUT16", g_outw, g_outw_end, 2, false }, { "OUT32", g_outl, g_outl_end, 4, false },
};

static void iopm_clear(void)
{
	memset(guest.iopm, 0, SVM_IOPM_SIZE);
}

/*
 * APM 15.10.2 Figure 15-2: EXITINFO1 = port[31:16], TYPE (bit 0, 1 = IN),
 * STR, REP, operand size SZ8/16/32 (bits 6:4) and address size A16/32/64
 * (bits 9:7, one-hot: A64 in 64-bit mode); EXITINFO2 = rIP of the next
 * instruction.  SEG (bits 12:10) is defined for INS/OUTS (15.10.3): for
 * these plain IN/OUT it is not compared.
 */
static void check_ioio_exit(const struct io_insn *io, uint16_t port, uint64_t code, const char *why)
{
	const uint64_t asize = SVM_IOIO_A16 | SVM_IOIO_A32 | SVM_IOIO_A64;
	uint64_t info1 = guest.vmcb->control.exit_info1 & ~(uint64_t)SVM_IOIO_SEG_MASK;
	uint64_t info2 = guest.vmcb->control.exit_info2;
	uint64_t want = (uint64_t)port << SVM_IOIO_PORT_SHIFT |
			(io->size == 1 ? SVM_IOIO_SZ8 : io->size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32) |
			(io->in ? SVM_IOIO_TYPE_IN : 0);

	if (!svm_report_exit(NULL, VMEXIT_IOIO, code, "%s port %#x (%s)", io->name, port, why))
		return;
	report_u64(NULL, want, info1 & ~asize, "%s port %#x EXITINFO1 without address size and SEG (port %#x, "
		   "size %u, %s)", io->name, port, svm_ioio_port(info1), svm_ioio_size(info1),
		   info1 & SVM_IOIO_TYPE_IN ? "IN" : "OUT");
	report_u64("qemu-tcg-ioio-no-addr-size", SVM_IOIO_A64, info1 & asize,
		   "%s port %#x EXITINFO1 address size bits 9:7 (A64 in 64-bit mode)", io->name, port);
	report_u64(NULL, (uint64_t)io->end, info2, "%s port %#x EXITINFO2 (next rIP)", io->name, port);
}

/* A multi-byte access is intercepted when the bit of any of its ports is set (APM 15.10.1). */
static void io_intercepted(const struct io_insn *io, uint16_t port, uint32_t bit_port)
{
	char why[64];

	iopm_clear();
	svm_iopm_set(&guest, bit_port, true);
	snprintf(why, sizeof(why), "only the bit of port %#x set", bit_port);
	check_ioio_exit(io, port, run_stub(io->stub, 0, port, 0), why);
}

/* With the bits of the ports around it set but its own clear, an IN is not intercepted. */
static void io_not_intercepted(const struct io_insn *io, uint16_t port)
{
	iopm_clear();
	if (port > 0)
		svm_iopm_set(&guest, port - 1u, true);
	svm_iopm_set(&guest, port + io->size, true);
	uint64_t code = run_stub(io->stub, 0, port, 0);
	svm_report_exit(NULL, VMEXIT_VMMCALL, code,
			"%s port %#x with its own bits clear, ports %#x and %#x intercepted: "
			"runs to the end", io->name, port, port ? port - 1u : 0, port + io->size);
}

static void test_iopm(void)
{
	static const uint16_t ports[] = { 0x0, 0x7, 0x80, 0xfffc, 0xfffd, 0xfffe, 0xffff };

	for (unsigned i = 0; i < ARRAY_SIZE(io_insns); i++) {
		const struct io_insn *io = &io_insns[i];
		for (unsigned p = 0; p < ARRAY_SIZE(ports); p++) {
			uint16_t port = ports[p];
			io_intercepted(io, port, port);			/* first byte */
			if (io->size > 1)
				io_intercepted(io, port, port + io->size - 1u);	/* last byte */
			if (io->in && (uint32_t)port + io->size <= 0x10000)
				io_not_intercepted(io, port);
		}
	}
	/* The ports past FFFFh: bits 10000h-10002h live in the IOPM's third page. */
	io_intercepted(&io_insns[1], 0xffff, 0x10000);
	io_intercepted(&io_insns[2], 0xffff, 0x10002);
	iopm_clear();
}

/* Without IOIO_PROT nothing is intercepted, whatever the map says. */
static void test_iopm_off(void)
{
	guest.vmcb->control.intercept3 &= ~SVM_I3_IOIO_PROT;
	memset(guest.iopm, 0xff, SVM_IOPM_SIZE);
	svm_report_exit(NULL, VMEXIT_VMMCALL, run_stub(g_inb, 0, 0x80, 0),
			"IN8 port 0x80 with IOIO_PROT clear and every IOPM bit set: runs to the end");
	iopm_clear();
	guest.vmcb->control.intercept3 |= SVM_I3_IOIO_PROT;
}

/* ---- MSR permission map (APM 15.11) ---- */

static void msrpm_clear(void)
{
	memset(guest.msrpm, 0, SVM_MSRPM_SIZE);
}

/* Run RDMSR or WRMSR of msr; the value written is the host's own (or 0 if none). */
static uint64_t run_msr(uint32_t msr, bool write)
{
	uint64_t val = 0;

	rdmsr_safe(msr, &val);
	return run_stub(write ? g_wrmsr : g_rdmsr, msr, val >> 32, (uint32_t)val);
}

/*
 * Not intercepted, the guest's access does what the host's own does (the
 * value written is the one read, or 0): it completes, and the guest runs to
 * its end (VMEXIT_VMMCALL), or it raises #GP, which the harness intercepts
 * (VMEXIT_EXCP_GP).  Accepting either whatever the host saw would let a
 * wrong #GP for an MSR that exists pass.
 */
static uint64_t host_msr_outcome(uint32_t msr, bool write)
{
	uint64_t val = 0;
	struct hv_result r = rdmsr_safe(msr, &val);

	if (write)
		r = wrmsr_safe(msr, val);
	return hv_result_ok(r) ? VMEXIT_VMMCALL : VMEXIT_EXCP_GP;
}

static void msr_case(uint32_t msr, bool rd_bit, bool wr_bit)
{
	msrpm_clear();
	svm_msrpm_set(&guest, msr, rd_bit, wr_bit);
	for (int write = 0; write <= 1; write++) {
		bool bit = write ? wr_bit : rd_bit;
		uint64_t code = run_msr(msr, write);
		const char *acc = write ? "WRMSR" : "RDMSR";
		if (bit) {
			if (svm_report_exit(NULL, VMEXIT_MSR, code, "%s %#x, read bit %d write bit %d",
					    acc, msr, rd_bit, wr_bit))
				report_u64(NULL, write, guest.vmcb->control.exit_info1,
					   "%s %#x EXITINFO1 (0 = RDMSR, 1 = WRMSR)", acc, msr);
		} else {
			svm_report_exit(NULL, host_msr_outcome(msr, write), code, "%s %#x, read bit %d "
					"write bit %d: not intercepted, as on the host", acc, msr, rd_bit,
					wr_bit);
		}
	}
}

/* The neighbours' bits set, its own clear: not intercepted (one MSR, two bits). */
static void msr_neighbours(uint32_t msr)
{
	uint32_t byte = 0;
	unsigned bit = 0;

	svm_msrpm_locate(msr, &byte, &bit);
	memset(guest.msrpm, 0xff, SVM_MSRPM_SIZE);
	guest.msrpm[byte] &= (uint8_t)~(3u << bit);
	for (int write = 0; write <= 1; write++) {
		uint64_t code = run_msr(msr, write);
		svm_report_exit(NULL, host_msr_outcome(msr, write), code, "%s %#x with every other "
				"MSRPM bit set: not intercepted, as on the host",
				write ? "WRMSR" : "RDMSR", msr);
	}
	msrpm_clear();
}

static void test_msrpm(void)
{
	/* Each range's first and last MSR and one in between the VMCB holds for the guest. */
	static const uint32_t msrs[] = {
		SVM_MSRPM_RANGE0_BASE, MSR_IA32_SYSENTER_CS, SVM_MSRPM_RANGE0_BASE + SVM_MSRPM_RANGE_MSRS - 1,
		SVM_MSRPM_RANGE1_BASE, MSR_STAR, SVM_MSRPM_RANGE1_BASE + SVM_MSRPM_RANGE_MSRS - 1,
		SVM_MSRPM_RANGE2_BASE, SVM_MSRPM_RANGE2_BASE + SVM_MSRPM_RANGE_MSRS - 1,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++) {
		msr_case(msrs[i], true, false);
		msr_case(msrs[i], false, true);
		msr_case(msrs[i], true, true);
		msr_neighbours(msrs[i]);
	}
}

/* APM 15.11: an MSR outside the three ranges is always intercepted while MSR_PROT is set. */
static void test_msr_outside(void)
{
	/* Just past each range, the hypervisor range at 4000_0000h, the last MSR number. */
	static const uint32_t msrs[] = {
		SVM_MSRPM_RANGE0_BASE + SVM_MSRPM_RANGE_MSRS, 0x40000000, SVM_MSRPM_RANGE1_BASE + SVM_MSRPM_RANGE_MSRS,
		SVM_MSRPM_RANGE2_BASE + SVM_MSRPM_RANGE_MSRS, UINT32_MAX,
	};

	msrpm_clear();
	for (unsigned i = 0; i < ARRAY_SIZE(msrs); i++)
		for (int write = 0; write <= 1; write++)
			if (svm_report_exit(NULL, VMEXIT_MSR, run_msr(msrs[i], write),
					    "%s %#x (outside the MSRPM), MSRPM all clear",
					    write ? "WRMSR" : "RDMSR", msrs[i]))
				report_u64(NULL, write, guest.vmcb->control.exit_info1,
					   "%s %#x EXITINFO1", write ? "WRMSR" : "RDMSR", msrs[i]);
}

/* ---- instruction intercepts (APM 15.9, Table 15-7 / Appendix C) ---- */

static void test_cpuid(void)
{
	guest.vmcb->control.intercept3 |= SVM_I3_CPUID;
	svm_report_exit(NULL, VMEXIT_CPUID, run_stub(g_cpuid, 0, 0, 0), "CPUID with CPUID intercept");
	report_u64(NULL, (uint64_t)g_cpuid, guest.vmcb->save.rip, "CPUID exit: guest RIP at the CPUID");
	guest.vmcb->control.intercept3 &= ~SVM_I3_CPUID;
	svm_report_exit(NULL, VMEXIT_VMMCALL, run_stub(g_cpuid, 0, 0, 0),
			"CPUID without CPUID intercept: runs to the end");
}

static void test_hlt(void)
{
	guest.vmcb->control.intercept3 |= SVM_I3_HLT;
	svm_report_exit(NULL, VMEXIT_HLT, run_stub(g_hlt, 0, 0, 0), "HLT with HLT intercept");
	report_u64(NULL, (uint64_t)g_hlt, guest.vmcb->save.rip, "HLT exit: guest RIP at the HLT");
	guest.vmcb->control.intercept3 &= ~SVM_I3_HLT;
}

/* APM Vol. 3 VMMCALL: intercepted -> #VMEXIT(VMMCALL); not intercepted -> #UD in the guest. */
static void test_vmmcall(void)
{
	svm_report_exit(NULL, VMEXIT_VMMCALL, run_stub(g_vmmcall, 0, 0, 0), "VMMCALL with VMMCALL intercept");
	report_u64(NULL, (uint64_t)g_vmmcall, guest.vmcb->save.rip, "VMMCALL exit: guest RIP at the VMMCALL");
	guest.vmcb->control.intercept4 &= ~SVM_I4_VMMCALL;
	svm_report_exit("qemu-kvm-vmmcall-l2-hypercall", VMEXIT_EXCP_UD, run_stub(g_vmmcall, 0, 0, 0),
			"VMMCALL without VMMCALL intercept: the guest's #UD (exception intercepted)");
	guest.vmcb->control.intercept4 |= SVM_I4_VMMCALL;
}

/*
 * A triple fault in the guest is a shutdown: with the SHUTDOWN intercept
 * (bit 31 of the word at 0Ch, next to MSR_PROT at bit 28) it exits with
 * VMEXIT_SHUTDOWN (APM 15.9, Table B-1).  The guest's IDT is empty and no
 * exception is intercepted: #UD -> #GP -> #DF -> shutdown.
 */
static void test_shutdown(void)
{
	struct svm_guest g;

	if (report_not_executed("bochs-guest-triple-fault-panics", "guest triple fault with SHUTDOWN intercept"))
		return;

	if (!svm_guest_create(&g, (hv_guest_fn *)g_ud2, NULL))
		return;
	g.vmcb->control.intercept_exc = 0;
	g.vmcb->save.idtr.limit = 0;
	svm_report_exit(NULL, VMEXIT_SHUTDOWN, svm_guest_run(&g), "guest triple fault (UD2 with an empty IDT)");
	svm_guest_free(&g);
}

/*
 * Each rule on every CPU in turn, with a guest of that CPU whose I/O and
 * MSR accesses go through the IOPM and MSRPM (both empty).
 */
static void with_guest(void *rule)
{
	if (!svm_guest_create(&guest, NULL, NULL))
		return;
	guest.vmcb->control.intercept3 |= SVM_I3_IOIO_PROT | SVM_I3_MSR_PROT;
	((void (*)(void))rule)();
	svm_guest_free(&guest);
}

HV_EACH_CPU_WITH(with_guest, test_iopm)
HV_EACH_CPU_WITH(with_guest, test_iopm_off)
HV_EACH_CPU_WITH(with_guest, test_msrpm)
HV_EACH_CPU_WITH(with_guest, test_msr_outside)
HV_EACH_CPU_WITH(with_guest, test_cpuid)
HV_EACH_CPU_WITH(with_guest, test_hlt)
HV_EACH_CPU_WITH(with_guest, test_vmmcall)
HV_EACH_CPU(test_shutdown)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "iopm", test_iopm_each_cpu }, { "iopm_off", test_iopm_off_each_cpu },
		{ "msrpm", test_msrpm_each_cpu }, { "msr_outside", test_msr_outside_each_cpu },
		{ "cpuid", test_cpuid_each_cpu }, { "hlt", test_hlt_each_cpu },
		{ "vmmcall", test_vmmcall_each_cpu }, { "shutdown", test_shutdown_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	svm_program_finish();
	return 0;
}
