#include "config.h"

#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ini.h"

/* A key file or credentials file is tiny; anything bigger is a mistake. */
#define CREDS_FILE_MAX ((size_t)64 * 1024)

void creds_clear(struct ncp_creds *c)
{
	if (c->secret) {
		OPENSSL_cleanse(c->secret, c->secret_len);
		free(c->secret);
	}
	free(c->access_key);
	memset(c, 0, sizeof *c);
}

static void wipe_free(char *s, size_t len)
{
	if (s) {
		OPENSSL_cleanse(s, len);
		free(s);
	}
}

/* Like ssh with its keys: a secret others can read is no longer secret. */
static int check_private(int fd, const char *path, bool allow_open, struct ncp_err *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		ncp_err_set(err, NCP_ERR_CREDS, "cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ncp_err_set(err, NCP_ERR_CREDS, "%s is not a regular file", path);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && !allow_open) {
		ncp_err_set(err, NCP_ERR_CREDS,
			    "%s is readable by group or others (mode %04o): chmod 600 it, "
			    "or pass --allow-open-credentials", path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Whole file into a NUL-terminated heap buffer the caller wipes. */
static int read_small_file(const char *path, bool allow_open, char **data, size_t *len, struct ncp_err *err)
{
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		ncp_err_set(err, NCP_ERR_CREDS, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (check_private(fd, path, allow_open, err) != 0) {
		close(fd);
		return -1;
	}
	buf = malloc(CREDS_FILE_MAX + 1);
	if (buf == NULL) {
		close(fd);
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	while ((got = read(fd, buf + n, CREDS_FILE_MAX + 1 - n)) > 0 && n <= CREDS_FILE_MAX)
		n += (size_t)got;
	close(fd);
	if (got < 0 || n > CREDS_FILE_MAX) {
		wipe_free(buf, CREDS_FILE_MAX + 1);
		if (got < 0)
			ncp_err_set(err, NCP_ERR_CREDS, "cannot read %s: %s", path, strerror(errno));
		else
			ncp_err_set(err, NCP_ERR_CREDS, "%s is larger than %zu bytes: not a key file", path, CREDS_FILE_MAX);
		return -1;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

static int read_secret_file(const char *path, bool allow_open, char **secret, size_t *len, struct ncp_err *err)
{
	char *data;
	size_t n, cap;

	if (read_small_file(path, allow_open, &data, &n, err) != 0)
		return -1;
	cap = CREDS_FILE_MAX + 1;
	while (n > 0 && strchr(" \t\r\n", data[n - 1]))
		data[--n] = '\0';
	if (n == 0 || memchr(data, '\0', n) != NULL || memchr(data, '\n', n) != NULL) {
		wipe_free(data, cap);
		ncp_err_set(err, NCP_ERR_CREDS, "%s must hold the secret key alone on one line", path);
		return -1;
	}
	*secret = malloc(n + 1);
	if (*secret == NULL) {
		wipe_free(data, cap);
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	memcpy(*secret, data, n + 1);
	*len = n;
	wipe_free(data, cap);
	return 0;
}

int creds_read_secret_file(const char *path, char **secret, size_t *len, struct ncp_err *err)
{
	return read_secret_file(path, false, secret, len, err);
}

static int from_flag(const struct creds_request *req, struct ncp_creds *out, struct ncp_err *err)
{
	if (read_secret_file(req->secret_key_file, req->allow_open, &out->secret, &out->secret_len, err) != 0) {
		ncp_err_prefix(err, "--secret-key-file");
		return -1;
	}
	out->access_key = strdup(req->access_key);
	snprintf(out->source, sizeof out->source, "--access-key and --secret-key-file %s",
		 req->secret_key_file);
	return out->access_key ? 0 : -1;
}

static const char *first_env(creds_getenv_fn env, const char *a, const char *b, const char **which)
{
	const char *v = env(a);

	*which = a;
	if (v && *v)
		return v;
	*which = b;
	v = env(b);
	return v && *v ? v : NULL;
}

/* 1 found, 0 not set, -1 half set (an error). */
static int from_env(creds_getenv_fn env, struct ncp_creds *out, struct ncp_err *err)
{
	const char *key_var, *secret_var;
	const char *key = first_env(env, "NCLOUD_ACCESS_KEY_ID", "NCLOUD_ACCESS_KEY", &key_var);
	const char *secret = first_env(env, "NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_SECRET_KEY", &secret_var);

	if (key == NULL && secret == NULL)
		return 0;
	if (key == NULL || secret == NULL) {
		ncp_err_set(err, NCP_ERR_CREDS, "%s is set but %s is not: set both or neither",
			    key ? key_var : secret_var,
			    key ? "NCLOUD_SECRET_ACCESS_KEY (or NCLOUD_SECRET_KEY)"
				: "NCLOUD_ACCESS_KEY_ID (or NCLOUD_ACCESS_KEY)");
		return -1;
	}
	out->access_key = strdup(key);
	out->secret_len = strlen(secret);
	out->secret = strdup(secret);
	if (out->access_key == NULL || out->secret == NULL) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	snprintf(out->source, sizeof out->source, "environment %s and %s", key_var, secret_var);
	return 1;
}

static int default_credentials_path(creds_getenv_fn env, char *out, size_t len)
{
	const char *home = env("HOME");

	if (home == NULL || *home == '\0') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home == NULL)
		return -1;
	snprintf(out, len, "%s/.ncloud/configure", home);
	return 0;
}

/* 1 found, 0 no such file or profile (default file only), -1 error. */
static int from_file(const char *path, bool explicit, bool allow_open, const char *profile,
		     struct ncp_creds *out, struct ncp_err *err)
{
	char *text = NULL, *key = NULL, *secret = NULL;
	size_t len = 0;
	bool seen = false;
	int rc = -1, k, s;

	if (!explicit && access(path, F_OK) != 0)
		return 0;
	if (read_small_file(path, allow_open, &text, &len, err) != 0) {
		ncp_err_prefix(err, "credentials file");
		return -1;
	}
	k = ini_lookup(text, len, profile, "ncloud_access_key_id", &key, &seen);
	s = ini_lookup(text, len, profile, "ncloud_secret_access_key", &secret, &seen);
	if (k < 0 || s < 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
	} else if (!seen) {
		ncp_err_set(err, NCP_ERR_CREDS, "no profile [%s] in %s", profile, path);
		rc = explicit ? -1 : 0;
	} else if (k == 0 || s == 0 || *key == '\0' || *secret == '\0') {
		ncp_err_set(err, NCP_ERR_CREDS, "profile [%s] in %s lacks %s", profile, path,
			    k == 0 || *key == '\0' ? "ncloud_access_key_id" : "ncloud_secret_access_key");
	} else {
		out->access_key = key;
		out->secret = secret;
		out->secret_len = strlen(secret);
		key = secret = NULL;
		snprintf(out->source, sizeof out->source, "credentials file %s, profile [%s]", path, profile);
		rc = 1;
	}
	free(key);
	wipe_free(secret, secret ? strlen(secret) : 0);
	wipe_free(text, len);
	return rc;
}

void creds_scrub_environment(void)
{
	static const char *const names[] = { "NCLOUD_SECRET_ACCESS_KEY", "NCLOUD_SECRET_KEY" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *value = getenv(names[i]);
		if (value == NULL)
			continue;
		OPENSSL_cleanse(value, strlen(value));
		unsetenv(names[i]);
	}
}

static void no_credentials(const char *path, const char *profile, struct ncp_err *err)
{
	ncp_err_set(err, NCP_ERR_CREDS,
		    "no API credentials: pass -a/--access-key with --secret-key-file, "
		    "or set NCLOUD_ACCESS_KEY_ID and NCLOUD_SECRET_ACCESS_KEY, "
		    "or add ncloud_access_key_id and ncloud_secret_access_key to profile [%s] of %s",
		    profile, path);
}

int creds_find(const struct creds_request *req, creds_getenv_fn env, struct ncp_creds *out,
	       struct ncp_err *err)
{
	char path[4096];
	const char *profile = req->profile;
	int rc;

	memset(out, 0, sizeof *out);
	if ((req->access_key != NULL) != (req->secret_key_file != NULL)) {
		ncp_err_set(err, NCP_ERR_USAGE, "%s needs %s too", req->access_key ? "--access-key" : "--secret-key-file",
			    req->access_key ? "--secret-key-file" : "--access-key");
		return -1;
	}
	if (req->access_key)
		rc = from_flag(req, out, err) == 0 ? 1 : -1;
	else
		rc = from_env(env, out, err);
	if (rc == 0) {
		if (profile == NULL || *profile == '\0')
			profile = env("NCLOUD_PROFILE");
		if (profile == NULL || *profile == '\0')
			profile = "DEFAULT";
		if (req->credentials_file)
			snprintf(path, sizeof path, "%s", req->credentials_file);
		else if (default_credentials_path(env, path, sizeof path) != 0)
			snprintf(path, sizeof path, "~/.ncloud/configure");
		rc = from_file(path, req->credentials_file != NULL, req->allow_open, profile, out, err);
		if (rc == 0)
			no_credentials(path, profile, err);
	}
	if (rc != 1) {
		creds_clear(out);
		return -1;
	}
	return 0;
}
