/*
 * One row: the harness's valid state, the row's context, the row's one
 * change; VM entry; what came, judged against the one outcome the SDM
 * defines.  Then the twin (the nearest legal value, which must enter).
 * The counts of rows tried, passed and skipped (by the capability they
 * needed) are printed at the end.
 */
#include "hvtest.h"
#include "entry.h"
#include "vmx/guest.h"
#include "vmx/insn.h"
#include "vmx/vmxon.h"

const char *const entry_section_number[NR_SECTIONS] = {
	"27.2.1.1", "27.2.1.2", "27.2.1.3", "27.2.2", "27.2.3", "27.2.4",
	"27.3.1.1", "27.3.1.2", "27.3.1.3", "27.3.1.4", "27.3.1.5", "27.3.1.6", "27.4",
};
const char *const entry_section_title[NR_SECTIONS] = {
	"VM-Execution Control Fields", "VM-Exit Control Fields", "VM-Entry Control Fields",
	"Checks on Host Control Registers, MSRs, and SSP",
	"Checks on Host Segment and Descriptor-Table Registers", "Checks Related to Address-Space Size",
	"Checks on Guest Control Registers, Debug Registers, and MSRs", "Checks on Guest Segment Registers",
	"Checks on Guest Descriptor-Table Registers", "Checks on Guest RIP, RFLAGS, and SSP",
	"Checks on Guest Non-Register State", "Checks on Guest Page-Directory-Pointer-Table Entries",
	"Loading MSRs",
};

/* The harness: one guest per CPU and table, whose valid state every attempt starts from. */
static struct vmx_guest entry_guest;

static void guest_fn(void *unused)
{
}

/* What an OUT_OTHER outcome was, in words (this CPU's last one). */
static char last_other[MAX_CPUS][160];

/*
 * The host-state fields as the harness wrote them before any row ran: a
 * row's twin may change the host's own state at its VM exit (SS 0, an
 * alias GS base), and the harness writes the host-state area from the
 * host's current state.  Every attempt starts from these values, so the
 * VM exit of each entry that succeeds puts the valid state back.
 */
static const uint32_t host_fields[] = {
	VMCS_HOST_CR0, VMCS_HOST_CR3, VMCS_HOST_CR4, VMCS_HOST_ES_SELECTOR, VMCS_HOST_CS_SELECTOR,
	VMCS_HOST_SS_SELECTOR, VMCS_HOST_DS_SELECTOR, VMCS_HOST_FS_SELECTOR, VMCS_HOST_GS_SELECTOR,
	VMCS_HOST_TR_SELECTOR, VMCS_HOST_FS_BASE, VMCS_HOST_GS_BASE, VMCS_HOST_TR_BASE, VMCS_HOST_GDTR_BASE,
	VMCS_HOST_IDTR_BASE, VMCS_HOST_IA32_SYSENTER_CS, VMCS_HOST_IA32_SYSENTER_ESP,
	VMCS_HOST_IA32_SYSENTER_EIP, VMCS_HOST_RIP,
};
static uint64_t host_valid[ARRAY_SIZE(host_fields)];
static bool host_saved;

static bool harness_create(void)
{
	if (!vmx_guest_create(&entry_guest, guest_fn, NULL))
		return false;
	/* A preemption-timer exit ends the run: the HLT contexts wake that way (and a run stays bounded). */
	vmx_guest_on_exit(&entry_guest, VMX_EXIT_PREEMPTION_TIMER, NULL);
	return true;
}

static bool harness_load(void)
{
	if (!vmx_guest_load(&entry_guest))
		return false;
	if (!host_saved) {
		for (unsigned i = 0; i < ARRAY_SIZE(host_fields); i++)
			host_valid[i] = vmx_read(host_fields[i]);
		host_saved = true;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(host_fields); i++)
		vmx_write(host_fields[i], host_valid[i]);
	return true;
}

