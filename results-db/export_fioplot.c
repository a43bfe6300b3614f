// SPDX-License-Identifier: GPL-2.0
/*
 * export-fioplot: a sweep's points as fio JSON files in the layout fio-plot
 * (louwrentius/fio-plot, fiolib/jsonimport.py) and bench-fio read:
 *   OUT/<config>/<bs>/<rw>-<iodepth>-<numjobs>.json
 * made from the database alone (runs.raw_json). Each file is its run's fio
 * JSON with only the point's jobs in "jobs" (failed jobs never: run_points
 * leaves them out), and jobs[0]."job options" carrying iodepth, numjobs, bs
 * and rw as strings from the jobs table, since fio-plot reads them there.
 * With repeats, one run per point: the one whose kIOPS is the median of the
 * point's repeats (the lower middle for an even count; ties by run id).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "results-db/db.h"

/*
 * One row per point of the sweep: the median repeat's run, its figures and
 * the document to write. k is the rank by kIOPS within the point, n its
 * repeats: k = (n + 1) / 2 is the median (lower middle when n is even).
 */
static const char points_sql[] =
	"WITH p AS (SELECT p.run_id, r.repeat, p.config, p.rw, p.bs, p.bs_bytes, p.iodepth,"
	"  p.numjobs, p.kiops,"
	"  row_number() OVER w AS k, count(*) OVER (PARTITION BY p.config, p.rw, p.bs_bytes,"
	"   p.iodepth, p.numjobs) AS n"
	" FROM run_points p JOIN runs r ON r.id = p.run_id WHERE p.sweep = ?1"
	" WINDOW w AS (PARTITION BY p.config, p.rw, p.bs_bytes, p.iodepth, p.numjobs"
	"  ORDER BY p.kiops, p.run_id)),"
	" m AS (SELECT * FROM p WHERE k = (n + 1) / 2),"
	/* fio --client output may start with text before the JSON: drop it. */
	" d AS (SELECT m.*, (SELECT substr(raw_json, instr(raw_json, '{')) FROM runs"
	"   WHERE id = m.run_id) AS doc FROM m)"
	" SELECT coalesce(config, 'none'), rw, bs, iodepth, numjobs, run_id,"
	"  coalesce(CAST(repeat AS TEXT), '-'), printf('%.3f', kiops),"
	"  json_set(json_remove(doc, '$.client_stats'), '$.jobs', json((SELECT json_group_array("
	"   json_set(json_set(v, '$.\"job options\"',"
	"     coalesce(json_extract(v, '$.\"job options\"'), json('{}'))),"
	"    '$.\"job options\".iodepth', CAST(iodepth AS TEXT),"
	"    '$.\"job options\".numjobs', CAST(numjobs AS TEXT),"
	"    '$.\"job options\".bs', bs, '$.\"job options\".rw', rw))"
	"   FROM (SELECT coalesce(json_extract(doc, '$.jobs[' || j.idx || ']'),"
	"     json_extract(doc, '$.client_stats[' || j.idx || ']')) AS v"
	"    FROM jobs j WHERE j.run_id = d.run_id AND j.config IS d.config AND j.rw IS d.rw"
	"     AND j.bs_bytes IS d.bs_bytes AND j.iodepth IS d.iodepth AND j.numjobs IS d.numjobs"
	"     AND coalesce(j.error, 0) = 0 ORDER BY j.idx))))"
	" FROM d ORDER BY config, bs_bytes, rw, iodepth, numjobs";

/*
 * A path component from a label: fio-plot splits file names on '-' and '.',
 * and a config label may hold spaces or '/': anything but letters, digits,
 * '_' and '+' becomes '_' ("io_uring SQPOLL" -> "io_uring_SQPOLL").
 */
static void component(const char *s, char *buf, size_t len, int keep_dot)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++) {
		char c = s[i];

		buf[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '_' || c == '+' || (keep_dot && c == '.') ? c : '_';
	}
	buf[i] = 0;
	if (!i || !strcmp(buf, ".") || !strcmp(buf, ".."))
		snprintf(buf, len, "none");
}

static int make_dir(const char *path, struct ub_err *e)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return ub_fail(e, UB_EDATA, "cannot create %s: %s", path, strerror(errno));
	return UB_OK;
}

