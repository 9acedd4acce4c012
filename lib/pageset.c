#include "config.h"

#include "pageset.h"

#include <stdlib.h>
#include <string.h>

void page_set_init(struct page_set *s)
{
	memset(s, 0, sizeof *s);
}

void page_set_clear(struct page_set *s)
{
	for (size_t i = 0; i < s->len; i++)
		buf_clear(&s->pages[i]);
	free(s->pages);
	page_set_init(s);
}

int page_set_add(struct page_set *s, const char *data, size_t len)
{
	struct buf *grown = realloc(s->pages, (s->len + 1) * sizeof *grown);

	if (grown == NULL)
		return -1;
	s->pages = grown;
	buf_init(&s->pages[s->len], len);
	if (buf_append(&s->pages[s->len], data, len) != 0) {
		buf_clear(&s->pages[s->len]);
		return -1;
	}
	s->len++;
	return 0;
}

size_t page_set_bytes(const struct page_set *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->len; i++)
		n += s->pages[i].len;
	return n;
}
