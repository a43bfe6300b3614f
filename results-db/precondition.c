// SPDX-License-Identifier: GPL-2.0
/*
 * A sweep's preconditioning (issue 14): before the points, a block device is
 * written sequentially (profiles/precondition.fio: twice by default) and then
 * randomly until fio's steady-state detection (ss=) says its IOPS are steady,
 * as SNIA's PTS prescribes for flash.  This file decides whether it applies,
 * imports the run that did it (with no sweep: it is never a point of the
 * sweep's tables; the preconditions row ties it to the sweep) and prints it.
 * The steady-state figures are the importer's (steady_state, schema 7).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "results-db/db.h"

int ub_precondition_applies(const char *target, char *why, size_t len)
{
	const char *target_dir = NULL;
	struct statfs fs;
	struct stat st;

	if (stat(target, &st)) {
		char dir[4096];
		char *slash;

		/* A file fio will create (a sweep's new target): judged by its directory. */
		snprintf(dir, sizeof(dir), "%s", target);
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = 0;
		else
			snprintf(dir, sizeof(dir), ".");
		if (errno != ENOENT || stat(dir, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: %s", target, strerror(errno));
			return -1;
		}
		target_dir = dir;
	}
	if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
		why[0] = 0;
		return 1;
	}
	if (!statfs(target_dir ? target_dir : target, &fs) && fs.f_type == TMPFS_MAGIC)
		snprintf(why, len, "%s is a file on tmpfs: its pages are memory, with no flash "
			 "translation layer to bring to a steady state", target);
	else
		snprintf(why, len, "%s is a file: the file system between it and the device "
			 "decides where its writes go, so preconditioning the device through it "
			 "does not apply (precondition the device itself)", target);
	return 0;
}

static int insert_row(sqlite3 *db, const char *sweep, const char *target, int applies,
		      const char *reason, long long run_id, struct ub_err *e)
{
	static const char sql[] =
		"INSERT INTO preconditions(sweep, target, applies, reason, run_id, recorded_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "recording the preconditioning");
	rc = sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_bind_int(st, 3, applies);
	rc = rc ? rc : (reason && *reason ? sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC)
					  : sqlite3_bind_null(st, 4));
	rc = rc ? rc : (run_id > 0 ? sqlite3_bind_int64(st, 5, run_id) : sqlite3_bind_null(st, 5));
	rc = rc ? rc : sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)	/* extended codes are on */
		return ub_fail(e, UB_EUSAGE, "sweep '%s' is not in the database, or was "
			       "preconditioned already", sweep);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "recording the preconditioning");
}

/* The run imported from these bytes, and its failed jobs (error != 0). */
static int imported_run(sqlite3 *db, const char *buf, size_t len, long long *run_id,
			int *failed, struct ub_err *e)
{
	static const char sql[] =
		"SELECT r.id, (SELECT count(*) FROM jobs j WHERE j.run_id = r.id AND j.error <> 0)"
		" FROM runs r WHERE r.content_hash = ?1 ORDER BY r.part LIMIT 1";
	sqlite3_stmt *st;
	char hash[65];
	int rc;

	ub_sha256_hex(buf, len, hash);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "finding the preconditioning run");
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		*failed = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "finding the preconditioning run");
}

