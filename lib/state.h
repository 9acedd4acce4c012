/* Plugin states and their order of badness. */
#ifndef NCP_STATE_H
#define NCP_STATE_H

#include <stdbool.h>

/* Values are the Monitoring Plugins exit codes. */
enum plugin_state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

#define STATE_COUNT 4

/* Badness, not the exit code: CRITICAL > WARNING > UNKNOWN > OK.  A
 * certificate we cannot read must not hide one we know is about to expire. */
int state_severity(enum plugin_state s);
enum plugin_state state_worse(enum plugin_state a, enum plugin_state b);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *state_name(enum plugin_state s);

/* Case-insensitive ok|warning|critical|unknown; false if none of these. */
bool state_parse(const char *text, enum plugin_state *out);

#endif
