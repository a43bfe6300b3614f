// SPDX-License-Identifier: GPL-2.0
/*
 * table (Markdown, one row per config, one column per iodepth) and series
 * (gnuplot blocks, any job option on the x-axis). Both read the run_points /
 * job_metrics views, so they agree with what a sqlite3 user sees.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

/* Column names of run_points: the only metric text that reaches SQL. */
static const char *const metrics[] = {
	"kiops", "clat_p50_us", "clat_p99_us", "clat_p999_us", "clat_p9999_us", "clat_mean_us",
	"bw_mib", "cpu_cores", "kiops_per_core", "fio_cpu_cores", "iops_cv",
};

static int metric_known(const char *m, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strlen(metrics[i]) == len && !strncmp(m, metrics[i], len))
			return 1;
	return 0;
}

/* One run_points column (compare and the views know only these). */
int ub_metric_valid(const char *metric)
{
	return metric_known(metric, strlen(metric));
}

int ub_report_metric_valid(const char *metric)
{
	double pct;
	const char *column;

	return ub_metric_valid(metric) || ub_metric_pct(metric, &pct, &column) == UB_OK;
}

/*
 * One metric, or with several a comma-separated list of them, each
 * ub_report_metric_valid; else UB_EUSAGE with the message the CLI prints.
 */
int ub_report_metrics_check(const char *list, int several, struct ub_err *e)
{
	const char *p = list, *comma;
	char m[64];
	size_t len;

	do {
		comma = several ? strchr(p, ',') : NULL;
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!len && several)
			return ub_fail(e, UB_EUSAGE, "--metric %s: a metric name is empty: give M "
				       "or M1,M2 without empty items", list);
		/* Longer than m: no metric (the longest percentile name has 40 characters). */
		snprintf(m, sizeof(m), "%.*s", (int)len, p);
		if (!strncmp(m, "clat_p", 6) && (len >= sizeof(m) || !ub_report_metric_valid(m)))
			return ub_fail(e, UB_EUSAGE, "--metric %.*s: a percentile is clat_pP_us with "
				       "P above 0 and at most 100, e.g. clat_p99.999_us", (int)len, p);
		if (len >= sizeof(m) || !ub_report_metric_valid(m))
			return ub_fail(e, UB_EUSAGE, "--metric %.*s is not known: use kiops, "
				       "clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us, "
				       "clat_mean_us, bw_mib, cpu_cores, kiops_per_core, fio_cpu_cores, "
				       "iops_cv or clat_pP_us (any percentile P, e.g. clat_p99.999_us)%s",
				       (int)len, p, several ? "; table: several, comma-separated" : "");
		p = comma + 1;
	} while (comma);
	return UB_OK;
}

/* --percentile P as its metric name clat_pP_us in name[len], else UB_EUSAGE. */
int ub_report_percentile_metric(const char *p, char *name, size_t len, struct ub_err *e)
{
	/* 999 and 9999 would be the names of p99.9 and p99.99. */
	snprintf(name, len, "clat_p%s_us", p);
	if (strlen(p) > 20 || !ub_report_metric_valid(name) || !strcmp(p, "999") ||
	    !strcmp(p, "9999"))
		return ub_fail(e, UB_EUSAGE, "--percentile %s: give a percentile above 0 and at "
			       "most 100, e.g. 99.999", p);
	return UB_OK;
}

/* A latency percentile: read from merged_latency.c, not averaged here. */
static int is_percentile(const char *metric)
{
	double pct;
	const char *column;

	return ub_metric_pct(metric, &pct, &column) == UB_OK;
}

/* Latency over repeats (percentiles and the I/O-weighted mean): merged_latency.c. */
static int is_merged(const char *metric)
{
	return is_percentile(metric) || !strcmp(metric, "clat_mean_us");
}

/*
 * The points a table or series is about, and the failed jobs beside them
 * (a failed job is no point, but its cell says it failed, not "-").
 */
