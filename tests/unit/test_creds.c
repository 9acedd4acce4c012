/* lib/creds.c and lib/ini.c: where the keys come from.  The environment
 * is a fake (creds_find takes it as a function); files live in a private
 * directory under /tmp, removed at the end. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "err.h"
#include "ini.h"
#include "tap.h"

/* ---- a fake environment --------------------------------------------------- */

#define ENV_MAX 8
static struct { const char *name, *value; } fake_env[ENV_MAX];
static char home[256];          /* the temporary directory, our $HOME */

static const char *env_get(const char *name)
{
	for (size_t i = 0; i < ENV_MAX; i++)
		if (fake_env[i].name && strcmp(fake_env[i].name, name) == 0)
			return fake_env[i].value;
	return NULL;
}

/* Empties the environment but for HOME (the temporary directory). */
static void env_reset(void)
{
	memset(fake_env, 0, sizeof fake_env);
	fake_env[0].name = "HOME";
	fake_env[0].value = home;
}

static void env_set(const char *name, const char *value)
{
	for (size_t i = 0; i < ENV_MAX; i++)
		if (fake_env[i].name == NULL || strcmp(fake_env[i].name, name) == 0) {
			fake_env[i].name = name;
			fake_env[i].value = value;
			return;
		}
}

/* ---- files ------------------------------------------------------------- */

static char created[16][512];
static size_t n_created;

/* Writes path (under home) with content; returns the full path (static). */
static const char *write_file(const char *name, const char *content)
{
	char *path = created[n_created < 16 ? n_created++ : 15];
	FILE *f;

	snprintf(path, 512, "%s/%s", home, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		tap_diag("cannot write %s", path);
		return path;
	}
	fputs(content, f);
	fclose(f);
	chmod(path, 0600);   /* how key files should be kept */
	return path;
}

static void remove_file(const char *path)
{
	unlink(path);
}

static char default_file[512];  /* $HOME/.ncloud/configure */

static void write_default_file(const char *content)
{
	char dir[512];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/.ncloud", home);
	mkdir(dir, 0700);
	snprintf(default_file, sizeof default_file, "%s/configure", dir);
	f = fopen(default_file, "wb");
	if (f) {
		fputs(content, f);
		fclose(f);
		chmod(default_file, 0600);
	}
}

static void remove_default_file(void)
{
	char dir[512];

	unlink(default_file);
	snprintf(dir, sizeof dir, "%s/.ncloud", home);
	rmdir(dir);
}

static const char ini_two_profiles[] =
	"# NCP CLI credentials\n"
	"[DEFAULT]\n"
	"ncloud_access_key_id = AK_DEFAULT\n"
	"ncloud_secret_access_key = SK_DEFAULT\n"
	"ncloud_api_url = https://ncloud.apigw.ntruss.com\n"
	"\n"
	"[other]\n"
	"ncloud_access_key_id = AK_OTHER\n"
	"ncloud_secret_access_key = SK_OTHER\n";

/* ---- helpers ------------------------------------------------------------ */

struct outcome {
	int rc;
	struct ncp_creds creds;
	struct ncp_err err;
};

static struct outcome find(struct creds_request req)
{
	struct outcome o;

	ncp_err_clear(&o.err);
	o.rc = creds_find(&req, env_get, &o.creds, &o.err);
	return o;
}

/* Checks a success: keys, and that source names where and never the secret. */
static void expect_keys(struct outcome *o, const char *ak, const char *sk, const char *source_has,
			const char *what)
{
	if (!tap_is_int(o->rc, 0, "%s: found", what)) {
		tap_diag("error: %s", o->err.msg);
		return;
	}
	tap_is_str(o->creds.access_key, ak, "%s: access key", what);
	tap_is_str(o->creds.secret, sk, "%s: secret", what);
	tap_is_int((long long)o->creds.secret_len, (long long)strlen(sk), "%s: secret length", what);
	tap_has_str(o->creds.source, source_has, "%s: source says where", what);
	tap_ok(strstr(o->creds.source, sk) == NULL, "%s: source never holds the secret", what);
	creds_clear(&o->creds);
	tap_ok(o->creds.secret == NULL && o->creds.access_key == NULL && o->creds.secret_len == 0,
	       "%s: creds_clear empties", what);
}

