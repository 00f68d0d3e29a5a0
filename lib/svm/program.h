/*
 * The frame of every SVM program: svm_program_start() decides has_svm and
 * is_disabled on the boot CPU (SKIP with the exact reason when SVM cannot
 * run here); svm_program_end() is the reboot notifier's job, done on every
 * CPU: EFER.SVME cleared and read back, then the exit counters.
 */
#ifndef HV_SVM_PROGRAM_H
#define HV_SVM_PROGRAM_H

#include <stdbool.h>

/* False (after a SKIP naming the reason) when SVM is absent or disabled. */
bool svm_program_start(void);
void svm_program_end(void);

#endif
