/* The program's command line, and subtest selection by name. */
#ifndef HV_ARGS_H
#define HV_ARGS_H

#include <stdbool.h>

#define MAX_ARGS 32

/* Split the command line; consume the runtime's own arguments (errata=, env=, cpus=, console=e9). */
void args_parse(const char *cmdline);
extern int hv_argc;
extern char *hv_argv[MAX_ARGS];
const char *hv_program_name(void);	/* argv[0]'s base name without extension */
const char *hv_env_name(void);		/* env=NAME, or "unknown" */
unsigned hv_cpus_arg(void);		/* cpus=N: the number of CPUs to start; 0 when absent */

struct subtest {
	const char *name;
	void (*fn)(void);
};

/*
 * Run the subtests the command line selects (all when it names none):
 * NAME or glob selects, -NAME excludes.  A selector that matches no subtest
 * is a FAIL (a typo must not pass silently).  Each runs with its name as
 * report prefix.
 */
void run_subtests(const struct subtest *tests, unsigned n);
bool subtest_selected(const char *name);

#endif
