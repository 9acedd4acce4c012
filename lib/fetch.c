#include "config.h"

#include "fetch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "http.h"
#include "parse.h"
#include "sign.h"
#include "text.h"

#define BACKOFF_FIRST_MS 500
#define RAW_NOTE_MAX ((size_t)64 * 1024)

/* Certificate numbers already taken, so a page repeated by a server that
 * ignores paging is not counted twice.  Open addressing, grows at 1/2. */
struct seen_set {
	long long *slots;
	bool *used;
	size_t cap, len;
};

static size_t seen_hash(long long v, size_t cap)
{
	uint64_t x = (uint64_t)v * 0x9E3779B97F4A7C15ull;

	return (size_t)(x >> 17) & (cap - 1);
}

static int seen_grow(struct seen_set *s)
{
	struct seen_set bigger = { 0 };

	bigger.cap = s->cap ? s->cap * 2 : 256;
	bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
	bigger.used = calloc(bigger.cap, sizeof *bigger.used);
	if (bigger.slots == NULL || bigger.used == NULL) {
		free(bigger.slots);
		free(bigger.used);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->used[i])
			continue;
		size_t j = seen_hash(s->slots[i], bigger.cap);
		while (bigger.used[j])
			j = (j + 1) & (bigger.cap - 1);
		bigger.used[j] = true;
		bigger.slots[j] = s->slots[i];
	}
	bigger.len = s->len;
	free(s->slots);
	free(s->used);
	*s = bigger;
	return 0;
}

/* 1 if v was new (and is now in), 0 if seen before, -1 no memory. */
static int seen_add(struct seen_set *s, long long v)
{
	size_t i;

	if ((s->len + 1) * 2 > s->cap && seen_grow(s) != 0)
		return -1;
	for (i = seen_hash(v, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == v)
			return 0;
	s->used[i] = true;
	s->slots[i] = v;
	s->len++;
	return 1;
}

static void seen_clear(struct seen_set *s)
{
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof *s);
}

int fetch_check_endpoint(const char *endpoint, struct ncp_err *err)
{
	const char *host;

	if (strncasecmp(endpoint, "https://", 8) == 0)
		host = endpoint + 8;
	else if (strncasecmp(endpoint, "http://", 7) == 0)
		host = endpoint + 7;
	else {
		ncp_err_set(err, NCP_ERR_USAGE, "--endpoint must start with https:// (or http:// for a local mock or proxy)");
		return -1;
	}
	if (*host == '\0' || *host == '/') {
		ncp_err_set(err, NCP_ERR_USAGE, "--endpoint has no host name");
		return -1;
	}
	if (strpbrk(endpoint, "?# \t\r\n")) {
		ncp_err_set(err, NCP_ERR_USAGE, "--endpoint must be a base URL without query, fragment or spaces");
		return -1;
	}
	return 0;
}

struct page_request {
	char url[2048];
	char uri[2048];   /* what is signed: path and query as sent */
};

static int build_request(const struct fetch_options *o, long page, struct page_request *r)
{
	size_t host_at = (size_t)(strstr(o->endpoint, "://") + 3 - o->endpoint);
	size_t base_len = strlen(o->endpoint);
	int n;

	while (base_len > host_at && o->endpoint[base_len - 1] == '/')
		base_len--;
	n = snprintf(r->url, sizeof r->url, "%.*s%s?page=%ld&pageSize=%ld", (int)base_len, o->endpoint,
		     FETCH_PATH, page, o->page_size);
	if (n < 0 || (size_t)n >= sizeof r->url)
		return -1;
	/* The signature covers the path (with any proxy prefix) and query
	 * exactly as they go on the wire. */
	snprintf(r->uri, sizeof r->uri, "%s", strchr(r->url + host_at, '/'));
	return 0;
}

/* Signed headers for one attempt; a fresh timestamp every time. */
static int sign_headers(const struct page_request *r, const struct ncp_creds *creds, char hdr[5][512])
{
	char ts[32], sig[SIGN_V2_LEN];

	snprintf(ts, sizeof ts, "%lld", clock_wall_ms());
	if (sign_v2("GET", r->uri, ts, creds->access_key, creds->secret, creds->secret_len, sig) != 0)
		return -1;
	snprintf(hdr[0], 512, "x-ncp-apigw-timestamp: %s", ts);
	snprintf(hdr[1], 512, "x-ncp-iam-access-key: %.400s", creds->access_key);
	snprintf(hdr[2], 512, "x-ncp-apigw-signature-v2: %s", sig);
	snprintf(hdr[3], 512, "Accept: application/json");
	snprintf(hdr[4], 512, "Content-Type: application/json");
	OPENSSL_cleanse(sig, sizeof sig);
	return 0;
}

