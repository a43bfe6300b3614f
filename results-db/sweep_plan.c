// SPDX-License-Identifier: GPL-2.0
/*
 * A sweep's plan and the fate of each point (schema version 6, issues 13
 * and 14): uringbpf sweep writes every point it means to run (sweep_plan)
 * before the first run, with the options it ran with (sweeps.options), and
 * records each point's fate as it is decided. A point is
 *   planned      not run yet (or killed while running: kill -9, a crash)
 *   done         its run is imported (run_id); set by the import itself, in
 *                the import's transaction, so a kill between the two can't
 *                leave an imported run whose point looks pending
 *   skipped      the target can't run it (code, text); decided when planned
 *                (stage 'plan') or by a run the engine refused (stage 'run')
 *   failed       its run failed (code, text)
 *   interrupted  Ctrl-C (or TERM, HUP) stopped its run; nothing imported
 * A skipped or failed point stops its config: the config's pending points
 * get the same fate, with cause_seq naming the point that decided it.
 * Pending (what --resume runs): planned or interrupted.
 */
#include <string.h>
#include <stdlib.h>

#include "results-db/db.h"

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct ub_err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the sweep plan");
	return UB_OK;
}

static int bind_texts(sqlite3_stmt *st, int n, const char *const *v)
{
	int i, rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = v[i] ? sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT)
			  : sqlite3_bind_null(st, i + 1);
	return rc;
}

static int positive(const char *s, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 10);
	return *s && !*end && *v > 0;
}

int ub_plan_mark_done(sqlite3 *db, long long run_id, const char *axes, struct ub_err *e)
{
	/* The run's sweep, config and repeat as imported; its jobs' iodepth; the axes given. */
	static const char sql[] =
		"UPDATE sweep_plan SET fate = 'done', run_id = ?1, code = NULL, text = NULL,"
		"  cause_seq = NULL, stage = 'run', decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		" WHERE fate <> 'done' AND (sweep, config, repeat) ="
		"  (SELECT sweep, config, repeat FROM runs WHERE id = ?1)"
		"  AND iodepth IN (SELECT iodepth FROM jobs WHERE run_id = ?1)"
		"  AND axes = coalesce(?2, '')";
	sqlite3_stmt *st;
	int rc;

	if (prep(db, sql, &st, e))
		return UB_EDATA;
	rc = sqlite3_bind_int64(st, 1, run_id);
	if (rc == SQLITE_OK)
		rc = axes ? sqlite3_bind_text(st, 2, axes, -1, SQLITE_TRANSIENT) : SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "marking the run's planned point done");
}

/* 0 no such sweep, 1 a sweep without a plan (imported, or older), 2 planned. */
static int sweep_state(sqlite3 *db, const char *name, struct ub_err *e, int *state)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(db, "SELECT options IS NOT NULL AND EXISTS (SELECT 1 FROM sweep_plan"
		 " WHERE sweep = ?1) FROM sweeps WHERE name = ?1", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	*state = rc == SQLITE_ROW ? 1 + sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading sweeps");
	return UB_OK;
}

static int need_plan(sqlite3 *db, const char *path, const char *name, struct ub_err *e)
{
	int state;

	if (sweep_state(db, name, e, &state))
		return UB_EDATA;
	if (state == 0)
		return ub_fail(e, UB_EDATA, "%s has no sweep named '%s'", path, name);
	if (state == 1)
		return ub_fail(e, UB_EDATA, "sweep '%s' in %s has no plan (its runs were imported by "
			       "hand, or run by a sweep older than schema version 6), so it can't be "
			       "resumed: run it again under another --sweep-name", name, path);
	return UB_OK;
}

/*
 * plan-add NAME: the points on stdin, a line each:
 * CONFIG TAB IODEPTH TAB REPEAT TAB JOBFILE [TAB FATE TAB CODE TAB TEXT [TAB AXES]]
 * (FATE: skipped when the config can't run on this target, or empty;
 * AXES: the point's --axis values, "bs=16k numjobs=2"). All in one
 * transaction, numbered after the sweep's last point; a point planned
 * already is kept as it is.
 */
