#include "config.h"

#include "clock.h"

#include <errno.h>
#include <time.h>

static long long read_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long clock_wall_ms(void)
{
	return read_ms(CLOCK_REALTIME);
}

long long clock_monotonic_ms(void)
{
	return read_ms(CLOCK_MONOTONIC);
}

void clock_sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	if (ms <= 0)
		return;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
