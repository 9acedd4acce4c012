#include "config.h"

#include "report_json.h"

#include <json-c/json.h>

#include "text.h"

/* json-c copies what it is given; the copy must be valid UTF-8. */
static json_object *utf8_string(const char *s)
{
	struct buf clean;
	json_object *o;

	if (s == NULL)
		return NULL;
	buf_init(&clean, (size_t)-1 / 2);
	if (text_append_utf8(&clean, s) != 0) {
		buf_clear(&clean);
		return NULL;
	}
	o = json_object_new_string_len(buf_str(&clean), (int)clean.len);
	buf_clear(&clean);
	return o;
}

static json_object *text_of(int (*fill)(const struct cert_verdict *, struct buf *), const struct cert_verdict *v)
{
	struct buf b;
	json_object *o = NULL;

	buf_init(&b, 1 << 20);
	if (fill(v, &b) == 0)
		o = utf8_string(buf_str(&b));
	buf_clear(&b);
	return o;
}

static int detailed_reason(const struct cert_verdict *v, struct buf *b)
{
	return render_reason(v, true, b);
}

static json_object *dns_names(const struct ncp_cert *c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < c->n_dns; i++)
		json_object_array_add(a, utf8_string(c->dns_names[i]));
	return a;
}

static json_object *iso_not_after(const struct ncp_cert *c)
{
	char iso[40];

	if (!c->has_not_after)
		return NULL;
	ncptime_format_iso_utc(c->not_after.when, iso, sizeof iso);
	return json_object_new_string(iso);
}

static json_object *certificate(const struct cert_verdict *v)
{
	const struct ncp_cert *c = v->cert;
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "certificateNo", c->has_no ? json_object_new_int64(c->no) : NULL);
	json_object_object_add(o, "certificateName", utf8_string(c->name));
	json_object_object_add(o, "certificateType", utf8_string(c->type_code));
	json_object_object_add(o, "commonName", utf8_string(c->common_name));
	json_object_object_add(o, "dnsNames", dns_names(c));
	json_object_object_add(o, "statusCode", c->has_status_code ? json_object_new_int64(c->status_code)
					      : v->status ? json_object_new_int64(v->status->code) : NULL);
	json_object_object_add(o, "statusName", v->status ? json_object_new_string(v->status->canonical)
					      : utf8_string(c->status_name));
	json_object_object_add(o, "notAfter", iso_not_after(c));
	json_object_object_add(o, "secondsLeft", v->dated ? json_object_new_int64(v->seconds_left) : NULL);
	json_object_object_add(o, "state", json_object_new_string(state_name(v->state)));
	json_object_object_add(o, "counted", json_object_new_boolean(v->counted));
	json_object_object_add(o, "reason", text_of(detailed_reason, v));
	json_object_object_add(o, "supersededBy", v->superseded_by && v->superseded_by->has_no
					      ? json_object_new_int64(v->superseded_by->no) : NULL);
	return o;
}

static int finish(json_object *root, struct buf *out)
{
	int rc = buf_puts(out, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	return rc ? rc : buf_puts(out, "\n");
}

int report_json_render_error(enum plugin_state state, const char *message, struct buf *out)
{
	json_object *root = json_object_new_object();
	int rc;

	if (root == NULL)
		return -1;
	json_object_object_add(root, "state", json_object_new_string(state_name(state)));
	json_object_object_add(root, "summary", utf8_string(message));
	json_object_object_add(root, "certificates", json_object_new_array());
	rc = finish(root, out);
	json_object_put(root);
	return rc;
}

int report_json_render(const struct report *r, const struct render_options *o, struct buf *out)
{
	json_object *root = json_object_new_object(), *list = json_object_new_array();
	struct buf summary;
	int rc = -1;

	buf_init(&summary, 1 << 20);
	if (root == NULL || list == NULL || render_summary(r, o, &summary) != 0) {
		json_object_put(list);
		goto out;
	}
	json_object_object_add(root, "state", json_object_new_string(state_name(r->worst)));
	json_object_object_add(root, "summary", utf8_string(buf_str(&summary)));
	for (size_t i = 0; i < r->len; i++)
		json_object_array_add(list, certificate(&r->items[i]));
	for (size_t i = 0; i < r->n_superseded; i++)
		json_object_array_add(list, certificate(&r->superseded[i]));
	json_object_object_add(root, "certificates", list);
	rc = finish(root, out);
out:
	json_object_put(root);
	buf_clear(&summary);
	return rc;
}
