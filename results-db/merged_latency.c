// SPDX-License-Identifier: GPL-2.0
/*
 * Latency percentiles of a point over its repeats: the one place table and
 * series get them from. A percentile of several runs is not the mean of
 * their percentiles (a tail seen in one repeat of two is half as frequent
 * over both); their json+ histograms add up bucket by bucket, and the
 * percentile of the sum is the point's own (ub_clat_pct, sqlfuncs.c).
 * A group of points with a run lacking histograms (plain json) gets the
 * mean of the runs' own figures instead, and says so (binned = 0): never a
 * mix of both in one figure. The mean latency over repeats is here too: the
 * mean of every I/O, not of the runs' means.
 */
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

/* The names older than this file: run_points columns, no dot in them. */
static const struct {
	const char *name;
	double pct;
} named[] = {
	{ "clat_p50_us", 50.0 }, { "clat_p99_us", 99.0 }, { "clat_p999_us", 99.9 },
	{ "clat_p9999_us", 99.99 },
};

int ub_metric_pct(const char *metric, double *pct, const char **column)
{
	size_t i, len = strlen(metric), digits;
	const char *num = metric + 6;
	char buf[32], *end;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (!strcmp(metric, named[i].name)) {
			*pct = named[i].pct;
			*column = named[i].name;
			return UB_OK;
		}
	}
	*column = NULL;
	if (strncmp(metric, "clat_p", 6) || len < 10 || strcmp(metric + len - 3, "_us"))
		return UB_EUSAGE;
	/* clat_pNN[.NNN]_us: digits, at most one '.', not at either end. */
	digits = len - 9;
	if (digits >= sizeof(buf) || strspn(num, "0123456789.") < digits || num[0] == '.' ||
	    num[digits - 1] == '.')
		return UB_EUSAGE;
	memcpy(buf, num, digits);
	buf[digits] = 0;
	if (strchr(buf, '.') != strrchr(buf, '.'))
		return UB_EUSAGE;
	*pct = strtod(buf, &end);
	if (*end || !(*pct > 0 && *pct <= 100))
		return UB_EUSAGE;
	/* clat_p99.99_us is clat_p9999_us: plain json keeps it, the fallback needs the column. */
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (*pct == named[i].pct)
			*column = named[i].name;
	return UB_OK;
}

/*
 * Each group (config, x) of the run_points the filter selects:
 *   pts   the run points, with their x
 *   r     each point's results its latency is read from: its non-failed
 *         jobs, in its latency direction (point_latency.ddir), with I/O
 *   rb    those results' histogram buckets (NULL bin: the result has none)
 *   run   per point: all its results binned?, its percentile from its bins
 *         (yb) and fio's figure in run_points (own; NULL for one not kept)
 *   g     per group: all binned? Then every figure is from bins (the
 *         merged one, gm, and each run's), else every one is fio's (own)
 * Columns: config, x, value, stddev, min, max, n (over the points' own
 * figures: the spread of the repeats), binned (1: value is the merged one,
 * 0: the mean of the points' own figures), the mean of the points' own
 * figures (what compare's noise band divides their stddev by).
 */
