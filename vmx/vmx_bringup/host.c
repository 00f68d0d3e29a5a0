/* The host-side steps of vmx_bringup's tree (see host.h). */
#include "hvtest.h"
#include "host.h"
#include "vmx/vmx_names.h"

/* The CPU features a 64-bit VMX host needs; a missing one is a SKIP naming it. */
void boot_cpu_has(void)
{
	static const uint64_t needed[] = {
		X86_FEATURE_FPU, X86_FEATURE_FXSR, X86_FEATURE_PAE, X86_FEATURE_NX, X86_FEATURE_MSR,
		X86_FEATURE_APIC, X86_FEATURE_LM,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(needed); i++) {
		if (cpu_has(needed[i]))
			report_info("%s present", cpu_feature_name(needed[i]));
		else
			report_skip("%s missing: a VMX host needs it", cpu_feature_name(needed[i]));
	}
	if (cpu_has(X86_FEATURE_NX))
		report(rdmsr(MSR_EFER) & EFER_NXE, "EFER.NXE set with NX: EFER=%#llx", (unsigned long long)rdmsr(MSR_EFER));
	step_value("vendor", "%s", cpu_vendor_string());
}

static void xsave_to(void *area, uint64_t mask)
{
	asm volatile("xsave (%0)" :: "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static void xrstor_from(const void *area, uint64_t mask)
{
	asm volatile("xrstor (%0)" :: "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

/*
 * kmem_cache_create("x86_fpu"): the guest FPU area sized by CPUID.(0DH,0)
 * (EBX: size for the features XCR0 enables, ECX: for all supported ones;
 * SDM Vol. 1, 13.2), 64-byte aligned; an XRSTOR/XSAVE round trip of a
 * pattern in the SSE state (legacy region bytes 160-415).
 */
void kmem_cache_x86_fpu(void)
{
	if (!cpu_has(X86_FEATURE_XSAVE)) {
		report_skip("CPUID.1:ECX[26] (XSAVE) clear: no XSAVE area to size");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	report_result(NULL, HV_RESULT_OK, xsetbv_safe(0, 3), "XSETBV XCR0=3 (x87, SSE)");
	struct cpuid_regs d = cpuid_count(0xd, 0);
	step_value("xcr0_size", "%u", d.b);
	step_value("max_size", "%u", d.c);
	step_value("xcr0_supported", "%#llx", (unsigned long long)d.a | (unsigned long long)d.d << 32);
	report(d.b >= 576 && d.b <= d.c, "CPUID.(0DH,0): size for XCR0=3 %u is at least 512+64 and at most the maximum %u",
	       d.b, d.c);
	unsigned order = d.c > 4096 ? 1 : 0;
	uint8_t *a = alloc_pages(order), *b = alloc_pages(order);	/* page-aligned: XSAVE needs 64 */
	*(uint32_t *)(a + 24) = 0x1f80;			/* MXCSR: default */
	for (unsigned i = 0; i < 256; i++)
		a[160 + i] = (uint8_t)(0xa5 ^ i);	/* XMM0-15 */
	*(uint64_t *)(a + 512) = 2;			/* XSTATE_BV: SSE */
	xrstor_from(a, 2);
	xsave_to(b, 2);
	report(!memcmp(a + 160, b + 160, 256) && *(uint32_t *)(b + 24) == 0x1f80 && (*(uint64_t *)(b + 512) & 2),
	       "XRSTOR then XSAVE of the SSE state: XMM bytes, MXCSR %#x and XSTATE_BV %#llx round-trip",
	       *(uint32_t *)(b + 24), (unsigned long long)*(uint64_t *)(b + 512));
	free_pages(a, order);
	free_pages(b, order);
}

static struct percpu *seen_self[MAX_CPUS];
static uint64_t seen_gs[MAX_CPUS];

static void note_percpu(void *arg)
{
	seen_self[smp_id()] = this_cpu();
	seen_gs[smp_id()] = rdmsr(MSR_GS_BASE);
}

/* alloc_percpu: each CPU's area distinct, aligned, and its own through the GS base. */
void alloc_percpu(void)
{
	on_cpus(note_percpu, NULL);
	for_each_cpu(cpu) {
		bool distinct = true;
		for (unsigned o = 0; o < cpu; o++)
			distinct &= seen_self[o] != seen_self[cpu];
		report_prefix_push_cpu(cpu);
		report(distinct && seen_self[cpu] == cpu_data(cpu) && seen_gs[cpu] == (uint64_t)cpu_data(cpu) &&
		       IS_ALIGNED((uint64_t)seen_self[cpu], 8),
		       "per-CPU area %p: distinct, 8-byte aligned, GS base %#llx points to it",
		       (void *)seen_self[cpu], (unsigned long long)seen_gs[cpu]);
		report_prefix_pop();
	}
	step_value("area_size", "%zu", sizeof(struct percpu));
}

static bool tsc_monotonic[MAX_CPUS];

static void tsc_here(void *arg)
{
	uint64_t prev = rdtsc();
	bool ok = true;

	for (int i = 0; i < 1000; i++) {
		uint64_t now = rdtsc();
		ok &= now > prev;
		prev = now;
	}
	tsc_monotonic[smp_id()] = ok;
}

/* kvm_timer_init: TSC frequency and stability. */
void kvm_timer_init(void)
{
	report(tsc_hz() > 0, "TSC frequency %llu Hz (source %s)", (unsigned long long)tsc_hz(), tsc_hz_source());
	on_cpus(tsc_here, NULL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(tsc_monotonic[cpu], "TSC strictly increasing over 1000 reads");
		report_prefix_pop();
	}
	step_value("tsc_hz", "%llu", (unsigned long long)tsc_hz());
	step_value("source", "%s", tsc_hz_source());
	step_value("invariant_tsc", "%u", cpu_has(X86_FEATURE_INVARIANT_TSC));
}

#define TEST_VECTOR 0xe0
static volatile unsigned vector_hits[MAX_CPUS];

static void count_vector(struct ex_regs *regs)
{
	vector_hits[smp_id()]++;
	apic_eoi();
}

static void wait_hits(unsigned cpu, unsigned want)
{
	uint64_t deadline = rdtsc() + tsc_hz() / 10;

	while (vector_hits[cpu] < want && rdtsc() < deadline)
		cpu_relax();
}

/* kvm_lapic_init: APIC IDs unique; timer interrupt delivered; IPIs between CPUs. */
void kvm_lapic_init(void)
{
	set_irq_handler(TEST_VECTOR, count_vector);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		for (unsigned o = 0; o < cpu; o++)
			report(cpu_data(cpu)->apic_id != cpu_data(o)->apic_id, "APIC ID %u differs from cpu%u's (%u)",
			       cpu_data(cpu)->apic_id, o, cpu_data(o)->apic_id);
		report_prefix_pop();
	}
	uint64_t flags = read_rflags();
	irq_enable();
	apic_timer_oneshot(TEST_VECTOR, 10000);
	wait_hits(0, 1);
	write_rflags(flags);
	report(vector_hits[0] == 1, "APIC timer one-shot delivered vector %#x once: %u", TEST_VECTOR, vector_hits[0]);
	for (unsigned cpu = 1; cpu < nr_cpus; cpu++) {
		apic_send_ipi(cpu_data(cpu)->apic_id, TEST_VECTOR);
		wait_hits(cpu, 1);
		report_prefix_push_cpu(cpu);
		report(vector_hits[cpu] == 1, "IPI vector %#x from cpu0 to this CPU (APIC ID %u) delivered: %u",
		       TEST_VECTOR, cpu_data(cpu)->apic_id, vector_hits[cpu]);
		report_prefix_pop();
	}
	step_value("x2apic", "%u", apic_x2apic_mode());
	step_value("apic_id0", "%u", cpu_data(0)->apic_id);
}

/* rdmsrl_safe: an MSR that does not exist reports #GP(0) and the run goes on. */
void rdmsrl_safe(void)
{
	uint64_t v = 0;
	const uint32_t absent = 0xc0002fff;

	report_result(NULL, HV_RESULT_GP0, rdmsr_safe(absent, &v), "RDMSR %#x (no such MSR)", absent);
	report_result(NULL, HV_RESULT_OK, rdmsr_safe(MSR_IA32_VMX_BASIC, &v), "RDMSR IA32_VMX_BASIC afterwards");
	step_value("IA32_VMX_BASIC", "%#llx", (unsigned long long)v);
}

#define WAKEUP_VECTOR 0xf2	/* KVM's POSTED_INTR_WAKEUP_VECTOR */
static volatile unsigned wakeups;

static void wakeup_handler(struct ex_regs *regs)
{
	wakeups++;
	apic_eoi();
}

/* kvm_set_posted_intr_wakeup_handler: the handler is reached by a self-IPI on its vector. */
void posted_intr_wakeup_handler(void)
{
	uint64_t flags = read_rflags();

	set_irq_handler(WAKEUP_VECTOR, wakeup_handler);
	irq_enable();
	apic_send_ipi(apic_id(), WAKEUP_VECTOR);
	for (uint64_t deadline = rdtsc() + tsc_hz() / 10; !wakeups && rdtsc() < deadline;)
		cpu_relax();
	write_rflags(flags);
	report(wakeups == 1, "self-IPI on vector %#x reached the wakeup handler: %u time(s)", WAKEUP_VECTOR, wakeups);
	step_value("vector", "%#x", WAKEUP_VECTOR);
}

/* MSRs KVM's msrs_to_save / emulated list would probe (architectural numbers). */
static const uint32_t msr_list[] = {
	0x10 /* TSC */, 0x1b /* APIC_BASE */, 0x3a /* FEATURE_CONTROL */, 0x3b /* TSC_ADJUST */,
	0x48 /* SPEC_CTRL */, 0x10a /* ARCH_CAPABILITIES */, 0x174, 0x175, 0x176 /* SYSENTER */,
	0x179 /* MCG_CAP */, 0x17a /* MCG_STATUS */, 0x1a0 /* MISC_ENABLE */, 0x1d9 /* DEBUGCTL */,
	0x277 /* PAT */, 0x2ff /* MTRR_DEF_TYPE */, 0x38f /* PERF_GLOBAL_CTRL */, 0x570 /* RTIT_CTL */,
	0xd90 /* BNDCFGS */, 0xda0 /* XSS */, 0xe1 /* UMWAIT_CONTROL */, 0x6e0 /* TSC_DEADLINE */,
	0xc0000080 /* EFER */, 0xc0000081 /* STAR */, 0xc0000082 /* LSTAR */, 0xc0000083 /* CSTAR */,
	0xc0000084 /* FMASK */, 0xc0000100 /* FS_BASE */, 0xc0000101 /* GS_BASE */,
	0xc0000102 /* KERNEL_GS_BASE */, 0xc0000103 /* TSC_AUX */,
};
static uint64_t msr_kept[MAX_CPUS];	/* bit i: msr_list[i] read without #GP */

static void probe_msrs(void *arg)
{
	uint64_t kept = 0, v;

	for (unsigned i = 0; i < ARRAY_SIZE(msr_list); i++)
		if (hv_result_ok(rdmsr_safe(msr_list[i], &v)))
			kept |= 1ull << i;
	msr_kept[smp_id()] = kept;
}

/* kvm_init_msr_list: keep the MSRs that read without #GP; the same list on every CPU. */
void kvm_init_msr_list(void)
{
	on_cpus(probe_msrs, NULL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(msr_kept[cpu] == msr_kept[0], "keeps MSR set %#llx, cpu0 %#llx",
		       (unsigned long long)msr_kept[cpu], (unsigned long long)msr_kept[0]);
		report_prefix_pop();
	}
	step_value("probed", "%zu", ARRAY_SIZE(msr_list));
	unsigned kept = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(msr_list); i++) {
		if (msr_kept[0] & (1ull << i))
			kept++;
		else
			report_info("MSR %#x not kept (RDMSR #GP)", msr_list[i]);
	}
	step_value("kept", "%u", kept);
}

/*
 * vmx_setup_l1d_flush: CPUID.(7,0):EDX[28] advertises IA32_FLUSH_CMD
 * (10BH); writing bit 0 works if advertised and raises #GP if not.
 * IA32_ARCH_CAPABILITIES (10AH) reads iff EDX[29].
 */
void vmx_setup_l1d_flush(void)
{
	bool flush = cpu_has(X86_FEATURE_FLUSH_L1D), arch = cpu_has(X86_FEATURE_ARCH_CAPABILITIES);
	uint64_t v = 0;

	report_result(NULL, flush ? HV_RESULT_OK : HV_RESULT_GP0, wrmsr_safe(MSR_IA32_FLUSH_CMD, 1),
		      "WRMSR IA32_FLUSH_CMD bit 0 (L1D_FLUSH) with CPUID.(7,0):EDX[28]=%u", flush);
	report_result(NULL, arch ? HV_RESULT_OK : HV_RESULT_GP0, rdmsr_safe(MSR_IA32_ARCH_CAPABILITIES, &v),
		      "RDMSR IA32_ARCH_CAPABILITIES with CPUID.(7,0):EDX[29]=%u", arch);
	step_value("flush_l1d", "%u", flush);
	step_value("arch_capabilities", "%u", arch);
	if (arch)
		step_value("IA32_ARCH_CAPABILITIES", "%#llx", (unsigned long long)v);
}
