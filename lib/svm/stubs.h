/*
 * Guest stubs: one instruction each, then RET (to the harness's final
 * VMMCALL).  Operands come from the guest registers the test sets after
 * svm_guest_restart(): the port in DX, the MSR in ECX, the value in EDX:EAX.
 * NAME_end is the address right after the instruction (its next rIP).
 */
#ifndef HV_SVM_STUBS_H
#define HV_SVM_STUBS_H

void g_inb(void), g_inw(void), g_inl(void), g_outb(void), g_outw(void), g_outl(void);
void g_rdmsr(void), g_wrmsr(void), g_cpuid(void), g_hlt(void), g_vmmcall(void), g_ud2(void);
void g_mov_rbx_cr3(void);
extern const char g_inb_end[], g_inw_end[], g_inl_end[], g_outb_end[], g_outw_end[], g_outl_end[];
extern const char g_rdmsr_end[], g_wrmsr_end[], g_cpuid_end[], g_hlt_end[], g_vmmcall_end[];
extern const char g_mov_rbx_cr3_end[];

#endif