#define POINTS_AND_FAILED_SQL \
	"(SELECT run_id, sweep, config, rw, bs, bs_bytes, iodepth, numjobs, first_job AS o" \
	" FROM run_points UNION ALL SELECT run_id, sweep, config, rw, bs, bs_bytes, iodepth," \
	" numjobs, job_id FROM failed_jobs)"

/* ?9: --iodepth (a number above the other statements' own parameters). */
#define FILTER_SQL \
	" (?1 IS NULL OR sweep = ?1) AND (?2 IS NULL OR rw = ?2) AND (?3 IS NULL OR bs_bytes = ?3)" \
	" AND (?9 IS NULL OR iodepth = ?9)"

int ub_bind_filter(sqlite3_stmt *st, const struct ub_filter *f)
{
	int rc;

	rc = f->sweep ? sqlite3_bind_text(st, 1, f->sweep, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = f->rw ? sqlite3_bind_text(st, 2, f->rw, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
	if (rc == SQLITE_OK)
		rc = f->bs_bytes >= 0 ? sqlite3_bind_int64(st, 3, f->bs_bytes) : sqlite3_bind_null(st, 3);
	/* LABEL_SQL's ?7 and ?8, for a statement with them. */
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 8) {
		int x_qd = !f->x || !strcmp(f->x, "iodepth");
		char tok[80];

		snprintf(tok, sizeof(tok), " %s=", x_qd ? "iodepth" : f->x);
		rc = sqlite3_bind_int(st, 7, f->by_iodepth && !x_qd && f->iodepth <= 0);
		if (rc == SQLITE_OK)
			rc = x_qd ? sqlite3_bind_null(st, 8) :
			     sqlite3_bind_text(st, 8, tok, -1, SQLITE_TRANSIENT);
	}
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 9)
		rc = f->iodepth > 0 ? sqlite3_bind_int64(st, 9, f->iodepth) : sqlite3_bind_null(st, 9);
	return rc;
}

static void describe_filter(const struct ub_filter *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", f->sweep ? " sweep " : "", f->sweep ? f->sweep : "",
		 f->rw ? " rw " : "", f->rw ? f->rw : "", f->bs ? " bs " : "", f->bs ? f->bs : "");
}

/*
 * Averaging across sweeps, rw or bs would mix unlike results into one
 * number: ask for a choice instead. The x-axis dimension may vary.
 */
static int check_single(sqlite3 *db, const struct ub_filter *f, const char *col,
			const char *shown, const char *option, int *count, struct ub_err *e)
{
	char sql[512], list[512] = "";
	sqlite3_stmt *st;
	int rc, n = 0;

	snprintf(sql, sizeof(sql), "SELECT coalesce(%s, '(none)') FROM " POINTS_AND_FAILED_SQL
		 " WHERE" FILTER_SQL " GROUP BY %s ORDER BY min(o)", shown, col);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading results");
	rc = ub_bind_filter(st, f);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t used = strlen(list);

		if (used < sizeof(list) - 2)
			snprintf(list + used, sizeof(list) - used, "%s%s", n ? ", " : "",
				 (const char *)sqlite3_column_text(st, 0));
		n++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading results");
	*count = n;
	if (n > 1)
		return ub_fail(e, UB_EUSAGE, "the results hold several %s values (%s): choose one with "
			       "--%s %s", option, list, option, option[0] == 'b' ? "BS" :
			       option[0] == 'r' ? "RW" : "NAME");
	return UB_OK;
}

int ub_check_selection(sqlite3 *db, const struct ub_filter *f, const char *x,
		       struct ub_err *e)
{
	char what[256];
	int rc, n = 0;

	rc = check_single(db, f, "sweep", "sweep", "sweep", &n, e);
	if (rc)
		return rc;
	if (!n) {
		describe_filter(f, what, sizeof(what));
		return ub_fail(e, UB_EDATA, "no results%s%s", what[0] ? " for" : "", what);
	}
	if (!x || strcmp(x, "rw")) {
		rc = check_single(db, f, "rw", "rw", "rw", &n, e);
		if (rc)
			return rc;
	}
	if (!x || strcmp(x, "bs"))
		rc = check_single(db, f, "bs_bytes", "min(bs)", "bs", &n, e);
	return rc;
}

