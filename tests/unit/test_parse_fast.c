/* The fast reader against the json-c reader: same certificates whenever
 * the fast one accepts a document, and it does accept real answers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/page_compare.h"
#include "buf.h"
#include "parse.h"
#include "parse_fast.h"
#include "tap.h"

/* fast: 1 must accept, 0 must give up, -1 either (then must agree). */
struct doc {
	const char *what;
	int fast;
	const char *json;
};

#define HEAD "{\"returnCode\":\"0\",\"returnMessage\":\"Success\",\"totalCount\":1,\"orders\":[{\"orderId\":\"9\",\"certificates\":["
#define TAIL "]}]}"

static const struct doc docs[] = {
	{ "reference example", 1,
	  "{\n  \"returnCode\": \"0\",\n  \"returnMessage\": \"Success\",\n  \"totalCount\": 1,\n  \"orders\": [\n"
	  "    {\n      \"orderId\": \"900001\",\n      \"certificates\": [\n        {\n"
	  "          \"certificateNo\": 100001,\n          \"certificateName\": \"sample-cert-01\",\n"
	  "          \"memberNo\": \"9999999\",\n          \"commonName\": \"example.com\",\n"
	  "          \"statusCode\": \"0\",\n          \"statusName\": \"Ongoing\",\n"
	  "          \"certificateType\": \"NCP_PAID_OV_01\",\n          \"domainCode\": \"PUB\",\n"
	  "          \"updateDate\": \"2026-03-01 10:15:30(UTC+09:00)\",\n          \"orderId\": \"900001\",\n"
	  "          \"issueType\": \"ORIGINAL\",\n"
	  "          \"subjectDN\": \"cn=example.com,o=Example Corporation,l=Sample-city,s=Sample-state,c=KR\",\n"
	  "          \"registDate\": \"2026-03-01 10:15:30(UTC+09:00)\",\n"
	  "          \"notAfter\": \"2027-03-01 23:59:59(UTC+09:00)\"\n        }\n      ]\n    }\n  ]\n}\n" },
	{ "every date style and alias", 1,
	  "\xEF\xBB\xBF{\"returnCode\":0,\"orders\":[{\"orderID\":\"7\",\"certificates\":["
	  "{\"certificateNo\":1,\"statusCode\":1,\"notAfter\":\"2027-03-01 23:59:59 (UTC+09:00)\",\"dnsName\":\"a.example, b.example;c\"},"
	  "{\"certificateNo\":2,\"statusCode\":\"-5\",\"notAfter\":\"2027-03-01T23:59:59+09:00\",\"dnsName\":[\"x\",\"y z\"]},"
	  "{\"certificateNo\":3,\"statusName\":\"Normal\",\"notAfter\":\"2027-03-01T14:59:59Z\",\"certificateTypeCode\":\"NCP_PAID_DV_01\"},"
	  "{\"certificateNo\":4,\"statusCode\":\"2\",\"notAfter\":1803913199000,\"orderId\":\"own\"},"
	  "{\"certificateNo\":5,\"notAfter\":\"2027-03-01 23:59:59(UTC-05:30)\",\"usedInstanceNoList\":[123,\"456\",\"\"]},"
	  "{\"certificateNo\":6,\"notAfter\":null,\"dnsName\":null,\"statusCode\":null,\"usedInstanceNoList\":\"77\"},"
	  "{}]}],\"extra\":{\"nested\":[1,2.5e3,true,false,null,{\"a\":\"b\"}]},\"totalCount\":6}" },
	{ "simple escapes", 1, HEAD "{\"certificateName\":\"a\\\"b\\\\c\\/d\\n\\t\"}" TAIL },
	{ "certificates before orderId", 1,
	  "{\"returnCode\":\"0\",\"orders\":[{\"certificates\":[{\"certificateNo\":1}],\"orderId\":\"late\"}]}" },
	{ "empty orders", 1, "{\"returnCode\":\"0\",\"orders\":[]}" },
	{ "unicode escape", 0, HEAD "{\"certificateName\":\"\\uD55C\\uAD6D\"}" TAIL },
	{ "unreadable date", 0, HEAD "{\"notAfter\":\"2026-02-30 00:00:00(UTC+09:00)\"}" TAIL },
	{ "duplicate key", 0, HEAD "{\"certificateName\":\"a\",\"certificateName\":\"b\"}" TAIL },
	{ "both orderId spellings", 0, HEAD "{\"orderId\":\"a\",\"orderID\":\"b\"}" TAIL },
	{ "number as name", 0, HEAD "{\"certificateName\":12}" TAIL },
	{ "fraction", 0, HEAD "{\"certificateNo\":1.0}" TAIL },
	{ "status as word", 0, HEAD "{\"statusCode\":\"NORMAL\"}" TAIL },
	{ "status with blank", 0, HEAD "{\"statusCode\":\" 5\"}" TAIL },
	{ "certificate not an object", 0, HEAD "\"x\"" TAIL },
	{ "returnCode 1", 0, "{\"returnCode\":\"1\",\"returnMessage\":\"no\",\"orders\":[]}" },
	{ "error envelope", 0, "{\"returnCode\":\"0\",\"orders\":[],\"error\":{\"errorCode\":\"200\"}}" },
	{ "no returnCode", 0, "{\"orders\":[]}" },
	{ "trailing garbage", 0, "{\"returnCode\":\"0\",\"orders\":[]} x" },
	{ "trailing comma", 0, "{\"returnCode\":\"0\",\"orders\":[],}" },
	{ "leading zero", 0, HEAD "{\"certificateNo\":01}" TAIL },
	{ "raw control character", 0, HEAD "{\"certificateName\":\"a\001b\"}" TAIL },
	{ "truncated", 0, HEAD "{\"certificateName\":\"a" },
	{ "array at top", 0, "[]" },
	{ "invalid UTF-8 kept as bytes", 1, HEAD "{\"certificateName\":\"\xff\xfe\"}" TAIL },
	{ "deep nesting in an unknown field", -1,
	  "{\"returnCode\":\"0\",\"orders\":[],\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}" },
};

