// SPDX-License-Identifier: GPL-2.0
/* configs, info and runs: short listings for scripts (graph titles, checks). */
#include <string.h>

#include "results-db/db.h"

int ub_cmd_configs(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"SELECT j.config FROM jobs j JOIN runs r ON r.id = j.run_id"
		" WHERE (?1 IS NULL OR r.sweep = ?1) AND j.config IS NOT NULL"
		" GROUP BY j.config ORDER BY min(j.id)";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading configs");
	rc = sweep ? sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fprintf(out, "%s\n", (const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading configs");
}

/* The distinct values of one expression over the selected runs, first seen first. */
static int info_line(sqlite3 *db, const char *sweep, const char *key, const char *expr,
		     FILE *out, struct ub_err *e)
{
	char sql[1024];
	sqlite3_stmt *st;
	int rc, n = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT %s AS v FROM runs r LEFT JOIN devices d ON d.id = r.device_id"
		 " WHERE (?1 IS NULL OR r.sweep = ?1) AND v IS NOT NULL"
		 " GROUP BY v ORDER BY min(r.id)", expr);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading run info");
	rc = sweep ? sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
	fprintf(out, "%s=", key);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fprintf(out, "%s%s", n++ ? ", " : "", (const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_OK;
	}
	fprintf(out, "\n");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading run info");
}

int ub_cmd_info(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e)
{
	static const struct { const char *key, *expr; } lines[] = {
		{ "sweep", "r.sweep" },
		/* Without --device at import, the jobs' target path says what was tested. */
		{ "device", "coalesce(d.model, d.path, (SELECT coalesce("
			    "json_extract(j.options, '$.filename'), json_extract(j.options, '$.directory'))"
			    " FROM jobs j WHERE j.run_id = r.id ORDER BY j.idx LIMIT 1))" },
		{ "kernel", "r.kernel" },
		{ "host", "r.host" },
		{ "fio_version", "r.fio_version" },
	};
	static const char first_sql[] =
		"SELECT count(*), min(coalesce(fio_time, imported_at)) FROM runs"
		" WHERE (?1 IS NULL OR sweep = ?1)";
	sqlite3_stmt *st;
	char date[64] = "";
	long long nruns = 0;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(db, first_sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading run info");
	rc = sweep ? sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		nruns = sqlite3_column_int64(st, 0);
		if (sqlite3_column_text(st, 1))
			snprintf(date, sizeof(date), "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ub_fail_sql(e, db, "reading run info");
	if (!nruns)
		return ub_fail(e, UB_EDATA, "no runs%s%s", sweep ? " in sweep " : "", sweep ? sweep : "");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		rc = info_line(db, sweep, lines[i].key, lines[i].expr, out, e);
		if (rc)
			return rc;
	}
	fprintf(out, "date=%s\nruns=%lld\n", date, nruns);
	return UB_OK;
}

int ub_cmd_runs(sqlite3 *db, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"SELECT id, coalesce(fio_time, imported_at), coalesce(sweep, '-'),"
		" coalesce(config, '-'), coalesce(host, '-'), coalesce(file, '-')"
		" FROM runs ORDER BY id";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(out, "%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 5));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading runs");
}

/*
 * run-summary: what a sweep prints after each run, from the database (the
 * one place these figures are computed): per run made from the file's
 * bytes, "RUN_ID KIOPS P99_US JOBS FAILED CORES KIOPS3" tab separated. KIOPS
 * adds the run's points (1 decimal, as printed); P99_US is the highest point
 * p99 ("-" when none has one); CORES the run's cpu_cores (every thread of the
 * run; "-" when not measured); KIOPS3 is KIOPS with 3 decimals, the variance
 * gate's sample (as a resumed sweep reads it; at 0.1 kIOPS two runs of a
 * 12 kIOPS point could not differ by less than 0.8%).
 */
int ub_cmd_run_summary(sqlite3 *db, const char *name, const char *hash, FILE *out,
		       struct ub_err *e)
{
	static const char sql[] =
		"SELECT r.id,"
		" printf('%.1f', coalesce((SELECT sum(p.kiops) FROM run_points p WHERE p.run_id = r.id), 0)),"
		" coalesce(printf('%.1f', (SELECT max(p.clat_p99_us) FROM run_points p"
		"   WHERE p.run_id = r.id)), '-'),"
		" (SELECT count(*) FROM jobs j WHERE j.run_id = r.id),"
		" (SELECT count(*) FROM failed_jobs f WHERE f.run_id = r.id),"
		" coalesce(printf('%.2f', (SELECT max(p.cpu_cores) FROM run_points p"
		"   WHERE p.run_id = r.id)), '-'),"
		" printf('%.3f', coalesce((SELECT sum(p.kiops) FROM run_points p WHERE p.run_id = r.id), 0))"
		" FROM runs r WHERE r.content_hash = ?1 ORDER BY r.part";
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading runs");
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fprintf(out, "%lld\t%s\t%s\t%d\t%d\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
			sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
			(const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6));
		n++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading runs");
	return n ? UB_OK : ub_fail(e, UB_EDATA, "%s is not imported in this database "
				    "(import it first)", name);
}
