/* Certificates + policy + now -> verdicts.  Pure: no I/O, no clock. */
#ifndef NCP_JUDGE_H
#define NCP_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cert.h"
#include "range.h"
#include "state.h"
#include "status.h"

#define SECONDS_PER_DAY 86400.0

/* --status-state: a status code's state, overriding the table. */
struct status_override {
	long code;
	bool ignore;                /* leave such certificates out entirely */
	enum plugin_state state;
};

struct judge_policy {
	struct range warning;   /* days left that raise WARNING */
	struct range critical;  /* days left that raise CRITICAL */
	const struct status_override *overrides;  /* borrowed; may be NULL */
	size_t n_overrides;
};

/* What a run does with each certificate of the account. */
enum cert_disposition {
	CERT_SKIP,          /* not selected */
	CERT_JUDGE,         /* judged and counted */
	CERT_SUPERSEDED,    /* selected, but a renewal replaced it: shown, not counted */
};

/* Why a certificate got its state; render turns it into words. */
enum verdict_why {
	WHY_EXPIRY,          /* judged by time left (OK, WARNING or CRITICAL) */
	WHY_EXPIRED,         /* notAfter has passed */
	WHY_STATUS,          /* the status alone decides */
	WHY_STATUS_POLICY,   /* --status-state decides */
	WHY_UNKNOWN_STATUS,  /* a status code or name we do not know */
	WHY_NO_STATUS,       /* neither statusCode nor statusName */
	WHY_NO_NOT_AFTER,    /* live certificate without a readable notAfter */
	WHY_BAD_ENTRY,       /* the entry itself could not be read */
};

struct cert_verdict {
	const struct ncp_cert *cert;        /* borrowed from the judged list */
	const struct status_info *status;   /* NULL when unknown */
	enum plugin_state state;
	enum verdict_why why;
	bool counted;                       /* false: ignored (DELETED) or superseded */
	const struct ncp_cert *superseded_by;  /* a renewal that covers it, or NULL */
	bool by_expiry;                     /* judged on notAfter (perfdata) */
	bool dated;                         /* seconds_left is meaningful */
	long long seconds_left;             /* notAfter - now; < 0 once expired */
};

struct report {
	struct cert_verdict *items;  /* counted verdicts, worst first; owned */
	size_t len;
	struct cert_verdict *superseded;  /* left out as superseded, by name; owned */
	size_t n_superseded;
	size_t ignored;              /* certificates left out (DELETED, ...) */
	size_t counts[STATE_COUNT];  /* indexed by enum plugin_state */
	enum plugin_state worst;
};

void judge_policy_defaults(struct judge_policy *p);

struct cert_verdict judge_cert(const struct ncp_cert *c, const struct judge_policy *p, time_t now);

/* Judges every certificate of list; the report borrows from list, which
 * must outlive it.  0, or -1 when memory ran out. */
int judge_all(const struct ncp_cert_list *list, const struct judge_policy *p, time_t now,
	      struct report *out);

/* The same, with each certificate's disposition and the index of the
 * certificate that supersedes it (SUPERSEDE_NONE, see supersede.h); both
 * arrays have list->len entries, and either may be NULL (all judged, none
 * superseded). */
int judge_selection(const struct ncp_cert_list *list, const struct judge_policy *p, time_t now,
		    const enum cert_disposition *disposition, const size_t *superseded_by, struct report *out);

/* The counted certificate closest to expiry, or NULL when none is judged
 * by expiry. */
const struct cert_verdict *report_next_expiry(const struct report *r);

void report_clear(struct report *r);

#endif
