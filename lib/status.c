#include "config.h"

#include "status.h"

#include <ctype.h>
#include <string.h>

static const struct status_info statuses[] = {
	{ 0, "ONGOING", "ONGOING", STATUS_FIXED, STATE_OK },
	{ 1, "NORMAL", "NORMAL", STATUS_BY_EXPIRY, STATE_OK },
	{ 2, "NORMAL_UNREGISTERED_PRIVATE_KEY", "NORMAL_UNREGISTERED_PRIVATE_KEY", STATUS_BY_EXPIRY, STATE_OK },
	{ 3, "NORMAL_GLOBAL_EDGE_DEDICATED", "NORMAL_GLOBAL_EDGE_DEDICATED", STATUS_BY_EXPIRY, STATE_OK },
	{ -1, "FAILED", "FAILED", STATUS_FIXED, STATE_CRITICAL },
	{ -2, "EXPIRE", "EXPIRE", STATUS_FIXED, STATE_CRITICAL },
	{ -3, "VALIDATION_FAILED", "VALIDATION_FAILED", STATUS_FIXED, STATE_CRITICAL },
	{ -4, "VALIDATION_EXPIRE", "VALIDATION_EXPIRE", STATUS_FIXED, STATE_CRITICAL },
	{ -5, "REVOKE", "REVOKE", STATUS_FIXED, STATE_CRITICAL },
	{ -6, "DELETED", "DELETED", STATUS_IGNORE, STATE_OK },
	{ -7, "REQUEST_REVOKE", "REQUEST_REVOKE", STATUS_FIXED, STATE_WARNING },
	{ -11, "FAILED_LINT", "FAILED (LINT)", STATUS_FIXED, STATE_CRITICAL },
	{ -12, "FAILED_CT", "FAILED (CT)", STATUS_FIXED, STATE_CRITICAL },
	{ -20, "FAILED_ORG_LOCK", "FAILED (ORG_LOCK / DNS_TXT)", STATUS_FIXED, STATE_CRITICAL },
};

#define N_STATUSES (sizeof statuses / sizeof statuses[0])

const struct status_info *status_table(size_t *count)
{
	*count = N_STATUSES;
	return statuses;
}

const struct status_info *status_by_code(long code)
{
	for (size_t i = 0; i < N_STATUSES; i++)
		if (statuses[i].code == code)
			return &statuses[i];
	return NULL;
}

/* Upper case, separators folded to single '_', none at either end. */
static void normalise(const char *in, char *out, size_t len)
{
	size_t n = 0;
	bool pending_sep = false;

	for (; *in && n + 2 < len; in++) {
		unsigned char c = (unsigned char)*in;
		if (isalnum(c)) {
			if (pending_sep && n > 0)
				out[n++] = '_';
			pending_sep = false;
			out[n++] = (char)toupper(c);
		} else {
			pending_sep = true;
		}
	}
	out[n] = '\0';
}

const struct status_info *status_by_name(const char *name)
{
	char want[64], have[64];

	if (strlen(name) >= sizeof want)
		return NULL;
	normalise(name, want, sizeof want);
	if (strcmp(want, "FAILED_ORG_LOCK_DNS_TXT") == 0)
		return status_by_code(-20);
	for (size_t i = 0; i < N_STATUSES; i++) {
		normalise(statuses[i].canonical, have, sizeof have);
		if (strcmp(want, have) == 0)
			return &statuses[i];
	}
	return NULL;
}
