/* The INI dialect of ~/.ncloud/configure.  Pure: works on text in memory. */
#ifndef NCP_INI_H
#define NCP_INI_H

#include <stdbool.h>
#include <stddef.h>

/* Finds key in [section] (also accepted as [profile section]); section and
 * key compare case-sensitively, as NCP's CLI does.  Blank lines, '#' and
 * ';' comments, spaces around '=' and CRLF line ends are fine.
 * Returns 1 and a malloc'd value (caller frees, and wipes if secret), 0 if
 * absent, -1 if out of memory.  *section_seen tells whether the section
 * exists at all. */
int ini_lookup(const char *text, size_t len, const char *section, const char *key,
	       char **value, bool *section_seen);

#endif
