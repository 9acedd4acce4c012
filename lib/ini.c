#include "config.h"

#include "ini.h"

#include <stdlib.h>
#include <string.h>

struct span {
	const char *p;
	size_t len;
};

static struct span trim(const char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	return (struct span){ p, len };
}

static bool span_is(struct span s, const char *word)
{
	size_t n = strlen(word);

	return s.len == n && memcmp(s.p, word, n) == 0;
}

static bool header_names(struct span line, const char *section)
{
	struct span inner = trim(line.p + 1, line.len - 2);

	if (span_is(inner, section))
		return true;
	if (inner.len > 8 && memcmp(inner.p, "profile ", 8) == 0)
		return span_is(trim(inner.p + 8, inner.len - 8), section);
	return false;
}

int ini_lookup(const char *text, size_t len, const char *section, const char *key,
	       char **value, bool *section_seen)
{
	const char *end = text + len;
	bool in_section = false;

	*value = NULL;
	*section_seen = false;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct span line = trim(p, (size_t)((nl ? nl : end) - p));
		const char *eq;

		p = nl ? nl + 1 : end;
		if (line.len == 0 || line.p[0] == '#' || line.p[0] == ';')
			continue;
		if (line.p[0] == '[' && line.p[line.len - 1] == ']' && line.len >= 2) {
			in_section = header_names(line, section);
			*section_seen = *section_seen || in_section;
			continue;
		}
		eq = memchr(line.p, '=', line.len);
		if (!in_section || eq == NULL || !span_is(trim(line.p, (size_t)(eq - line.p)), key))
			continue;
		line = trim(eq + 1, (size_t)(line.p + line.len - eq - 1));
		*value = strndup(line.p, line.len);
		return *value ? 1 : -1;
	}
	return 0;
}
