/* Monitoring Plugins performance data for a report. */
#ifndef NCP_PERFDATA_H
#define NCP_PERFDATA_H

#include "buf.h"
#include "judge.h"

/* Longest label kept from a certificate name, in characters. */
#define PERFDATA_LABEL_CHARS 100

/* Appends the counts (certificates, ok, warning, critical, unknown) and,
 * for every certificate judged by expiry, '<name>'=<seconds left>s;<w>;<c>
 * with the thresholds converted from days to seconds.  Labels that would
 * repeat another (same name, or a name like a count) get " #<number>".
 * 0 or -1 (no memory). */
int perfdata_append(struct buf *out, const struct report *r, const struct judge_policy *p);

/* The counts and min_left: the seconds left of the certificate closest to
 * expiry, with the thresholds (nothing when none is judged by expiry). */
int perfdata_append_summary(struct buf *out, const struct report *r, const struct judge_policy *p);

/* A quoted label: ' doubled, = replaced, text made safe. */
int perfdata_append_label(struct buf *out, const char *label);

#endif
