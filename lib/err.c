#include "config.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ncp_err_clear(struct ncp_err *err)
{
	memset(err, 0, sizeof *err);
}

void ncp_err_set(struct ncp_err *err, enum ncp_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void ncp_err_prefix(struct ncp_err *err, const char *fmt, ...)
{
	char head[256];
	char tail[sizeof err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(tail, err->msg, sizeof tail);
	snprintf(err->msg, sizeof err->msg, "%s: %s", head, tail);
}
