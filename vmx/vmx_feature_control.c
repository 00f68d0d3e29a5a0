/*
 * disabled_by_bios: IA32_FEATURE_CONTROL (SDM Vol. 3C, 24.7 "Enabling and
 * Entering VMX Operation"; Vol. 4, MSR 3AH).  The same value on every CPU;
 * the SMX bits consistent with CPUID.1:ECX[6]; where firmware left the MSR
 * unlocked: VMXON #GP while unlocked, reserved bit #GP, enable and lock
 * read back, a write after lock #GP; and in a boot of its own (argument
 * locked_disabled) locked with VMXON outside SMX disabled: VMXON #GP.
 * Locked by firmware: the unlocked-path checks SKIP saying so.
 */
#include "hvtest.h"
#include "vmx/insn.h"
#include "vmx/vmx_names.h"
#include "vmx/vmxon.h"

static uint64_t boot_value[MAX_CPUS];

static uint64_t read_fc(void)
{
	uint64_t v = 0;

	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);
	return v;
}

static void note_value(void *arg)
{
	boot_value[smp_id()] = read_fc();
}

/* kvm_arch_init reads the MSR on each CPU: firmware must have set every CPU alike. */
static void same_value(void)
{
	uint64_t v = 0;

	report_result(NULL, HV_RESULT_OK, rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v),
		      "RDMSR IA32_FEATURE_CONTROL (%#x)", MSR_IA32_FEATURE_CONTROL);
	for_each_cpu(cpu) {
		report_prefix_push_cpu(cpu);
		report(boot_value[cpu] == boot_value[0], "IA32_FEATURE_CONTROL=%#llx, cpu0 has %#llx",
		       (unsigned long long)boot_value[cpu], (unsigned long long)boot_value[0]);
		report_prefix_pop();
	}
}

/*
 * 24.7: bit 1 (VMXON inside SMX) and bits 15:8 (SENTER) can be set only
 * on a processor with SMX (CPUID.1:ECX[6]); the value firmware left must agree.
 */
static void smx_consistency(void)
{
	uint64_t v = read_fc();
	bool smx = cpu_has(X86_FEATURE_SMX);
	uint64_t smx_bits = FEATURE_CONTROL_VMX_INSIDE_SMX | FEATURE_CONTROL_SENTER_LOCAL_MASK |
			    FEATURE_CONTROL_SENTER_GLOBAL;

	if (smx) {
		report_skip("CPUID.1:ECX[6] (SMX) set: bit 1 and bits 15:8 are unconstrained (value %#llx)",
			    (unsigned long long)v);
		return;
	}
	report(!(v & smx_bits), "CPUID.1:ECX[6] (SMX) clear: bit 1 and bits 15:8 clear: value %#llx",
	       (unsigned long long)v);
}
HV_EACH_CPU(smx_consistency)

static bool locked_at_boot(void)
{
	return boot_value[smp_id()] & FEATURE_CONTROL_LOCK;
}

/* Bochs takes any value while the MSR is unlocked (errata.cfg). */
static const char fc_erratum[] = "bochs-vmx-feature-control-reserved";

/* A WRMSR the architecture refuses: #GP(0), and the MSR keeps its value. */
static void refused_write(uint64_t old, uint64_t val, const char *what)
{
	char got[64];
	struct hv_result r = wrmsr_safe(MSR_IA32_FEATURE_CONTROL, val);
	uint64_t now = read_fc();

	report_erratum(fc_erratum, hv_result_matches(HV_RESULT_GP0, r) && now == old,
		       "WRMSR IA32_FEATURE_CONTROL=%#llx (%s): expected #GP(0) and the value %#llx kept, got %s and %#llx",
		       (unsigned long long)val, what, (unsigned long long)old, hv_result_str(r, got, sizeof(got)),
		       (unsigned long long)now);
	if (now != old)
		wrmsr_safe(MSR_IA32_FEATURE_CONTROL, old);	/* undo what was taken */
}

