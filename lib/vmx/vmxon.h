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
#include "result.h"

/*
 * The start of every VMX program: VMX present on every CPU (else SKIP with
 * the exact reason and false), the VM-instruction error namer registered.
 * With enable_feature_control, IA32_FEATURE_CONTROL is enabled and locked
 * where firmware left it unlocked (KVM expects firmware to have done it);
 * locked with VMX disabled is a SKIP naming the value.
 */
bool vmx_start(bool enable_feature_control);

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
/* alloc_kvm_area: every CPU's region allocated; each distinct, 4K-aligned, below MAXPHYADDR. */
void vmx_check_vmxon_regions(void);

/* vmx_on() on every CPU at once; each failure is a FAIL naming the CPU. */
bool vmx_on_all(void);

/* VMXON, fn(), VMXOFF on this CPU, each step checked. */
void vmx_run_in_vmx(void (*fn)(void));
/* fn() on each CPU in turn (cpuN prefix), inside VMX operation if in_vmx. */
void vmx_each_cpu(void (*fn)(void), bool in_vmx);

/* Subtest wrappers: NAME_each_cpu runs NAME on every CPU in turn, in VMX operation or not. */
#define VMX_EACH_CPU_IN_VMX(fn) static void fn##_each_cpu(void) { vmx_each_cpu(fn, true); }
#define VMX_EACH_CPU(fn) static void fn##_each_cpu(void) { vmx_each_cpu(fn, false); }

/*
 * Ask this CPU whether it is in VMX operation, as the check `what`:
 * VMPTRST completes in VMX root operation and raises #UD outside (31.3).
 * Software's own record (CR4 as written, vmx_cpu_in_vmx) is no evidence.
 */
bool vmx_check_vmx_operation(bool in_vmx, const char *what);

/* Every CPU leaves VMX operation, each checked (VMPTRST #UD afterwards). */
void vmx_leave_all(void);

/*
 * The end of every VMX program (the reboot notifier's job): print the VM
 * exit counts, leave VMX operation on every CPU and check that each left:
 * a VMX instruction (VMPTRST) raising #UD.
 */
void vmx_finish(void);

#endif
