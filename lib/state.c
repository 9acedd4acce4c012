#include "config.h"

#include "state.h"

#include <strings.h>

int state_severity(enum plugin_state s)
{
	switch (s) {
	case STATE_OK: return 0;
	case STATE_UNKNOWN: return 1;
	case STATE_WARNING: return 2;
	case STATE_CRITICAL: return 3;
	}
	return 1;
}

enum plugin_state state_worse(enum plugin_state a, enum plugin_state b)
{
	return state_severity(b) > state_severity(a) ? b : a;
}

const char *state_name(enum plugin_state s)
{
	switch (s) {
	case STATE_OK: return "OK";
	case STATE_WARNING: return "WARNING";
	case STATE_CRITICAL: return "CRITICAL";
	case STATE_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

bool state_parse(const char *text, enum plugin_state *out)
{
	static const enum plugin_state all[] = {
		STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN,
	};
	for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcasecmp(text, state_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}
