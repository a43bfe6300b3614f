// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes into the import path (JSON location, fio
 * vetting, INSERT ... SELECT from json_each) on an in-memory database, then
 * the reports over whatever got in. The database is made once (migrations
 * are the slow part) and emptied after each input, so inputs stay
 * independent. Build: make fuzz-db FUZZ_CC=clang-19
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "results-db/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ub_tag tags[] = { { "engine_build", "fuzz" } };
	struct ub_import_opts o = { .sweep = "fuzz", .host = "fuzz", .kernel = "fuzz",
				    .tags = tags, .ntags = 1 };
	struct ub_filter f = { .bs_bytes = -1 };
	static FILE *null_out;
	static sqlite3 *db;
	struct ub_err e = { "" };

	if (!db) {
		null_out = fopen("/dev/null", "w");
		if (!null_out || ubdb_open(":memory:", UB_OPEN_CREATE, &db, &e)) {
			fprintf(stderr, "fuzz setup failed: %s\n", e.msg);
			abort();
		}
	}
	if (ub_import_buf(db, "fuzz-input", (const char *)data, size, &o, null_out, &e) == UB_OK) {
		/* A second import of the same bytes must find the first. */
		ub_import_buf(db, "fuzz-input", (const char *)data, size, &o, null_out, &e);
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