/* A growable list of distinct strings (config labels) or integers (iodepths). */
struct col {
	char **names;
	long long *vals;
	int n;
};

static int col_add(struct col *c, const char *name, long long v)
{
	char **nn = realloc(c->names, sizeof(*nn) * (c->n + 1));
	long long *nv;

	if (!nn)
		return -1;
	c->names = nn;
	nv = realloc(c->vals, sizeof(*nv) * (c->n + 1));
	if (!nv)
		return -1;
	c->vals = nv;
	c->names[c->n] = strdup(name ? name : "(none)");
	if (!c->names[c->n])
		return -1;
	c->vals[c->n++] = v;
	return 0;
}

static void col_free(struct col *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->vals);
}

static int load_col(sqlite3 *db, const struct ub_filter *f, const char *sql, struct col *c,
		    struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading results");
	rc = ub_bind_filter(st, f);
	/* A second column, when there is one, is the shown name (bs: "16k" of 16384). */
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (col_add(c, (const char *)sqlite3_column_text(st, sqlite3_column_count(st) > 1),
			    sqlite3_column_int64(st, 0))) {
			sqlite3_finalize(st);
			return ub_fail(e, UB_EDATA, "out of memory");
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading results");
}

/* The table's column: a run_points column (--columns iodepth, bs, numjobs). */
static const char *table_col(const struct ub_filter *f)
{
	if (f->x && !strcmp(f->x, "bs"))
		return "bs_bytes";
	if (f->x && !strcmp(f->x, "numjobs"))
		return "numjobs";
	return "iodepth";
}

static int find_cell(const struct col *cfg, const struct col *qd, const char *c, long long d)
{
	int i, j;

	for (i = 0; i < cfg->n && strcmp(cfg->names[i], c ? c : "(none)"); i++)
		;
	for (j = 0; j < qd->n && qd->vals[j] != d; j++)
		;
	return i < cfg->n && j < qd->n ? i * qd->n + j : -1;
}

/* Cells with no result but failed jobs: "failed: error N (text)", the first error. */
static int failed_cells(sqlite3 *db, const struct ub_filter *f, const struct col *cfg,
			const struct col *qd, char **why, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	char sql[2048];

	snprintf(sql, sizeof(sql), "SELECT %s, %s, error_text, count(*) FROM failed_jobs"
		 " WHERE" FILTER_SQL " GROUP BY 1, 2, error_text ORDER BY min(job_id)",
		 UB_SQL_LABEL("config", "iodepth", "run_id"), table_col(f));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading failed jobs");
	rc = ub_bind_filter(st, f);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = find_cell(cfg, qd, (const char *)sqlite3_column_text(st, 0),
				  sqlite3_column_int64(st, 1));
		const char *t = (const char *)sqlite3_column_text(st, 2);

		rc = SQLITE_OK;
		if (k < 0 || why[k])
			continue;
		why[k] = strdup(t ? t : "an error");
		if (!why[k])
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading failed jobs");
}

/* A point whose IOPS varied more than this over a run (iops_cv) is unsteady. */
#define UNSTEADY_CV 0.10

/*
 * has[k]: 0 no value, else CELL_VALUE, | CELL_UNSTEADY when a repeat's iops_cv >
 * UNSTEADY_CV (~), | CELL_NOT_SS when a repeat's job ran with fio's ss= and did
 * not attain steady state (§, table steady_state).
 */
#define CELL_VALUE 1
#define CELL_UNSTEADY 2
#define CELL_NOT_SS 4
#define NOT_SS_SQL "EXISTS (SELECT 1 FROM steady_state s JOIN jobs j ON j.id = s.job_id" \
	" WHERE j.run_id = run_points.run_id AND s.attained = 0)"

static int table_cells(sqlite3 *db, const struct ub_filter *f, const char *metric,
		       const struct col *cfg, const struct col *qd, double *cell, char *has,
		       struct ub_err *e)
{
	char sql[2048];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s, %s, avg(%s), coalesce(max(iops_cv) > %g, 0),"
		 " max(" NOT_SS_SQL ") FROM run_points WHERE" FILTER_SQL " AND %s IS NOT NULL"
		 " GROUP BY 1, 2",
		 UB_SQL_LABEL("config", "iodepth", "run_id"), table_col(f), metric, UNSTEADY_CV,
		 metric);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading results");
	rc = ub_bind_filter(st, f);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = find_cell(cfg, qd, (const char *)sqlite3_column_text(st, 0),
				  sqlite3_column_int64(st, 1));

		if (k >= 0) {
			cell[k] = sqlite3_column_double(st, 2);
			has[k] = CELL_VALUE | (sqlite3_column_int(st, 3) ? CELL_UNSTEADY : 0) |
				 (sqlite3_column_int(st, 4) ? CELL_NOT_SS : 0);
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading results");
}

/*
 * Percentile cells: merged over the repeats' histograms; from[k] 1 when a
 * cell is the mean of the runs' own figures instead (or has none for that
 * reason), which the table marks.
 */
static int table_cells_pct(sqlite3 *db, const struct ub_filter *f, const char *metric,
			   const struct col *cfg, const struct col *qd, double *cell, char *has,
			   char *from_runs, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	char x[32];

	snprintf(x, sizeof(x), "m.%s", table_col(f));
	rc = ub_merged_latency_stmt(db, f, x, NULL, metric, &st, e);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = find_cell(cfg, qd, (const char *)sqlite3_column_text(st, 0),
				  sqlite3_column_int64(st, 1));

		if (k < 0)
			continue;
		has[k] = sqlite3_column_type(st, 2) != SQLITE_NULL;
		cell[k] = sqlite3_column_double(st, 2);
		from_runs[k] = !sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading latency histograms");
}

/*
 * The metric names of a comma-separated list, each a run_points column or a
 * clat_pP_us percentile (ub_report_metric_valid): only those reach SQL.
 */
static int split_metrics(const char *list, struct col *m, struct ub_err *e)
{
	const char *p = list, *comma;
	char name[64];	/* checked: every name is shorter */
	int rc = ub_report_metrics_check(list, 1, e);

	while (!rc) {
		comma = strchr(p, ',');
		snprintf(name, sizeof(name), "%.*s", (int)(comma ? comma - p : strlen(p)), p);
		if (col_add(m, name, 0))
			return ub_fail(e, UB_EDATA, "out of memory");
		if (!comma)
			break;
		p = comma + 1;
	}
	return rc;
}

/*
 * has: as table_cells (~ unsteady, § steady state not attained);
 * from_runs: a percentile not merged from histograms (†; "-†" without a value).
 */
static void print_cell(FILE *out, int has, int from_runs, double v, const char *why)
{
	const char *mark = from_runs ? "†" : (has & CELL_UNSTEADY) && (has & CELL_NOT_SS) ? "~§" :
			   has & CELL_UNSTEADY ? "~" : has & CELL_NOT_SS ? "§" : "";

	/* Three significant digits below 10: a 64-read chain does 0.1-0.5 kIOPS. */
	if (has && fabs(v) < 10)
		fprintf(out, " %#.3g%s |", v, mark);
	else if (has)
		fprintf(out, " %.1f%s |", v, mark);
	else if (from_runs)
		fprintf(out, " -† |");
	else if (why)
		fprintf(out, " failed: %s |", why);
	else
		fprintf(out, " - |");
}

/* The marks of any of n cells. */
static int cell_marks(const char *has, size_t n)
{
	int m = 0;

	while (n--)
		m |= has[n];
	return m;
}

/*
 * A row per config, a column per iodepth; several metrics (kiops,kiops_per_core)
 * side by side, one block of iodepth columns each, the block's first
 * header cell naming its metric. Latency percentiles and clat_mean_us are
 * merged over the repeats (table_cells_pct, † marks), the rest averaged
 * over them (table_cells, ~ marks).
 */
int ub_cmd_table(sqlite3 *db, const struct ub_filter *fil, const char *metric, FILE *out,
		 struct ub_err *e)
{
	struct col cfg = { 0 }, qd = { 0 }, mets = { 0 };
	struct ub_filter fx = *fil, *f = &fx;
	double *cell = NULL;
	char *has = NULL, **why = NULL, *from_runs = NULL, sql[2048];
	int i, j, k, n, rc, marked = 0, none = 0;

	/* --columns bs|numjobs: a row per config x iodepth (x the other axes), never a mix. */
	fx.x = fil->columns ? fil->columns : "iodepth";
	fx.by_iodepth = 1;
	rc = split_metrics(metric, &mets, e);
	rc = rc ? rc : ub_check_selection(db, f, fx.x, e);
	snprintf(sql, sizeof(sql), "SELECT %s FROM " POINTS_AND_FAILED_SQL " WHERE" FILTER_SQL
		 " GROUP BY 1 ORDER BY min(o)", UB_SQL_LABEL("config", "iodepth", "run_id"));
	rc = rc ? rc : load_col(db, f, sql, &cfg, e);
	snprintf(sql, sizeof(sql), "SELECT %s, min(%s) FROM " POINTS_AND_FAILED_SQL " WHERE"
		 FILTER_SQL " GROUP BY 1 ORDER BY 1", table_col(f),
		 !strcmp(table_col(f), "bs_bytes") ? "bs" : table_col(f));
	rc = rc ? rc : load_col(db, f, sql, &qd, e);
	if (rc)
		goto out;
	n = cfg.n * qd.n;
	cell = calloc((size_t)n * mets.n + 1, sizeof(*cell));
	has = calloc((size_t)n * mets.n + 1, 1);
	from_runs = calloc((size_t)n * mets.n + 1, 1);
	why = calloc((size_t)n + 1, sizeof(*why));
	if (!cell || !has || !from_runs || !why) {
		rc = ub_fail(e, UB_EDATA, "out of memory");
		goto out;
	}
	for (k = 0; k < mets.n && !rc; k++) {
		if (is_merged(mets.names[k]))
			rc = table_cells_pct(db, f, mets.names[k], &cfg, &qd, cell + k * n,
					     has + k * n, from_runs + k * n, e);
		else
			rc = table_cells(db, f, mets.names[k], &cfg, &qd, cell + k * n,
					 has + k * n, e);
	}
	rc = rc ? rc : failed_cells(db, f, &cfg, &qd, why, e);
	if (rc)
		goto out;
	fprintf(out, "| config |");
	for (k = 0; k < mets.n; k++)
		for (j = 0; j < qd.n; j++)
			fprintf(out, " %s%s%s |", mets.n > 1 && !j ? mets.names[k] : "",
				mets.n > 1 && !j ? " " : "", qd.names[j]);
	fprintf(out, "\n|---|");
	for (j = 0; j < qd.n * mets.n; j++)
		fprintf(out, "---|");
	fprintf(out, "\n");
	for (i = 0; i < cfg.n; i++) {
		fprintf(out, "| %s |", cfg.names[i]);
		for (k = 0; k < mets.n; k++) {
			for (j = 0; j < qd.n; j++) {
				int c = k * n + i * qd.n + j;

				marked += from_runs[c] && has[c];
				none += from_runs[c] && !has[c];
				print_cell(out, has[c], from_runs[c], cell[c], why[i * qd.n + j]);
			}
		}
		fprintf(out, "\n");
	}
	/* Never a silent mix: say which cells are not merged histograms, and which unsteady. */
	if (marked || none || (cell_marks(has, (size_t)n * mets.n) & (CELL_UNSTEADY | CELL_NOT_SS)))
		fputc('\n', out);
	if (marked)
		fprintf(out, "† the mean of the runs' own percentiles, not merged: not every run "
			"has json+ latency histograms (fio --output-format=json+)\n");
	if (none)
		fprintf(out, "-† no figure: without json+ histograms only p50, p99, p99.9 and "
			"p99.99 are kept\n");
	if (cell_marks(has, (size_t)n * mets.n) & CELL_UNSTEADY)
		fprintf(out, "~ unsteady: the IOPS of a run varied by more than %.0f%% (iops_cv, "
			"the stddev of fio's IOPS log samples over their mean; view run_steadiness)\n",
			UNSTEADY_CV * 100);
	if (cell_marks(has, (size_t)n * mets.n) & CELL_NOT_SS)
		fprintf(out, "§ not steady: a run ended without attaining fio's steady state (ss=; "
			"table steady_state)\n");
out:
	for (i = 0; why && i < cfg.n * qd.n; i++)
		free(why[i]);
	free(why);
	free(from_runs);
	free(cell);
	free(has);
	col_free(&cfg);
	col_free(&qd);
	col_free(&mets);
	return rc;
}

/* gnuplot reads a bare word as one column; anything else goes in quotes. */
static void print_x(FILE *out, const char *x)
{
	const char *p;
	int quote = !*x;

	for (p = x; *p && !quote; p++)
		quote = (unsigned char)*p <= ' ' || *p == '"' || *p == '#';
	if (!quote) {
		fputs(x, out);
		return;
	}
	fputc('"', out);
	for (p = x; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc((unsigned char)*p < ' ' ? ' ' : *p, out);
	}
	fputc('"', out);
}

static const char *x_expr(const char *x)
{
	if (!strcmp(x, "iodepth"))
		return "m.iodepth";
	if (!strcmp(x, "numjobs"))
		return "m.numjobs";
	if (!strcmp(x, "bs"))
		return "m.bs_bytes";	/* bytes: numeric, sorts and log-scales */
	if (!strcmp(x, "rw"))
		return "m.rw";
	return "json_extract(j.options, ?4)";
}

/*
 * A point is one workload of one run (run_points: the one place its kIOPS
 * and latency are computed), with its x value (another option: the first
 * job's); each (config, x) gets mean, sample stddev, min, max over points.
 */
static const char series_sql[] =
	"WITH pts AS (SELECT m.*, %s AS x"
	"  FROM run_points m JOIN jobs j ON j.id = m.first_job"
	"  WHERE (?1 IS NULL OR m.sweep = ?1) AND (?2 IS NULL OR m.rw = ?2)"
	"    AND (?3 IS NULL OR m.bs_bytes = ?3) AND (?9 IS NULL OR m.iodepth = ?9)),"
	" v AS (SELECT " UB_SQL_LABEL("config", "iodepth", "run_id") " AS config, x, %s AS y,"
	"  first_job FROM pts WHERE %s IS NOT NULL),"
	" c AS (SELECT config, min(first_job) AS o FROM v GROUP BY config),"
	" w AS (SELECT v.*, avg(y) OVER (PARTITION BY config, x) AS mean FROM v)"
	" SELECT w.config, x, avg(y), " UB_SQL_STDDEV("y", "mean") ", min(y), max(y), count(*)"
	" FROM w JOIN c ON c.config IS w.config"
	" GROUP BY w.config, x ORDER BY c.o, CAST(x AS REAL), x";

static void series_free_points(struct ub_series *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->p[i].config);
		free(s->p[i].x);
	}
	free(s->p);
	s->p = NULL;
	s->n = 0;
}

