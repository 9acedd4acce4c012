/* lib/ncptime.c: every documented date style to an exact instant, the
 * calendar arithmetic, and the formats users see.
 *
 * Expected epoch values were computed outside this code, with python3
 * (datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z").timestamp()) and
 * cross-checked with GNU date (date -u -d '2027-03-01 23:59:59 +0900' +%s). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ncptime.h"
#include "tap.h"

struct good_case {
	const char *text;
	long long when;
	int offset;
	const char *what;
};

static const struct good_case good_cases[] = {
	/* the reference page's style, with and without the space */
	{ "2027-03-01 23:59:59(UTC+09:00)", 1803913199, 32400, "NCP style, no space before (" },
	{ "2027-03-01 23:59:59 (UTC+09:00)", 1803913199, 32400, "NCP style, space before (" },
	{ "2027-03-01 23:59:59(UTC-05:00)", 1803963599, -18000, "NCP style, UTC-05:00" },
	{ "2027-03-01 23:59:59(UTC+05:30)", 1803925799, 19800, "NCP style, UTC+05:30" },
	{ "2027-03-01 23:59:59(UTC)", 1803945599, 0, "NCP style, (UTC)" },
	{ "2027-03-01 23:59:59 (UTC)", 1803945599, 0, "NCP style, space and (UTC)" },
	/* ISO 8601 / RFC 3339 */
	{ "2027-03-01T23:59:59+09:00", 1803913199, 32400, "ISO +09:00" },
	{ "2027-03-01T14:59:59Z", 1803913199, 0, "ISO Z" },
	{ "2027-03-01t14:59:59z", 1803913199, 0, "ISO lower-case t and z" },
	{ "2027-03-01T23:59:59+0900", 1803913199, 32400, "ISO +0900 without colon" },
	{ "2027-03-01T23:59:59-05:00", 1803963599, -18000, "ISO -05:00" },
	{ "2027-03-01T23:59:59.123+09:00", 1803913199, 32400, "ISO milliseconds" },
	{ "2027-03-01T14:59:59.999999Z", 1803913199, 0, "ISO microseconds, dropped not rounded" },
	{ "2027-03-01T14:59:59.5Z", 1803913199, 0, "ISO one fraction digit" },
	{ "2027-03-01T23:59:59+00:00", 1803945599, 0, "ISO +00:00" },
	/* leap years and the calendar's ends */
	{ "2024-02-29 12:00:00(UTC)", 1709208000, 0, "2024-02-29 exists (leap year)" },
	{ "2000-02-29T00:00:00Z", 951782400, 0, "2000-02-29 exists (divisible by 400)" },
	{ "1970-01-01T00:00:00Z", 0, 0, "the epoch" },
	{ "0001-01-01T00:00:00Z", -62135596800LL, 0, "year 1" },
	{ "9999-12-31T23:59:59Z", 253402300799LL, 0, "year 9999" },
	{ "2016-12-31T23:59:60Z", 1483228800, 0, "leap second 60 is accepted" },
	/* the offset limits: +14:00 (Kiribati) and -12:00 are real */
	{ "2027-01-01T00:30:00+14:00", 1798713000, 50400, "offset +14:00" },
	{ "2026-12-31T23:59:59-12:00", 1798804799, -43200, "offset -12:00" },
	/* epoch milliseconds as a string */
	{ "1803913199000", 1803913199, 0, "epoch ms string" },
	{ "1803913199999", 1803913199, 0, "epoch ms string, ms dropped" },
	{ "0", 0, 0, "epoch ms string 0" },
	{ "253402300799000", 253402300799LL, 0, "epoch ms string at 9999-12-31T23:59:59Z" },
};

static void test_good(void)
{
	for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
		const struct good_case *c = &good_cases[i];
		struct ncp_instant t = { -1, -1 };
		const char *why = NULL;
		int rc = ncptime_parse(c->text, &t, &why);
		if (!tap_is_int(rc, 0, "parse %s: \"%s\"", c->what, c->text)) {
			tap_diag("why: %s", why ? why : "(null)");
			continue;
		}
		tap_is_int((long long)t.when, c->when, "  %s: instant", c->what);
		tap_is_int(t.utc_offset, c->offset, "  %s: offset", c->what);
	}
}