/* The unlocked path, on this CPU (the MSR is per logical processor). */
static void unlocked_path(void)
{
	uint64_t v = read_fc();

	if (locked_at_boot()) {
		report_skip("IA32_FEATURE_CONTROL=%#llx was locked by firmware (bit 0 set): the unlocked path "
			    "(enable and lock, write after lock, reserved bit) cannot be exercised here",
			    (unsigned long long)boot_value[smp_id()]);
		return;
	}
	/* 31.3 VMXON: lock bit clear -> #GP(0). */
	vmx_set_fixed_bits();
	struct hv_result r = vmxon(vmx_vmxon_region());
	if (hv_result_ok(r))
		vmxoff();	/* VMXON completed after all: leave VMX operation again */
	report_result(NULL, HV_RESULT_GP0, r, "VMXON with IA32_FEATURE_CONTROL=%#llx (unlocked)",
		      (unsigned long long)v);
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	/* Vol. 4: bits 3 and 63 are reserved -> #GP(0). */
	refused_write(v, v | BIT(3), "reserved bit 3");
	refused_write(v, v | BIT(63), "reserved bit 63");
	/* 24.7: bit 1 without SMX -> #GP. */
	if (!cpu_has(X86_FEATURE_SMX))
		refused_write(v, v | FEATURE_CONTROL_VMX_INSIDE_SMX, "bit 1 (VMXON inside SMX) without SMX");
	/* Enable and lock, as KVM's hardware_enable does when firmware did not. */
	uint64_t want = v | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	report_result(NULL, HV_RESULT_OK, wrmsr_safe(MSR_IA32_FEATURE_CONTROL, want),
		      "WRMSR IA32_FEATURE_CONTROL=%#llx (lock, VMXON outside SMX)", (unsigned long long)want);
	report_u64(NULL, want, read_fc(), "IA32_FEATURE_CONTROL read back after enable and lock");
	/* 24.7: once locked, WRMSR to the MSR -> #GP(0) until reset. */
	r = wrmsr_safe(MSR_IA32_FEATURE_CONTROL, 0);
	if (read_fc() != want)
		wrmsr_safe(MSR_IA32_FEATURE_CONTROL, want);	/* the write took effect: the old value back */
	report_result(NULL, HV_RESULT_GP0, r, "WRMSR 0 after lock");
	report_result(NULL, HV_RESULT_GP0, wrmsr_safe(MSR_IA32_FEATURE_CONTROL, want),
		      "WRMSR of the same value after lock");
	report_u64(NULL, want, read_fc(), "value unchanged after the refused writes");
	report_result(NULL, HV_RESULT_OK, vmx_on(), "VMXON once enabled and locked");
	report_result(NULL, HV_RESULT_OK, vmx_off(), "VMXOFF");
}
HV_EACH_CPU(unlocked_path)

/* 24.7 / 31.3: locked with bit 2 clear -> VMXON outside SMX raises #GP(0). */
static void locked_disabled(void)
{
	if (locked_at_boot()) {
		report_skip("IA32_FEATURE_CONTROL=%#llx was locked by firmware: it cannot be locked with VMX "
			    "disabled here", (unsigned long long)boot_value[smp_id()]);
		return;
	}
	uint64_t want = (read_fc() | FEATURE_CONTROL_LOCK) & ~FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	report_result(NULL, HV_RESULT_OK, wrmsr_safe(MSR_IA32_FEATURE_CONTROL, want),
		      "WRMSR IA32_FEATURE_CONTROL=%#llx (lock, VMXON outside SMX disabled)", (unsigned long long)want);
	report_u64(NULL, want, read_fc(), "IA32_FEATURE_CONTROL read back");
	vmx_set_fixed_bits();
	struct hv_result r = vmxon(vmx_vmxon_region());
	if (hv_result_ok(r))
		vmxoff();	/* VMXON completed after all: leave VMX operation again */
	report_result(NULL, HV_RESULT_GP0, r, "VMXON with IA32_FEATURE_CONTROL locked and bit 2 clear");
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
}
HV_EACH_CPU(locked_disabled)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "same_value", same_value },
		{ "smx_consistency", smx_consistency_each_cpu },
		{ "unlocked", unlocked_path_each_cpu },
	};
	/* Locking with VMX disabled lasts until reset: a boot of its own. */
	static const struct subtest locked_boot[] = {
		{ "locked_disabled", locked_disabled_each_cpu },
	};
	bool locked_mode = false;

	for (int i = 1; i < argc; i++)
		locked_mode |= !strcmp(argv[i], "locked_disabled");
	on_cpus(note_value, NULL);
	if (!vmx_program_start(0))
		return 0;
	if (locked_mode)
		run_subtests(locked_boot, ARRAY_SIZE(locked_boot));
	else
		run_subtests(tests, ARRAY_SIZE(tests));
	vmx_program_finish();
	return 0;
}
