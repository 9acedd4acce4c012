/* lib/judge.c: certificate + policy + a fixed now -> verdict, and the
 * report over a list. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "judge.h"
#include "tap.h"

/* 2027-01-15T07:00:00Z; nothing here reads the real clock. */
#define NOW ((time_t)1799996400)
#define DAY 86400LL
#define NO_STATUS 999999    /* make_cert: leave statusCode out */
#define NO_DATE (-999999999LL)

/* A certificate as parse.c would build it; left_s is notAfter - NOW. */
static struct ncp_cert make_cert(const char *name, long code, long long left_s)
{
	struct ncp_cert c = { 0 };

	c.name = name ? strdup(name) : NULL;
	if (code != NO_STATUS) {
		c.has_status_code = true;
		c.status_code = code;
	}
	if (left_s != NO_DATE) {
		c.has_not_after = true;
		c.not_after.when = NOW + (time_t)left_s;
		c.not_after.utc_offset = 32400;
	}
	return c;
}

static struct ncp_cert make_named_status(const char *status_name, long long left_s)
{
	struct ncp_cert c = make_cert("by-name", NO_STATUS, left_s);

	c.status_name = strdup(status_name);
	return c;
}

/* Zeroed first: judge_policy_defaults sets only the ranges (see
 * test_defaults), and a stray overrides pointer would crash every test. */
static struct judge_policy policy(const char *warn, const char *crit)
{
	struct judge_policy p = { 0 };
	const char *why;

	judge_policy_defaults(&p);
	if (warn)
		range_parse(warn, &p.warning, &why);
	if (crit)
		range_parse(crit, &p.critical, &why);
	return p;
}

/* Judges c under the default policy and checks state and why; frees c. */
static void expect(struct ncp_cert c, enum plugin_state state, enum verdict_why why, const char *what)
{
	struct judge_policy p = policy(NULL, NULL);
	struct cert_verdict v = judge_cert(&c, &p, NOW);
	bool ok = v.state == state && v.why == why && v.counted && v.cert == &c;

	tap_ok(ok, "%s: %s", what, state_name(state));
	if (!ok)
		tap_diag("got state %s why %d counted %d, expected why %d", state_name(v.state), (int)v.why,
			 (int)v.counted, (int)why);
	cert_clear(&c);
}

static void test_defaults(void)
{
	struct judge_policy p;

	/* Whatever the caller's storage held before, the defaults are a
	 * complete policy: no status overrides. */
	memset(&p, 0xA5, sizeof p);
	judge_policy_defaults(&p);
	tap_ok(p.n_overrides == 0 && p.overrides == NULL,
	       "judge_policy_defaults leaves no stray status overrides");
	tap_ok(range_alerts(&p.warning, 29.99) && !range_alerts(&p.warning, 30),
	       "default warning: fewer than 30 days");
	tap_ok(range_alerts(&p.critical, 13.99) && !range_alerts(&p.critical, 14),
	       "default critical: fewer than 14 days");
}

