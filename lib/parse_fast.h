/* The fast reader behind parse_page(): no JSON tree, certificates straight
 * into our structs, for answers shaped as the API sends them. */
#ifndef NCP_PARSE_FAST_H
#define NCP_PARSE_FAST_H

#include <stddef.h>

#include "parse.h"

/* 0 with out filled; -1 when the document needs the full reader (out is
 * left empty); -2 when memory ran out. */
int parse_fast_page(const char *body, size_t len, struct ncp_page *out);

#endif