static void expect_error(struct outcome *o, enum ncp_err_kind kind, const char *needle, const char *what)
{
	tap_ok(o->rc == -1 && o->err.kind == kind, "%s: fails with kind %d", what, (int)kind);
	if (o->rc != -1 || o->err.kind != kind)
		tap_diag("rc %d kind %d msg %s", o->rc, (int)o->err.kind, o->err.msg);
	if (needle)
		tap_has_str(o->err.msg, needle, "%s: message mentions %s", what, needle);
	tap_ok(o->creds.secret == NULL && o->creds.access_key == NULL, "%s: nothing left in creds", what);
	creds_clear(&o->creds);
}

/* ---- flag + file ---------------------------------------------------------- */

static void test_flag(void)
{
	struct outcome o;
	const char *f;

	env_reset();
	f = write_file("secret1", "SECRET1\n");
	o = find((struct creds_request){ .access_key = "AK1", .secret_key_file = f });
	expect_keys(&o, "AK1", "SECRET1", f, "flag + file");

	f = write_file("secret2", "SECRET2 \t\r\n\n");
	o = find((struct creds_request){ .access_key = "AK2", .secret_key_file = f });
	expect_keys(&o, "AK2", "SECRET2", "--secret-key-file", "file with CRLF and trailing blanks");

	f = write_file("secret3", "NONEWLINE");
	o = find((struct creds_request){ .access_key = "AK3", .secret_key_file = f });
	expect_keys(&o, "AK3", "NONEWLINE", "--secret-key-file", "file without a newline");

	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ENV");
	env_set("NCLOUD_SECRET_ACCESS_KEY", "SK_ENV");
	o = find((struct creds_request){ .access_key = "AK1", .secret_key_file = created[0] });
	expect_keys(&o, "AK1", "SECRET1", "--secret-key-file", "flag beats the environment");
	env_reset();

	f = write_file("two_lines", "LINE1\nLINE2\n");
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = f });
	expect_error(&o, NCP_ERR_CREDS, "one line", "secret file with two lines");
	tap_ok(strstr(o.err.msg, "LINE1") == NULL, "two lines: the message never quotes the secret");

	f = write_file("empty", "\n");
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = f });
	expect_error(&o, NCP_ERR_CREDS, NULL, "empty secret file");

	char missing[600];
	snprintf(missing, sizeof missing, "%s/no-such-file", home);
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = missing });
	expect_error(&o, NCP_ERR_CREDS, "--secret-key-file", "missing secret file");
	tap_has_str(o.err.msg, missing, "missing secret file: message names the path");

	o = find((struct creds_request){ .access_key = "AK" });
	expect_error(&o, NCP_ERR_USAGE, "--secret-key-file", "access key without secret file");
	o = find((struct creds_request){ .secret_key_file = created[0] });
	expect_error(&o, NCP_ERR_USAGE, "--access-key", "secret file without access key");
}

static void test_read_secret_file(void)
{
	char *secret = NULL;
	size_t len = 0;
	struct ncp_err err;
	const char *f = write_file("direct", "  padded-left\n");

	ncp_err_clear(&err);
	tap_ok(creds_read_secret_file(f, &secret, &len, &err) == 0 && secret && strcmp(secret, "  padded-left") == 0 &&
	       len == 13, "creds_read_secret_file: leading blanks kept, line end dropped");
	free(secret);

	char *big = malloc(70000);
	memset(big, 'k', 69999);
	big[69999] = '\0';
	f = write_file("big", big);
	free(big);
	secret = NULL;
	tap_ok(creds_read_secret_file(f, &secret, &len, &err) == -1 && secret == NULL && err.kind == NCP_ERR_CREDS,
	       "creds_read_secret_file: a 70 000-byte file is refused");
}

/* ---- environment ---------------------------------------------------------- */

