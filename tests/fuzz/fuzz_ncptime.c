/* libFuzzer target: ncptime_parse() on any text, then every formatter on
 * what it accepted.
 *
 * Contracts that abort besides memory errors and UB:
 *   - an accepted date keeps its offset within 14 hours;
 *   - ncptime_format_full() shows the wall time that was written, so it
 *     parses back (as "yyyy-MM-dd HH:mm:ss(UTC+hh:mm)") to the same instant
 *     and offset;
 *   - ncptime_format_iso_utc() parses back to the same instant whenever
 *     its year is one the parser accepts (1..9999);
 *   - ncptime_format_date() is the first ten characters of the full form;
 *   - formatters terminate even a one-byte buffer;
 *   - a failure always comes with a reason. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncptime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond, what)                                                                   \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_ncptime: contract broken: %s\n", what);        \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void check_tiny_buffers(const struct ncp_instant *t)
{
	char small[6];

	memset(small, 'X', sizeof small);
	ncptime_format_full(t, small, 1);
	REQUIRE(small[0] == '\0' && small[1] == 'X', "format_full into one byte");
	ncptime_format_date(t, small, 5);
	REQUIRE(small[4] == '\0' && small[5] == 'X', "format_date into five bytes");
	ncptime_format_iso_utc(t->when, small, 3);
	REQUIRE(small[2] == '\0', "format_iso_utc into three bytes");
}

/* "2027-03-01 23:59:59 +09:00" -> "2027-03-01 23:59:59(UTC+09:00)" */
static void check_full_round_trip(const struct ncp_instant *t, const char *input)
{
	char full[64], date[64], again[80];
	struct ncp_instant back;
	const char *why = NULL;
	size_t n;

	ncptime_format_full(t, full, sizeof full);
	n = strlen(full);
	if (n != 26 || full[19] != ' ') {
		fprintf(stderr, "fuzz_ncptime: input '%s' -> %lld %+d -> format_full '%s': not yyyy-MM-dd HH:mm:ss +hh:mm\n",
			input, (long long)t->when, t->utc_offset, full);
		abort();
	}
	ncptime_format_date(t, date, sizeof date);
	REQUIRE(strlen(date) == 10 && memcmp(date, full, 10) == 0, "format_date disagrees with format_full");
	snprintf(again, sizeof again, "%.19s(UTC%s)", full, full + 20);
	if (ncptime_parse(again, &back, &why) != 0 || back.when != t->when || back.utc_offset != t->utc_offset) {
		fprintf(stderr, "fuzz_ncptime: input '%s' -> %lld %+d -> '%s' -> %s (%lld %+d)\n", input,
			(long long)t->when, t->utc_offset, again, why ? why : "parsed", (long long)back.when,
			back.utc_offset);
		abort();
	}
}

static void check_iso_round_trip(const struct ncp_instant *t, const char *input)
{
	char iso[64];
	struct ncp_instant back = { 0 };
	const char *why = NULL;
	int year;

	ncptime_format_iso_utc(t->when, iso, sizeof iso);
	year = atoi(iso);
	if (year < 1 || year > 9999 || strlen(iso) != 20)
		return;  /* an offset pushed the instant past the parser's years */
	if (ncptime_parse(iso, &back, &why) != 0 || back.when != t->when || back.utc_offset != 0) {
		fprintf(stderr, "fuzz_ncptime: input '%s' -> %lld -> '%s' -> %s (%lld)\n", input, (long long)t->when,
			iso, why ? why : "parsed", (long long)back.when);
		abort();
	}
}

static void check_accepted(const struct ncp_instant *t, const char *input)
{
	int y, m, d;

	REQUIRE(t->utc_offset >= -14 * 3600 && t->utc_offset <= 14 * 3600, "offset beyond 14 hours");
	ncptime_civil_from_days(ncptime_days_from_civil(1970, 1, 1), &y, &m, &d);
	REQUIRE(y == 1970 && m == 1 && d == 1, "civil day conversion");
	check_full_round_trip(t, input);
	check_iso_round_trip(t, input);
	check_tiny_buffers(t);
}

/* The JSON-number path: eight input bytes as a double. */
static void check_epoch_double(const uint8_t *data, size_t size)
{
	struct ncp_instant t;
	const char *why = NULL;
	double ms;
	char iso[64];

	if (size < 8)
		return;
	memcpy(&ms, data, sizeof ms);
	if (ncptime_from_epoch_ms(ms, &t, &why) != 0) {
		REQUIRE(why != NULL, "epoch failure without a reason");
		return;
	}
	REQUIRE(isfinite(ms) && ms >= 0, "accepted a negative or non-finite epoch");
	ncptime_format_iso_utc(t.when, iso, sizeof iso);
	REQUIRE(strlen(iso) == 20, "epoch date beyond year 9999");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ncp_instant t = { 0 };
	const char *why = NULL;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ncptime_parse(text, &t, &why) == 0)
		check_accepted(&t, text);
	else
		REQUIRE(why != NULL && *why, "failure without a reason");
	check_epoch_double(data, size);
	free(text);
	return 0;
}
