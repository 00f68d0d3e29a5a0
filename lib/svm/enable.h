/*
 * Per-CPU SVM enable and disable, as KVM's svm_hardware_enable() and
 * svm_hardware_disable() do it: EFER.SVME (APM 15.4) and VM_HSAVE_PA with a
 * host save page of this CPU's own (APM 15.30.4).
 */
#ifndef HV_SVM_ENABLE_H
#define HV_SVM_ENABLE_H

#include <stdint.h>
#include "result.h"

enum svm_enable_status {
	SVM_ENABLE_OK,
	SVM_ENABLE_BUSY,	/* EFER.SVME was already set: KVM's -EBUSY */
	SVM_ENABLE_FAULT,	/* WRMSR of EFER or VM_HSAVE_PA faulted (see .fault) */
};

struct svm_enable_result {
	enum svm_enable_status status;
	struct hv_result fault;
	const char *fault_msr;	/* which write faulted */
};

/* This CPU's host save page (allocated on first use, 4K-aligned). */
void *svm_hsave_page(unsigned cpu);
/* This CPU's page for the host's VMSAVE state around VMRUN. */
void *svm_host_save_page(unsigned cpu);

/* Enable SVM on this CPU: refused when EFER.SVME is already set. */
struct svm_enable_result svm_hardware_enable(void);
/* Clear EFER.SVME on this CPU; returns EFER read back. */
uint64_t svm_hardware_disable(void);
const char *svm_enable_status_str(enum svm_enable_status s);

/*
 * Enable SVM on every CPU (on_cpus), each CPU reporting its own check:
 * EFER.SVME and VM_HSAVE_PA read back.  Returns true when all succeeded.
 */
bool svm_enable_all(void);

/* Checks shared by the programs that enable SVM. */
/* VM_HSAVE_PA read back on every CPU: its own 4K-aligned page, no other CPU's (one check per CPU). */
void svm_check_hsave_pages(void);
/* On every CPU: a second hardware_enable is refused, VM_HSAVE_PA unchanged. */
void svm_check_enable_refused(void);

#endif