static void test_env(void)
{
	struct outcome o;

	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	env_set("NCLOUD_SECRET_ACCESS_KEY", "SK_ACCESS");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_ID", "SK_ACCESS", "NCLOUD_ACCESS_KEY_ID", "env, first spelling");

	env_reset();
	env_set("NCLOUD_ACCESS_KEY", "AK_SHORT");
	env_set("NCLOUD_SECRET_KEY", "SK_SHORT");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_SHORT", "SK_SHORT", "NCLOUD_SECRET_KEY", "env, second spelling");

	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	env_set("NCLOUD_SECRET_KEY", "SK_SHORT");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_ID", "SK_SHORT", "environment", "env, mixed spellings");

	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	env_set("NCLOUD_ACCESS_KEY", "AK_SHORT");
	env_set("NCLOUD_SECRET_ACCESS_KEY", "SK_ACCESS");
	env_set("NCLOUD_SECRET_KEY", "SK_SHORT");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_ID", "SK_ACCESS", "environment", "env, both spellings: the _ID/_ACCESS_ ones win");

	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	o = find((struct creds_request){ 0 });
	expect_error(&o, NCP_ERR_CREDS, "NCLOUD_SECRET_ACCESS_KEY", "env with the access key only");

	env_reset();
	env_set("NCLOUD_SECRET_KEY", "SK_SHORT");
	o = find((struct creds_request){ 0 });
	expect_error(&o, NCP_ERR_CREDS, "NCLOUD_ACCESS_KEY_ID", "env with the secret only");
	tap_ok(strstr(o.err.msg, "SK_SHORT") == NULL, "half-set env: the message never quotes the secret");

	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	env_set("NCLOUD_SECRET_ACCESS_KEY", "");
	o = find((struct creds_request){ 0 });
	expect_error(&o, NCP_ERR_CREDS, "NCLOUD_SECRET_ACCESS_KEY", "env with an empty secret");

	/* the environment beats the credentials file */
	write_default_file(ini_two_profiles);
	env_reset();
	env_set("NCLOUD_ACCESS_KEY_ID", "AK_ID");
	env_set("NCLOUD_SECRET_ACCESS_KEY", "SK_ACCESS");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_ID", "SK_ACCESS", "environment", "env beats ~/.ncloud/configure");
	remove_default_file();
	env_reset();
}

/* ---- the credentials file ------------------------------------------------- */

static void test_file(void)
{
	struct outcome o;
	const char *f;

	env_reset();
	write_default_file(ini_two_profiles);
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_DEFAULT", "SK_DEFAULT", "[DEFAULT]", "default file, DEFAULT profile");
	o = find((struct creds_request){ 0 });
	if (o.rc == 0)
		tap_has_str(o.creds.source, default_file, "default file: source names the file");
	creds_clear(&o.creds);

	o = find((struct creds_request){ .profile = "other" });
	expect_keys(&o, "AK_OTHER", "SK_OTHER", "[other]", "--profile other");

	env_set("NCLOUD_PROFILE", "other");
	o = find((struct creds_request){ 0 });
	expect_keys(&o, "AK_OTHER", "SK_OTHER", "[other]", "NCLOUD_PROFILE=other");
	o = find((struct creds_request){ .profile = "DEFAULT" });
	expect_keys(&o, "AK_DEFAULT", "SK_DEFAULT", "[DEFAULT]", "--profile beats NCLOUD_PROFILE");
	env_reset();

	o = find((struct creds_request){ .profile = "nosuch" });
	expect_error(&o, NCP_ERR_CREDS, NULL, "default file without the profile");
	remove_default_file();

	f = write_file("explicit.ini", "[profile prod]\r\nncloud_access_key_id=AK_PROD\r\n"
				       "ncloud_secret_access_key=SK_PROD\r\n");
	o = find((struct creds_request){ .credentials_file = f, .profile = "prod" });
	expect_keys(&o, "AK_PROD", "SK_PROD", f, "--credentials-file with [profile prod] and CRLF");

	o = find((struct creds_request){ .credentials_file = f, .profile = "staging" });
	expect_error(&o, NCP_ERR_CREDS, "staging", "--credentials-file without the profile");

	f = write_file("nosecret.ini", "[DEFAULT]\nncloud_access_key_id = AK_ONLY\n");
	o = find((struct creds_request){ .credentials_file = f });
	expect_error(&o, NCP_ERR_CREDS, "ncloud_secret_access_key", "profile without the secret key");

	f = write_file("nokey.ini", "[DEFAULT]\nncloud_secret_access_key = SK_ONLY\n");
	o = find((struct creds_request){ .credentials_file = f });
	expect_error(&o, NCP_ERR_CREDS, "ncloud_access_key_id", "profile without the access key");
	tap_ok(strstr(o.err.msg, "SK_ONLY") == NULL, "missing key: the message never quotes the secret");

	f = write_file("emptyvalue.ini", "[DEFAULT]\nncloud_access_key_id =\nncloud_secret_access_key = SK\n");
	o = find((struct creds_request){ .credentials_file = f });
	expect_error(&o, NCP_ERR_CREDS, "ncloud_access_key_id", "profile with an empty access key");

	char missing[600];
	snprintf(missing, sizeof missing, "%s/absent.ini", home);
	o = find((struct creds_request){ .credentials_file = missing });
	expect_error(&o, NCP_ERR_CREDS, missing, "missing --credentials-file");
}

