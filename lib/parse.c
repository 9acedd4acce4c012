#include "config.h"

#include "parse.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "parse_fast.h"

#include "buf.h"

/* Deep enough for the real document (4 levels), shallow enough that a
 * hostile one cannot exhaust the stack. */
#define JSON_MAX_DEPTH 64

void ncp_page_init(struct ncp_page *p)
{
	memset(p, 0, sizeof *p);
	cert_list_init(&p->certs);
}

void ncp_page_clear(struct ncp_page *p)
{
	cert_list_clear(&p->certs);
	ncp_page_init(p);
}

static const char *json_type_word(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double:
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

static json_object *get_field(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

static json_object *get_either(json_object *obj, const char *key, const char *alias)
{
	json_object *v = get_field(obj, key);

	return v ? v : get_field(obj, alias);
}

/* A string or a number, as text (strings may hold NUL: cut there). */
static char *dup_scalar(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return strndup(json_object_get_string(v), (size_t)json_object_get_string_len(v));
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		return strdup(json_object_get_string(v));
	default:
		return NULL;
	}
}

/* An integer from a number or a string of digits. */
static bool get_integer(json_object *v, long long *out)
{
	const char *s;
	char *end;
	double d;

	switch (json_object_get_type(v)) {
	case json_type_int:
		errno = 0;
		*out = json_object_get_int64(v);
		return errno == 0;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d != floor(d) || fabs(d) > 9e15)
			return false;
		*out = (long long)d;
		return true;
	case json_type_string:
		s = json_object_get_string(v);
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return false;
		errno = 0;
		*out = strtoll(s, &end, 10);
		while (*end == ' ')
			end++;
		return errno == 0 && *end == '\0' &&
		       (size_t)(end - json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
	default:
		return false;
	}
}

/* "a.example.com, b.example.com" or "a b" */
static int split_dns_names(struct ncp_cert *c, const char *s, size_t len)
{
	static const char seps[] = ", ;\t\r\n";
	size_t i = 0;

	while (i < len) {
		size_t j;
		while (i < len && (strchr(seps, s[i]) || s[i] == '\0'))
			i++;
		j = i;
		while (j < len && s[j] != '\0' && !strchr(seps, s[j]))
			j++;
		if (cert_add_dns_name(c, s + i, j - i) != 0)
			return -1;
		i = j;
	}
	return 0;
}

static int read_dns_names(struct ncp_cert *c, json_object *v)
{
	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_string))
		return split_dns_names(c, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	if (!json_object_is_type(v, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string) &&
		    split_dns_names(c, json_object_get_string(e), (size_t)json_object_get_string_len(e)) != 0)
			return -1;
	}
	return 0;
}

static void read_status(struct ncp_cert *c, json_object *entry)
{
	json_object *code = get_field(entry, "statusCode");
	json_object *name = get_field(entry, "statusName");
	long long n;

	if (code && get_integer(code, &n) && n >= LONG_MIN && n <= LONG_MAX) {
		c->has_status_code = true;
		c->status_code = (long)n;
	}
	if (name)
		c->status_name = dup_scalar(name);
	/* A name sent in the code's place is still a status. */
	if (!c->has_status_code && c->status_name == NULL && code &&
	    json_object_is_type(code, json_type_string))
		c->status_name = dup_scalar(code);
}

static int read_not_after(struct ncp_cert *c, json_object *v)
{
	const char *why = "no notAfter";

	if (v == NULL || json_object_is_type(v, json_type_null)) {
		c->not_after_why = why;
		return 0;
	}
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
		if (ncptime_from_epoch_ms(json_object_get_double(v), &c->not_after, &why) == 0) {
			c->has_not_after = true;
			return 0;
		}
	} else if (json_object_is_type(v, json_type_string)) {
		if (ncptime_parse(json_object_get_string(v), &c->not_after, &why) == 0) {
			c->has_not_after = true;
			return 0;
		}
	} else {
		why = "notAfter is not a date";
	}
	c->not_after_why = why;
	c->not_after_raw = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return c->not_after_raw ? 0 : -1;
}

