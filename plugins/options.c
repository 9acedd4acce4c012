#include "config.h"

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"

#define DEFAULT_TIMEOUT_S 30.0
#define DEFAULT_RETRIES 2
#define DEFAULT_PAGE_SIZE 100
#define DEFAULT_MAX_RESPONSE ((size_t)32 * 1024 * 1024)

enum long_only {
	OPT_SECRET_KEY_FILE = 256,
	OPT_CREDENTIALS_FILE,
	OPT_PROFILE,
	OPT_RETRIES,
	OPT_PAGE_SIZE,
	OPT_CACERT,
	OPT_INSECURE,
	OPT_API_ERROR_STATE,
	OPT_INPUT,
	OPT_MAX_RESPONSE,
	OPT_TYPE,
	OPT_INCLUDE_SUPERSEDED,
	OPT_STATUS_STATE,
	OPT_CACHE_FILE,
	OPT_CACHE_MAX_AGE,
	OPT_CACHE_STALE_MAX,
	OPT_LIST,
	OPT_JSON,
	OPT_PERFDATA,
	OPT_MAX_LINES,
	OPT_ALLOW_OPEN_CREDENTIALS,
};

static const struct option long_options[] = {
	{ "endpoint", required_argument, NULL, 'u' },
	{ "access-key", required_argument, NULL, 'a' },
	{ "secret-key-file", required_argument, NULL, OPT_SECRET_KEY_FILE },
	{ "credentials-file", required_argument, NULL, OPT_CREDENTIALS_FILE },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "allow-open-credentials", no_argument, NULL, OPT_ALLOW_OPEN_CREDENTIALS },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "max-response-size", required_argument, NULL, OPT_MAX_RESPONSE },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "api-error-state", required_argument, NULL, OPT_API_ERROR_STATE },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "name", required_argument, NULL, 'n' },
	{ "domain", required_argument, NULL, 'd' },
	{ "certificate-no", required_argument, NULL, 'N' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "include-superseded", no_argument, NULL, OPT_INCLUDE_SUPERSEDED },
	{ "status-state", required_argument, NULL, OPT_STATUS_STATE },
	{ "cache-file", required_argument, NULL, OPT_CACHE_FILE },
	{ "cache-max-age", required_argument, NULL, OPT_CACHE_MAX_AGE },
	{ "cache-stale-max", required_argument, NULL, OPT_CACHE_STALE_MAX },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "perfdata", required_argument, NULL, OPT_PERFDATA },
	{ "max-lines", required_argument, NULL, OPT_MAX_LINES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":u:a:w:c:t:n:d:N:x:vhV";

#define DEFAULT_CACHE_MAX_AGE_S 300

static void config_defaults(struct plugin_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->action = ACTION_CHECK;
	cfg->endpoint = FETCH_DEFAULT_ENDPOINT;
	judge_policy_defaults(&cfg->policy);
	cfg->timeout_s = DEFAULT_TIMEOUT_S;
	cfg->retries = DEFAULT_RETRIES;
	cfg->page_size = DEFAULT_PAGE_SIZE;
	cfg->max_response = DEFAULT_MAX_RESPONSE;
	cfg->api_error_state = STATE_UNKNOWN;
	filter_init(&cfg->filter);
	cfg->cache_max_age_s = DEFAULT_CACHE_MAX_AGE_S;
	cfg->output = OUTPUT_PLUGIN;
	cfg->perfdata = PERFDATA_ALL;
	cfg->max_lines = RENDER_DEFAULT_MAX_LINES;
}

void options_free(struct plugin_config *cfg)
{
	filter_clear(&cfg->filter);
	free(cfg->overrides);
	cfg->overrides = NULL;
	cfg->n_overrides = 0;
}

/* Whole string, decimal, in [min, max]; no sign tricks, no junk. */
static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || strspn(s, "0123456789.") != strlen(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v <= 0 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

/* 1048576, 512K, 32M, 1G (powers of 1024). */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v, mult = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'K' || *end == 'k')
		mult = 1024;
	else if (*end == 'M' || *end == 'm')
		mult = 1024ull * 1024;
	else if (*end == 'G' || *end == 'g')
		mult = 1024ull * 1024 * 1024;
	if (mult != 1)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v == 0 || v > (1ull << 40) / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

static int bad_value(struct ncp_err *err, const char *option, const char *value, const char *expect)
{
	ncp_err_set(err, NCP_ERR_USAGE, "invalid %s '%.60s': %s", option, value, expect);
	return -1;
}

static int parse_threshold(const char *option, const char *value, struct range *out, struct ncp_err *err)
{
	const char *why;

	if (range_parse(value, out, &why) != 0)
		return bad_value(err, option, value, why);
	return 0;
}

/* The valid STATUS words, for the error message. */
static void status_names(char *out, size_t len)
{
	size_t count, used = 0;
	const struct status_info *t = status_table(&count);

	out[0] = '\0';
	for (size_t i = 0; i < count && used < len; i++) {
		int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "", t[i].canonical);
		used += n > 0 ? (size_t)n : 0;
	}
}