/* Key files others can read are refused, as ssh refuses such keys. */
static void test_open_files(void)
{
	const char *secret = write_file("open-secret", "s3cr3t-open\n");
	const char *ini = write_file("open.ini", "[DEFAULT]\nncloud_access_key_id = AK\nncloud_secret_access_key = SK-open\n");
	struct outcome o;

	env_reset();
	chmod(secret, 0644);
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = secret });
	expect_error(&o, NCP_ERR_CREDS, "--allow-open-credentials", "group/other-readable secret key file");
	tap_has_str(o.err.msg, "0644", "open secret key file: message names the mode");
	tap_ok(strstr(o.err.msg, "s3cr3t-open") == NULL, "open secret key file: message never quotes the secret");
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = secret, .allow_open = true });
	expect_keys(&o, "AK", "s3cr3t-open", "--secret-key-file", "--allow-open-credentials accepts it");
	chmod(secret, 0640);
	o = find((struct creds_request){ .access_key = "AK", .secret_key_file = secret });
	expect_error(&o, NCP_ERR_CREDS, "0640", "group-readable secret key file");
	chmod(ini, 0604);
	o = find((struct creds_request){ .credentials_file = ini });
	expect_error(&o, NCP_ERR_CREDS, "chmod 600", "other-readable credentials file");
	o = find((struct creds_request){ .credentials_file = ini, .allow_open = true });
	expect_keys(&o, "AK", "SK-open", "credentials file", "--allow-open-credentials accepts the INI file");
	chmod(ini, 0400);
	o = find((struct creds_request){ .credentials_file = ini });
	expect_keys(&o, "AK", "SK-open", "credentials file", "read-only for the owner is fine");
}

static void test_nothing(void)
{
	struct outcome o;
	char path[600];

	env_reset();
	remove_default_file();
	snprintf(path, sizeof path, "%s/.ncloud/configure", home);
	o = find((struct creds_request){ 0 });
	expect_error(&o, NCP_ERR_CREDS, "--secret-key-file", "no credentials anywhere");
	tap_has_str(o.err.msg, "NCLOUD_ACCESS_KEY_ID", "no credentials: names the environment variables");
	tap_has_str(o.err.msg, path, "no credentials: names the default file");
}

/* ---- ini_lookup ------------------------------------------------------------ */

struct ini_case {
	const char *text, *section, *key;
	int rc;
	const char *value;
	bool seen;
	const char *what;
};

