#include "config.h"

#include "parse_fast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* A single-pass reader for the getPaidCertificates answer as the API
 * really sends it.  It builds no tree: certificates go straight into our
 * structs.  It is deliberately narrow: anything it is not sure to read
 * exactly as parse.c's json-c reader would (escapes beyond the simple ones,
 * fractions, wrong types, duplicate keys, error envelopes, bad dates...)
 * makes it give up, and the caller parses the document with json-c, which
 * then decides, with its own messages.  tests/fuzz/fuzz_parse_diff.c
 * checks that both readers agree whenever this one succeeds. */

#define MAX_DEPTH 64

enum {
	FAST_OK = 0,
	FAST_GIVE_UP = -1,
	FAST_NO_MEMORY = -2,
};

struct scan {
	const char *p, *end;
	struct buf scratch;   /* strings with escapes are unescaped here */
};

struct span {
	const char *s;
	size_t len;
};

static void skip_blanks(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int peek(struct scan *s)
{
	skip_blanks(s);
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

static bool take(struct scan *s, char c)
{
	if (peek(s) != (unsigned char)c)
		return false;
	s->p++;
	return true;
}

static bool take_word(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	return true;
}

static char simple_escape(char e)
{
	switch (e) {
	case '"': return '"';
	case '\\': return '\\';
	case '/': return '/';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return 0;   /* \u and anything else: not ours to decide */
	}
}

/* Bytes that end the plain run of a string: the quote, a backslash and
 * the control characters JSON forbids raw. */
static const bool string_stop[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
	[0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
	[0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
	['"'] = 1, ['\\'] = 1,
};

/* s->p at the opening quote.  The span points into the input when the
 * string has no escapes, else into scratch (valid until the next string). */
static bool scan_string(struct scan *s, struct span *out)
{
	const char *start = s->p + 1, *q = start;

	/* The common case: plain text up to the closing quote, one test a byte. */
	while (q < s->end && !string_stop[(unsigned char)*q])
		q++;
	if (q < s->end && *q == '"') {
		*out = (struct span){ start, (size_t)(q - start) };
		s->p = q + 1;
		return true;
	}
	buf_reset(&s->scratch);
	if (buf_append(&s->scratch, start, (size_t)(q - start)) != 0)
		return false;
	while (q < s->end && *q != '"') {
		char c = *q;
		if ((unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			if (q + 1 >= s->end || (c = simple_escape(q[1])) == 0)
				return false;
			q++;
		}
		if (buf_append(&s->scratch, &c, 1) != 0)
			return false;
		q++;
	}
	if (q >= s->end)
		return false;
	*out = (struct span){ s->scratch.data ? s->scratch.data : "", s->scratch.len };
	s->p = q + 1;
	return true;
}

static bool next_is_string(struct scan *s)
{
	return peek(s) == '"';
}

static bool digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start;
}

/* Any JSON number, validated, for values we skip. */
static bool skip_number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digits(s))
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return false;
	}
	return true;
}

/* An integer that json-c would hold as int64: no fraction or exponent,
 * no leading zero, at most 18 digits (so it cannot overflow). */
static bool scan_integer(struct scan *s, long long *out)
{
	const char *start;
	bool negative = false;
	long long v = 0;
	size_t n = 0;

	skip_blanks(s);
	start = s->p;
	if (s->p < s->end && *s->p == '-') {
		negative = true;
		s->p++;
	}
	if (s->p < s->end && *s->p == '0' && s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9')
		return false;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9' && n < 18) {
		v = v * 10 + (*s->p - '0');
		s->p++;
		n++;
	}
	if (n == 0 || (s->p < s->end && ((*s->p >= '0' && *s->p <= '9') || *s->p == '.' || *s->p == 'e' ||
					  *s->p == 'E'))) {
		s->p = start;
		return false;
	}
	*out = negative ? -v : v;
	return true;
}

static bool skip_value(struct scan *s, int depth);

static bool skip_container(struct scan *s, char close, int depth)
{
	struct span key;

	s->p++;
	if (depth >= MAX_DEPTH)
		return false;
	if (take(s, close))
		return true;
	do {
		if (close == '}' && (!next_is_string(s) || !scan_string(s, &key) || !take(s, ':')))
			return false;
		if (!skip_value(s, depth + 1))
			return false;
	} while (take(s, ','));
	return take(s, close);
}

static bool skip_value(struct scan *s, int depth)
{
	struct span ignored;

	switch (peek(s)) {
	case '{': return skip_container(s, '}', depth);
	case '[': return skip_container(s, ']', depth);
	case '"': return scan_string(s, &ignored);
	case 't': return take_word(s, "true");
	case 'f': return take_word(s, "false");
	case 'n': return take_word(s, "null");
	default: return skip_number(s);
	}
}

static bool span_is(struct span k, const char *word)
{
	return k.len == strlen(word) && memcmp(k.s, word, k.len) == 0;
}

/* "[ e, e, ... ]" with each element read by element(); "[]" is fine. */
static int scan_array(struct scan *s, int (*element)(struct scan *, void *), void *ctx)
{
	int rc = FAST_OK;

	if (!take(s, '['))
		return FAST_GIVE_UP;
	if (take(s, ']'))
		return FAST_OK;
	do
		rc = element(s, ctx);
	while (rc == FAST_OK && take(s, ','));
	return rc != FAST_OK ? rc : take(s, ']') ? FAST_OK : FAST_GIVE_UP;
}

/* "{ "key": value, ... }" with each member read by member(); "{}" is fine. */
static int scan_object(struct scan *s, int (*member)(struct scan *, struct span, void *), void *ctx)
{
	struct span key;
	int rc = FAST_OK;

	if (!take(s, '{'))
		return FAST_GIVE_UP;
	if (take(s, '}'))
		return FAST_OK;
	do {
		if (!next_is_string(s) || !scan_string(s, &key) || !take(s, ':'))
			return FAST_GIVE_UP;
		rc = member(s, key, ctx);
	} while (rc == FAST_OK && take(s, ','));
	return rc != FAST_OK ? rc : take(s, '}') ? FAST_OK : FAST_GIVE_UP;
}

/* A field that must be text: a string (copied) or null (left NULL). */
static int text_field(struct scan *s, char **out)
{
	struct span v;

	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	if (!next_is_string(s) || !scan_string(s, &v) || memchr(v.s, '\0', v.len))
		return FAST_GIVE_UP;
	free(*out);
	*out = strndup(v.s, v.len);
	return *out ? FAST_OK : FAST_NO_MEMORY;
}

/* Same separators as parse.c: comma, blanks, semicolon. */
static bool is_separator(char c)
{
	return c == ',' || c == ' ' || c == ';' || c == '\t' || c == '\r' || c == '\n';
}

static int split_names(struct ncp_cert *c, struct span v)
{
	size_t i = 0;
	int rc = FAST_OK;

	while (i < v.len && rc == FAST_OK) {
		size_t j;
		while (i < v.len && is_separator(v.s[i]))
			i++;
		j = i;
		while (j < v.len && !is_separator(v.s[j]))
			j++;
		rc = cert_add_dns_name(c, v.s + i, j - i) == 0 ? FAST_OK : FAST_NO_MEMORY;
		i = j;
	}
	return rc;
}

static int dns_element(struct scan *s, void *ctx)
{
	struct span v;

	if (!next_is_string(s) || !scan_string(s, &v))
		return FAST_GIVE_UP;
	return split_names(ctx, v);
}

static int dns_field(struct scan *s, struct ncp_cert *c)
{
	struct span v;

	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	if (next_is_string(s))
		return scan_string(s, &v) && !memchr(v.s, '\0', v.len) ? split_names(c, v) : FAST_GIVE_UP;
	return scan_array(s, dns_element, c);
}

struct instances {
	struct ncp_cert *cert;
	struct buf list;
};

static int append_instance(struct scan *s, void *ctx)
{
	struct instances *in = ctx;
	struct span v;
	long long n;
	char number[24];

	if (next_is_string(s)) {
		if (!scan_string(s, &v) || memchr(v.s, '\0', v.len))
			return FAST_GIVE_UP;
	} else if (peek(s) != -1 && scan_integer(s, &n)) {
		v.len = (size_t)snprintf(number, sizeof number, "%lld", n);
		v.s = number;
	} else {
		return FAST_GIVE_UP;
	}
	if (v.len == 0)
		return FAST_OK;
	in->cert->n_used_instances++;
	/* the list is for messages: past its cap it is cut, as parse.c does */
	buf_printf(&in->list, "%s%.*s", in->list.len ? ", " : "", (int)v.len, v.s);
	return FAST_OK;
}

static int instances_field(struct scan *s, struct ncp_cert *c)
{
	struct instances in = { .cert = c };
	int rc;

	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	buf_init(&in.list, 4096);
	rc = peek(s) == '[' ? scan_array(s, append_instance, &in) : append_instance(s, &in);
	if (rc == FAST_OK && c->n_used_instances &&
	    (c->used_instances = cert_instances_text(&in.list, c->n_used_instances)) == NULL)
		rc = FAST_NO_MEMORY;
	buf_clear(&in.list);
	return rc;
}

static int status_code_field(struct scan *s, struct ncp_cert *c)
{
	struct scan inner;
	struct span v;
	long long n;

	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	if (next_is_string(s)) {
		/* "-5" is the documented form; anything else is parse.c's call. */
		if (!scan_string(s, &v) || v.len == 0 || (v.s[0] != '-' && (v.s[0] < '0' || v.s[0] > '9')))
			return FAST_GIVE_UP;
		inner = (struct scan){ v.s, v.s + v.len, { 0 } };
		if (!scan_integer(&inner, &n) || inner.p != inner.end)
			return FAST_GIVE_UP;
	} else if (!scan_integer(s, &n)) {
		return FAST_GIVE_UP;
	}
	c->has_status_code = true;
	c->status_code = (long)n;
	return FAST_OK;
}

static int not_after_field(struct scan *s, struct ncp_cert *c)
{
	const char *why;
	struct span v;
	char text[128];
	long long ms;

	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	if (!next_is_string(s)) {
		if (!scan_integer(s, &ms) || ncptime_from_epoch_ms((double)ms, &c->not_after, &why) != 0)
			return FAST_GIVE_UP;
		c->has_not_after = true;
		return FAST_OK;
	}
	if (!scan_string(s, &v) || v.len >= sizeof text)
		return FAST_GIVE_UP;
	memcpy(text, v.s, v.len);
	text[v.len] = '\0';
	/* An unreadable date is reported with json-c's own quoting: its call. */
	if (memchr(v.s, '\0', v.len) || ncptime_parse(text, &c->not_after, &why) != 0)
		return FAST_GIVE_UP;
	c->has_not_after = true;
	return FAST_OK;
}

/* Bits for the fields whose repetition or aliasing json-c resolves its
 * own way (the last duplicate wins; orderId beats orderID). */
enum {
	SEEN_NO = 1 << 0, SEEN_NAME = 1 << 1, SEEN_CN = 1 << 2, SEEN_ORDER = 1 << 3,
	SEEN_TYPE = 1 << 4, SEEN_CODE = 1 << 5, SEEN_STATUS = 1 << 6, SEEN_DNS = 1 << 7,
	SEEN_INSTANCES = 1 << 8, SEEN_NOT_AFTER = 1 << 9, SEEN_CERTIFICATES = 1 << 10,
};

static int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return FAST_GIVE_UP;
	*seen |= bit;
	return FAST_OK;
}

