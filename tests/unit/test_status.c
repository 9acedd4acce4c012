/* lib/status.c (status codes and names) and lib/state.c (state order). */
#include "config.h"

#include <string.h>

#include "state.h"
#include "status.h"
#include "tap.h"

/* From the ListAdvancedCertificates reference page, and what each status
 * must mean to the plugin. */
struct code_case {
	long code;
	const char *canonical;
	const char *api_name;
	enum status_action action;
	enum plugin_state state;    /* for STATUS_FIXED */
};

static const struct code_case code_cases[] = {
	{ 0, "ONGOING", "ONGOING", STATUS_FIXED, STATE_OK },
	{ 1, "NORMAL", "NORMAL", STATUS_BY_EXPIRY, STATE_OK },
	{ 2, "NORMAL_UNREGISTERED_PRIVATE_KEY", "NORMAL_UNREGISTERED_PRIVATE_KEY", STATUS_BY_EXPIRY, STATE_OK },
	{ 3, "NORMAL_GLOBAL_EDGE_DEDICATED", "NORMAL_GLOBAL_EDGE_DEDICATED", STATUS_BY_EXPIRY, STATE_OK },
	{ -1, "FAILED", "FAILED", STATUS_FIXED, STATE_CRITICAL },
	{ -2, "EXPIRE", "EXPIRE", STATUS_FIXED, STATE_CRITICAL },
	{ -3, "VALIDATION_FAILED", "VALIDATION_FAILED", STATUS_FIXED, STATE_CRITICAL },
	{ -4, "VALIDATION_EXPIRE", "VALIDATION_EXPIRE", STATUS_FIXED, STATE_CRITICAL },
	{ -5, "REVOKE", "REVOKE", STATUS_FIXED, STATE_CRITICAL },
	{ -6, "DELETED", "DELETED", STATUS_IGNORE, STATE_OK },
	{ -7, "REQUEST_REVOKE", "REQUEST_REVOKE", STATUS_FIXED, STATE_WARNING },
	{ -11, "FAILED_LINT", "FAILED (LINT)", STATUS_FIXED, STATE_CRITICAL },
	{ -12, "FAILED_CT", "FAILED (CT)", STATUS_FIXED, STATE_CRITICAL },
	{ -20, "FAILED_ORG_LOCK", "FAILED (ORG_LOCK / DNS_TXT)", STATUS_FIXED, STATE_CRITICAL },
};
#define N_CODE_CASES (sizeof code_cases / sizeof code_cases[0])

static void test_by_code(void)
{
	for (size_t i = 0; i < N_CODE_CASES; i++) {
		const struct code_case *c = &code_cases[i];
		const struct status_info *s = status_by_code(c->code);
		if (!tap_ok(s != NULL, "code %ld is known", c->code))
			continue;
		tap_is_int(s->code, c->code, "code %ld: code field", c->code);
		tap_is_str(s->canonical, c->canonical, "code %ld: canonical name", c->code);
		tap_is_str(s->api_name, c->api_name, "code %ld: API name", c->code);
		tap_is_int(s->action, c->action, "code %ld: action", c->code);
		if (c->action == STATUS_FIXED)
			tap_is_int(s->state, c->state, "code %ld: fixed state %s", c->code, state_name(c->state));
	}
	static const long unknown[] = { 4, 7, -8, -10, -13, -19, -21, 100, -100 };
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		tap_ok(status_by_code(unknown[i]) == NULL, "code %ld is unknown", unknown[i]);
}

struct name_case {
	const char *name;
	long code;      /* 999: expect NULL */
};

static const struct name_case name_cases[] = {
	{ "Ongoing", 0 },
	{ "ONGOING", 0 },
	{ "ongoing", 0 },
	{ "Normal", 1 },
	{ "  Normal  ", 1 },
	{ "normal_unregistered_private_key", 2 },
	{ "Normal Global Edge Dedicated", 3 },
	{ "FAILED", -1 },
	{ "Expire", -2 },
	{ "validation-failed", -3 },
	{ "VALIDATION_EXPIRE", -4 },
	{ "Revoke", -5 },
	{ "DELETED", -6 },
	{ "REQUEST_REVOKE", -7 },
	{ "request revoke", -7 },
	{ "FAILED (LINT)", -11 },
	{ "failed_lint", -11 },
	{ "Failed (lint)", -11 },
	{ "FAILED (CT)", -12 },
	{ "FAILED_CT", -12 },
	{ "FAILED (ORG_LOCK / DNS_TXT)", -20 },
	{ "failed (org_lock / dns_txt)", -20 },
	{ "FAILED_ORG_LOCK", -20 },
	{ "", 999 },
	{ "   ", 999 },
	{ "FOO", 999 },
	{ "NORMALX", 999 },
	{ "NORMAL2", 999 },
	{ "FAILEDLINT", 999 },
	{ "FAILED_LINT_X", 999 },
	{ "N O R M A L", 999 },
	{ "ONGOING ONGOING", 999 },
	{ "\xEC\xA0\x95\xEC\x83\x81", 999 },   /* Korean "normal" */
};

