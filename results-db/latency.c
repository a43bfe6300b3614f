// SPDX-License-Identifier: GPL-2.0
/*
 * Point latency: the completion latency of one point (the jobs of a run
 * with the same config, rw, bs, iodepth and numjobs). With one job it is
 * that job's own figures, as fio printed them. With several (numjobs=N
 * without group_reporting) fio's per-job percentiles can't be combined:
 * the mean of two p99s is no p99. Their json+ histograms can: add them
 * bucket by bucket and read the percentiles as fio reads one histogram.
 * Without histograms (plain json) a several-job point has no percentiles.
 * The mean is exact either way: weighted by each job's I/O count.
 */
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"
#include "results-db/fio_hist.h"

/* The latency direction of a point: read if it read, else write, else trim. */
#define DDIR_ORDER "CASE x.ddir WHEN 'read' THEN 0 WHEN 'write' THEN 1 ELSE 2 END"

/*
 * "%s" is "= ?1" (one run: the jobs_run index) or ">= ?1" with 0 (all runs);
 * "?1 = 0 OR run_id = ?1" would scan every job of the database per import.
 */
static const char rows_sql[] =
	"SELECT j.run_id, j.config, j.rw, j.bs_bytes, j.iodepth, j.numjobs, x.ddir, x.id,"
	" x.total_ios, x.clat_mean_us, x.clat_p50_us, x.clat_p99_us, x.clat_p999_us, x.clat_p9999_us,"
	" EXISTS (SELECT 1 FROM clat_bins b WHERE b.result_id = x.id)"
	" FROM jobs j JOIN results x ON x.job_id = j.id"
	" WHERE j.run_id %s ?1 AND coalesce(j.error, 0) = 0 AND x.total_ios > 0"
	" ORDER BY j.run_id, j.config, j.rw, j.bs_bytes, j.iodepth, j.numjobs, " DDIR_ORDER ", x.id";

static const char insert_sql[] =
	"INSERT INTO point_latency(run_id, config, rw, bs_bytes, iodepth, numjobs, ddir, jobs,"
	" source, samples, clat_mean_us, clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

static const double pcts[4] = { 50.0, 99.0, 99.9, 99.99 };

/* One point being gathered: its key columns (text copies) and its jobs' rows. */
struct point {
	sqlite3_value *key[6];	/* run_id, config, rw, bs_bytes, iodepth, numjobs */
	char ddir[8];
	int jobs, all_binned;
	long long ios;
	double mean_sum;	/* sum of mean * ios */
	double first[4];	/* the first job's own p50/p99/p99.9/p99.99 */
	int first_null[4];
	long long *ids;		/* results ids */
	uint64_t hist[UB_PLAT_NR];
};

static void point_reset(struct point *p)
{
	int i;

	for (i = 0; i < 6; i++) {
		sqlite3_value_free(p->key[i]);
		p->key[i] = NULL;
	}
	free(p->ids);
	memset(p, 0, sizeof(*p));
}

static int same_key(struct point *p, sqlite3_stmt *st)
{
	int i;

	for (i = 0; i < 6; i++) {
		sqlite3_value *a = p->key[i], *b = sqlite3_column_value(st, i);

		if (sqlite3_value_type(a) != sqlite3_value_type(b))
			return 0;
		if (sqlite3_value_type(a) == SQLITE_NULL)
			continue;
		if (sqlite3_value_type(a) == SQLITE_INTEGER) {
			if (sqlite3_value_int64(a) != sqlite3_value_int64(b))
				return 0;
		} else if (strcmp((const char *)sqlite3_value_text(a),
				  (const char *)sqlite3_value_text(b))) {
			return 0;
		}
	}
	return 1;
}

