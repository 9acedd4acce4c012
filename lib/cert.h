/* Our own picture of an Advanced certificate, independent of the JSON it
 * came in.  Every string is owned by the certificate. */
#ifndef NCP_CERT_H
#define NCP_CERT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ncptime.h"

enum cert_type {
	CERT_TYPE_UNKNOWN = 0,
	CERT_TYPE_DV,
	CERT_TYPE_OV,
};

struct ncp_cert {
	bool has_no;
	long long no;              /* certificateNo */
	char *name;                /* certificateName, may be NULL */
	char *common_name;         /* may be NULL */
	char *order_id;            /* orderId / orderID, may be NULL */
	char *type_code;           /* certificateType / certificateTypeCode as sent */
	enum cert_type type;
	char **dns_names;          /* dnsName split into names */
	size_t n_dns;
	bool has_status_code;
	long status_code;
	char *status_name;         /* as sent, may be NULL */
	bool has_not_after;
	struct ncp_instant not_after;
	char *not_after_raw;       /* as sent when it could not be read, else NULL */
	const char *not_after_why; /* static reason it could not be read */
	char *problem;             /* why this entry is unusable, or NULL */
	size_t n_used_instances;   /* usedInstanceNoList: still attached to these */
	char *used_instances;      /* "123, 456" for messages (cut when long), NULL when none */
};

struct ncp_cert_list {
	struct ncp_cert *items;
	size_t len;
	size_t cap;
};

void cert_clear(struct ncp_cert *c);

/* Appends a copy of start[0..len) to dns_names (nothing when len is 0).
 * The array grows geometrically: a dnsName of 700 000 names must not cost
 * 700 000 reallocations.  0, or -1 when memory ran out. */
int cert_add_dns_name(struct ncp_cert *c, const char *start, size_t len);

/* The text for usedInstanceNoList: the instances as listed, or a note when
 * even the first is too long to show; NULL when there are none.  Shared
 * by both readers so they agree.  Caller frees. */
char *cert_instances_text(const struct buf *listed, size_t count);

/* A name for people: certificateName, else commonName, else "#no". */
const char *cert_display_name(const struct ncp_cert *c, char *tmp, size_t tmp_len);

void cert_list_init(struct ncp_cert_list *l);
/* Takes ownership of *c (on success and on failure). 0 or -1 (no memory). */
int cert_list_push(struct ncp_cert_list *l, struct ncp_cert *c);
/* Moves every certificate of src to the end of dst; src ends empty. */
int cert_list_take_all(struct ncp_cert_list *dst, struct ncp_cert_list *src);
void cert_list_clear(struct ncp_cert_list *l);

enum cert_type cert_type_from_code(const char *code);
const char *cert_type_name(enum cert_type t);

#endif
