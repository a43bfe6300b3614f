// SPDX-License-Identifier: GPL-2.0
/*
 * cdf: the completion-latency distribution of each point (config, iodepth)
 * of a sweep, from the json+ histograms of all its repeats added bucket by
 * bucket: per bucket its value (us, fio's name for it), the fraction of all
 * samples at or below it, and their count. The last line of a block is
 * fraction 1 with every sample counted (the sum of the results' total_ios).
 * A point with a run that has no histogram (plain json) has no CDF: left
 * out, and said so on stderr.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"
#include "results-db/fio_hist.h"

static const char cdf_sql[] =
	"WITH p AS (SELECT * FROM run_points WHERE (?1 IS NULL OR sweep = ?1)"
	"  AND (?2 IS NULL OR rw = ?2) AND (?3 IS NULL OR bs_bytes = ?3)"
	"  AND (?4 IS NULL OR iodepth = ?4)),"
	" r AS (SELECT p.first_job, p.config, p.iodepth, px.id AS rid, px.total_ios AS ios"
	"  FROM p" UB_SQL_POINT_RESULTS_JOIN "),"
	" rb AS MATERIALIZED (SELECT r.config, r.iodepth, r.rid, b.bin, b.count FROM r"
	"  LEFT JOIN clat_bins b ON b.result_id = r.rid),"
	" g AS (SELECT config, iodepth, count(DISTINCT first_job) AS runs, sum(ios) AS ios"
	"  FROM r GROUP BY config, iodepth),"
	" gb AS (SELECT config, iodepth,"
	"  count(DISTINCT rid) = count(DISTINCT CASE WHEN bin IS NOT NULL THEN rid END) AS binned"
	"  FROM rb GROUP BY config, iodepth),"
	" c AS (SELECT config, min(first_job) AS o FROM r GROUP BY config)"
	" SELECT g.config, g.iodepth, g.runs, g.ios, gb.binned, rb.bin, sum(rb.count)"
	" FROM g JOIN gb ON gb.config IS g.config AND gb.iodepth IS g.iodepth"
	"  JOIN c ON c.config IS g.config"
	"  JOIN rb ON rb.config IS g.config AND rb.iodepth IS g.iodepth"
	" GROUP BY g.config, g.iodepth, rb.bin"
	" ORDER BY g.iodepth, c.o, rb.bin";

/* One (config, iodepth) being gathered. */
struct cdf_group {
	char *config;
	long long iodepth, runs, ios;
	int binned;
	uint64_t hist[UB_PLAT_NR];
};

static void print_group(FILE *out, const struct cdf_group *g, int *blocks, int *left_out)
{
	unsigned long long nr = 0, cum = 0;
	unsigned int i;

	if (!g->config)
		return;
	if (!g->binned) {
		fprintf(stderr, "uringbpf-db: note: %s at iodepth %lld: not every run has json+ "
			"latency histograms (fio --output-format=json+); no CDF\n", g->config,
			g->iodepth);
		(*left_out)++;
		return;
	}
	for (i = 0; i < UB_PLAT_NR; i++)
		nr += g->hist[i];
	/* Two blank lines end a gnuplot data set: blocks are `index` 0, 1, ... */
	fprintf(out, "%s# config: %s\n# iodepth %lld, runs %lld, samples %llu, total_ios %lld\n"
		"# latency_us fraction count\n", (*blocks)++ ? "\n\n" : "", g->config, g->iodepth,
		g->runs, nr, g->ios);
	for (i = 0; i < UB_PLAT_NR; i++) {
		if (!g->hist[i])
			continue;
		cum += g->hist[i];
		fprintf(out, "%.3f %.8f %llu\n", ub_plat_idx_to_val(i) / 1000.0,
			cum == nr ? 1.0 : (double)cum / nr, cum);
	}
}

static int same_group(const struct cdf_group *g, sqlite3_stmt *st)
{
	const char *c = (const char *)sqlite3_column_text(st, 0);

	return g->config && g->iodepth == sqlite3_column_int64(st, 1) &&
	       !strcmp(g->config, c ? c : "(none)");
}

