#include "config.h"

#include "range.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_number(const char *s, size_t len, double *out)
{
	char tmp[64];
	char *end;

	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* strtod accepts "inf", "nan" and hex; a threshold is a plain decimal. */
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789.+-eE", tmp[i]))
			return -1;
	errno = 0;
	*out = strtod(tmp, &end);
	/* Days: a million is 2700 years; beyond, seconds stop being exact. */
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return -1;
	return fabs(*out) > RANGE_MAX_ABS ? -2 : 0;
}

int range_parse(const char *text, struct range *out, const char **why)
{
	const char *p = text, *colon;
	struct range r = { .start = 0, .end = 0, .start_inf = false, .end_inf = true };
	int rc = 0;

	if (*p == '@') {
		r.inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* Bare N: "below N" ("@N" keeps the guidelines' 0..N). */
		double n;
		if ((rc = parse_number(p, strlen(p), &n)) != 0)
			goto bad;
		if (r.inside) {
			r.end = n;
			r.end_inf = false;
		} else {
			r.start = n;
		}
		goto done;
	}
	if (colon == p + 1 && *p == '~')
		r.start_inf = true;
	else if (colon == p)
		r.start = 0;
	else if ((rc = parse_number(p, (size_t)(colon - p), &r.start)) != 0)
		goto bad;
	if (colon[1] != '\0') {
		if ((rc = parse_number(colon + 1, strlen(colon + 1), &r.end)) != 0)
			goto bad;
		r.end_inf = false;
	}
done:
	/* also "@-5", which means @0:-5 */
	if (!r.start_inf && !r.end_inf && r.start > r.end) {
		*why = "start of range is greater than its end";
		return -1;
	}
	*out = r;
	return 0;
bad:
	*why = rc == -2 ? "number out of range (at most 1000000 either way)"
			: "not a number or range (N, N:, ~:N, N:M, @N:M)";
	return -1;
}

bool range_alerts(const struct range *r, double value)
{
	bool in = (r->start_inf || value >= r->start) && (r->end_inf || value <= r->end);

	return r->inside ? in : !in;
}

/* Shortest exact-enough decimal: whole seconds stay whole. */
static void format_number(double v, char *out, size_t len)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "%.3f", v);
}

void range_format_scaled(const struct range *r, double factor, char *out, size_t len)
{
	char start[40] = "", end[40] = "";

	if (r->start_inf)
		snprintf(start, sizeof start, "~");
	else
		format_number(r->start * factor, start, sizeof start);
	if (!r->end_inf)
		format_number(r->end * factor, end, sizeof end);
	if (!r->inside && !r->start_inf && r->start == 0 && !r->end_inf)
		snprintf(out, len, "%s", end);   /* "0:N" is written "N" */
	else
		snprintf(out, len, "%s%s:%s", r->inside ? "@" : "", start, end);
}
