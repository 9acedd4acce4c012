/* A report (or an error) -> the plugin's text: first line with perfdata,
 * then long output.  Reads nothing but what it is given. */
#ifndef NCP_RENDER_H
#define NCP_RENDER_H

#include <stdbool.h>

#include "buf.h"
#include "judge.h"

#define RENDER_SERVICE "NCP_CERTS"

/* Names in the first line are cut to this many characters. */
#define RENDER_NAME_CHARS 48
/* Names in long output are cut to this many characters. */
#define RENDER_LONG_NAME_CHARS 200
/* The first line names at most this many problem certificates. */
#define RENDER_SUMMARY_NAMES 3

enum perfdata_mode {
	PERFDATA_ALL,       /* counts and one value per certificate */
	PERFDATA_SUMMARY,   /* counts and min_left: fits Nagios' 8 KB */
	PERFDATA_NONE,
};

/* Long output lines shown before "... and N more". */
#define RENDER_DEFAULT_MAX_LINES 50

struct render_options {
	int verbose;                       /* 0..3 */
	bool insecure;                     /* TLS verification was off: say so */
	const struct judge_policy *policy; /* thresholds for perfdata */
	const char *notes;                 /* -vv lines (requests, credentials); may be NULL */
	enum perfdata_mode perfdata;
	size_t max_lines;                  /* 0: RENDER_DEFAULT_MAX_LINES */
	const char *stale_note;            /* API failed, cached answer used: why; or NULL */
};

/* Appends the whole output for a judged account.  0 or -1 (no memory). */
int render_report(const struct report *r, const struct render_options *o, struct buf *out);

/* "NCP_CERTS <STATE> - <message>" and any notes: for runs that could not
 * judge anything.  The message is made safe here. */
int render_error(enum plugin_state state, const char *message, const struct render_options *o,
		 struct buf *out);

/* The summary alone, as on the first line (no state, no perfdata). */
int render_summary(const struct report *r, const struct render_options *o, struct buf *out);

/* A status for people: "REVOKE", "FAILED (LINT)", "code 9", "Foo". */
int render_status(const struct cert_verdict *v, struct buf *out);

/* The words for one verdict: short ("expires in 3 days (2026-12-07)") for
 * the first line, detailed for long output. */
int render_reason(const struct cert_verdict *v, bool detailed, struct buf *out);

#endif
