#include "config.h"

#include "judge.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void judge_policy_defaults(struct judge_policy *p)
{
	const char *why;

	range_parse("30", &p->warning, &why);
	range_parse("14", &p->critical, &why);
	p->overrides = NULL;
	p->n_overrides = 0;
}

static const struct status_info *cert_status(const struct ncp_cert *c, bool *unknown)
{
	const struct status_info *s = NULL;

	*unknown = false;
	if (c->has_status_code) {
		s = status_by_code(c->status_code);
		*unknown = s == NULL;
	} else if (c->status_name) {
		s = status_by_name(c->status_name);
		*unknown = s == NULL;
	}
	return s;
}

static const struct status_override *find_override(const struct judge_policy *p, const struct ncp_cert *c,
						   const struct status_info *s)
{
	long code;

	if (s)
		code = s->code;
	else if (c->has_status_code)
		code = c->status_code;
	else
		return NULL;
	for (size_t i = p->n_overrides; i-- > 0;)   /* the last one given wins */
		if (p->overrides[i].code == code)
			return &p->overrides[i];
	return NULL;
}

static void judge_expiry(struct cert_verdict *v, const struct judge_policy *p, time_t now)
{
	const struct ncp_cert *c = v->cert;
	double days;

	if (!c->has_not_after) {
		v->why = WHY_NO_NOT_AFTER;
		v->state = STATE_UNKNOWN;
		return;
	}
	v->by_expiry = true;
	v->dated = true;
	v->seconds_left = (long long)c->not_after.when - (long long)now;
	days = (double)v->seconds_left / SECONDS_PER_DAY;
	/* notAfter is the last valid second, so "passed" means strictly after. */
	if (v->seconds_left < 0) {
		v->why = WHY_EXPIRED;
		v->state = STATE_CRITICAL;
		return;
	}
	v->why = WHY_EXPIRY;
	if (range_alerts(&p->critical, days))
		v->state = STATE_CRITICAL;
	else if (range_alerts(&p->warning, days))
		v->state = STATE_WARNING;
	else
		v->state = STATE_OK;
}

/* --status-state replaces a fixed status's state; for a live status it is
 * a floor under the expiry verdict, so "NORMAL=ok" can never hide an
 * expired certificate. */
static void apply_override(struct cert_verdict *v, const struct status_override *o, const struct judge_policy *p,
			   time_t now)
{
	if (o->ignore) {
		v->counted = false;
		v->state = STATE_OK;
		v->why = WHY_STATUS_POLICY;
		return;
	}
	if (v->status && v->status->action == STATUS_BY_EXPIRY) {
		judge_expiry(v, p, now);
		if (state_severity(o->state) <= state_severity(v->state))
			return;
	}
	v->state = o->state;
	v->why = WHY_STATUS_POLICY;
}

struct cert_verdict judge_cert(const struct ncp_cert *c, const struct judge_policy *p, time_t now)
{
	struct cert_verdict v = { .cert = c, .counted = true, .state = STATE_UNKNOWN };
	bool unknown;

	if (c->problem) {
		v.why = WHY_BAD_ENTRY;
		return v;
	}
	v.status = cert_status(c, &unknown);
	if (c->has_not_after) {
		v.dated = true;
		v.seconds_left = (long long)c->not_after.when - (long long)now;
	}
	const struct status_override *o = find_override(p, c, v.status);
	if (o) {
		apply_override(&v, o, p, now);
		return v;
	}
	if (v.status == NULL) {
		v.why = unknown ? WHY_UNKNOWN_STATUS : WHY_NO_STATUS;
		return v;
	}
	switch (v.status->action) {
	case STATUS_IGNORE:
		v.counted = false;
		v.state = STATE_OK;
		v.why = WHY_STATUS;
		break;
	case STATUS_FIXED:
		v.state = v.status->state;
		v.why = WHY_STATUS;
		break;
	case STATUS_BY_EXPIRY:
		judge_expiry(&v, p, now);
		break;
	}
	return v;
}

static const char *verdict_name(const struct cert_verdict *v)
{
	const struct ncp_cert *c = v->cert;

	if (c->name)
		return c->name;
	return c->common_name ? c->common_name : "";
}

/* Worst state first; then the least time left (an expired certificate is
 * what breaks sites today); then what the status alone condemns; then by
 * name, so the order never depends on the API's. */
static int verdict_order(const void *pa, const void *pb)
{
	const struct cert_verdict *a = pa, *b = pb;
	int sa = state_severity(a->state), sb = state_severity(b->state);
	int cmp;

	if (sa != sb)
		return sb - sa;
	if (a->by_expiry != b->by_expiry)
		return a->by_expiry ? -1 : 1;
	if (a->by_expiry && a->seconds_left != b->seconds_left)
		return a->seconds_left < b->seconds_left ? -1 : 1;
	cmp = strcasecmp(verdict_name(a), verdict_name(b));
	if (cmp != 0)
		return cmp;
	if (a->cert->no != b->cert->no)
		return a->cert->no < b->cert->no ? -1 : 1;
	return 0;
}

static void add_verdict(struct report *out, struct cert_verdict v, bool superseded)
{
	if (superseded) {
		v.counted = false;
		out->superseded[out->n_superseded++] = v;
	} else if (!v.counted) {
		out->ignored++;
	} else {
		out->counts[v.state]++;
		out->worst = state_worse(out->worst, v.state);
		out->items[out->len++] = v;
	}
}

int judge_selection(const struct ncp_cert_list *list, const struct judge_policy *p, time_t now,
		    const enum cert_disposition *disposition, const size_t *superseded_by, struct report *out)
{
	size_t n = list->len ? list->len : 1;

	memset(out, 0, sizeof *out);
	out->worst = STATE_OK;
	out->items = calloc(n, sizeof *out->items);
	out->superseded = calloc(n, sizeof *out->superseded);
	if (out->items == NULL || out->superseded == NULL) {
		report_clear(out);
		return -1;
	}
	for (size_t i = 0; i < list->len; i++) {
		enum cert_disposition d = disposition ? disposition[i] : CERT_JUDGE;
		struct cert_verdict v;
		if (d == CERT_SKIP)
			continue;
		v = judge_cert(&list->items[i], p, now);
		if (superseded_by && superseded_by[i] < list->len)
			v.superseded_by = &list->items[superseded_by[i]];
		add_verdict(out, v, d == CERT_SUPERSEDED);
	}
	qsort(out->items, out->len, sizeof *out->items, verdict_order);
	qsort(out->superseded, out->n_superseded, sizeof *out->superseded, verdict_order);
	return 0;
}

int judge_all(const struct ncp_cert_list *list, const struct judge_policy *p, time_t now,
	      struct report *out)
{
	return judge_selection(list, p, now, NULL, NULL, out);
}

const struct cert_verdict *report_next_expiry(const struct report *r)
{
	const struct cert_verdict *next = NULL;

	for (size_t i = 0; i < r->len; i++)
		if (r->items[i].by_expiry && (next == NULL || r->items[i].seconds_left < next->seconds_left))
			next = &r->items[i];
	return next;
}

void report_clear(struct report *r)
{
	free(r->items);
	free(r->superseded);
	memset(r, 0, sizeof *r);
}
