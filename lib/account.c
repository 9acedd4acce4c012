#include "config.h"

#include "account.h"

#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "clock.h"
#include "pageset.h"

struct cached {
	struct page_set pages;
	long long fetched_ms;
	bool usable;
};

static long long age_ms(const struct cached *c)
{
	return clock_wall_ms() - c->fetched_ms;
}

static long long age_s(const struct cached *c)
{
	return age_ms(c) / 1000;
}

/* Younger than max_age_s, to the millisecond (0 never reuses); a clock
 * stepped back makes an entry look from the future: never trusted. */
static bool young_enough(const struct cached *c, long long max_age_s)
{
	long long age = age_ms(c);

	return c->usable && age >= 0 && age < max_age_s * 1000;
}

static void load_cached(const struct account_options *o, const char *key, struct cached *c, struct buf *notes)
{
	const char *why = NULL;
	struct ncp_err err;
	int rc;

	ncp_err_clear(&err);
	page_set_clear(&c->pages);
	rc = cache_load(o->cache_file, key, o->fetch.max_response, &c->pages, &c->fetched_ms, &why, &err);
	c->usable = rc == 1;
	if (notes && rc < 0)
		buf_printf(notes, "cache ignored: %s\n", err.msg);
	else if (notes && rc == 0)
		buf_printf(notes, "cache %s ignored: %s\n", o->cache_file, why);
}

static int replay(const struct cached *c, const char *what, struct ncp_cert_list *out, struct account_info *info,
		  struct buf *notes, struct ncp_err *err)
{
	struct fetch_stats stats;

	info->from_cache = true;
	info->cache_age_s = age_s(c);
	if (notes)
		buf_printf(notes, "answer from %s cache, %lld s old\n", what, info->cache_age_s);
	return fetch_replay(&c->pages, out, &stats, err);
}

static void store(const struct account_options *o, const char *key, const struct page_set *pages,
		  long long fetched_ms, struct buf *notes)
{
	struct ncp_err err;

	ncp_err_clear(&err);
	/* A cache we cannot write (full disk, permissions) costs API calls, not the check. */
	if (cache_store(o->cache_file, key, pages, fetched_ms, &err) != 0 && notes)
		buf_printf(notes, "cache not written: %s\n", err.msg);
}

static int fetch_fill(const struct account_options *o, const struct ncp_creds *creds, const char *key,
		      struct ncp_cert_list *out, struct buf *notes, struct ncp_err *err)
{
	struct page_set fresh;
	struct fetch_stats stats;
	long long started = clock_wall_ms();
	int rc;

	page_set_init(&fresh);
	rc = fetch_all(&o->fetch, creds, out, &stats, &fresh, notes, err);
	if (rc == 0)
		store(o, key, &fresh, started, notes);
	page_set_clear(&fresh);
	return rc;
}

static int use_stale(const struct account_options *o, const struct cached *c, struct ncp_cert_list *out,
		     struct account_info *info, struct buf *notes, struct ncp_err *err)
{
	if (o->cache_stale_max_s <= 0 || !young_enough(c, o->cache_stale_max_s))
		return -1;
	info->stale = true;
	snprintf(info->failure, sizeof info->failure, "%s", err->msg);
	cert_list_clear(out);
	ncp_err_clear(err);
	return replay(c, "stale", out, info, notes, err);
}

int account_load(const struct account_options *o, const struct ncp_creds *creds, struct ncp_cert_list *out,
		 struct account_info *info, struct buf *notes, struct ncp_err *err)
{
	struct cached c = { .usable = false };
	char key[CACHE_KEY_LEN];
	int lock, rc;

	memset(info, 0, sizeof *info);
	if (o->cache_file == NULL)
		return fetch_all(&o->fetch, creds, out, &(struct fetch_stats){ 0 }, NULL, notes, err);
	page_set_init(&c.pages);
	cache_key(o->fetch.endpoint, creds->access_key, key);
	load_cached(o, key, &c, notes);
	if (young_enough(&c, o->cache_max_age_s)) {
		rc = replay(&c, "fresh", out, info, notes, err);
		goto out;
	}
	/* One run fetches; the others wait for its answer instead of calling too. */
	lock = cache_lock(o->cache_file, o->fetch.deadline_ms, err);
	if (lock < 0 && err->kind == NCP_ERR_TIMEOUT) {
		ncp_err_set(err, NCP_ERR_TIMEOUT, "timeout after %g s waiting for another run to fill cache %s",
			    o->fetch.timeout_s, o->cache_file);
		rc = use_stale(o, &c, out, info, notes, err);
		goto out;
	}
	if (lock < 0 && notes)
		buf_printf(notes, "running without the cache lock: %s\n", err->msg);
	ncp_err_clear(err);
	load_cached(o, key, &c, lock >= 0 ? notes : NULL);
	if (young_enough(&c, o->cache_max_age_s))
		rc = replay(&c, "fresh", out, info, notes, err);
	else if ((rc = fetch_fill(o, creds, key, out, notes, err)) != 0)
		rc = use_stale(o, &c, out, info, notes, err);
	cache_unlock(lock);
out:
	page_set_clear(&c.pages);
	return rc;
}