static const char merged_sql[] =
	"WITH pts AS (SELECT m.*, %s AS x, " UB_SQL_LABEL("m.config", "m.iodepth", "m.run_id")
	"  AS label FROM run_points m JOIN jobs j ON j.id = m.first_job"
	"  WHERE (?1 IS NULL OR m.sweep = ?1) AND (?2 IS NULL OR m.rw = ?2)"
	"   AND (?3 IS NULL OR m.bs_bytes = ?3) AND (?9 IS NULL OR m.iodepth = ?9)),"
	" r AS (SELECT p.first_job, p.label AS config, p.x, %s AS own, px.id AS rid"
	"  FROM pts p" UB_SQL_POINT_RESULTS_JOIN "),"
	" rb AS MATERIALIZED (SELECT r.*, b.bin, b.count FROM r"
	"  LEFT JOIN clat_bins b ON b.result_id = r.rid),"
	" run AS (SELECT first_job, config, x,"
	"  count(DISTINCT rid) = count(DISTINCT CASE WHEN bin IS NOT NULL THEN rid END) AS binned,"
	"  ub_clat_pct(bin, count, ?5) AS yb, max(own) AS own FROM rb GROUP BY first_job),"
	" g AS (SELECT config, x, min(binned) AS binned, count(*) AS runs FROM run"
	"  GROUP BY config, x),"
	" v AS (SELECT run.config, run.x, CASE WHEN g.binned THEN run.yb ELSE run.own END AS y"
	"  FROM run JOIN g ON g.config IS run.config AND g.x IS run.x),"
	" w AS (SELECT v.*, avg(y) OVER (PARTITION BY config, x) AS mean FROM v WHERE y IS NOT NULL),"
	" s AS (SELECT config, x, avg(y) AS mean, " UB_SQL_STDDEV("y", "mean") " AS sd,"
	"  min(y) AS lo, max(y) AS hi, count(*) AS n FROM w GROUP BY config, x),"
	" gm AS (SELECT config, x, ub_clat_pct(bin, count, ?5) AS merged FROM rb GROUP BY config, x),"
	" c AS (SELECT config, min(first_job) AS o FROM run GROUP BY config)"
	/* A mean of some runs only would hide the others: NULL unless every run has one. */
	" SELECT g.config, g.x, CASE WHEN g.binned THEN gm.merged WHEN s.n = g.runs THEN s.mean END,"
	"  s.sd, s.lo, s.hi, coalesce(s.n, 0), g.binned, s.mean"
	" FROM g JOIN gm ON gm.config IS g.config AND gm.x IS g.x"
	"  LEFT JOIN s ON s.config IS g.config AND s.x IS g.x"
	"  JOIN c ON c.config IS g.config"
	" ORDER BY c.o, CAST(g.x AS REAL), g.x";

/*
 * clat_mean_us over repeats: every I/O counts once, so each result's mean is
 * weighted by its I/O count (total_ios: one completion-latency sample each),
 * within a run (as point_latency does) and over the runs of a group.
 */
static const char mean_sql[] =
	"WITH pts AS (SELECT m.*, %s AS x, " UB_SQL_LABEL("m.config", "m.iodepth", "m.run_id")
	"  AS label FROM run_points m JOIN jobs j ON j.id = m.first_job"
	"  WHERE (?1 IS NULL OR m.sweep = ?1) AND (?2 IS NULL OR m.rw = ?2)"
	"   AND (?3 IS NULL OR m.bs_bytes = ?3) AND (?9 IS NULL OR m.iodepth = ?9)),"
	" r AS (SELECT p.first_job, p.label AS config, p.x, px.clat_mean_us AS mu, px.total_ios AS n"
	"  FROM pts p" UB_SQL_POINT_RESULTS_JOIN " WHERE px.clat_mean_us IS NOT NULL),"
	" run AS (SELECT first_job, config, x, sum(mu * n) / sum(n) AS y, sum(n) AS ios FROM r"
	"  GROUP BY first_job),"
	" w AS (SELECT run.*, avg(y) OVER (PARTITION BY config, x) AS mean FROM run),"
	" c AS (SELECT config, min(first_job) AS o FROM run GROUP BY config)"
	" SELECT w.config, w.x, sum(y * ios) / sum(ios), " UB_SQL_STDDEV("y", "mean") ","
	"  min(y), max(y), count(*), 1, avg(y)"
	" FROM w JOIN c ON c.config IS w.config"
	" GROUP BY w.config, w.x ORDER BY min(c.o), CAST(w.x AS REAL), w.x";

int ub_merged_latency_stmt(sqlite3 *db, const struct ub_filter *f, const char *x_expr,
			   const char *x_param, const char *metric, sqlite3_stmt **out,
			   struct ub_err *e)
{
	char sql[sizeof(merged_sql) + sizeof(mean_sql) + 256], own[64];
	const char *column;
	sqlite3_stmt *st;
	double pct;
	int rc;

	*out = NULL;
	pct = 0;
	if (!strcmp(metric, "clat_mean_us")) {
		snprintf(sql, sizeof(sql), mean_sql, x_expr);
	} else if (ub_metric_pct(metric, &pct, &column)) {
		return ub_fail(e, UB_EUSAGE, "%s is no latency percentile", metric);
	} else {
		snprintf(own, sizeof(own), "%s%s", column ? "p." : "", column ? column : "NULL");
		snprintf(sql, sizeof(sql), merged_sql, x_expr, own);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading latency histograms");
	rc = ub_bind_filter(st, f);
	if (rc == SQLITE_OK && x_param)
		rc = sqlite3_bind_text(st, 4, x_param, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK && pct > 0)
		rc = sqlite3_bind_double(st, 5, pct);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return ub_fail_sql(e, db, "reading latency histograms");
	}
	*out = st;
	return UB_OK;
}
