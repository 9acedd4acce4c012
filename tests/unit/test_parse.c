/* lib/parse.c: getPaidCertificates answers -> struct ncp_page, and the
 * API's error bodies.  Fixture files live in tests/unit/data/, found via
 * $srcdir (set by make check), else the current directory. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "parse.h"
#include "tap.h"

#define ENVELOPE_HEAD \
	"{\"returnCode\":\"0\",\"returnMessage\":\"Success\",\"totalCount\":1," \
	"\"orders\":[{\"orderId\":\"1\",\"certificates\":["
#define ENVELOPE_TAIL "]}]}"

/* The whole file, NUL-terminated; NULL (and a failed test) if unreadable. */
static char *read_fixture(const char *name, size_t *len)
{
	const char *srcdir = getenv("srcdir");
	char path[4096];
	FILE *f;
	struct buf b;
	char chunk[4096];
	size_t n;

	snprintf(path, sizeof path, "%s/tests/unit/data/%s", srcdir && *srcdir ? srcdir : ".", name);
	f = fopen(path, "rb");
	if (!tap_ok(f != NULL, "fixture %s is readable", path))
		return NULL;
	buf_init(&b, 1 << 24);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.data;
}

static int parse_str(const char *json, struct ncp_page *page, struct ncp_err *err)
{
	ncp_err_clear(err);
	return parse_page(json, strlen(json), page, err);
}

/* One certificate object inside a successful envelope. */
static int parse_cert(const char *cert_json, struct ncp_page *page, struct ncp_err *err)
{
	struct buf b;
	int rc;

	buf_init(&b, 1 << 24);
	buf_puts(&b, ENVELOPE_HEAD);
	buf_puts(&b, cert_json);
	buf_puts(&b, ENVELOPE_TAIL);
	rc = parse_str(buf_str(&b), page, err);
	buf_clear(&b);
	return rc;
}

/* The page must hold exactly one certificate; returns it or NULL. */
static const struct ncp_cert *only_cert(int rc, const struct ncp_page *page, const struct ncp_err *err,
					const char *what)
{
	if (!tap_ok(rc == 0 && page->certs.len == 1, "%s: parsed, one certificate", what)) {
		tap_diag("rc %d, %zu certificates, error: %s", rc, page->certs.len, err->msg);
		return NULL;
	}
	return &page->certs.items[0];
}

static void expect_fail(const char *json, size_t len, enum ncp_err_kind kind, const char *needle,
			const char *what)
{
	struct ncp_page page;
	struct ncp_err err;
	int rc;

	ncp_err_clear(&err);
	rc = parse_page(json, len, &page, &err);
	tap_ok(rc == -1 && err.kind == kind && page.certs.len == 0 && page.certs.items == NULL,
	       "%s: fails as kind %d, page left empty", what, (int)kind);
	if (rc != -1 || err.kind != kind)
		tap_diag("rc %d kind %d msg %s", rc, (int)err.kind, err.msg);
	if (needle)
		tap_has_str(err.msg, needle, "%s: message says \"%s\"", what, needle);
	ncp_page_clear(&page);
}

static void expect_fail_str(const char *json, enum ncp_err_kind kind, const char *needle, const char *what)
{
	expect_fail(json, strlen(json), kind, needle, what);
}

/* ---- fixtures --------------------------------------------------------- */

