// SPDX-License-Identifier: GPL-2.0
/* An SQLite error as an ub_err (errors.c has the rest, without SQLite). */
#include "results-db/db.h"

int ub_fail_sql(struct ub_err *e, sqlite3 *db, const char *what)
{
	return ub_fail(e, UB_EDATA, "%s: %s", what, sqlite3_errmsg(db));
}
