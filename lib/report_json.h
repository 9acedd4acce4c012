/* --json: the report as one JSON document, for scripts and for generating
 * one monitoring service per certificate. */
#ifndef NCP_REPORT_JSON_H
#define NCP_REPORT_JSON_H

#include "buf.h"
#include "judge.h"
#include "render.h"

/* {"state", "summary", "certificates": [...]}: every judged certificate
 * worst first, then the superseded ones.  0 or -1 (no memory). */
int report_json_render(const struct report *r, const struct render_options *o, struct buf *out);

/* The same shape for a run that could not judge anything. */
int report_json_render_error(enum plugin_state state, const char *message, struct buf *out);

#endif