static int add_bins(sqlite3 *db, struct point *p, struct ub_err *e)
{
	sqlite3_stmt *st;
	int i, rc = SQLITE_OK;

	if (sqlite3_prepare_v2(db, "SELECT bin, count FROM clat_bins WHERE result_id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading latency histograms");
	for (i = 0; i < p->jobs && rc == SQLITE_OK; i++) {
		rc = sqlite3_bind_int64(st, 1, p->ids[i]);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			long long bin = sqlite3_column_int64(st, 0);

			rc = SQLITE_OK;
			if (bin >= 0 && bin < UB_PLAT_NR)
				p->hist[bin] += (uint64_t)sqlite3_column_int64(st, 1);
		}
		if (rc == SQLITE_DONE)
			rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? UB_OK : ub_fail_sql(e, db, "reading latency histograms");
}

static int flush_point(sqlite3 *db, sqlite3_stmt *ins, struct point *p, struct ub_err *e)
{
	double v[4];
	int null[4], i, rc;
	const char *source = "job";
	unsigned long long nr = 0;

	if (!p->jobs)
		return UB_OK;
	for (i = 0; i < 4; i++) {
		v[i] = p->first[i];
		null[i] = p->first_null[i];
	}
	if (p->jobs > 1) {
		source = p->all_binned ? "bins" : "none";
		for (i = 0; i < 4; i++)
			null[i] = !p->all_binned;
		if (p->all_binned) {
			rc = add_bins(db, p, e);
			if (rc)
				return rc;
			for (i = 0; i < UB_PLAT_NR; i++)
				nr += p->hist[i];
			for (i = 0; i < 4; i++)
				v[i] = ub_hist_percentile(p->hist, nr, pcts[i]) / 1000.0;
		}
	}
	rc = SQLITE_OK;
	for (i = 0; i < 6 && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_value(ins, i + 1, p->key[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(ins, 7, p->ddir, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(ins, 8, p->jobs);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(ins, 9, source, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = nr ? sqlite3_bind_int64(ins, 10, (long long)nr) : sqlite3_bind_null(ins, 10);
	if (rc == SQLITE_OK)
		rc = p->ios > 0 ? sqlite3_bind_double(ins, 11, p->mean_sum / p->ios)
				: sqlite3_bind_null(ins, 11);
	for (i = 0; i < 4 && rc == SQLITE_OK; i++)
		rc = null[i] ? sqlite3_bind_null(ins, 12 + i) : sqlite3_bind_double(ins, 12 + i, v[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(ins);
	if (rc == SQLITE_DONE)
		rc = sqlite3_reset(ins);
	return rc == SQLITE_OK ? UB_OK : ub_fail_sql(e, db, "storing point latency");
}

static int add_row(struct point *p, sqlite3_stmt *st)
{
	long long *ni;
	long long ios = sqlite3_column_int64(st, 8);
	int i;

	if (!p->jobs) {
		for (i = 0; i < 6; i++) {
			p->key[i] = sqlite3_value_dup(sqlite3_column_value(st, i));
			if (!p->key[i])
				return -1;
		}
		snprintf(p->ddir, sizeof(p->ddir), "%s", (const char *)sqlite3_column_text(st, 6));
		p->all_binned = 1;
		for (i = 0; i < 4; i++) {
			p->first_null[i] = sqlite3_column_type(st, 10 + i) == SQLITE_NULL;
			p->first[i] = sqlite3_column_double(st, 10 + i);
		}
	} else if (strcmp(p->ddir, (const char *)sqlite3_column_text(st, 6))) {
		return 0;	/* another direction of the same point: not its latency */
	}
	ni = realloc(p->ids, sizeof(*ni) * (p->jobs + 1));
	if (!ni)
		return -1;
	p->ids = ni;
	p->ids[p->jobs++] = sqlite3_column_int64(st, 7);
	p->all_binned &= sqlite3_column_int(st, 14);
	if (sqlite3_column_type(st, 9) != SQLITE_NULL && ios > 0) {
		p->ios += ios;
		p->mean_sum += sqlite3_column_double(st, 9) * ios;
	}
	return 0;
}

int ub_point_latency(sqlite3 *db, long long run_id, struct ub_err *e)
{
	sqlite3_stmt *st = NULL, *ins = NULL, *del = NULL;
	struct point *p = calloc(1, sizeof(*p));
	const char *op = run_id ? "=" : ">=";
	char sql[sizeof(rows_sql) + 8];
	int rc;

	if (!p)
		return ub_fail(e, UB_EDATA, "out of memory");
	snprintf(sql, sizeof(sql), rows_sql, op);
	if (sqlite3_prepare_v2(db, run_id ? "DELETE FROM point_latency WHERE run_id = ?1"
					  : "DELETE FROM point_latency WHERE run_id >= ?1", -1,
			       &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, insert_sql, -1, &ins, NULL) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "computing point latency");
		goto out;
	}
	rc = sqlite3_bind_int64(del, 1, run_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(del);
	if (rc != SQLITE_DONE) {
		rc = ub_fail_sql(e, db, "computing point latency");
		goto out;
	}
	rc = sqlite3_bind_int64(st, 1, run_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (p->jobs && !same_key(p, st)) {
			rc = flush_point(db, ins, p, e);
			point_reset(p);
			if (rc)
				goto out;
		}
		if (add_row(p, st)) {
			rc = ub_fail(e, UB_EDATA, "out of memory");
			goto out;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		rc = ub_fail_sql(e, db, "computing point latency");
		goto out;
	}
	rc = flush_point(db, ins, p, e);
out:
	point_reset(p);
	free(p);
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	return rc;
}
