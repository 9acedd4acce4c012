/* Text from the API made safe for plugin output. */
#ifndef NCP_TEXT_H
#define NCP_TEXT_H

#include <stddef.h>

#include "buf.h"

/* Appends s to out so that it cannot break a plugin line: '|' (the
 * perfdata separator) becomes '/', ';' (which Nagios rewrites) becomes ',',
 * line breaks and other control characters become spaces, bytes that are
 * not UTF-8 become '?'.  At most max_chars characters are kept; a longer
 * text ends in "...".  max_chars 0 means no limit.  0 or -1 (buffer full). */
int text_append_safe(struct buf *out, const char *s, size_t max_chars);

/* Appends s with every byte that is not UTF-8 replaced by U+FFFD, nothing
 * else changed: for JSON output, which must be valid UTF-8. */
int text_append_utf8(struct buf *out, const char *s);

/* Columns a UTF-8 string takes on a terminal (East Asian wide = 2). */
size_t text_display_width(const char *s);

#endif
