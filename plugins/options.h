/* Command line -> struct plugin_config, built once and const after. */
#ifndef NCP_OPTIONS_H
#define NCP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "creds.h"
#include "err.h"
#include "judge.h"
#include "render.h"
#include "select.h"
#include "state.h"

enum output_mode {
	OUTPUT_PLUGIN,      /* the monitoring plugin lines */
	OUTPUT_LIST,        /* --list: a table */
	OUTPUT_JSON,        /* --json */
};

enum plugin_action {
	ACTION_CHECK,
	ACTION_HELP,
	ACTION_VERSION,
};

struct plugin_config {
	enum plugin_action action;
	const char *endpoint;
	struct creds_request creds;     /* strings borrowed from argv */
	struct judge_policy policy;
	double timeout_s;
	int retries;
	long page_size;
	size_t max_response;
	const char *cacert;
	bool insecure;
	enum plugin_state api_error_state;
	const char *input;              /* --input FILE or "-" */
	int verbose;
	struct cert_filter filter;      /* owned: options_free */
	bool include_superseded;
	struct status_override *overrides;  /* owned */
	size_t n_overrides;
	const char *cache_file;
	long long cache_max_age_s;
	long long cache_stale_max_s;
	enum output_mode output;
	enum perfdata_mode perfdata;
	size_t max_lines;
};

/* 0, or -1 with err (NCP_ERR_USAGE) naming the option and the problem,
 * never echoing a value that could be a secret. */
int options_parse(int argc, char *const argv[], struct plugin_config *cfg, struct ncp_err *err);

void options_free(struct plugin_config *cfg);

void options_print_usage(FILE *out);
void options_print_short_usage(FILE *out);
void options_print_help(FILE *out);
void options_print_version(FILE *out);

#endif
