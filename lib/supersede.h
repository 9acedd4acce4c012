/* Renewals: which certificates a later one has replaced.  Pure. */
#ifndef NCP_SUPERSEDE_H
#define NCP_SUPERSEDE_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"

#define SUPERSEDE_NONE SIZE_MAX

/* Fills by[i] (list->len entries) with the index of the certificate that
 * supersedes list->items[i], or SUPERSEDE_NONE.  B supersedes A when B has
 * a NORMAL-family status, the same commonName (case-insensitive), at least
 * all of A's dnsNames, and a later notAfter; of several, the one expiring
 * last wins.  Decided over the whole account, before any selection.
 * 0, or -1 when memory ran out. */
int supersede_find(const struct ncp_cert_list *list, size_t *by);

#endif
