/* Field-by-field comparison of two parsed pages: the fast reader must give
 * exactly what the json-c reader gives.  Header-only, for the unit test and
 * the differential fuzz target. */
#ifndef NCP_PAGE_COMPARE_H
#define NCP_PAGE_COMPARE_H

#include <stdio.h>
#include <string.h>

#include "parse.h"

static int same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* NULL when equal, else the name of the first field that differs. */
static const char *cert_difference(const struct ncp_cert *a, const struct ncp_cert *b)
{
	if (a->has_no != b->has_no || (a->has_no && a->no != b->no))
		return "certificateNo";
	if (!same_text(a->name, b->name))
		return "certificateName";
	if (!same_text(a->common_name, b->common_name))
		return "commonName";
	if (!same_text(a->order_id, b->order_id))
		return "orderId";
	if (!same_text(a->type_code, b->type_code) || a->type != b->type)
		return "certificateType";
	if (a->n_dns != b->n_dns)
		return "dnsName count";
	for (size_t i = 0; i < a->n_dns; i++)
		if (!same_text(a->dns_names[i], b->dns_names[i]))
			return "dnsName";
	if (a->has_status_code != b->has_status_code || (a->has_status_code && a->status_code != b->status_code))
		return "statusCode";
	if (!same_text(a->status_name, b->status_name))
		return "statusName";
	if (a->has_not_after != b->has_not_after ||
	    (a->has_not_after && (a->not_after.when != b->not_after.when ||
				  a->not_after.utc_offset != b->not_after.utc_offset)))
		return "notAfter";
	if (!same_text(a->not_after_raw, b->not_after_raw) || !same_text(a->not_after_why, b->not_after_why))
		return "notAfter problem";
	if (!same_text(a->problem, b->problem))
		return "entry problem";
	if (a->n_used_instances != b->n_used_instances || !same_text(a->used_instances, b->used_instances))
		return "usedInstanceNoList";
	return NULL;
}

static const char *page_difference(const struct ncp_page *a, const struct ncp_page *b, size_t *at)
{
	*at = 0;
	if (a->n_orders != b->n_orders)
		return "order count";
	if (a->has_total != b->has_total || (a->has_total && a->total_count != b->total_count))
		return "totalCount";
	if (a->certs.len != b->certs.len)
		return "certificate count";
	for (size_t i = 0; i < a->certs.len; i++) {
		const char *d = cert_difference(&a->certs.items[i], &b->certs.items[i]);
		if (d) {
			*at = i;
			return d;
		}
	}
	return NULL;
}

#endif
