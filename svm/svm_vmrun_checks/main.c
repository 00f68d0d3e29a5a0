/*
 * svm_vmrun_checks (vmrun.h): the contexts, one row on this CPU, every row
 * on every CPU in turn, and EXITCODE's width checked once.
 */
#include "hvtest.h"
#include "vmrun.h"
#include "svm/guest.h"
#include "svm/program.h"
#include "svm/stubs.h"
#include "svm/svm_defs.h"

const char *const vmrun_section_number[NR_SECTIONS] = { "15.5.1", "15.20", "15.19" };
const char *const vmrun_section_title[NR_SECTIONS] = {
	"Basic Operation: Canonicalization and Consistency Checks", "Event Injection", "Paged Real Mode",
};

/* This CPU's guest, an IDT of its own and the real-mode pages. */
static struct svm_guest guest;
static void *guest_idt, *real_pd, *real_stack;

static void guest_nothing(void *unused)
{
}

/*
 * EXITCODE is 64 bits (APM Table B-1, Appendix C): VMEXIT_INVALID is -1 in
 * all of them.  That is checked once (exitcode_width); where the environment
 * stores it zero-extended from 32 bits (erratum qemu-tcg-exitcode-32bit),
 * the rows read 0xFFFFFFFF as VMEXIT_INVALID, so that each still checks
 * that VMRUN refused.
 */
static uint64_t refusal_code(uint64_t code)
{
	if (erratum_active("qemu-tcg-exitcode-32bit") && code == (uint32_t)VMEXIT_INVALID)
		return VMEXIT_INVALID;
	return code;
}

/* The 32-bit code and data segments of the runtime's GDT, flat. */
static struct vmcb_seg flat_seg(uint16_t sel, uint16_t attrib)
{
	return (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = 0xffffffff, .base = 0 };
}

/* A real-mode segment (base anywhere: VMRUN loads the hidden base as is). */
static struct vmcb_seg real_seg(uint64_t base, unsigned type)
{
	return (struct vmcb_seg){ .selector = 0, .attrib = (uint16_t)(type | VMCB_ATTR_S | VMCB_ATTR_P),
				  .limit = 0xffff, .base = base };
}

static void context(enum vmrun_ctx c)
{
	struct vmcb_save *s = &guest.vmcb->save;

	/* The guest's own IDT: every vector leads to the stub, so an injected event ends as VMMCALL there. */
	s->idtr = (struct vmcb_seg){ .base = (uint64_t)guest_idt, .limit = 256 * IDT_GATE_SIZE - 1 };
	switch (c) {
	case S_LME_NO_PG: case S_LEGACY:
		s->efer = EFER_SVME | (c == S_LME_NO_PG ? EFER_LME : 0);
		s->cr0 &= ~X86_CR0_PG;
		s->cr4 &= ~(X86_CR4_PCIDE | X86_CR4_LA57);
		s->cs = flat_seg(KERNEL_CS32, 0xb | VMCB_ATTR_S | VMCB_ATTR_P | VMCB_ATTR_DB | VMCB_ATTR_G);
		s->ss = s->ds = s->es = flat_seg(KERNEL_DS, 0x3 | VMCB_ATTR_S | VMCB_ATTR_P | VMCB_ATTR_DB | VMCB_ATTR_G);
		s->rip = (uint64_t)g_vmmcall;
		break;
	case S_REAL_LME: case S_REAL:
		s->efer = EFER_SVME | (c == S_REAL_LME ? EFER_LME : 0);
		s->cr0 = X86_CR0_ET | X86_CR0_NE;
		/* Paged real mode (S_REAL with PG) uses 32-bit paging; with EFER.LME, PAE (unused without PG). */
		s->cr4 = X86_CR4_PSE | (c == S_REAL_LME ? X86_CR4_PAE : 0);
		s->cr3 = virt_to_phys(real_pd);
		s->cs = real_seg((uint64_t)g_vmmcall, 0xb);
		s->ss = s->ds = s->es = real_seg(virt_to_phys(real_stack), 0x3);
		s->rip = 0;
		s->rsp = PAGE_SIZE - 16;
		break;
	default:
		break;
	}
}