static bool is_transient_status(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

static long long time_left_ms(const struct fetch_options *o)
{
	return o->deadline_ms - clock_monotonic_ms();
}

static void set_timeout(const struct fetch_options *o, long page, struct ncp_err *err)
{
	ncp_err_set(err, NCP_ERR_TIMEOUT, "timeout after %g s while fetching page %ld of %s", o->timeout_s,
		    page, o->endpoint);
}

/* The first bytes of a body we do not understand, as a hint. */
static void body_snippet(const struct buf *body, char *out, size_t len)
{
	struct buf safe;

	buf_init(&safe, 4096);
	if (body->len == 0)
		snprintf(out, len, "empty body");
	else if (text_append_safe(&safe, buf_str(body), 80) == 0)
		snprintf(out, len, "body: %s", buf_str(&safe));
	else
		snprintf(out, len, "unreadable body");
	buf_clear(&safe);
}

static void describe_http_error(const struct http_response *resp, const char *url, struct ncp_err *err)
{
	char api[512];

	if (resp->status >= 300 && resp->status < 400) {
		ncp_err_set(err, NCP_ERR_HTTP,
			    "API answered HTTP %ld redirect to %s: not followed, a signed request is never replayed "
			    "to another address (check --endpoint)",
			    resp->status, resp->location[0] ? resp->location : "(no Location)");
	} else if (resp->status == 403 && resp->body.len == 0) {
		ncp_err_set(err, NCP_ERR_HTTP,
			    "API answered HTTP 403 with an empty body: Certificate Manager 2.0 accepts only "
			    "main-account API keys, not sub-account keys");
	} else if (parse_error_body(resp->body.data ? resp->body.data : "", resp->body.len, api, sizeof api)) {
		ncp_err_set(err, NCP_ERR_HTTP, "API answered HTTP %ld: %s", resp->status, api);
	} else {
		body_snippet(&resp->body, api, sizeof api);
		ncp_err_set(err, NCP_ERR_HTTP, "API answered HTTP %ld (%s) for %s", resp->status, api, url);
	}
	err->http_status = resp->status;
	err->transient = is_transient_status(resp->status);
}

static void note_attempt(struct buf *notes, const struct page_request *r, int attempt,
			 const struct http_response *resp, const struct ncp_err *err)
{
	if (notes == NULL)
		return;
	if (resp->status)
		buf_printf(notes, "GET %s -> HTTP %ld, %zu bytes, %lld ms%s\n", r->url, resp->status, resp->body.len,
			   resp->elapsed_ms, attempt ? " (retry)" : "");
	else
		buf_printf(notes, "GET %s -> failed: %s%s\n", r->url, err->msg, attempt ? " (retry)" : "");
}

/* How long to wait before attempt+1, or -1 when no retry fits. */
static long long retry_wait_ms(const struct fetch_options *o, int attempt, const struct http_response *resp,
			       struct ncp_err *err)
{
	long long wait = (long long)BACKOFF_FIRST_MS << (attempt < 10 ? attempt : 10);
	long long left = time_left_ms(o);

	if (attempt >= o->retries || !err->transient)
		return -1;
	if (resp->retry_after >= 0)
		wait = resp->retry_after * 1000LL;
	/* leave room for the request itself */
	if (wait + 200 >= left) {
		if (resp->retry_after >= 0)
			ncp_err_prefix(err, "Retry-After %ld s does not fit in the time left", resp->retry_after);
		return -1;
	}
	return wait;
}

/* One page, with retries.  0 with a 200 answer in resp, or -1. */
static int get_page(const struct fetch_options *o, struct http_client *http, const struct ncp_creds *creds,
		    long page, struct http_response *resp, struct fetch_stats *stats, struct buf *notes,
		    struct ncp_err *err)
{
	struct page_request r = { .url = "" };
	char hdr[5][512];
	const char *hdrs[5] = { hdr[0], hdr[1], hdr[2], hdr[3], hdr[4] };

	if (build_request(o, page, &r) != 0) {
		ncp_err_set(err, NCP_ERR_USAGE, "--endpoint is too long");
		return -1;
	}
	for (int attempt = 0;; attempt++) {
		long long left = time_left_ms(o), wait;
		int rc;

		if (left <= 0) {
			set_timeout(o, page, err);
			return -1;
		}
		if (sign_headers(&r, creds, hdr) != 0) {
			ncp_err_set(err, NCP_ERR_INTERNAL, "cannot compute the request signature (OpenSSL HMAC failed)");
			return -1;
		}
		ncp_err_clear(err);
		stats->requests++;
		rc = http_get(http, r.url, hdrs, 5, left, resp, err);
		OPENSSL_cleanse(hdr, sizeof hdr);
		note_attempt(notes, &r, attempt, resp, err);
		if (rc == 0 && resp->status == 200)
			return 0;
		if (rc != 0 && err->kind == NCP_ERR_TIMEOUT) {
			set_timeout(o, page, err);
			return -1;
		}
		if (rc == 0)
			describe_http_error(resp, r.url, err);
		wait = retry_wait_ms(o, attempt, resp, err);
		if (wait < 0)
			return -1;
		if (notes)
			buf_printf(notes, "waiting %lld ms before retrying\n", wait);
		clock_sleep_ms(wait);
	}
}

static void note_raw(struct buf *notes, long page, const struct buf *body)
{
	struct buf safe;

	buf_init(&safe, RAW_NOTE_MAX * 4);
	text_append_safe(&safe, buf_str(body), RAW_NOTE_MAX);
	buf_printf(notes, "answer for page %ld: %s\n", page, buf_str(&safe));
	buf_clear(&safe);
}

struct page_tally {
	size_t orders;         /* on pages that brought something new */
	size_t certs;
	size_t largest_page;   /* most orders any page brought */
	int repeats;           /* pages in a row that brought nothing new */
};

/* A listing that shifts under us while it is read repeats a page and goes
 * on; a server that ignores paging repeats forever.  This many repeats in
 * a row tell them apart. */
#define FETCH_MAX_REPEATS 3

enum paging { PAGING_MORE, PAGING_DONE };

static bool seen_has(const struct seen_set *s, long long v)
{
	if (s->cap == 0)
		return false;
	for (size_t i = seen_hash(v, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == v)
			return true;
	return false;
}

/* A page whose numbered certificates were all seen before is a repeat
 * (a server ignoring paging): all of it goes, unnumbered entries too. */
static bool is_repeat_page(const struct ncp_page *p, const struct seen_set *seen)
{
	size_t numbered = 0;

	for (size_t i = 0; i < p->certs.len; i++) {
		if (!p->certs.items[i].has_no)
			continue;
		numbered++;
		if (!seen_has(seen, p->certs.items[i].no))
			return false;
	}
	return numbered > 0;
}

/* Moves the page's new certificates to out; returns how many were new. */
static long keep_new(struct ncp_page *p, struct seen_set *seen, struct ncp_cert_list *out,
		     struct fetch_stats *stats)
{
	bool repeat = is_repeat_page(p, seen);
	long fresh = 0;

	for (size_t i = 0; i < p->certs.len; i++) {
		struct ncp_cert *c = &p->certs.items[i];
		int added = repeat ? 0 : c->has_no ? seen_add(seen, c->no) : 1;
		if (added < 0)
			return -1;
		if (added == 0) {
			stats->duplicates++;
			cert_clear(c);
			continue;
		}
		if (cert_list_push(out, c) != 0)
			return -1;
		fresh++;
	}
	p->certs.len = 0;
	return fresh;
}

/* totalCount may count orders or certificates, and servers may cap or
 * ignore pageSize: stop only when both readings of totalCount are met and
 * the page was short (or exactly completed the count), or on an empty page.
 * A server that caps pageSize shows its real page size in its largest
 * page; a page that size may have followers even when a totalCount that is
 * too low says otherwise.  A page that brings nothing new ends the listing
 * when totalCount (read either way) is reached; before that it may be a
 * listing that shifted by a page while it was read, whose next page has
 * what we have not seen, so we go on, up to FETCH_MAX_REPEATS repeats in
 * a row (a server that ignores paging). */
static enum paging next_step(long page_size, const struct ncp_page *p, long fresh, struct page_tally *t)
{
	size_t real_size = (long)t->largest_page < page_size ? t->largest_page : (size_t)page_size;
	bool full = p->n_orders >= real_size;
	bool met = p->has_total && (long long)t->orders >= p->total_count && (long long)t->certs >= p->total_count;
	bool met_either = p->has_total && ((long long)t->orders >= p->total_count ||
					   (long long)t->certs >= p->total_count);

	if (p->n_orders == 0 && p->certs.len == 0)
		return PAGING_DONE;
	if (fresh == 0) {
		if (!p->has_total || met_either)
			return PAGING_DONE;
		return ++t->repeats >= FETCH_MAX_REPEATS ? PAGING_DONE : PAGING_MORE;
	}
	t->repeats = 0;
	if (!p->has_total)
		return PAGING_MORE;
	return met && (!full || (long long)t->orders == p->total_count) ? PAGING_DONE : PAGING_MORE;
}

/* What paging has seen so far: shared by live fetches and cache replays. */
struct absorber {
	struct seen_set seen;
	struct page_tally tally;
	long page_size;
};

/* Parses one page and keeps its new certificates; *last says whether the
 * paging rules see the account complete. */
static int absorb_page(struct absorber *a, const struct buf *body, long page, struct ncp_cert_list *out,
		       struct fetch_stats *stats, bool *last, struct ncp_err *err)
{
	struct ncp_page p;
	enum paging step;
	long fresh;

	if (parse_page(buf_str(body), body->len, &p, err) != 0) {
		ncp_err_prefix(err, "page %ld (HTTP 200)", page);
		return -1;
	}
	stats->pages++;
	stats->has_total = p.has_total;
	stats->total_count = p.total_count;
	if (p.n_orders > a->tally.largest_page)
		a->tally.largest_page = p.n_orders;
	fresh = keep_new(&p, &a->seen, out, stats);
	if (fresh > 0) {
		a->tally.orders += p.n_orders;
		a->tally.certs += (size_t)fresh;
	}
	step = fresh >= 0 ? next_step(a->page_size, &p, fresh, &a->tally) : PAGING_MORE;
	ncp_page_clear(&p);
	if (fresh < 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (out->len > FETCH_MAX_CERTIFICATES) {
		ncp_err_set(err, NCP_ERR_ANSWER, "the API listed more than %d certificates: refusing to hold more",
			    FETCH_MAX_CERTIFICATES);
		return -1;
	}
	*last = step == PAGING_DONE;
	return 0;
}

static int fetch_pages(const struct fetch_options *o, struct http_client *http, const struct ncp_creds *creds,
		       struct ncp_cert_list *out, struct fetch_stats *stats, struct page_set *keep,
		       struct buf *notes, struct ncp_err *err)
{
	struct http_response resp;
	struct absorber a = { .page_size = o->page_size };
	int rc = -1;

	http_response_init(&resp, o->max_response);
	for (long page = 1;; page++) {
		bool last = false;

		if (page > FETCH_MAX_PAGES) {
			ncp_err_set(err, NCP_ERR_ANSWER, "gave up after %d pages: the API keeps sending new pages",
				    FETCH_MAX_PAGES);
			break;
		}
		if (get_page(o, http, creds, page, &resp, stats, notes, err) != 0)
			break;
		if (notes && o->verbose >= 3)
			note_raw(notes, page, &resp.body);
		if (absorb_page(&a, &resp.body, page, out, stats, &last, err) != 0)
			break;
		if (keep && page_set_add(keep, buf_str(&resp.body), resp.body.len) != 0) {
			ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
			break;
		}
		if (last) {
			rc = 0;
			break;
		}
	}
	seen_clear(&a.seen);
	http_response_clear(&resp);
	return rc;
}

int fetch_replay(const struct page_set *pages, struct ncp_cert_list *out, struct fetch_stats *stats,
		 struct ncp_err *err)
{
	struct absorber a = { .page_size = 0 };
	int rc = 0;

	memset(stats, 0, sizeof *stats);
	for (size_t i = 0; i < pages->len && rc == 0; i++) {
		bool last;
		rc = absorb_page(&a, &pages->pages[i], (long)i + 1, out, stats, &last, err);
	}
	seen_clear(&a.seen);
	return rc;
}

int fetch_all(const struct fetch_options *o, const struct ncp_creds *creds, struct ncp_cert_list *out,
	      struct fetch_stats *stats, struct page_set *keep, struct buf *notes, struct ncp_err *err)
{
	struct http_options ho = { .insecure = o->insecure, .cacert = o->cacert, .max_body = o->max_response };
	struct http_client *http;
	long long started = clock_monotonic_ms();
	int rc;

	memset(stats, 0, sizeof *stats);
	if (fetch_check_endpoint(o->endpoint, err) != 0)
		return -1;
	http = http_client_new(&ho, err);
	if (http == NULL)
		return -1;
	rc = fetch_pages(o, http, creds, out, stats, keep, notes, err);
	http_client_free(http);
	if (notes)
		buf_printf(notes, "%zu page%s, %zu request%s, %zu certificates, %zu duplicates dropped, totalCount %s%lld, %lld ms\n",
			   stats->pages, stats->pages == 1 ? "" : "s", stats->requests, stats->requests == 1 ? "" : "s",
			   out->len, stats->duplicates, stats->has_total ? "" : "missing ",
			   stats->has_total ? stats->total_count : 0, clock_monotonic_ms() - started);
	return rc;
}