/* The sweep and iodepth asked for exist: else a usage error naming what does. */
static int check_names(sqlite3 *db, const struct ub_filter *f, long long iodepth,
		       struct ub_err *e)
{
	char list[256] = "";
	sqlite3_stmt *st;
	int rc, n = 0, hit = 0;

	if (f->sweep) {
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs WHERE sweep = ?1", -1, &st,
				       NULL) != SQLITE_OK)
			return ub_fail_sql(e, db, "reading runs");
		sqlite3_bind_text(st, 1, f->sweep, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return ub_fail_sql(e, db, "reading runs");
		if (!n)
			return ub_fail(e, UB_EUSAGE, "--sweep %s: no sweep of that name in the database "
				       "(uringbpf db runs lists the runs and their sweeps)", f->sweep);
	}
	if (iodepth < 0)
		return UB_OK;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT iodepth FROM run_points WHERE"
			       " (?1 IS NULL OR sweep = ?1) AND (?2 IS NULL OR rw = ?2)"
			       " AND (?3 IS NULL OR bs_bytes = ?3) ORDER BY iodepth", -1, &st,
			       NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading results");
	rc = f->sweep ? sqlite3_bind_text(st, 1, f->sweep, -1, SQLITE_STATIC) : SQLITE_OK;
	if (rc == SQLITE_OK && f->rw)
		rc = sqlite3_bind_text(st, 2, f->rw, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && f->bs_bytes >= 0)
		rc = sqlite3_bind_int64(st, 3, f->bs_bytes);
	n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t used = strlen(list);

		hit |= sqlite3_column_int64(st, 0) == iodepth;
		if (used < sizeof(list) - 24)
			snprintf(list + used, sizeof(list) - used, "%s%lld", n++ ? ", " : "",
				 sqlite3_column_int64(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading results");
	if (!hit && n)
		return ub_fail(e, UB_EUSAGE, "--iodepth %lld: the results have no point at that "
			       "iodepth; choose one of %s", iodepth, list);
	return UB_OK;
}

int ub_cmd_cdf(sqlite3 *db, const struct ub_filter *f, long long iodepth, FILE *out,
	       struct ub_err *e)
{
	struct cdf_group *g = calloc(1, sizeof(*g));
	int rc, blocks = 0, left_out = 0;
	sqlite3_stmt *st = NULL;

	if (!g)
		return ub_fail(e, UB_EDATA, "out of memory");
	rc = check_names(db, f, iodepth, e);
	rc = rc ? rc : ub_check_selection(db, f, NULL, e);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(db, cdf_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "reading latency histograms");
		goto out;
	}
	rc = ub_bind_filter(st, f);
	if (rc == SQLITE_OK)
		rc = iodepth >= 0 ? sqlite3_bind_int64(st, 4, iodepth) : sqlite3_bind_null(st, 4);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		long long bin = sqlite3_column_int64(st, 5);

		rc = SQLITE_OK;
		if (!same_group(g, st)) {
			print_group(out, g, &blocks, &left_out);
			free(g->config);
			memset(g, 0, sizeof(*g));
			g->config = strdup(c ? c : "(none)");
			if (!g->config) {
				rc = SQLITE_NOMEM;
				break;
			}
			g->iodepth = sqlite3_column_int64(st, 1);
			g->runs = sqlite3_column_int64(st, 2);
			g->ios = sqlite3_column_int64(st, 3);
			g->binned = sqlite3_column_int(st, 4);
		}
		if (sqlite3_column_type(st, 5) != SQLITE_NULL && bin >= 0 && bin < UB_PLAT_NR)
			g->hist[bin] += (uint64_t)sqlite3_column_int64(st, 6);
	}
	if (rc != SQLITE_DONE) {
		rc = ub_fail(e, UB_EDATA, "reading latency histograms: %s",
			     rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
		goto out;
	}
	rc = UB_OK;
	print_group(out, g, &blocks, &left_out);
	if (!blocks)
		rc = ub_fail(e, UB_EDATA, "no latency histograms in these results (%d points without): "
			     "import fio --output-format=json+ files for a CDF", left_out);
out:
	sqlite3_finalize(st);
	if (g)
		free(g->config);
	free(g);
	return rc;
}