static int number_field(struct scan *s, struct ncp_cert *c)
{
	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	if (!scan_integer(s, &c->no))
		return FAST_GIVE_UP;
	c->has_no = true;
	return FAST_OK;
}

struct cert_scan {
	struct ncp_cert cert;
	unsigned seen;
};

static int cert_field(struct scan *s, struct span key, void *ctx)
{
	struct ncp_cert *c = &((struct cert_scan *)ctx)->cert;
	unsigned *seen = &((struct cert_scan *)ctx)->seen;

	if (span_is(key, "certificateNo"))
		return once(seen, SEEN_NO) ? FAST_GIVE_UP : number_field(s, c);
	if (span_is(key, "certificateName"))
		return once(seen, SEEN_NAME) ? FAST_GIVE_UP : text_field(s, &c->name);
	if (span_is(key, "commonName"))
		return once(seen, SEEN_CN) ? FAST_GIVE_UP : text_field(s, &c->common_name);
	if (span_is(key, "orderId") || span_is(key, "orderID"))
		return once(seen, SEEN_ORDER) ? FAST_GIVE_UP : text_field(s, &c->order_id);
	if (span_is(key, "certificateType") || span_is(key, "certificateTypeCode"))
		return once(seen, SEEN_TYPE) ? FAST_GIVE_UP : text_field(s, &c->type_code);
	if (span_is(key, "statusCode"))
		return once(seen, SEEN_CODE) ? FAST_GIVE_UP : status_code_field(s, c);
	if (span_is(key, "statusName"))
		return once(seen, SEEN_STATUS) ? FAST_GIVE_UP : text_field(s, &c->status_name);
	if (span_is(key, "dnsName"))
		return once(seen, SEEN_DNS) ? FAST_GIVE_UP : dns_field(s, c);
	if (span_is(key, "usedInstanceNoList"))
		return once(seen, SEEN_INSTANCES) ? FAST_GIVE_UP : instances_field(s, c);
	if (span_is(key, "notAfter"))
		return once(seen, SEEN_NOT_AFTER) ? FAST_GIVE_UP : not_after_field(s, c);
	return skip_value(s, 5) ? FAST_OK : FAST_GIVE_UP;
}

