/*
 * svm_vmrun_checks: the checks VMRUN makes on the guest state, one table
 * (APM Vol. 2 15.5.1 "Basic Operation", "Canonicalization and Consistency
 * Checks"; 15.20 "Event Injection"; 15.19 "Paged Real Mode").  A row is
 * one condition: the context it starts from, the one VMCB field it
 * changes, bit by bit for a must-be-zero range, and the one outcome the
 * APM defines (VMEXIT_INVALID, or VMRUN runs the guest: what must not
 * fail); its twin, the nearest legal value, must run.  Every row runs on
 * every CPU in turn.
 *
 *   table.c  the rows
 *   main.c   the contexts, one row on this CPU, the program
 */
#ifndef SVM_VMRUN_CHECKS_H
#define SVM_VMRUN_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rows.h"
#include "svm/vmcb.h"

enum vmrun_section {
	SEC_CHECKS,	/* 15.5.1 Basic Operation: Canonicalization and Consistency Checks */
	SEC_EVENTINJ,	/* 15.20 Event Injection */
	SEC_PAGED_REAL,	/* 15.19 Paged Real Mode */
	NR_SECTIONS
};
extern const char *const vmrun_section_number[NR_SECTIONS];
extern const char *const vmrun_section_title[NR_SECTIONS];

/* What VMRUN did, as a row compares it. */
enum vmrun_kind {
	RUN_CTX,	/* (a twin: what its context does) */
	RUN_INVALID,	/* #VMEXIT with VMEXIT_INVALID: refused */
	RUN_DONE,	/* the guest ran to its end (VMMCALL at svm_guest_done_rip) */
	RUN_STUB,	/* the guest reached the stub (VMMCALL at the context's stub): the event or mode set up */
	RUN_CANON,	/* the guest ran to its end, and the field reads back sign-extended from bit 47 */
	RUN_OTHER,	/* another exit */
};
struct vmrun_expect { uint8_t kind; };
#define INVALID		{ RUN_INVALID }
#define RUNS		{ RUN_DONE }
#define RUNS_STUB	{ RUN_STUB }
#define RUNS_CANON	{ RUN_CANON }

/* The valid states a row starts from; each is checked to run before its rows. */
enum vmrun_ctx {
	S_SAME,		/* (a twin: the row's own) */
	S_LONG,		/* the harness's 64-bit guest, an IDT of its own (every vector: the stub) */
	S_LEGACY,	/* 32-bit protected mode, no paging, EFER.LME=0, at the stub */
	S_LME_NO_PG,	/* S_LEGACY with EFER.LME=1 (long mode enabled, not active) */
	S_REAL,		/* real mode (CR0.PE=PG=0), CR4.PSE, CR3 a 4 MiB identity page directory */
	S_REAL_LME,	/* S_REAL with EFER.LME=1 and CR4.PAE=1 */
	NR_SCTX
};

struct vmrun_row {
	unsigned line;			/* of the row in table.c (the check's at=) */
	const char *name;		/* "vmrun-cr4-mbz-bit%u": a range prints the bit */
	uint8_t sec;			/* enum vmrun_section */
	const char *rule;		/* the condition, in short */
	uint8_t ctx, twin_ctx;		/* enum vmrun_ctx */
	const char *(*need)(void);	/* NULL, or why the row cannot run here (NULL: it can) */
	uint64_t (*bits)(void);		/* a range: the bits tried one by one */
	uint16_t off;			/* the VMCB field: offset, size, name */
	uint8_t size;
	const char *field;
	struct row_change bad, twin;
	struct vmrun_expect expect, twin_expect;
	const char *erratum;		/* an environment known to deviate (errata.cfg), or NULL */
	bool fatal;			/* under that erratum the row would end the program: not executed */
};
#define FIELD(m)	.off = offsetof(struct vmcb, m), .size = sizeof(((struct vmcb *)0)->m), .field = #m

extern const struct vmrun_row vmrun_rows[];
extern const unsigned vmrun_nr_rows;

#endif
