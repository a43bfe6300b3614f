// SPDX-License-Identifier: GPL-2.0
/*
 * engine-report FILE: the engine's report=FILE (JSON Lines, one object per
 * job; schema in README "Engine report") as one tab-separated line per job
 * for scripts:
 *
 *   JOB  OUTCOME  CODE  VERDICT  RING  MESSAGE
 *
 * VERDICT is the runner's decision, made here from the stable code and never
 * from the message: "ok" (it ran), "skip" (the engine refused before any
 * I/O because this target, kernel, user or option set can't do the job; and
 * iopoll_unsupported at any point: the target can't poll), "fail" (anything
 * else).  RING is "N entries, flags A|B" or "-"; an absent CODE or MESSAGE is
 * "-".  Tabs and newlines inside a field become spaces, so `read` splits it
 * safely; MESSAGE is last and may hold spaces.
 */
#include <string.h>

#include "results-db/db.h"

static const char *const skip_codes[] = {
	"iopoll_unsupported", "kernel_unsupported", "not_permitted", "mode_unsupported",
	"resource_limit", "option_invalid", "refused",
};

static const char *verdict(const char *outcome, const char *code)
{
	size_t i;

	if (!strcmp(outcome, "ran"))
		return "ok";
	if (code && !strcmp(code, "iopoll_unsupported"))
		return "skip";
	if (strcmp(outcome, "refused") || !code)
		return "fail";
	for (i = 0; i < sizeof(skip_codes) / sizeof(skip_codes[0]); i++)
		if (!strcmp(code, skip_codes[i]))
			return "skip";
	return "fail";
}

/* A field for a tab-separated line: "-" when empty, no tabs or newlines. */
static void put_field(FILE *out, const unsigned char *s, const char *sep)
{
	if (!s || !*s) {
		fputc('-', out);
	} else {
		for (; *s; s++)
			fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
	}
	fputs(sep, out);
}

static const char sql_line[] =
	"SELECT json_extract(?1,'$.schema'), json_extract(?1,'$.job'), json_extract(?1,'$.outcome'),"
	" json_extract(?1,'$.code'), json_extract(?1,'$.ring.entries'),"
	" (SELECT group_concat(value,'|') FROM json_each(?1,'$.ring.flags')),"
	" json_extract(?1,'$.message')"
	" WHERE json_valid(?1) AND json_type(?1) = 'object'";

static int report_line(sqlite3_stmt *st, const char *name, int lineno, const char *line,
		       size_t len, FILE *out, struct ub_err *e)
{
	const char *outcome, *code;
	char ring[512] = "";
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, line, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return ub_fail(e, UB_EDATA, "%s:%d: not a JSON object (an engine report has one "
			       "per line, from the engine's report=FILE)", name, lineno);
	outcome = (const char *)sqlite3_column_text(st, 2);
	if (sqlite3_column_int(st, 0) < 1 || !sqlite3_column_text(st, 1) || !outcome ||
	    (strcmp(outcome, "ran") && strcmp(outcome, "refused") && strcmp(outcome, "failed")))
		return ub_fail(e, UB_EDATA, "%s:%d: not an engine report line (needs schema>=1, "
			       "job, and outcome ran|refused|failed)", name, lineno);
	code = (const char *)sqlite3_column_text(st, 3);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		snprintf(ring, sizeof(ring), "%d entries, flags %s", sqlite3_column_int(st, 4),
			 sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) :
			 "none");
	put_field(out, sqlite3_column_text(st, 1), "\t");
	put_field(out, (const unsigned char *)outcome, "\t");
	put_field(out, (const unsigned char *)code, "\t");
	put_field(out, (const unsigned char *)verdict(outcome, code), "\t");
	put_field(out, (const unsigned char *)ring, "\t");
	put_field(out, sqlite3_column_text(st, 6), "\n");
	return UB_OK;
}

int ub_cmd_engine_report(const char *name, const char *buf, size_t len, FILE *out,
			 struct ub_err *e)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	size_t pos = 0;
	int rc = UB_OK, lineno = 0, jobs = 0;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql_line, -1, &st, NULL) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "engine-report: in-memory SQLite");
		goto out;
	}
	while (pos < len && rc == UB_OK) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (n) {
			rc = report_line(st, name, lineno, buf + pos, n, out, e);
			jobs++;
		}
		pos += n + 1;
	}
	if (rc == UB_OK && !jobs)
		rc = ub_fail(e, UB_EDATA, "%s: no job in the engine report (empty file)", name);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
