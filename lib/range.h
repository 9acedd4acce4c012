/* Monitoring Plugins threshold ranges: [@][start|~]:[end]. */
#ifndef NCP_RANGE_H
#define NCP_RANGE_H

#include <stdbool.h>
#include <stddef.h>

/* Largest magnitude accepted for either end. */
#define RANGE_MAX_ABS 1e6

struct range {
	double start;       /* ignored when start_inf */
	double end;         /* ignored when end_inf */
	bool start_inf;     /* "~" */
	bool end_inf;       /* "N:" */
	bool inside;        /* "@": alert inside instead of outside */
};

/* A bare number N means "alert below N" (as N:) because our thresholds are
 * time left: the guidelines' reading (0..N) would alert on healthy
 * certificates.  Every other form follows the guidelines.
 * Returns 0, or -1 with *why set to a static reason. */
int range_parse(const char *text, struct range *out, const char **why);

/* True when value should raise the alert this range stands for. */
bool range_alerts(const struct range *r, double value);

/* The range with both ends multiplied by factor, in the guidelines'
 * syntax ("2592000:", "~:86400", "@0:86400"). */
void range_format_scaled(const struct range *r, double factor, char *out, size_t len);

#endif
