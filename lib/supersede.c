#include "config.h"

#include "supersede.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "status.h"

static bool is_live(const struct ncp_cert *c)
{
	const struct status_info *s = NULL;

	if (c->has_status_code)
		s = status_by_code(c->status_code);
	else if (c->status_name)
		s = status_by_name(c->status_name);
	return s != NULL && s->action == STATUS_BY_EXPIRY;
}

static bool has_dns_name(const struct ncp_cert *c, const char *name)
{
	for (size_t i = 0; i < c->n_dns; i++)
		if (strcasecmp(c->dns_names[i], name) == 0)
			return true;
	return false;
}

static int by_name(const void *x, const void *y)
{
	return strcasecmp(*(char *const *)x, *(char *const *)y);
}

static char **sorted_names(const struct ncp_cert *c)
{
	char **names = malloc(c->n_dns * sizeof *names);

	if (names == NULL)
		return NULL;
	memcpy(names, c->dns_names, c->n_dns * sizeof *names);
	qsort(names, c->n_dns, sizeof *names, by_name);
	return names;
}

/* Both lists sorted: one merge walk instead of a scan per name, so
 * certificates with thousands of names stay cheap. */
static bool covers_sorted(const struct ncp_cert *newer, const struct ncp_cert *older)
{
	char **have = sorted_names(newer), **want = sorted_names(older);
	bool all = have != NULL && want != NULL;
	size_t i = 0, j = 0;

	while (all && i < older->n_dns) {
		int cmp = j < newer->n_dns ? strcasecmp(want[i], have[j]) : -1;
		if (cmp < 0)
			all = false;   /* want[i] is not among the newer names */
		else if (cmp == 0)
			i++;
		else
			j++;
	}
	free(have);
	free(want);
	return all;   /* out of memory: not superseded, so still judged */
}

#define COVERS_SCAN_MAX 16

static bool covers(const struct ncp_cert *newer, const struct ncp_cert *older)
{
	if (older->n_dns > COVERS_SCAN_MAX && newer->n_dns > COVERS_SCAN_MAX)
		return covers_sorted(newer, older);
	for (size_t i = 0; i < older->n_dns; i++)
		if (!has_dns_name(newer, older->dns_names[i]))
			return false;
	return true;
}

static bool can_supersede(const struct ncp_cert *b, const struct ncp_cert *a)
{
	return b != a && is_live(b) && b->has_not_after && a->has_not_after &&
	       b->not_after.when > a->not_after.when && covers(b, a);
}

struct slot {
	const struct ncp_cert *cert;
	size_t index;
};

static bool later(const struct ncp_cert *a, const struct ncp_cert *b)
{
	if (a->not_after.when != b->not_after.when)
		return a->not_after.when > b->not_after.when;
	return a->no > b->no;
}

/* Sorting by commonName puts every candidate pair in one run, and within
 * a run the latest expiry first, so the first renewal found is the one
 * expiring last. */
static int by_common_name(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;
	int cmp = strcasecmp(a->cert->common_name, b->cert->common_name);

	if (cmp != 0)
		return cmp;
	if (a->cert->has_not_after != b->cert->has_not_after)
		return a->cert->has_not_after ? -1 : 1;
	if (a->cert->has_not_after && (a->cert->not_after.when != b->cert->not_after.when ||
				       a->cert->no != b->cert->no))
		return later(a->cert, b->cert) ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* A common name with thousands of certificates (hostile or generated)
 * must not make this quadratic: only the latest few live candidates are
 * tried, which is where any real renewal is. */
#define SUPERSEDE_MAX_CANDIDATES 64

static void settle_run(const struct slot *run, size_t n, size_t *by)
{
	for (size_t i = 0; i < n; i++) {
		size_t tried = 0;
		for (size_t j = 0; j < i && tried < SUPERSEDE_MAX_CANDIDATES; j++) {
			if (!is_live(run[j].cert))
				continue;
			tried++;
			if (can_supersede(run[j].cert, run[i].cert)) {
				by[run[i].index] = run[j].index;
				break;
			}
		}
	}
}

int supersede_find(const struct ncp_cert_list *list, size_t *by)
{
	struct slot *slots = malloc((list->len ? list->len : 1) * sizeof *slots);
	size_t n = 0;

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < list->len; i++) {
		by[i] = SUPERSEDE_NONE;
		if (list->items[i].common_name && list->items[i].problem == NULL)
			slots[n++] = (struct slot){ &list->items[i], i };
	}
	qsort(slots, n, sizeof *slots, by_common_name);
	for (size_t start = 0, end; start < n; start = end) {
		for (end = start + 1; end < n; end++)
			if (strcasecmp(slots[start].cert->common_name, slots[end].cert->common_name) != 0)
				break;
		settle_run(slots + start, end - start, by);
	}
	free(slots);
	return 0;
}
