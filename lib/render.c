#include "config.h"

#include "render.h"

#include <stdio.h>
#include <string.h>

#include "perfdata.h"
#include "text.h"

static int append_span(struct buf *out, long long seconds)
{
	static const struct { long long size; const char *unit; } units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	long long n = 0;
	size_t i;

	if (seconds < 0)
		seconds = -seconds;
	for (i = 0; i < sizeof units / sizeof units[0] - 1; i++)
		if (seconds >= units[i].size)
			break;
	n = seconds / units[i].size;
	return buf_printf(out, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
}

static int append_expiry(struct buf *out, const struct cert_verdict *v, bool detailed)
{
	char date[48];
	int rc;

	if (v->why == WHY_EXPIRED) {
		rc = buf_puts(out, "expired ");
		rc = rc ? rc : append_span(out, v->seconds_left);
		rc = rc ? rc : buf_puts(out, " ago");
	} else {
		rc = buf_puts(out, "expires in ");
		rc = rc ? rc : append_span(out, v->seconds_left);
	}
	if (detailed)
		ncptime_format_full(&v->cert->not_after, date, sizeof date);
	else
		ncptime_format_date(&v->cert->not_after, date, sizeof date);
	return rc ? rc : buf_printf(out, detailed ? " (notAfter %s)" : " (%s)", date);
}

static int append_status_name(struct buf *out, const struct cert_verdict *v)
{
	return buf_puts(out, v->status->api_name);
}

static int append_unknown_status(struct buf *out, const struct ncp_cert *c)
{
	if (c->has_status_code) {
		if (buf_printf(out, "unknown status code %ld", c->status_code) != 0)
			return -1;
		if (c->status_name == NULL)
			return 0;
		return buf_puts(out, " (") || text_append_safe(out, c->status_name, 40) ||
		       buf_puts(out, ")") ? -1 : 0;
	}
	return buf_puts(out, "unknown status '") || text_append_safe(out, c->status_name, 40) ||
	       buf_puts(out, "'") ? -1 : 0;
}

static int append_bad_not_after(struct buf *out, const struct ncp_cert *c)
{
	return buf_puts(out, "unreadable notAfter ") || text_append_safe(out, c->not_after_raw, 40) ||
	       buf_printf(out, ": %s", c->not_after_why) ? -1 : 0;
}

int render_reason(const struct cert_verdict *v, bool detailed, struct buf *out)
{
	const struct ncp_cert *c = v->cert;

	switch (v->why) {
	case WHY_EXPIRY:
	case WHY_EXPIRED:
		return append_expiry(out, v, detailed);
	case WHY_STATUS:
		if (buf_puts(out, "status ") || append_status_name(out, v))
			return -1;
		if (detailed && c->has_not_after) {
			char date[48];
			ncptime_format_full(&c->not_after, date, sizeof date);
			return buf_printf(out, " (notAfter %s)", date);
		}
		return 0;
	case WHY_UNKNOWN_STATUS:
		return append_unknown_status(out, c);
	case WHY_NO_STATUS:
		return buf_puts(out, "no statusCode or statusName in the answer");
	case WHY_NO_NOT_AFTER:
		if (c->not_after_raw == NULL)
			return buf_printf(out, "status %s without notAfter", v->status->api_name);
		return append_bad_not_after(out, c);
	case WHY_BAD_ENTRY:
		return buf_puts(out, "unreadable entry: ") || text_append_safe(out, c->problem, 0) ? -1 : 0;
	}
	return 0;
}

/* "name (#123)" made safe, name cut to max_chars. */
static int append_cert_ref(struct buf *out, const struct ncp_cert *c, size_t max_chars)
{
	char tmp[32];
	const char *name = cert_display_name(c, tmp, sizeof tmp);

	if (text_append_safe(out, name, max_chars) != 0)
		return -1;
	if (c->has_no && name != tmp)
		return buf_printf(out, " (#%lld)", c->no);
	return 0;
}

static int append_counts(struct buf *out, const struct report *r)
{
	static const enum plugin_state order[] = {
		STATE_CRITICAL, STATE_WARNING, STATE_UNKNOWN, STATE_OK,
	};
	bool first = true;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		size_t n = r->counts[order[i]];
		char word[16];
		if (n == 0)
			continue;
		snprintf(word, sizeof word, "%s", state_name(order[i]));
		for (char *p = word; *p; p++)
			*p = (char)(*p - 'A' + 'a');
		if (buf_printf(out, "%s%zu %s", first ? "" : ", ", n, word) != 0)
			return -1;
		first = false;
	}
	return buf_printf(out, " (%zu certificate%s)", r->len, r->len == 1 ? "" : "s");
}