static void append_instance(struct ncp_cert *c, struct buf *list, json_object *v)
{
	char *text = dup_scalar(v);

	if (text == NULL)
		return;
	if (*text) {
		c->n_used_instances++;
		/* the list is for messages: past its cap it is cut, not an error */
		buf_printf(list, "%s%s", list->len ? ", " : "", text);
	}
	free(text);
}

/* usedInstanceNoList: an array of numbers or strings, or one string. */
static int read_used_instances(struct ncp_cert *c, json_object *v)
{
	struct buf list;
	int rc = 0;

	if (v == NULL)
		return 0;
	buf_init(&list, 4096);
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			append_instance(c, &list, json_object_array_get_idx(v, i));
	} else if (json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_int)) {
		append_instance(c, &list, v);
	}
	if (c->n_used_instances) {
		c->used_instances = cert_instances_text(&list, c->n_used_instances);
		rc = c->used_instances ? 0 : -1;
	}
	buf_clear(&list);
	return rc;
}

static int read_cert(json_object *entry, const char *order_id, struct ncp_cert *c)
{
	json_object *v;
	long long no;

	if ((v = get_field(entry, "certificateNo")) && get_integer(v, &no)) {
		c->has_no = true;
		c->no = no;
	}
	if ((v = get_field(entry, "certificateName")))
		c->name = dup_scalar(v);
	if ((v = get_field(entry, "commonName")))
		c->common_name = dup_scalar(v);
	if ((v = get_either(entry, "orderId", "orderID")))
		c->order_id = dup_scalar(v);
	else if (order_id)
		c->order_id = strdup(order_id);
	if ((v = get_either(entry, "certificateType", "certificateTypeCode")))
		c->type_code = dup_scalar(v);
	c->type = cert_type_from_code(c->type_code);
	read_status(c, entry);
	if (read_dns_names(c, get_field(entry, "dnsName")) != 0 ||
	    read_used_instances(c, get_field(entry, "usedInstanceNoList")) != 0)
		return -1;
	return read_not_after(c, get_field(entry, "notAfter"));
}

