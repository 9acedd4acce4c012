/* Every page of getPaidCertificates: signing, paging, retries, and the
 * API's own error answers turned into messages a user can act on. */
#ifndef NCP_FETCH_H
#define NCP_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cert.h"
#include "creds.h"
#include "err.h"
#include "pageset.h"

#define FETCH_DEFAULT_ENDPOINT "https://certificatemanager.apigw.ntruss.com"
#define FETCH_PATH "/api/v2/certificate/getPaidCertificates"
/* A server that keeps inventing pages must not keep us forever. */
#define FETCH_MAX_PAGES 5000
/* Nor make us hold more certificates than any account has. */
#define FETCH_MAX_CERTIFICATES 1000000

struct fetch_options {
	const char *endpoint;       /* scheme://host[:port][/prefix] */
	long page_size;
	int retries;                /* extra attempts after a transient failure */
	size_t max_response;        /* bytes per answer */
	bool insecure;
	const char *cacert;
	long long deadline_ms;      /* clock_monotonic_ms() at which to give up */
	double timeout_s;           /* the user's -t, for messages */
	int verbose;                /* >= 2: request notes, >= 3: raw answers */
};

struct fetch_stats {
	size_t pages;
	size_t requests;
	size_t duplicates;          /* certificates seen on an earlier page */
	bool has_total;
	long long total_count;
};

/* Appends every certificate of the account to out.  keep (may be NULL)
 * receives every raw page, for the cache.  notes (may be NULL) gets
 * -vv/-vvv lines; it never sees the secret.  0, or -1 with err. */
int fetch_all(const struct fetch_options *o, const struct ncp_creds *creds, struct ncp_cert_list *out,
	      struct fetch_stats *stats, struct page_set *keep, struct buf *notes, struct ncp_err *err);

/* The same for pages saved by an earlier fetch (the cache). */
int fetch_replay(const struct page_set *pages, struct ncp_cert_list *out, struct fetch_stats *stats,
		 struct ncp_err *err);

/* Splits an endpoint into the part before the path and the path prefix;
 * 0, or -1 with err (NCP_ERR_USAGE) for anything but http(s)://host... */
int fetch_check_endpoint(const char *endpoint, struct ncp_err *err);

#endif
