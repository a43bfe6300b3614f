// SPDX-License-Identifier: GPL-2.0
/*
 * fio's IOPS log (write_iops_log=PREFIX, log_avg_msec=N): PREFIX_iops.J.log,
 * one line per window, "T, VALUE, DDIR, BS, OFFSET[, PRIO]" with T the
 * window's end in ms and VALUE its mean IOPS. Stored in iops_samples for one
 * run: job J from the file name, else 1. A line that is not that is refused
 * (file and line named); the caller's transaction then writes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

/* J of ..._iops.J.log, or 1 when the name has no such number. */
static long iops_log_job(const char *name)
{
	const char *p = strstr(name, "_iops.");
	char *end;
	long j;

	if (!p)
		return 1;
	j = strtol(p + 6, &end, 10);
	return end != p + 6 && !strcmp(end, ".log") && j > 0 ? j : 1;
}

/* One line: T, VALUE, DDIR (the rest is not used). 0 ok, -1 not a log line. */
static int parse_line(const char *s, size_t n, long long *t, double *v, long *ddir)
{
	char line[256], *p, *end;

	if (n >= sizeof(line))
		return -1;
	memcpy(line, s, n);
	line[n] = 0;
	*t = strtoll(line, &end, 10);
	if (end == line || *end != ',' || *t < 0)
		return -1;
	*v = strtod(end + 1, &p);
	if (p == end + 1 || *p != ',' || *v < 0)
		return -1;
	*ddir = strtol(p + 1, &end, 10);
	if (end == p + 1 || (*end && *end != ',') || *ddir < 0 || *ddir > 2)
		return -1;
	return 0;
}

int ub_import_iops_log(sqlite3 *db, long long run_id, const char *name, const char *buf,
		       size_t len, const char *run_name, struct ub_err *e)
{
	size_t pos = 0;
	sqlite3_stmt *st;
	int rc, lineno = 0, rows = 0;
	long job = iops_log_job(name);

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO iops_samples(run_id, job, t_ms, ddir, iops)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, name);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t full = nl ? (size_t)(nl - (buf + pos)) : len - pos, n = full;
		long long t;
		double v;
		long ddir;

		lineno++;
		if (n && buf[pos + n - 1] == '\r')
			n--;
		if (n) {
			if (parse_line(buf + pos, n, &t, &v, &ddir)) {
				sqlite3_finalize(st);
				return ub_fail(e, UB_EDATA, "--iops-log %s:%d: not a fio IOPS log line "
					       "(\"MSEC, IOPS, DDIR, BS, OFFSET\", from write_iops_log); "
					       "nothing of %s was imported", name, lineno, run_name);
			}
			rc = sqlite3_bind_int64(st, 1, run_id);
			rc = rc ? rc : sqlite3_bind_int64(st, 2, job);
			rc = rc ? rc : sqlite3_bind_int64(st, 3, t);
			rc = rc ? rc : sqlite3_bind_int64(st, 4, ddir);
			rc = rc ? rc : sqlite3_bind_double(st, 5, v);
			rc = rc ? rc : sqlite3_step(st);
			if (rc != SQLITE_DONE) {
				sqlite3_finalize(st);
				return ub_fail_sql(e, db, name);
			}
			sqlite3_reset(st);
			rows++;
		}
		pos += full + 1;
	}
	sqlite3_finalize(st);
	if (!rows)
		return ub_fail(e, UB_EDATA, "--iops-log %s: no samples (an empty log: was "
			       "log_avg_msec longer than the run?); nothing of %s was imported",
			       name, run_name);
	return UB_OK;
}