static int push_problem(struct ncp_page *page, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int push_problem(struct ncp_page *page, const char *fmt, ...)
{
	struct ncp_cert c = { 0 };
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c.problem = strdup(msg);
	if (c.problem == NULL)
		return -1;
	return cert_list_push(&page->certs, &c);
}

static int read_order(json_object *order, size_t index, struct ncp_page *page)
{
	json_object *certs, *v;
	char *order_id = NULL;
	int rc = 0;

	page->n_orders++;
	if (!json_object_is_type(order, json_type_object))
		return push_problem(page, "order entry %zu is %s, not an object", index + 1,
				    json_type_word(order));
	if ((v = get_either(order, "orderId", "orderID")))
		order_id = dup_scalar(v);
	certs = get_field(order, "certificates");
	if (certs == NULL || json_object_is_type(certs, json_type_null))
		goto out;
	if (!json_object_is_type(certs, json_type_array)) {
		rc = push_problem(page, "certificates of order %s is %s, not an array",
				  order_id ? order_id : "?", json_type_word(certs));
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(certs) && rc == 0; i++) {
		json_object *entry = json_object_array_get_idx(certs, i);
		struct ncp_cert c = { 0 };
		if (!json_object_is_type(entry, json_type_object)) {
			rc = push_problem(page, "certificate entry %zu of order %s is %s, not an object",
					  i + 1, order_id ? order_id : "?", json_type_word(entry));
			continue;
		}
		if (read_cert(entry, order_id, &c) != 0) {
			cert_clear(&c);
			rc = -1;
			break;
		}
		rc = cert_list_push(&page->certs, &c);
	}
out:
	free(order_id);
	return rc;
}

static void describe(json_object *obj, const char *code_key, const char *msg_key,
		     const char *label, char *out, size_t out_len)
{
	json_object *code = get_field(obj, code_key);
	json_object *msg = get_field(obj, msg_key);
	json_object *details = get_field(obj, "details");
	char *c = code ? dup_scalar(code) : NULL;
	char *m = msg ? dup_scalar(msg) : NULL;
	char *d = details ? dup_scalar(details) : NULL;

	snprintf(out, out_len, "%s %s: %s%s%s%s", label, c ? c : "?", m ? m : "(no message)",
		 d && *d ? " (" : "", d && *d ? d : "", d && *d ? ")" : "");
	free(c);
	free(m);
	free(d);
}

/* {"error":{...}} or {"responseError":{...}} */
static bool describe_wrapped_error(json_object *root, char *out, size_t out_len)
{
	json_object *e;

	if ((e = get_field(root, "error")) && json_object_is_type(e, json_type_object)) {
		describe(e, "errorCode", "message", "errorCode", out, out_len);
		return true;
	}
	if ((e = get_field(root, "responseError")) && json_object_is_type(e, json_type_object)) {
		describe(e, "returnCode", "returnMessage", "returnCode", out, out_len);
		return true;
	}
	return false;
}

static bool return_code_is_zero(json_object *rc)
{
	long long n;

	return get_integer(rc, &n) && n == 0;
}

/* Skips a UTF-8 byte order mark and leading blanks. */
static const char *skip_preamble(const char *body, size_t *len)
{
	if (*len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		*len -= 3;
	}
	while (*len > 0 && (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n')) {
		body++;
		(*len)--;
	}
	return body;
}

/* json-c waits for more input after a top-level number or literal; the
 * whole text parsed at once tells a complete value from a truncated one. */
static bool is_bare_scalar(const char *body, size_t len)
{
	enum json_tokener_error e = json_tokener_error_parse_eof;
	char *copy = strndup(body, len);
	/* NULL with success is the literal null */
	json_object *v = copy ? json_tokener_parse_verbose(copy, &e) : NULL;
	bool scalar = e == json_tokener_success && !json_object_is_type(v, json_type_object) &&
		      !json_object_is_type(v, json_type_array);

	json_object_put(v);
	free(copy);
	return scalar;
}

static json_object *parse_document(const char *body, size_t len, struct ncp_err *err)
{
	struct json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;
	size_t end;

	body = skip_preamble(body, &len);
	if (len == 0) {
		ncp_err_set(err, NCP_ERR_ANSWER, "empty answer");
		return NULL;
	}
	if (body[0] == '<') {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer is HTML or XML, not JSON (a proxy or gateway error page?)");
		return NULL;
	}
	if (len > INT_MAX) {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer too large to parse");
		return NULL;
	}
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (tok == NULL) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	root = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (root == NULL || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue && is_bare_scalar(body, len))
			ncp_err_set(err, NCP_ERR_ANSWER, "answer is a bare JSON value, expected a JSON object");
		else if (jerr == json_tokener_continue)
			ncp_err_set(err, NCP_ERR_ANSWER, "answer is not JSON: truncated after %zu bytes", len);
		else
			ncp_err_set(err, NCP_ERR_ANSWER, "answer is not JSON: %s at byte %zu",
				    json_tokener_error_desc(jerr), end);
		json_object_put(root);
		root = NULL;
	} else if (skip_preamble(body + end, &(size_t){ len - end }) != body + len) {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer is not JSON: unexpected data after the document at byte %zu", end);
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

/* Envelope checks; 0 when the document is a successful listing. */
static int check_envelope(json_object *root, struct ncp_err *err)
{
	json_object *rc;
	char what[512];

	if (!json_object_is_type(root, json_type_object)) {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer is %s, expected a JSON object", json_type_word(root));
		return -1;
	}
	if (describe_wrapped_error(root, what, sizeof what)) {
		ncp_err_set(err, NCP_ERR_API, "API error: %s", what);
		return -1;
	}
	rc = get_field(root, "returnCode");
	if (rc == NULL || json_object_is_type(rc, json_type_null)) {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer has no returnCode: not a Certificate Manager listing");
		return -1;
	}
	if (!return_code_is_zero(rc)) {
		describe(root, "returnCode", "returnMessage", "returnCode", what, sizeof what);
		ncp_err_set(err, NCP_ERR_API, "API error: %s", what);
		return -1;
	}
	return 0;
}

static int read_orders(json_object *root, struct ncp_page *out, struct ncp_err *err)
{
	json_object *orders = get_field(root, "orders");

	if (orders == NULL || json_object_is_type(orders, json_type_null)) {
		/* An empty account may leave the list out; anything else must have it. */
		if (out->has_total && out->total_count == 0)
			return 0;
		ncp_err_set(err, NCP_ERR_ANSWER, "answer has no orders list");
		return -1;
	}
	if (!json_object_is_type(orders, json_type_array)) {
		ncp_err_set(err, NCP_ERR_ANSWER, "orders is %s, expected an array", json_type_word(orders));
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(orders); i++) {
		if (read_order(json_object_array_get_idx(orders, i), i, out) != 0) {
			ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory reading the answer");
			return -1;
		}
		if (out->certs.len > PARSE_MAX_PAGE_CERTS) {
			ncp_err_set(err, NCP_ERR_ANSWER, "answer holds more than %d certificate entries: no real "
				    "account page does", PARSE_MAX_PAGE_CERTS);
			return -1;
		}
	}
	return 0;
}

int parse_page(const char *body, size_t len, struct ncp_page *out, struct ncp_err *err)
{
	int rc = parse_fast_page(body, len, out);

	if (rc == -2) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory reading the answer");
		return -1;
	}
	return rc == 0 ? 0 : parse_page_full(body, len, out, err);
}

/* Values a document would make json-c allocate (commas, brackets, braces
 * outside strings), counted without building anything. */
static size_t count_json_values(const char *body, size_t len)
{
	size_t n = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == ',' || c == '[' || c == '{') {
			n++;
		}
	}
	return n;
}

