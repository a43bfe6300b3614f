// SPDX-License-Identifier: GPL-2.0
/*
 * SQL functions for the importer and the migrations: they read fio's option
 * strings ("4k", "" for a flag given without a value). Views never use them,
 * so a plain sqlite3 user can still query every view.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "results-db/db.h"
#include "results-db/fio_hist.h"

/* fio sizes: "4096", "4k", "4KiB", "1m"; "4k,8k" (read,write) gives the read size. */
long long ub_parse_size(const char *s, int *ok)
{
	unsigned long long v, mult = 1;
	char *end;

	*ok = 0;
	if (!s || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1ULL << 10; end++; break;
	case 'm': mult = 1ULL << 20; end++; break;
	case 'g': mult = 1ULL << 30; end++; break;
	case 't': mult = 1ULL << 40; end++; break;
	}
	if (mult > 1 && (!strncasecmp(end, "ib", 2)))
		end += 2;
	else if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end && *end != ',' && *end != ':')
		return 0;
	if (v > (unsigned long long)INT64_MAX / mult)
		return 0;
	*ok = 1;
	return (long long)(v * mult);
}

static void sql_size(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	long long v;
	int ok;

	v = ub_parse_size(s, &ok);
	if (ok)
		sqlite3_result_int64(ctx, v);
	else
		sqlite3_result_null(ctx);
}

/* fio bool options: absent 0; "" (flag given bare) 1; "0", "false", "off", "no" 0. */
static void sql_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const char *const off[] = { "0", "false", "off", "no" };
	const char *s;
	size_t i;

	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_int(ctx, 0);
		return;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		sqlite3_result_int(ctx, sqlite3_value_double(argv[0]) != 0);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	for (i = 0; s && i < sizeof(off) / sizeof(off[0]); i++)
		if (!strcasecmp(s, off[i])) {
			sqlite3_result_int(ctx, 0);
			return;
		}
	sqlite3_result_int(ctx, 1);
}

/*
 * A json+ "bins" key (a bucket's value in ns) to its bucket index. A key that
 * is not exactly some bucket's value did not come from fio's histogram. With
 * one argument that is an error, so the import stops rather than merge
 * unlike histograms; ub_plat_idx(key, 0) returns NULL instead (a migration
 * must not fail on rows an older importer let in).
 */
static void sql_plat_idx(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	unsigned long long v;
	unsigned int idx;
	char *end, msg[160];

	errno = 0;
	v = s && isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	if (s && isdigit((unsigned char)*s) && !errno && !*end) {
		idx = ub_plat_val_to_idx(v);
		if (ub_plat_idx_to_val(idx) == v) {
			sqlite3_result_int(ctx, (int)idx);
			return;
		}
	}
	if (argc > 1 && !sqlite3_value_int(argv[1])) {
		sqlite3_result_null(ctx);
		return;
	}
	snprintf(msg, sizeof(msg), "clat_ns.bins key '%.40s' is not a bucket of fio's latency "
		 "histogram (fio 3.x json+)", s ? s : "");
	sqlite3_result_error(ctx, msg, -1);
}

/* fio's job "error" is an errno: its text says why the job failed. */
static void sql_strerror(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long err = sqlite3_value_int64(argv[0]);
	char buf[160];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !err) {
		sqlite3_result_null(ctx);
		return;
	}
	if (err < 0)
		err = -err;
	snprintf(buf, sizeof(buf), "error %lld (%s)", err,
		 err < 4096 ? strerror((int)err) : "not an errno");
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/*
 * ub_clat_pct(bin, count, pct): aggregate over clat_bins rows (fio bucket
 * index, samples): the percentile pct of their sum, histogram by histogram
 * bucket, in us, read as fio reads one histogram (ub_hist_percentile).
 * NULL over no samples (a NULL bin: a LEFT JOIN that found none). Adding
 * buckets is exact: the merged histogram is the one fio would have kept had
 * every sample been in one job, so its percentiles are the point's own.
 */
struct clat_pct {
	uint64_t hist[UB_PLAT_NR];
	unsigned long long nr;
	double pct;
};

static void clat_pct_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct clat_pct *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	long long bin, n;

	(void)argc;
	if (!a)
		return sqlite3_result_error_nomem(ctx);
	a->pct = sqlite3_value_double(argv[2]);
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	bin = sqlite3_value_int64(argv[0]);
	n = sqlite3_value_int64(argv[1]);
	if (bin < 0 || bin >= UB_PLAT_NR || n < 0)
		return sqlite3_result_error(ctx, "ub_clat_pct: no bucket of fio's latency histogram", -1);
	a->hist[bin] += (uint64_t)n;
	a->nr += (unsigned long long)n;
}

static void clat_pct_final(sqlite3_context *ctx)
{
	struct clat_pct *a = sqlite3_aggregate_context(ctx, 0);

	if (!a || !a->nr)
		return sqlite3_result_null(ctx);
	if (!(a->pct > 0 && a->pct <= 100))
		return sqlite3_result_error(ctx, "ub_clat_pct: the percentile must be above 0 and "
					    "at most 100", -1);
	sqlite3_result_double(ctx, ub_hist_percentile(a->hist, a->nr, a->pct) / 1000.0);
}

int ub_register_sql_functions(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc;

	rc = sqlite3_create_function(db, "ub_size", 1, flags, NULL, sql_size, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_bool", 1, flags, NULL, sql_bool, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_plat_idx", 1, flags, NULL, sql_plat_idx, NULL,
					     NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_plat_idx", 2, flags, NULL, sql_plat_idx, NULL,
					     NULL);
	/* Not DETERMINISTIC: strerror's text depends on the locale. */
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_strerror", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS,
					     NULL, sql_strerror, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ub_clat_pct", 3, flags, NULL, NULL, clat_pct_step,
					     clat_pct_final);
	return rc;
}
