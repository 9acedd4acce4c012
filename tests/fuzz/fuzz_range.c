/* libFuzzer target: threshold text -> range_parse(), then range_alerts()
 * around both ends and range_format_scaled() with the factors the
 * plugin uses (days -> seconds) and a few more.
 *
 * Contracts that abort besides memory errors and UB:
 *   - a failure always comes with a reason;
 *   - an accepted range has finite ends and start <= end when both exist
 *     (an empty range can never alert, or always alerts, silently);
 *   - "@" inverts range_alerts() and nothing else;
 *   - range_format_scaled() writes the guidelines' syntax, and each number
 *     it writes is the scaled end (no truncated digits, no "inf"/"nan");
 *   - it terminates even a tiny buffer. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_input;

#define REQUIRE(cond, what)                                                                     \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "fuzz_range: contract broken for '%s': %s\n", fuzz_input, what); \
			abort();                                                                \
		}                                                                               \
	} while (0)

static void check_alerts(const struct range *r)
{
	static const double probes[] = { -1e300, -86400, -1, -0.5, 0, 0.5, 1, 14, 30, 86400, 1e300 };
	struct range inv = *r;

	inv.inside = !r->inside;
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		REQUIRE(range_alerts(r, probes[i]) != range_alerts(&inv, probes[i]), "'@' does not invert");
	if (!r->start_inf) {
		/* the ends belong to the range: inside alerts there, outside does not */
		REQUIRE(range_alerts(r, r->start) == r->inside, "start is not part of the range");
	}
	if (!r->end_inf)
		REQUIRE(range_alerts(r, r->end) == r->inside, "end is not part of the range");
}

/* One end as written: "~" only at the start, "" only at the end, else a
 * plain decimal equal to want (to the 3 decimals %.3f keeps). */
static void check_number(const char *s, size_t len, double want)
{
	char tmp[128], *end;
	double got;

	REQUIRE(len > 0 && len < sizeof tmp, "empty or huge number in the formatted range");
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	for (size_t i = 0; i < len; i++)
		REQUIRE(strchr("0123456789.-", tmp[i]) != NULL, "formatted number is not a plain decimal");
	got = strtod(tmp, &end);
	REQUIRE(*end == '\0', "formatted number does not parse");
	if (fabs(got - want) > 0.0005 + fabs(want) * 1e-12) {
		fprintf(stderr, "fuzz_range: '%s': wrote %s for %.17g\n", fuzz_input, tmp, want);
		abort();
	}
}

static void check_format(const struct range *r, double factor)
{
	char out[96], tiny[4];
	const char *p = out, *colon;

	memset(tiny, 'X', sizeof tiny);
	range_format_scaled(r, factor, tiny, 1);
	REQUIRE(tiny[0] == '\0' && tiny[1] == 'X', "range_format_scaled into one byte");

	range_format_scaled(r, factor, out, sizeof out);
	REQUIRE(strlen(out) < sizeof out - 1, "formatted range fills the whole buffer");
	if (*p == '@') {
		REQUIRE(r->inside, "'@' written for an outside range");
		p++;
	} else {
		REQUIRE(!r->inside, "'@' missing");
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* "N" stands for "0:N" in the guidelines */
		REQUIRE(!r->inside && !r->start_inf && r->start == 0 && !r->end_inf, "bare number for a range that is not 0:N");
		check_number(p, strlen(p), r->end * factor);
		return;
	}
	REQUIRE(strchr(colon + 1, ':') == NULL, "two colons");
	if (r->start_inf)
		REQUIRE(colon == p + 1 && *p == '~', "'~' missing");
	else
		check_number(p, (size_t)(colon - p), r->start * factor);
	if (r->end_inf)
		REQUIRE(colon[1] == '\0', "end written for an open range");
	else
		check_number(colon + 1, strlen(colon + 1), r->end * factor);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double factors[] = { 1.0, 86400.0, 0.001 };
	char *text = malloc(size + 1);
	struct range r;
	const char *why = NULL;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_input = text;
	memset(&r, 0xA5, sizeof r);
	if (range_parse(text, &r, &why) != 0) {
		REQUIRE(why != NULL && *why, "failure without a reason");
		goto out;
	}
	REQUIRE(r.start_inf || isfinite(r.start), "start is not finite");
	REQUIRE(r.end_inf || isfinite(r.end), "end is not finite");
	REQUIRE(r.start_inf || r.end_inf || r.start <= r.end, "start above end: an empty range was accepted");
	check_alerts(&r);
	for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++)
		check_format(&r, factors[i]);
out:
	free(text);
	return 0;
}
