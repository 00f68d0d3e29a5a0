/* Helpers shared by the world-switch benchmark programs. */
#include "bench.h"
#include "apic.h"
#include "args.h"
#include "console.h"
#include "libc.h"
#include "report.h"

unsigned long arg_ulong(const char *name, unsigned long dflt)
{
	size_t len = strlen(name);

	for (int i = 1; i < hv_argc; i++) {
		const char *a = hv_argv[i];
		char *end;
		if (strncmp(a, name, len) || a[len] != '=')
			continue;
		unsigned long v = strtoul(a + len + 1, &end, 0);
		if (end != a + len + 1 && !*end)
			return v;
		report(false, "command line: '%s': expected %s=NUMBER", a, name);
	}
	return dflt;
}

void bench_begin(const char *kind, unsigned long n)
{
	report_info("bench: %s begin round_trips=%lu", kind, n);
	console_drain();
}

void bench_result(const char *kind, unsigned long n, uint64_t cycles)
{
	uint64_t tenths = n ? cycles * 10 / n : 0;

	report_info("bench: %s round_trips=%lu tsc_cycles=%llu cycles_per_trip=%llu.%llu", kind, n,
		    (unsigned long long)cycles, (unsigned long long)(tenths / 10),
		    (unsigned long long)(tenths % 10));
}

bool bench_start(unsigned long dflt, unsigned long *rounds, unsigned long *chunks)
{
	*rounds = arg_ulong("rounds", dflt);
	*chunks = arg_ulong("chunks", 1);
	if (!*rounds)
		return report(false, "command line: rounds=0: expected at least one round trip");
	if (!*chunks)
		*chunks = 1;
	if (*chunks > *rounds)
		*chunks = *rounds;
	report_info("bench: tsc_hz=%llu source=%s turns=%lu", (unsigned long long)tsc_hz(), tsc_hz_source(),
		    *chunks);
	return true;
}

void bench_take_turns(struct bench_kind *const kinds[], unsigned nkinds, unsigned long rounds,
		      unsigned long chunks)
{
	for (unsigned long turn = 0; turn < chunks; turn++) {
		unsigned long n = rounds / chunks + (turn < rounds % chunks);

		for (unsigned i = 0; i < nkinds; i++) {
			struct bench_kind *k = kinds[turn % 2 ? nkinds - 1 - i : i];

			if (!k->stopped)
				k->stopped = !k->turn(k, n);
		}
	}
}

void bench_turn_done(struct bench_kind *k, unsigned long n, uint64_t cycles)
{
	bench_result(k->name, n, cycles);
	k->trips += n;
	k->turns++;
}

bool bench_harness_turn_end(struct bench_harness *h, unsigned long n, unsigned long exits, bool done,
			    const char *end, const char *call, uint64_t expected_rax)
{
	h->rax = h->rax_after;
	if (!done)
		snprintf(h->why, sizeof(h->why), "turn %lu: expected the guest to run to its end, got %s",
			 h->k.turns, end);
	else if (exits != n)
		snprintf(h->why, sizeof(h->why), "turn %lu: the harness counted %lu %s exits, expected %lu",
			 h->k.turns, exits, call, n);
	else if (h->rax_after != expected_rax)
		snprintf(h->why, sizeof(h->why), "turn %lu: the guest's RAX after its round trips: expected %#llx, "
			 "got %#llx", h->k.turns, (unsigned long long)expected_rax, (unsigned long long)h->rax_after);
	else
		return true;
	return false;
}

void bench_harness_report(struct bench_harness *h, unsigned long chunks, const char *call)
{
	char all[160];

	if (!h->ready)
		return;
	snprintf(all, sizeof(all), "each turn's guest ran to its end; %lu %s exits counted by the harness, "
		 "the guest's RAX %#llx after the last turn's", h->k.trips, call, (unsigned long long)h->rax);
	report(!h->k.stopped, "harness: %lu turns of %lu: %s", h->k.turns, chunks, h->k.stopped ? h->why : all);
}
