// SPDX-License-Identifier: GPL-2.0
/*
 * claim-sweep: take a sweep name before the sweep's first run. The name is
 * the primary key of sweeps, inserted in a BEGIN IMMEDIATE transaction, so
 * of two sweeps started at once with one name exactly one gets it; the other
 * is refused at once (UB_ETAKEN), before it runs anything. Names of sweeps
 * imported without a claim are in sweeps too (the importer adds them).
 */
#include <string.h>

#include "results-db/db.h"

static int taken(sqlite3 *db, const char *name, char *why, size_t len, struct ub_err *e)
{
	static const char sql[] =
		"SELECT coalesce('claimed ' || claimed_at || coalesce(' on ' || host, '')"
		"  || coalesce(' by process ' || pid, '') || '; ', ''),"
		" (SELECT count(*) FROM runs WHERE sweep = ?1)"
		" FROM sweeps WHERE name = ?1";
	sqlite3_stmt *st;
	int rc, found = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading sweeps");
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = 1;
		snprintf(why, len, " (%s%d runs)", (const char *)sqlite3_column_text(st, 0),
			 sqlite3_column_int(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ub_fail_sql(e, db, "reading sweeps");
	return found ? UB_ETAKEN : UB_OK;
}

int ub_cmd_claim_sweep(sqlite3 *db, const char *path, const char *name, const char *host,
		       long long pid, FILE *out, struct ub_err *e)
{
	static const char sql[] =
		"INSERT INTO sweeps(name, claimed_at, host, pid)"
		" VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?2, ?3)";
	char why[512] = "";
	sqlite3_stmt *st;
	int rc;

	if (ubdb_exec(db, "BEGIN IMMEDIATE", e))
		return UB_EDATA;
	rc = taken(db, name, why, sizeof(why), e);
	if (rc == UB_ETAKEN) {
		ub_fail(e, rc, "%s already has a sweep named '%s'%s: pick another --sweep-name",
			path, name, why);
		goto rollback;
	}
	if (rc)
		goto rollback;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "claiming the sweep name");
		goto rollback;
	}
	rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = host && *host ? sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC)
				   : sqlite3_bind_null(st, 2);
	/* The claimant: the sweep's process. */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, pid);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = ub_fail_sql(e, db, "claiming the sweep name");
		goto rollback;
	}
	if (ubdb_exec(db, "COMMIT", e)) {
		rc = UB_EDATA;
		goto rollback;
	}
	fprintf(out, "claimed sweep %s in %s\n", name, path);
	return UB_OK;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
