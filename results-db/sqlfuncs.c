// SPDX-License-Identifier: GPL-2.0
/*
 * SQL functions for the importer and the migrations: they read fio's option
 * strings ("4k", "" for a flag given without a value). Views never use them,
 * so a plain sqlite3 user can still query every view.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "results-db/db.h"

/* fio sizes: "4096", "4k", "4KiB", "1m"; "4k,8k" (read,write) gives the read size. */
long long ub_parse_size(const char *s, int *ok)
{
	unsigned long long v, mult = 1;
	char *end;

	*ok = 0;
	if (!s || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1ULL << 10; end++; break;
	case 'm': mult = 1ULL << 20; end++; break;
	case 'g': mult = 1ULL << 30; end++; break;
	case 't': mult = 1ULL << 40; end++; break;
	}
	if (mult > 1 && (!strncasecmp(end, "ib", 2)))
		end += 2;
	else if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end && *end != ',' && *end != ':')
		return 0;
	if (v > (unsigned long long)INT64_MAX / mult)
		return 0;
	*ok = 1;
	return (long long)(v * mult);
}

static void sql_size(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	long long v;
	int ok;

	v = ub_parse_size(s, &ok);
	if (ok)
		sqlite3_result_int64(ctx, v);
	else
		sqlite3_result_null(ctx);
}

/* fio bool options: absent 0; "" (flag given bare) 1; "0", "false", "off", "no" 0. */
static void sql_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const char *const off[] = { "0", "false", "off", "no" };
	const char *s;
	size_t i;

	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_int(ctx, 0);
		return;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		sqlite3_result_int(ctx, sqlite3_value_double(argv[0]) != 0);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	for (i = 0; s && i < sizeof(off) / sizeof(off[0]); i++)
		if (!strcasecmp(s, off[i])) {
			sqlite3_result_int(ctx, 0);
			return;
		}
	sqlite3_result_int(ctx, 1);
}

int ub_register_sql_functions(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc;

	rc = sqlite3_create_function(db, "ub_size", 1, flags, NULL, sql_size, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_bool", 1, flags, NULL, sql_bool, NULL, NULL);
	return rc;
}
