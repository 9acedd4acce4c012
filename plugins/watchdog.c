#include "config.h"

#include "watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "render.h"

/* A signal handler can only reach static storage; this is the one piece of
 * process-wide state, written before the timer is armed. */
static char watchdog_line[160];
static size_t watchdog_len;
static int watchdog_code;

static void on_alarm(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, watchdog_line, watchdog_len) < 0) {
		/* nothing left to try */
	}
	_exit(watchdog_code);
}

void watchdog_arm(double seconds, double reported_timeout_s, enum plugin_state state)
{
	struct itimerval it = { 0 };
	struct sigaction sa;
	int n;

	n = snprintf(watchdog_line, sizeof watchdog_line, "%s %s - timeout after %g s\n", RENDER_SERVICE,
		     state_name(state), reported_timeout_s);
	watchdog_len = n > 0 && (size_t)n < sizeof watchdog_line ? (size_t)n : 0;
	watchdog_code = (int)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}

void watchdog_disarm(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}
