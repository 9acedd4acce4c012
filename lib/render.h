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
/* The first line names at most this many problem certificates. */
#define RENDER_SUMMARY_NAMES 3

struct render_options {
	int verbose;                       /* 0..3 */
	bool insecure;                     /* TLS verification was off: say so */
	const struct judge_policy *policy; /* thresholds for perfdata */
	const char *notes;                 /* -vv lines (requests, credentials); may be NULL */
};

/* Appends the whole output for a judged account.  0 or -1 (no memory). */
int render_report(const struct report *r, const struct render_options *o, struct buf *out);

/* "NCP_CERTS <STATE> - <message>" and any notes: for runs that could not
 * judge anything.  The message is made safe here. */
int render_error(enum plugin_state state, const char *message, const struct render_options *o,
		 struct buf *out);

/* The words for one verdict: short ("expires in 3 days (2026-12-07)") for
 * the first line, detailed for long output. */
int render_reason(const struct cert_verdict *v, bool detailed, struct buf *out);

#endif