/* Enter and say what came; `stub` is where a VMCALL means "reached the stub". */
static struct outcome harness_enter(uint64_t stub)
{
	struct vmx_guest *g = &entry_guest;
	struct hv_result r = vmx_guest_run(g);
	const struct vmx_exit *e = &g->exit;
	char *other = last_other[smp_id()];
	unsigned basic = vmx_exit_reason_basic(e->reason);

	if (r.kind == HV_VMFAIL_VALID)
		return (struct outcome){ OUT_VMFAIL, (uint16_t)r.error_code, 0 };
	if (!hv_result_ok(r)) {
		hv_result_str(r, other, sizeof(last_other[0]));
		return (struct outcome){ OUT_OTHER, 0, 0 };
	}
	if (g->done)
		return (struct outcome){ OUT_DONE, 0, 0 };
	if (!g->stopped && vmx_exit_reason_entry_failed(e->reason))
		return (struct outcome){ OUT_ENTRY_FAIL, (uint16_t)basic, e->qualification };
	if (!g->stopped && basic == VMX_EXIT_VMCALL && e->guest_rip == stub)
		return (struct outcome){ OUT_STUB, 0, 0 };
	if (g->stopped || basic == VMX_EXIT_VMCALL) {
		vmx_exit_str(g, other, sizeof(last_other[0]));
		return (struct outcome){ OUT_OTHER, 0, 0 };
	}
	uint64_t qual = basic == VMX_EXIT_EXCEPTION_NMI ? (vmx_read(VMCS_EXIT_INTR_INFO) & 0xff) : e->qualification;
	return (struct outcome){ OUT_EXIT, (uint16_t)basic, qual };
}

/* Per CPU and table: has this context been entered and checked yet, and did it enter? */
static struct { bool checked, ok; } ctx_state[NR_CTX];
static bool host_rows;

/* What came, in full (a failing line) or short (a passing line). */
static const char *outcome_str(struct outcome o, bool full, char *buf, unsigned size)
{
	switch (o.kind) {
	case OUT_VMFAIL:
		if (full)
			snprintf(buf, size, "VMfailValid(%u) %s", o.code, vmx_insn_error_name(o.code));
		else
			snprintf(buf, size, "VMfailValid(%u)", o.code);
		break;
	case OUT_ENTRY_FAIL:
		if (full)
			snprintf(buf, size, "VM-entry failure %u (%s), qualification %llu", o.code,
				 vmx_exit_reason_name(o.code), (unsigned long long)o.qual);
		else
			snprintf(buf, size, "failure %u/%llu", o.code, (unsigned long long)o.qual);
		break;
	case OUT_DONE:
		snprintf(buf, size, full ? "entered: the guest ran to its end" : "end");
		break;
	case OUT_STUB:
		snprintf(buf, size, full ? "entered: VMCALL at the stub" : "stub");
		break;
	case OUT_EXIT:
		if (o.code == VMX_EXIT_EXCEPTION_NMI)
			snprintf(buf, size, "%sexit %u (%s) vector %llu", full ? "entered: " : "", o.code,
				 vmx_exit_reason_name(o.code), (unsigned long long)o.qual);
		else
			snprintf(buf, size, "%sexit %u (%s)", full ? "entered: " : "", o.code,
				 vmx_exit_reason_name(o.code));
		break;
	default:
		snprintf(buf, size, "%s", last_other[smp_id()]);
		break;
	}
	return buf;
}

static bool outcome_matches(struct outcome want, struct outcome got)
{
	if (want.kind != got.kind)
		return false;
	switch (want.kind) {
	case OUT_VMFAIL: case OUT_EXIT:
		return want.code == got.code && (want.code != VMX_EXIT_EXCEPTION_NMI || want.qual == got.qual);
	case OUT_ENTRY_FAIL:
		return want.code == got.code && want.qual == got.qual;
	default:
		return true;
	}
}

/* A twin with no expectation of its own expects what its context does. */
static struct outcome twin_expect(const struct entry_row *r, enum entry_ctx tc)
{
	if (r->twin_expect.kind == OUT_VMFAIL && r->twin_expect.code == 0)
		return entry_ctx_expect(tc);
	return r->twin_expect;
}

