/* lib/render.c and lib/perfdata.c: a judged account -> plugin output.
 * Certificates are built by hand and judged with a fixed now. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cert.h"
#include "judge.h"
#include "perfdata.h"
#include "render.h"
#include "tap.h"

/* 2027-01-15T07:00:00Z */
#define NOW ((time_t)1799996400)
#define DAY 86400LL
#define NO_DATE (-999999999LL)

static struct ncp_cert_list certs;

static void add(const char *name, long long no, long code, long long left_s)
{
	struct ncp_cert c = { 0 };

	c.name = name ? strdup(name) : NULL;
	if (no >= 0) {
		c.has_no = true;
		c.no = no;
	}
	c.has_status_code = true;
	c.status_code = code;
	if (left_s != NO_DATE) {
		c.has_not_after = true;
		c.not_after.when = NOW + (time_t)left_s;
		c.not_after.utc_offset = 32400;
	}
	cert_list_push(&certs, &c);
}

static struct judge_policy policy(void)
{
	struct judge_policy p = { 0 };

	judge_policy_defaults(&p);
	p.overrides = NULL;
	p.n_overrides = 0;
	return p;
}

/* Judges `certs`, renders with o (policy filled in), empties `certs`;
 * returns the output (caller frees). */
static char *render_with(struct render_options o)
{
	struct judge_policy p = policy();
	struct report r;
	struct buf out;

	o.policy = &p;
	buf_init(&out, 1 << 24);
	if (judge_all(&certs, &p, NOW, &r) != 0 || render_report(&r, &o, &out) != 0)
		tap_diag("judge_all or render_report failed");
	report_clear(&r);
	cert_list_clear(&certs);
	if (out.data == NULL)
		buf_puts(&out, "");
	return out.data;
}

static char *render_v(int verbose)
{
	return render_with((struct render_options){ .verbose = verbose });
}

/* The first line, without its newline (caller frees). */
static char *first_line(const char *out)
{
	const char *nl = strchr(out, '\n');

	return strndup(out, nl ? (size_t)(nl - out) : strlen(out));
}

