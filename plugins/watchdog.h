/* Last line of defence for -t: if anything (a resolver, a stuck read of
 * stdin) outlives the deadline, print the timeout line and exit. */
#ifndef NCP_WATCHDOG_H
#define NCP_WATCHDOG_H

#include "state.h"

void watchdog_arm(double seconds, double reported_timeout_s, enum plugin_state state);
void watchdog_disarm(void);

#endif
