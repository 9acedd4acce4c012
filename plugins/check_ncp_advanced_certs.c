/* check_ncp_advanced_certs: options -> credentials -> fetch (or --input)
 * -> judge -> render.  Only this file exits. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "buf.h"
#include "cert.h"
#include "clock.h"
#include "creds.h"
#include "err.h"
#include "fetch.h"
#include "judge.h"
#include "listing.h"
#include "options.h"
#include "parse.h"
#include "render.h"
#include "report_json.h"
#include "select.h"
#include "supersede.h"
#include "watchdog.h"

/* Output is written once, at the end, so a closed pipe or a watchdog can
 * never leave half a line behind. */
static void emit(const struct buf *out)
{
	const char *p = buf_str(out);
	size_t left = out->len;

	while (left > 0) {
		ssize_t n = write(STDOUT_FILENO, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		left -= (size_t)n;
	}
}

static int usage_error(const struct ncp_err *err)
{
	struct render_options ro = { 0 };
	struct buf out;

	buf_init(&out, 1 << 16);
	render_error(STATE_UNKNOWN, err->msg, &ro, &out);
	emit(&out);
	buf_clear(&out);
	fflush(stdout);
	options_print_short_usage(stdout);
	return STATE_UNKNOWN;
}

static int read_input(const struct plugin_config *cfg, struct buf *body, struct ncp_err *err)
{
	FILE *f = strcmp(cfg->input, "-") == 0 ? stdin : fopen(cfg->input, "rb");
	char chunk[65536];
	struct stat st;
	size_t n;
	int rc = 0;

	if (f == NULL) {
		ncp_err_set(err, NCP_ERR_INPUT, "cannot open --input %s: %s", cfg->input, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		buf_presize(body, (size_t)st.st_size);   /* fails harmlessly past the cap */
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(body, chunk, n) != 0) {
			ncp_err_set(err, NCP_ERR_INPUT, "--input %s is larger than %zu bytes (--max-response-size)",
				    cfg->input, cfg->max_response);
			rc = -1;
		}
	if (rc == 0 && ferror(f)) {
		ncp_err_set(err, NCP_ERR_INPUT, "cannot read --input %s: %s", cfg->input, strerror(errno));
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

static int load_input(const struct plugin_config *cfg, struct ncp_cert_list *certs, struct ncp_err *err)
{
	struct buf body;
	struct ncp_page page;
	int rc = -1;

	buf_init(&body, cfg->max_response);
	if (read_input(cfg, &body, err) == 0 && parse_page(buf_str(&body), body.len, &page, err) == 0) {
		rc = cert_list_take_all(certs, &page.certs);
		ncp_page_clear(&page);
		if (rc != 0)
			ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
	} else if (err->kind != NCP_ERR_INPUT) {
		ncp_err_prefix(err, "--input %s", cfg->input);
	}
	buf_clear(&body);
	return rc;
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

static int fetch_account(const struct plugin_config *cfg, long long started_ms, struct ncp_cert_list *certs,
			 struct account_info *info, struct buf *notes, struct ncp_err *err)
{
	struct account_options ao = {
		.fetch = {
			.endpoint = cfg->endpoint,
			.page_size = cfg->page_size,
			.retries = cfg->retries,
			.max_response = cfg->max_response,
			.insecure = cfg->insecure,
			.cacert = cfg->cacert,
			.deadline_ms = started_ms + (long long)(cfg->timeout_s * 1000.0),
			.timeout_s = cfg->timeout_s,
			.verbose = cfg->verbose,
		},
		.cache_file = cfg->cache_file,
		.cache_max_age_s = cfg->cache_max_age_s,
		.cache_stale_max_s = cfg->cache_stale_max_s,
	};
	struct ncp_creds creds;
	int rc;

	rc = creds_find(&cfg->creds, env_lookup, &creds, err);
	creds_scrub_environment();
	if (rc != 0)
		return -1;
	if (notes)
		buf_printf(notes, "credentials from %s (access key %.4s...)\n", creds.source, creds.access_key);
	rc = account_load(&ao, &creds, certs, info, notes, err);
	creds_clear(&creds);
	return rc;
}

/* Renewals are found over the whole account, then the selection applies,
 * then each selected certificate is judged. */
static int judge_account(const struct plugin_config *cfg, const struct ncp_cert_list *certs, struct report *report,
			 struct ncp_err *err)
{
	size_t n = certs->len ? certs->len : 1;
	size_t *superseded_by = malloc(n * sizeof *superseded_by);
	enum cert_disposition *disposition = malloc(n * sizeof *disposition);
	size_t selected;
	int rc = -1;

	if (superseded_by == NULL || disposition == NULL || supersede_find(certs, superseded_by) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory judging %zu certificates", certs->len);
		goto out;
	}
	selected = select_plan(certs, &cfg->filter, cfg->include_superseded, superseded_by, disposition);
	if (selected == 0 && !filter_is_empty(&cfg->filter)) {
		struct buf what;
		buf_init(&what, 4096);
		filter_describe(&cfg->filter, &what);
		ncp_err_set(err, NCP_ERR_SELECTION, "no certificate matched %s (of %zu in the account)", buf_str(&what),
			    certs->len);
		buf_clear(&what);
		goto out;
	}
	if (judge_selection(certs, &cfg->policy, time(NULL), disposition, superseded_by, report) != 0) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory judging %zu certificates", certs->len);
		goto out;
	}
	rc = 0;
out:
	free(superseded_by);
	free(disposition);
	return rc;
}

/* Failures to get an answer take the user's --api-error-state; problems
 * on our side (usage, credentials, selection, memory) stay UNKNOWN. */
static enum plugin_state error_state(const struct ncp_err *err, enum plugin_state api_error_state)
{
	switch (err->kind) {
	case NCP_ERR_TRANSPORT:
	case NCP_ERR_TIMEOUT:
	case NCP_ERR_HTTP:
	case NCP_ERR_API:
	case NCP_ERR_ANSWER:
		return api_error_state;
	default:
		return STATE_UNKNOWN;
	}
}

static int render_success(const struct plugin_config *cfg, const struct report *report,
			  const struct render_options *ro, struct buf *out)
{
	switch (cfg->output) {
	case OUTPUT_LIST:
		return listing_render(report, out);
	case OUTPUT_JSON:
		return report_json_render(report, ro, out);
	case OUTPUT_PLUGIN:
		break;
	}
	return render_report(report, ro, out);
}

static int render_failure(const struct plugin_config *cfg, enum plugin_state state, const struct ncp_err *err,
			  const struct render_options *ro, struct buf *out)
{
	if (cfg->output == OUTPUT_JSON)
		return report_json_render_error(state, err->msg, out);
	return render_error(state, err->msg, ro, out);
}

int main(int argc, char *argv[])
{
	long long started_ms = clock_monotonic_ms();
	struct plugin_config cfg;
	struct ncp_cert_list certs;
	struct account_info info = { 0 };
	struct report report = { 0 };
	struct ncp_err err;
	struct buf out, notes, stale;
	enum plugin_state state;
	int rc;

	/* No core dump may carry the secret key. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	ncp_err_clear(&err);
	if (options_parse(argc, argv, &cfg, &err) != 0) {
		options_free(&cfg);
		return usage_error(&err);
	}
	if (cfg.action != ACTION_CHECK) {
		(cfg.action == ACTION_HELP ? options_print_help : options_print_version)(stdout);
		options_free(&cfg);
		return STATE_UNKNOWN;
	}
	watchdog_arm(cfg.timeout_s + 0.5, cfg.timeout_s, cfg.api_error_state);
	cert_list_init(&certs);
	buf_init(&out, (size_t)256 * 1024 * 1024);
	buf_init(&notes, (size_t)64 * 1024 * 1024);
	buf_init(&stale, 4096);
	if (cfg.input)
		rc = load_input(&cfg, &certs, &err);
	else
		rc = fetch_account(&cfg, started_ms, &certs, &info, cfg.verbose >= 2 ? &notes : NULL, &err);
	if (rc == 0)
		rc = judge_account(&cfg, &certs, &report, &err);
	if (info.stale)
		buf_printf(&stale, "API failed: %s - using the cached answer from %lld s ago", info.failure,
			   info.cache_age_s);
	struct render_options ro = {
		.verbose = cfg.verbose,
		.insecure = cfg.insecure && !cfg.input,
		.policy = &cfg.policy,
		.notes = buf_str(&notes),
		.perfdata = cfg.perfdata,
		.max_lines = cfg.max_lines,
		.stale_note = info.stale ? buf_str(&stale) : NULL,
	};
	state = rc == 0 ? report.worst : error_state(&err, cfg.api_error_state);
	rc = rc == 0 ? render_success(&cfg, &report, &ro, &out) : render_failure(&cfg, state, &err, &ro, &out);
	watchdog_disarm();
	if (rc != 0) {
		buf_reset(&out);
		buf_printf(&out, "%s UNKNOWN - out of memory writing the output\n", RENDER_SERVICE);
		state = STATE_UNKNOWN;
	}
	emit(&out);
	report_clear(&report);
	cert_list_clear(&certs);
	buf_clear(&out);
	buf_clear(&notes);
	buf_clear(&stale);
	options_free(&cfg);
	return (int)state;
}
