/*
 * The SVM instructions as tries: each returns the project's one result
 * value (success, or the exception it raised), so a negative check is one
 * comparison.  The guest harness enters guests through svm/vmrun.S; these
 * wrappers are for checking what the instructions do outside a guest.
 */
#ifndef HV_SVM_INSN_H
#define HV_SVM_INSN_H

#include <stdint.h>
#include "result.h"

/* rAX holds the physical address of the VMCB (or save area) for these. */
struct hv_result svm_vmrun_try(uint64_t vmcb_pa);
struct hv_result svm_vmload_try(uint64_t pa);
struct hv_result svm_vmsave_try(uint64_t pa);
struct hv_result svm_clgi_try(void);
struct hv_result svm_stgi_try(void);
/* INVLPGA: rAX = virtual address, ECX = ASID. */
struct hv_result svm_invlpga_try(uint64_t va, uint32_t asid);
/* SKINIT: EAX = physical address of the secure loader block. */
struct hv_result svm_skinit_try(uint32_t slb_pa);

/*
 * After an instruction that completed where it had to fault and may have
 * cleared GIF (CLGI; the #VMEXIT of a VMRUN): STGI, with EFER.SVME set for
 * it if it is clear, so that this CPU takes interrupts again (a CPU with
 * GIF clear never answers another CPU's request).
 */
void svm_restore_gif(void);

#endif
