/*
 * The host-side steps of the vmx_init() tree (docs/bringup.md): what KVM
 * checks of the machine around VMX, with no VMX instruction: CPU features,
 * the FPU area, per-CPU data, TSC, local APIC, the safe MSR read and the MSR
 * list, the posted-interrupt wakeup vector, L1D flush.  Each is one node of
 * vmx_bringup's tree; the VMX steps stay in vmx_bringup.c.
 */
#ifndef HV_VMX_BRINGUP_HOST_H
#define HV_VMX_BRINGUP_HOST_H

void boot_cpu_has(void);
void kmem_cache_x86_fpu(void);
void alloc_percpu(void);
void kvm_timer_init(void);
void kvm_lapic_init(void);
void rdmsrl_safe(void);
void posted_intr_wakeup_handler(void);
void kvm_init_msr_list(void);
void vmx_setup_l1d_flush(void);

#endif