struct bad_case {
	const char *text;
	const char *what;
};

static const struct bad_case bad_cases[] = {
	{ "9999-12-31T23:59:60-14:00", "past 9999 in UTC (fuzzer find)" },
	{ "0001-01-01T00:00:00+14:00", "before year 1 in UTC" },
	{ "2026-02-30 00:00:00(UTC+09:00)", "February 30" },
	{ "2025-02-29T00:00:00Z", "2025-02-29 (not a leap year)" },
	{ "2100-02-29T00:00:00Z", "2100-02-29 (divisible by 100, not 400)" },
	{ "2026-04-31T00:00:00Z", "April 31" },
	{ "2026-13-01T00:00:00Z", "month 13" },
	{ "2026-00-10T00:00:00Z", "month 0" },
	{ "2026-01-00T00:00:00Z", "day 0" },
	{ "2027-03-01 25:00:00(UTC+09:00)", "hour 25" },
	{ "2027-03-01T24:00:00Z", "hour 24" },
	{ "2027-03-01 23:60:00(UTC+09:00)", "minute 60" },
	{ "2027-03-01T23:59:61Z", "second 61" },
	{ "0000-01-01T00:00:00Z", "year 0000" },
	{ "2027-03-01T00:00:00+14:01", "offset +14:01" },
	{ "2027-03-01T00:00:00-15:00", "offset -15:00" },
	{ "2027-03-01 00:00:00(UTC+14:01)", "NCP offset +14:01" },
	{ "2027-03-01T00:00:00+09:60", "offset minutes 60" },
	{ "2027-03-01T00:00:00+9:00", "one-digit offset hour" },
	{ "2027-03-01T00:00:00+09", "offset without minutes" },
	{ "2027-03-01 23:59:59", "NCP style without offset" },
	{ "2027-03-01T23:59:59", "ISO without offset" },
	{ "2027-03-01 23:59:59(UTC+09:00", "missing )" },
	{ "2027-03-01 23:59:59(GMT+09:00)", "GMT instead of UTC" },
	{ "2027-03-01 23:59:59()", "empty parentheses" },
	{ "2027-03-01T23:59:59Zjunk", "trailing junk after Z" },
	{ "2027-03-01 23:59:59(UTC+09:00)x", "trailing junk after )" },
	{ "2027-03-01T23:59:59+09:00:00", "offset with seconds" },
	{ "2027-03-01T23:59:59.Z", "decimal point without digits" },
	{ "2027-03-01T23:59Z", "no seconds" },
	{ "2027-03-01", "date only" },
	{ "2027/03/01 23:59:59(UTC+09:00)", "slashes" },
	{ "27-03-01 23:59:59(UTC+09:00)", "two-digit year" },
	{ "2027-3-1 23:59:59(UTC+09:00)", "one-digit month and day" },
	{ "", "empty string" },
	{ "   ", "blanks only" },
	{ "garbage", "garbage" },
	{ "soon", "a word" },
	{ "-1803913199000", "negative epoch ms" },
	{ "1803913199000.5", "fractional epoch ms string" },
	{ "1.8e12", "exponent notation" },
	{ "1803913199000x", "digits with a trailing letter" },
	{ "1234567890123456", "16 digits: beyond year 9999" },
	{ "253402300800000", "epoch ms one second past 9999-12-31T23:59:59Z" },
	{ "99999999999999999999999", "digits that overflow" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct ncp_instant t = { 0, 0 };
		const char *why = NULL;
		int rc = ncptime_parse(c->text, &t, &why);
		tap_ok(rc == -1 && why != NULL && *why != '\0', "reject %s: \"%s\"", c->what, c->text);
		if (rc != -1)
			tap_diag("accepted as %lld offset %d", (long long)t.when, t.utc_offset);
	}
}