static int plan_add(sqlite3 *db, const char *name, FILE *in, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"INSERT INTO sweep_plan(sweep, seq, config, iodepth, repeat, job_file, fate, code, text,"
		"  stage, planned_at, decided_at, axes)"
		" VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM sweep_plan WHERE sweep = ?1),"
		"  ?2, ?3, ?4, ?5, coalesce(nullif(?6, ''), 'planned'), nullif(?7, ''), nullif(?8, ''),"
		"  CASE WHEN nullif(?6, '') IS NOT NULL THEN 'plan' END,"
		"  strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
		"  CASE WHEN nullif(?6, '') IS NOT NULL THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END,"
		"  coalesce(?9, ''))"
		" ON CONFLICT(sweep, config, iodepth, axes, repeat) DO NOTHING";
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	sqlite3_stmt *st = NULL;
	int rc, state, lineno = 0, added = 0, kept = 0;

	if (ubdb_exec(db, "BEGIN IMMEDIATE", e))
		return UB_EDATA;
	rc = sweep_state(db, name, e, &state);
	if (rc == UB_OK && !state)
		rc = ub_fail(e, UB_EDATA, "no sweep named '%s': claim-sweep it first", name);
	if (rc == UB_OK)
		rc = prep(db, sql, &st, e);
	while (rc == UB_OK && (len = getline(&line, &cap, in)) >= 0) {
		const char *f[9] = { name };
		char *p = line, *tab;
		long long qd, rep;
		int n = 1;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!*line)
			continue;
		while (n < 9) {
			f[n++] = p;
			tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = 0;
			p = tab + 1;
		}
		if ((n != 5 && n != 8 && n != 9) || !*f[1] || !positive(f[2], &qd) ||
		    !positive(f[3], &rep) || (n == 8 && strcmp(f[5], "skipped")) ||
		    (n == 9 && *f[5] && strcmp(f[5], "skipped"))) {
			rc = ub_fail(e, UB_EUSAGE, "plan line %d: want CONFIG, IODEPTH, REPEAT, JOBFILE "
				     "[, skipped or nothing, CODE, TEXT [, AXES]] separated by tabs",
				     lineno);
			break;
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		rc = bind_texts(st, n, f) == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
		if (rc != SQLITE_DONE) {
			rc = ub_fail_sql(e, db, "adding to the sweep plan");
			break;
		}
		rc = UB_OK;
		if (sqlite3_changes(db))
			added++;
		else
			kept++;
	}
	free(line);
	sqlite3_finalize(st);
	if (rc == UB_OK && ubdb_exec(db, "COMMIT", e))
		rc = UB_EDATA;
	if (rc) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	fprintf(out, "planned %d points for sweep %s", added, name);
	if (kept)
		fprintf(out, " (%d planned already)", kept);
	fputc('\n', out);
	return UB_OK;
}

/* plan-options NAME FILE: the sweep's options, NUL-separated in FILE, as a JSON array. */
static int plan_options(sqlite3 *db, const char *name, const char *buf, size_t len,
			struct ub_err *e)
{
	sqlite3_stmt *st = NULL;
	size_t at = 0;
	int rc, state;

	if (ubdb_exec(db, "BEGIN IMMEDIATE", e))
		return UB_EDATA;
	rc = sweep_state(db, name, e, &state);
	if (rc == UB_OK && !state)
		rc = ub_fail(e, UB_EDATA, "no sweep named '%s': claim-sweep it first", name);
	/* ?3: the first argument starts the array afresh. */
	if (rc == UB_OK)
		rc = prep(db, "UPDATE sweeps SET options = json_insert(CASE WHEN ?3 THEN '[]'"
			  " ELSE options END, '$[#]', ?2) WHERE name = ?1", &st, e);
	while (rc == UB_OK && at < len) {
		size_t n = strnlen(buf + at, len - at);

		sqlite3_reset(st);
		rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, buf + at, (int)n, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 3, at == 0);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "storing the sweep's options");
		at += n + 1;
	}
	sqlite3_finalize(st);
	if (rc == UB_OK && ubdb_exec(db, "COMMIT", e))
		rc = UB_EDATA;
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The pending points (planned or interrupted), in plan order. */
#define PENDING "fate IN ('planned', 'interrupted')"

