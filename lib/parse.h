/* API answers -> our structs.  The only module that knows json-c. */
#ifndef NCP_PARSE_H
#define NCP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "cert.h"
#include "err.h"

struct ncp_page {
	struct ncp_cert_list certs;  /* owned */
	size_t n_orders;             /* order entries on this page */
	bool has_total;
	long long total_count;       /* totalCount: orders or certificates */
};

/* json-c spends ~100 bytes a value: an answer of more values than this is
 * refused rather than built (a real page holds a few thousand). */
#define PARSE_MAX_JSON_VALUES 1000000
/* More certificate entries than this on one page is no real account. */
#define PARSE_MAX_PAGE_CERTS 200000

void ncp_page_init(struct ncp_page *p);
void ncp_page_clear(struct ncp_page *p);

/* One getPaidCertificates answer.  Fails (NCP_ERR_ANSWER or NCP_ERR_API)
 * only when the document as a whole is unusable; a bad certificate entry
 * becomes a certificate with `problem` set so the others are still judged.
 * The JSON tree is freed before returning. */
int parse_page(const char *body, size_t len, struct ncp_page *out, struct ncp_err *err);

/* The same with json-c alone, whatever the document: the reference the
 * fast reader is checked against (tests, fuzzing). */
int parse_page_full(const char *body, size_t len, struct ncp_page *out, struct ncp_err *err);

/* The API's own words from an error body: "errorCode 200: Authentication
 * Failed (details)" or "returnCode 1: message".  Writes "" and returns false
 * when the body says nothing we recognise. */
bool parse_error_body(const char *body, size_t len, char *out, size_t out_len);

#endif
