/* lib/sign.c: API Gateway signature v2.
 *
 * Vectors computed outside this code with the shell, e.g.
 *   printf 'GET /api/v2/certificate/getPaidCertificates?page=1&pageSize=100\n1700000000000\nACCESSKEY' |
 *     openssl dgst -sha256 -hmac 'SECRET' -binary | base64
 * and cross-checked with python3 hmac/hashlib/base64.  The key holding a
 * NUL byte: openssl dgst -sha256 -mac HMAC -macopt hexkey:6162006364. */
#include "config.h"

#include <string.h>

#include "sign.h"
#include "tap.h"

#define LONG_SECRET \
	"0123456789abcdefghijklmnopqrstuvwxyz" \
	"0123456789abcdefghijklmnopqrstuvwxyz" \
	"0123456789abcdefghijklmnopqrstuvwxyz"

struct vector {
	const char *method, *uri, *timestamp, *access_key, *secret;
	size_t secret_len;
	const char *want;
	const char *what;
};

static const struct vector vectors[] = {
	{ "GET", "/api/v2/certificate/getPaidCertificates?page=1&pageSize=100", "1700000000000", "ACCESSKEY",
	  "SECRET", 6, "8WXs5Xb8EuI//op4bDSoJ0+s1hamboCzoof/Ud8DPN0=", "the plain example" },
	{ "GET", "/api/v2/certificate/getPaidCertificates?page=2&pageSize=50", "1712345678901",
	  "ncp_iam_BPAMKR1234567890", "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7s", 40,
	  "vQKXVSsdHA0ixRNRQMujvSPt7Kbsxv8r9spJQrGVQms=", "realistic keys, page 2" },
	{ "GET", "/prefix/gw/api/v2/certificate/getPaidCertificates?page=1&pageSize=100", "1700000000000", "AK",
	  "S", 1, "TeTi068S4+0+nCGEPhjRtFWRsbgQDab5184lrO37OPM=", "path prefix and a 1-character secret" },
	{ "GET", "/api/v2/certificate/getPaidCertificates?page=1&pageSize=100", "1700000000000", "ACCESSKEY",
	  LONG_SECRET, 108, "dZITYNpEAeR3zCMwp7wP8CySkn61QOrIj9VTDehPmSw=",
	  "108-byte secret (longer than the 64-byte HMAC block)" },
	{ "POST", "/x", "0", "K", "SECRET", 6, "ZN1c8WKdiVKLGClWRB5tZ7ZdER7Sj6fWmR73BAgwC+Q=",
	  "another method, tiny URI" },
	{ "GET", "/a?b=c", "1", "AK", "ab\0cd", 5, "mqnWnI8ust7YGyTdJMoOkBsClxL+3dskTfDaIm/0ZAI=",
	  "secret holding a NUL byte: secret_len counts, not strlen" },
	{ "GET", "/a?b=c", "1", "AK", "ab\0cd", 2, "yzzmnn3VJGCQJxITN2U4Y/b2XxhS7FfV9bWz8m/H3RM=",
	  "secret_len 2 uses only \"ab\"" },
};

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const struct vector *v = &vectors[i];
		char out[SIGN_V2_LEN];
		memset(out, 'X', sizeof out);
		int rc = sign_v2(v->method, v->uri, v->timestamp, v->access_key, v->secret, v->secret_len, out);
		if (!tap_is_int(rc, 0, "sign %s: returns 0", v->what))
			continue;
		tap_is_int(out[SIGN_V2_LEN - 1], '\0', "  %s: NUL-terminated", v->what);
		tap_is_int((long long)strlen(out), 44, "  %s: 44 characters", v->what);
		tap_is_str(out, v->want, "  %s: signature", v->what);
	}
}

static void test_sensitivity(void)
{
	static const char uri[] = "/api/v2/certificate/getPaidCertificates?page=1&pageSize=100";
	char base[SIGN_V2_LEN], again[SIGN_V2_LEN], other[SIGN_V2_LEN];

	sign_v2("GET", uri, "1700000000000", "ACCESSKEY", "SECRET", 6, base);
	sign_v2("GET", uri, "1700000000000", "ACCESSKEY", "SECRET", 6, again);
	tap_is_str(again, base, "same input, same signature");

	sign_v2("GET", uri, "1700000000001", "ACCESSKEY", "SECRET", 6, other);
	tap_ok(strcmp(other, base) != 0, "a timestamp 1 ms later changes the signature");
	sign_v2("GET", uri, "1700000000000", "ACCESSKEY", "SECRET", 6, other);
	tap_is_str(other, base, "and back again");
	sign_v2("GET", uri, "1700000000000", "ACCESSKEZ", "SECRET", 6, other);
	tap_ok(strcmp(other, base) != 0, "another access key changes the signature");
	sign_v2("GET", uri, "1700000000000", "ACCESSKEY", "SECRES", 6, other);
	tap_ok(strcmp(other, base) != 0, "another secret changes the signature");
	sign_v2("GET", "/api/v2/certificate/getPaidCertificates?page=2&pageSize=100", "1700000000000",
		"ACCESSKEY", "SECRET", 6, other);
	tap_ok(strcmp(other, base) != 0, "another query changes the signature");
	sign_v2("GET", uri, "1700000000000", "ACCESSKEY", "SECRETXYZ", 6, other);
	tap_is_str(other, base, "bytes past secret_len are not used");
}

int main(void)
{
	test_vectors();
	test_sensitivity();
	return tap_done();
}