static void test_expiry(void)
{
	expect(make_cert("a", 1, 40 * DAY), STATE_OK, WHY_EXPIRY, "NORMAL, 40 days left");
	expect(make_cert("a", 1, 20 * DAY), STATE_WARNING, WHY_EXPIRY, "NORMAL, 20 days left");
	expect(make_cert("a", 1, 5 * DAY), STATE_CRITICAL, WHY_EXPIRY, "NORMAL, 5 days left");
	expect(make_cert("a", 1, 30 * DAY), STATE_OK, WHY_EXPIRY, "exactly 30 days (2592000 s) left");
	expect(make_cert("a", 1, 30 * DAY - 1), STATE_WARNING, WHY_EXPIRY, "2591999 s left");
	expect(make_cert("a", 1, 14 * DAY), STATE_WARNING, WHY_EXPIRY, "exactly 14 days left");
	expect(make_cert("a", 1, 14 * DAY - 1), STATE_CRITICAL, WHY_EXPIRY, "14 days minus 1 s left");
	expect(make_cert("a", 2, 20 * DAY), STATE_WARNING, WHY_EXPIRY, "NORMAL_UNREGISTERED_PRIVATE_KEY by expiry");
	expect(make_cert("a", 3, 5 * DAY), STATE_CRITICAL, WHY_EXPIRY, "NORMAL_GLOBAL_EDGE_DEDICATED by expiry");
	expect(make_cert("a", 1, 253402300799LL - NOW), STATE_OK, WHY_EXPIRY, "notAfter in year 9999");

	struct judge_policy p = policy(NULL, NULL);
	struct ncp_cert c = make_cert("edge", 1, 0);
	struct cert_verdict v = judge_cert(&c, &p, NOW);
	tap_ok(v.why == WHY_EXPIRY && v.state == STATE_CRITICAL, "notAfter == now: not expired yet, CRITICAL by threshold");
	tap_is_int(v.seconds_left, 0, "notAfter == now: 0 seconds left");
	tap_ok(v.by_expiry, "notAfter == now: judged by expiry");
	cert_clear(&c);

	c = make_cert("past", 1, -1);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.why == WHY_EXPIRED && v.state == STATE_CRITICAL, "notAfter one second before now: expired, CRITICAL");
	tap_is_int(v.seconds_left, -1, "expired: seconds_left is negative");
	tap_ok(v.by_expiry, "expired: seconds_left is meaningful");
	cert_clear(&c);

	c = make_cert("x", 1, 40 * DAY + 7);
	v = judge_cert(&c, &p, NOW);
	tap_is_int(v.seconds_left, 40 * DAY + 7, "seconds_left is notAfter minus now");
	tap_ok(v.status != NULL && v.status->code == 1, "verdict carries the status");
	cert_clear(&c);
}

static void test_policy(void)
{
	struct judge_policy p = policy("60", "30");
	struct ncp_cert c = make_cert("a", 1, 45 * DAY);

	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_WARNING, "-w 60 -c 30: 45 days is WARNING");
	cert_clear(&c);
	c = make_cert("a", 1, 29 * DAY);
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_CRITICAL, "-w 60 -c 30: 29 days is CRITICAL");
	cert_clear(&c);

	p = policy("1", "0.5");
	c = make_cert("a", 1, 11 * 3600);
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_CRITICAL, "-c 0.5: 11 hours left is CRITICAL");
	cert_clear(&c);
	c = make_cert("a", 1, 13 * 3600);
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_WARNING, "-w 1 -c 0.5: 13 hours left is WARNING");
	cert_clear(&c);

	p = policy("@10:20", "@0:5");
	c = make_cert("a", 1, 15 * DAY);
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_WARNING, "-w @10:20: 15 days is WARNING");
	cert_clear(&c);
	c = make_cert("a", 1, 25 * DAY);
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_OK, "-w @10:20: 25 days is OK");
	cert_clear(&c);
}