/*
 * A row's value: what was written and, for a VMCS field, what VMREAD gives
 * after the VMWRITE.  SDM 25.11.2: VMWRITE writes the source's low 16 or 32
 * bits into a 16- or 32-bit field, all of it into a 64-bit or natural-width
 * one; `dropped` says the field does not hold those bits.
 */
struct written {
	uint64_t value, stored;
	bool dropped;
};

static uint64_t field_width_mask(uint32_t field)
{
	switch ((field >> 13) & 3) {	/* encoding bits 14:13: the width */
	case 0: return 0xffff;
	case 2: return 0xffffffff;
	default: return ~0ull;
	}
}

static struct written written_read_back(uint32_t field, uint64_t v)
{
	if (field >= MEM_VTPR)		/* memory, not a VMCS field: no VMWRITE */
		return (struct written){ v, v, false };
	uint64_t stored = entry_read(field);
	return (struct written){ v, stored, stored != (v & field_width_mask(field)) };
}

/* "FIELD=value", and what VMREAD gives where the field does not hold it. */
static const char *written_str(uint32_t field, struct written w, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s=%#llx", entry_field_name(field), (unsigned long long)w.value);

	if (w.dropped && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " (VMREAD after the VMWRITE: %#llx)",
			 (unsigned long long)w.stored);
	return buf;
}

/*
 * One VM entry from context c with `field` changed by ch (NULL: the
 * context as it is).  *w gets the value written and the value read back.
 */
static struct outcome attempt(enum entry_ctx c, uint32_t field, const struct row_change *ch,
			      unsigned bit, struct written *w)
{
	uint64_t stub = entry_stub_rip(c);

	if (!harness_load()) {
		snprintf(last_other[smp_id()], sizeof(last_other[0]), "the harness's load failed (a FAIL above)");
		return (struct outcome){ OUT_OTHER, 0, 0 };
	}
	entry_ctx_apply(c);
	if (ch) {
		uint64_t v = row_apply(ch, entry_read(field), bit);
		entry_write(field, v);
		if (field == VMCS_GUEST_RIP && ch->op != ROW_OP_KEEP)
			stub = v;
		if (w)
			*w = written_read_back(field, v);
	}
	return harness_enter(stub);
}

/*
 * A context's erratum (an environment that at times drops the event it
 * injects) for an entry that expected the event's stub and got the guest
 * run to its end instead; NULL for any other outcome.
 */
static const char *lost_event_erratum(enum entry_ctx c, struct outcome want, struct outcome got)
{
	return want.kind == OUT_STUB && got.kind == OUT_DONE ? entry_ctx_erratum(c) : NULL;
}

/* The context, entered once per CPU and table before its first row: it must do what it does. */
static bool ctx_ready(enum entry_ctx c)
{
	char got[96], want[96];

	if (ctx_state[c].checked)
		return ctx_state[c].ok;
	struct outcome o = attempt(c, 0, NULL, 0, NULL), e = entry_ctx_expect(c);
	char rule[48];
	struct report_site site = { rule, __FILE__, __LINE__ };

	snprintf(rule, sizeof(rule), "entry-ctx-%s", entry_ctx_name(c));
	report_rule_begin(&site);
	ctx_state[c].checked = true;
	bool ok = outcome_matches(e, o);
	const char *lost = lost_event_erratum(c, e, o);
	report_erratum(lost, ok, "the valid state of this context: expected %s, got %s",
		       outcome_str(e, true, want, sizeof(want)), outcome_str(o, true, got, sizeof(got)));
	/* It entered, its event lost under a known erratum: its rows still run, each judged on its own. */
	ctx_state[c].ok = ok || erratum_active(lost);
	report_rule_end();
	return ctx_state[c].ok;
}

static const char *row_need(const struct entry_row *r, enum entry_ctx tc)
{
	const char *why = entry_ctx_need(r->ctx);

	if (!why && tc != r->ctx)
		why = entry_ctx_need(tc);
	if (!why && r->need)
		why = r->need();
	return why;
}

