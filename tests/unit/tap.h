/* A tiny header-only TAP producer for the unit tests.
 *
 *   tap_ok(cond, "what %s", ...)          one test point
 *   tap_is_int(got, want, "what")         integers, "# got/expected" on failure
 *   tap_is_str(got, want, "what")         strings (NULL allowed on either side)
 *   tap_has_str(haystack, needle, "what") haystack contains needle
 *   tap_diag("...")                       a "# " comment line
 *   return tap_done();                    prints the plan "1..N"; exit status
 *
 * Every function returns whether its test passed, so a caller can stop
 * early on a failure that makes the following points meaningless.  The
 * counters below are this header's only state, one copy per test program. */
#ifndef NCP_TAP_H
#define NCP_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_run_count;
static int tap_fail_count;

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

static inline TAP_PRINTF(2, 0) bool tap_vreport(bool pass, const char *fmt, va_list ap)
{
	tap_run_count++;
	if (!pass)
		tap_fail_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return pass;
}

static inline TAP_PRINTF(1, 2) void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A value shown on one diagnostic line: control characters escaped, long
 * values cut, so a failure report cannot break the TAP stream. */
static inline void tap_diag_value(const char *label, const char *s)
{
	size_t shown = 0;

	printf("#   %-9s", label);
	if (s == NULL) {
		puts("(null)");
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p && shown < 400; p++, shown++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20 || *p == 0x7F)
			printf("\\x%02X", *p);
		else
			putchar(*p);
	}
	puts(s[shown] ? "\"..." : "\"");
}

static inline TAP_PRINTF(2, 3) bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static inline TAP_PRINTF(3, 4) bool tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#   got:      %lld\n", got);
		printf("#   expected: %lld\n", want);
	}
	return pass;
}

static inline TAP_PRINTF(3, 4) bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool pass = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;

	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_diag_value("got:", got);
		tap_diag_value("expected:", want);
	}
	return pass;
}

static inline TAP_PRINTF(3, 4) bool tap_has_str(const char *haystack, const char *needle, const char *fmt, ...)
{
	va_list ap;
	bool pass = haystack != NULL && strstr(haystack, needle) != NULL;

	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_diag_value("in:", haystack);
		tap_diag_value("missing:", needle);
	}
	return pass;
}

/* The plan comes last ("1..N"), so tests need not be counted by hand. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_run_count);
	if (tap_fail_count > 0)
		printf("# %d of %d tests failed\n", tap_fail_count, tap_run_count);
	fflush(stdout);
	return tap_fail_count == 0 ? 0 : 1;
}

#endif
