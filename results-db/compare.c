// SPDX-License-Identifier: GPL-2.0
/*
 * compare: sweep B (the candidate) against sweep A (the baseline), point by
 * point, for one metric; the regression gate's verdicts.
 *
 * A point is (config, rw, bs, iodepth), plus host when both sweeps ran on
 * several hosts; each side's value is the mean of the point's repeats
 * (run_points, where a run's metric is computed), except for latency: a
 * percentile is the one of all the repeats' json+ histograms merged, and
 * clat_mean_us the mean of every I/O (merged_latency.c, where table and
 * series get them: one figure everywhere). The noise band is two standard
 * deviations of the ratio B/A, propagated to first order from the repeats:
 * sd(B/A) = B/A * sqrt(cv_A^2 + cv_B^2), cv = sample stddev / mean of a
 * side's repeats' own figures (the stddev of one run, not of the mean: with
 * the usual 2-3 repeats that is the cautious choice). For a merged latency
 * the runs' own percentiles (each from its own histograms) still measure
 * the run-to-run noise: their cv, around the merged B/A. A side with one
 * repeat has no stddev: the point's noise is unknown and the change alone
 * decides.
 *
 * Verdicts (for latency lower is better, for kiops and bw_mib higher):
 *   same        |change| within the noise band (or no change, noise unknown)
 *   better      better beyond the band
 *   worse       worse beyond the band, by at most max_regress_pct
 *   REGRESSION  worse beyond the band and by more than max_regress_pct
 *   only-A / only-B   the point ran in one sweep only (never a regression)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

/*
 * Per point, each side's n, mean and sample stddev of the metric (%s: a
 * run_points column, or 0 for a latency merged_latency.c gives) over its
 * repeats; ?1 = A, ?2 = B, ?3 = 1 to tell hosts apart, ?4 rw and ?5 bs in
 * bytes (NULL: any). Points come in the order of their config's first run
 * in A (then B), then rw, bs, iodepth. The last column is the point's key
 * in the merged latencies (LAT_KEY).
 */
static const char points_sql[] =
	"WITH pts AS (SELECT p.sweep, p.config, p.rw, p.bs, p.bs_bytes, p.iodepth,"
	"   CASE WHEN ?3 THEN r.host END AS host, %s AS y, p.first_job AS o"
	"  FROM run_points p JOIN runs r ON r.id = p.run_id"
	"  WHERE p.sweep IN (?1, ?2) AND %s IS NOT NULL"
	"   AND (?4 IS NULL OR p.rw = ?4) AND (?5 IS NULL OR p.bs_bytes = ?5)),"
	" w AS (SELECT *, avg(y) OVER (PARTITION BY sweep, config, rw, bs_bytes, iodepth, host)"
	"   AS wm FROM pts),"
	" s AS (SELECT sweep, config, rw, min(bs) AS bs, bs_bytes, iodepth, host, count(*) AS n,"
	"   avg(y) AS mean, " UB_SQL_STDDEV("y", "wm") " AS sd, min(o) AS o"
	"  FROM w GROUP BY sweep, config, rw, bs_bytes, iodepth, host),"
	" k AS (SELECT config, rw, min(bs) AS bs, bs_bytes, iodepth, host FROM s"
	"  GROUP BY config, rw, bs_bytes, iodepth, host),"
	" c AS (SELECT config, min(CASE WHEN sweep = ?1 THEN o END) AS oa, min(o) AS ob FROM s"
	"  GROUP BY config)"
	" SELECT k.config, k.rw, k.bs, k.iodepth, k.host, a.n, a.mean, a.sd, b.n, b.mean, b.sd,"
	"  json_array(k.rw, k.bs_bytes, k.iodepth, k.host)"
	" FROM k JOIN c ON c.config IS k.config"
	" LEFT JOIN s a ON a.sweep = ?1 AND a.config IS k.config AND a.rw IS k.rw"
	"  AND a.bs_bytes IS k.bs_bytes AND a.iodepth IS k.iodepth AND a.host IS k.host"
	" LEFT JOIN s b ON b.sweep = ?2 AND b.config IS k.config AND b.rw IS k.rw"
	"  AND b.bs_bytes IS k.bs_bytes AND b.iodepth IS k.iodepth AND b.host IS k.host"
	" ORDER BY c.oa IS NULL, c.oa, c.ob, k.rw, k.bs_bytes, k.iodepth, k.host";