/* The row's own value, judged alone (its twin was not run or is an environment's XFAIL). */
static void report_own(const struct entry_row *r, const char *erratum, struct written w, struct outcome o,
		       bool ok)
{
	char want[96], got[96], wrote[128];

	report_erratum(erratum, ok, "SDM %s (%s): %s: %s: expected %s, got %s",
		       entry_section_number[r->sec], entry_section_title[r->sec], r->rule,
		       written_str(r->field, w, wrote, sizeof(wrote)),
		       outcome_str(r->expect, true, want, sizeof(want)), outcome_str(o, true, got, sizeof(got)));
}

static void run_one(const struct entry_table *t, const struct entry_row *r, const char *name, unsigned bit)
{
	enum entry_ctx tc = r->twin_ctx == CTX_SAME ? r->ctx : r->twin_ctx;
	const char *why = row_need(r, tc);
	struct report_site site = { name, t->file, r->line };
	char want[96], got[96], twin_got[96], wrote[128];
	struct written w = { 0, 0, false }, tw = { 0, 0, false };

	if (why) {
		rows_skipped(site, why);
		return;
	}
	if (!ctx_ready(r->ctx) || !ctx_ready(tc)) {
		rows_skipped(site, "its context did not enter (a FAIL above)");
		return;
	}
	report_rule_begin(&site);
	if (r->fatal && erratum_active(r->erratum)) {
		rows_tried(false, true);
		report_erratum(r->erratum, false, "SDM %s (%s): %s: not executed: the environment stops on it",
			       entry_section_number[r->sec], entry_section_title[r->sec], r->rule);
		report_rule_end();
		return;
	}
	struct outcome o = attempt(r->ctx, r->field, &r->bad, bit, &w);
	struct outcome te = twin_expect(r, tc);
	bool ok = outcome_matches(r->expect, o), pass;
	const char *erratum = r->vmwrite_erratum && w.dropped ? r->vmwrite_erratum : r->erratum;
	if (!erratum)
		erratum = lost_event_erratum(r->ctx, r->expect, o);
	bool own_xfail = erratum && erratum_active(erratum);
	if (r->twin_fatal && erratum_active(r->twin_erratum)) {
		/* The twin would stop the environment: not executed; the row's own value still is. */
		report_erratum(r->twin_erratum, false, "SDM %s (%s): %s: its valid twin: not executed: the "
			       "environment stops on it", entry_section_number[r->sec], entry_section_title[r->sec],
			       r->rule);
		report_own(r, erratum, w, o, ok);
		report_rule_end();
		rows_tried(false, ok || own_xfail);	/* a row whose twin did not run has not passed */
		return;
	}
	struct outcome t_ = attempt(tc, r->field, &r->twin, bit, &tw);
	bool twin_ok = outcome_matches(te, t_);
	const char *twin_erratum = r->twin_erratum ? r->twin_erratum : lost_event_erratum(tc, te, t_);
	/* A host-state twin that entered left its values in the host: one more entry puts the valid ones back. */
	if (host_rows && t_.kind != OUT_VMFAIL)
		attempt(CTX_BASE, 0, NULL, 0, NULL);

	if (!twin_ok && twin_erratum && erratum_active(twin_erratum)) {
		/* An environment known to refuse the twin: an XFAIL for the twin, the row's own value on its own. */
		report_erratum(twin_erratum, false, "SDM %s (%s): %s: twin %s: expected %s, got %s",
			       entry_section_number[r->sec], entry_section_title[r->sec], r->rule,
			       written_str(r->field, tw, wrote, sizeof(wrote)),
			       outcome_str(te, true, want, sizeof(want)),
			       outcome_str(t_, true, twin_got, sizeof(twin_got)));
		report_own(r, erratum, w, o, ok);
		report_rule_end();
		rows_tried(false, ok || own_xfail);
		return;
	}
	if (!twin_ok) {
		/* The twin is not what the row's erratum names: its failure is a FAIL. */
		char own[128];

		pass = report(false, "SDM %s (%s): %s: twin %s: expected %s, got %s (the row: %s, %s)",
			      entry_section_number[r->sec], entry_section_title[r->sec], r->rule,
			      written_str(r->field, tw, wrote, sizeof(wrote)),
			      outcome_str(te, true, want, sizeof(want)), outcome_str(t_, true, twin_got, sizeof(twin_got)),
			      written_str(r->field, w, own, sizeof(own)), outcome_str(o, true, got, sizeof(got)));
	} else if (ok) {
		pass = report_erratum(erratum, true, "%#llx -> %s; twin %#llx -> %s", (unsigned long long)w.value,
				      outcome_str(o, false, got, sizeof(got)), (unsigned long long)tw.value,
				      outcome_str(t_, false, twin_got, sizeof(twin_got)));
	} else {
		pass = report_erratum(erratum, false, "SDM %s (%s): %s: %s: expected %s, got %s; twin %#llx: %s",
				      entry_section_number[r->sec], entry_section_title[r->sec], r->rule,
				      written_str(r->field, w, wrote, sizeof(wrote)),
				      outcome_str(r->expect, true, want, sizeof(want)),
				      outcome_str(o, true, got, sizeof(got)), (unsigned long long)tw.value,
				      outcome_str(t_, false, twin_got, sizeof(twin_got)));
	}
	report_rule_end();
	rows_tried(pass, twin_ok && own_xfail);
}