static void test_epoch_ms(void)
{
	struct ncp_instant t = { -1, -1 };
	const char *why = NULL;

	tap_ok(ncptime_from_epoch_ms(1803913199000.0, &t, &why) == 0 && t.when == 1803913199 &&
	       t.utc_offset == 0, "from_epoch_ms 1803913199000");
	tap_ok(ncptime_from_epoch_ms(1803913199999.0, &t, &why) == 0 && t.when == 1803913199,
	       "from_epoch_ms drops milliseconds (floor)");
	tap_ok(ncptime_from_epoch_ms(1803913199000.7, &t, &why) == 0 && t.when == 1803913199,
	       "from_epoch_ms with a fraction");
	tap_ok(ncptime_from_epoch_ms(0.0, &t, &why) == 0 && t.when == 0, "from_epoch_ms 0");
	tap_ok(ncptime_from_epoch_ms(253402300799000.0, &t, &why) == 0 && t.when == 253402300799LL,
	       "from_epoch_ms at 9999-12-31T23:59:59Z");
	why = NULL;
	tap_ok(ncptime_from_epoch_ms(253402300800000.0, &t, &why) == -1 && why != NULL,
	       "from_epoch_ms past year 9999 rejected");
	why = NULL;
	tap_ok(ncptime_from_epoch_ms(-1.0, &t, &why) == -1 && why != NULL, "from_epoch_ms -1 rejected");
	why = NULL;
	tap_ok(ncptime_from_epoch_ms(NAN, &t, &why) == -1 && why != NULL, "from_epoch_ms NaN rejected");
	why = NULL;
	tap_ok(ncptime_from_epoch_ms(INFINITY, &t, &why) == -1 && why != NULL, "from_epoch_ms inf rejected");
	why = NULL;
	tap_ok(ncptime_from_epoch_ms(1e300, &t, &why) == -1 && why != NULL, "from_epoch_ms 1e300 rejected");
}

struct civil_case {
	int y, m, d;
	long long days;
};

/* python3: date(y, m, d).toordinal() - date(1970, 1, 1).toordinal() */
static const struct civil_case civil_cases[] = {
	{ 1970, 1, 1, 0 },
	{ 1969, 12, 31, -1 },
	{ 2000, 3, 1, 11017 },
	{ 2027, 3, 1, 20878 },
	{ 1, 1, 1, -719162 },
	{ 9999, 12, 31, 2932896 },
};

