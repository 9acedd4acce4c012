#include "config.h"

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"

#define DEFAULT_TIMEOUT_S 30.0
#define DEFAULT_RETRIES 2
#define DEFAULT_PAGE_SIZE 100
#define DEFAULT_MAX_RESPONSE (32u * 1024 * 1024)

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
};

static const struct option long_options[] = {
	{ "endpoint", required_argument, NULL, 'u' },
	{ "access-key", required_argument, NULL, 'a' },
	{ "secret-key-file", required_argument, NULL, OPT_SECRET_KEY_FILE },
	{ "credentials-file", required_argument, NULL, OPT_CREDENTIALS_FILE },
	{ "profile", required_argument, NULL, OPT_PROFILE },
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
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":u:a:w:c:t:vhV";

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
		mult = 1024 * 1024;
	else if (*end == 'G' || *end == 'g')
		mult = 1024 * 1024 * 1024;
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

static int apply_option(int opt, const char *arg, struct plugin_config *cfg, struct ncp_err *err)
{
	long n;

	switch (opt) {
	case 'u': cfg->endpoint = arg; return fetch_check_endpoint(arg, err);
	case 'a': cfg->creds.access_key = arg; return 0;
	case OPT_SECRET_KEY_FILE: cfg->creds.secret_key_file = arg; return 0;
	case OPT_CREDENTIALS_FILE: cfg->creds.credentials_file = arg; return 0;
	case OPT_PROFILE: cfg->creds.profile = arg; return 0;
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
	ncp_err_set(err, NCP_ERR_USAGE, "unhandled option");
	return -1;
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
	      "         [--credentials-file FILE] [--profile NAME] [-w DAYS] [-c DAYS]\n"
	      "         [-t SECONDS] [--retries N] [--page-size N] [--max-response-size BYTES]\n"
	      "         [--cacert FILE | --insecure] [--api-error-state STATE]\n"
	      "         [--input FILE|-] [-v...] | -h | -V\n", out);
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
	      "\nThresholds (days left before notAfter; fractions allowed)\n"
	      " -w, --warning RANGE       WARNING when fewer days are left (default 30)\n"
	      " -c, --critical RANGE      CRITICAL when fewer days are left (default 14)\n"
	      "                           A bare N means N: (alert below N). Ranges as in the\n"
	      "                           Monitoring Plugins guidelines: N:, ~:N, N:M, @N:M\n"
	      "\nStatus\n"
	      "  NORMAL, NORMAL_UNREGISTERED_PRIVATE_KEY, NORMAL_GLOBAL_EDGE_DEDICATED: by expiry\n"
	      "  (an expired one is CRITICAL); ONGOING: OK; REQUEST_REVOKE: WARNING;\n"
	      "  FAILED, FAILED (LINT/CT/ORG_LOCK), VALIDATION_FAILED, VALIDATION_EXPIRE, REVOKE,\n"
	      "  EXPIRE: CRITICAL; DELETED: left out; an unknown status: UNKNOWN.\n"
	      "\nOutput\n"
	      " -v, --verbose             -v lists OK certificates too, -vv adds requests and\n"
	      "                           credential source, -vvv the raw answers\n"
	      " -h, --help                this help\n"
	      " -V, --version             version\n"
	      "\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n", out);
}
