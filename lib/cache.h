/* The shared answer cache: one complete fetch (all pages) per endpoint and
 * access key, so many services checking one account make one API call per
 * interval.  Never holds a secret; written atomically, mode 0600. */
#ifndef NCP_CACHE_H
#define NCP_CACHE_H

#include <stddef.h>

#include "err.h"
#include "pageset.h"

#define CACHE_KEY_LEN 65   /* SHA-256 hex and a NUL */

/* Identifies an account without storing the access key itself. */
void cache_key(const char *endpoint, const char *access_key, char out[CACHE_KEY_LEN]);

/* 1 with the pages and their wall-clock fetch time; 0 when there is no
 * usable entry (missing, corrupt, truncated, another account's: why says
 * which, for -vv); -1 with err on a real read error. */
int cache_load(const char *path, const char *key, size_t max_page, struct page_set *pages,
	       long long *fetched_ms, const char **why, struct ncp_err *err);

/* Writes path.tmp.PID then renames it over path.  0 or -1 with err; the
 * old entry stays intact on failure (a full disk, say). */
int cache_store(const char *path, const char *key, const struct page_set *pages, long long fetched_ms,
		struct ncp_err *err);

/* An exclusive lock on path.lock, waited for until deadline_ms (monotonic).
 * Returns the lock's descriptor, or -1 with err (NCP_ERR_TIMEOUT when the
 * wait ran out). */
int cache_lock(const char *path, long long deadline_ms, struct ncp_err *err);
void cache_unlock(int fd);

#endif
