#include "config.h"

#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "supersede.h"

static const char *const kind_option[FILTER_KINDS] = { "--name", "--domain", "--exclude" };

void filter_init(struct cert_filter *f)
{
	memset(f, 0, sizeof *f);
}

void filter_clear(struct cert_filter *f)
{
	for (int k = 0; k < FILTER_KINDS; k++) {
		for (size_t i = 0; i < f->n_regexes[k]; i++)
			regfree(&f->regexes[k][i].re);
		free(f->regexes[k]);
	}
	free(f->numbers);
	filter_init(f);
}

int filter_add_regex(struct cert_filter *f, enum filter_kind kind, const char *pattern, struct ncp_err *err)
{
	struct filter_regex *grown;
	char why[160];
	int rc;

	grown = realloc(f->regexes[kind], (f->n_regexes[kind] + 1) * sizeof *grown);
	if (grown == NULL) {
		ncp_err_set(err, NCP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	f->regexes[kind] = grown;
	rc = regcomp(&grown[f->n_regexes[kind]].re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &grown[f->n_regexes[kind]].re, why, sizeof why);
		regfree(&grown[f->n_regexes[kind]].re);
		ncp_err_set(err, NCP_ERR_USAGE, "invalid %s regular expression '%.80s': %s", kind_option[kind],
			    pattern, why);
		return -1;
	}
	grown[f->n_regexes[kind]].pattern = pattern;
	f->n_regexes[kind]++;
	return 0;
}

int filter_add_number(struct cert_filter *f, long long no)
{
	long long *grown = realloc(f->numbers, (f->n_numbers + 1) * sizeof *grown);

	if (grown == NULL)
		return -1;
	f->numbers = grown;
	f->numbers[f->n_numbers++] = no;
	return 0;
}

bool filter_is_empty(const struct cert_filter *f)
{
	for (int k = 0; k < FILTER_KINDS; k++)
		if (f->n_regexes[k])
			return false;
	return f->n_numbers == 0 && f->type == CERT_TYPE_UNKNOWN;
}

static bool any_matches(const struct filter_regex *res, size_t n, const char *text)
{
	if (text == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (regexec(&res[i].re, text, 0, NULL, 0) == 0)
			return true;
	return false;
}

static bool domain_matches(const struct filter_regex *res, size_t n, const struct ncp_cert *c)
{
	if (any_matches(res, n, c->common_name))
		return true;
	for (size_t i = 0; i < c->n_dns; i++)
		if (any_matches(res, n, c->dns_names[i]))
			return true;
	return false;
}

bool filter_names_number(const struct cert_filter *f, const struct ncp_cert *c)
{
	if (!c->has_no)
		return false;
	for (size_t i = 0; i < f->n_numbers; i++)
		if (f->numbers[i] == c->no)
			return true;
	return false;
}

bool filter_matches(const struct cert_filter *f, const struct ncp_cert *c)
{
	const struct filter_regex *ex = f->regexes[FILTER_EXCLUDE];
	size_t n_ex = f->n_regexes[FILTER_EXCLUDE];

	if (f->n_regexes[FILTER_NAME] && !any_matches(f->regexes[FILTER_NAME], f->n_regexes[FILTER_NAME], c->name))
		return false;
	if (f->n_regexes[FILTER_DOMAIN] && !domain_matches(f->regexes[FILTER_DOMAIN], f->n_regexes[FILTER_DOMAIN], c))
		return false;
	if (f->n_numbers && !filter_names_number(f, c))
		return false;
	if (f->type != CERT_TYPE_UNKNOWN && c->type != f->type)
		return false;
	if (n_ex && (any_matches(ex, n_ex, c->name) || domain_matches(ex, n_ex, c)))
		return false;
	return true;
}

size_t select_plan(const struct ncp_cert_list *list, const struct cert_filter *f, bool include_superseded,
		   const size_t *superseded_by, enum cert_disposition *disposition)
{
	size_t selected = 0;

	for (size_t i = 0; i < list->len; i++) {
		const struct ncp_cert *c = &list->items[i];
		bool keep_anyway = include_superseded || filter_names_number(f, c) || c->n_used_instances > 0;

		if (!filter_matches(f, c)) {
			disposition[i] = CERT_SKIP;
			continue;
		}
		selected++;
		if (superseded_by[i] != SUPERSEDE_NONE && !keep_anyway)
			disposition[i] = CERT_SUPERSEDED;
		else
			disposition[i] = CERT_JUDGE;
	}
	return selected;
}

int filter_describe(const struct cert_filter *f, struct buf *out)
{
	const char *sep = "";
	int rc = 0;

	for (int k = 0; k < FILTER_KINDS; k++)
		for (size_t i = 0; i < f->n_regexes[k]; i++, sep = ", ")
			rc |= buf_printf(out, "%s%s '%.80s'", sep, kind_option[k], f->regexes[k][i].pattern);
	for (size_t i = 0; i < f->n_numbers; i++, sep = ", ")
		rc |= buf_printf(out, "%s--certificate-no %lld", sep, f->numbers[i]);
	if (f->type != CERT_TYPE_UNKNOWN)
		rc |= buf_printf(out, "%s--type %s", sep, f->type == CERT_TYPE_DV ? "dv" : "ov");
	return rc ? -1 : 0;
}