static void test_by_name(void)
{
	for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
		const struct name_case *c = &name_cases[i];
		const struct status_info *s = status_by_name(c->name);
		if (c->code == 999)
			tap_ok(s == NULL, "name \"%s\" is unknown", c->name);
		else if (tap_ok(s != NULL, "name \"%s\" is known", c->name))
			tap_is_int(s->code, c->code, "name \"%s\" is code %ld", c->name, c->code);
	}

	char longname[300];
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	tap_ok(status_by_name(longname) == NULL, "a 299-character name is unknown, no overflow");
	memcpy(longname, "NORMAL", 6);
	memset(longname + 6, ' ', 100);
	longname[106] = '\0';
	tap_ok(status_by_name(longname) == NULL || status_by_name(longname)->code == 1,
	       "NORMAL followed by 100 spaces: NORMAL or unknown, never another status");
}

static void test_table(void)
{
	size_t n = 0;
	const struct status_info *t = status_table(&n);
	bool unique = true, round_trip = true;

	tap_is_int((long long)n, (long long)N_CODE_CASES, "table holds every documented code");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			if (t[i].code == t[j].code)
				unique = false;
		if (status_by_code(t[i].code) != &t[i] || status_by_name(t[i].canonical) != &t[i] ||
		    status_by_name(t[i].api_name) != &t[i]) {
			round_trip = false;
			tap_diag("round trip fails for code %ld", t[i].code);
		}
	}
	tap_ok(unique, "codes in the table are unique");
	tap_ok(round_trip, "every entry is found by its code, canonical name and API name");
}

static void test_state(void)
{
	static const enum plugin_state order[] = {
		STATE_OK, STATE_UNKNOWN, STATE_WARNING, STATE_CRITICAL,
	};
	enum plugin_state s = STATE_UNKNOWN;

	tap_is_int(STATE_OK, 0, "OK exits 0");
	tap_is_int(STATE_WARNING, 1, "WARNING exits 1");
	tap_is_int(STATE_CRITICAL, 2, "CRITICAL exits 2");
	tap_is_int(STATE_UNKNOWN, 3, "UNKNOWN exits 3");
	for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++)
		tap_ok(state_severity(order[i]) < state_severity(order[i + 1]), "%s is less bad than %s",
		       state_name(order[i]), state_name(order[i + 1]));
	tap_is_int(state_worse(STATE_WARNING, STATE_UNKNOWN), STATE_WARNING, "worse(WARNING, UNKNOWN)");
	tap_is_int(state_worse(STATE_UNKNOWN, STATE_WARNING), STATE_WARNING, "worse(UNKNOWN, WARNING)");
	tap_is_int(state_worse(STATE_OK, STATE_UNKNOWN), STATE_UNKNOWN, "worse(OK, UNKNOWN)");
	tap_is_int(state_worse(STATE_CRITICAL, STATE_UNKNOWN), STATE_CRITICAL, "worse(CRITICAL, UNKNOWN)");
	tap_is_int(state_worse(STATE_OK, STATE_OK), STATE_OK, "worse(OK, OK)");
	tap_is_str(state_name(STATE_CRITICAL), "CRITICAL", "name of CRITICAL");
	tap_is_str(state_name(STATE_UNKNOWN), "UNKNOWN", "name of UNKNOWN");
	tap_ok(state_parse("warning", &s) && s == STATE_WARNING, "parse \"warning\"");
	tap_ok(state_parse("Critical", &s) && s == STATE_CRITICAL, "parse \"Critical\"");
	tap_ok(state_parse("OK", &s) && s == STATE_OK, "parse \"OK\"");
	tap_ok(state_parse("UnKnOwN", &s) && s == STATE_UNKNOWN, "parse \"UnKnOwN\"");
	tap_ok(!state_parse("", &s), "parse \"\" fails");
	tap_ok(!state_parse("okay", &s), "parse \"okay\" fails");
	tap_ok(!state_parse("2", &s), "parse \"2\" fails");
}

int main(void)
{
	test_by_code();
	test_by_name();
	test_table();
	test_state();
	return tap_done();
}
