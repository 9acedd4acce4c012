/* The Certificate Manager status codes and what each means to us. */
#ifndef NCP_STATUS_H
#define NCP_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

enum status_action {
	STATUS_BY_EXPIRY,   /* a live certificate: judge notAfter */
	STATUS_FIXED,       /* the status alone sets the state */
	STATUS_IGNORE,      /* not counted at all (DELETED) */
};

struct status_info {
	long code;                  /* statusCode */
	const char *canonical;      /* REVOKE, FAILED_LINT, ... (for options) */
	const char *api_name;       /* as the reference writes it: "FAILED (LINT)" */
	enum status_action action;
	enum plugin_state state;    /* for STATUS_FIXED */
};

const struct status_info *status_by_code(long code);

/* Matches canonical and API names in any case, with any run of spaces,
 * parentheses, slashes or dashes standing for '_' ("Ongoing",
 * "FAILED (LINT)", "failed_lint", "FAILED (ORG_LOCK / DNS_TXT)"). */
const struct status_info *status_by_name(const char *name);

/* The whole table, for help texts. */
const struct status_info *status_table(size_t *count);

#endif