static int append_problem_summary(struct buf *out, const struct report *r)
{
	size_t problems = r->len - r->counts[STATE_OK];
	size_t shown = problems < RENDER_SUMMARY_NAMES ? problems : RENDER_SUMMARY_NAMES;

	if (append_counts(out, r) != 0 || buf_puts(out, ": ") != 0)
		return -1;
	for (size_t i = 0; i < shown; i++) {
		if ((i && buf_puts(out, ", ")) || append_cert_ref(out, r->items[i].cert, RENDER_NAME_CHARS) ||
		    buf_puts(out, " ") || render_reason(&r->items[i], false, out))
			return -1;
	}
	if (problems > shown)
		return buf_printf(out, ", and %zu more", problems - shown);
	return 0;
}

/* All OK: say when the next one expires, the thing people want to know. */
static int append_ok_summary(struct buf *out, const struct report *r)
{
	const struct cert_verdict *next = NULL;

	if (buf_printf(out, "%zu certificate%s OK", r->len, r->len == 1 ? "" : "s") != 0)
		return -1;
	for (size_t i = 0; i < r->len; i++)
		if (r->items[i].by_expiry && (next == NULL || r->items[i].seconds_left < next->seconds_left))
			next = &r->items[i];
	if (next == NULL)
		return 0;
	if (buf_puts(out, ", next to expire: ") || append_cert_ref(out, next->cert, RENDER_NAME_CHARS) ||
	    buf_puts(out, " ") || render_reason(next, false, out))
		return -1;
	return 0;
}

static int append_summary(struct buf *out, const struct report *r)
{
	if (r->len == 0) {
		if (buf_puts(out, "no Advanced certificates") != 0)
			return -1;
		if (r->ignored)
			return buf_printf(out, " (%zu deleted left out)", r->ignored);
		return 0;
	}
	if (r->worst == STATE_OK)
		return append_ok_summary(out, r);
	return append_problem_summary(out, r);
}

static int append_long_line(struct buf *out, const struct cert_verdict *v)
{
	const struct ncp_cert *c = v->cert;

	if (buf_printf(out, "[%s] ", state_name(v->state)) || append_cert_ref(out, c, 0))
		return -1;
	if (c->common_name && (c->name == NULL || strcmp(c->name, c->common_name) != 0))
		if (buf_puts(out, " ") || text_append_safe(out, c->common_name, 0))
			return -1;
	return buf_puts(out, ": ") || render_reason(v, true, out) || buf_puts(out, "\n") ? -1 : 0;
}

static int append_notes(struct buf *out, const struct render_options *o)
{
	if (o->notes == NULL || *o->notes == '\0')
		return 0;
	/* Notes are ours but may quote the API; one safe line at a time. */
	for (const char *p = o->notes; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), p);
		if (text_append_safe(out, line, 0) || buf_puts(out, "\n"))
			return -1;
		p += len + (nl != NULL);
	}
	return 0;
}

static const char insecure_note[] = " (TLS verification disabled by --insecure)";

int render_report(const struct report *r, const struct render_options *o, struct buf *out)
{
	if (buf_printf(out, "%s %s - ", RENDER_SERVICE, state_name(r->worst)) || append_summary(out, r))
		return -1;
	if (o->insecure && buf_puts(out, insecure_note))
		return -1;
	if (buf_puts(out, " | ") || perfdata_append(out, r, o->policy) || buf_puts(out, "\n"))
		return -1;
	for (size_t i = 0; i < r->len; i++) {
		if (r->items[i].state == STATE_OK && o->verbose < 1)
			continue;
		if (append_long_line(out, &r->items[i]) != 0)
			return -1;
	}
	return append_notes(out, o);
}

int render_error(enum plugin_state state, const char *message, const struct render_options *o,
		 struct buf *out)
{
	if (buf_printf(out, "%s %s - ", RENDER_SERVICE, state_name(state)) ||
	    text_append_safe(out, message, 0))
		return -1;
	if (o->insecure && buf_puts(out, insecure_note))
		return -1;
	if (buf_puts(out, "\n"))
		return -1;
	return append_notes(out, o);
}
