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

/* The text between the quotes: made safe, cut, ' doubled, = replaced, and
 * "::" (which Icinga 2 reads as a check_multi prefix for every later
 * label) made "_". */
static int label_text(struct buf *out, const char *label)
{
	struct buf safe;
	int rc = 0;

	buf_init(&safe, 4096);
	if (text_append_safe(&safe, label, PERFDATA_LABEL_CHARS) != 0)
		rc = -1;
	/* copy runs of ordinary text at once; only ' and = need care */
	for (const char *p = buf_str(&safe); *p && rc == 0;) {
		size_t run = strcspn(p, "'=:");
		rc = buf_append(out, p, run);
		p += run;
		if (*p == '\0' || rc != 0)
			break;
		if (p[0] == ':' && p[1] == ':') {
			rc = buf_puts(out, "_");
			p += 2;
			continue;
		}
		rc = buf_puts(out, *p == '\'' ? "''" : *p == '=' ? "_" : ":");
		p++;
	}
	buf_clear(&safe);
	return rc;
}

int perfdata_append_label(struct buf *out, const char *label)
{
	return buf_puts(out, "'") || label_text(out, label) || buf_puts(out, "'") ? -1 : 0;
}

/* One certificate's label as it will be written, before any number. */
struct label_slot {
	char *text;           /* owned */
	size_t verdict;       /* index in the report */
};

static int slot_by_text(const void *a, const void *b)
{
	const struct label_slot *x = a, *y = b;
	int cmp = strcmp(x->text, y->text);

	return cmp ? cmp : (x->verdict < y->verdict ? -1 : x->verdict > y->verdict);
}

static bool is_count_label(const char *text)
{
	for (size_t i = 0; i < N_COUNT_LABELS; i++)
		if (strcmp(text, count_labels[i]) == 0)
			return true;
	return false;
}

struct labels {
	char **text;          /* per verdict; NULL when not judged by expiry */
	bool *numbered;       /* per verdict: add " #no" */
	size_t len;
};

static void labels_clear(struct labels *l)
{
	for (size_t i = 0; l->text && i < l->len; i++)
		free(l->text[i]);
	free(l->text);
	free(l->numbered);
}

static char *make_label_text(const struct ncp_cert *c)
{
	char tmp[32];
	struct buf b;
	char *text;

	buf_init(&b, 1 << 16);
	if (label_text(&b, cert_display_name(c, tmp, sizeof tmp)) != 0) {
		buf_clear(&b);
		return NULL;
	}
	text = strdup(buf_str(&b));
	buf_clear(&b);
	return text;
}

/* Decides on the final texts, so names that only differ in characters the
 * label cannot hold ("a=b", "a_b") or past the cut still get numbers.
 * Sorting keeps this O(n log n) for accounts with thousands of labels. */
static int find_labels(const struct report *r, struct labels *l)
{
	size_t cap = r->len ? r->len : 1, n = 0;
	struct label_slot *slots = calloc(cap, sizeof *slots);
	int rc = -1;

	l->len = r->len;
	l->text = calloc(cap, sizeof *l->text);
	l->numbered = calloc(cap, sizeof *l->numbered);
	if (slots == NULL || l->text == NULL || l->numbered == NULL)
		goto out;
	for (size_t i = 0; i < r->len; i++) {
		if (!r->items[i].by_expiry)
			continue;
		if ((l->text[i] = make_label_text(r->items[i].cert)) == NULL)
			goto out;
		slots[n++] = (struct label_slot){ l->text[i], i };
	}
	qsort(slots, n, sizeof *slots, slot_by_text);
	for (size_t i = 0; i < n; i++) {
		bool same_prev = i > 0 && strcmp(slots[i].text, slots[i - 1].text) == 0;
		bool same_next = i + 1 < n && strcmp(slots[i].text, slots[i + 1].text) == 0;
		l->numbered[slots[i].verdict] = (same_prev || same_next || is_count_label(slots[i].text)) &&
						r->items[slots[i].verdict].cert->has_no;
	}
	rc = 0;
out:
	free(slots);
	return rc;
}

static int append_cert_label(struct buf *out, const struct labels *l, size_t i, const struct cert_verdict *v)
{
	if (buf_puts(out, "'") != 0 || buf_puts(out, l->text[i]) != 0)
		return -1;
	if (l->numbered[i] && (buf_puts(out, " #") != 0 || buf_append_ll(out, v->cert->no) != 0))
		return -1;
	return buf_puts(out, "'");
}

static int append_counts(struct buf *out, const struct report *r)
{
	const size_t counts[N_COUNT_LABELS] = {
		r->len, r->counts[STATE_OK], r->counts[STATE_WARNING],
		r->counts[STATE_CRITICAL], r->counts[STATE_UNKNOWN],
	};
	int rc = 0;

	for (size_t i = 0; i < N_COUNT_LABELS && rc == 0; i++)
		rc = buf_printf(out, "%s%s=%zu;;;0", i ? " " : "", count_labels[i], counts[i]);
	return rc;
}

static void format_thresholds(const struct judge_policy *p, char *warn, char *crit, size_t len)
{
	range_format_scaled(&p->warning, SECONDS_PER_DAY, warn, len);
	range_format_scaled(&p->critical, SECONDS_PER_DAY, crit, len);
}

int perfdata_append_summary(struct buf *out, const struct report *r, const struct judge_policy *p)
{
	const struct cert_verdict *next = report_next_expiry(r);
	char warn[96], crit[96];

	if (append_counts(out, r) != 0)
		return -1;
	if (next == NULL)
		return 0;
	format_thresholds(p, warn, crit, sizeof warn);
	return buf_printf(out, " min_left=%llds;%s;%s", next->seconds_left, warn, crit);
}

int perfdata_append(struct buf *out, const struct report *r, const struct judge_policy *p)
{
	struct labels labels = { 0 };
	char warn[96], crit[96];
	int rc;

	if (append_counts(out, r) != 0)
		return -1;
	rc = find_labels(r, &labels);
	format_thresholds(p, warn, crit, sizeof warn);
	for (size_t i = 0; i < r->len && rc == 0; i++) {
		const struct cert_verdict *v = &r->items[i];
		if (!v->by_expiry)
			continue;
		if (buf_puts(out, " ") != 0 || append_cert_label(out, &labels, i, v) != 0 ||
		    buf_puts(out, "=") != 0 || buf_append_ll(out, v->seconds_left) != 0 ||
		    buf_puts(out, "s;") != 0 || buf_puts(out, warn) != 0 || buf_puts(out, ";") != 0 ||
		    buf_puts(out, crit) != 0)
			rc = -1;
	}
	labels_clear(&labels);
	return rc;
}
