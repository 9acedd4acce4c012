/* Every date style the Certificate Manager API has been seen to use, to an
 * exact instant.  Pure: no locale, no TZ, no libc time zone state. */
#ifndef NCP_NCPTIME_H
#define NCP_NCPTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
#define NCPTIME_MIN (-62135596800LL)
#define NCPTIME_MAX 253402300799LL

struct ncp_instant {
	time_t when;        /* seconds since the epoch, UTC */
	int utc_offset;     /* seconds east of UTC the API wrote it in */
};

/* Accepts
 *   yyyy-MM-dd HH:mm:ss(UTC+09:00)   (also with a space before '(')
 *   yyyy-MM-ddTHH:mm:ss[.fff](Z|+HH:MM|+HHMM)   ISO 8601 / RFC 3339
 *   a string of digits: epoch milliseconds
 * Returns 0, or -1 with *why set to a static reason. */
int ncptime_parse(const char *text, struct ncp_instant *out, const char **why);

/* Epoch milliseconds as the API sends them in a JSON number. */
int ncptime_from_epoch_ms(double ms, struct ncp_instant *out, const char **why);

/* Proleptic Gregorian calendar, valid for years 1..9999. */
long long ncptime_days_from_civil(int year, int month, int day);
void ncptime_civil_from_days(long long days, int *year, int *month, int *day);

/* "2027-03-01" / "2027-03-01 23:59:59 +09:00" in the instant's own offset,
 * so users see what the NCP console shows. */
void ncptime_format_date(const struct ncp_instant *t, char *out, size_t len);
void ncptime_format_full(const struct ncp_instant *t, char *out, size_t len);

/* "2027-03-01T14:59:59Z" */
void ncptime_format_iso_utc(time_t t, char *out, size_t len);

#endif
