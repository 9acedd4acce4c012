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
	case WHY_STATUS_POLICY:
		if (buf_puts(out, "status ") || render_status(v, out))
			return -1;
		return buf_printf(out, " (--status-state %s)", state_name(v->state));
	case WHY_STATUS:
		if (buf_puts(out, "status ") || render_status(v, out))
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
		return buf_puts(out, "unreadable entry: ") || text_append_safe(out, c->problem, RENDER_LONG_NAME_CHARS) ? -1 : 0;
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
	const struct cert_verdict *next = report_next_expiry(r);

	if (buf_printf(out, "%zu certificate%s OK", r->len, r->len == 1 ? "" : "s") != 0)
		return -1;
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

/* " - superseded by new-shop (#100010)", and why it is still judged */
static int append_superseded(struct buf *out, const struct cert_verdict *v)
{
	const struct ncp_cert *c = v->cert;

	if (v->superseded_by == NULL)
		return 0;
	if (buf_puts(out, v->counted ? ", superseded by " : " by ") ||
	    append_cert_ref(out, v->superseded_by, RENDER_LONG_NAME_CHARS))
		return -1;
	if (v->counted && c->n_used_instances)
		return buf_puts(out, " but still used by instance ") || text_append_safe(out, c->used_instances, 200) ? -1 : 0;
	return 0;
}

static int append_long_line(struct buf *out, const struct cert_verdict *v, const char *tag)
{
	const struct ncp_cert *c = v->cert;

	if (buf_printf(out, "[%s] ", tag) || append_cert_ref(out, c, RENDER_LONG_NAME_CHARS))
		return -1;
	if (c->common_name && (c->name == NULL || strcmp(c->name, c->common_name) != 0))
		if (buf_puts(out, " ") || text_append_safe(out, c->common_name, RENDER_LONG_NAME_CHARS))
			return -1;
	if (buf_puts(out, ": ") || render_reason(v, true, out) || append_superseded(out, v))
		return -1;
	return buf_puts(out, "\n");
}

struct line_budget {
	size_t left;
	size_t dropped;
};

static int budget_line(struct buf *out, struct line_budget *b, const struct cert_verdict *v, const char *tag)
{
	if (b->left == 0) {
		b->dropped++;
		return 0;
	}
	b->left--;
	return append_long_line(out, v, tag);
}

/* Problems first, then (with -v) OK and superseded certificates; capped so
 * a huge account cannot flood the monitoring core. */
static int append_long_output(struct buf *out, const struct report *r, const struct render_options *o)
{
	struct line_budget b = { o->max_lines ? o->max_lines : RENDER_DEFAULT_MAX_LINES, 0 };
	int rc = 0;

	for (size_t i = 0; i < r->len && rc == 0; i++)
		if (r->items[i].state != STATE_OK || o->verbose >= 1)
			rc = budget_line(out, &b, &r->items[i], state_name(r->items[i].state));
	for (size_t i = 0; i < r->n_superseded && rc == 0 && o->verbose >= 1; i++)
		rc = budget_line(out, &b, &r->superseded[i], "SUPERSEDED");
	if (rc == 0 && b.dropped)
		rc = buf_printf(out, "... and %zu more\n", b.dropped);
	return rc;
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

static int append_perfdata(struct buf *out, const struct report *r, const struct render_options *o)
{
	switch (o->perfdata) {
	case PERFDATA_NONE:
		return 0;
	case PERFDATA_SUMMARY:
		return buf_puts(out, " | ") || perfdata_append_summary(out, r, o->policy) ? -1 : 0;
	case PERFDATA_ALL:
		break;
	}
	return buf_puts(out, " | ") || perfdata_append(out, r, o->policy) ? -1 : 0;
}

static int append_stale_note(struct buf *out, const struct render_options *o)
{
	if (o->stale_note == NULL)
		return 0;
	return buf_puts(out, " (") || text_append_safe(out, o->stale_note, 300) || buf_puts(out, ")") ? -1 : 0;
}

int render_summary(const struct report *r, const struct render_options *o, struct buf *out)
{
	if (append_summary(out, r) || append_stale_note(out, o) || (o->insecure && buf_puts(out, insecure_note)))
		return -1;
	return 0;
}

int render_status(const struct cert_verdict *v, struct buf *out)
{
	const struct ncp_cert *c = v->cert;

	if (v->status)
		return buf_puts(out, v->status->api_name);
	if (c->has_status_code)
		return buf_printf(out, "code %ld", c->status_code);
	if (c->status_name)
		return text_append_safe(out, c->status_name, 40);
	return buf_puts(out, "-");
}

int render_report(const struct report *r, const struct render_options *o, struct buf *out)
{
	if (buf_printf(out, "%s %s - ", RENDER_SERVICE, state_name(r->worst)) || render_summary(r, o, out))
		return -1;
	if (append_perfdata(out, r, o) || buf_puts(out, "\n"))
		return -1;
	if (append_long_output(out, r, o) != 0)
		return -1;
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