static void test_status(void)
{
	static const long critical_codes[] = { -1, -2, -3, -4, -5, -11, -12, -20 };

	expect(make_cert("a", 1, NO_DATE), STATE_UNKNOWN, WHY_NO_NOT_AFTER, "NORMAL without notAfter");
	expect(make_cert("a", 0, -100 * DAY), STATE_OK, WHY_STATUS, "ONGOING with notAfter long past");
	expect(make_cert("a", 0, 2 * DAY), STATE_OK, WHY_STATUS, "ONGOING with 2 days left");
	expect(make_cert("a", 0, NO_DATE), STATE_OK, WHY_STATUS, "ONGOING without notAfter");
	for (size_t i = 0; i < sizeof critical_codes / sizeof critical_codes[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "status %ld with a year left", critical_codes[i]);
		expect(make_cert("a", critical_codes[i], 365 * DAY), STATE_CRITICAL, WHY_STATUS, what);
		snprintf(what, sizeof what, "status %ld without notAfter", critical_codes[i]);
		expect(make_cert("a", critical_codes[i], NO_DATE), STATE_CRITICAL, WHY_STATUS, what);
	}
	expect(make_cert("a", -7, 365 * DAY), STATE_WARNING, WHY_STATUS, "REQUEST_REVOKE");
	expect(make_cert("a", 7, 365 * DAY), STATE_UNKNOWN, WHY_UNKNOWN_STATUS, "unknown status code 7");
	expect(make_cert("a", NO_STATUS, 365 * DAY), STATE_UNKNOWN, WHY_NO_STATUS, "no status at all");

	struct judge_policy p = policy(NULL, NULL);
	struct ncp_cert c = make_cert("gone", -6, -100 * DAY);
	struct cert_verdict v = judge_cert(&c, &p, NOW);
	tap_ok(!v.counted, "DELETED is not counted");
	tap_ok(v.state != STATE_CRITICAL, "DELETED long expired raises nothing");
	cert_clear(&c);

	c = make_cert("u", 7, 365 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.status == NULL, "unknown code: no status_info");
	cert_clear(&c);
}

static void test_status_name(void)
{
	expect(make_named_status("Normal", 20 * DAY), STATE_WARNING, WHY_EXPIRY, "statusName Normal, 20 days");
	expect(make_named_status("Normal", 40 * DAY), STATE_OK, WHY_EXPIRY, "statusName Normal, 40 days");
	expect(make_named_status("FAILED (LINT)", 365 * DAY), STATE_CRITICAL, WHY_STATUS, "statusName FAILED (LINT)");
	expect(make_named_status("Ongoing", NO_DATE), STATE_OK, WHY_STATUS, "statusName Ongoing");
	expect(make_named_status("REQUEST_REVOKE", 365 * DAY), STATE_WARNING, WHY_STATUS, "statusName REQUEST_REVOKE");
	expect(make_named_status("Weird", 365 * DAY), STATE_UNKNOWN, WHY_UNKNOWN_STATUS, "statusName Weird");

	struct judge_policy p = policy(NULL, NULL);
	struct ncp_cert c = make_named_status("DELETED", 5 * DAY);
	tap_ok(!judge_cert(&c, &p, NOW).counted, "statusName DELETED is not counted");
	cert_clear(&c);

	/* statusCode wins over statusName when both are there */
	c = make_cert("both", 1, 40 * DAY);
	c.status_name = strdup("REVOKE");
	tap_is_int(judge_cert(&c, &p, NOW).state, STATE_OK, "statusCode 1 beats statusName REVOKE");
	cert_clear(&c);
}

static void test_problem(void)
{
	struct ncp_cert c = make_cert(NULL, 1, 40 * DAY);

	c.problem = strdup("certificate entry 2 of order 9 is a string, not an object");
	expect(c, STATE_UNKNOWN, WHY_BAD_ENTRY, "entry with a problem, even if NORMAL with 40 days");
}

/* ---- judge_all ------------------------------------------------------ */

static void push(struct ncp_cert_list *l, struct ncp_cert c)
{
	if (cert_list_push(l, &c) != 0)
		tap_diag("cert_list_push failed");
}

static enum plugin_state worst_of(const long codes[], const long long left[], size_t n)
{
	struct ncp_cert_list l;
	struct judge_policy p = policy(NULL, NULL);
	struct report r;
	enum plugin_state worst;

	cert_list_init(&l);
	for (size_t i = 0; i < n; i++)
		push(&l, make_cert("c", codes[i], left[i]));
	if (judge_all(&l, &p, NOW, &r) != 0)
		return (enum plugin_state)-1;
	worst = r.worst;
	report_clear(&r);
	cert_list_clear(&l);
	return worst;
}