static void test_reference_example(void)
{
	size_t len = 0;
	char *json = read_fixture("reference_example.json", &len);
	struct ncp_page page;
	struct ncp_err err;
	const struct ncp_cert *c;

	if (json == NULL)
		return;
	ncp_err_clear(&err);
	c = only_cert(parse_page(json, len, &page, &err), &page, &err, "reference example");
	if (c) {
		tap_is_int((long long)page.n_orders, 1, "reference: 1 order");
		tap_ok(page.has_total && page.total_count == 1, "reference: totalCount 1");
		tap_ok(c->has_no && c->no == 100001, "reference: certificateNo 100001");
		tap_is_str(c->name, "sample-cert-01", "reference: certificateName");
		tap_is_str(c->common_name, "example.com", "reference: commonName");
		tap_is_str(c->order_id, "900001", "reference: orderId");
		tap_is_str(c->type_code, "NCP_PAID_OV_01", "reference: certificateType as sent");
		tap_is_int(c->type, CERT_TYPE_OV, "reference: type OV");
		tap_ok(c->has_status_code && c->status_code == 0, "reference: statusCode string \"0\" read as 0");
		tap_is_str(c->status_name, "Ongoing", "reference: statusName Ongoing");
		tap_ok(c->has_not_after, "reference: notAfter read");
		tap_is_int((long long)c->not_after.when, 1803913199, "reference: notAfter instant");
		tap_is_int(c->not_after.utc_offset, 32400, "reference: notAfter offset +09:00");
		tap_ok(c->not_after_raw == NULL, "reference: no raw notAfter kept");
		tap_ok(c->problem == NULL, "reference: no problem");
		tap_is_int((long long)c->n_dns, 0, "reference: no dnsName");
	}
	ncp_page_clear(&page);
	free(json);
}

static void test_mixed_fixture(void)
{
	size_t len = 0;
	char *json = read_fixture("mixed_page.json", &len);
	struct ncp_page page;
	struct ncp_err err;
	int rc;

	if (json == NULL)
		return;
	ncp_err_clear(&err);
	rc = parse_page(json, len, &page, &err);
	if (!tap_ok(rc == 0 && page.certs.len == 3, "mixed page: parsed, 3 entries (one unreadable)")) {
		tap_diag("rc %d, %zu certs, %s", rc, page.certs.len, err.msg);
		goto out;
	}
	const struct ncp_cert *a = &page.certs.items[0], *bad = &page.certs.items[1], *b = &page.certs.items[2];
	tap_is_int((long long)page.n_orders, 2, "mixed: 2 orders, one without certificates");
	tap_ok(page.has_total && page.total_count == 3, "mixed: totalCount as a string");
	tap_ok(a->has_no && a->no == 200001, "mixed: certificateNo as a string");
	tap_is_str(a->order_id, "700001", "mixed: order's orderID inherited");
	tap_is_str(a->type_code, "NCP_PAID_DV_01", "mixed: certificateTypeCode");
	tap_is_int(a->type, CERT_TYPE_DV, "mixed: type DV");
	tap_ok(a->has_status_code && a->status_code == 1, "mixed: statusCode as a number");
	tap_ok(a->n_dns == 2 && strcmp(a->dns_names[0], "shop.example.com") == 0 &&
	       strcmp(a->dns_names[1], "www.shop.example.com") == 0, "mixed: comma-separated dnsName");
	tap_is_int((long long)a->not_after.when, 1803913199, "mixed: ISO notAfter");
	tap_ok(a->problem == NULL, "mixed: unknown nested field ignored");
	tap_ok(a->n_used_instances == 2, "mixed: usedInstanceNoList of a number and a string");
	tap_is_str(a->used_instances, "31, 32", "mixed: used instances for messages");
	tap_ok(bad->problem != NULL, "mixed: a string entry becomes a certificate with a problem");
	tap_has_str(bad->problem, "not an object", "mixed: the problem says why");
	tap_is_str(b->name, "\xEC\x9D\xB8\xEC\xA6\x9D\xEC\x84\x9C", "mixed: \\u escapes decoded to UTF-8");
	tap_is_str(b->order_id, "700009", "mixed: certificate's own orderID wins");
	tap_ok(b->has_status_code && b->status_code == -11, "mixed: statusCode \"-11\"");
	tap_ok(b->n_dns == 2 && strcmp(b->dns_names[1], "api2.example.com") == 0, "mixed: dnsName array");
	tap_ok(b->has_not_after && b->not_after.when == 1803913199 && b->not_after.utc_offset == 0,
	       "mixed: notAfter as epoch-ms JSON number");
out:
	ncp_page_clear(&page);
	free(json);
}

/* ---- fields ----------------------------------------------------------- */

