// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes into the import path (JSON location, fio
 * vetting, INSERT ... SELECT from json_each) on an in-memory database, then
 * the reports over whatever got in. The database is made once (migrations
 * are the slow part) and emptied after each input, so inputs stay
 * independent. Checked for every input: a refused import leaves no row; an
 * accepted one stores a run, and importing the same bytes again finds it
 * and adds nothing. Build: make fuzz-db; run: make fuzz FUZZ_SECS=N.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rows in the tables an import writes, as one string ("runs jobs results tags"). */
static void row_counts(sqlite3 *db, char *buf, size_t len)
{
	sqlite3_stmt *st;

	snprintf(buf, len, "?");
	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM runs) || ' ' ||"
			       " (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM results)"
			       " || ' ' || (SELECT count(*) FROM tags)", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* An invariant the importer broke: libFuzzer keeps the input as a crash. */
static void broken(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_import: %s: %s\n", what, detail);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ub_tag tags[] = { { "engine_build", "fuzz" } };
	struct ub_import_opts o = { .sweep = "fuzz", .host = "fuzz", .kernel = "fuzz",
				    .tags = tags, .ntags = 1 };
	struct ub_filter f = { .bs_bytes = -1 };
	static FILE *null_out;
	static sqlite3 *db;
	struct ub_err e = { "" };
	char before[128], after[128], *said = NULL;
	size_t said_len = 0;
	FILE *out2;
	int rc;

	if (!db) {
		null_out = fopen("/dev/null", "w");
		if (!null_out || ubdb_open(":memory:", UB_OPEN_CREATE, &db, &e)) {
			fprintf(stderr, "fuzz setup failed: %s\n", e.msg);
			abort();
		}
	}
	row_counts(db, before, sizeof(before));
	rc = ub_import_buf(db, "fuzz-input", (const char *)data, size, &o, null_out, &e);
	row_counts(db, after, sizeof(after));
	if (rc != UB_OK) {
		/* A refused file leaves nothing behind (one transaction). */
		if (strcmp(before, after))
			broken("a refused import left rows (before, after)", after);
	} else {
		if (!strncmp(after, "0 ", 2))
			broken("an accepted import stored no run", after);
		/* A second import of the same bytes finds the first: it
		 * succeeds, says "already imported" and adds nothing. */
		out2 = open_memstream(&said, &said_len);
		if (!out2)
			abort();
		rc = ub_import_buf(db, "fuzz-input", (const char *)data, size, &o, out2, &e);
		fclose(out2);
		row_counts(db, before, sizeof(before));
		if (rc != UB_OK)
			broken("the second import of accepted bytes failed", e.msg);
		if (!said || !strstr(said, "already imported fuzz-input as run "))
			broken("the second import did not find the first", said ? said : "");
		if (strcmp(before, after))
			broken("the second import changed the row counts", before);
		free(said);
		ub_cmd_table(db, &f, "kiops", null_out, &e);
		ub_cmd_series(db, &f, "iodepth", "clat_p99_us", null_out, &e);
		ub_cmd_series(db, &f, "bs", "kiops", null_out, &e);
		ub_cmd_info(db, NULL, null_out, &e);
		ub_cmd_export_csv(db, "latency_by_iodepth", null_out, &e);
	}
	if (ubdb_exec(db, "DELETE FROM tags; DELETE FROM results; DELETE FROM jobs;"
		      " DELETE FROM runs; DELETE FROM devices;", &e)) {
		fprintf(stderr, "fuzz reset failed: %s\n", e.msg);
		abort();
	}
	return 0;
}
