// SPDX-License-Identifier: GPL-2.0
/* Error messages travel up in an ub_err; only main() prints them. */
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

int ub_fail_sql(struct ub_err *e, sqlite3 *db, const char *what)
{
	return ub_fail(e, UB_EDATA, "%s: %s", what, sqlite3_errmsg(db));
}
