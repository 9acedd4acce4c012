/* All certificates of an account: from the shared cache when it is fresh,
 * else from the API (one run fetching, concurrent runs waiting for it),
 * else from a stale cache when the user allows it. */
#ifndef NCP_ACCOUNT_H
#define NCP_ACCOUNT_H

#include <stdbool.h>

#include "buf.h"
#include "cert.h"
#include "creds.h"
#include "err.h"
#include "fetch.h"

struct account_options {
	struct fetch_options fetch;
	const char *cache_file;        /* NULL: no cache */
	long long cache_max_age_s;     /* reuse an answer this young */
	long long cache_stale_max_s;   /* on API failure, accept this old; 0 off */
};

struct account_info {
	bool from_cache;
	long long cache_age_s;
	bool stale;                    /* API failed, stale cache used */
	char failure[768];             /* the API failure, when stale */
};

int account_load(const struct account_options *o, const struct ncp_creds *creds, struct ncp_cert_list *out,
		 struct account_info *info, struct buf *notes, struct ncp_err *err);

#endif