static void compare(const struct doc *d)
{
	struct ncp_page fast, full;
	struct ncp_err err;
	size_t at;
	int rc_fast = parse_fast_page(d->json, strlen(d->json), &fast);
	int rc_full;
	const char *diff;

	ncp_err_clear(&err);
	rc_full = parse_page_full(d->json, strlen(d->json), &full, &err);
	if (d->fast == 1)
		tap_is_int(rc_fast, 0, "%s: the fast reader accepts it", d->what);
	else if (d->fast == 0)
		tap_is_int(rc_fast, -1, "%s: the fast reader leaves it to json-c", d->what);
	if (rc_fast == 0) {
		tap_is_int(rc_full, 0, "%s: json-c accepts what the fast reader accepted", d->what);
		diff = rc_full == 0 ? page_difference(&fast, &full, &at) : "json-c failed";
		tap_ok(diff == NULL, "%s: both readers agree%s%s", d->what, diff ? " - differs in " : "", diff ? diff : "");
	} else {
		tap_ok(fast.certs.len == 0 && fast.n_orders == 0, "%s: a fast reader that gives up leaves nothing", d->what);
	}
	ncp_page_clear(&fast);
	ncp_page_clear(&full);
}

/* usedInstanceNoList longer than its message cap (a fuzzer find): read,
 * counted, the text cut the same way by both readers. */
static void long_instance_list(void)
{
	struct buf doc;
	struct doc d = { "usedInstanceNoList past its cap", 1, NULL };

	buf_init(&doc, 1 << 20);
	buf_puts(&doc, HEAD "{\"certificateNo\":1,\"usedInstanceNoList\":[");
	for (int i = 0; i < 300; i++)
		buf_printf(&doc, "%s\"%030d\"", i ? "," : "", i);
	buf_puts(&doc, "]}" TAIL);
	d.json = buf_str(&doc);
	compare(&d);
	struct ncp_page p;
	struct ncp_err err;
	ncp_err_clear(&err);
	tap_ok(parse_page(buf_str(&doc), doc.len, &p, &err) == 0 && p.certs.len == 1 &&
	       p.certs.items[0].n_used_instances == 300, "all 300 instances counted");
	ncp_page_clear(&p);
	buf_clear(&doc);
}

/* Every prefix of a real answer: the fast reader never accepts a cut one. */
static void prefixes(const char *json)
{
	size_t len = strrchr(json, '}') - json + 1, accepted = 0;   /* the document without trailing blanks */

	for (size_t n = 0; n < len; n++) {
		struct ncp_page p;
		char *copy = strndup(json, n);
		if (parse_fast_page(copy, n, &p) == 0)
			accepted++;
		ncp_page_clear(&p);
		free(copy);
	}
	tap_is_int((long long)accepted, 0, "no strict prefix of the reference example is accepted");
}

int main(void)
{
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		compare(&docs[i]);
	prefixes(docs[0].json);
	long_instance_list();
	return tap_done();
}