void ub_series_free(struct ub_series *s)
{
	series_free_points(s);
}

static int series_add(struct ub_series *s, sqlite3_stmt *st, const char *cfg, const char *xv)
{
	struct ub_series_point *np = realloc(s->p, sizeof(*np) * (s->n + 1)), *p;

	if (!np)
		return -1;
	s->p = np;
	p = &s->p[s->n];
	p->config = strdup(cfg);
	p->x = strdup(xv);
	if (!p->config || !p->x) {
		free(p->config);
		free(p->x);
		return -1;
	}
	p->value = sqlite3_column_double(st, 2);
	p->stddev = sqlite3_column_double(st, 3);
	p->min = sqlite3_column_double(st, 4);
	p->max = sqlite3_column_double(st, 5);
	p->n = sqlite3_column_int(st, 6);
	/* Percentiles: merged histograms (1), or the mean of the runs' own (0). */
	p->binned = s->pct ? sqlite3_column_int(st, 7) : 1;
	s->from_runs += !p->binned;
	s->n++;
	return 0;
}

int ub_series_load(sqlite3 *db, const struct ub_filter *fil, const char *x, const char *metric,
		   struct ub_series *s, struct ub_err *e)
{
	char sql[sizeof(series_sql) + 256], path[300];
	struct ub_filter fx = *fil, *f = &fx;
	sqlite3_stmt *st;
	int rc;