static void test_aliases(void)
{
	struct ncp_page page;
	struct ncp_err err;
	const struct ncp_cert *c;
	int rc;

	rc = parse_cert("{\"certificateNo\":1,\"orderID\":\"42\",\"certificateTypeCode\":\"NCP_PAID_DV_01\"}", &page,
			&err);
	if ((c = only_cert(rc, &page, &err, "orderID and certificateTypeCode"))) {
		tap_is_str(c->order_id, "42", "orderID alias on the certificate");
		tap_is_str(c->type_code, "NCP_PAID_DV_01", "certificateTypeCode alias");
		tap_is_int(c->type, CERT_TYPE_DV, "type from certificateTypeCode");
	}
	ncp_page_clear(&page);

	rc = parse_cert("{\"certificateNo\":2}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "orderId from the order")))
		tap_is_str(c->order_id, "1", "certificate without orderId takes the order's");
	ncp_page_clear(&page);

	rc = parse_cert("{\"certificateName\":123,\"commonName\":null,\"certificateNo\":1.5}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "odd scalar types"))) {
		tap_is_str(c->name, "123", "certificateName as a number becomes text");
		tap_ok(c->common_name == NULL, "commonName null stays NULL");
		tap_ok(!c->has_no, "certificateNo 1.5 is not a number we accept");
	}
	ncp_page_clear(&page);
}

static void test_status_fields(void)
{
	struct ncp_page page;
	struct ncp_err err;
	const struct ncp_cert *c;
	int rc;

	rc = parse_cert("{\"statusCode\":-5}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "statusCode number")))
		tap_ok(c->has_status_code && c->status_code == -5 && c->status_name == NULL, "statusCode -5 as a number");
	ncp_page_clear(&page);

	rc = parse_cert("{\"statusCode\":\"-20\",\"statusName\":\"FAILED (ORG_LOCK / DNS_TXT)\"}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "statusCode string")))
		tap_ok(c->has_status_code && c->status_code == -20, "statusCode \"-20\" as a string");
	ncp_page_clear(&page);

	rc = parse_cert("{\"statusName\":\"Normal\"}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "statusName alone")))
		tap_ok(!c->has_status_code && c->status_name && strcmp(c->status_name, "Normal") == 0,
		       "statusName without statusCode");
	ncp_page_clear(&page);

	rc = parse_cert("{\"statusCode\":\"Normal\"}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "a name in statusCode")))
		tap_ok(!c->has_status_code && c->status_name && strcmp(c->status_name, "Normal") == 0,
		       "statusCode \"Normal\" is kept as a status name");
	ncp_page_clear(&page);

	rc = parse_cert("{\"statusCode\":\"1x\"}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "statusCode 1x")))
		tap_ok(!c->has_status_code, "statusCode \"1x\" is not the number 1");
	ncp_page_clear(&page);

	rc = parse_cert("{\"certificateName\":\"n\"}", &page, &err);
	if ((c = only_cert(rc, &page, &err, "no status")))
		tap_ok(!c->has_status_code && c->status_name == NULL, "no status fields: none invented");
	ncp_page_clear(&page);
}

struct dns_case {
	const char *json;
	size_t n;
	const char *names[3];
	const char *what;
};

static const struct dns_case dns_cases[] = {
	{ "\"a.example.com,b.example.com\"", 2, { "a.example.com", "b.example.com" }, "comma-separated" },
	{ "\"a.example.com, b.example.com\"", 2, { "a.example.com", "b.example.com" }, "comma and space" },
	{ "\"a.example.com b.example.com\"", 2, { "a.example.com", "b.example.com" }, "space-separated" },
	{ "\"a.example.com\"", 1, { "a.example.com" }, "one name" },
	{ "[\"a.example.com\",\"b.example.com\",\"*.c.example.com\"]", 3,
	  { "a.example.com", "b.example.com", "*.c.example.com" }, "array" },
	{ "[\"a.example.com\",7,null,\"b.example.com\"]", 2, { "a.example.com", "b.example.com" },
	  "array with non-strings" },
	{ "\",, a.example.com ,\"", 1, { "a.example.com" }, "stray separators" },
	{ "\"\"", 0, { NULL }, "empty string" },
	{ "[]", 0, { NULL }, "empty array" },
	{ "null", 0, { NULL }, "null" },
	{ "42", 0, { NULL }, "a number" },
};

static void test_dns(void)
{
	for (size_t i = 0; i < sizeof dns_cases / sizeof dns_cases[0]; i++) {
		const struct dns_case *d = &dns_cases[i];
		struct ncp_page page;
		struct ncp_err err;
		char json[256];
		const struct ncp_cert *c;
		snprintf(json, sizeof json, "{\"certificateNo\":1,\"dnsName\":%s}", d->json);
		c = only_cert(parse_cert(json, &page, &err), &page, &err, d->what);
		if (c) {
			bool same = c->n_dns == d->n;
			for (size_t j = 0; same && j < d->n; j++)
				same = strcmp(c->dns_names[j], d->names[j]) == 0;
			tap_ok(same, "dnsName %s: %zu names", d->what, d->n);
		}
		ncp_page_clear(&page);
	}
}

struct date_case {
	const char *json;
	long long when;
	int offset;
};

static const struct date_case date_cases[] = {
	{ "\"2027-03-01 23:59:59(UTC+09:00)\"", 1803913199, 32400 },
	{ "\"2027-03-01 23:59:59 (UTC+09:00)\"", 1803913199, 32400 },
	{ "\"2027-03-01 23:59:59(UTC-05:00)\"", 1803963599, -18000 },
	{ "\"2027-03-01 23:59:59(UTC+05:30)\"", 1803925799, 19800 },
	{ "\"2027-03-01 23:59:59(UTC)\"", 1803945599, 0 },
	{ "\"2027-03-01T23:59:59+09:00\"", 1803913199, 32400 },
	{ "\"2027-03-01T14:59:59Z\"", 1803913199, 0 },
	{ "\"2027-03-01T23:59:59+0900\"", 1803913199, 32400 },
	{ "\"2027-03-01T23:59:59.123+09:00\"", 1803913199, 32400 },
	{ "\"1803913199000\"", 1803913199, 0 },
	{ "1803913199000", 1803913199, 0 },
	{ "1803913199999", 1803913199, 0 },
	{ "1.803913199e12", 1803913199, 0 },
};

static void test_not_after(void)
{
	struct ncp_page page;
	struct ncp_err err;
	const struct ncp_cert *c;
	char json[256];

	for (size_t i = 0; i < sizeof date_cases / sizeof date_cases[0]; i++) {
		const struct date_case *d = &date_cases[i];
		snprintf(json, sizeof json, "{\"certificateNo\":1,\"notAfter\":%s}", d->json);
		c = only_cert(parse_cert(json, &page, &err), &page, &err, d->json);
		if (c)
			tap_ok(c->has_not_after && c->not_after.when == d->when && c->not_after.utc_offset == d->offset,
			       "notAfter %s", d->json);
		ncp_page_clear(&page);
	}

	c = only_cert(parse_cert("{\"notAfter\":\"soon\"}", &page, &err), &page, &err, "unreadable notAfter");
	if (c) {
		tap_ok(!c->has_not_after, "notAfter \"soon\": not read");
		tap_has_str(c->not_after_raw, "soon", "notAfter \"soon\": raw text kept for the message");
		tap_ok(c->not_after_why != NULL && *c->not_after_why, "notAfter \"soon\": a reason");
		tap_ok(c->problem == NULL, "notAfter \"soon\": the entry itself is fine");
	}
	ncp_page_clear(&page);

	c = only_cert(parse_cert("{\"notAfter\":\"2026-02-30 00:00:00(UTC+09:00)\"}", &page, &err), &page, &err,
		      "impossible notAfter");
	if (c)
		tap_ok(!c->has_not_after && c->not_after_raw != NULL, "notAfter February 30: not read, raw kept");
	ncp_page_clear(&page);

	c = only_cert(parse_cert("{\"notAfter\":null}", &page, &err), &page, &err, "notAfter null");
	if (c)
		tap_ok(!c->has_not_after && c->not_after_raw == NULL, "notAfter null: absent, nothing raw");
	ncp_page_clear(&page);

	c = only_cert(parse_cert("{\"certificateNo\":1}", &page, &err), &page, &err, "notAfter missing");
	if (c)
		tap_ok(!c->has_not_after && c->not_after_raw == NULL, "notAfter missing: absent");
	ncp_page_clear(&page);

	c = only_cert(parse_cert("{\"notAfter\":{\"at\":1}}", &page, &err), &page, &err, "notAfter object");
	if (c)
		tap_ok(!c->has_not_after && c->not_after_raw != NULL && c->not_after_why != NULL,
		       "notAfter object: not a date, raw kept");
	ncp_page_clear(&page);

	c = only_cert(parse_cert("{\"notAfter\":-5}", &page, &err), &page, &err, "notAfter negative");
	if (c)
		tap_ok(!c->has_not_after && c->not_after_raw != NULL, "notAfter -5 ms: rejected");
	ncp_page_clear(&page);
}

/* ---- envelope ----------------------------------------------------------- */

static void test_total_count(void)
{
	static const struct {
		const char *total;   /* NULL: left out */
		bool has;
		long long n;
	} cases[] = {
		{ "5", true, 5 }, { "\"7\"", true, 7 }, { NULL, false, 0 }, { "-1", false, 0 },
		{ "\"abc\"", false, 0 }, { "null", false, 0 }, { "0", true, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ncp_page page;
		struct ncp_err err;
		char json[256];
		int rc;
		if (cases[i].total)
			snprintf(json, sizeof json, "{\"returnCode\":\"0\",\"totalCount\":%s,\"orders\":[]}", cases[i].total);
		else
			snprintf(json, sizeof json, "{\"returnCode\":\"0\",\"orders\":[]}");
		rc = parse_str(json, &page, &err);
		tap_ok(rc == 0 && page.has_total == cases[i].has && (!cases[i].has || page.total_count == cases[i].n),
		       "totalCount %s", cases[i].total ? cases[i].total : "absent");
		ncp_page_clear(&page);
	}
}

static void test_return_code(void)
{
	struct ncp_page page;
	struct ncp_err err;

	tap_is_int(parse_str("{\"returnCode\":\"0\",\"orders\":[]}", &page, &err), 0, "returnCode \"0\" accepted");
	ncp_page_clear(&page);
	tap_is_int(parse_str("{\"returnCode\":0,\"orders\":[]}", &page, &err), 0, "returnCode 0 accepted");
	ncp_page_clear(&page);

	expect_fail_str("{\"returnCode\":\"1\",\"returnMessage\":\"Some service error\",\"orders\":[]}", NCP_ERR_API,
			"returnCode 1", "returnCode \"1\"");
	expect_fail_str("{\"returnCode\":\"1\",\"returnMessage\":\"Some service error\",\"orders\":[]}", NCP_ERR_API,
			"Some service error", "returnCode \"1\" message");
	expect_fail_str("{\"returnCode\":1,\"returnMessage\":\"x\"}", NCP_ERR_API, "returnCode 1", "returnCode 1");
	expect_fail_str("{\"returnCode\":\"\",\"orders\":[]}", NCP_ERR_API, NULL, "returnCode \"\"");
	expect_fail_str("{\"returnCode\":true,\"orders\":[]}", NCP_ERR_API, NULL, "returnCode true");
	expect_fail_str("{\"returnMessage\":\"Success\",\"orders\":[]}", NCP_ERR_ANSWER, "returnCode",
			"missing returnCode");
	expect_fail_str("{\"returnCode\":null,\"orders\":[]}", NCP_ERR_ANSWER, NULL, "returnCode null");
}

static void test_api_errors(void)
{
	expect_fail_str("{\"error\":{\"errorCode\":\"200\",\"message\":\"Authentication Failed\"}}", NCP_ERR_API,
			"200", "gateway error body: code");
	expect_fail_str("{\"error\":{\"errorCode\":\"200\",\"message\":\"Authentication Failed\"}}", NCP_ERR_API,
			"Authentication Failed", "gateway error body: message");
	expect_fail_str("{\"error\":{\"errorCode\":\"210\",\"message\":\"Permission Denied\","
			"\"details\":\"not a main account\"}}", NCP_ERR_API, "not a main account",
			"gateway error body: details");
	expect_fail_str("{\"responseError\":{\"returnCode\":\"1100\",\"returnMessage\":\"Bad\"}}", NCP_ERR_API,
			"1100", "responseError body");
}

static void test_shapes(void)
{
	struct ncp_page page;
	struct ncp_err err;

	/* Valid JSON of the wrong shape is named as such, not as broken JSON. */
	expect_fail_str("[]", NCP_ERR_ANSWER, "expected a JSON object", "top-level array");
	expect_fail_str("[{\"returnCode\":\"0\",\"orders\":[]}]", NCP_ERR_ANSWER, "expected a JSON object",
			"listing inside an array");
	expect_fail_str("\"hello\"", NCP_ERR_ANSWER, "expected a JSON object", "top-level string");
	expect_fail_str("123", NCP_ERR_ANSWER, "expected a JSON object", "top-level number");
	expect_fail_str("true", NCP_ERR_ANSWER, "expected a JSON object", "top-level true");
	expect_fail_str("null", NCP_ERR_ANSWER, "expected a JSON object", "top-level null");
	expect_fail_str("{\"returnCode\":\"0\",\"orders\":\"none\"}", NCP_ERR_ANSWER, "orders", "orders a string");
	expect_fail_str("{\"returnCode\":\"0\",\"orders\":{}}", NCP_ERR_ANSWER, "orders", "orders an object");
	expect_fail_str("{\"returnCode\":\"0\"}", NCP_ERR_ANSWER, "orders", "orders missing");
	expect_fail_str("{\"returnCode\":\"0\",\"totalCount\":2}", NCP_ERR_ANSWER, "orders",
			"orders missing though totalCount 2");

	tap_ok(parse_str("{\"returnCode\":\"0\",\"totalCount\":0}", &page, &err) == 0 && page.certs.len == 0,
	       "orders missing with totalCount 0: an empty account");
	ncp_page_clear(&page);
	tap_ok(parse_str("{\"returnCode\":\"0\",\"totalCount\":0,\"orders\":null}", &page, &err) == 0,
	       "orders null with totalCount 0: an empty account");
	ncp_page_clear(&page);
	tap_ok(parse_str("{\"returnCode\":\"0\",\"orders\":[]}", &page, &err) == 0 && page.certs.len == 0 &&
	       page.n_orders == 0, "orders []: no certificates");
	ncp_page_clear(&page);
}

static void test_bad_entries(void)
{
	struct ncp_page page;
	struct ncp_err err;
	int rc;

	rc = parse_cert("{\"certificateName\":\"first\"},\"oops\",{\"certificateName\":\"third\"}", &page, &err);
	if (tap_ok(rc == 0 && page.certs.len == 3, "a string entry among two good ones: 3 entries")) {
		const struct ncp_cert *c = page.certs.items;
		tap_ok(c[0].problem == NULL && c[0].name && strcmp(c[0].name, "first") == 0, "first entry read");
		tap_ok(c[1].problem != NULL, "second entry (a string) has a problem");
		tap_has_str(c[1].problem, "a string", "the problem names what it got");
		tap_ok(c[2].problem == NULL && c[2].name && strcmp(c[2].name, "third") == 0, "third entry still read");
	}
	ncp_page_clear(&page);

	rc = parse_cert("null,[1],42", &page, &err);
	tap_ok(rc == 0 && page.certs.len == 3 && page.certs.items[0].problem && page.certs.items[1].problem &&
	       page.certs.items[2].problem, "null, array and number entries each become a problem");
	ncp_page_clear(&page);

	rc = parse_str("{\"returnCode\":\"0\",\"orders\":[42,{\"orderId\":\"5\",\"certificates\":[{\"certificateNo\":9}]}]}",
		       &page, &err);
	tap_ok(rc == 0 && page.certs.len == 2 && page.certs.items[0].problem && !page.certs.items[1].problem &&
	       page.n_orders == 2, "an order that is a number: a problem entry, the next order still read");
	ncp_page_clear(&page);

	rc = parse_str("{\"returnCode\":\"0\",\"orders\":[{\"orderId\":\"5\",\"certificates\":\"x\"}]}", &page, &err);
	tap_ok(rc == 0 && page.certs.len == 1 && page.certs.items[0].problem, "certificates a string: a problem entry");
	if (rc == 0 && page.certs.len == 1)
		tap_has_str(page.certs.items[0].problem, "5", "the problem names the order");
	ncp_page_clear(&page);

	rc = parse_str("{\"returnCode\":\"0\",\"orders\":[{\"orderId\":\"5\"},{\"orderId\":\"6\",\"certificates\":null}]}",
		       &page, &err);
	tap_ok(rc == 0 && page.certs.len == 0 && page.n_orders == 2, "orders without certificates: counted, empty");
	ncp_page_clear(&page);
}

/* ---- whole documents ---------------------------------------------------- */

static void test_documents(void)
{
	static const char good[] = "{\"returnCode\":\"0\",\"orders\":[{\"certificates\":[{\"certificateNo\":1}]}]}";
	struct ncp_page page;
	struct ncp_err err;
	char tmp[512];

	expect_fail("", 0, NCP_ERR_ANSWER, "empty", "empty body");
	expect_fail_str(" \r\n\t", NCP_ERR_ANSWER, "empty", "blank body");
	expect_fail_str("<html><body><h1>502 Bad Gateway</h1></body></html>", NCP_ERR_ANSWER, "HTML", "HTML body");
	expect_fail_str("Service Unavailable", NCP_ERR_ANSWER, "not JSON", "plain text body");
	expect_fail(good, sizeof good / 2, NCP_ERR_ANSWER, "truncated", "truncated JSON");
	snprintf(tmp, sizeof tmp, "%s trailing", good);
	expect_fail_str(tmp, NCP_ERR_ANSWER, "after the document", "trailing garbage");
	snprintf(tmp, sizeof tmp, "%s%s", good, good);
	expect_fail_str(tmp, NCP_ERR_ANSWER, NULL, "two documents");

	snprintf(tmp, sizeof tmp, "%s \r\n", good);
	tap_ok(parse_str(tmp, &page, &err) == 0 && page.certs.len == 1, "trailing blanks and CRLF accepted");
	ncp_page_clear(&page);
	snprintf(tmp, sizeof tmp, "\xEF\xBB\xBF%s", good);
	tap_ok(parse_str(tmp, &page, &err) == 0 && page.certs.len == 1, "UTF-8 byte order mark accepted");
	ncp_page_clear(&page);

	/* len is the document: bytes past it are never looked at */
	snprintf(tmp, sizeof tmp, "%sGARBAGE{[", good);
	ncp_err_clear(&err);
	tap_ok(parse_page(tmp, strlen(good), &page, &err) == 0 && page.certs.len == 1,
	       "parse_page reads len bytes, not up to the NUL");
	ncp_page_clear(&page);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	struct buf b;

	buf_init(&b, 1 << 26);
	buf_puts(&b, head);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, unit);
	buf_puts(&b, tail);
	return b.data;
}

static void test_hostile(void)
{
	struct ncp_page page;
	struct ncp_err err;
	char *open_, *close_, *json;
	struct buf b;

	open_ = repeat("", "[", 10000, "");
	close_ = repeat("", "]", 10000, "");
	buf_init(&b, 1 << 20);
	buf_puts(&b, open_);
	buf_puts(&b, close_);
	expect_fail(buf_str(&b), b.len, NCP_ERR_ANSWER, NULL, "10 000 nested arrays");
	buf_reset(&b);
	buf_puts(&b, "{\"returnCode\":\"0\",\"orders\":[],\"x\":");
	buf_puts(&b, open_);
	buf_puts(&b, close_);
	buf_puts(&b, "}");
	expect_fail(buf_str(&b), b.len, NCP_ERR_ANSWER, NULL, "10 000 nested arrays in an unknown field");
	buf_clear(&b);
	free(open_);
	free(close_);

	json = repeat("", "{\"a\":", 10000, "1");
	expect_fail_str(json, NCP_ERR_ANSWER, NULL, "10 000 nested objects, unclosed");
	free(json);

	json = repeat("{\"certificateNo\":1,\"certificateName\":\"", "a", 1000000, "\"}");
	const struct ncp_cert *c = only_cert(parse_cert(json, &page, &err), &page, &err, "1 MB name");
	if (c)
		tap_ok(c->name && strlen(c->name) == 1000000 && c->name[999999] == 'a', "a 1 MB name read whole");
	ncp_page_clear(&page);
	free(json);

	json = repeat("", "{\"certificateNo\":1},", 20000, "{\"certificateNo\":2}");
	ncp_err_clear(&err);
	tap_ok(parse_cert(json, &page, &err) == 0 && page.certs.len == 20001 &&
	       page.certs.items[20000].no == 2, "20 001 certificates in one order");
	ncp_page_clear(&page);
	free(json);

	c = only_cert(parse_cert("{\"certificateName\":\"ab\\u0000cd\"}", &page, &err), &page, &err, "NUL escape");
	if (c)
		tap_is_str(c->name, "ab", "a name with \\u0000 is cut there");
	ncp_page_clear(&page);
}

/* ---- parse_error_body --------------------------------------------------- */

static void error_body(const char *body, bool want_found, const char *want, const char *what)
{
	char out[256];
	bool found;

	memset(out, 'X', sizeof out);
	found = parse_error_body(body, strlen(body), out, sizeof out);
	tap_ok(found == want_found, "error body %s: %s", what, want_found ? "recognised" : "not recognised");
	tap_is_str(out, want, "error body %s: text", what);
}

static void test_error_body(void)
{
	error_body("{\"error\":{\"errorCode\":\"200\",\"message\":\"Authentication Failed\"}}", true,
		   "errorCode 200: Authentication Failed", "gateway 200");
	error_body("{\"error\":{\"errorCode\":\"210\",\"message\":\"Permission Denied\",\"details\":\"sub account\"}}",
		   true, "errorCode 210: Permission Denied (sub account)", "gateway with details");
	error_body("{\"error\":{\"errorCode\":\"300\",\"message\":\"Not Found\",\"details\":\"\"}}", true,
		   "errorCode 300: Not Found", "gateway with empty details");
	error_body("{\"error\":{\"errorCode\":410}}", true, "errorCode 410: (no message)", "numeric code, no message");
	error_body("{\"responseError\":{\"returnCode\":\"1100\",\"returnMessage\":\"Bad\"}}", true,
		   "returnCode 1100: Bad", "responseError");
	error_body("{\"returnCode\":\"1\",\"returnMessage\":\"Some service error\"}", true,
		   "returnCode 1: Some service error", "returnCode at the top");
	error_body("\xEF\xBB\xBF{\"error\":{\"errorCode\":\"200\",\"message\":\"m\"}}", true, "errorCode 200: m",
		   "with a BOM");
	error_body("Bad Gateway", false, "", "plain text");
	error_body("", false, "", "empty");
	error_body("<html>503</html>", false, "", "HTML");
	error_body("{\"message\":\"hello\"}", false, "", "JSON without an error shape");
	error_body("[{\"error\":{\"errorCode\":\"1\"}}]", false, "", "an array");
	error_body("{\"error\":\"just a string\"}", false, "", "error is a string");
	error_body("{\"error\":{\"errorCode\":\"200\"", false, "", "truncated");

	char small[10];
	const char *body = "{\"error\":{\"errorCode\":\"200\",\"message\":\"Authentication Failed\"}}";
	tap_ok(parse_error_body(body, strlen(body), small, sizeof small) && strlen(small) == 9 &&
	       strncmp(small, "errorCode", 9) == 0, "error body into a short buffer: cut and terminated");
}

int main(void)
{
	test_reference_example();
	test_mixed_fixture();
	test_aliases();
	test_status_fields();
	test_dns();
	test_not_after();
	test_total_count();
	test_return_code();
	test_api_errors();
	test_shapes();
	test_bad_entries();
	test_documents();
	test_hostile();
	test_error_body();
	return tap_done();
}