/*
 * The same key as merged_latency.c's x (over run_points m), the host only
 * when hosts are told apart: each (config, key) of a sweep is one point.
 */
#define LAT_KEY(host) "json_array(m.rw, m.bs_bytes, m.iodepth, " host ")"
#define LAT_KEY_HOST LAT_KEY("(SELECT host FROM runs WHERE id = m.run_id)")
#define LAT_KEY_NO_HOST LAT_KEY("NULL")

enum verdict { V_BETTER, V_SAME, V_WORSE, V_REGRESSION, V_ONLY_A, V_ONLY_B, V_N };
static const char *const verdict_name[V_N] = {
	"better", "same", "worse", "REGRESSION", "only-A", "only-B",
};

/* Where a side's latency percentile comes from (SRC_NONE: no percentile). */
enum source { SRC_NONE, SRC_BINS, SRC_RUNS };
static const char *const source_name[] = { "", "bins", "runs" };

struct side {
	int n;			/* repeats; 0: the point is not in this sweep */
	double mean;		/* the side's value: for latency, merged_latency.c's */
	double sd, runs_mean;	/* over the repeats' own figures: the band's cv */
	enum source src;	/* SRC_RUNS: the mean of the runs' own, not merged */
	int nofig;		/* ran on this side, but no figure of this percentile */
};

struct point {
	const char *config, *rw, *bs, *host;
	long long iodepth;
	struct side a, b;
	/* Derived; NAN when unknown. */
	double ratio, change_pct, noise_pct;
	enum verdict v;
};

/* Latency, the CPU a run used and its IOPS's variation: less is better. */
static int lower_is_better(const char *metric)
{
	return !strncmp(metric, "clat_", 5) || !strcmp(metric, "cpu_cores") ||
	       !strcmp(metric, "fio_cpu_cores") || !strcmp(metric, "iops_cv");
}

static void judge(struct point *p, const struct ub_compare_opts *o)
{
	double worse_pct;

	p->ratio = p->change_pct = p->noise_pct = NAN;
	if (!p->b.n) {
		p->v = V_ONLY_A;
		return;
	}
	if (!p->a.n) {
		p->v = V_ONLY_B;
		return;
	}
	if (p->a.mean > 0) {
		p->ratio = p->b.mean / p->a.mean;
		p->change_pct = (p->ratio - 1) * 100;
	} else {	/* A at 0: any B is an unbounded change */
		p->change_pct = p->b.mean > 0 ? INFINITY : p->b.mean < 0 ? -INFINITY : 0;
	}
	if (p->a.n > 1 && p->b.n > 1 && p->a.mean > 0 && p->b.mean > 0 && p->a.runs_mean > 0 &&
	    p->b.runs_mean > 0)
		p->noise_pct = 200 * p->ratio * hypot(p->a.sd / p->a.runs_mean,
						      p->b.sd / p->b.runs_mean);
	worse_pct = lower_is_better(o->metric) ? p->change_pct : -p->change_pct;
	if (isnan(p->noise_pct) ? p->change_pct == 0 : fabs(p->change_pct) <= p->noise_pct)
		p->v = V_SAME;
	else if (worse_pct < 0)
		p->v = V_BETTER;
	else if (o->max_regress_pct >= 0 && worse_pct > o->max_regress_pct)
		p->v = V_REGRESSION;
	else
		p->v = V_WORSE;
}

/* ---------------------------------------------------------------- output */

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/*
 * The table's rule (report.c): three significant digits below 10, else one
 * decimal; and its marks: † the mean of the runs' own percentiles, -† none.
 */
static void md_value(FILE *out, const struct side *s)
{
	const char *mark = s->src == SRC_RUNS ? "†" : "";

	if (!s->n)
		fputs(s->nofig ? " -† |" : " - |", out);
	else if (fabs(s->mean) < 10)
		fprintf(out, " %#.3g%s (n=%d) |", s->mean, mark, s->n);
	else
		fprintf(out, " %.1f%s (n=%d) |", s->mean, mark, s->n);
}

static void md_header(FILE *out, const struct ub_compare_opts *o, int hosts)
{
	fprintf(out, "## %s: %s (B) vs %s (A, baseline)%s%s%s%s, ratio B/A\n\n", o->metric, o->b,
		o->a, o->rw ? ", rw " : "", o->rw ? o->rw : "", o->bs ? ", bs " : "",
		o->bs ? o->bs : "");
	fprintf(out, "| config | rw | bs | iodepth |%s A: %s | B: %s | B/A | change | noise | "
		"verdict |\n|---|---|---|---|%s---|---|---|---|---|---|\n", hosts ? " host |" : "",
		o->a, o->b, hosts ? "---|" : "");
}

