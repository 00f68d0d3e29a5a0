/* Rules as data: the changes a row makes and the counts of a table run (see rows.h). */
#include "rows.h"
#include "libc.h"
#include "report.h"
#include "smp.h"
#include "spinlock.h"

uint64_t row_apply(const struct row_change *c, uint64_t v, unsigned bit)
{
	switch (c->op) {
	case ROW_OP_SET: return c->arg;
	case ROW_OP_OR: return v | c->arg;
	case ROW_OP_CLEAR: return v & ~c->arg;
	case ROW_OP_FN: return c->fn(v, bit);
	case ROW_OP_BIT_SET: return v | 1ull << bit;
	case ROW_OP_BIT_CLEAR: return v & ~(1ull << bit);
	default: return v;
	}
}

uint64_t row_edges(uint64_t mask)
{
	uint64_t edges = 0;

	while (mask) {
		unsigned low = (unsigned)__builtin_ctzll(mask);
		uint64_t run = mask >> low;
		unsigned len = run == ~0ull >> low ? 64 - low : (unsigned)__builtin_ctzll(~run);
		edges |= 1ull << low | 1ull << (low + len - 1);
		mask &= low + len == 64 ? 0 : ~0ull << (low + len);
	}
	return edges;
}

void row_range_name(char *buf, size_t size, const char *fmt)
{
	size_t n = 0;

	for (; *fmt && n + 1 < size; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 'u') {
			buf[n++] = 'N';
			fmt++;
		} else {
			buf[n++] = *fmt;
		}
	}
	buf[n] = 0;
}

#define MAX_SKIP_REASONS 48
static struct spinlock lock;
static struct {
	unsigned tried, passed, xfail;
	unsigned nr_reasons;
	struct { char why[112]; char first[64]; unsigned rows; } skip[MAX_SKIP_REASONS];
} counts;

void rows_tried(bool pass, bool xfail)
{
	spin_lock(&lock);
	counts.tried++;
	counts.passed += pass;
	counts.xfail += !pass && xfail;
	spin_unlock(&lock);
}

void rows_skipped(struct report_site row, const char *why)
{
	unsigned i;

	report_skip_at(row, "not tried: %s", why);
	spin_lock(&lock);
	for (i = 0; i < counts.nr_reasons && strcmp(counts.skip[i].why, why); i++)
		;
	if (i == counts.nr_reasons) {
		if (i == MAX_SKIP_REASONS)
			i--;	/* the last slot takes the rest */
		else
			counts.nr_reasons++;
		snprintf(counts.skip[i].why, sizeof(counts.skip[i].why), "%s", why);
		snprintf(counts.skip[i].first, sizeof(counts.skip[i].first), "%s", row.rule);
	}
	counts.skip[i].rows++;
	spin_unlock(&lock);
}

void rows_print_counts(const char *what)
{
	unsigned skipped = 0;

	for (unsigned i = 0; i < counts.nr_reasons; i++)
		skipped += counts.skip[i].rows;
	report_info("%s on %u CPU(s): %u rows tried, %u passed, %u xfail, %u failed; %u not tried",
		    what, nr_cpus, counts.tried, counts.passed, counts.xfail,
		    counts.tried - counts.passed - counts.xfail, skipped);
	for (unsigned i = 0; i < counts.nr_reasons; i++)
		report_info("%u rows not tried (%s%s): %s", counts.skip[i].rows, counts.skip[i].first,
			    counts.skip[i].rows > 1 ? ", ..." : "", counts.skip[i].why);
}
