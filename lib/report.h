/*
 * The report framework: checks, skips, expected failures under a named
 * erratum, bring-up steps, and the final status line.  Output format:
 * docs/output-format.md.  Safe to call from every CPU at once.
 */
#ifndef HV_REPORT_H
#define HV_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include "result.h"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Prefixes: this CPU's stack (run_on_cpu() gives the callee the caller's plus "cpuN"). */
void report_prefix_push(const char *fmt, ...) PRINTF_LIKE(1, 2);
void report_prefix_pop(void);
/* A check one CPU makes about CPU `cpu`: the "cpuN" prefix on_cpu()/on_cpus() give. */
void report_prefix_push_cpu(unsigned cpu);

/*
 * Where a check is made: the rule it checks (by default the function that
 * reports it; a table row names itself) and its source line.  Every line a
 * check prints carries both (docs/output-format.md), so the runner names the
 * check the same way in every run and CI can point at the line.
 */
struct report_site {
	const char *rule;	/* letters, digits, '_', '-', '.' (others print as '_') */
	const char *file;
	unsigned line;
};
#define REPORT_SITE	((struct report_site){ __func__, __FILE__, __LINE__ })
/* In a table row's initializer: { REPORT_ROW("asid_zero"), ... }. */
#define REPORT_ROW(name)	{ (name), __FILE__, __LINE__ }

/*
 * A rule that is not a function of its own (a table row, one case of a
 * loop): until report_rule_end(), the checks this CPU makes carry `rule`'s
 * name and line instead of their function's.  Rules nest; the innermost
 * names the check.  on_cpu()/on_cpus() hand the open rule to the callee.
 */
void report_rule_begin(const struct report_site *rule);
void report_rule_end(void);

/*
 * The checks.  Each is a macro that passes the caller's REPORT_SITE to the
 * *_at function of the same name; a helper that reports for its caller takes
 * a struct report_site and calls the *_at form.
 */

/* A check: PASS when pass, else FAIL.  Returns pass. */
bool report_at(struct report_site at, bool pass, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define report(pass, ...)	report_at(REPORT_SITE, (pass), __VA_ARGS__)
/*
 * A check that erratum `erratum` of the execution environment is known to
 * break: when the runner named that erratum for this run, a failure is
 * XFAIL and a pass is XPASS (which counts as a failure: the errata file is
 * out of date); otherwise it is a plain check.  `erratum` may be NULL.
 */
bool report_erratum_at(struct report_site at, const char *erratum, bool pass, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
#define report_erratum(erratum, pass, ...) \
	report_erratum_at(REPORT_SITE, (erratum), (pass), __VA_ARGS__)
void report_skip_at(struct report_site at, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define report_skip(...)	report_skip_at(REPORT_SITE, __VA_ARGS__)
void report_info_at(struct report_site at, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define report_info(...)	report_info_at(REPORT_SITE, __VA_ARGS__)

/*
 * Compare what an instruction did with what the architecture says:
 * "<what>: expected #GP(0), got success".  `erratum` may be NULL.
 */
bool report_result_at(struct report_site at, const char *erratum, struct hv_result expected,
		      struct hv_result got, const char *fmt, ...) PRINTF_LIKE(5, 6);
#define report_result(erratum, expected, got, ...) \
	report_result_at(REPORT_SITE, (erratum), (expected), (got), __VA_ARGS__)

/* Compare two numbers: "<what>: expected 0x5, got 0x1". */
bool report_u64_at(struct report_site at, const char *erratum, uint64_t expected, uint64_t got,
		   const char *fmt, ...) PRINTF_LIKE(5, 6);
#define report_u64(erratum, expected, got, ...) \
	report_u64_at(REPORT_SITE, (erratum), (expected), (got), __VA_ARGS__)

/*
 * Compare two numbers that `decode` names (e.g. exit codes):
 * "<what>: expected <decode(expected)>, got <decode(got)>".
 */
typedef const char *report_decoder_t(uint64_t value, char *buf, unsigned size);
bool report_decoded_at(struct report_site at, const char *erratum, uint64_t expected, uint64_t got,
		       report_decoder_t *decode, const char *fmt, ...) PRINTF_LIKE(6, 7);

/*
 * A check whose instruction ends the program where erratum `erratum` of the
 * environment shows (the emulator panics, the CPU triple-faults): when that
 * erratum is named for this run, an XFAIL "<what>: not executed: it would
 * end the program under erratum NAME" and true (do not execute it);
 * otherwise false (execute the check).
 */
bool report_not_executed_at(struct report_site at, const char *erratum, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
#define report_not_executed(erratum, ...) report_not_executed_at(REPORT_SITE, (erratum), __VA_ARGS__)

/*
 * `names` is one erratum, or several joined by '|' where one outcome has a
 * different cause in different environments (e.g. "qemu-kvm-X|bochs-Y": KVM
 * does not check the rule, nor does Bochs): the first of them named for this
 * run (command line errata=...), NULL if none is (or names is NULL).  Every
 * `erratum` argument of the report functions may be such a list; the line
 * names the one that applies.
 */
const char *erratum_which(const char *names);
bool erratum_active(const char *names);
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
