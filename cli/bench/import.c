// SPDX-License-Identifier: GPL-2.0
/*
 * The bench's fio results into the results database, in this process
 * (results-db/db_import.c): one sweep named after the output folder, one
 * config per engine, mode and batching ("uringbpf/sqpoll/batch8"); iodepth
 * and repeat are columns of their own.  t/io_uring's output is not fio
 * JSON: it stays in OUT/runs.  The importer's lines go to OUT/db-import.log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/bench/bench.h"
#include "results-db/db.h"

/* mkdir -p of the database's folder, so a first bench just works. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = 0;
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0777) && errno != EEXIST ? -1 : 0;
}

int bench_import(const struct bench *b, const struct bench_import_to *to,
		 const struct bench_run *runs, int n, int *failures)
{
	struct ub_import_opts o = { .sweep = to->sweep, .host = to->host, .kernel = to->kernel };
	struct ub_tag tag = { "device", to->device_tag };
	const char *logpath = to->log;
	char path[2 * PATH_MAX], label[96], bn[16];
	struct ub_device dev;
	struct ub_host local;
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	int nimp = 0;
	FILE *log;

	log = fopen(logpath, "ae");
	if (!log)
		bench_die("cannot write %s: %s", logpath, strerror(errno));
	if (ub_host_probe(&local) == 0)
		o.local = &local;
	if (to->device_tag) {
		o.tags = &tag;
		o.ntags = 1;
	} else if (ub_device_identify(b->target, &dev, &e) == UB_OK) {
		o.device = &dev;
	} else {
		fprintf(log, "device %s not identified: %s\n", b->target, e.msg);
	}
	if (make_parent(b->db) || ubdb_open(b->db, UB_OPEN_CREATE, &db, &e)) {
		if (!e.msg[0])
			snprintf(e.msg, sizeof(e.msg), "cannot create the folder of %s: %s", b->db,
				 strerror(errno));
		fprintf(log, "%s\n", e.msg);
		fprintf(stderr, "bench: cannot open the results database %s: %s\n", b->db, e.msg);
		(*failures)++;
		fclose(log);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		const struct bench_run *r = &runs[i];
		char *buf;
		size_t len = 0;
		int rc;

		if (r->engine == E_TIO || r->rc != 0)
			continue;
		if (r->batch)
			snprintf(bn, sizeof(bn), "batch%d", r->batch);
		snprintf(label, sizeof(label), "%s/%s/%s", bench_engine_names[r->engine],
			 bench_mode_names[r->mode], r->batch ? bn : "fio-batching");
		snprintf(path, sizeof(path), "%s/%s", to->dir, r->file);
		o.config = label;
		o.repeat = r->rep;
		buf = bench_read_file(path, &len);
		if (!buf)
			rc = ub_fail(&e, UB_EDATA, "%s: cannot read: %s", path, strerror(errno));
		else
			rc = ub_import_buf(db, path, buf, len, &o, log, &e);
		free(buf);
		if (rc == UB_OK) {
			nimp++;
		} else {
			fprintf(log, "import: %s\n", e.msg);
			fprintf(stderr, "bench: database import failed for %s (see %s)\n", path,
				logpath);
			(*failures)++;
		}
	}
	if (sqlite3_close(db) != SQLITE_OK) {
		fprintf(stderr, "bench: closing %s: %s\n", b->db, sqlite3_errmsg(db));
		(*failures)++;
	}
	fclose(log);
	return nimp;
}