static void md_row(FILE *out, const struct point *p, int hosts)
{
	fprintf(out, "| %s | %s | %s | %lld |", str_or(p->config, "(none)"), str_or(p->rw, "-"),
		str_or(p->bs, "-"), p->iodepth);
	if (hosts)
		fprintf(out, " %s |", str_or(p->host, "-"));
	md_value(out, &p->a);
	md_value(out, &p->b);
	if (isnan(p->ratio))
		fputs(" - |", out);
	else
		fprintf(out, " %.3f |", p->ratio);
	if (isnan(p->change_pct))
		fputs(" - |", out);
	else
		fprintf(out, " %+.1f%% |", p->change_pct);
	if (!isnan(p->noise_pct))
		fprintf(out, " ±%.1f%% |", p->noise_pct);
	else if (p->a.n && p->b.n)
		fputs(" unknown (1 repeat) |", out);
	else
		fputs(" - |", out);
	fprintf(out, " %s |\n", verdict_name[p->v]);
}

static void md_footer(FILE *out, const struct ub_compare_opts *o, const int *count, int total,
		      int merged, int marked, int nofig)
{
	fprintf(out, "\n%d points: %d better, %d same (within noise), %d worse, %d REGRESSION",
		total, count[V_BETTER], count[V_SAME], count[V_WORSE], count[V_REGRESSION]);
	if (o->max_regress_pct >= 0)
		fprintf(out, " (worse by more than %g%% and by more than the noise)",
			o->max_regress_pct);
	else
		fputs(" (no --max-regress-pct: no gate)", out);
	if (count[V_ONLY_A] || count[V_ONLY_B])
		fprintf(out, "; %d only in %s (A), %d only in %s (B)", count[V_ONLY_A], o->a,
			count[V_ONLY_B], o->b);
	fputs(".\n\n", out);
	if (merged && strcmp(o->metric, "clat_mean_us"))
		fprintf(out, "value: %s of a side is the percentile of all its runs' json+ latency "
			"histograms merged, bucket by bucket (as uringbpf db table shows it), not the "
			"mean of the runs' own; the noise band is from the runs' own percentiles (each "
			"run's from its own histograms): cv = their stddev / their mean.\n", o->metric);
	else if (merged)
		fputs("value: clat_mean_us of a side is the mean of every I/O of its runs (each "
		      "run's mean weighted by its I/O count); the noise band is from the runs' own "
		      "means.\n", out);
	if (marked)
		fputs("† the mean of the runs' own percentiles, not merged: not every run of that "
		      "side has json+ latency histograms (fio --output-format=json+)\n", out);
	if (nofig)
		fputs("-† no figure: without json+ histograms only p50, p99, p99.9 and p99.99 are "
		      "kept; the point counts as run in the other sweep only\n", out);
	fprintf(out, "noise: ±2 standard deviations of B/A from the repeats, "
		"2 × B/A × √(cv_A² + cv_B²), cv = stddev / mean of a side's runs; "
		"unknown with 1 repeat, then the change alone decides. %s is better.\n",
		lower_is_better(o->metric) ? "Lower" : "Higher");
}

/* A number for TSV and JSON; unknown is empty (TSV) or null (JSON). */
static void num(FILE *out, double v, const char *fmt, const char *none)
{
	if (isfinite(v))
		fprintf(out, fmt, v);
	else
		fputs(isnan(v) ? none : v > 0 ? "inf" : "-inf", out);
}

static void tsv_field(FILE *out, const char *s)
{
	/* Config labels are free text: keep each row one line of fields. */
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
	fputc('\t', out);
}

static void tsv_side(FILE *out, const struct side *s)
{
	if (!s->n) {
		fputs("\t\t\t", out);
		return;
	}
	fprintf(out, "%d\t%.3f\t", s->n, s->mean);
	num(out, s->n > 1 ? s->sd : NAN, "%.3f", "");
	fputc('\t', out);
}

/* source (bins, runs; empty: no percentile) and the mean of the runs' own figures. */
static void tsv_source(FILE *out, const struct side *s)
{
	fprintf(out, "\t%s\t", source_name[s->src]);
	if (s->n)
		fprintf(out, "%.3f", s->runs_mean);
}