/* Where VMMCALL means "the guest reached the context's stub". */
static uint64_t stub_rip(enum vmrun_ctx c)
{
	return c == S_REAL || c == S_REAL_LME ? 0 : (uint64_t)g_vmmcall;
}

static struct vmrun_expect ctx_expect(enum vmrun_ctx c)
{
	return c == S_LONG ? (struct vmrun_expect)RUNS : (struct vmrun_expect)RUNS_STUB;
}

static uint64_t field_read(const struct vmrun_row *r)
{
	uint64_t v = 0;

	memcpy(&v, (char *)guest.vmcb + r->off, r->size);
	return v;
}

static void field_write(const struct vmrun_row *r, uint64_t v)
{
	memcpy((char *)guest.vmcb + r->off, &v, r->size);
}

/* Sign-extended from bit 47 (the rows' values read back the same from bit 56). */
static uint64_t canonical(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16);
}

struct attempt {
	uint64_t value;		/* the field at VMRUN */
	uint64_t code;		/* EXITCODE as stored */
	uint64_t rip;		/* the guest's RIP at the #VMEXIT */
	uint64_t readback;	/* the field after it */
	bool done;		/* the guest ran to its end */
	uint64_t host_cr0;	/* the host's CR0 after the #VMEXIT, when it differs from before VMRUN */
	uint64_t host_cr0_before;
};

/* One VMRUN from context c with the row's field changed by ch (NULL: the context as it is). */
static struct attempt attempt(enum vmrun_ctx c, const struct vmrun_row *r, const struct row_change *ch,
			      unsigned bit)
{
	struct attempt a = { 0 };

	if (!svm_guest_load(&guest)) {
		a.code = SVM_GUEST_STOPPED;
		return a;
	}
	context(c);
	if (ch) {
		a.value = row_apply(ch, field_read(r), bit);
		field_write(r, a.value);
	}
	uint64_t cr0 = read_cr0();
	a.code = svm_guest_run(&guest);
	if (read_cr0() != cr0) {	/* see host_restored() */
		a.host_cr0 = read_cr0();
		a.host_cr0_before = cr0;
	}
	a.rip = guest.vmcb->save.rip;
	a.done = guest.done;
	if (ch)
		a.readback = field_read(r);
	return a;
}

static uint8_t kind_of(const struct attempt *a, enum vmrun_ctx c)
{
	if (refusal_code(a->code) == VMEXIT_INVALID)
		return RUN_INVALID;
	if (a->code == VMEXIT_VMMCALL && a->done)
		return RUN_DONE;
	if (a->code == VMEXIT_VMMCALL && a->rip == stub_rip(c))
		return RUN_STUB;
	return RUN_OTHER;
}

static bool matches(struct vmrun_expect e, const struct attempt *a, enum vmrun_ctx c)
{
	uint8_t k = kind_of(a, c);

	if (e.kind == RUN_CANON)
		return k == RUN_DONE && a->readback == canonical(a->value);
	return k == e.kind;
}

static const char *expect_str(struct vmrun_expect e)
{
	static const char *const s[] = {
		[RUN_INVALID] = "VMEXIT_INVALID", [RUN_DONE] = "the guest's end", [RUN_STUB] = "VMMCALL at the stub",
		[RUN_CANON] = "the guest's end, the field read back canonical",
	};
	return s[e.kind];
}

static const char *attempt_str(const struct attempt *a, enum vmrun_ctx c, char *buf, unsigned size)
{
	char code[48];

	switch (kind_of(a, c)) {
	case RUN_INVALID: snprintf(buf, size, "VMEXIT_INVALID"); break;
	case RUN_DONE: snprintf(buf, size, "end (read back %#llx)", (unsigned long long)a->readback); break;
	case RUN_STUB: snprintf(buf, size, "stub"); break;
	default:
		snprintf(buf, size, "%s at rip %#llx", svm_exit_str(a->code, code, sizeof(code)),
			 (unsigned long long)a->rip);
		break;
	}
	return buf;
}