/* One object of an order's certificates, straight into a new entry. */
static int scan_cert(struct scan *s, void *list)
{
	struct cert_scan cs = { .seen = 0 };
	int rc = scan_object(s, cert_field, &cs);

	if (rc != FAST_OK) {
		cert_clear(&cs.cert);
		return rc;
	}
	if (((struct ncp_cert_list *)list)->len >= PARSE_MAX_PAGE_CERTS) {
		cert_clear(&cs.cert);
		return FAST_GIVE_UP;   /* parse.c refuses it with a message */
	}
	cs.cert.type = cert_type_from_code(cs.cert.type_code);
	if (!cs.cert.has_not_after)
		cs.cert.not_after_why = "no notAfter";
	return cert_list_push(list, &cs.cert) == 0 ? FAST_OK : FAST_NO_MEMORY;
}

static int scan_certificates(struct scan *s, struct ncp_cert_list *list)
{
	if (peek(s) == 'n')
		return take_word(s, "null") ? FAST_OK : FAST_GIVE_UP;
	return scan_array(s, scan_cert, list);
}

/* Certificates without their own orderId take the order's. */
static int inherit_order_id(struct ncp_cert_list *list, size_t first, const char *order_id)
{
	for (size_t i = first; order_id && i < list->len; i++) {
		if (list->items[i].order_id)
			continue;
		if ((list->items[i].order_id = strdup(order_id)) == NULL)
			return FAST_NO_MEMORY;
	}
	return FAST_OK;
}

