/*
 * The frame of every SVM program (docs/harness.md), the verbs of the VMX
 * one: svm_program_start() decides has_svm and is_disabled on the boot CPU
 * (SKIP with the exact reason when SVM cannot run here) and, with
 * HV_START_ENABLE, enables SVM on every CPU (EFER.SVME and VM_HSAVE_PA, as
 * KVM's svm_hardware_enable), or one FAIL names the CPU that did not.
 * svm_program_finish() is the reboot notifier's job: the exit counts of
 * every CPU, then EFER.SVME cleared and read back on every CPU.
 */
#ifndef HV_SVM_PROGRAM_H
#define HV_SVM_PROGRAM_H

#include <stdbool.h>
#include "harness.h"

/* False (after a SKIP naming the reason, or the FAIL of a stage) when the program cannot go on. */
bool svm_program_start(unsigned flags);
void svm_program_finish(void);

#endif