static const struct ini_case ini_cases[] = {
	{ "[DEFAULT]\nk = v\n", "DEFAULT", "k", 1, "v", true, "plain" },
	{ "[DEFAULT]\r\nk=v\r\n", "DEFAULT", "k", 1, "v", true, "CRLF line ends" },
	{ "[DEFAULT]\n  k   =   value with spaces  \t\n", "DEFAULT", "k", 1, "value with spaces", true,
	  "blanks around key and value" },
	{ "# comment\n; other comment\n[DEFAULT]\n# k = commented\nk = real\n", "DEFAULT", "k", 1, "real", true,
	  "comment lines, even ones that look like keys" },
	{ "[profile x]\nk = vx\n", "x", "k", 1, "vx", true, "[profile x] names section x" },
	{ "[ x ]\nk = vx\n", "x", "k", 1, "vx", true, "blanks inside the brackets" },
	{ "[a]\nk = 1\n[b]\nk = 2\n", "b", "k", 1, "2", true, "the key of the right section" },
	{ "[a]\nk = 1\n[b]\nj = 2\n", "b", "k", 0, NULL, true, "key only in another section: not found" },
	{ "[a]\nk = 1\n", "b", "k", 0, NULL, false, "section absent" },
	{ "k = 1\n[a]\nj = 2\n", "a", "k", 0, NULL, true, "key before any section is not in it" },
	{ "[default]\nk = 1\n", "DEFAULT", "k", 0, NULL, false, "section names are case-sensitive" },
	{ "[DEFAULT]\nK = 1\n", "DEFAULT", "k", 0, NULL, true, "keys are case-sensitive" },
	{ "[DEFAULT]\nk_old = 1\nk = 2\n", "DEFAULT", "k", 1, "2", true, "a longer key is not a match" },
	{ "[DEFAULT]\nk = a=b\n", "DEFAULT", "k", 1, "a=b", true, "value holding '='" },
	{ "[DEFAULT]\nk =\n", "DEFAULT", "k", 1, "", true, "empty value" },
	{ "[DEFAULT]\nk = last", "DEFAULT", "k", 1, "last", true, "last line without newline" },
	{ "[a]\nk = 1\n[b]\n[a]\nj = 3\n", "a", "j", 1, "3", true, "a section given twice" },
	{ "", "DEFAULT", "k", 0, NULL, false, "empty text" },
	{ "[\n]\n[DEFAULT\nk = 1\n", "DEFAULT", "k", 0, NULL, false, "broken headers" },
};

static void test_ini(void)
{
	for (size_t i = 0; i < sizeof ini_cases / sizeof ini_cases[0]; i++) {
		const struct ini_case *c = &ini_cases[i];
		char *value = (char *)"untouched";
		bool seen = !c->seen;
		int rc = ini_lookup(c->text, strlen(c->text), c->section, c->key, &value, &seen);
		bool ok = rc == c->rc && seen == c->seen &&
			  (c->value ? value && strcmp(value, c->value) == 0 : value == NULL);
		tap_ok(ok, "ini: %s", c->what);
		if (!ok)
			tap_diag("rc %d seen %d value %s", rc, (int)seen, value ? value : "(null)");
		if (rc == 1)
			free(value);
	}

	/* len is the end: a section past it is not there */
	const char text[] = "[a]\nk = 1\n[b]\nk = 2\n";
	char *value = NULL;
	bool seen = true;
	tap_ok(ini_lookup(text, 10, "b", "k", &value, &seen) == 0 && !seen && value == NULL,
	       "ini: text past len is not read");
	tap_ok(ini_lookup(text, 9, "a", "k", &value, &seen) == 1 && value && strcmp(value, "1") == 0,
	       "ini: value on a line cut by len");
	free(value);
}

int main(void)
{
	char tmpl[] = "/tmp/test_creds.XXXXXX";

	if (mkdtemp(tmpl) == NULL) {
		tap_ok(false, "mkdtemp under /tmp");
		return tap_done();
	}
	snprintf(home, sizeof home, "%s", tmpl);
	test_flag();
	test_read_secret_file();
	test_env();
	test_file();
	test_open_files();
	test_nothing();
	test_ini();
	for (size_t i = 0; i < n_created; i++)
		remove_file(created[i]);
	remove_default_file();
	tap_ok(rmdir(home) == 0, "temporary directory removed, nothing left behind");
	return tap_done();
}