/* Per CPU: has this context run yet, and did it run as it should? */
static struct { bool checked, ok; } ctx_state[NR_SCTX];

static bool ctx_ready(enum vmrun_ctx c)
{
	char rule[48], got[96];
	struct report_site site = { rule, __FILE__, __LINE__ };

	if (ctx_state[c].checked)
		return ctx_state[c].ok;
	struct attempt a = attempt(c, NULL, NULL, 0);
	static const char *const names[NR_SCTX] = {
		[S_LONG] = "long", [S_LEGACY] = "legacy", [S_LME_NO_PG] = "lme-no-paging", [S_REAL] = "real",
		[S_REAL_LME] = "real-lme",
	};
	snprintf(rule, sizeof(rule), "vmrun-ctx-%s", names[c]);
	report_rule_begin(&site);
	ctx_state[c].checked = true;
	ctx_state[c].ok = report(kind_of(&a, c) == ctx_expect(c).kind, "the valid state of this context: "
				 "expected %s, got %s", expect_str(ctx_expect(c)), attempt_str(&a, c, got, sizeof(got)));
	report_rule_end();
	return ctx_state[c].ok;
}

/*
 * APM Vol. 2 15.6 (#VMEXIT): the processor reloads the host's CR0 (and the
 * rest of its state) from the host save area.  Checked after every VMRUN of
 * a row; a host CR0 that differs from its value before VMRUN is a FAIL (the
 * rows after it would no longer start from the valid state).
 */
static void host_restored(const struct attempt *a, const char *which)
{
	if (a->host_cr0)
		report(false, "APM 15.6 (#VMEXIT): the host's CR0 after the #VMEXIT of the %s: expected %#llx "
		       "(as before VMRUN), got %#llx", which, (unsigned long long)a->host_cr0_before,
		       (unsigned long long)a->host_cr0);
}

static void run_one(const struct vmrun_row *r, const char *name, unsigned bit)
{
	enum vmrun_ctx tc = r->twin_ctx == S_SAME ? r->ctx : r->twin_ctx;
	struct vmrun_expect te = r->twin_expect.kind == RUN_CTX ? ctx_expect(tc) : r->twin_expect;
	struct report_site site = { name, "svm/svm_vmrun_checks/table.c", r->line };
	char got[96], twin_got[96];
	const char *why = r->need ? r->need() : NULL;

	if (why) {
		rows_skipped(site, why);
		return;
	}
	if (!ctx_ready(r->ctx) || !ctx_ready(tc)) {
		rows_skipped(site, "its context did not run (a FAIL above)");
		return;
	}
	report_rule_begin(&site);
	if (r->fatal && erratum_active(r->erratum)) {
		rows_tried(false, true);
		report_erratum(r->erratum, false, "APM %s (%s): %s: not executed: the environment stops on it",
			       vmrun_section_number[r->sec], vmrun_section_title[r->sec], r->rule);
		report_rule_end();
		return;
	}
	struct attempt a = attempt(r->ctx, r, &r->bad, bit), t = attempt(tc, r, &r->twin, bit);
	bool twin_ok = matches(te, &t, tc), pass;

	attempt_str(&a, r->ctx, got, sizeof(got));
	attempt_str(&t, tc, twin_got, sizeof(twin_got));
	if (!twin_ok)
		pass = report(false, "APM %s (%s): %s: twin %s=%#llx: expected %s, got %s (the row: %#llx, %s)",
			      vmrun_section_number[r->sec], vmrun_section_title[r->sec], r->rule, r->field,
			      (unsigned long long)t.value, expect_str(te), twin_got, (unsigned long long)a.value, got);
	else if (matches(r->expect, &a, r->ctx))
		pass = report_erratum(r->erratum, true, "%#llx -> %s; twin %#llx -> %s", (unsigned long long)a.value,
				      got, (unsigned long long)t.value, twin_got);
	else
		pass = report_erratum(r->erratum, false, "APM %s (%s): %s: %s=%#llx: expected %s, got %s "
				      "(EXITCODE %#llx); twin %#llx: %s", vmrun_section_number[r->sec],
				      vmrun_section_title[r->sec], r->rule, r->field, (unsigned long long)a.value,
				      expect_str(r->expect), got, (unsigned long long)a.code,
				      (unsigned long long)t.value, twin_got);
	host_restored(&a, "row");
	host_restored(&t, "twin");
	report_rule_end();
	rows_tried(pass, twin_ok && r->erratum && erratum_active(r->erratum));
}

