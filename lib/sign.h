/* NCP API Gateway signature v2.  Pure: the caller supplies the clock. */
#ifndef NCP_SIGN_H
#define NCP_SIGN_H

#include <stddef.h>

/* Base64 of a 32-byte HMAC: 44 characters and a NUL. */
#define SIGN_V2_LEN 45

/* out = Base64(HMAC-SHA256(secret, method " " uri "\n" timestamp "\n" access_key))
 * uri is the path and query exactly as sent on the wire.
 * Returns 0, or -1 if OpenSSL failed. */
int sign_v2(const char *method, const char *uri, const char *timestamp_ms,
	    const char *access_key, const char *secret, size_t secret_len,
	    char out[SIGN_V2_LEN]);

#endif
