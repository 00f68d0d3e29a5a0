/* Checks, steps and the final status line (docs/output-format.md). */
#include "report.h"
#include "console.h"
#include "libc.h"
#include "percpu.h"
#include "processor.h"
#include "spinlock.h"

enum verdict { V_PASS, V_FAIL, V_SKIP, V_XFAIL, V_XPASS, V_INFO };
static const char *const verdict_names[] = { "PASS", "FAIL", "SKIP", "XFAIL", "XPASS", "INFO" };

static struct spinlock count_lock;
static struct report_counts counts;

#define MAX_ERRATA 64
static char errata_buf[1024];	/* as long as the whole command line (lib/args.c) */
static const char *errata[MAX_ERRATA];
static unsigned nr_errata;

void errata_set(const char *list)
{
	/* A name cut off or dropped would turn an XFAIL into a FAIL: say so. */
	if (strlcpy(errata_buf, list, sizeof(errata_buf)) >= sizeof(errata_buf))
		report(false, "errata= list of %zu characters cut to %zu", strlen(list),
		       sizeof(errata_buf) - 1);
	for (char *p = errata_buf; *p;) {
		if (nr_errata == MAX_ERRATA) {
			report(false, "errata= list has more than %d names; '%s' and later ignored",
			       MAX_ERRATA, p);
			break;
		}
		errata[nr_errata++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = 0;
		p = comma + 1;
	}
}

const char *erratum_which(const char *names)
{
	for (const char *p = names; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		for (unsigned i = 0; len && i < nr_errata; i++)	/* an empty part names nothing */
			if (!strncmp(errata[i], p, len) && !errata[i][len])
				return errata[i];
		p = bar ? bar + 1 : NULL;
	}
	return NULL;
}

bool erratum_active(const char *names)
{
	return erratum_which(names) != NULL;
}

void report_prefix_push(const char *fmt, ...)
{
	struct percpu *c = this_cpu();
	va_list ap;

	if (c->nr_prefix >= REPORT_MAX_PREFIX) {
		report(false, "report prefix stack overflow (more than %d levels)", REPORT_MAX_PREFIX);
		hv_exit();
	}
	va_start(ap, fmt);
	vsnprintf(c->prefix[c->nr_prefix++], REPORT_PREFIX_LEN, fmt, ap);
	va_end(ap);
}

void report_prefix_push_cpu(unsigned cpu)
{
	report_prefix_push("cpu%u", cpu);
}

void report_prefix_pop(void)
{
	struct percpu *c = this_cpu();

	if (c->nr_prefix)
		c->nr_prefix--;
}

void report_rule_begin(const struct report_site *rule)
{
	struct percpu *c = this_cpu();

	if (c->nr_rule >= REPORT_MAX_RULE) {
		report(false, "rule '%s' nested deeper than %d", rule->rule, REPORT_MAX_RULE);
		hv_exit();
	}
	c->rule[c->nr_rule++] = rule;
}

void report_rule_end(void)
{
	struct percpu *c = this_cpu();

	if (c->nr_rule)
		c->nr_rule--;
}

/* The characters a rule name may hold (docs/output-format.md). */
static const bool rule_char[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
	['_'] = true, ['-'] = true, ['.'] = true,
};

/* Append s to line[*n..] with every character a rule name may not hold as '_'. */
static void put_rule(char *line, size_t size, size_t *n, const char *s)
{
	for (; *s && *n < size - 1; s++)
		line[(*n)++] = rule_char[(unsigned char)*s] ? *s : '_';
	line[*n] = 0;
}

/*
 * One line: "VERDICT: prefix: ... [rule] message [erratum NAME] at=file:line"
 * (docs/output-format.md).  The innermost open rule of this CPU, if any,
 * names the check instead of the function that reported it.
 */
static void emit(enum verdict v, struct report_site at, const char *erratum, const char *fmt,
		 va_list ap)
{
	struct percpu *c = this_cpu();
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s: ", verdict_names[v]);

	if (c->nr_rule)
		at = *c->rule[c->nr_rule - 1];
	for (unsigned i = 0; i < c->nr_prefix && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s: ", c->prefix[i]);
	if (n < sizeof(line) - 1) {
		line[n++] = '[';
		put_rule(line, sizeof(line), &n, at.rule);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "] ");
	}
	if (n < sizeof(line))
		n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (erratum && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " [erratum %s]", erratum);
	if (n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " at=%s:%u", at.file, at.line);
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = 0;

	spin_lock(&count_lock);
	switch (v) {
	case V_PASS: counts.pass++; break;
	case V_FAIL: counts.fail++; break;
	case V_SKIP: counts.skip++; break;
	case V_XFAIL: counts.xfail++; break;
	case V_XPASS: counts.xpass++; break;
	case V_INFO: break;
	}
	spin_unlock(&count_lock);
	console_write(line, n);
}

static bool vcheck(struct report_site at, const char *erratum, bool pass, const char *fmt,
		   va_list ap)
{
	const char *name = erratum_which(erratum);

	if (name)
		emit(pass ? V_XPASS : V_XFAIL, at, name, fmt, ap);
	else
		emit(pass ? V_PASS : V_FAIL, at, NULL, fmt, ap);
	return pass;
}

bool report_at(struct report_site at, bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcheck(at, NULL, pass, fmt, ap);
	va_end(ap);
	return pass;
}

bool report_erratum_at(struct report_site at, const char *erratum, bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vcheck(at, erratum, pass, fmt, ap);
	va_end(ap);
	return pass;
}

bool report_not_executed_at(struct report_site at, const char *erratum, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	const char *name = erratum_which(erratum);

	if (!name)
		return false;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	report_erratum_at(at, name, false, "%s: not executed: it would end the program under erratum %s",
			  what, name);
	return true;
}

void report_skip_at(struct report_site at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(V_SKIP, at, NULL, fmt, ap);
	va_end(ap);
}

void report_info_at(struct report_site at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(V_INFO, at, NULL, fmt, ap);
	va_end(ap);
}

/* "<what>: expected <expected>, got <got>", a failure unless pass. */
static bool report_values(struct report_site at, const char *erratum, bool pass, const char *expected,
			  const char *got, const char *fmt, va_list ap)
{
	char what[512];

	vsnprintf(what, sizeof(what), fmt, ap);
	return report_erratum_at(at, erratum, pass, "%s: expected %s, got %s", what, expected, got);
}

bool report_result_at(struct report_site at, const char *erratum, struct hv_result expected,
		      struct hv_result got, const char *fmt, ...)
{
	char e[64], g[64];
	va_list ap;
	bool pass;

	va_start(ap, fmt);
	pass = report_values(at, erratum, hv_result_matches(expected, got),
			     hv_result_str(expected, e, sizeof(e)), hv_result_str(got, g, sizeof(g)), fmt, ap);
	va_end(ap);
	return pass;
}

static const char *hex(uint64_t value, char *buf, unsigned size)
{
	snprintf(buf, size, "%#llx", (unsigned long long)value);
	return buf;
}

static bool vdecoded(struct report_site at, const char *erratum, uint64_t expected, uint64_t got,
		     report_decoder_t *decode, const char *fmt, va_list ap)
{
	char e[64], g[64];

	return report_values(at, erratum, expected == got, decode(expected, e, sizeof(e)),
			     decode(got, g, sizeof(g)), fmt, ap);
}

bool report_decoded_at(struct report_site at, const char *erratum, uint64_t expected, uint64_t got,
		       report_decoder_t *decode, const char *fmt, ...)
{
	va_list ap;
	bool pass;

	va_start(ap, fmt);
	pass = vdecoded(at, erratum, expected, got, decode, fmt, ap);
	va_end(ap);
	return pass;
}

bool report_u64_at(struct report_site at, const char *erratum, uint64_t expected, uint64_t got,
		   const char *fmt, ...)
{
	va_list ap;
	bool pass;

	va_start(ap, fmt);
	pass = vdecoded(at, erratum, expected, got, hex, fmt, ap);
	va_end(ap);
	return pass;
}

struct report_counts report_counts(void)
{
	spin_lock(&count_lock);
	struct report_counts c = counts;
	spin_unlock(&count_lock);
	return c;
}

/* Steps. */
#define MAX_STEP_DEPTH 8
static struct step {
	const char *name;
	struct report_counts at_begin;
	char values[512];
	size_t values_len;
} steps[MAX_STEP_DEPTH];
static unsigned step_depth;

static size_t step_path(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < step_depth && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " > " : "", steps[i].name);
	return n;
}

