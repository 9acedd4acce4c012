#include "config.h"

#include "cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cert_clear(struct ncp_cert *c)
{
	free(c->name);
	free(c->common_name);
	free(c->order_id);
	free(c->type_code);
	for (size_t i = 0; i < c->n_dns; i++)
		free(c->dns_names[i]);
	free(c->dns_names);
	free(c->status_name);
	free(c->not_after_raw);
	free(c->problem);
	free(c->used_instances);
	memset(c, 0, sizeof *c);
}

int cert_add_dns_name(struct ncp_cert *c, const char *start, size_t len)
{
	size_t n = c->n_dns;

	if (len == 0)
		return 0;
	/* capacity is implicit: the next power of two at or above n (min 4) */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n == 0 ? 4 : n * 2;
		char **grown = realloc(c->dns_names, cap * sizeof *grown);
		if (grown == NULL)
			return -1;
		c->dns_names = grown;
	}
	if ((c->dns_names[n] = strndup(start, len)) == NULL)
		return -1;
	c->n_dns++;
	return 0;
}

char *cert_instances_text(const struct buf *listed, size_t count)
{
	if (count == 0)
		return NULL;
	return strdup(listed->len ? buf_str(listed) : "(too long to show)");
}

const char *cert_display_name(const struct ncp_cert *c, char *tmp, size_t tmp_len)
{
	if (c->name && *c->name)
		return c->name;
	if (c->common_name && *c->common_name)
		return c->common_name;
	if (c->has_no)
		snprintf(tmp, tmp_len, "#%lld", c->no);
	else
		snprintf(tmp, tmp_len, "(unnamed)");
	return tmp;
}

void cert_list_init(struct ncp_cert_list *l)
{
	memset(l, 0, sizeof *l);
}

static int cert_list_grow(struct ncp_cert_list *l, size_t need)
{
	size_t cap = l->cap ? l->cap : 16;
	struct ncp_cert *p;

	if (need <= l->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(l->items, cap * sizeof *p);
	if (p == NULL)
		return -1;
	l->items = p;
	l->cap = cap;
	return 0;
}

int cert_list_push(struct ncp_cert_list *l, struct ncp_cert *c)
{
	if (cert_list_grow(l, l->len + 1) != 0) {
		cert_clear(c);
		return -1;
	}
	l->items[l->len++] = *c;
	memset(c, 0, sizeof *c);
	return 0;
}

int cert_list_take_all(struct ncp_cert_list *dst, struct ncp_cert_list *src)
{
	if (cert_list_grow(dst, dst->len + src->len) != 0)
		return -1;
	if (src->len > 0)
		memcpy(dst->items + dst->len, src->items, src->len * sizeof *src->items);
	dst->len += src->len;
	src->len = 0;
	return 0;
}

void cert_list_clear(struct ncp_cert_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		cert_clear(&l->items[i]);
	free(l->items);
	cert_list_init(l);
}

enum cert_type cert_type_from_code(const char *code)
{
	if (code == NULL)
		return CERT_TYPE_UNKNOWN;
	/* NCP_PAID_DV_01, NCP_PAID_OV_01, and whatever revision comes next. */
	if (strstr(code, "_DV") || strcasecmp(code, "DV") == 0)
		return CERT_TYPE_DV;
	if (strstr(code, "_OV") || strcasecmp(code, "OV") == 0)
		return CERT_TYPE_OV;
	return CERT_TYPE_UNKNOWN;
}

const char *cert_type_name(enum cert_type t)
{
	switch (t) {
	case CERT_TYPE_DV: return "DV";
	case CERT_TYPE_OV: return "OV";
	case CERT_TYPE_UNKNOWN: break;
	}
	return "?";
}
