#include "config.h"

#include "perfdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const count_labels[] = {
	"certificates", "ok", "warning", "critical", "unknown",
};
#define N_COUNT_LABELS (sizeof count_labels / sizeof count_labels[0])

int perfdata_append_label(struct buf *out, const char *label)
{
	struct buf safe;
	int rc = -1;

	buf_init(&safe, 4096);
	if (text_append_safe(&safe, label, PERFDATA_LABEL_CHARS) != 0)
		goto out;
	if (buf_puts(out, "'") != 0)
		goto out;
	for (const char *p = buf_str(&safe); *p; p++) {
		const char *piece = *p == '\'' ? "''" : *p == '=' ? "_" : NULL;
		if (piece ? buf_puts(out, piece) != 0 : buf_append(out, p, 1) != 0)
			goto out;
	}
	rc = buf_puts(out, "'");
out:
	buf_clear(&safe);
	return rc;
}

struct label_slot {
	const char *name;     /* borrowed */
	size_t verdict;       /* index in the report */
	bool needs_number;
};

static int slot_by_name(const void *a, const void *b)
{
	const struct label_slot *x = a, *y = b;
	int cmp = strcmp(x->name, y->name);

	return cmp ? cmp : (x->verdict < y->verdict ? -1 : x->verdict > y->verdict);
}

static bool is_count_label(const char *name)
{
	for (size_t i = 0; i < N_COUNT_LABELS; i++)
		if (strcmp(name, count_labels[i]) == 0)
			return true;
	return false;
}

/* Marks, per verdict, whether its label must carry the number.  Sorting
 * keeps this O(n log n) for accounts with thousands of certificates. */
static bool *find_repeated_labels(const struct report *r)
{
	struct label_slot *slots = calloc(r->len ? r->len : 1, sizeof *slots);
	bool *repeated = calloc(r->len ? r->len : 1, sizeof *repeated);
	size_t n = 0;
	char tmp[32];

	if (slots == NULL || repeated == NULL) {
		free(slots);
		free(repeated);
		return NULL;
	}
	for (size_t i = 0; i < r->len; i++) {
		if (!r->items[i].by_expiry)
			continue;
		slots[n].name = cert_display_name(r->items[i].cert, tmp, sizeof tmp);
		/* display names of unnamed certificates already are "#no" */
		if (slots[n].name == tmp)
			continue;
		slots[n].verdict = i;
		n++;
	}
	qsort(slots, n, sizeof *slots, slot_by_name);
	for (size_t i = 0; i < n; i++) {
		bool same_prev = i > 0 && strcmp(slots[i].name, slots[i - 1].name) == 0;
		bool same_next = i + 1 < n && strcmp(slots[i].name, slots[i + 1].name) == 0;
		repeated[slots[i].verdict] = same_prev || same_next || is_count_label(slots[i].name);
	}
	free(slots);
	return repeated;
}

static int append_cert_label(struct buf *out, const struct cert_verdict *v, bool with_number)
{
	char tmp[32], label[4200];
	const char *name = cert_display_name(v->cert, tmp, sizeof tmp);

	if (with_number && v->cert->has_no)
		snprintf(label, sizeof label, "%.4000s #%lld", name, v->cert->no);
	else
		snprintf(label, sizeof label, "%.4000s", name);
	return perfdata_append_label(out, label);
}

int perfdata_append(struct buf *out, const struct report *r, const struct judge_policy *p)
{
	const size_t counts[N_COUNT_LABELS] = {
		r->len, r->counts[STATE_OK], r->counts[STATE_WARNING],
		r->counts[STATE_CRITICAL], r->counts[STATE_UNKNOWN],
	};
	char warn[96], crit[96];
	bool *repeated;
	int rc = 0;

	for (size_t i = 0; i < N_COUNT_LABELS && rc == 0; i++)
		rc = buf_printf(out, "%s%s=%zu;;;0", i ? " " : "", count_labels[i], counts[i]);
	if (rc != 0)
		return -1;
	repeated = find_repeated_labels(r);
	if (repeated == NULL)
		return -1;
	range_format_scaled(&p->warning, SECONDS_PER_DAY, warn, sizeof warn);
	range_format_scaled(&p->critical, SECONDS_PER_DAY, crit, sizeof crit);
	for (size_t i = 0; i < r->len && rc == 0; i++) {
		const struct cert_verdict *v = &r->items[i];
		if (!v->by_expiry)
			continue;
		if (buf_puts(out, " ") != 0 || append_cert_label(out, v, repeated[i]) != 0 ||
		    buf_printf(out, "=%llds;%s;%s", v->seconds_left, warn, crit) != 0)
			rc = -1;
	}
	free(repeated);
	return rc;
}