void step_begin(const char *name)
{
	char path[512];

	if (step_depth >= MAX_STEP_DEPTH) {
		report(false, "step '%s' nested deeper than %d", name, MAX_STEP_DEPTH);
		hv_exit();
	}
	struct step *s = &steps[step_depth++];
	s->name = name;
	s->at_begin = report_counts();
	s->values[0] = 0;
	s->values_len = 0;
	step_path(path, sizeof(path));
	printf("STEP-BEGIN: %s\n", path);
	report_prefix_push("%s", name);
}

void step_value(const char *key, const char *fmt, ...)
{
	char val[128];
	va_list ap;

	if (!step_depth)
		return;
	struct step *s = &steps[step_depth - 1];
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	for (char *p = val; *p; p++)	/* values never contain spaces */
		if (*p == ' ')
			*p = '_';
	if (s->values_len < sizeof(s->values))
		s->values_len += (size_t)snprintf(s->values + s->values_len,
						  sizeof(s->values) - s->values_len, " %s=%s", key, val);
}

static enum verdict step_verdict(const struct step *s)
{
	struct report_counts now = report_counts();

	if (now.fail > s->at_begin.fail || now.xpass > s->at_begin.xpass)
		return V_FAIL;
	if (now.xfail > s->at_begin.xfail)
		return V_XFAIL;
	if (now.skip > s->at_begin.skip)	/* PASS < SKIP (docs/output-format.md) */
		return V_SKIP;
	if (now.pass > s->at_begin.pass || s->values_len)
		return V_PASS;
	return V_SKIP;
}