/* --out: a new folder (made here) or an empty one; never over earlier results. */
static int check_out(const char *out, struct ub_err *e)
{
	struct dirent *de;
	DIR *d = opendir(out);
	int n = 0;

	if (!d) {
		if (errno == ENOENT)
			return make_dir(out, e);
		return ub_fail(e, errno == ENOTDIR ? UB_EUSAGE : UB_EDATA, "--out %s: %s", out,
			       strerror(errno));
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n)
		return ub_fail(e, UB_EUSAGE, "--out %s exists and is not empty: give a new or empty "
			       "folder (nothing is overwritten)", out);
	return UB_OK;
}

static int write_doc(const char *path, const char *doc, struct ub_err *e)
{
	size_t len = strlen(doc);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	FILE *f;

	if (fd < 0)
		return ub_fail(e, UB_EDATA, errno == EEXIST ?
			       "%s: two points of the sweep export to this file (their configs, "
			       "rw or bs differ only in characters a path cannot hold)" :
			       "cannot create %s: %s", path, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return ub_fail(e, UB_EDATA, "cannot write %s: %s", path, strerror(errno));
	}
	if (fwrite(doc, 1, len, f) != len || fputc('\n', f) == EOF) {
		fclose(f);
		return ub_fail(e, UB_EDATA, "cannot write %s: %s", path, strerror(errno));
	}
	if (fclose(f))
		return ub_fail(e, UB_EDATA, "cannot write %s: %s", path, strerror(errno));
	return UB_OK;
}

static int has_runs(sqlite3 *db, const char *sweep, int *n, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs WHERE sweep = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading runs");
	rc = sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "reading runs");
}

int ub_cmd_export_fioplot(sqlite3 *db, const char *sweep, const char *out_dir, FILE *out,
			  struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc, err = UB_OK, nruns = 0;

	if (!sweep)
		return ub_fail(e, UB_EUSAGE, "--sweep NAME: which sweep to export");
	if (!out_dir || !*out_dir)
		return ub_fail(e, UB_EUSAGE, "--out DIR: the folder to write the fio JSON files to");
	rc = has_runs(db, sweep, &nruns, e);
	if (rc)
		return rc;
	if (!nruns)
		return ub_fail(e, UB_EUSAGE, "--sweep %s: no runs in this sweep (uringbpf db runs "
			       "lists them)", sweep);
	rc = check_out(out_dir, e);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, points_sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the sweep's points");
	rc = sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char cfg[128], bs[64], rw[64], path[4096];
		const char *doc = (const char *)sqlite3_column_text(st, 8);

		component((const char *)sqlite3_column_text(st, 0), cfg, sizeof(cfg), 1);
		component((const char *)sqlite3_column_text(st, 2), bs, sizeof(bs), 1);
		/* fio-plot splits the file name on '.' and '-': none in rw. */
		component((const char *)sqlite3_column_text(st, 1), rw, sizeof(rw), 0);
		if (!doc) {
			err = ub_fail(e, UB_EDATA, "run %lld: its fio JSON cannot be read back",
				     (long long)sqlite3_column_int64(st, 5));
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", out_dir, cfg);
		err = make_dir(path, e);
		if (err == UB_OK) {
			snprintf(path, sizeof(path), "%s/%s/%s", out_dir, cfg, bs);
			err = make_dir(path, e);
		}
		if (err == UB_OK) {
			/* Longest of the three: a path cut short would name another file. */
			if (snprintf(path, sizeof(path), "%s/%s/%s/%s-%lld-%lld.json", out_dir, cfg, bs,
				     rw, (long long)sqlite3_column_int64(st, 3),
				     (long long)sqlite3_column_int64(st, 4)) >= (int)sizeof(path))
				err = ub_fail(e, UB_EUSAGE, "--out %s: too long a path", out_dir);
			else
				err = write_doc(path, doc, e);
		}
		if (err)
			break;
		fprintf(out, "%s\trun %lld\trepeat %s\t%s kIOPS\n", path,
			(long long)sqlite3_column_int64(st, 5), (const char *)sqlite3_column_text(st, 6),
			(const char *)sqlite3_column_text(st, 7));
		rc = SQLITE_OK;
	}
	if (!err && rc != SQLITE_DONE)
		err = ub_fail_sql(e, db, "reading the sweep's points");
	sqlite3_finalize(st);
	return err;
}
