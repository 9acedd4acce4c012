#include "config.h"

#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"

int sign_v2(const char *method, const char *uri, const char *timestamp_ms,
	    const char *access_key, const char *secret, size_t secret_len,
	    char out[SIGN_V2_LEN])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	struct buf msg;
	int rc = -1;

	buf_init(&msg, 1 << 16);
	if (buf_printf(&msg, "%s %s\n%s\n%s", method, uri, timestamp_ms, access_key) != 0)
		goto out;
	if (secret_len > (size_t)0x7fffffff ||
	    HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)msg.data,
		 msg.len, mac, &mac_len) == NULL || mac_len != 32)
		goto out;
	if (EVP_EncodeBlock((unsigned char *)out, mac, (int)mac_len) != SIGN_V2_LEN - 1)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(mac, sizeof mac);
	buf_clear(&msg);
	return rc;
}