static void test_worst(void)
{
	/* OK: NORMAL 40 d; WARNING: 20 d; CRITICAL: 5 d; UNKNOWN: code 7 */
	const long ok = 1, unk = 7;
	{
		const long c[] = { ok, ok };
		const long long d[] = { 40 * DAY, 20 * DAY };
		tap_is_int(worst_of(c, d, 2), STATE_WARNING, "OK + WARNING -> WARNING");
	}
	{
		const long c[] = { ok, unk };
		const long long d[] = { 20 * DAY, 40 * DAY };
		tap_is_int(worst_of(c, d, 2), STATE_WARNING, "WARNING + UNKNOWN -> WARNING");
	}
	{
		const long c[] = { unk, ok };
		const long long d[] = { 40 * DAY, 20 * DAY };
		tap_is_int(worst_of(c, d, 2), STATE_WARNING, "UNKNOWN + WARNING (other order) -> WARNING");
	}
	{
		const long c[] = { ok, unk };
		const long long d[] = { 40 * DAY, 40 * DAY };
		tap_is_int(worst_of(c, d, 2), STATE_UNKNOWN, "OK + UNKNOWN -> UNKNOWN");
	}
	{
		const long c[] = { unk, ok, ok };
		const long long d[] = { 40 * DAY, 5 * DAY, 20 * DAY };
		tap_is_int(worst_of(c, d, 3), STATE_CRITICAL, "UNKNOWN + CRITICAL + WARNING -> CRITICAL");
	}
	{
		const long c[] = { ok, ok };
		const long long d[] = { 40 * DAY, 400 * DAY };
		tap_is_int(worst_of(c, d, 2), STATE_OK, "OK + OK -> OK");
	}
	{
		const long c[] = { -6, -6 };
		const long long d[] = { -5 * DAY, NO_DATE };
		tap_is_int(worst_of(c, d, 2), STATE_OK, "only DELETED -> OK");
	}
}

static void test_all_counts(void)
{
	struct ncp_cert_list l;
	struct judge_policy p = policy(NULL, NULL);
	struct report r;

	cert_list_init(&l);
	push(&l, make_cert("ok-40", 1, 40 * DAY));
	push(&l, make_cert("warn-20", 1, 20 * DAY));
	push(&l, make_cert("crit-5", 1, 5 * DAY));
	push(&l, make_cert("unknown-nodate", 1, NO_DATE));
	push(&l, make_cert("deleted", -6, -3 * DAY));
	push(&l, make_cert("revoked", -5, 300 * DAY));
	push(&l, make_cert("ongoing", 0, NO_DATE));
	tap_is_int(judge_all(&l, &p, NOW, &r), 0, "judge_all succeeds");
	tap_is_int((long long)r.len, 6, "6 counted");
	tap_is_int((long long)r.ignored, 1, "1 ignored (DELETED)");
	tap_is_int((long long)r.counts[STATE_OK], 2, "2 OK");
	tap_is_int((long long)r.counts[STATE_WARNING], 1, "1 WARNING");
	tap_is_int((long long)r.counts[STATE_CRITICAL], 2, "2 CRITICAL");
	tap_is_int((long long)r.counts[STATE_UNKNOWN], 1, "1 UNKNOWN");
	tap_is_int(r.worst, STATE_CRITICAL, "worst CRITICAL");
	bool borrowed = true;
	for (size_t i = 0; i < r.len; i++)
		borrowed = borrowed && r.items[i].cert >= l.items && r.items[i].cert < l.items + l.len;
	tap_ok(borrowed, "verdicts point into the judged list");
	bool deleted_left_out = true;
	for (size_t i = 0; i < r.len; i++)
		deleted_left_out = deleted_left_out && strcmp(r.items[i].cert->name, "deleted") != 0;
	tap_ok(deleted_left_out, "the DELETED certificate is not among the verdicts");
	report_clear(&r);
	tap_ok(r.items == NULL && r.len == 0 && r.worst == STATE_OK, "report_clear empties");
	cert_list_clear(&l);

	cert_list_init(&l);
	memset(&r, 0xAB, sizeof r);
	tap_is_int(judge_all(&l, &p, NOW, &r), 0, "empty list: success");
	tap_ok(r.len == 0 && r.ignored == 0 && r.worst == STATE_OK, "empty list: nothing counted, OK");
	tap_ok(r.counts[STATE_OK] == 0 && r.counts[STATE_CRITICAL] == 0 && r.counts[STATE_WARNING] == 0 &&
	       r.counts[STATE_UNKNOWN] == 0, "empty list: all counts 0");
	report_clear(&r);
	cert_list_clear(&l);
}