	fx.x = x;
	memset(s, 0, sizeof(*s));
	s->pct = is_percentile(metric);
	rc = ub_check_selection(db, f, x, e);
	if (rc)
		return rc;
	/* Option names are checked to be [A-Za-z0-9_] by the CLI; quoted for the path. */
	snprintf(path, sizeof(path), "$.\"%s\"", x);
	if (is_merged(metric)) {
		/* The same columns, and whether the value is the merged one. */
		rc = ub_merged_latency_stmt(db, f, x_expr(x), strstr(x_expr(x), "?4") ? path : NULL,
					    metric, &st, e);
		if (rc)
			return rc;
	} else {
		snprintf(sql, sizeof(sql), series_sql, x_expr(x), metric, metric);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			return ub_fail_sql(e, db, "reading results");
		rc = ub_bind_filter(st, f);
		if (rc == SQLITE_OK && strstr(x_expr(x), "?4"))
			rc = sqlite3_bind_text(st, 4, path, -1, SQLITE_TRANSIENT);

	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cfg = (const char *)sqlite3_column_text(st, 0);
		const char *xv = (const char *)sqlite3_column_text(st, 1);

		rc = SQLITE_OK;
		if (!xv) {
			s->missing += sqlite3_column_int(st, 6);
			continue;
		}
		if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
			s->none++;	/* a percentile plain json does not keep */
			continue;
		}
		if (series_add(s, st, cfg ? cfg : "(none)", xv))
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		series_free_points(s);
		return ub_fail(e, UB_EDATA, "reading results: %s",
			       rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
	}
	return UB_OK;
}