static void tsv_row(FILE *out, const struct point *p)
{
	tsv_field(out, p->config);
	tsv_field(out, p->rw);
	tsv_field(out, p->bs);
	fprintf(out, "%lld\t", p->iodepth);
	tsv_field(out, p->host);
	tsv_side(out, &p->a);
	tsv_side(out, &p->b);
	num(out, p->ratio, "%.4f", "");
	fputc('\t', out);
	num(out, p->change_pct, "%.2f", "");
	fputc('\t', out);
	num(out, p->noise_pct, "%.2f", "");
	fprintf(out, "\t%s", verdict_name[p->v]);
	/* After the verdict, so the columns before keep their places. */
	tsv_source(out, &p->a);
	tsv_source(out, &p->b);
	fputc('\n', out);
}

static void json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* JSON has no NaN or infinity: both are null. */
static void json_num(FILE *out, double v)
{
	num(out, isfinite(v) ? v : NAN, "%.6g", "null");
}

static void json_side(FILE *out, const char *key, const struct side *s)
{
	fprintf(out, ", \"%s\": ", key);
	if (!s->n) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"n\": %d, \"mean\": ", s->n);
	json_num(out, s->mean);
	fputs(", \"stddev\": ", out);
	json_num(out, s->n > 1 ? s->sd : NAN);
	fputs(", \"runs_mean\": ", out);
	json_num(out, s->runs_mean);
	fputs(", \"source\": ", out);
	json_str(out, s->src == SRC_NONE ? NULL : source_name[s->src]);
	fputc('}', out);
}

static void json_row(FILE *out, const struct point *p, int first)
{
	fputs(first ? "\n  {\"config\": " : ",\n  {\"config\": ", out);
	json_str(out, p->config);
	fputs(", \"rw\": ", out);
	json_str(out, p->rw);
	fputs(", \"bs\": ", out);
	json_str(out, p->bs);
	fprintf(out, ", \"iodepth\": %lld, \"host\": ", p->iodepth);
	json_str(out, p->host);
	json_side(out, "a", &p->a);
	json_side(out, "b", &p->b);
	fputs(", \"ratio\": ", out);
	json_num(out, p->ratio);
	fputs(", \"change_pct\": ", out);
	json_num(out, p->change_pct);
	fputs(", \"noise_pct\": ", out);
	json_num(out, p->noise_pct);
	fprintf(out, ", \"verdict\": \"%s\"}", verdict_name[p->v]);
}

static void json_header(FILE *out, const struct ub_compare_opts *o)
{
	fputs("{\"metric\": ", out);
	json_str(out, o->metric);
	fprintf(out, ", \"lower_is_better\": %s, \"a\": ", lower_is_better(o->metric) ?
		"true" : "false");
	json_str(out, o->a);
	fputs(", \"b\": ", out);
	json_str(out, o->b);
	fputs(", \"max_regress_pct\": ", out);
	json_num(out, o->max_regress_pct >= 0 ? o->max_regress_pct : NAN);
	fputs(", \"points\": [", out);
}

static void json_footer(FILE *out, const int *count)
{
	int v;

	fputs("\n], \"count\": {", out);
	for (v = 0; v < V_N; v++)
		fprintf(out, "%s\"%s\": %d", v ? ", " : "", verdict_name[v], count[v]);
	fputs("}}\n", out);
}

/* ---------------------------------------------------------------- data */

/* The sweep must have runs; else name the ones there are. */
static int check_sweep(sqlite3 *db, const char *name, const char *which, const char *path,
		       struct ub_err *e)
{
	sqlite3_stmt *st;
	const char *list;
	int rc, found = 0;

	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM runs WHERE sweep = ?1),"
			       " (SELECT group_concat(sweep, ', ') FROM (SELECT sweep FROM runs"
			       "  WHERE sweep IS NOT NULL GROUP BY sweep ORDER BY min(id)))",
			       -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading sweeps");
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ub_fail_sql(e, db, "reading sweeps");
	}
	found = sqlite3_column_int(st, 0);
	list = (const char *)sqlite3_column_text(st, 1);
	if (!found && list)
		rc = ub_fail(e, UB_EUSAGE, "%s: no sweep named '%s' in %s: give one of %s", which,
			     name, path, list);
	else if (!found)
		rc = ub_fail(e, UB_EUSAGE, "%s: no sweep named '%s' in %s: it has no sweeps; import "
			     "results first (uringbpf db import --sweep NAME FILE.json)", which, name,
			     path);
	else
		rc = UB_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Tell hosts apart only when both sweeps ran on several. */