int parse_page_full(const char *body, size_t len, struct ncp_page *out, struct ncp_err *err)
{
	json_object *root, *total;
	long long n;
	int rc = -1;

	ncp_page_init(out);
	if (count_json_values(body, len) > PARSE_MAX_JSON_VALUES) {
		ncp_err_set(err, NCP_ERR_ANSWER, "answer holds more than %d JSON values: refused rather than "
			    "built in memory", PARSE_MAX_JSON_VALUES);
		return -1;
	}
	root = parse_document(body, len, err);
	if (root == NULL)
		return -1;
	if (check_envelope(root, err) != 0)
		goto out;
	total = get_field(root, "totalCount");
	if (total && get_integer(total, &n) && n >= 0) {
		out->has_total = true;
		out->total_count = n;
	}
	rc = read_orders(root, out, err);
out:
	json_object_put(root);
	if (rc != 0)
		ncp_page_clear(out);
	return rc;
}

bool parse_error_body(const char *body, size_t len, char *out, size_t out_len)
{
	struct ncp_err ignored;
	json_object *root;
	bool found = false;

	out[0] = '\0';
	ncp_err_clear(&ignored);
	root = parse_document(body, len, &ignored);
	if (root == NULL || !json_object_is_type(root, json_type_object))
		goto out;
	found = describe_wrapped_error(root, out, out_len);
	if (!found && get_field(root, "returnCode") != NULL) {
		describe(root, "returnCode", "returnMessage", "returnCode", out, out_len);
		found = true;
	}
out:
	json_object_put(root);
	return found;
}
