/* One reused libcurl handle: the connection survives between pages. */
#ifndef NCP_HTTP_H
#define NCP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct http_client;

struct http_options {
	bool insecure;          /* no peer or host verification */
	const char *cacert;     /* extra CA bundle, or NULL */
	size_t max_body;        /* bytes; a larger answer is an error */
};

struct http_response {
	long status;
	struct buf body;        /* owned */
	long retry_after;       /* seconds from Retry-After, or -1 */
	char location[512];     /* Location of a 3xx, or "" */
	long long elapsed_ms;
};

struct http_client *http_client_new(const struct http_options *o, struct ncp_err *err);
void http_client_free(struct http_client *c);

/* GET url with extra header lines ("Name: value"), giving up after
 * timeout_ms.  Returns 0 whenever an HTTP answer arrived, whatever its
 * status; -1 with err (NCP_ERR_TIMEOUT, NCP_ERR_TRANSPORT; err->transient
 * for failures worth a retry) otherwise.  resp is reset first. */
int http_get(struct http_client *c, const char *url, const char *const *headers, size_t n_headers,
	     long long timeout_ms, struct http_response *resp, struct ncp_err *err);

void http_response_init(struct http_response *r, size_t max_body);
void http_response_clear(struct http_response *r);

#endif