static void run_row(const struct entry_table *t, const struct entry_row *r)
{
	char name[80];

	if (!r->bits) {
		run_one(t, r, r->name, 0);
		return;
	}
	/* A range: its bits depend on this CPU, and they are known only when the row can run. */
	enum entry_ctx tc = r->twin_ctx == CTX_SAME ? r->ctx : r->twin_ctx;
	const char *why = row_need(r, tc);
	uint64_t bits = why ? 0 : r->bits();
	if (!bits) {
		row_range_name(name, sizeof(name), r->name);
		rows_skipped((struct report_site){ name, t->file, r->line },
			     why ? why : "the range has no bit on this CPU");
		return;
	}
	for (unsigned bit = 0; bit < 64; bit++)
		if (bits & (1ull << bit)) {
			snprintf(name, sizeof(name), r->name, bit);
			run_one(t, r, name, bit);
		}
}

static void run_table(const struct entry_table *t)
{
	memset(ctx_state, 0, sizeof(ctx_state));
	host_saved = false;
	entry_cpu_read();
	if (!entry_ctx_alloc())
		return;
	if (!harness_create()) {
		entry_ctx_free();
		return;
	}
	for (unsigned i = 0; i < t->n; i++) {
		host_rows = t->rows[i].sec >= SEC_HOST_CR && t->rows[i].sec <= SEC_HOST_SIZE;
		run_row(t, &t->rows[i]);
	}
	vmx_guest_free(&entry_guest);
	entry_ctx_free();
}

#define TABLE_ON_EACH_CPU(t)						\
	static void t##_here(void) { run_table(&entry_table_##t); }	\
	static void t##_each_cpu(void) { hv_each_cpu(t##_here); }
TABLE_ON_EACH_CPU(controls)
TABLE_ON_EACH_CPU(host)
TABLE_ON_EACH_CPU(guest)
TABLE_ON_EACH_CPU(segments)
TABLE_ON_EACH_CPU(msr)

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "controls", controls_each_cpu }, { "host", host_each_cpu }, { "guest", guest_each_cpu },
		{ "segments", segments_each_cpu }, { "msr", msr_each_cpu },
	};

	if (!vmx_program_start(HV_START_FEATURE_CONTROL | HV_START_ENABLE))
		return 0;
	run_subtests(tests, ARRAY_SIZE(tests));
	rows_print_counts("VM-entry rows (SDM Vol. 3C, chapter 27)");
	vmx_program_finish();
	return 0;
}