static void run_row(const struct vmrun_row *r)
{
	char name[64];

	if (!r->bits) {
		run_one(r, r->name, 0);
		return;
	}
	const char *why = r->need ? r->need() : NULL;
	uint64_t bits = why ? 0 : r->bits();
	if (!bits) {
		row_range_name(name, sizeof(name), r->name);
		rows_skipped((struct report_site){ name, "svm/svm_vmrun_checks/table.c", r->line },
			     why ? why : "the range has no bit on this CPU");
		return;
	}
	for (unsigned bit = 0; bit < 64; bit++)
		if (bits & BIT(bit)) {
			snprintf(name, sizeof(name), r->name, bit);
			run_one(r, name, bit);
		}
}

/* A 32-bit page directory of 4 MiB pages mapping the low 4 GiB (CR4.PSE): for paged real mode. */
static void *identity_pd32(void)
{
	uint32_t *pd = alloc_page();

	for (unsigned i = 0; i < 1024; i++)
		pd[i] = (i << 22) | PT_P | PT_W | PT_PS;
	return pd;
}

static void rows(void)
{
	memset(ctx_state, 0, sizeof(ctx_state));
	for (unsigned i = 0; i < vmrun_nr_rows; i++)
		run_row(&vmrun_rows[i]);
}

/*
 * A refused VMRUN stores VMEXIT_INVALID in all 64 bits of EXITCODE.  The
 * refusal is a reserved EVENTINJ type (APM 15.20): a check the processor
 * makes itself even under KVM (KVM's own VMRUN checks, such as guest
 * EFER.SVME, produce their exit code in software and would not show the
 * processor's width; errata.cfg qemu-tcg-exitcode-32bit).
 */
#define EVENTINJ_TYPE_RESERVED	1	/* APM 15.20: TYPE 1, 5, 6, 7 are reserved */

static void exitcode_width(void)
{
	if (!svm_guest_load(&guest))
		return;
	guest.vmcb->control.event_inj = svm_event(0, EVENTINJ_TYPE_RESERVED, false, 0);
	svm_report_exit("qemu-tcg-exitcode-32bit", VMEXIT_INVALID, svm_guest_run(&guest),
			"EXITCODE, all 64 bits, of VMRUN refused for EVENTINJ type 1 (reserved)");
}

/* Each rule on every CPU in turn, with a guest of that CPU and the pages the contexts use. */
static void with_guest(void *rule)
{
	if (!svm_guest_create(&guest, guest_nothing, NULL))
		return;
	guest_idt = alloc_page();
	for (unsigned vec = 0; vec < 256; vec++)
		idt_set_gate(guest_idt, vec, g_vmmcall, 0, 0);
	real_pd = identity_pd32();
	real_stack = alloc_page();
	((void (*)(void))rule)();
	free_page(guest_idt);
	free_page(real_pd);
	free_page(real_stack);
	svm_guest_free(&guest);
}

HV_EACH_CPU_WITH(with_guest, rows)
HV_EACH_CPU_WITH(with_guest, exitcode_width)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "rows", rows_each_cpu },
		{ "exitcode_width", exitcode_width_each_cpu },
	};

	if (!svm_program_start(HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	rows_print_counts("VMRUN rows (APM Vol. 2 15.5.1, 15.19, 15.20)");
	svm_program_finish();
	return 0;
}