bool step_failed(void)
{
	return step_depth && step_verdict(&steps[step_depth - 1]) == V_FAIL;
}

void step_end(void)
{
	char path[512];

	if (!step_depth)
		return;
	struct step *s = &steps[step_depth - 1];
	step_path(path, sizeof(path));
	printf("STEP-END: %s: %s%s%s\n", verdict_names[step_verdict(s)], path,
	       s->values_len ? " |" : "", s->values);
	step_depth--;
	report_prefix_pop();
}

/* The end. */
#define DEBUG_EXIT_PORT	0xf4

noreturn void hv_exit(void)
{
	static volatile int exiting;
	struct report_counts c = report_counts();
	const char *status;
	int code;

	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL))
		for (;;)
			asm volatile("cli; hlt");
	if (c.fail || c.xpass) {
		status = "FAIL";
		code = 1;
	} else if (c.pass || c.xfail) {
		status = "PASS";
		code = 0;
	} else {
		status = "SKIP";
		code = 2;
	}
	printf("SUMMARY: %u checks, %u passed, %u failed, %u skipped, %u xfail, %u xpass\n",
	       c.pass + c.fail + c.skip + c.xfail + c.xpass, c.pass, c.fail, c.skip, c.xfail, c.xpass);
	printf("HVTEST-END: %s\n", status);
	console_drain();
	outl(DEBUG_EXIT_PORT, (uint32_t)code);	/* QEMU isa-debug-exit */
	asm volatile("xchg %%bx, %%bx" ::: "memory");	/* Bochs magic breakpoint */
	for (;;)
		asm volatile("cli; hlt");
}