/* An independent reference: count days year by year. */
static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void test_civil(void)
{
	for (size_t i = 0; i < sizeof civil_cases / sizeof civil_cases[0]; i++) {
		const struct civil_case *c = &civil_cases[i];
		int y, m, d;
		tap_is_int(ncptime_days_from_civil(c->y, c->m, c->d), c->days, "days_from_civil %04d-%02d-%02d",
			   c->y, c->m, c->d);
		ncptime_civil_from_days(c->days, &y, &m, &d);
		tap_ok(y == c->y && m == c->m && d == c->d, "civil_from_days %lld is %04d-%02d-%02d", c->days,
		       c->y, c->m, c->d);
	}

	/* Every 1 January from year 1 to 9999 against a running count. */
	long long jan1 = -719162;
	int bad_years = 0;
	for (int y = 1; y <= 9999; y++) {
		if (ncptime_days_from_civil(y, 1, 1) != jan1 && bad_years++ < 3)
			tap_diag("1 January %d: got %lld, expected %lld", y, ncptime_days_from_civil(y, 1, 1), jan1);
		jan1 += leap(y) ? 366 : 365;
	}
	tap_is_int(bad_years, 0, "1 January of every year 1..9999 matches a running day count");

	/* Every day of years 1..9999: round trip and consecutive dates. */
	long long first = ncptime_days_from_civil(1, 1, 1), last = ncptime_days_from_civil(9999, 12, 31);
	int py = 0, pm = 12, pd = 31, bad_days = 0;
	for (long long z = first; z <= last; z++) {
		int y, m, d;
		ncptime_civil_from_days(z, &y, &m, &d);
		bool next = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
			    (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
		if ((!next || ncptime_days_from_civil(y, m, d) != z) && bad_days++ < 3)
			tap_diag("day %lld -> %04d-%02d-%02d after %04d-%02d-%02d", z, y, m, d, py, pm, pd);
		py = y;
		pm = m;
		pd = d;
	}
	tap_is_int(bad_days, 0, "every day of years 1..9999 round-trips and follows the day before");
	tap_ok(py == 9999 && pm == 12 && pd == 31, "the walk ends on 9999-12-31");
}

struct format_case {
	long long when;
	int offset;
	const char *date, *full, *iso;
};

static const struct format_case format_cases[] = {
	{ 1803913199, 32400, "2027-03-01", "2027-03-01 23:59:59 +09:00", "2027-03-01T14:59:59Z" },
	{ 1803963599, -18000, "2027-03-01", "2027-03-01 23:59:59 -05:00", "2027-03-02T04:59:59Z" },
	{ 1803925799, 19800, "2027-03-01", "2027-03-01 23:59:59 +05:30", "2027-03-01T18:29:59Z" },
	/* 23:59:59 UTC is the next day in Seoul */
	{ 1803945599, 32400, "2027-03-02", "2027-03-02 08:59:59 +09:00", "2027-03-01T23:59:59Z" },
	{ 1803945599, 0, "2027-03-01", "2027-03-01 23:59:59 +00:00", "2027-03-01T23:59:59Z" },
	{ 0, 0, "1970-01-01", "1970-01-01 00:00:00 +00:00", "1970-01-01T00:00:00Z" },
	{ 0, -18000, "1969-12-31", "1969-12-31 19:00:00 -05:00", "1970-01-01T00:00:00Z" },
	{ -1, 0, "1969-12-31", "1969-12-31 23:59:59 +00:00", "1969-12-31T23:59:59Z" },
	{ -86400, 0, "1969-12-31", "1969-12-31 00:00:00 +00:00", "1969-12-31T00:00:00Z" },
	{ 951782400, 0, "2000-02-29", "2000-02-29 00:00:00 +00:00", "2000-02-29T00:00:00Z" },
	{ 253402300799LL, 0, "9999-12-31", "9999-12-31 23:59:59 +00:00", "9999-12-31T23:59:59Z" },
};

static void test_format(void)
{
	for (size_t i = 0; i < sizeof format_cases / sizeof format_cases[0]; i++) {
		const struct format_case *c = &format_cases[i];
		struct ncp_instant t = { (time_t)c->when, c->offset };
		char out[64];
		ncptime_format_date(&t, out, sizeof out);
		tap_is_str(out, c->date, "format_date %lld %+d", c->when, c->offset);
		ncptime_format_full(&t, out, sizeof out);
		tap_is_str(out, c->full, "format_full %lld %+d", c->when, c->offset);
		ncptime_format_iso_utc(t.when, out, sizeof out);
		tap_is_str(out, c->iso, "format_iso_utc %lld", c->when);
	}

	char small[5] = "XXXX";
	struct ncp_instant t = { 1803913199, 32400 };
	ncptime_format_date(&t, small, sizeof small);
	tap_is_str(small, "2027", "format_date into a short buffer is cut and terminated");
}

/* What the API wrote comes back out the same way. */
static void test_round_trip(void)
{
	static const char *const inputs[][2] = {
		{ "2027-03-01 23:59:59(UTC+09:00)", "2027-03-01 23:59:59 +09:00" },
		{ "2027-03-01T23:59:59-05:00", "2027-03-01 23:59:59 -05:00" },
		{ "2026-06-30 00:00:00 (UTC+05:30)", "2026-06-30 00:00:00 +05:30" },
		{ "2027-03-01T14:59:59Z", "2027-03-01 14:59:59 +00:00" },
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct ncp_instant t;
		const char *why;
		char out[64] = "";
		if (ncptime_parse(inputs[i][0], &t, &why) == 0)
			ncptime_format_full(&t, out, sizeof out);
		tap_is_str(out, inputs[i][1], "parse then format_full keeps the API's offset: %s", inputs[i][0]);
	}

	static const long long instants[] = { 0, 1, 86399, 86400, 951782399, 1803913199, 4102444800LL,
					      253402300799LL };
	int bad = 0;
	for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
		struct ncp_instant t;
		const char *why;
		char iso[64];
		ncptime_format_iso_utc((time_t)instants[i], iso, sizeof iso);
		if (ncptime_parse(iso, &t, &why) != 0 || t.when != instants[i]) {
			bad++;
			tap_diag("%lld -> %s did not parse back", instants[i], iso);
		}
	}
	tap_is_int(bad, 0, "format_iso_utc output parses back to the same instant");
}

int main(void)
{
	test_good();
	test_bad();
	test_epoch_ms();
	test_civil();
	test_format();
	test_round_trip();
	return tap_done();
}