void ub_series_print(const struct ub_series *s, FILE *out)
{
	int blocks = 0;

	for (int i = 0; i < s->n; i++) {
		const struct ub_series_point *p = &s->p[i];

		/* Two blank lines end a gnuplot data set: blocks are `index` 0, 1, ... */
		if (!i || strcmp(s->p[i - 1].config, p->config))
			fprintf(out, "%s# config: %s\n", blocks++ ? "\n\n" : "", p->config);
		print_x(out, p->x);
		fprintf(out, " %.3f %.3f %.3f %.3f %d", p->value, p->stddev, p->min, p->max, p->n);
		/* Percentiles: "bins" merged histograms, "runs" the mean of the runs' own. */
		if (s->pct)
			fputs(p->binned ? " bins" : " runs", out);
		fputc('\n', out);
	}
}

int ub_cmd_series(sqlite3 *db, const struct ub_filter *f, const char *x, const char *metric,
		  FILE *out, struct ub_err *e)
{
	struct ub_series s;
	int rc;

	rc = ub_series_load(db, f, x, metric, &s, e);
	if (rc)
		return rc;
	ub_series_print(&s, out);
	if (s.missing)
		fprintf(stderr, "uringbpf-db: note: %d result points have no option %s; left out\n",
			s.missing, x);
	if (s.from_runs)
		fprintf(stderr, "uringbpf-db: note: %d points of %s are the mean of their runs' own "
			"figures (source runs): not every run has json+ latency histograms\n",
			s.from_runs, metric);
	if (s.none)
		fprintf(stderr, "uringbpf-db: note: %d points have no %s: without json+ histograms "
			"only p50, p99, p99.9 and p99.99 are kept; left out\n", s.none, metric);
	rc = s.n ? UB_OK : ub_fail(e, UB_EDATA, "no results have option %s and metric %s", x, metric);
	ub_series_free(&s);
	return rc;
}
