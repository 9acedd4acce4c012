/* The raw answers of one complete fetch, page by page: what the cache
 * keeps, so a cached run parses exactly what a live run parsed. */
#ifndef NCP_PAGESET_H
#define NCP_PAGESET_H

#include <stddef.h>

#include "buf.h"

struct page_set {
	struct buf *pages;   /* owned */
	size_t len;
};

void page_set_init(struct page_set *s);
void page_set_clear(struct page_set *s);
/* Copies len bytes as a new page.  0 or -1 (no memory). */
int page_set_add(struct page_set *s, const char *data, size_t len);
size_t page_set_bytes(const struct page_set *s);

#endif