int ub_precondition_record(sqlite3 *db, const char *sweep, const char *target, const char *name,
			   const char *json, size_t len, FILE *out, struct ub_err *e)
{
	struct ub_tag tags[2] = { { "phase", "precondition" }, { "precondition_of", sweep } };
	struct ub_import_opts o = { .tags = tags, .ntags = 2 };
	char why[512], reason[600];
	struct ub_host local;
	long long run_id = 0;
	int applies, failed = 0, rc;
	FILE *sink;

	applies = ub_precondition_applies(target, why, sizeof(why));
	if (applies < 0)
		return ub_fail(e, UB_EUSAGE, "--target %s", why);
	if (!json) {
		if (applies)
			return ub_fail(e, UB_EUSAGE, "%s is a device: give the fio JSON of its "
				       "preconditioning run (profiles/phases/precondition.fio)", target);
		rc = insert_row(db, sweep, target, 0, why, 0, e);
		if (rc == UB_OK)
			fprintf(out, "precondition: does not apply: %s\n", why);
		return rc;
	}
	if (!applies)
		return ub_fail(e, UB_EUSAGE, "%s", why);
	if (ub_host_probe(&local) == 0)
		o.local = &local;
	/* The import's own "imported ..." line is not this command's output. */
	sink = fopen("/dev/null", "w");
	rc = ub_import_buf(db, name, json, len, &o, sink ? sink : out, e);
	if (sink)
		fclose(sink);
	rc = rc ? rc : imported_run(db, json, len, &run_id, &failed, e);
	if (rc)
		return rc;
	reason[0] = 0;
	if (failed)
		snprintf(reason, sizeof(reason), "the preconditioning run failed: %d fio job%s "
			 "with an error (run %lld)", failed, failed == 1 ? "" : "s", run_id);
	rc = insert_row(db, sweep, target, 1, reason, run_id, e);
	if (rc)
		return rc;
	if (failed)
		return ub_fail(e, UB_EDATA, "%s", reason);
	return ub_cmd_precondition(db, sweep, out, e);
}

int ub_cmd_precondition(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"SELECT target, applies, coalesce(reason, ''), coalesce(run_id, 0),"
		" coalesce(fill_bytes, 0), coalesce(fill_ms, 0), ss_spec, ss_attained, ss_ms"
		" FROM precondition_summary WHERE sweep = ?1";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the preconditioning");
	rc = sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return ub_fail(e, UB_EDATA, "sweep '%s' was not preconditioned (no --precondition)",
			       sweep);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ub_fail_sql(e, db, "reading the preconditioning");
	}
#define COL_TEXT(i) ((const char *)sqlite3_column_text(st, (i)))
	if (!sqlite3_column_int(st, 1))
		fprintf(out, "precondition: does not apply: %s\n", COL_TEXT(2));
	else if (sqlite3_column_type(st, 6) == SQLITE_NULL)
		fprintf(out, "precondition: %s: run %lld, %.2f GiB written in %.1f s, no steady-state "
			"phase%s%s\n", COL_TEXT(0), (long long)sqlite3_column_int64(st, 3),
			sqlite3_column_int64(st, 4) / 1073741824.0, sqlite3_column_int64(st, 5) / 1000.0,
			*COL_TEXT(2) ? ": " : "", COL_TEXT(2));
	else
		fprintf(out, "precondition: %s: run %lld, fill %.2f GiB in %.1f s, then %s: %s "
			"after %.1f s%s%s\n", COL_TEXT(0), (long long)sqlite3_column_int64(st, 3),
			sqlite3_column_int64(st, 4) / 1073741824.0, sqlite3_column_int64(st, 5) / 1000.0,
			COL_TEXT(6), sqlite3_column_int(st, 7) ? "steady state attained" :
			"steady state NOT attained", sqlite3_column_int64(st, 8) / 1000.0,
			*COL_TEXT(2) ? "; " : "", COL_TEXT(2));
#undef COL_TEXT
	sqlite3_finalize(st);
	return UB_OK;
}

int ub_precondition_state(sqlite3 *db, const char *sweep, int *state, char *why, size_t len,
			  struct ub_err *e)
{
	static const char sql[] =
		"SELECT applies AND coalesce(reason, '') <> '', coalesce(reason, '')"
		" FROM preconditions WHERE sweep = ?1";
	sqlite3_stmt *st;
	int rc;

	*state = 0;
	why[0] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the preconditioning");
	rc = sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state = sqlite3_column_int(st, 0) ? 2 : 1;
		snprintf(why, len, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? UB_OK
						     : ub_fail_sql(e, db, "reading the preconditioning");
}

int ub_run_steady_state(sqlite3 *db, const char *buf, size_t len, int *with_ss, int *missed,
			struct ub_err *e)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(s.attained = 0), 0) FROM steady_state s"
		" JOIN jobs j ON j.id = s.job_id JOIN runs r ON r.id = j.run_id"
		" WHERE r.content_hash = ?1";
	sqlite3_stmt *st;
	char hash[65];
	int rc;

	*with_ss = *missed = 0;
	ub_sha256_hex(buf, len, hash);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the steady state");
	rc = sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*with_ss = sqlite3_column_int(st, 0);
		*missed = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "reading the steady state");
}