/* plan-pending NAME: SEQ CONFIG IODEPTH REPEAT JOBFILE AXES, a line each (tab separated). */
static int plan_pending(sqlite3 *db, const char *path, const char *name, FILE *out,
			struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = need_plan(db, path, name, e);
	if (rc)
		return rc;
	if (prep(db, "SELECT seq, config, iodepth, repeat, coalesce(job_file, ''), axes"
		 " FROM sweep_plan WHERE sweep = ?1 AND " PENDING " ORDER BY seq", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fprintf(out, "%lld\t%s\t%lld\t%lld\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0),
			sqlite3_column_text(st, 1), (long long)sqlite3_column_int64(st, 2),
			(long long)sqlite3_column_int64(st, 3), sqlite3_column_text(st, 4),
			sqlite3_column_text(st, 5));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading the sweep plan");
}

/*
 * resume-sweep NAME: the sweep's options, NUL-separated, when it has
 * pending points or did not reach its end (killed after its last planned
 * run, before the variance gate planned more); UB_EDONE (and why) when it
 * ended and every point has its fate.
 */
static int resume_sweep(sqlite3 *db, const char *path, const char *name, FILE *out,
			struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = need_plan(db, path, name, e);
	if (rc)
		return rc;
	if (prep(db, "SELECT (SELECT ended_at IS NOT NULL FROM sweeps WHERE name = ?1), count(*),"
		 " sum(" PENDING "), sum(fate = 'done'), sum(fate = 'skipped'), sum(fate = 'failed')"
		 " FROM sweep_plan WHERE sweep = ?1", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ub_fail_sql(e, db, "reading the sweep plan");
	}
	if (sqlite3_column_int(st, 2) == 0 && sqlite3_column_int(st, 0)) {
		rc = ub_fail(e, UB_EDONE, "sweep '%s' is complete: %d points planned, %d done, "
			     "%d skipped, %d failed; nothing to resume", name,
			     sqlite3_column_int(st, 1), sqlite3_column_int(st, 3),
			     sqlite3_column_int(st, 4), sqlite3_column_int(st, 5));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	/* The options, NUL after each: a scripts' "mapfile -d ''" reads them back. */
	if (prep(db, "SELECT value FROM sweeps, json_each(sweeps.options) WHERE name = ?1"
		 " ORDER BY key", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs((const char *)sqlite3_column_text(st, 0), out);
		fputc(0, out);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading the sweep's options");
}

/*
 * fate NAME CONFIG IODEPTH REPEAT FATE [CODE [TEXT [AXES]]]: skipped, failed
 * or interrupted (done is the import's). skipped and failed stop the config
 * (at every value of the axes):
 * its pending points get the same fate, caused by this one.
 */
static int set_fate(sqlite3 *db, const char *path, char **a, int n, FILE *out, struct ub_err *e)
{
	static const char one[] =
		"UPDATE sweep_plan SET fate = ?5, code = ?6, text = ?7, stage = 'run', cause_seq = NULL,"
		"  decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		" WHERE sweep = ?1 AND config = ?2 AND iodepth = ?3 AND repeat = ?4 AND fate <> 'done'"
		"  AND axes = coalesce(?8, '')"
		" RETURNING seq";
	static const char rest[] =
		"UPDATE sweep_plan SET fate = ?2, code = ?3, text = ?4, stage = 'run', cause_seq = ?5,"
		"  decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		" WHERE sweep = ?1 AND config = ?6 AND " PENDING;
	const char *v[8] = { a[0], a[1], a[2], a[3], a[4], n > 5 ? a[5] : NULL, n > 6 ? a[6] : NULL,
			     n > 7 ? a[7] : NULL };
	const char *ax = n > 7 && *a[7] ? a[7] : NULL;
	long long qd, rep, seq = 0;
	sqlite3_stmt *st;
	int rc, stops;

	if (strcmp(a[4], "skipped") && strcmp(a[4], "failed") && strcmp(a[4], "interrupted"))
		return ub_fail(e, UB_EUSAGE, "fate '%s': give skipped, failed or interrupted (done is "
			       "recorded by import --sweep --config --repeat)", a[4]);
	if (!positive(a[2], &qd) || !positive(a[3], &rep))
		return ub_fail(e, UB_EUSAGE, "fate: IODEPTH and REPEAT are positive integers, got "
			       "'%s' and '%s'", a[2], a[3]);
	stops = strcmp(a[4], "interrupted") != 0;
	if (stops && (n < 7 || !*a[5] || !*a[6]))
		return ub_fail(e, UB_EUSAGE, "fate %s needs a CODE and a TEXT saying why", a[4]);
	if (ubdb_exec(db, "BEGIN IMMEDIATE", e))
		return UB_EDATA;
	rc = need_plan(db, path, a[0], e);
	if (rc == UB_OK)
		rc = prep(db, one, &st, e);
	if (rc == UB_OK) {
		rc = bind_texts(st, 8, v);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			seq = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			rc = UB_OK;
		else if (rc == SQLITE_DONE)
			rc = ub_fail(e, UB_EDATA, "sweep '%s' has no pending point %s qd=%lld%s%s "
				     "repeat %lld (not planned, or its run is imported already)", a[0],
				     a[1], qd, ax ? " " : "", ax ? ax : "", rep);
		else
			rc = ub_fail_sql(e, db, "recording the point's fate");
	}
	if (rc == UB_OK && stops) {
		const char *r[4] = { a[0], a[4], a[5], a[6] };

		rc = prep(db, rest, &st, e);
		if (rc == UB_OK) {
			rc = bind_texts(st, 4, r);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_int64(st, 5, seq);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_text(st, 6, a[1], -1, SQLITE_STATIC);
			if (rc == SQLITE_OK)
				rc = sqlite3_step(st);
			sqlite3_finalize(st);
			rc = rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "recording the config's fate");
		}
	}
	if (rc == UB_OK && ubdb_exec(db, "COMMIT", e))
		rc = UB_EDATA;
	if (rc) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	fprintf(out, "%s %s qd=%lld%s%s repeat %lld: %s\n", a[0], a[1], qd, ax ? " " : "",
		ax ? ax : "", rep, a[4]);
	return UB_OK;
}

/*
 * not-run --sweep NAME: what the sweep did not run and why, a line per
 * decision (tab separated): CONFIG, IODEPTH (all: decided when planned),
 * REASON (failed: "FAILED: ..."), FATE, CODE, AXES (the point's --axis
 * values, '' for none or all). The points a decision
 * stopped are not repeated; pending points are one line per config.
 * uringbpf sweep exports this as OUT/skipped.tsv; uringbpf plot lists it.
 */
static int not_run(sqlite3 *db, const char *name, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"WITH p AS (SELECT * FROM sweep_plan WHERE sweep = ?1 AND fate <> 'done'"
		"  AND cause_seq IS NULL),"
		" d AS (SELECT min(seq) AS seq, config, iodepth, fate, code, text, stage, count(*) AS n,"
		"   '' AS axes"
		"   FROM p WHERE fate = 'planned' OR stage = 'plan' GROUP BY config, fate, stage"
		"  UNION ALL"
		"  SELECT seq, config, iodepth, fate, code, text, stage, 1, axes FROM p"
		"   WHERE fate <> 'planned' AND stage IS NOT 'plan')"
		" SELECT config, CASE WHEN stage = 'plan' THEN 'all' ELSE iodepth END,"
		"  CASE fate WHEN 'failed' THEN 'FAILED: ' WHEN 'interrupted' THEN 'interrupted: '"
		"   ELSE '' END"
		"  || CASE WHEN fate = 'planned' THEN 'not run yet (' || n || CASE n WHEN 1 THEN ' run' ELSE ' runs' END || '): resume with "
		"uringbpf sweep --resume ' || ?1"
		"    ELSE coalesce(text, 'no reason given') || coalesce(' (' || code || ')', '') END,"
		"  fate, coalesce(code, ''), axes"
		" FROM d ORDER BY seq";
	sqlite3_stmt *st;
	int rc;

	if (prep(db, sql, &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", sqlite3_column_text(st, 0),
			sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
			sqlite3_column_text(st, 5));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading the sweep plan");
}

/* plan --sweep NAME: every point and its fate (tab separated, with a header). */
/* plan-end NAME: the sweep ran to its end (resume-sweep then has nothing to do). */
static int plan_end(sqlite3 *db, const char *path, const char *name, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = need_plan(db, path, name, e);
	if (rc)
		return rc;
	if (prep(db, "UPDATE sweeps SET ended_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		 " WHERE name = ?1", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "marking the sweep's end");
}

static int plan_list(sqlite3 *db, const char *path, const char *name, FILE *out,
		     struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc, header = 0;

	rc = need_plan(db, path, name, e);
	if (rc)
		return rc;
	/* The axes column only for a sweep that has --axis values (older output unchanged). */
	if (prep(db, "SELECT seq, config, iodepth, repeat, fate, coalesce(run_id, '-'),"
		 " coalesce(code, '-'), coalesce(text, '-'), nullif(axes, ''),"
		 " EXISTS (SELECT 1 FROM sweep_plan WHERE sweep = ?1 AND axes <> '')"
		 " FROM sweep_plan WHERE sweep = ?1 ORDER BY seq", &st, e))
		return UB_EDATA;
	rc = bind_texts(st, 1, &name);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ax = sqlite3_column_int(st, 9), ncol = ax ? 9 : 8;

		if (!header++)
			fprintf(out, "seq\tconfig\tiodepth\trepeat\tfate\trun\tcode\ttext%s\n",
				ax ? "\taxes" : "");
		for (int i = 0; i < ncol; i++)
			fprintf(out, "%s%c", sqlite3_column_type(st, i) == SQLITE_NULL ? "-" :
				(const char *)sqlite3_column_text(st, i), i < ncol - 1 ? '\t' : '\n');
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading the sweep plan");
}

int ub_plan_add(sqlite3 *db, const char *name, FILE *in, FILE *out, struct ub_err *e)
{
	return plan_add(db, name, in, out, e);
}

int ub_cmd_plan(sqlite3 *db, const char *path, const char *cmd, const char *sweep, int npos,
		char **pos, const char *buf, size_t len, FILE *out, struct ub_err *e)
{
	if (!strcmp(cmd, "plan-add"))
		return plan_add(db, pos[0], stdin, out, e);
	if (!strcmp(cmd, "plan-options"))
		return plan_options(db, pos[0], buf, len, e);
	if (!strcmp(cmd, "plan-pending"))
		return plan_pending(db, path, pos[0], out, e);
	if (!strcmp(cmd, "resume-sweep"))
		return resume_sweep(db, path, pos[0], out, e);
	if (!strcmp(cmd, "plan-end"))
		return plan_end(db, path, pos[0], e);
	if (!strcmp(cmd, "fate"))
		return set_fate(db, path, pos, npos, out, e);
	if (!sweep)
		return ub_fail(e, UB_EUSAGE, "%s needs --sweep NAME", cmd);
	if (!strcmp(cmd, "not-run"))
		return not_run(db, sweep, out, e);
	return plan_list(db, path, sweep, out, e);
}
