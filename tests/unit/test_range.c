/* lib/range.c: Monitoring Plugins ranges, with bare N meaning "below N"
 * because our thresholds are days left. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "range.h"
#include "tap.h"

/* One range and the values that must (and must not) raise its alert. */
struct alert_case {
	const char *text;
	double alert[4];
	size_t n_alert;
	double quiet[4];
	size_t n_quiet;
	const char *what;
};

static const struct alert_case alert_cases[] = {
	{ "30", { 29.999, 0, -1 }, 3, { 30, 30.001, 1e9 }, 3, "bare 30 means 30: (below 30, not at 30)" },
	{ "30:", { 29.999, 0, -5 }, 3, { 30, 31, 1e9 }, 3, "30: alerts below 30" },
	{ "~:10", { 10.001, 11, 1e9 }, 3, { 10, 0, -1e9 }, 3, "~:10 alerts above 10" },
	{ "10:20", { 9.999, 20.001, -1, 1e9 }, 4, { 10, 15, 20 }, 3, "10:20 alerts outside 10..20, inclusive" },
	{ "@10:20", { 10, 15, 20 }, 3, { 9.999, 20.001, -1 }, 3, "@10:20 alerts inside 10..20, inclusive" },
	{ "@5", { 0, 2.5, 5 }, 3, { 5.001, -0.001, 100 }, 3, "@5 alerts inside 0..5" },
	{ "0.5", { 0.499, 0, -0.5 }, 3, { 0.5, 0.501, 10 }, 3, "fractional days: 0.5 alerts below half a day" },
	{ "-5", { -5.001, -100 }, 2, { -5, 0, 5 }, 3, "negative bare -5 alerts below -5" },
	{ "-10:-5", { -10.001, -4.999, 0 }, 3, { -10, -7, -5 }, 3, "-10:-5 alerts outside" },
	{ "~:-1", { -0.999, 0, 5 }, 3, { -1, -2 }, 2, "~:-1 alerts above -1" },
	{ "10:10", { 9.999, 10.001 }, 2, { 10 }, 1, "10:10 is quiet only at 10" },
	{ "@~:3", { -1e9, 0, 3 }, 3, { 3.001, 10 }, 2, "@~:3 alerts at 3 or less" },
	{ "0", { -0.001 }, 1, { 0, 1 }, 2, "bare 0 alerts only below 0 (once expired)" },
	{ "1e1", { 9.999 }, 1, { 10 }, 1, "exponent notation 1e1 is 10" },
	{ "+7", { 6.999 }, 1, { 7 }, 1, "explicit plus sign" },
};

static void test_alerts(void)
{
	for (size_t i = 0; i < sizeof alert_cases / sizeof alert_cases[0]; i++) {
		const struct alert_case *c = &alert_cases[i];
		struct range r;
		const char *why = NULL;
		bool ok = true;
		if (!tap_ok(range_parse(c->text, &r, &why) == 0, "parse \"%s\"", c->text)) {
			tap_diag("why: %s", why ? why : "(null)");
			continue;
		}
		for (size_t j = 0; j < c->n_alert; j++)
			if (!range_alerts(&r, c->alert[j])) {
				tap_diag("\"%s\" does not alert at %g", c->text, c->alert[j]);
				ok = false;
			}
		for (size_t j = 0; j < c->n_quiet; j++)
			if (range_alerts(&r, c->quiet[j])) {
				tap_diag("\"%s\" alerts at %g", c->text, c->quiet[j]);
				ok = false;
			}
		tap_ok(ok, "%s", c->what);
	}
}

struct fields_case {
	const char *text;
	double start, end;
	bool start_inf, end_inf, inside;
};

static const struct fields_case fields_cases[] = {
	{ "30", 30, 0, false, true, false },
	{ "30:", 30, 0, false, true, false },
	{ "~:10", 0, 10, true, false, false },
	{ "10:20", 10, 20, false, false, false },
	{ "@10:20", 10, 20, false, false, true },
	{ "@5", 0, 5, false, false, true },
	{ "0.5", 0.5, 0, false, true, false },
	{ "-10:-5", -10, -5, false, false, false },
};

static void test_fields(void)
{
	for (size_t i = 0; i < sizeof fields_cases / sizeof fields_cases[0]; i++) {
		const struct fields_case *c = &fields_cases[i];
		struct range r;
		const char *why;
		bool ok = range_parse(c->text, &r, &why) == 0 && r.start_inf == c->start_inf &&
			  r.end_inf == c->end_inf && r.inside == c->inside &&
			  (c->start_inf || r.start == c->start) && (c->end_inf || r.end == c->end);
		tap_ok(ok, "fields of \"%s\"", c->text);
	}
}

static const char *const bad_ranges[] = {
	"@-5", "@-0.5", "1e308", "1000001", "-1000001", "10:1e7", "1e308:", "~:1e300",
	"abc", "5:3", "", "inf", "nan", "NaN", "Infinity", "-inf", "1e999", "-1e999", "0x10",
	"@", "@@5", "~", "~10", "10:abc", "abc:10", "1:2:3", " 5", "5 ", "1,5", "1.2.3", "--5",
	"+", ".", "e", "30d", "@20:10", "10:~",
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad_ranges / sizeof bad_ranges[0]; i++) {
		struct range r;
		const char *why = NULL;
		int rc = range_parse(bad_ranges[i], &r, &why);
		tap_ok(rc == -1 && why != NULL && *why != '\0', "reject \"%s\"", bad_ranges[i]);
	}

	struct range r;
	const char *why = NULL;
	range_parse("5:3", &r, &why);
	tap_has_str(why, "greater", "5:3 says its start is greater than its end");
	range_parse("1e308", &r, &why);
	tap_has_str(why, "out of range", "1e308 (a fuzzer find) is out of range, not a bad number");
	tap_ok(range_parse("1000000", &r, &why) == 0 && r.start == 1e6, "1000000 days is the largest accepted");
}

struct scaled_case {
	const char *text;
	double factor;
	const char *want;
};

static const struct scaled_case scaled_cases[] = {
	{ "30", 86400, "2592000:" },
	{ "14", 86400, "1209600:" },
	{ "30:", 86400, "2592000:" },
	{ "~:10", 86400, "~:864000" },
	{ "@1:2", 86400, "@86400:172800" },
	{ "0:5", 86400, "432000" },
	{ "@5", 86400, "@0:432000" },
	{ "10:20", 86400, "864000:1728000" },
	{ "0.5", 86400, "43200:" },
	{ "-1", 86400, "-86400:" },
	{ "@~:5", 86400, "@~:432000" },
	{ "0:", 86400, "0:" },
	{ "7", 1, "7:" },
	{ "0.25", 1, "0.250:" },
};

static void test_scaled(void)
{
	for (size_t i = 0; i < sizeof scaled_cases / sizeof scaled_cases[0]; i++) {
		const struct scaled_case *c = &scaled_cases[i];
		struct range r;
		const char *why;
		char out[96] = "unset";
		if (range_parse(c->text, &r, &why) == 0)
			range_format_scaled(&r, c->factor, out, sizeof out);
		tap_is_str(out, c->want, "\"%s\" times %g", c->text, c->factor);
	}

	struct range r;
	const char *why;
	char small[4] = "XXX";
	range_parse("30", &r, &why);
	range_format_scaled(&r, 86400, small, sizeof small);
	tap_is_str(small, "259", "short output buffer: cut and terminated");
}

int main(void)
{
	test_alerts();
	test_fields();
	test_bad();
	test_scaled();
	return tap_done();
}
