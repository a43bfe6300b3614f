// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages travel up in an ub_err; only main() prints them.  No SQLite
 * here: the engine links this file (ioengine/build.mk); errors_sql.c has
 * ub_fail_sql().
 */
#include <stdio.h>

#include "results-db/db.h"

int ub_fail(struct ub_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
