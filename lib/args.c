/* Command-line arguments and subtest selection. */
#include "args.h"
#include "libc.h"
#include "report.h"

int hv_argc;
char *hv_argv[MAX_ARGS];
static char cmdline_buf[1024];
static char program[64] = "unknown";
static const char *env_name = "unknown";

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
		if (hv_argc && !strncmp(arg, "errata=", 7)) {
			if (*p)
				*p++ = 0;
			errata_set(arg + 7);
			continue;
		}
		if (hv_argc && !strncmp(arg, "env=", 4)) {
			if (*p)
				*p++ = 0;
			env_name = arg + 4;
			continue;
		}
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
		report_prefix_push("%s", tests[t].name);
		tests[t].fn();
		report_prefix_pop();
	}
}
