/* Renewals: which certificate replaces which, on small and large name lists. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supersede.h"
#include "tap.h"

static void add_names(struct ncp_cert *c, int n, int skip, bool upper)
{
	c->dns_names = calloc((size_t)n + 1, sizeof *c->dns_names);
	for (int i = n - 1; i >= 0; i--) {   /* reverse order: sorting must not matter */
		char name[64];
		if (i == skip)
			continue;
		snprintf(name, sizeof name, upper ? "HOST%02d.EXAMPLE.COM" : "host%02d.example.com", i);
		c->dns_names[c->n_dns++] = strdup(name);
	}
}

static void make(struct ncp_cert *c, long long no, long status, long long not_after, int names, int skip,
		 bool upper)
{
	memset(c, 0, sizeof *c);
	c->has_no = true;
	c->no = no;
	c->common_name = strdup(upper ? "SHOP.example.com" : "shop.example.com");
	c->has_status_code = true;
	c->status_code = status;
	c->has_not_after = true;
	c->not_after.when = (time_t)not_after;
	add_names(c, names, skip, upper);
}

/* old (#1) and new (#2): returns what #1 is superseded by (index or NONE) */
static size_t pair(int old_names, int new_names, int new_skip, long new_status, long long new_after)
{
	struct ncp_cert_list l;
	struct ncp_cert c;
	size_t by[2];

	cert_list_init(&l);
	make(&c, 1, 1, 1000, old_names, -1, false);
	cert_list_push(&l, &c);
	make(&c, 2, new_status, new_after, new_names, new_skip, true);
	cert_list_push(&l, &c);
	supersede_find(&l, by);
	cert_list_clear(&l);
	return by[0];
}

int main(void)
{
	static const int sizes[] = { 2, 20, 3000 };   /* the scan and the sorted merge */

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int n = sizes[i];
		tap_is_int((long long)pair(n, n, -1, 1, 2000), 1, "%d names: a later NORMAL renewal with the same names (other case) supersedes", n);
		tap_is_int((long long)pair(n, n + 1, -1, 1, 2000), 1, "%d names: a renewal with more names supersedes", n);
		tap_ok(pair(n, n, n / 2, 1, 2000) == SUPERSEDE_NONE, "%d names: a renewal missing one name does not", n);
		tap_ok(pair(n, n, -1, -5, 2000) == SUPERSEDE_NONE, "%d names: a REVOKEd renewal does not", n);
		tap_ok(pair(n, n, -1, 1, 1000) == SUPERSEDE_NONE, "%d names: a renewal ending at the same second does not", n);
		tap_ok(pair(n, n, -1, 2, 2000) == 1, "%d names: NORMAL_UNREGISTERED_PRIVATE_KEY renewal supersedes", n);
	}
	return tap_done();
}
