/* Which certificates a run looks at: --name, --domain, --certificate-no,
 * --exclude, --type.  Kinds combine with AND; repeats of one kind with OR. */
#ifndef NCP_SELECT_H
#define NCP_SELECT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cert.h"
#include "err.h"
#include "judge.h"

enum filter_kind {
	FILTER_NAME,      /* certificateName */
	FILTER_DOMAIN,    /* commonName or any dnsName */
	FILTER_EXCLUDE,   /* drop: name, commonName or any dnsName */
	FILTER_KINDS,
};

struct filter_regex {
	regex_t re;
	const char *pattern;  /* borrowed from argv, for messages */
};

struct cert_filter {
	struct filter_regex *regexes[FILTER_KINDS];
	size_t n_regexes[FILTER_KINDS];
	long long *numbers;        /* --certificate-no */
	size_t n_numbers;
	enum cert_type type;       /* CERT_TYPE_UNKNOWN: any */
};

void filter_init(struct cert_filter *f);
void filter_clear(struct cert_filter *f);

/* POSIX extended, case-insensitive.  A bad pattern is NCP_ERR_USAGE. */
int filter_add_regex(struct cert_filter *f, enum filter_kind kind, const char *pattern, struct ncp_err *err);
int filter_add_number(struct cert_filter *f, long long no);

bool filter_is_empty(const struct cert_filter *f);
bool filter_matches(const struct cert_filter *f, const struct ncp_cert *c);

/* True when --certificate-no named this certificate. */
bool filter_names_number(const struct cert_filter *f, const struct ncp_cert *c);

/* What to do with each certificate (disposition has list->len entries):
 * skip what the filter leaves out; leave out what superseded_by names
 * (SUPERSEDE_NONE: nothing) unless include_superseded, the certificate
 * was named with --certificate-no, or it is still used by an instance.
 * Returns how many certificates the filter selected. */
size_t select_plan(const struct ncp_cert_list *list, const struct cert_filter *f, bool include_superseded,
		   const size_t *superseded_by, enum cert_disposition *disposition);

/* "--name 'x', --type dv" for "no certificate matched ..." messages. */
int filter_describe(const struct cert_filter *f, struct buf *out);

#endif