static void test_order(void)
{
	static const char *const want[] = {
		"crit-2", "crit-5", "Alpha-revoked", "beta-failed", "warn-15", "warn-25",
		"unknown-a", "unknown-b", "ok-40", "ok-90",
	};
	struct ncp_cert_list l;
	struct judge_policy p = policy(NULL, NULL);
	struct report r;
	bool same = true;

	cert_list_init(&l);
	push(&l, make_cert("ok-90", 1, 90 * DAY));
	push(&l, make_cert("unknown-b", 7, 40 * DAY));
	push(&l, make_cert("warn-25", 1, 25 * DAY));
	push(&l, make_cert("crit-5", 1, 5 * DAY));
	push(&l, make_cert("beta-failed", -1, NO_DATE));
	push(&l, make_cert("ok-40", 1, 40 * DAY));
	push(&l, make_cert("unknown-a", 1, NO_DATE));
	push(&l, make_cert("warn-15", 1, 15 * DAY));
	push(&l, make_cert("Alpha-revoked", -5, 100 * DAY));
	push(&l, make_cert("crit-2", 1, 2 * DAY));
	judge_all(&l, &p, NOW, &r);
	if (tap_is_int((long long)r.len, 10, "10 verdicts to sort")) {
		for (size_t i = 0; i < r.len; i++)
			if (strcmp(r.items[i].cert->name, want[i]) != 0) {
				tap_diag("position %zu: got %s, expected %s", i, r.items[i].cert->name, want[i]);
				same = false;
			}
		tap_ok(same, "worst first: least time left, then status CRITICALs by name, "
			     "then WARNING, UNKNOWN, OK");
	}
	report_clear(&r);
	cert_list_clear(&l);

	/* Same name and state: certificateNo decides, whatever the input order. */
	cert_list_init(&l);
	struct ncp_cert a = make_cert("same", -1, NO_DATE), b = make_cert("same", -1, NO_DATE);
	a.has_no = b.has_no = true;
	a.no = 20;
	b.no = 10;
	push(&l, a);
	push(&l, b);
	judge_all(&l, &p, NOW, &r);
	tap_ok(r.len == 2 && r.items[0].cert->no == 10 && r.items[1].cert->no == 20,
	       "equal name and state: lower certificateNo first");
	report_clear(&r);
	cert_list_clear(&l);
}

/* ---- --status-state overrides ---------------------------------------- */