static int parse_status_code(const char *s, long *code)
{
	const struct status_info *info;

	if (parse_long(*s == '-' ? s + 1 : s, 0, 1000000, code) == 0) {
		if (*s == '-')
			*code = -*code;
		return 0;
	}
	info = status_by_name(s);
	if (info == NULL)
		return -1;
	*code = info->code;
	return 0;
}

/* STATUS=STATE: a code (-5) or canonical name (REVOKE), and ok, warning,
 * critical, unknown or ignore. */
static int add_status_state(struct plugin_config *cfg, const char *arg, struct ncp_err *err)
{
	const char *eq = strrchr(arg, '=');
	struct status_override o = { 0 };
	struct status_override *grown;
	char status[64], names[1024];

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof status)
		return bad_value(err, "--status-state", arg, "expected STATUS=STATE, e.g. REVOKE=warning");
	snprintf(status, sizeof status, "%.*s", (int)(eq - arg), arg);
	if (parse_status_code(status, &o.code) != 0) {
		status_names(names, sizeof names);
		ncp_err_set(err, NCP_ERR_USAGE, "invalid --status-state: unknown status '%.60s'; use a status code or one of %s",
			    status, names);
		return -1;
	}
	if (strcasecmp(eq + 1, "ignore") == 0)
		o.ignore = true;
	else if (!state_parse(eq + 1, &o.state))
		return bad_value(err, "--status-state", arg, "STATE must be ok, warning, critical, unknown or ignore");
	grown = realloc(cfg->overrides, (cfg->n_overrides + 1) * sizeof *grown);
	if (grown == NULL) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	cfg->overrides = grown;
	cfg->overrides[cfg->n_overrides++] = o;
	cfg->policy.overrides = cfg->overrides;
	cfg->policy.n_overrides = cfg->n_overrides;
	return 0;
}

