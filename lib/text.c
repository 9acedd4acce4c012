#include "config.h"

#include "text.h"

#include <stdbool.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (1..4), or 0 if it is not valid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2; *cp = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3; *cp = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4; *cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return n;
}

static char ascii_replacement(unsigned char c)
{
	if (c == '|')
		return '/';
	if (c == ';')
		return ',';
	if (c < 0x20 || c == 0x7F)
		return ' ';
	return (char)c;
}

int text_append_safe(struct buf *out, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	if (s == NULL)
		return 0;
	while (*p) {
		unsigned cp;
		size_t n = utf8_sequence(p, &cp);
		int rc;

		if (max_chars && chars == max_chars)
			return buf_puts(out, "...");
		if (n == 0) {
			rc = buf_append(out, "?", 1);
			n = 1;
		} else if (n == 1) {
			char c = ascii_replacement(*p);
			rc = buf_append(out, &c, 1);
		} else if ((cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
			/* C1 controls, line and paragraph separators */
			rc = buf_append(out, " ", 1);
		} else {
			rc = buf_append(out, p, n);
		}
		if (rc != 0)
			return -1;
		p += n;
		chars++;
	}
	return 0;
}

int text_append_utf8(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp;
		size_t n = utf8_sequence(p, &cp);
		if ((n ? buf_append(out, p, n) : buf_puts(out, "\xEF\xBF\xBD")) != 0)
			return -1;
		p += n ? n : 1;
	}
	return 0;
}

/* Wide ranges from Unicode's East Asian Width (W and F), the common ones. */
static bool is_wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	       (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t text_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t width = 0;

	while (*p) {
		unsigned cp;
		size_t n = utf8_sequence(p, &cp);
		if (n == 0) {
			n = 1;
			cp = '?';
		}
		width += is_wide(cp) ? 2 : 1;
		p += n;
	}
	return width;
}