static int several_hosts(sqlite3 *db, const struct ub_compare_opts *o, int *yes,
			 struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(DISTINCT host) FROM runs WHERE sweep = ?1)"
			       " > 1 AND (SELECT count(DISTINCT host) FROM runs WHERE sweep = ?2) > 1",
			       -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading hosts");
	rc = sqlite3_bind_text(st, 1, o->a, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, o->b, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "reading hosts");
}

static void read_side(sqlite3_stmt *st, int col, struct side *s)
{
	s->n = sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_int(st, col);
	s->mean = s->runs_mean = sqlite3_column_double(st, col + 1);
	s->sd = sqlite3_column_double(st, col + 2);
}

/* One (config, key) of a sweep, as merged_latency.c computes its latency. */
struct lat {
	char *config, *key;
	int has, n, binned;
	double value, sd, runs_mean;
};

struct lats {
	struct lat *v;
	int n;
};

static void lats_free(struct lats *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].config);
		free(l->v[i].key);
	}
	free(l->v);
}

static char *dup_col(sqlite3_stmt *st, int col, int *nomem)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	char *d = t ? strdup(t) : NULL;

	*nomem |= t && !d;
	return d;
}

/* The latency of every point of one sweep, in the filter, from merged_latency.c. */
static int load_lats(sqlite3 *db, const struct ub_compare_opts *o, const char *sweep, int hosts,
		     struct lats *l, struct ub_err *e)
{
	struct ub_filter f = { .sweep = sweep, .rw = o->rw, .bs = o->bs, .bs_bytes = o->bs_bytes };
	sqlite3_stmt *st;
	int rc, nomem = 0;

	rc = ub_merged_latency_stmt(db, &f, hosts ? LAT_KEY_HOST : LAT_KEY_NO_HOST, NULL,
				    o->metric, &st, e);
	if (rc)
		return rc;
	while (!nomem && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lat *v = realloc(l->v, sizeof(*v) * (l->n + 1)), *x;

		if (!v) {
			nomem = 1;
			break;
		}
		l->v = v;
		x = &l->v[l->n++];
		memset(x, 0, sizeof(*x));
		x->config = dup_col(st, 0, &nomem);
		x->key = dup_col(st, 1, &nomem);
		x->has = sqlite3_column_type(st, 2) != SQLITE_NULL;
		x->value = sqlite3_column_double(st, 2);
		x->sd = sqlite3_column_double(st, 3);
		x->n = sqlite3_column_int(st, 6);
		x->binned = sqlite3_column_int(st, 7);
		x->runs_mean = sqlite3_column_double(st, 8);
	}
	sqlite3_finalize(st);
	if (nomem)
		return ub_fail(e, UB_EDATA, "out of memory");
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(e, db, "reading latency histograms");
}

/*
 * A side's value of a latency: its merged figure. A point that ran on this
 * side (n from points_sql) without a figure (a percentile plain json does
 * not keep) is not on this side, and says why (nofig).
 */
static void lat_side(const struct lats *l, int pct, const char *config, const char *key,
		     struct side *s)
{
	const struct lat *x = NULL;
	int i, ran = s->n > 0;

	for (i = 0; i < l->n && !x; i++)
		if ((config ? l->v[i].config && !strcmp(config, l->v[i].config) : !l->v[i].config) &&
		    key && l->v[i].key && !strcmp(key, l->v[i].key))
			x = &l->v[i];
	memset(s, 0, sizeof(*s));
	if (!x || !x->has || !x->n) {
		s->nofig = ran;
		return;
	}
	s->n = x->n;
	s->mean = x->value;
	s->sd = x->sd;
	s->runs_mean = x->runs_mean;
	s->src = !pct ? SRC_NONE : x->binned ? SRC_BINS : SRC_RUNS;
}

int ub_cmd_compare(sqlite3 *db, const struct ub_compare_opts *o, int *regressions, FILE *out,
		   struct ub_err *e)
{
	char y[48], sql[sizeof(points_sql) + 2 * sizeof(y)];
	int rc, hosts = 0, total = 0, count[V_N] = { 0 }, pct, merged, marked = 0, nofig = 0;
	struct lats la = { 0 }, lb = { 0 };
	const char *column;
	sqlite3_stmt *st;
	double pv;