/* What follows " | " on the first line, or "" (caller frees). */
static char *perfdata_of(const char *out)
{
	char *line = first_line(out);
	const char *bar = strstr(line, " | ");
	char *perf = strdup(bar ? bar + 3 : "");

	free(line);
	return perf;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

static size_t count_lines(const char *s)
{
	return count_char(s, '\n');
}

static bool has_line_starting(const char *out, const char *prefix)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* ---- the first line ----------------------------------------------------- */

static void test_critical_mix(void)
{
	char *out, *line, *perf;

	add("ok-40", 1, 1, 40 * DAY);
	add("crit-5", 2, 1, 5 * DAY);
	add("warn-20", 3, 1, 20 * DAY);
	out = render_v(0);
	line = first_line(out);
	perf = perfdata_of(out);

	tap_ok(strncmp(line, "NCP_CERTS CRITICAL - ", 21) == 0, "first line starts \"NCP_CERTS CRITICAL - \"");
	tap_has_str(line, "1 critical, 1 warning, 1 ok (3 certificates)", "counts, worst first");
	tap_has_str(line, "crit-5 (#2) expires in 5 days (2027-01-20)", "the critical certificate, with date in +09:00");
	tap_has_str(line, "warn-20 (#3) expires in 20 days (2027-02-04)", "the warning certificate");
	tap_ok(strstr(line, "ok-40 (#1)") == NULL, "the OK certificate is not in the summary");
	tap_ok(strstr(line, "crit-5") < strstr(line, "warn-20"), "critical named before warning");
	tap_is_int((long long)count_char(out, '|'), 1, "exactly one '|' in the whole output");
	tap_ok(strchr(line, '|') != NULL, "... and it is on the first line");
	tap_has_str(perf, "certificates=3;;;0 ok=1;;;0 warning=1;;;0 critical=1;;;0 unknown=0;;;0",
		    "count perfdata");
	tap_has_str(perf, "'crit-5'=432000s;2592000:;1209600:", "per-certificate seconds left and thresholds");
	tap_has_str(perf, "'warn-20'=1728000s;2592000:;1209600:", "warning certificate's perfdata");
	tap_has_str(perf, "'ok-40'=3456000s;2592000:;1209600:", "OK certificate's perfdata");
	tap_is_int((long long)count_char(perf, ';'), 15 + 2 * 3, "';' only as perfdata field separators");
	tap_ok(has_line_starting(out, "[CRITICAL] crit-5"), "long output: [CRITICAL] line");
	tap_ok(has_line_starting(out, "[WARNING] warn-20"), "long output: [WARNING] line");
	tap_ok(!has_line_starting(out, "[OK] "), "verbose 0: no [OK] lines");
	tap_is_int((long long)count_lines(out), 3, "first line and two long lines");
	tap_has_str(out, "notAfter 2027-01-20 16:00:00 +09:00", "long output: full notAfter in its own offset");
	free(line);
	free(perf);
	free(out);

	add("ok-40", 1, 1, 40 * DAY);
	add("crit-5", 2, 1, 5 * DAY);
	out = render_v(1);
	tap_ok(has_line_starting(out, "[OK] ok-40"), "verbose 1: [OK] lines added");
	tap_ok(has_line_starting(out, "[CRITICAL] crit-5"), "verbose 1: problem lines kept");
	free(out);
}

static void test_all_ok(void)
{
	char *out, *line;

	add("later", 1, 1, 90 * DAY);
	add("sooner", 2, 1, 40 * DAY);
	add("pending", 3, 0, NO_DATE);
	out = render_v(0);
	line = first_line(out);
	tap_has_str(line, "NCP_CERTS OK - 3 certificates OK, next to expire: sooner (#2) expires in 40 days "
			  "(2027-02-24) | ", "all OK: says which expires next");
	tap_ok(strncmp(line, "NCP_CERTS OK - ", 15) == 0, "all OK: first line starts \"NCP_CERTS OK - \"");
	tap_is_int((long long)count_lines(out), 1, "all OK, verbose 0: one line only");
	free(line);
	free(out);

	out = render_v(0);
	tap_is_str(out, "NCP_CERTS OK - no Advanced certificates | certificates=0;;;0 ok=0;;;0 warning=0;;;0 "
			"critical=0;;;0 unknown=0;;;0\n", "no certificates: exact output");
	free(out);

	add("gone", 1, -6, -5 * DAY);
	out = render_v(0);
	line = first_line(out);
	tap_has_str(line, "no Advanced certificates (1 deleted left out)", "only DELETED: says so");
	free(line);
	free(out);
}

static void test_reasons(void)
{
	char *out;

	add("gone-by", 1, 1, -2 * DAY);
	add("no-date", 2, 1, NO_DATE);
	add("odd", 3, 7, 100 * DAY);
	add("revoked", 4, -5, 100 * DAY);
	out = render_v(0);
	tap_ok(strncmp(out, "NCP_CERTS CRITICAL - 2 critical, 2 unknown (4 certificates): ", 61) == 0,
	       "CRITICAL and UNKNOWN counts");
	tap_has_str(out, "expired 2 days ago", "expired certificate");
	tap_has_str(out, "status REVOKE", "status certificate");
	tap_has_str(out, "status NORMAL without notAfter", "NORMAL without notAfter");
	tap_has_str(out, "unknown status code 7", "unknown status code");
	free(out);

	struct ncp_cert c = { 0 };
	c.problem = strdup("certificate entry 2 of order 9 is a string, not an object");
	cert_list_push(&certs, &c);
	out = render_v(0);
	tap_ok(strncmp(out, "NCP_CERTS UNKNOWN - ", 20) == 0, "an unreadable entry alone: UNKNOWN");
	tap_has_str(out, "unreadable entry: certificate entry 2 of order 9", "unreadable entry: why");
	free(out);
}

static void test_summary_limit(void)
{
	char *out, *line;

	add("c1", 1, 1, 1 * DAY);
	add("c2", 2, 1, 2 * DAY);
	add("c3", 3, 1, 3 * DAY);
	add("c4", 4, 1, 4 * DAY);
	add("c5", 5, 1, 5 * DAY);
	add("fine", 6, 1, 60 * DAY);
	out = render_v(0);
	line = first_line(out);
	tap_ok(strstr(line, "c1 (#1)") && strstr(line, "c2 (#2)") && strstr(line, "c3 (#3)"),
	       "summary names the three worst");
	tap_ok(!strstr(line, "c4 (#4)") && !strstr(line, "c5 (#5)"), "summary leaves out the fourth and fifth");
	tap_has_str(line, ", and 2 more", "summary says how many more");
	tap_ok(has_line_starting(out, "[CRITICAL] c4") && has_line_starting(out, "[CRITICAL] c5"),
	       "long output lists all of them");
	free(line);
	free(out);

	for (int i = 0; i < 6; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%d", i);
		add(name, i, 1, (i + 1) * DAY);
	}
	out = render_with((struct render_options){ .max_lines = 2 });
	tap_ok(has_line_starting(out, "[CRITICAL] m0") && has_line_starting(out, "[CRITICAL] m1") &&
	       !has_line_starting(out, "[CRITICAL] m2"), "max_lines 2: two long lines");
	tap_ok(has_line_starting(out, "... and 4 more"), "max_lines 2: then \"... and 4 more\"");
	free(out);
}

static void test_hostile_names(void)
{
	char *out, *line, *perf;

	add("evil|name\nINJECT;x", 1, 1, 5 * DAY);
	add("a;b|c", 2, 1, 6 * DAY);
	out = render_v(1);
	line = first_line(out);
	perf = perfdata_of(out);
	tap_is_int((long long)count_char(out, '|'), 1, "'|' in names never reaches the output");
	tap_ok(!has_line_starting(out, "INJECT"), "a newline in a name cannot start a line");
	tap_is_int((long long)count_lines(out), 3, "first line and exactly two long lines");
	tap_has_str(line, "evil/name INJECT,x", "summary shows the name made safe");
	tap_has_str(perf, "'evil/name INJECT,x'=", "perfdata label made safe");
	tap_has_str(perf, "'a,b/c'=", "';' and '|' replaced in the label");
	tap_is_int((long long)count_char(perf, ';'), 15 + 2 * 2, "no ';' from names in perfdata");
	free(line);
	free(perf);
	free(out);

	add("it's", 1, 1, 40 * DAY);
	add("a=b", 2, 1, 41 * DAY);
	add("\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C", 3, 1, 42 * DAY);
	out = render_v(1);
	perf = perfdata_of(out);
	tap_has_str(perf, "'it''s'=3456000s;2592000:;1209600:", "quote in a label doubled");
	tap_has_str(perf, "'a_b'=", "'=' in a label replaced");
	tap_has_str(perf, "'\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C'=", "Korean label kept");
	tap_ok(has_line_starting(out, "[OK] \xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C (#3)"), "Korean name in long output");
	free(perf);
	free(out);

	char longname[200];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	add(longname, 1, 1, 5 * DAY);
	out = render_v(0);
	line = first_line(out);
	char cut[64];
	snprintf(cut, sizeof cut, "%.*s... (#1)", RENDER_NAME_CHARS, longname);
	tap_has_str(line, cut, "a long name is cut to RENDER_NAME_CHARS in the summary");
	tap_has_str(out, longname, "long output keeps the whole name");
	free(line);
	free(out);
}

/* ---- perfdata labels ---------------------------------------------------- */

/* Splits perfdata into labels (unquoted, '' undone); returns the count. */
static size_t perf_labels(const char *perf, char labels[][256], size_t max)
{
	size_t n = 0;

	for (const char *p = perf; *p && n < max;) {
		size_t len = 0;
		while (*p == ' ')
			p++;
		if (*p == '\'') {
			for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
				if (*p == '\'')
					p++;
				if (len < 255)
					labels[n][len++] = *p;
			}
			p += *p == '\'';
		} else {
			for (; *p && *p != '='; p++)
				if (len < 255)
					labels[n][len++] = *p;
		}
		labels[n++][len] = '\0';
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

static bool labels_unique(const char *perf, const char *what)
{
	static char labels[64][256];
	size_t n = perf_labels(perf, labels, 64);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(labels[i], labels[j]) == 0) {
				tap_diag("%s: label '%s' appears twice", what, labels[i]);
				return false;
			}
	return true;
}

static void test_labels(void)
{
	char *out, *perf;

	add("web", 11, 1, 40 * DAY);
	add("web", 12, 1, 50 * DAY);
	add("ok", 5, 1, 60 * DAY);
	add("certificates", 6, 1, 70 * DAY);
	add("critical", 7, 1, 80 * DAY);
	add("single", 8, 1, 90 * DAY);
	out = render_v(0);
	perf = perfdata_of(out);
	tap_has_str(perf, "'web #11'=3456000s", "repeated name: first gets its number");
	tap_has_str(perf, "'web #12'=4320000s", "repeated name: second gets its number");
	tap_ok(strstr(perf, "'web'=") == NULL, "repeated name: never bare");
	tap_has_str(perf, "'ok #5'=", "a certificate named ok gets its number");
	tap_has_str(perf, "'certificates #6'=", "a certificate named certificates gets its number");
	tap_has_str(perf, "'critical #7'=", "a certificate named critical gets its number");
	tap_has_str(perf, "'single'=", "a unique name stays bare");
	tap_ok(strncmp(perf, "certificates=6;;;0 ok=6;;;0", 27) == 0, "the count labels themselves unchanged");
	tap_ok(labels_unique(perf, "names like counts"), "all labels unique");
	free(perf);
	free(out);

	/* Names that differ only in what the label must replace. */
	add("a=b", 1, 1, 40 * DAY);
	add("a_b", 2, 1, 41 * DAY);
	out = render_v(0);
	perf = perfdata_of(out);
	tap_ok(labels_unique(perf, "a=b and a_b"), "\"a=b\" and \"a_b\" get distinct labels");
	free(perf);
	free(out);

	add("x|y", 3, 1, 40 * DAY);
	add("x/y", 4, 1, 41 * DAY);
	out = render_v(0);
	perf = perfdata_of(out);
	tap_ok(labels_unique(perf, "x|y and x/y"), "\"x|y\" and \"x/y\" get distinct labels");
	free(perf);
	free(out);

	/* Two certificates with the same long name: the number must survive
	 * the cut to PERFDATA_LABEL_CHARS. */
	char longname[160];
	memset(longname, 'L', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	add(longname, 21, 1, 40 * DAY);
	add(longname, 22, 1, 41 * DAY);
	out = render_v(0);
	perf = perfdata_of(out);
	tap_ok(labels_unique(perf, "same long name"), "two certificates with the same 159-character name: distinct labels");
	free(perf);
	free(out);

	struct buf b;
	buf_init(&b, 4096);
	perfdata_append_label(&b, "it's a=b|c;d\n");
	tap_is_str(buf_str(&b), "'it''s a_b/c,d '", "perfdata_append_label: every escape at once");
	buf_reset(&b);
	perfdata_append_label(&b, "ops::web:8443:::x");
	tap_is_str(buf_str(&b), "'ops_web:8443_:x'", "perfdata_append_label: '::' (Icinga's check_multi prefix) becomes '_'");
	buf_clear(&b);
}

static void test_perfdata_modes(void)
{
	char *out;

	add("crit-5", 1, 1, 5 * DAY);
	add("ok-40", 2, 1, 40 * DAY);
	out = render_with((struct render_options){ .perfdata = PERFDATA_SUMMARY });
	tap_has_str(out, " | certificates=2;;;0 ok=1;;;0 warning=0;;;0 critical=1;;;0 unknown=0;;;0 "
			 "min_left=432000s;2592000:;1209600:\n", "summary perfdata: counts and min_left");
	tap_ok(strstr(out, "'crit-5'=") == NULL, "summary perfdata: no per-certificate values");
	free(out);

	add("crit-5", 1, 1, 5 * DAY);
	out = render_with((struct render_options){ .perfdata = PERFDATA_NONE });
	tap_ok(strchr(out, '|') == NULL, "no perfdata: no '|' at all");
	tap_ok(strncmp(out, "NCP_CERTS CRITICAL - ", 21) == 0, "no perfdata: same first line start");
	free(out);
}

/* ---- notes, --insecure, errors ------------------------------------------ */

static void test_notes_insecure(void)
{
	char *out, *line;

	add("ok-40", 1, 1, 40 * DAY);
	out = render_with((struct render_options){ .insecure = true, .notes = "GET /api?page=1\nanswer|200;x" });
	line = first_line(out);
	tap_has_str(line, "(TLS verification disabled by --insecure) | ", "insecure note before the perfdata");
	tap_ok(has_line_starting(out, "GET /api?page=1\n"), "notes: first note line");
	tap_ok(has_line_starting(out, "answer/200,x\n"), "notes: second line made safe");
	tap_is_int((long long)count_char(out, '|'), 1, "notes add no '|'");
	free(line);
	free(out);

	add("ok-40", 1, 1, 40 * DAY);
	out = render_v(0);
	tap_ok(strstr(out, "--insecure") == NULL, "no insecure note when verification is on");
	free(out);

	add("ok-40", 1, 1, 40 * DAY);
	out = render_with((struct render_options){ .stale_note = "cached answer from 10 minutes ago|x" });
	line = first_line(out);
	tap_has_str(line, "(cached answer from 10 minutes ago/x) | ", "stale note in the first line, made safe");
	free(line);
	free(out);
}

static void test_render_error(void)
{
	struct render_options o = { 0 };
	struct buf out;

	buf_init(&out, 1 << 16);
	render_error(STATE_UNKNOWN, "no API credentials", &o, &out);
	tap_is_str(buf_str(&out), "NCP_CERTS UNKNOWN - no API credentials\n", "render_error: one line");
	buf_reset(&out);

	render_error(STATE_CRITICAL, "proxy said: a|b\nc;d", &o, &out);
	tap_is_str(buf_str(&out), "NCP_CERTS CRITICAL - proxy said: a/b c,d\n", "render_error: message made safe");
	buf_reset(&out);

	o.insecure = true;
	o.notes = "request 1\nrequest 2";
	render_error(STATE_UNKNOWN, "timeout", &o, &out);
	tap_is_str(buf_str(&out),
		   "NCP_CERTS UNKNOWN - timeout (TLS verification disabled by --insecure)\nrequest 1\nrequest 2\n",
		   "render_error: insecure note and notes");
	buf_clear(&out);
}

int main(void)
{
	cert_list_init(&certs);
	test_critical_mix();
	test_all_ok();
	test_reasons();
	test_summary_limit();
	test_hostile_names();
	test_labels();
	test_perfdata_modes();
	test_notes_insecure();
	test_render_error();
	cert_list_clear(&certs);
	return tap_done();
}
