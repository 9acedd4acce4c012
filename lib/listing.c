#include "config.h"

#include "listing.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "text.h"

#define LIST_NAME_CHARS 60

enum column { COL_NAME, COL_NO, COL_TYPE, COL_CN, COL_STATUS, COL_NOT_AFTER, COL_DAYS, COL_STATE, N_COLUMNS };

static const char *const headings[N_COLUMNS] = {
	"NAME", "NUMBER", "TYPE", "COMMON NAME", "STATUS", "NOT AFTER", "DAYS LEFT", "STATE",
};

struct row {
	const struct cert_verdict *v;
	bool superseded;
	struct buf cells[N_COLUMNS];
};

static int by_days_left(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->v->dated != b->v->dated)
		return a->v->dated ? -1 : 1;
	if (a->v->dated && a->v->seconds_left != b->v->seconds_left)
		return a->v->seconds_left < b->v->seconds_left ? -1 : 1;
	return strcmp(buf_str(&a->cells[COL_NAME]), buf_str(&b->cells[COL_NAME]));
}

static int fill_row(struct row *row)
{
	const struct cert_verdict *v = row->v;
	const struct ncp_cert *c = v->cert;
	char tmp[64];
	int rc = 0;

	for (int i = 0; i < N_COLUMNS; i++)
		buf_init(&row->cells[i], 4096);
	rc |= text_append_safe(&row->cells[COL_NAME], cert_display_name(c, tmp, sizeof tmp), LIST_NAME_CHARS);
	rc |= c->has_no ? buf_printf(&row->cells[COL_NO], "%lld", c->no) : buf_puts(&row->cells[COL_NO], "-");
	rc |= buf_puts(&row->cells[COL_TYPE], c->type == CERT_TYPE_UNKNOWN ? "-" : cert_type_name(c->type));
	rc |= text_append_safe(&row->cells[COL_CN], c->common_name ? c->common_name : "-", LIST_NAME_CHARS);
	rc |= render_status(v, &row->cells[COL_STATUS]);
	if (c->has_not_after) {
		ncptime_format_full(&c->not_after, tmp, sizeof tmp);
		rc |= buf_puts(&row->cells[COL_NOT_AFTER], tmp);
	} else {
		rc |= buf_puts(&row->cells[COL_NOT_AFTER], "-");
	}
	if (v->dated)
		rc |= buf_printf(&row->cells[COL_DAYS], "%.1f", (double)v->seconds_left / SECONDS_PER_DAY);
	else
		rc |= buf_puts(&row->cells[COL_DAYS], "-");
	rc |= buf_puts(&row->cells[COL_STATE], row->superseded ? "SUPERSEDED" : state_name(v->state));
	return rc ? -1 : 0;
}

static int append_cell(struct buf *out, const char *text, size_t width, bool last, bool right)
{
	size_t have = text_display_width(text);
	size_t pad = width > have ? width - have : 0;
	int rc = 0;

	for (size_t i = 0; right && i < pad; i++)
		rc |= buf_puts(out, " ");
	rc |= buf_puts(out, text);
	for (size_t i = 0; !right && !last && i < pad; i++)
		rc |= buf_puts(out, " ");
	return rc | buf_puts(out, last ? "\n" : "  ");
}

static int append_table(struct buf *out, struct row *rows, size_t n)
{
	size_t width[N_COLUMNS];
	int rc = 0;

	for (int i = 0; i < N_COLUMNS; i++) {
		width[i] = strlen(headings[i]);
		for (size_t r = 0; r < n; r++) {
			size_t w = text_display_width(buf_str(&rows[r].cells[i]));
			width[i] = w > width[i] ? w : width[i];
		}
	}
	for (int i = 0; i < N_COLUMNS; i++)
		rc |= append_cell(out, headings[i], width[i], i == N_COLUMNS - 1, false);
	for (size_t r = 0; r < n; r++)
		for (int i = 0; i < N_COLUMNS; i++)
			rc |= append_cell(out, buf_str(&rows[r].cells[i]), width[i], i == N_COLUMNS - 1,
					  i == COL_NO || i == COL_DAYS);
	return rc ? -1 : 0;
}

int listing_render(const struct report *r, struct buf *out)
{
	size_t n = r->len + r->n_superseded;
	struct row *rows = calloc(n ? n : 1, sizeof *rows);
	int rc = 0;

	if (rows == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		rows[i].superseded = i >= r->len;
		rows[i].v = rows[i].superseded ? &r->superseded[i - r->len] : &r->items[i];
		rc |= fill_row(&rows[i]);
	}
	qsort(rows, n, sizeof *rows, by_days_left);
	if (rc == 0)
		rc = append_table(out, rows, n);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < N_COLUMNS; c++)
			buf_clear(&rows[i].cells[c]);
	free(rows);
	return rc;
}
