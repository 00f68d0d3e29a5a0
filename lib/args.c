/* Command-line arguments and subtest selection. */
#include "args.h"
#include "console.h"
#include "percpu.h"
#include "libc.h"
#include "report.h"

int hv_argc;
char *hv_argv[MAX_ARGS];
static char cmdline_buf[1024];
static char program[64] = "unknown";
static const char *env_name = "unknown";
static unsigned cpus_arg;

/* The runtime's own arguments after the program name: consumed, not in hv_argv. */
static bool runtime_arg(const char *arg)
{
	if (!strncmp(arg, "errata=", 7)) {
		errata_set(arg + 7);
	} else if (!strncmp(arg, "env=", 4)) {
		env_name = arg + 4;
	} else if (!strcmp(arg, "console=e9")) {
		if (!console_use_e9())
			report_info("command line: console=e9, but port 0xe9 does not answer: COM1 stays the console");
	} else if (!strncmp(arg, "cpus=", 5)) {
		char *end;
		unsigned long n = strtoul(arg + 5, &end, 10);
		if (end == arg + 5 || *end || n < 1 || n > MAX_CPUS)
			report(false, "command line: '%s' is not a CPU count from 1 to %u", arg, MAX_CPUS);
		else
			cpus_arg = (unsigned)n;
	} else {
		return false;
	}
	return true;
}

void args_parse(const char *cmdline)
{
	strlcpy(cmdline_buf, cmdline ? cmdline : "", sizeof(cmdline_buf));
	hv_argc = 0;
	for (char *p = cmdline_buf; *p && hv_argc < MAX_ARGS;) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		char *arg = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
		if (!hv_argc || !runtime_arg(arg))
			hv_argv[hv_argc++] = arg;
	}
	if (hv_argc) {
		const char *base = hv_argv[0];
		for (const char *s = base; *s && *s != ' '; s++)
			if (*s == '/')
				base = s + 1;
		strlcpy(program, base, sizeof(program));
		char *dot = strchr(program, '.');
		if (dot)
			*dot = 0;
	}
}

const char *hv_program_name(void)
{
	return program;
}

const char *hv_env_name(void)
{
	return env_name;
}

unsigned hv_cpus_arg(void)
{
	return cpus_arg;
}

bool subtest_selected(const char *name)
{
	bool any_include = false, included = false;

	for (int i = 1; i < hv_argc; i++) {
		const char *a = hv_argv[i];
		if (a[0] == '-') {
			if (glob_match(a + 1, name))
				return false;
			continue;
		}
		any_include = true;
		if (glob_match(a, name))
			included = true;
	}
	return !any_include || included;
}

void run_subtests(const struct subtest *tests, unsigned n)
{
	for (int i = 1; i < hv_argc; i++) {
		const char *pat = hv_argv[i][0] == '-' ? hv_argv[i] + 1 : hv_argv[i];
		bool matched = false;
		for (unsigned t = 0; t < n; t++)
			matched |= glob_match(pat, tests[t].name);
		if (!matched)
			report(false, "command line: '%s' matches no subtest of %s", hv_argv[i],
			       hv_program_name());
	}
	for (unsigned t = 0; t < n; t++) {
		if (!subtest_selected(tests[t].name))
			continue;
		printf("SUBTEST: %s\n", tests[t].name);	/* names the place of a hang or crash */
		report_prefix_push("%s", tests[t].name);
		tests[t].fn();
		report_prefix_pop();
	}
}
