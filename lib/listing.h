/* --list: a table for people at a terminal. */
#ifndef NCP_LISTING_H
#define NCP_LISTING_H

#include "buf.h"
#include "judge.h"

/* One row per judged and per superseded certificate, soonest expiry first
 * (certificates without a date last); columns line up for wide (Korean)
 * characters too.  0 or -1 (no memory). */
int listing_render(const struct report *r, struct buf *out);

#endif
