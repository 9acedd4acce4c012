/* One error, filled where it happens, shown once by main as an UNKNOWN line.
 * Library code never prints: stdout belongs to the plugin's output. */
#ifndef NCP_ERR_H
#define NCP_ERR_H

#include <stdbool.h>

enum ncp_err_kind {
	NCP_ERR_NONE = 0,
	NCP_ERR_USAGE,      /* bad command line or config */
	NCP_ERR_CREDS,      /* no or unreadable credentials */
	NCP_ERR_TRANSPORT,  /* connection, TLS, DNS */
	NCP_ERR_TIMEOUT,    /* the run's deadline passed */
	NCP_ERR_HTTP,       /* an HTTP status we cannot use */
	NCP_ERR_API,        /* the API said no (returnCode, errorCode) */
	NCP_ERR_ANSWER,     /* an answer that is not the document we expect */
	NCP_ERR_INPUT,      /* --input file problems */
	NCP_ERR_SELECTION,  /* the filters matched nothing */
	NCP_ERR_INTERNAL,   /* out of memory and the like */
};

struct ncp_err {
	enum ncp_err_kind kind;
	long http_status;   /* 0 when no HTTP answer was involved */
	bool transient;     /* worth retrying (connection refused, 503, ...) */
	char msg[768];
};

void ncp_err_clear(struct ncp_err *err);

/* Sets kind and a printf-style message; never pass secrets here. */
void ncp_err_set(struct ncp_err *err, enum ncp_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "what: " in front of the current message, keeping its kind. */
void ncp_err_prefix(struct ncp_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
