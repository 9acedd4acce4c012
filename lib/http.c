#include "config.h"

#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>


struct http_client {
	CURL *curl;
	size_t max_body;
	bool body_too_large;
	struct buf *sink;       /* the current response body */
	char errbuf[CURL_ERROR_SIZE];
};

void http_response_init(struct http_response *r, size_t max_body)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->body, max_body);
	r->retry_after = -1;
}

void http_response_clear(struct http_response *r)
{
	buf_clear(&r->body);
	r->status = 0;
	r->retry_after = -1;
	r->location[0] = '\0';
}

/* Refuses bytes past the cap, so a huge answer is never buffered whole. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct http_client *c = userp;
	size_t n = size * nmemb;

	if (buf_append(c->sink, data, n) != 0) {
		c->body_too_large = true;
		return 0;
	}
	return n;
}

static int set_protocols(CURL *curl)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	return curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK ? 0 : -1;
#else
	return curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK ? 0 : -1;
#endif
}

static int configure(struct http_client *c, const struct http_options *o)
{
	CURL *h = c->curl;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	rc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	rc |= curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	rc |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->cacert)
		rc |= curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
	return rc == CURLE_OK && set_protocols(h) == 0 ? 0 : -1;
}

struct http_client *http_client_new(const struct http_options *o, struct ncp_err *err)
{
	struct http_client *c = calloc(1, sizeof *c);

	if (c == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(c);
		ncp_err_set(err, NCP_ERR_INTERNAL, "cannot initialise libcurl");
		return NULL;
	}
	c->max_body = o->max_body;
	c->curl = curl_easy_init();
	if (c->curl == NULL || configure(c, o) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "cannot set up libcurl (too old, or built without HTTPS?)");
		http_client_free(c);
		return NULL;
	}
	return c;
}

void http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c);
	curl_global_cleanup();
}

static bool is_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

static void describe_failure(struct http_client *c, CURLcode rc, const char *url, struct ncp_err *err)
{
	const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
	enum ncp_err_kind kind = NCP_ERR_TRANSPORT;
	const char *hint = "";

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		kind = NCP_ERR_TIMEOUT;
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (rc == CURLE_FILESIZE_EXCEEDED || c->body_too_large) {
			ncp_err_set(err, NCP_ERR_ANSWER, "answer from %s is larger than %zu bytes (--max-response-size)",
				    url, c->max_body);
			return;
		}
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
		hint = " (a private CA needs --cacert FILE)";
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		hint = " (check --endpoint and DNS)";
		break;
	default:
		break;
	}
	ncp_err_set(err, kind, "%s: %s%s", url, detail, hint);
	err->transient = is_transient(rc);
}

int http_get(struct http_client *c, const char *url, const char *const *headers, size_t n_headers,
	     long long timeout_ms, struct http_response *resp, struct ncp_err *err)
{
	struct curl_slist *list = NULL, *tmp;
	CURLcode rc;
	curl_off_t retry = -1, total_us = 0;
	char *location = NULL;
	int out = -1;

	buf_reset(&resp->body);
	resp->body.max = c->max_body;
	resp->status = 0;
	resp->retry_after = -1;
	resp->location[0] = '\0';
	c->sink = &resp->body;
	c->body_too_large = false;
	c->errbuf[0] = '\0';
	for (size_t i = 0; i < n_headers; i++) {
		if ((tmp = curl_slist_append(list, headers[i])) == NULL) {
			ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
			goto done;
		}
		list = tmp;
	}
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	rc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &total_us);
	resp->elapsed_ms = (long long)(total_us / 1000);
	if (rc != CURLE_OK) {
		describe_failure(c, rc, url, err);
		goto done;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry >= 0 &&
	    (resp->status == 429 || resp->status == 503 || resp->status >= 300))
		resp->retry_after = retry > 86400 ? 86400 : (long)retry;
	if (curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
		snprintf(resp->location, sizeof resp->location, "%s", location);
	out = 0;
done:
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(list);
	c->sink = NULL;
	return out;
}
