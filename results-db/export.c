// SPDX-License-Identifier: GPL-2.0
/* export-csv (a view or table, with a header) and sql (one read-only query). */
#include <string.h>

#include "results-db/db.h"

static void csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int print_rows(sqlite3 *db, sqlite3_stmt *st, int csv, FILE *out, struct ub_err *e)
{
	int i, rc, ncol = sqlite3_column_count(st);

	if (csv) {
		for (i = 0; i < ncol; i++) {
			if (i)
				fputc(',', out);
			csv_field(out, sqlite3_column_name(st, i));
		}
		fputc('\n', out);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncol; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);

			if (i)
				fputc(csv ? ',' : '|', out);
			if (csv)
				csv_field(out, v);
			else if (v)
				fputs(v, out);
		}
		fputc('\n', out);
	}
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading rows");
}

static int list_objects(sqlite3 *db, char *buf, size_t len)
{
	sqlite3_stmt *st;
	size_t used = 0;
	int rc;

	buf[0] = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type IN ('view', 'table')"
			       " AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && used < len) {
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			 (const char *)sqlite3_column_text(st, 0));
		used += strlen(buf + used);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int ub_cmd_export_csv(sqlite3 *db, const char *view, FILE *out, struct ub_err *e)
{
	char sql[512], names[600];
	sqlite3_stmt *st;
	char *q;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = ?1"
			       " AND type IN ('view', 'table')", -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the schema");
	rc = sqlite3_bind_text(st, 1, view, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading the schema");
	if (rc == SQLITE_DONE) {
		if (list_objects(db, names, sizeof(names)))
			snprintf(names, sizeof(names), "?");
		return ub_fail(e, UB_EUSAGE, "no view or table named '%s'; "
			       "--view takes one of: %s", view, names);
	}
	/* The name was checked against the schema; %w quotes it as an identifier. */
	q = sqlite3_mprintf("SELECT * FROM \"%w\"", view);
	if (!q)
		return ub_fail(e, UB_EDATA, "out of memory");
	snprintf(sql, sizeof(sql), "%s", q);
	sqlite3_free(q);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, view);
	rc = print_rows(db, st, 1, out, e);
	sqlite3_finalize(st);
	return rc;
}

int ub_cmd_sql(sqlite3 *db, const char *sql, FILE *out, struct ub_err *e)
{
	sqlite3_stmt *st;
	const char *tail;
	int rc;

	/* Belt and braces: the statement must be read-only and the connection is too. */
	rc = ubdb_exec(db, "PRAGMA query_only = ON", e);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK)
		return ub_fail(e, UB_EUSAGE, "%s", sqlite3_errmsg(db));
	if (!st)
		return ub_fail(e, UB_EUSAGE, "no statement given: e.g. "
			       "uringbpf-db sql \"SELECT * FROM kiops_by_iodepth\"");
	tail += strspn(tail, " \t\r\n;");
	if (*tail) {
		sqlite3_finalize(st);
		return ub_fail(e, UB_EUSAGE, "give one statement at a time (extra text: %.40s)",
			       tail);
	}
	if (!sqlite3_stmt_readonly(st)) {
		sqlite3_finalize(st);
		return ub_fail(e, UB_EUSAGE, "only read-only queries (SELECT ...) are allowed");
	}
	rc = print_rows(db, st, 0, out, e);
	sqlite3_finalize(st);
	return rc;
}
