#include "config.h"

#include "ncptime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OFFSET_SECONDS (14 * 3600)

long long ncptime_days_from_civil(int year, int month, int day)
{
	/* Howard Hinnant's days_from_civil: exact, branch-light, no tables. */
	long long y = (long long)year - (month <= 2);
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long mp = (month + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + day - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void ncptime_civil_from_days(long long z, int *year, int *month, int *day)
{
	long long era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Exactly n digits at *p; advances. */
static bool take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool take_char(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

struct fields {
	int year, month, day, hour, min, sec, offset;
};

static int check_fields(const struct fields *f, const char **why)
{
	if (f->year < 1) {
		*why = "year out of range";
		return -1;
	}
	if (f->month < 1 || f->month > 12) {
		*why = "month out of range";
		return -1;
	}
	if (f->day < 1 || f->day > days_in_month(f->year, f->month)) {
		*why = "no such day in that month";
		return -1;
	}
	/* 60 is a leap second, which UTC does have. */
	if (f->hour > 23 || f->min > 59 || f->sec > 60) {
		*why = "time of day out of range";
		return -1;
	}
	if (f->offset > MAX_OFFSET_SECONDS || f->offset < -MAX_OFFSET_SECONDS) {
		*why = "UTC offset beyond 14 hours";
		return -1;
	}
	return 0;
}

static time_t fields_to_time(const struct fields *f)
{
	long long days = ncptime_days_from_civil(f->year, f->month, f->day);

	return (time_t)(days * 86400 + f->hour * 3600LL + f->min * 60LL + f->sec - f->offset);
}

/* "+09:00", "+0900", "-05:00"; p at the sign. */
static bool take_offset(const char **p, int *offset)
{
	int sign, hh, mm;

	if (**p == '+')
		sign = 1;
	else if (**p == '-')
		sign = -1;
	else
		return false;
	(*p)++;
	if (!take_digits(p, 2, &hh))
		return false;
	take_char(p, ':');
	if (!take_digits(p, 2, &mm) || mm > 59)
		return false;
	*offset = sign * (hh * 3600 + mm * 60);
	return true;
}

static bool take_date_time(const char **p, struct fields *f, bool *iso)
{
	if (!take_digits(p, 4, &f->year) || !take_char(p, '-') ||
	    !take_digits(p, 2, &f->month) || !take_char(p, '-') ||
	    !take_digits(p, 2, &f->day))
		return false;
	if (**p == 'T' || **p == 't')
		*iso = true;
	else if (**p == ' ')
		*iso = false;
	else
		return false;
	(*p)++;
	return take_digits(p, 2, &f->hour) && take_char(p, ':') &&
	       take_digits(p, 2, &f->min) && take_char(p, ':') &&
	       take_digits(p, 2, &f->sec);
}

/* After the seconds: "(UTC+09:00)", " (UTC+09:00)", "(UTC)". */
static bool take_ncp_zone(const char **p, int *offset)
{
	take_char(p, ' ');
	if (!take_char(p, '(') || strncmp(*p, "UTC", 3) != 0)
		return false;
	*p += 3;
	*offset = 0;
	if (**p != ')' && !take_offset(p, offset))
		return false;
	return take_char(p, ')');
}

static bool take_iso_zone(const char **p, int *offset)
{
	if (**p == '.' || **p == ',') {  /* fractions of a second: dropped */
		(*p)++;
		if (**p < '0' || **p > '9')
			return false;
		while (**p >= '0' && **p <= '9')
			(*p)++;
	}
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*offset = 0;
		return true;
	}
	return take_offset(p, offset);
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int ncptime_from_epoch_ms(double ms, struct ncp_instant *out, const char **why)
{
	/* 9999-12-31T23:59:59Z */
	const double max_ms = 253402300799000.0;

	if (!isfinite(ms) || ms < 0 || ms > max_ms) {
		*why = "epoch milliseconds out of range";
		return -1;
	}
	out->when = (time_t)floor(ms / 1000.0);
	out->utc_offset = 0;
	return 0;
}

int ncptime_parse(const char *text, struct ncp_instant *out, const char **why)
{
	struct fields f = { 0 };
	const char *p = text;
	bool iso = false, zone_ok;

	while (*p == ' ')
		p++;
	if (all_digits(p)) {
		if (strlen(p) > 15) {
			*why = "epoch milliseconds out of range";
			return -1;
		}
		return ncptime_from_epoch_ms(strtod(p, NULL), out, why);
	}
	if (!take_date_time(&p, &f, &iso)) {
		*why = "not a date we know (expected yyyy-MM-dd HH:mm:ss(UTC+09:00) or ISO 8601)";
		return -1;
	}
	zone_ok = iso ? take_iso_zone(&p, &f.offset) : take_ncp_zone(&p, &f.offset);
	if (!zone_ok) {
		*why = "date without a readable UTC offset";
		return -1;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		*why = "unexpected text after the date";
		return -1;
	}
	if (check_fields(&f, why) != 0)
		return -1;
	out->when = fields_to_time(&f);
	/* 9999-12-31T23:59:60-14:00 is a valid text but lands past 9999 in
	 * UTC, and 9999-12-31T23:59:60+00:01 past 9999 in its own offset (a
	 * leap second rolls the local day): our calendar stops at 9999. */
	if (out->when < NCPTIME_MIN || out->when > NCPTIME_MAX ||
	    out->when + f.offset < NCPTIME_MIN || out->when + f.offset > NCPTIME_MAX) {
		*why = "date out of range";
		return -1;
	}
	out->utc_offset = f.offset;
	return 0;
}

static void split_time(time_t t, int offset, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	long long local = (long long)t + offset;
	long long days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	long long rem = local - days * 86400;

	ncptime_civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600);
	*mi = (int)(rem % 3600 / 60);
	*s = (int)(rem % 60);
}

void ncptime_format_date(const struct ncp_instant *t, char *out, size_t len)
{
	int y, mo, d, h, mi, s;

	split_time(t->when, t->utc_offset, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, len, "%04d-%02d-%02d", y, mo, d);
}

void ncptime_format_full(const struct ncp_instant *t, char *out, size_t len)
{
	int y, mo, d, h, mi, s;
	int off = t->utc_offset < 0 ? -t->utc_offset : t->utc_offset;

	split_time(t->when, t->utc_offset, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d:%02d %c%02d:%02d", y, mo, d, h, mi, s,
		 t->utc_offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
}

void ncptime_format_iso_utc(time_t t, char *out, size_t len)
{
	int y, mo, d, h, mi, s;

	split_time(t, 0, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}
