/* The two clocks the plugin reads: wall time to sign, monotonic time for
 * the run's deadline (immune to NTP steps mid-run). */
#ifndef NCP_CLOCK_H
#define NCP_CLOCK_H

long long clock_wall_ms(void);
long long clock_monotonic_ms(void);

/* Sleeps ms milliseconds (restarting after signals). */
void clock_sleep_ms(long long ms);

#endif