	*regressions = 0;
	/* Only known column names and checked percentiles reach SQL. */
	if (!ub_report_metric_valid(o->metric))
		return ub_fail(e, UB_EUSAGE, "--metric %s is not known", o->metric);
	pct = ub_metric_pct(o->metric, &pv, &column) == UB_OK;
	merged = pct || !strcmp(o->metric, "clat_mean_us");
	snprintf(y, sizeof(y), "%s%s", merged ? "" : "p.", merged ? "0" : o->metric);
	rc = check_sweep(db, o->a, "A (the baseline)", o->db_path, e);
	rc = rc ? rc : check_sweep(db, o->b, "B (the candidate)", o->db_path, e);
	rc = rc ? rc : several_hosts(db, o, &hosts, e);
	if (merged) {
		rc = rc ? rc : load_lats(db, o, o->a, hosts, &la, e);
		rc = rc ? rc : load_lats(db, o, o->b, hosts, &lb, e);
	}
	if (rc)
		goto out;
	snprintf(sql, sizeof(sql), points_sql, y, y);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "reading results");
		goto out;
	}
	rc = sqlite3_bind_text(st, 1, o->a, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, o->b, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 3, hosts);
	if (rc == SQLITE_OK)
		rc = o->rw ? sqlite3_bind_text(st, 4, o->rw, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 4);
	if (rc == SQLITE_OK)
		rc = o->bs_bytes >= 0 ? sqlite3_bind_int64(st, 5, o->bs_bytes) : sqlite3_bind_null(st, 5);
	if (o->format == UB_CMP_MD)
		md_header(out, o, hosts);
	else if (o->format == UB_CMP_TSV)
		fputs("config\trw\tbs\tiodepth\thost\ta_n\ta_mean\ta_stddev\tb_n\tb_mean\tb_stddev\t"
		      "ratio\tchange_pct\tnoise_pct\tverdict\ta_source\ta_runs_mean\tb_source\t"
		      "b_runs_mean\n", out);
	else
		json_header(out, o);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct point p = {
			.config = (const char *)sqlite3_column_text(st, 0),
			.rw = (const char *)sqlite3_column_text(st, 1),
			.bs = (const char *)sqlite3_column_text(st, 2),
			.iodepth = sqlite3_column_int64(st, 3),
			.host = (const char *)sqlite3_column_text(st, 4),
		};

		read_side(st, 5, &p.a);
		read_side(st, 8, &p.b);
		if (merged) {
			const char *key = (const char *)sqlite3_column_text(st, 11);

			lat_side(&la, pct, p.config, key, &p.a);
			lat_side(&lb, pct, p.config, key, &p.b);
			marked += (p.a.src == SRC_RUNS) + (p.b.src == SRC_RUNS);
			nofig += p.a.nofig + p.b.nofig;
		}
		judge(&p, o);
		count[p.v]++;
		if (o->format == UB_CMP_MD)
			md_row(out, &p, hosts);
		else if (o->format == UB_CMP_TSV)
			tsv_row(out, &p);
		else
			json_row(out, &p, !total);
		total++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = ub_fail_sql(e, db, "reading results");
		goto out;
	}
	if (o->format == UB_CMP_MD)
		md_footer(out, o, count, total, merged, marked, nofig);
	else if (o->format == UB_CMP_JSON)
		json_footer(out, count);
	*regressions = count[V_REGRESSION];
	rc = UB_OK;
	/* A gate that compared nothing must not pass: a typo in a name or a filter. */
	if (total == count[V_ONLY_A] + count[V_ONLY_B] && nofig)
		rc = ub_fail(e, UB_EUSAGE, "no point has %s in both %s (A) and %s (B): %d ran without "
			     "it (runs without json+ histograms keep only p50, p99, p99.9 and p99.99): "
			     "nothing to compare; import fio --output-format=json+ results or choose "
			     "one of those", o->metric, o->a, o->b, nofig);
	else if (total == count[V_ONLY_A] + count[V_ONLY_B])
		rc = ub_fail(e, UB_EUSAGE, "no point ran in both %s (A) and %s (B)%s%s%s%s (%d only "
			       "in A, %d only in B): nothing to compare; check the sweeps, --rw and --bs",
			       o->a, o->b, o->rw ? " with rw " : "", o->rw ? o->rw : "",
			       o->bs ? " bs " : "", o->bs ? o->bs : "", count[V_ONLY_A],
			       count[V_ONLY_B]);
out:
	lats_free(&la);
	lats_free(&lb);
	return rc;
}
