// SPDX-License-Identifier: GPL-2.0
/*
 * seed-shape: the shape of the seed table (README, top) beside a sweep's.
 * The seed measured one NVMe drive, 4k randread: SQPOLL+IOPOLL against
 * IOPOLL alone at iodepth 1/8/16/32.  Absolute kIOPS of another machine (or
 * of the emulated lab) say nothing next to it, but the ratio of the two
 * modes at each depth is comparable: what SQPOLL adds on top of polling.
 */
#include <string.h>

#include "results-db/db.h"

/* The seed table's cells, kIOPS (SQPOLL+IOPOLL, IOPOLL). */
static const struct {
	int iodepth;
	double both, iopoll;
} seed[] = {
	{ 1, 119, 122 }, { 8, 550, 502 }, { 16, 581, 519 }, { 32, 585, 538 },
};

/* Mean kIOPS of CONFIG at IODEPTH in the sweep (randread): 0 when not run. */
static int mean_kiops(sqlite3_stmt *st, const char *config, int iodepth, double *kiops)
{
	int rc;

	*kiops = 0;
	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 2, config, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(st, 3, iodepth) != SQLITE_OK)
		return SQLITE_ERROR;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*kiops = sqlite3_column_double(st, 0);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int ub_cmd_seed_shape(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"SELECT avg(kiops_mean) FROM kiops_by_iodepth"
		" WHERE sweep = ?1 AND config = ?2 AND iodepth = ?3 AND rw = 'randread'";
	double both[4], iopoll[4];
	sqlite3_stmt *st;
	int i, rc = SQLITE_OK, shown = 0;

	if (!sweep)
		return ub_fail(e, UB_EUSAGE, "needs --sweep NAME (a seed-table sweep)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading kiops_by_iodepth");
	if (sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC) != SQLITE_OK)
		rc = SQLITE_ERROR;
	for (i = 0; i < 4 && rc == SQLITE_OK; i++) {
		rc = mean_kiops(st, "sqpoll+iopoll", seed[i].iodepth, &both[i]);
		if (rc == SQLITE_OK)
			rc = mean_kiops(st, "iopoll", seed[i].iodepth, &iopoll[i]);
		shown += both[i] > 0 && iopoll[i] > 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return ub_fail_sql(e, db, "reading kiops_by_iodepth");
	if (!shown) {
		fprintf(out, "seed shape: sweep %s has no randread point with both iopoll and "
			"sqpoll+iopoll (they need a device with poll queues)\n", sweep);
		return UB_OK;
	}
	fprintf(out, "SQPOLL+IOPOLL / IOPOLL, kIOPS ratio per iodepth: the seed table (one NVMe "
		"drive) beside sweep %s\n\n", sweep);
	fprintf(out, "| iodepth | seed | %s |\n|---:|---:|---:|\n", sweep);
	for (i = 0; i < 4; i++) {
		fprintf(out, "| %d | %.2f (%.0f/%.0f) | ", seed[i].iodepth,
			seed[i].both / seed[i].iopoll, seed[i].both, seed[i].iopoll);
		if (both[i] > 0 && iopoll[i] > 0)
			fprintf(out, "%.2f (%.3g/%.3g) |\n", both[i] / iopoll[i], both[i], iopoll[i]);
		else
			fprintf(out, "— (not run) |\n");
	}
	return UB_OK;
}
