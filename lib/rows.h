/*
 * Rules as data (design.md): what the tables of rules share, whichever
 * vendor they check.  A row changes one field of a valid state; its change
 * is a ROW_* value.  A bit range is tried one bit at a time, or at both
 * edges of each run of bits (row_edges).  The counts say how many rows were
 * tried, passed and skipped, and for what reason each was skipped.
 */
#ifndef HV_ROWS_H
#define HV_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "report.h"

/* How a row (or its twin) changes its field from the valid value v. */
enum row_op {
	ROW_OP_KEEP,		/* v */
	ROW_OP_SET,		/* arg */
	ROW_OP_OR,		/* v | arg */
	ROW_OP_CLEAR,		/* v & ~arg */
	ROW_OP_FN,		/* fn(v, bit) */
	ROW_OP_BIT_SET,		/* v | 1 << bit (a range) */
	ROW_OP_BIT_CLEAR,	/* v & ~(1 << bit) (a range) */
};

struct row_change {
	uint8_t op;
	uint64_t arg;
	uint64_t (*fn)(uint64_t v, unsigned bit);
};

#define ROW_KEEP	{ ROW_OP_KEEP, 0, 0 }
#define ROW_SET(v)	{ ROW_OP_SET, (v), 0 }
#define ROW_OR(v)	{ ROW_OP_OR, (v), 0 }
#define ROW_CLEAR(v)	{ ROW_OP_CLEAR, (v), 0 }
#define ROW_FN(f)	{ ROW_OP_FN, 0, (f) }
#define ROW_BIT_SET	{ ROW_OP_BIT_SET, 0, 0 }
#define ROW_BIT_CLEAR	{ ROW_OP_BIT_CLEAR, 0, 0 }

uint64_t row_apply(const struct row_change *c, uint64_t v, unsigned bit);

/* The lowest and the highest bit of each run of 1s in mask. */
uint64_t row_edges(uint64_t mask);

/* A range row's name with its "%u" as "N": the name of the whole range. */
void row_range_name(char *buf, size_t size, const char *fmt);

/* The counts of the rows a program ran (all CPUs). */
void rows_tried(bool pass, bool xfail);
/* A row not tried on this CPU: a SKIP line naming the row and why (the capability it needs). */
void rows_skipped(struct report_site row, const char *why);
/* One INFO line with the counts, then one per reason rows were not tried (the SKIPs were printed). */
void rows_print_counts(const char *what);

#endif