struct order_scan {
	struct ncp_page *page;
	char *order_id;
	unsigned seen;
};

static int order_field(struct scan *s, struct span key, void *ctx)
{
	struct order_scan *o = ctx;

	if (span_is(key, "orderId") || span_is(key, "orderID"))
		return once(&o->seen, SEEN_ORDER) ? FAST_GIVE_UP : text_field(s, &o->order_id);
	if (span_is(key, "certificates"))
		return once(&o->seen, SEEN_CERTIFICATES) ? FAST_GIVE_UP : scan_certificates(s, &o->page->certs);
	return skip_value(s, 3) ? FAST_OK : FAST_GIVE_UP;
}

static int scan_order(struct scan *s, void *page)
{
	struct order_scan o = { .page = page };
	size_t first = o.page->certs.len;
	int rc = scan_object(s, order_field, &o);

	if (rc == FAST_OK)
		rc = inherit_order_id(&o.page->certs, first, o.order_id);
	free(o.order_id);
	o.page->n_orders++;
	return rc;
}

enum { ROOT_RETURN_CODE = 1, ROOT_TOTAL = 2, ROOT_ORDERS = 4 };

struct root_scan {
	struct ncp_page *page;
	unsigned seen;
};

static int root_field(struct scan *s, struct span key, void *ctx)
{
	struct ncp_page *page = ((struct root_scan *)ctx)->page;
	unsigned *seen = &((struct root_scan *)ctx)->seen;

	struct span v;
	long long n;

	if (span_is(key, "returnCode")) {
		if (once(seen, ROOT_RETURN_CODE))
			return FAST_GIVE_UP;
		if (next_is_string(s))
			return scan_string(s, &v) && v.len == 1 && v.s[0] == '0' ? FAST_OK : FAST_GIVE_UP;
		return scan_integer(s, &n) && n == 0 ? FAST_OK : FAST_GIVE_UP;
	}
	if (span_is(key, "totalCount")) {
		if (once(seen, ROOT_TOTAL) || !scan_integer(s, &n))
			return FAST_GIVE_UP;
		if (n >= 0) {
			page->has_total = true;
			page->total_count = n;
		}
		return FAST_OK;
	}
	if (span_is(key, "orders"))
		return once(seen, ROOT_ORDERS) ? FAST_GIVE_UP : scan_array(s, scan_order, page);
	if (span_is(key, "error") || span_is(key, "responseError"))
		return FAST_GIVE_UP;   /* an error envelope: parse.c words it */
	return skip_value(s, 1) ? FAST_OK : FAST_GIVE_UP;
}

static int scan_root(struct scan *s, struct ncp_page *page)
{
	struct root_scan r = { .page = page };
	int rc;

	rc = scan_object(s, root_field, &r);
	if (rc != FAST_OK)
		return rc;
	if (peek(s) != -1)
		return FAST_GIVE_UP;
	/* Without both, the answer is not a plain listing: parse.c explains. */
	return (r.seen & (ROOT_RETURN_CODE | ROOT_ORDERS)) == (ROOT_RETURN_CODE | ROOT_ORDERS) ? FAST_OK
											     : FAST_GIVE_UP;
}

int parse_fast_page(const char *body, size_t len, struct ncp_page *out)
{
	struct scan s = { body, body + len, { 0 } };
	int rc;

	ncp_page_init(out);
	buf_init(&s.scratch, len + 1);
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
		s.p += 3;
	rc = scan_root(&s, out);
	buf_clear(&s.scratch);
	if (rc != FAST_OK)
		ncp_page_clear(out);
	return rc == FAST_OK ? 0 : rc == FAST_NO_MEMORY ? -2 : -1;
}
