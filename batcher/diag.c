/* Verifier and assembler diagnostics. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

hidden int __bc_fail(struct bc_diag *d, unsigned offset, const char *fmt, ...)
{
	if (d) {
		va_list ap;
		d->offset = offset;
		d->line = 0;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof d->msg, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}
