/*
 * Entering and leaving VMX operation, per CPU (SDM Vol. 3C, 24.7-24.8):
 * the VMXON region sized and stamped from IA32_VMX_BASIC, CR0/CR4 made to
 * satisfy the FIXED MSRs, CR4.VMXE, IA32_FEATURE_CONTROL; and the layer's
 * start (is there VMX at all?) and end (every CPU out of VMX operation).
 */
#ifndef HV_VMX_VMXON_H
#define HV_VMX_VMXON_H

#include <stdbool.h>
#include <stdint.h>
#include "harness.h"
#include "report.h"
#include "result.h"

/*
 * The program frame's start (docs/harness.md): VMX present on every CPU
 * (else SKIP with the exact reason and false), the VM-instruction error
 * namer registered.  With HV_START_FEATURE_CONTROL, IA32_FEATURE_CONTROL
 * is enabled and locked where firmware left it unlocked (KVM expects
 * firmware to have done it); locked with VMX disabled is a SKIP naming the
 * value.  With HV_START_ENABLE, every CPU enters VMX operation (VMXON with
 * its own region), or one FAIL names the CPU that did not and false.
 */
bool vmx_program_start(unsigned flags);

/*
 * The program frame's finish (the reboot notifier's job): the exit counts
 * of every CPU as INFO lines, then every CPU leaves VMX operation, each
 * checked (a VMX instruction, VMPTRST, raises #UD afterwards).
 */
void vmx_program_finish(void);

/* A zeroed VMXON region or VMCS of BASIC[44:32] bytes, revision BASIC[30:0] stamped. */
void *vmx_alloc_vmcs(void);

/* Set the CR0/CR4 bits IA32_VMX_CR{0,4}_FIXED0 require, CR4.VMXE included (24.8). */
void vmx_set_fixed_bits(void);

/* This CPU: fixed bits, CR4.VMXE, VMXON with its own region.  Returns VMXON's result. */
struct hv_result vmx_on(void);
/* This CPU: VMXOFF, then CR4.VMXE clear.  Returns VMXOFF's result. */
struct hv_result vmx_off(void);
bool vmx_cpu_in_vmx(void);
/* This CPU's VMXON region (allocated on first use). */
uint64_t vmx_vmxon_region(void);
/*
 * alloc_kvm_area: every CPU's region allocated on that CPU and printed (the
 * program's own allocation is no rule: the CPU judges each region at VMXON).
 */
void vmx_show_vmxon_regions(void);

/* vmx_on() on every CPU at once; each failure is a FAIL naming the CPU. */
bool vmx_on_all(void);

/* VMXON, fn(), VMXOFF on this CPU, each step checked. */
void vmx_run_in_vmx(void (*fn)(void));
/* fn() on every CPU in turn (hv_each_cpu), each inside a VMXON/VMXOFF of its own. */
void vmx_each_cpu_in_vmx(void (*fn)(void));

/*
 * Ask this CPU whether it is in VMX operation, as the check `what`:
 * VMPTRST completes in VMX root operation and raises #UD outside (31.3).
 * Software's own record (CR4 as written, vmx_cpu_in_vmx) is no evidence.
 */
bool vmx_check_vmx_operation_at(struct report_site at, bool in_vmx, const char *what);
#define vmx_check_vmx_operation(in_vmx, what) vmx_check_vmx_operation_at(REPORT_SITE, (in_vmx), (what))

/* Every CPU leaves VMX operation, each checked (VMPTRST #UD afterwards). */
void vmx_leave_all(void);

#endif
