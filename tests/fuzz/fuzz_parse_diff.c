/* libFuzzer target: the two answer readers against each other.
 *
 * lib/parse_fast.c reads the answers shaped as the API sends them without
 * a JSON tree and gives up on anything else; parse_page_full() (json-c)
 * is the reference.  Whenever the fast reader accepts a document, the
 * full reader must accept it too and give field for field the same page
 * (tests/common/page_compare.h).  When it gives up, it must leave nothing
 * behind.  No rendering here, so this target runs far faster than
 * fuzz_parse and goes deeper into the fast reader.
 *
 * The input is the raw body, not NUL-terminated, as lib/fetch.c hands it
 * over, so ASan sees any read past its end. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/page_compare.h"
#include "err.h"
#include "parse.h"
#include "parse_fast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail, size_t at)
{
	fprintf(stderr, "fuzz_parse_diff: %s: %s (certificate %zu)\n", what, detail ? detail : "-", at);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct ncp_page fast, full;
	struct ncp_err err;
	const char *diff;
	size_t at = 0;
	int rc;

	rc = parse_fast_page(body, size, &fast);
	if (rc == -2)
		fail("fast reader ran out of memory", NULL, 0);
	if (rc != 0) {
		if (rc != -1)
			fail("fast reader returned an unknown code", NULL, 0);
		if (fast.certs.len != 0 || fast.certs.items != NULL || fast.n_orders != 0 || fast.has_total)
			fail("fast reader gave up but left a page behind", NULL, 0);
		ncp_page_clear(&fast);
		return 0;
	}
	ncp_err_clear(&err);
	if (parse_page_full(body, size, &full, &err) != 0)
		fail("fast reader accepted what the json-c reader refuses", err.msg, 0);
	if ((diff = page_difference(&fast, &full, &at)) != NULL)
		fail("the readers disagree on", diff, at);
	ncp_page_clear(&fast);
	ncp_page_clear(&full);
	return 0;
}
