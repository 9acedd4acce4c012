/* libFuzzer target: an API answer -> parse_page() / parse_error_body(),
 * then the whole judge + render path the plugin runs on it, so hostile
 * names, statuses and dates reach every renderer.
 *
 * The input is the raw HTTP body, not NUL-terminated, exactly as
 * lib/fetch.c hands it over, so ASan sees any read past its end.
 *
 * Besides memory errors and UB, these contracts abort:
 *   - a failed parse leaves an empty page and a NUL-terminated message;
 *   - parse_error_body() writes "" when it returns false;
 *   - plugin output is valid UTF-8, has no control character but '\n',
 *     and exactly one '|' (the perfdata separator) when perfdata is on;
 *   - every perfdata item is 'label'=<number>s;<w>;<c> with ' doubled,
 *     and no '=' or "::" inside the label;
 *   - --json output is valid UTF-8 and parses back as one JSON object;
 *   - --list output is valid UTF-8 without control characters. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "judge.h"
#include "listing.h"
#include "parse.h"
#include "perfdata.h"
#include "range.h"
#include "render.h"
#include "report_json.h"
#include "select.h"
#include "supersede.h"

/* 2026-12-04T00:00:00Z: every run judges against the same clock. */
#define FUZZ_NOW ((time_t)1796342400)
#define OUT_MAX (1u << 24)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond, what)                                                       \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_parse: contract broken: %s\n", what); \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* Length of a valid UTF-8 sequence at s (not past end), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0], cp, min;
	size_t n;

	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		n = 2; cp = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3; cp = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Valid UTF-8; with controls false also no control characters except
 * '\n'.  Returns the number of '|'. */
static size_t check_text(const struct buf *b, const char *what, bool controls)
{
	const unsigned char *p = (const unsigned char *)buf_str(b);
	const unsigned char *end = p + b->len;
	size_t bars = 0;

	REQUIRE(strlen(buf_str(b)) == b->len, "output holds a NUL byte");
	while (p < end) {
		size_t n = utf8_len(p, end);
		if (n == 0) {
			fprintf(stderr, "fuzz_parse: %s: invalid UTF-8 at byte %zu\n", what,
				(size_t)(p - (const unsigned char *)buf_str(b)));
			abort();
		}
		if (!controls && n == 1 && ((*p < 0x20 && *p != '\n') || *p == 0x7F)) {
			fprintf(stderr, "fuzz_parse: %s: control character 0x%02x at byte %zu\n", what, *p,
				(size_t)(p - (const unsigned char *)buf_str(b)));
			abort();
		}
		bars += *p == '|';
		p += n;
	}
	return bars;
}

/* What goes to the monitoring core: not a single control character. */
static size_t check_plugin_text(const struct buf *b, const char *what)
{
	return check_text(b, what, false);
}

/* "<digits>s;<thr>;<thr>" or "<digits>;;;0" after the '='. */
static const char *skip_value(const char *p)
{
	if (*p == '-')
		p++;
	REQUIRE(*p >= '0' && *p <= '9', "perfdata value is not a number");
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == 's')
		p++;
	/* thresholds and min/max: anything up to the next space */
	while (*p && *p != ' ' && *p != '\n')
		p++;
	return p;
}

/* The perfdata part of the first line: items separated by one space. */
static void check_perfdata(const char *p)
{
	while (*p && *p != '\n') {
		if (*p == '\'') {
			p++;
			for (;;) {
				REQUIRE(*p != '\0' && *p != '\n', "perfdata label without a closing quote");
				if (*p == '\'' && p[1] == '\'') {
					p += 2;
					continue;
				}
				if (*p == '\'')
					break;
				REQUIRE(*p != '=', "'=' inside a perfdata label");
				/* Icinga 2 reads "::" as a check_multi prefix */
				REQUIRE(!(p[0] == ':' && p[1] == ':'), "'::' inside a perfdata label");
				p++;
			}
			p++;
		} else {
			while (*p && *p != '=' && *p != ' ' && *p != '\n') {
				REQUIRE(*p != '\'', "quote inside an unquoted label");
				p++;
			}
		}
		REQUIRE(*p == '=', "perfdata label not followed by '='");
		p = skip_value(p + 1);
		if (*p == ' ')
			p++;
	}
}

static void check_report_text(const struct buf *b, const struct render_options *o)
{
	size_t bars = check_plugin_text(b, "render_report");
	const char *bar;

	if (o->perfdata == PERFDATA_NONE) {
		REQUIRE(bars == 0, "'|' in output without perfdata");
		return;
	}
	REQUIRE(bars == 1, "output must hold exactly one '|'");
	bar = strchr(buf_str(b), '|');
	REQUIRE(memchr(buf_str(b), '\n', (size_t)(bar - buf_str(b))) == NULL, "perfdata is not on the first line");
	REQUIRE(bar[1] == ' ', "no space after '|'");
	check_perfdata(bar + 2);
}

static void check_json_text(const struct buf *b)
{
	json_object *o;
	enum json_tokener_error e = json_tokener_success;

	check_text(b, "--json", true);  /* json-c escapes what JSON requires */
	o = json_tokener_parse_verbose(buf_str(b), &e);
	REQUIRE(e == json_tokener_success && json_object_is_type(o, json_type_object), "--json output is not a JSON object");
	json_object_put(o);
}

static void render_all(const struct report *rep, const struct render_options *o)
{
	struct buf out;

	buf_init(&out, OUT_MAX);
	REQUIRE(render_report(rep, o, &out) == 0, "render_report failed");
	check_report_text(&out, o);
	buf_reset(&out);
	REQUIRE(report_json_render(rep, o, &out) == 0, "report_json_render failed");
	check_json_text(&out);
	buf_reset(&out);
	REQUIRE(listing_render(rep, &out) == 0, "listing_render failed");
	check_plugin_text(&out, "--list");
	buf_reset(&out);
	REQUIRE(perfdata_append(&out, rep, o->policy) == 0, "perfdata_append failed");
	check_plugin_text(&out, "perfdata");
	check_perfdata(buf_str(&out));
	buf_clear(&out);
}

