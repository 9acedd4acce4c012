/* A growable byte buffer with a hard size cap, always NUL-terminated. */
#ifndef NCP_BUF_H
#define NCP_BUF_H

#include <stddef.h>

struct buf {
	char *data;     /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;     /* appends that would pass this fail */
};

void buf_init(struct buf *b, size_t max);

/* 0, or -1 when the cap would be passed or memory ran out (the content so
 * far stays). */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Room for exactly n bytes in all, for data of known size (a file), so
 * doubling does not leave up to half the memory unused.  0 or -1. */
int buf_presize(struct buf *b, size_t n);

/* A decimal integer, without printf's cost (perfdata has thousands). */
int buf_append_ll(struct buf *b, long long v);

/* The text, "" when empty; borrowed. */
const char *buf_str(const struct buf *b);

void buf_reset(struct buf *b);  /* empty, keep memory */
void buf_clear(struct buf *b);  /* free */

#endif
