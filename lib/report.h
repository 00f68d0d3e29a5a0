/*
 * The report framework: checks, skips, expected failures under a named
 * erratum, bring-up steps, and the final status line.  Output format:
 * docs/output-format.md.  Safe to call from every CPU at once.
 */
#ifndef HV_REPORT_H
#define HV_REPORT_H

#include <stdbool.h>
#include <stdnoreturn.h>
#include "result.h"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Prefixes: this CPU's stack (run_on_cpu() gives the callee the caller's plus "cpuN"). */
void report_prefix_push(const char *fmt, ...) PRINTF_LIKE(1, 2);
void report_prefix_pop(void);

/* A check: PASS when pass, else FAIL.  Returns pass. */
bool report(bool pass, const char *fmt, ...) PRINTF_LIKE(2, 3);
/*
 * A check that erratum `erratum` of the execution environment is known to
 * break: when the runner named that erratum for this run, a failure is
 * XFAIL and a pass is XPASS (which counts as a failure: the errata file is
 * out of date); otherwise it is a plain check.
 */
bool report_erratum(const char *erratum, bool pass, const char *fmt, ...) PRINTF_LIKE(3, 4);
void report_skip(const char *fmt, ...) PRINTF_LIKE(1, 2);
void report_info(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * Compare what an instruction did with what the architecture says:
 * "<what>: expected #GP(0), got success".  `erratum` may be NULL.
 */
bool report_result(const char *erratum, struct hv_result expected, struct hv_result got,
		   const char *fmt, ...) PRINTF_LIKE(4, 5);

/* Compare two numbers: "<what>: expected 0x5, got 0x1". */
bool report_u64(const char *erratum, uint64_t expected, uint64_t got, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

/* Is this erratum named for this run (command line errata=...)? */
bool erratum_active(const char *name);
void errata_set(const char *comma_separated);

/*
 * Bring-up steps (boot CPU only; checks inside may run on any CPU).
 * step_begin() prints STEP-BEGIN with the path of open steps and pushes the
 * step's name as a prefix; step_value() records a key value for the
 * STEP-END line; step_end() prints STEP-END with the step's verdict.
 */
void step_begin(const char *name);
void step_value(const char *key, const char *fmt, ...) PRINTF_LIKE(2, 3);
void step_end(void);
/* Severity so far of the innermost open step: true if something failed in it. */
bool step_failed(void);

struct report_counts {
	unsigned pass, fail, skip, xfail, xpass;
};
struct report_counts report_counts(void);

/* Print SUMMARY and HVTEST-END, drain the console, and stop via the exit device. */
noreturn void hv_exit(void);

#endif
