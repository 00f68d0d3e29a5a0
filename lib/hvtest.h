/* Everything a test program includes. */
#ifndef HV_HVTEST_H
#define HV_HVTEST_H

#include "libc.h"
#include "processor.h"
#include "cpuid.h"
#include "result.h"
#include "report.h"
#include "desc.h"
#include "mem.h"
#include "paging.h"
#include "apic.h"
#include "smp.h"
#include "args.h"

/*
 * A test program defines main(); the runtime calls it with every CPU
 * online and ends the program with hv_exit() when it returns: the verdict
 * comes from the checks it reported, not from its return value.
 */
int main(int argc, char **argv);

#endif
