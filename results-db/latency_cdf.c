// SPDX-License-Identifier: GPL-2.0
/*
 * cdf: the completion-latency distribution of each point (config, iodepth)
 * of a sweep, from the json+ histograms of all its repeats added bucket by
 * bucket: per bucket its value (us, fio's name for it), the fraction of all
 * samples at or below it, and their count. The last line of a block is
 * fraction 1 with every sample counted (the sum of the results' total_ios).
 * A point with a run that has no histogram (plain json) has no CDF: left
 * out, and said so in a note (stderr for uringbpf db cdf).
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

/* Where the blocks and the notes go. */
struct cdf_sink {
	FILE *out, *notes;
	const char *prog;
	struct ub_cdf_block **blocks;	/* NULL: not asked for */
	int blocks_n, left_out;
};

static int print_group(struct cdf_sink *k, const struct cdf_group *g)
{
	unsigned long long nr = 0, cum = 0;
	FILE *out = k->out;
	unsigned int i;

	if (!g->config)
		return 0;
	if (!g->binned) {
		fprintf(k->notes, "%s: note: %s at iodepth %lld: not every run has json+ "
			"latency histograms (fio --output-format=json+); no CDF\n", k->prog,
			g->config, g->iodepth);
		k->left_out++;
		return 0;
	}
	if (k->blocks) {
		struct ub_cdf_block *nb = realloc(*k->blocks, sizeof(*nb) * (k->blocks_n + 1));

		if (!nb)
			return -1;
		*k->blocks = nb;
		nb[k->blocks_n].config = strdup(g->config);
		if (!nb[k->blocks_n].config)
			return -1;
		nb[k->blocks_n].iodepth = g->iodepth;
	}
	for (i = 0; i < UB_PLAT_NR; i++)
		nr += g->hist[i];
	/* Two blank lines end a gnuplot data set: blocks are `index` 0, 1, ... */
	fprintf(out, "%s# config: %s\n# iodepth %lld, runs %lld, samples %llu, total_ios %lld\n"
		"# latency_us fraction count\n", k->blocks_n++ ? "\n\n" : "", g->config, g->iodepth,
		g->runs, nr, g->ios);
	for (i = 0; i < UB_PLAT_NR; i++) {
		if (!g->hist[i])
			continue;
		cum += g->hist[i];
		fprintf(out, "%.3f %.8f %llu\n", ub_plat_idx_to_val(i) / 1000.0,
			cum == nr ? 1.0 : (double)cum / nr, cum);
	}
	return 0;
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

void ub_cdf_blocks_free(struct ub_cdf_block *blocks, int n)
{
	for (int i = 0; i < n; i++)
		free(blocks[i].config);
	free(blocks);
}

int ub_cmd_cdf(sqlite3 *db, const struct ub_filter *f, long long iodepth, FILE *out,
	       struct ub_err *e)
{
	return ub_cdf_write(db, f, iodepth, out, stderr, "uringbpf-db", NULL, NULL, e);
}

int ub_cdf_write(sqlite3 *db, const struct ub_filter *f, long long iodepth, FILE *out,
		 FILE *notes, const char *prog, struct ub_cdf_block **blocks, int *nblocks,
		 struct ub_err *e)
{
	struct cdf_group *g = calloc(1, sizeof(*g));
	struct cdf_sink k = { .out = out, .notes = notes, .prog = prog, .blocks = blocks };
	sqlite3_stmt *st = NULL;
	int rc;

	if (blocks) {
		*blocks = NULL;
		*nblocks = 0;
	}
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
			if (print_group(&k, g)) {
				rc = SQLITE_NOMEM;
				break;
			}
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
	if (print_group(&k, g))
		rc = ub_fail(e, UB_EDATA, "out of memory");
	else if (!k.blocks_n)
		rc = ub_fail(e, UB_EDATA, "no latency histograms in these results (%d points without): "
			     "import fio --output-format=json+ files for a CDF", k.left_out);
out:
	sqlite3_finalize(st);
	if (g)
		free(g->config);
	free(g);
	if (blocks && rc) {
		ub_cdf_blocks_free(*blocks, k.blocks_n);
		*blocks = NULL;
	} else if (blocks) {
		*nblocks = k.blocks_n;
	}
	return rc;
}