static void test_overrides(void)
{
	static const struct status_override ov[] = {
		{ .code = -7, .state = STATE_CRITICAL },
		{ .code = 0, .state = STATE_WARNING },
		{ .code = 0, .state = STATE_UNKNOWN },     /* later one for 0 wins */
		{ .code = -5, .ignore = true },
		{ .code = 7, .state = STATE_OK },          /* a code the table lacks */
		{ .code = 1, .state = STATE_WARNING },
	};
	struct judge_policy p = policy(NULL, NULL);
	struct ncp_cert c;
	struct cert_verdict v;

	p.overrides = ov;
	p.n_overrides = sizeof ov / sizeof ov[0];

	c = make_cert("a", -7, 300 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_CRITICAL && v.why == WHY_STATUS_POLICY && v.counted,
	       "override: REQUEST_REVOKE made CRITICAL");
	cert_clear(&c);

	c = make_cert("a", 0, NO_DATE);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_UNKNOWN && v.why == WHY_STATUS_POLICY, "override: the last one given for a code wins");
	cert_clear(&c);

	c = make_cert("a", -5, 300 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(!v.counted, "override: REVOKE ignored is not counted");
	cert_clear(&c);

	c = make_cert("a", 7, 300 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_OK && v.why == WHY_STATUS_POLICY && v.counted,
	       "override: an unknown code given a state gets it");
	cert_clear(&c);

	c = make_named_status("REQUEST_REVOKE", 300 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_CRITICAL && v.why == WHY_STATUS_POLICY, "override applies to a status given by name");
	cert_clear(&c);

	c = make_cert("a", -1, 300 * DAY);
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_CRITICAL && v.why == WHY_STATUS, "no override for FAILED: the table decides");
	cert_clear(&c);

	c = make_cert("a", 1, 300 * DAY);
	c.problem = strdup("broken");
	v = judge_cert(&c, &p, NOW);
	tap_ok(v.state == STATE_UNKNOWN && v.why == WHY_BAD_ENTRY, "an unreadable entry is not overridden");
	cert_clear(&c);
}

static void test_selection(void)
{
	struct ncp_cert_list l;
	struct judge_policy p = policy(NULL, NULL);
	struct report r;
	const struct cert_verdict *next;

	cert_list_init(&l);
	push(&l, make_cert("old", 1, 3 * DAY));        /* superseded by 2 */
	push(&l, make_cert("skipped", -5, NO_DATE));   /* not selected */
	push(&l, make_cert("renewed", 1, 200 * DAY));
	push(&l, make_cert("soon", 1, 20 * DAY));
	const enum cert_disposition d[] = { CERT_SUPERSEDED, CERT_SKIP, CERT_JUDGE, CERT_JUDGE };
	const size_t by[] = { 2, (size_t)-1, (size_t)-1, (size_t)-1 };
	tap_is_int(judge_selection(&l, &p, NOW, d, by, &r), 0, "judge_selection succeeds");
	tap_is_int((long long)r.len, 2, "selection: 2 judged");
	tap_is_int((long long)r.n_superseded, 1, "selection: 1 superseded");
	tap_is_int((long long)r.ignored, 0, "selection: skipped is not counted as ignored");
	tap_is_int(r.worst, STATE_WARNING, "selection: superseded CRITICAL and skipped REVOKE do not count");
	tap_ok(r.n_superseded == 1 && r.superseded[0].superseded_by == &l.items[2] &&
	       !r.superseded[0].counted, "selection: superseded verdict names its renewal");
	next = report_next_expiry(&r);
	tap_ok(next != NULL && strcmp(next->cert->name, "soon") == 0,
	       "report_next_expiry: the judged certificate with least time left");
	report_clear(&r);
	tap_ok(r.superseded == NULL && r.n_superseded == 0, "report_clear empties the superseded list");

	judge_all(&l, &p, NOW, &r);
	next = report_next_expiry(&r);
	tap_ok(next != NULL && strcmp(next->cert->name, "old") == 0, "judge_all judges all: old is next to expire");
	report_clear(&r);
	cert_list_clear(&l);

	cert_list_init(&l);
	push(&l, make_cert("ongoing", 0, 10 * DAY));
	judge_all(&l, &p, NOW, &r);
	tap_ok(report_next_expiry(&r) == NULL, "report_next_expiry: NULL when none is judged by expiry");
	report_clear(&r);
	cert_list_clear(&l);
}

int main(void)
{
	test_defaults();
	test_expiry();
	test_policy();
	test_status();
	test_status_name();
	test_problem();
	test_worst();
	test_all_counts();
	test_order();
	test_overrides();
	test_selection();
	return tap_done();
}