/* Defaults (warn 30, crit 14), then the plugin's real path: renewals,
 * selection with no filter, overrides a user might give. */
static void judge_and_render(const struct ncp_cert_list *certs)
{
	static const struct status_override overrides[] = {
		{ .code = 1, .ignore = false, .state = STATE_OK },        /* NORMAL=ok: a floor */
		{ .code = -7, .ignore = true, .state = STATE_OK },        /* REQUEST_REVOKE=ignore */
		{ .code = -5, .ignore = false, .state = STATE_WARNING },  /* REVOKE=warning */
		{ .code = 42, .ignore = false, .state = STATE_UNKNOWN },  /* a code not in the table */
	};
	struct judge_policy plain, custom;
	struct render_options o = { 0 };
	struct report rep;
	struct cert_filter filter;
	size_t n = certs->len ? certs->len : 1;
	size_t *by = malloc(n * sizeof *by);
	enum cert_disposition *disp = malloc(n * sizeof *disp);
	const char *why;

	REQUIRE(by && disp, "out of memory");
	judge_policy_defaults(&plain);
	REQUIRE(judge_all(certs, &plain, FUZZ_NOW, &rep) == 0, "judge_all failed");
	o.policy = &plain;
	o.verbose = 3;
	o.perfdata = PERFDATA_ALL;
	render_all(&rep, &o);
	report_clear(&rep);

	judge_policy_defaults(&custom);
	REQUIRE(range_parse("@10:20", &custom.warning, &why) == 0 && range_parse("~:5", &custom.critical, &why) == 0,
		"fixed ranges do not parse");
	custom.overrides = overrides;
	custom.n_overrides = sizeof overrides / sizeof overrides[0];
	filter_init(&filter);
	REQUIRE(supersede_find(certs, by) == 0, "supersede_find failed");
	select_plan(certs, &filter, false, by, disp);
	REQUIRE(judge_selection(certs, &custom, FUZZ_NOW, disp, by, &rep) == 0, "judge_selection failed");
	o.policy = &custom;
	o.verbose = 1;
	o.insecure = true;
	o.perfdata = PERFDATA_SUMMARY;
	o.max_lines = 3;
	o.stale_note = "cached answer from 2026-12-03 23:50:00 +09:00";
	render_all(&rep, &o);
	o.verbose = 0;
	o.perfdata = PERFDATA_NONE;
	render_all(&rep, &o);
	report_clear(&rep);
	filter_clear(&filter);
	free(by);
	free(disp);
}

static void render_failure(const struct ncp_err *err)
{
	struct render_options o = { 0 };
	struct buf out;
	size_t bars;

	buf_init(&out, OUT_MAX);
	REQUIRE(render_error(STATE_UNKNOWN, err->msg, &o, &out) == 0, "render_error failed");
	bars = check_plugin_text(&out, "render_error");
	REQUIRE(bars == 0, "'|' in an error line");
	REQUIRE(strchr(buf_str(&out), '\n') == buf_str(&out) + out.len - 1, "error output is not one line");
	buf_reset(&out);
	REQUIRE(report_json_render_error(STATE_UNKNOWN, err->msg, &out) == 0, "report_json_render_error failed");
	check_json_text(&out);
	buf_clear(&out);
}

static void check_page(const struct ncp_page *page)
{
	for (size_t i = 0; i < page->certs.len; i++) {
		const struct ncp_cert *c = &page->certs.items[i];
		REQUIRE(!(c->has_not_after && c->not_after_raw), "notAfter both read and unreadable");
		REQUIRE(c->has_not_after || c->problem || c->not_after_why, "no notAfter and no reason");
		REQUIRE(c->n_dns == 0 || c->dns_names != NULL, "dns names count without names");
		for (size_t j = 0; j < c->n_dns; j++)
			REQUIRE(c->dns_names[j] && *c->dns_names[j], "empty dns name kept");
		REQUIRE((c->n_used_instances == 0) == (c->used_instances == NULL), "used instances count/text disagree");
		REQUIRE(!c->has_not_after || (c->not_after.utc_offset >= -14 * 3600 && c->not_after.utc_offset <= 14 * 3600),
			"UTC offset beyond 14 hours");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct ncp_page page;
	struct ncp_err err;
	char msg[300];
	bool found;

	ncp_err_clear(&err);
	if (parse_page(body, size, &page, &err) == 0) {
		REQUIRE(err.kind == NCP_ERR_NONE, "success with an error set");
		check_page(&page);
		judge_and_render(&page.certs);
	} else {
		REQUIRE(err.kind != NCP_ERR_NONE && memchr(err.msg, '\0', sizeof err.msg), "failure without a message");
		REQUIRE(page.certs.len == 0 && page.certs.items == NULL, "failed parse left certificates");
		render_failure(&err);
	}
	ncp_page_clear(&page);

	memset(msg, 'X', sizeof msg);
	found = parse_error_body(body, size, msg, sizeof msg);
	REQUIRE(memchr(msg, '\0', sizeof msg) != NULL, "parse_error_body: unterminated message");
	REQUIRE(found || msg[0] == '\0', "parse_error_body: false but a message");
	/* a tiny buffer must still be terminated */
	found = parse_error_body(body, size, msg, 1);
	REQUIRE(msg[0] == '\0', "parse_error_body: one-byte buffer not terminated");
	(void)found;
	return 0;
}
