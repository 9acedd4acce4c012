/* Where the API keys come from: flag + file, environment, or the NCP CLI's
 * credentials file, first found wins.  The secret never comes from argv. */
#ifndef NCP_CREDS_H
#define NCP_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct creds_request {
	const char *access_key;        /* -a; needs secret_key_file */
	const char *secret_key_file;   /* --secret-key-file */
	const char *credentials_file;  /* --credentials-file; NULL: ~/.ncloud/configure */
	const char *profile;           /* --profile; NULL: $NCLOUD_PROFILE, then DEFAULT */
	bool allow_open;               /* --allow-open-credentials: accept group/other-readable files */
};

struct ncp_creds {
	char *access_key;
	char *secret;          /* wiped by creds_clear */
	size_t secret_len;
	char source[512];      /* where they came from, for -vv: never the secret */
};

/* The environment, injectable for tests (getenv in the plugin). */
typedef const char *(*creds_getenv_fn)(const char *name);

/* 0, or -1 with err (NCP_ERR_CREDS or NCP_ERR_USAGE) saying what to do. */
int creds_find(const struct creds_request *req, creds_getenv_fn env, struct ncp_creds *out,
	       struct ncp_err *err);

/* Overwrites the secret-key environment variables in place and removes
 * them, so neither /proc/PID/environ nor a child process sees them. */
void creds_scrub_environment(void);

/* Wipes the secret and frees everything. */
void creds_clear(struct ncp_creds *c);

/* Reads a small file that holds a secret; trailing blanks and line ends
 * dropped.  Buffers holding the secret are wiped.  For creds and tests. */
int creds_read_secret_file(const char *path, char **secret, size_t *len, struct ncp_err *err);

#endif