static int parse_certificate_no(struct plugin_config *cfg, const char *arg, struct ncp_err *err)
{
	char *end;
	long long no;

	errno = 0;
	no = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || errno != 0 || *end != '\0')
		return bad_value(err, "--certificate-no", arg, "a certificate number");
	if (filter_add_number(&cfg->filter, no) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

static int parse_choice(const char *option, const char *arg, const char *const *words, int *out,
			struct ncp_err *err)
{
	char expect[128] = "one of";

	for (int i = 0; words[i]; i++) {
		if (strcasecmp(arg, words[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(expect + strlen(expect), sizeof expect - strlen(expect), "%s %s", i ? "," : "", words[i]);
	}
	return bad_value(err, option, arg, expect);
}

static int parse_age(const char *option, const char *arg, long long *out, struct ncp_err *err)
{
	long n;

	if (parse_long(arg, 0, 366L * 86400, &n) != 0)
		return bad_value(err, option, arg, "whole seconds");
	*out = n;
	return 0;
}

static int apply_output_option(int opt, const char *arg, struct plugin_config *cfg, struct ncp_err *err)
{
	static const char *const types[] = { "any", "dv", "ov", NULL };
	static const char *const perfdata[] = { "all", "summary", "none", NULL };
	int choice;
	long n;

	switch (opt) {
	case OPT_TYPE:
		if (parse_choice("--type", arg, types + 1, &choice, err) != 0)
			return -1;
		cfg->filter.type = choice == 0 ? CERT_TYPE_DV : CERT_TYPE_OV;
		return 0;
	case OPT_PERFDATA:
		if (parse_choice("--perfdata", arg, perfdata, &choice, err) != 0)
			return -1;
		cfg->perfdata = choice == 0 ? PERFDATA_ALL : choice == 1 ? PERFDATA_SUMMARY : PERFDATA_NONE;
		return 0;
	case OPT_MAX_LINES:
		if (parse_long(arg, 1, 1000000, &n) != 0)
			return bad_value(err, "--max-lines", arg, "a whole number from 1");
		cfg->max_lines = (size_t)n;
		return 0;
	case OPT_LIST: cfg->output = OUTPUT_LIST; return 0;
	case OPT_JSON: cfg->output = OUTPUT_JSON; return 0;
	}
	ncp_err_set(err, NCP_ERR_USAGE, "unhandled option");
	return -1;
}

static int apply_selection_option(int opt, const char *arg, struct plugin_config *cfg, struct ncp_err *err)
{
	switch (opt) {
	case 'n': return filter_add_regex(&cfg->filter, FILTER_NAME, arg, err);
	case 'd': return filter_add_regex(&cfg->filter, FILTER_DOMAIN, arg, err);
	case 'x': return filter_add_regex(&cfg->filter, FILTER_EXCLUDE, arg, err);
	case 'N': return parse_certificate_no(cfg, arg, err);
	case OPT_INCLUDE_SUPERSEDED: cfg->include_superseded = true; return 0;
	case OPT_STATUS_STATE: return add_status_state(cfg, arg, err);
	case OPT_CACHE_FILE: cfg->cache_file = arg; return 0;
	case OPT_CACHE_MAX_AGE: return parse_age("--cache-max-age", arg, &cfg->cache_max_age_s, err);
	case OPT_CACHE_STALE_MAX: return parse_age("--cache-stale-max", arg, &cfg->cache_stale_max_s, err);
	}
	return apply_output_option(opt, arg, cfg, err);
}

static int apply_option(int opt, const char *arg, struct plugin_config *cfg, struct ncp_err *err)
{
	long n;

	switch (opt) {
	case 'u': cfg->endpoint = arg; return fetch_check_endpoint(arg, err);
	case 'a': cfg->creds.access_key = arg; return 0;
	case OPT_SECRET_KEY_FILE: cfg->creds.secret_key_file = arg; return 0;
	case OPT_CREDENTIALS_FILE: cfg->creds.credentials_file = arg; return 0;
	case OPT_PROFILE: cfg->creds.profile = arg; return 0;
	case OPT_ALLOW_OPEN_CREDENTIALS: cfg->creds.allow_open = true; return 0;
	case 'w': return parse_threshold("--warning", arg, &cfg->policy.warning, err);
	case 'c': return parse_threshold("--critical", arg, &cfg->policy.critical, err);
	case 't':
		if (parse_seconds(arg, &cfg->timeout_s) != 0)
			return bad_value(err, "--timeout", arg, "seconds, more than 0 and at most 86400");
		return 0;
	case OPT_RETRIES:
		if (parse_long(arg, 0, 10, &n) != 0)
			return bad_value(err, "--retries", arg, "a whole number from 0 to 10");
		cfg->retries = (int)n;
		return 0;
	case OPT_PAGE_SIZE:
		if (parse_long(arg, 1, 10000, &cfg->page_size) != 0)
			return bad_value(err, "--page-size", arg, "a whole number from 1 to 10000");
		return 0;
	case OPT_MAX_RESPONSE:
		if (parse_size(arg, &cfg->max_response) != 0)
			return bad_value(err, "--max-response-size", arg, "bytes, with an optional K, M or G suffix");
		return 0;
	case OPT_CACERT: cfg->cacert = arg; return 0;
	case OPT_INSECURE: cfg->insecure = true; return 0;
	case OPT_API_ERROR_STATE:
		if (!state_parse(arg, &cfg->api_error_state))
			return bad_value(err, "--api-error-state", arg, "one of ok, warning, critical, unknown");
		return 0;
	case OPT_INPUT: cfg->input = arg; return 0;
	case 'v': if (cfg->verbose < 3) cfg->verbose++; return 0;
	case 'h': cfg->action = ACTION_HELP; return 0;
	case 'V': cfg->action = ACTION_VERSION; return 0;
	}
	return apply_selection_option(opt, arg, cfg, err);
}

/* getopt's own messages would echo the argument, which might be a secret
 * someone tried to pass; ours name the option only. */
static int unknown_option(const char *arg, struct ncp_err *err)
{
	size_t len = strcspn(arg, "=");

	ncp_err_set(err, NCP_ERR_USAGE, "unknown option %.*s", (int)(len > 60 ? 60 : len), arg);
	return -1;
}

/* getopt_long takes any unambiguous prefix, so "--secret-key=VALUE" would
 * quietly become --secret-key-file: refuse every spelling but the full one. */
static int refuse_secret_argument(int argc, char *const argv[], struct ncp_err *err)
{
	static const char full[] = "--secret-key-file";

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		size_t len = strcspn(argv[i], "=");
		if (strncmp(argv[i], "--sec", 5) != 0 || (len == sizeof full - 1 && strncmp(argv[i], full, len) == 0))
			continue;
		ncp_err_set(err, NCP_ERR_USAGE,
			    "the secret key is never taken from the command line (ps shows it to everyone): "
			    "use --secret-key-file FILE, NCLOUD_SECRET_ACCESS_KEY or ~/.ncloud/configure");
		return -1;
	}
	return 0;
}

static int check_combination(const struct plugin_config *cfg, struct ncp_err *err)
{
	if ((cfg->creds.access_key != NULL) != (cfg->creds.secret_key_file != NULL)) {
		ncp_err_set(err, NCP_ERR_USAGE, "%s needs %s too",
			    cfg->creds.access_key ? "--access-key" : "--secret-key-file",
			    cfg->creds.access_key ? "--secret-key-file" : "--access-key");
		return -1;
	}
	if (cfg->cache_file && cfg->input) {
		ncp_err_set(err, NCP_ERR_USAGE, "--cache-file and --input exclude each other");
		return -1;
	}
	if (cfg->insecure && cfg->cacert) {
		ncp_err_set(err, NCP_ERR_USAGE, "--insecure and --cacert contradict each other");
		return -1;
	}
	return 0;
}

int options_parse(int argc, char *const argv[], struct plugin_config *cfg, struct ncp_err *err)
{
	int opt;

	config_defaults(cfg);
	if (refuse_secret_argument(argc, argv, err) != 0)
		return -1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (opt == '?')
			return unknown_option(argv[optind - 1], err);
		if (opt == ':') {
			ncp_err_set(err, NCP_ERR_USAGE, "%.60s needs a value", argv[optind - 1]);
			return -1;
		}
		if (apply_option(opt, optarg, cfg, err) != 0)
			return -1;
	}
	if (optind < argc) {
		ncp_err_set(err, NCP_ERR_USAGE, "unexpected argument '%.60s' (this plugin takes options only)",
			    argv[optind]);
		return -1;
	}
	if (cfg->action != ACTION_CHECK)
		return 0;
	return check_combination(cfg, err);
}

void options_print_usage(FILE *out)
{
	fputs("Usage: check_ncp_advanced_certs [-u URL] [-a KEY --secret-key-file FILE]\n"
	      "         [--credentials-file FILE] [--profile NAME] [--allow-open-credentials]\n"
	      "         [-w DAYS] [-c DAYS]\n"
	      "         [-t SECONDS] [--retries N] [--page-size N] [--max-response-size BYTES]\n"
	      "         [--cacert FILE | --insecure] [--api-error-state STATE]\n"
	      "         [--input FILE|-] [-n REGEX] [-d REGEX] [-N NUM] [-x REGEX]\n"
	      "         [--type dv|ov] [--include-superseded] [--status-state STATUS=STATE]\n"
	      "         [--cache-file FILE [--cache-max-age S] [--cache-stale-max S]]\n"
	      "         [--list | --json] [--perfdata all|summary|none] [--max-lines N]\n"
	      "         [-v...] | -h | -V\n", out);
}

void options_print_short_usage(FILE *out)
{
	fputs("Usage: check_ncp_advanced_certs [-u URL] [-w DAYS] [-c DAYS] [-t SECONDS] [options]\n"
	      "Try 'check_ncp_advanced_certs --help' for every option.\n", out);
}

void options_print_version(FILE *out)
{
	fputs(PACKAGE_NAME " " PACKAGE_VERSION "\n", out);
}

void options_print_help(FILE *out)
{
	options_print_version(out);
	fputs("Checks the NAVER Cloud Platform Certificate Manager \"Advanced\" (paid DV/OV)\n"
	      "certificates of an account: days left before notAfter, and status.\n\n", out);
	options_print_usage(out);
	fputs("\nAPI\n"
	      " -u, --endpoint URL        API base URL (default " FETCH_DEFAULT_ENDPOINT ");\n"
	      "                           http:// only for local mocks and proxies\n"
	      " -t, --timeout SECONDS     bound for the whole run, retries included (default 30)\n"
	      "     --retries N           retries of connection failures and HTTP 429/500/502/503/504\n"
	      "                           (default 2), honouring Retry-After\n"
	      "     --page-size N         orders asked for per page (default 100)\n"
	      "     --max-response-size BYTES  largest answer read, K/M/G suffixes (default 32M)\n"
	      "     --cacert FILE         trust this CA bundle (a private CA or TLS proxy)\n"
	      "     --insecure            do not verify the server certificate (said in the output)\n"
	      "     --api-error-state STATE  state when the API gives no usable answer:\n"
	      "                           ok, warning, critical or unknown (default unknown)\n"
	      "     --input FILE          judge a saved getPaidCertificates answer (- for stdin)\n"
	      "                           instead of calling the API; no credentials needed\n"
	      "\nCredentials (first found wins; the secret key is never an argument)\n"
	      " -a, --access-key KEY      access key, with --secret-key-file\n"
	      "     --secret-key-file FILE  file holding the secret key\n"
	      "     environment           NCLOUD_ACCESS_KEY_ID (or NCLOUD_ACCESS_KEY) and\n"
	      "                           NCLOUD_SECRET_ACCESS_KEY (or NCLOUD_SECRET_KEY)\n"
	      "     --credentials-file FILE  INI file (default ~/.ncloud/configure) with\n"
	      "                           ncloud_access_key_id and ncloud_secret_access_key\n"
	      "     --profile NAME        section of that file (default $NCLOUD_PROFILE, then DEFAULT)\n"
	      "     --allow-open-credentials  accept key files that group or others can read\n"
	      "                           (refused by default, like ssh does)\n"
	      "\nThresholds (days left before notAfter; fractions allowed)\n"
	      " -w, --warning RANGE       WARNING when fewer days are left (default 30)\n"
	      " -c, --critical RANGE      CRITICAL when fewer days are left (default 14)\n"
	      "                           A bare N means N: (alert below N). Ranges as in the\n"
	      "                           Monitoring Plugins guidelines: N:, ~:N, N:M, @N:M\n"
	      "\nSelection (kinds combine; repeated options of one kind: any of them)\n"
	      " -n, --name REGEX          certificateName matches (extended, case-insensitive)\n"
	      " -d, --domain REGEX        commonName or any dnsName matches\n"
	      " -N, --certificate-no NUM  this certificate number\n"
	      " -x, --exclude REGEX       drop certificates whose name, commonName or dnsName matches\n"
	      "     --type dv|ov          only this certificate type\n"
	      "     --include-superseded  also judge certificates a renewal has replaced\n"
	      "                           (left out by default; shown with -v)\n"
	      "\nStatus\n"
	      "  NORMAL, NORMAL_UNREGISTERED_PRIVATE_KEY, NORMAL_GLOBAL_EDGE_DEDICATED: by expiry\n"
	      "  (an expired one is CRITICAL); ONGOING: OK; REQUEST_REVOKE: WARNING;\n"
	      "  FAILED, FAILED (LINT/CT/ORG_LOCK), VALIDATION_FAILED, VALIDATION_EXPIRE, REVOKE,\n"
	      "  EXPIRE: CRITICAL; DELETED: left out; an unknown status: UNKNOWN.\n"
	      "     --status-state STATUS=STATE  override: STATUS a code (-5) or name (REVOKE,\n"
	      "                           FAILED_LINT, ...), STATE ok, warning, critical, unknown\n"
	      "                           or ignore\n"
	      "\nShared cache\n"
	      "     --cache-file FILE     reuse the account's answer saved by an earlier run\n"
	      "     --cache-max-age SECONDS  while it is this young (default 300)\n"
	      "     --cache-stale-max SECONDS  if the API fails, use a cached answer up to this\n"
	      "                           old and say so (default off)\n"
	      "\nOutput\n"
	      "     --list                a table of the certificates instead of plugin output\n"
	      "     --json                one JSON document instead of plugin output\n"
	      "     --perfdata all|summary|none  per-certificate values, or counts and min_left\n"
	      "                           only, or none (default all)\n"
	      "     --max-lines N         long output lines before \"... and N more\" (default 50)\n"
	      " -v, --verbose             -v lists OK certificates too, -vv adds requests and\n"
	      "                           credential source, -vvv the raw answers\n"
	      " -h, --help                this help\n"
	      " -V, --version             version\n"
	      "\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n", out);
}
