// SPDX-License-Identifier: GPL-2.0
/*
 * Import one fio JSON/json+ file: one BEGIN IMMEDIATE transaction per file,
 * keyed by the SHA-256 of its bytes so a second import of the same file is a
 * no-op. The values are pulled out of the JSON by SQLite (json_each and
 * json_extract in INSERT ... SELECT), from each job's own text split out
 * once (ub_doc_jobs); the raw document is kept in runs so later schema
 * versions can fill new columns from it.
 */
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"
#include "results-db/fio_json.h"

/*
 * The document's job entries, split out once per file: every statement
 * below reads one job's own text from here. Walking the whole document
 * (json_each/json_extract over ?1) per job made an import quadratic in the
 * jobs of a file (3,000 jobs took 444 s); this is one pass.
 */
static const char doc_jobs_create[] =
	"CREATE TEMP TABLE IF NOT EXISTS ub_doc_jobs("
	" idx INTEGER PRIMARY KEY, v TEXT NOT NULL, hostname TEXT, port INTEGER,"
	" is_sum INTEGER NOT NULL);"
	"DELETE FROM temp.ub_doc_jobs;";
static const char doc_jobs_fill[] =
	"INSERT INTO temp.ub_doc_jobs(idx, v, hostname, port, is_sum)"
	" SELECT key, value, json_extract(value, '$.hostname'), json_extract(value, '$.port'),"
	/* fio --client adds an "All clients" sum: not a host of its own. */
	"  coalesce(json_extract(value, '$.jobname') = 'All clients'"
	"   AND json_type(value, '$.\"job options\"') IS NULL, 0)"
	" FROM json_each(?1, ?2)";

/*
 * Global options apply to every job unless the job sets its own. The CTE is
 * MATERIALIZED so each job's merged options are computed once, not once per
 * column that reads them.
 */
static const char jobs_sql[] =
	"WITH g(o) AS (SELECT CASE json_type(?1, '$.\"global options\"') WHEN 'object'"
	"   THEN json_extract(?1, '$.\"global options\"') ELSE '{}' END),"
	" js AS MATERIALIZED (SELECT d.idx, d.v,"
	"   json_patch(g.o, coalesce(json_extract(d.v, '$.\"job options\"'), '{}')) AS o"
	"  FROM temp.ub_doc_jobs AS d, g"
	"  WHERE NOT d.is_sum"
	"    AND (?6 = 0 OR (d.hostname IS ?4 AND d.port IS ?5)))"
	" INSERT INTO jobs(run_id, idx, name, options, ioengine, rw, bs, bs_bytes, iodepth, numjobs,"
	"  direct, hipri, sqthread_poll, fixedbufs, registerfiles, restrict, bpf_filter, bpf_chain,"
	"  passthru, error, error_text, usr_cpu, sys_cpu, ctx, job_runtime_ms)"
	" SELECT ?2, idx, json_extract(v, '$.jobname'), o,"
	/* fio's defaults where the job leaves an option out */
	"  coalesce(json_extract(o, '$.ioengine'), 'psync'),"
	"  coalesce(json_extract(o, '$.rw'), json_extract(o, '$.readwrite'), 'read'),"
	"  coalesce(json_extract(o, '$.bs'), json_extract(o, '$.blocksize'), '4k'),"
	"  ub_size(coalesce(json_extract(o, '$.bs'), json_extract(o, '$.blocksize'), '4k')),"
	"  CAST(coalesce(json_extract(o, '$.iodepth'), 1) AS INTEGER),"
	"  CAST(coalesce(json_extract(o, '$.numjobs'), 1) AS INTEGER),"
	"  CASE WHEN json_type(o, '$.direct') IS NOT NULL THEN ub_bool(json_extract(o, '$.direct'))"
	"   WHEN json_type(o, '$.buffered') IS NOT NULL THEN 1 - ub_bool(json_extract(o, '$.buffered'))"
	"   ELSE 0 END,"
	"  ub_bool(json_extract(o, '$.hipri')), ub_bool(json_extract(o, '$.sqthread_poll')),"
	"  ub_bool(json_extract(o, '$.fixedbufs')), ub_bool(json_extract(o, '$.registerfiles')),"
	"  ub_bool(json_extract(o, '$.restrict')), ub_bool(json_extract(o, '$.bpf_filter')),"
	"  ub_bool(json_extract(o, '$.bpf_chain')), ub_bool(json_extract(o, '$.passthru')),"
	"  json_extract(v, '$.error'), ub_strerror(json_extract(v, '$.error')),"
	"  json_extract(v, '$.usr_cpu'), json_extract(v, '$.sys_cpu'),"
	"  json_extract(v, '$.ctx'), json_extract(v, '$.job_runtime')"
	" FROM js";

/* fio reports times in ns; the database keeps microseconds. */
#define PCT(ddir_obj, p) "json_extract(" ddir_obj ", '$.clat_ns.percentile.\"" p "\"') / 1000.0"
static const char results_sql[] =
	"WITH d(ddir) AS (VALUES ('read'), ('write'), ('trim')),"
	" x AS MATERIALIZED (SELECT jobs.id AS job_id, d.ddir, json_extract(dj.v, '$.' || d.ddir) AS r"
	"  FROM jobs JOIN temp.ub_doc_jobs AS dj ON dj.idx = jobs.idx, d"
	"  WHERE jobs.run_id = ?1 AND json_type(dj.v, '$.' || d.ddir) = 'object')"
	" INSERT INTO results(job_id, ddir, iops, bw_bytes, io_bytes, total_ios, runtime_ms,"
	"  clat_mean_us, clat_stddev_us, clat_min_us, clat_max_us,"
	"  clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us,"
	"  slat_mean_us, lat_mean_us, lat_p99_us)"
	" SELECT job_id, ddir, json_extract(r, '$.iops'), json_extract(r, '$.bw_bytes'),"
	"  json_extract(r, '$.io_bytes'), json_extract(r, '$.total_ios'), json_extract(r, '$.runtime'),"
	"  json_extract(r, '$.clat_ns.mean') / 1000.0, json_extract(r, '$.clat_ns.stddev') / 1000.0,"
	"  json_extract(r, '$.clat_ns.min') / 1000.0, json_extract(r, '$.clat_ns.max') / 1000.0,"
	"  " PCT("r", "50.000000") ", " PCT("r", "99.000000") ","
	"  " PCT("r", "99.900000") ", " PCT("r", "99.990000") ","
	"  json_extract(r, '$.slat_ns.mean') / 1000.0, json_extract(r, '$.lat_ns.mean') / 1000.0,"
	"  json_extract(r, '$.lat_ns.percentile.\"99.000000\"') / 1000.0"
	" FROM x WHERE ddir <> 'trim' OR json_extract(r, '$.total_ios') > 0";

/* json+ latency histograms of the run's results (bucket index from its value). */
static const char bins_sql[] =
	"INSERT INTO clat_bins(result_id, bin, count)"
	" SELECT x.id, ub_plat_idx(b.key), b.value"
	" FROM jobs JOIN results x ON x.job_id = jobs.id"
	"  JOIN temp.ub_doc_jobs AS dj ON dj.idx = jobs.idx,"
	"  json_each(dj.v, '$.' || x.ddir || '.clat_ns.bins') AS b"
	" WHERE jobs.run_id = ?1 AND json_type(dj.v, '$.' || x.ddir || '.clat_ns.bins') = 'object'"
	"  AND b.value > 0";

static const char run_sql[] =
	"INSERT INTO runs(imported_at, fio_time, sweep, config, repeat, host, kernel, cpu_model,"
	"  fio_version, engine_build, device_id, file, content_hash, part, raw_json)"
	" VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
	"  strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(?1, '$.timestamp'), 'unixepoch'),"
	"  ?2, ?3, ?4, ?5, ?6, ?7, json_extract(?1, '$.\"fio version\"'), ?8, ?9, ?10, ?11, ?12, ?1)";

/* One host's share of the file: all of it, or one fio --server's entries. */
struct part {
	char *hostname;		/* client_stats "hostname"/"port" to select, */
	long long port;		/* or NULL for a plain file */
	char *label;		/* runs.host */
	long long run_id;
	int njobs;
	int nfailed;		/* jobs with error != 0: stored, left out of results */
	char *failed;		/* "[name] error N (text)" of the first few */
};

struct import {
	sqlite3 *db;
	const char *name;
	const struct ub_import_opts *o;
	struct fio_doc doc;
	char hash[65];
	long long device_id;	/* 0: none */
	const char *engine_build;
	struct part *parts;
	int nparts;
	struct ub_err *e;
};

static int prep(struct import *im, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(im->db, sql, -1, st, NULL) != SQLITE_OK)
		return ub_fail_sql(im->e, im->db, im->name);
	return UB_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int bind_int(sqlite3_stmt *st, int i, long long v, int present)
{
	return present ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows; finalize it either way. */
static int run_once(struct import *im, sqlite3_stmt *st, int bind_rc)
{
	int rc = bind_rc == SQLITE_OK ? sqlite3_step(st) : bind_rc;

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail(im->e, UB_EDATA, "%s: %s", im->name, sqlite3_errmsg(im->db));
	return UB_OK;
}

static int bind_doc(struct import *im, sqlite3_stmt *st)
{
	return sqlite3_bind_text(st, 1, im->doc.json, (int)im->doc.len, SQLITE_STATIC);
}

/* Same device description as an earlier run: reuse its row; *id is the row. */
static int device_row(struct import *im, const struct ub_device *d, long long *id)
{
	static const char find[] =
		"SELECT id FROM devices WHERE path IS ?1 AND kind IS ?2 AND model IS ?3"
		" AND serial IS ?4 AND firmware IS ?5 AND lba_size IS ?6 AND size IS ?7 AND nvme = ?8";
	static const char add[] =
		"INSERT INTO devices(path, kind, model, serial, firmware, lba_size, size, nvme)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	const char *sql[2] = { find, add };
	int i, rc;

	for (i = 0; i < 2; i++) {
		sqlite3_stmt *st;

		rc = prep(im, sql[i], &st);
		if (rc)
			return rc;
		rc = bind_text(st, 1, d->path);
		rc = rc ? rc : bind_text(st, 2, d->kind);
		rc = rc ? rc : bind_text(st, 3, d->model);
		rc = rc ? rc : bind_text(st, 4, d->serial);
		rc = rc ? rc : bind_text(st, 5, d->firmware);
		rc = rc ? rc : bind_int(st, 6, d->lba_size, d->lba_size >= 0);
		rc = rc ? rc : bind_int(st, 7, d->size, d->size >= 0);
		rc = rc ? rc : sqlite3_bind_int(st, 8, d->nvme);
		rc = rc ? rc : sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return UB_OK;
		if (rc != SQLITE_DONE)
			return ub_fail_sql(im->e, im->db, im->name);
	}
	*id = sqlite3_last_insert_rowid(im->db);
	return UB_OK;
}

/* Runs already made from these bytes; printed and nothing else done. */
static int find_existing(struct import *im, FILE *out, int *found)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	rc = prep(im, "SELECT id FROM runs WHERE content_hash = ?1 ORDER BY part", &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_text(st, 1, im->hash, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*found)++;
		if (out)
			fprintf(out, "already imported %s as run %lld\n", im->name,
				(long long)sqlite3_column_int64(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? UB_OK : ub_fail_sql(im->e, im->db, im->name);
}

static void free_parts(struct import *im)
{
	int i;

	for (i = 0; i < im->nparts; i++) {
		free(im->parts[i].hostname);
		free(im->parts[i].label);
		free(im->parts[i].failed);
	}
	free(im->parts);
	im->parts = NULL;
	im->nparts = 0;
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

/*
 * fio --client: one run per server, in the order the file lists them. Servers
 * on one machine share a hostname, so the port tells them apart then.
 */
static int client_parts(struct import *im)
{
	static const char sql[] =
		"SELECT e.hostname AS h, e.port AS p,"
		" (SELECT count(DISTINCT o.port) FROM temp.ub_doc_jobs AS o"
		"  WHERE o.hostname IS e.hostname AND NOT o.is_sum) AS nports"
		" FROM temp.ub_doc_jobs AS e WHERE NOT e.is_sum"
		" GROUP BY h, p ORDER BY min(idx)";
	sqlite3_stmt *st;
	int rc;

	rc = prep(im, sql, &st);
	if (rc)
		return rc;
	rc = SQLITE_OK;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);
		struct part *p, *np;
		char label[300];

		np = realloc(im->parts, sizeof(*np) * (im->nparts + 1));
		if (!np) {
			rc = SQLITE_NOMEM;
			break;
		}
		im->parts = np;
		p = &im->parts[im->nparts++];
		memset(p, 0, sizeof(*p));
		p->hostname = h ? strdup(h) : NULL;
		p->port = sqlite3_column_int64(st, 1);
		if (sqlite3_column_int(st, 2) > 1)
			snprintf(label, sizeof(label), "%s:%lld", h ? h : "unknown", p->port);
		else
			snprintf(label, sizeof(label), "%s", h ? h : "unknown");
		p->label = strdup(label);
		if ((h && !p->hostname) || !p->label) {
			rc = SQLITE_NOMEM;
			break;
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail(im->e, UB_EDATA, "%s: listing fio --client hosts: %s", im->name,
			       rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(im->db));
	return im->nparts ? UB_OK : ub_fail(im->e, UB_EDATA, "%s: fio --client output with no "
					    "per-host results", im->name);
}

/* The jobs' entries, once: every later statement reads them from ub_doc_jobs. */
static int split_doc(struct import *im)
{
	sqlite3_stmt *st;
	int rc;

	rc = ubdb_exec(im->db, doc_jobs_create, im->e);
	if (rc)
		return ub_fail(im->e, rc, "%s: %s", im->name, sqlite3_errmsg(im->db));
	rc = prep(im, doc_jobs_fill, &st);
	if (rc)
		return rc;
	rc = bind_doc(im, st);
	rc = rc ? rc : sqlite3_bind_text(st, 2, im->doc.jobs_path, -1, SQLITE_STATIC);
	return run_once(im, st, rc);
}

static int insert_run(struct import *im, struct part *p, int idx)
{
	const struct ub_import_opts *o = im->o;
	const char *kernel = o->kernel, *cpu = NULL;
	sqlite3_stmt *st;
	int rc;

	/*
	 * This machine's kernel and CPU describe a local run only: a fio --server's
	 * are not in its JSON (--kernel, if given, says it), nor are those of
	 * another machine named by --host.
	 */
	if (!im->doc.client && o->local && (!o->host || !strcmp(o->host, o->local->name))) {
		kernel = kernel ? kernel : o->local->kernel;
		cpu = o->local->cpu_model;
	}
	rc = prep(im, run_sql, &st);
	if (rc)
		return rc;
	rc = bind_doc(im, st);
	rc = rc ? rc : bind_text(st, 2, o->sweep);
	rc = rc ? rc : bind_text(st, 3, o->config);	/* NULL: set from the jobs below */
	rc = rc ? rc : bind_int(st, 4, o->repeat, o->repeat > 0);
	rc = rc ? rc : bind_text(st, 5, p->label);
	rc = rc ? rc : bind_text(st, 6, kernel);
	rc = rc ? rc : bind_text(st, 7, cpu);
	rc = rc ? rc : bind_text(st, 8, im->engine_build);
	rc = rc ? rc : bind_int(st, 9, im->device_id, im->device_id > 0);
	rc = rc ? rc : bind_text(st, 10, im->name);
	rc = rc ? rc : sqlite3_bind_text(st, 11, im->hash, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_bind_int(st, 12, idx);
	rc = run_once(im, st, rc);
	if (rc)
		return rc;
	p->run_id = sqlite3_last_insert_rowid(im->db);
	return UB_OK;
}

static int insert_jobs(struct import *im, struct part *p)
{
	sqlite3_stmt *st;
	int rc;

	rc = prep(im, jobs_sql, &st);
	if (rc)
		return rc;
	rc = bind_doc(im, st);
	rc = rc ? rc : sqlite3_bind_int64(st, 2, p->run_id);
	rc = rc ? rc : bind_text(st, 4, p->hostname);
	rc = rc ? rc : sqlite3_bind_int64(st, 5, p->port);
	rc = rc ? rc : sqlite3_bind_int(st, 6, im->doc.client);
	rc = run_once(im, st, rc);
	if (rc)
		return rc;
	p->njobs = sqlite3_changes(im->db);
	if (!p->njobs)
		return ub_fail(im->e, UB_EDATA, "%s: no job results in the fio JSON", im->name);
	rc = prep(im, results_sql, &st);
	if (rc)
		return rc;
	rc = run_once(im, st, sqlite3_bind_int64(st, 1, p->run_id));
	if (rc)
		return rc;
	rc = prep(im, bins_sql, &st);
	if (rc)
		return rc;
	return run_once(im, st, sqlite3_bind_int64(st, 1, p->run_id));
}

/*
 * A job fio reports with error != 0 (refused, or stopped by an error) is
 * kept with its error but is no result: the views leave it out. Say so.
 */
static int note_failed(struct import *im, struct part *p)
{
	static const char sql[] =
		"SELECT count(*) OVER (), '[' || coalesce(name, '?') || '] ' || error_text"
		" FROM jobs WHERE run_id = ?1 AND coalesce(error, 0) <> 0 ORDER BY idx LIMIT 3";
	sqlite3_stmt *st;
	char buf[512] = "";
	int rc, n = 0;

	rc = prep(im, sql, &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_int64(st, 1, p->run_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t used = strlen(buf);

		p->nfailed = sqlite3_column_int(st, 0);
		snprintf(buf + used, sizeof(buf) - used, "%s%s", n++ ? ", " : "",
			 (const char *)sqlite3_column_text(st, 1));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ub_fail_sql(im->e, im->db, im->name);
	if (p->nfailed > n)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ", ...");
	p->failed = p->nfailed ? strdup(buf) : NULL;
	return p->nfailed && !p->failed ? ub_fail(im->e, UB_EDATA, "out of memory") : UB_OK;
}

/* An imported sweep name is taken: claim-sweep refuses it from now on. */
static int register_sweep(struct import *im)
{
	sqlite3_stmt *st;
	int rc;

	if (!im->o->sweep || !*im->o->sweep)
		return UB_OK;
	rc = prep(im, "INSERT OR IGNORE INTO sweeps(name) VALUES (?1)", &st);
	if (rc)
		return rc;
	return run_once(im, st, sqlite3_bind_text(st, 1, im->o->sweep, -1, SQLITE_STATIC));
}

/* Each job's config: --config, or the label its engine and ring modes give. */
static int label_jobs(struct import *im, struct part *p)
{
	static const char sel[] =
		"SELECT id, ioengine, hipri, sqthread_poll, fixedbufs, registerfiles, restrict,"
		" bpf_filter, bpf_chain, passthru FROM jobs WHERE run_id = ?1 ORDER BY idx";
	sqlite3_stmt *st, *up = NULL;
	char first[256] = "";
	int rc;

	rc = prep(im, sel, &st);
	if (rc)
		return rc;
	rc = prep(im, "UPDATE jobs SET config = ?1 WHERE id = ?2", &up);
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
	rc = sqlite3_bind_int64(st, 1, p->run_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ub_modes m = {
			.ioengine = (const char *)sqlite3_column_text(st, 1),
			.hipri = sqlite3_column_int(st, 2),
			.sqthread_poll = sqlite3_column_int(st, 3),
			.fixedbufs = sqlite3_column_int(st, 4),
			.registerfiles = sqlite3_column_int(st, 5),
			.restrict_ring = sqlite3_column_int(st, 6),
			.bpf_filter = sqlite3_column_int(st, 7),
			.bpf_chain = sqlite3_column_int(st, 8),
			.passthru = sqlite3_column_int(st, 9),
		};
		char label[256];

		if (im->o->config)
			snprintf(label, sizeof(label), "%s", im->o->config);
		else
			ub_config_label(&m, label, sizeof(label));
		if (!first[0])
			snprintf(first, sizeof(first), "%s", label);
		rc = sqlite3_bind_text(up, 1, label, -1, SQLITE_TRANSIENT);
		rc = rc ? rc : sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
		rc = rc ? rc : sqlite3_step(up);
		if (rc != SQLITE_DONE)
			break;
		rc = sqlite3_reset(up);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (rc != SQLITE_DONE)
		return ub_fail_sql(im->e, im->db, im->name);
	if (im->o->config)
		return UB_OK;
	/* runs.config names the run by its first job. */
	rc = prep(im, "UPDATE runs SET config = ?1 WHERE id = ?2", &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_text(st, 1, first, -1, SQLITE_TRANSIENT);
	rc = rc ? rc : sqlite3_bind_int64(st, 2, p->run_id);
	return run_once(im, st, rc);
}

/* An engine build id from the job options when the tags gave none. */
static int engine_build_from_jobs(struct import *im, struct part *p)
{
	static const char sql[] =
		"UPDATE runs SET engine_build = (SELECT coalesce(json_extract(options, '$.engine_build'),"
		"  json_extract(options, '$.git_rev'), json_extract(options, '$.build_id'))"
		"  FROM jobs WHERE run_id = ?1 ORDER BY idx LIMIT 1)"
		" WHERE id = ?1 AND engine_build IS NULL";
	sqlite3_stmt *st;
	int rc;

	rc = prep(im, sql, &st);
	if (rc)
		return rc;
	return run_once(im, st, sqlite3_bind_int64(st, 1, p->run_id));
}

/*
 * The host's own identity, when our engine ran with host_identity=1: its
 * job description ends in "uringbpf-identity {JSON}" (ioengine/host_identity.c),
 * the only way a fio --server's kernel, CPU and device reach the client.
 * It fills what the run does not know yet (kernel NULL or "unknown", no CPU
 * model, no device); a --kernel or --device given here is kept.
 */
static const char identity_sql[] =
	"WITH d(idx, t) AS (SELECT idx, json_extract(v, '$.desc') FROM temp.ub_doc_jobs"
	"  WHERE NOT is_sum AND (?2 = 0 OR (hostname IS ?3 AND port IS ?4))),"
	" id(j) AS (SELECT substr(t, instr(t, ?1) + length(?1) - 1) FROM d"
	"  WHERE instr(t, ?1) > 0 AND json_valid(substr(t, instr(t, ?1) + length(?1) - 1))"
	"  ORDER BY idx LIMIT 1)"
	" SELECT json_extract(j, '$.k'), json_extract(j, '$.cpu'), json_type(j, '$.dev'),"
	"  json_extract(j, '$.dev.path'), json_extract(j, '$.dev.kind'), json_extract(j, '$.dev.model'),"
	"  json_extract(j, '$.dev.sn'), json_extract(j, '$.dev.fw'), json_extract(j, '$.dev.size'),"
	"  json_extract(j, '$.dev.lba'), json_extract(j, '$.dev.nvme') FROM id";

static void column_copy(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t ? t : "");
}

static int host_identity(struct import *im, struct part *p)
{
	static const char kinds[][6] = { "file", "block", "char", "dir" };
	char kernel[256], cpu[256], kind[16];
	struct ub_device d;
	long long dev_id = 0;
	sqlite3_stmt *st;
	int rc, has_dev = 0;
	size_t i;

	rc = prep(im, identity_sql, &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_text(st, 1, "uringbpf-identity {", -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_bind_int(st, 2, im->doc.client);
	rc = rc ? rc : bind_text(st, 3, p->hostname);
	rc = rc ? rc : sqlite3_bind_int64(st, 4, p->port);
	rc = rc ? rc : sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return UB_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ub_fail_sql(im->e, im->db, im->name);
	}
	column_copy(st, 0, kernel, sizeof(kernel));
	column_copy(st, 1, cpu, sizeof(cpu));
	memset(&d, 0, sizeof(d));
	if (!strcmp((const char *)sqlite3_column_text(st, 2) ?: "", "object")) {
		column_copy(st, 3, d.path, sizeof(d.path));
		column_copy(st, 4, kind, sizeof(kind));
		column_copy(st, 5, d.model, sizeof(d.model));
		column_copy(st, 6, d.serial, sizeof(d.serial));
		column_copy(st, 7, d.firmware, sizeof(d.firmware));
		d.size = sqlite3_column_int64(st, 8);
		d.lba_size = sqlite3_column_int64(st, 9);
		d.nvme = sqlite3_column_int(st, 10);
		/* The devices table keeps the kinds device.c names: one of those or none. */
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (!strcmp(kind, kinds[i]))
				d.kind = kinds[i];
		has_dev = d.path[0] != 0;
	}
	sqlite3_finalize(st);
	if (has_dev && !im->o->device) {
		rc = device_row(im, &d, &dev_id);
		if (rc)
			return rc;
	}
	rc = prep(im, "UPDATE runs SET"
		  " kernel = CASE WHEN kernel IS NULL OR kernel = 'unknown' THEN coalesce(?2, kernel) ELSE kernel END,"
		  " cpu_model = coalesce(cpu_model, ?3),"
		  " device_id = coalesce(device_id, ?4) WHERE id = ?1", &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_int64(st, 1, p->run_id);
	rc = rc ? rc : bind_text(st, 2, kernel);
	rc = rc ? rc : bind_text(st, 3, cpu);
	rc = rc ? rc : bind_int(st, 4, dev_id, dev_id > 0);
	return run_once(im, st, rc);
}

/* fio's steady-state detection, for the part's jobs that used it (schema 7). */
static const char steady_sql[] =
	"INSERT INTO steady_state(job_id, spec, duration_s, attained, criterion, max_deviation, slope)"
	" SELECT j.id, json_extract(d.v, '$.steadystate.ss'), json_extract(d.v, '$.steadystate.duration'),"
	"  json_extract(d.v, '$.steadystate.attained') <> 0, json_extract(d.v, '$.steadystate.criterion'),"
	"  json_extract(d.v, '$.steadystate.max_deviation'), json_extract(d.v, '$.steadystate.slope')"
	" FROM jobs j JOIN temp.ub_doc_jobs d ON d.idx = j.idx"
	" WHERE j.run_id = ?1 AND json_type(d.v, '$.steadystate') = 'object'"
	"  AND json_type(d.v, '$.steadystate.ss') = 'text'";

static int insert_steady_state(struct import *im, struct part *p)
{
	sqlite3_stmt *st;
	int rc;

	rc = prep(im, steady_sql, &st);
	if (rc)
		return rc;
	return run_once(im, st, sqlite3_bind_int64(st, 1, p->run_id));
}

static int insert_tags(struct import *im, struct part *p)
{
	sqlite3_stmt *st;
	int i, rc;

	if (!im->o->ntags)
		return UB_OK;
	rc = prep(im, "INSERT INTO tags(run_id, key, value) VALUES (?1, ?2, ?3)", &st);
	if (rc)
		return rc;
	for (i = 0; i < im->o->ntags; i++) {
		rc = sqlite3_bind_int64(st, 1, p->run_id);
		rc = rc ? rc : sqlite3_bind_text(st, 2, im->o->tags[i].key, -1, SQLITE_STATIC);
		rc = rc ? rc : sqlite3_bind_text(st, 3, im->o->tags[i].value, -1, SQLITE_STATIC);
		rc = rc ? rc : sqlite3_step(st);
		if (rc != SQLITE_DONE)
			break;
		rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_OK ? UB_OK : ub_fail_sql(im->e, im->db, im->name);
}

/* --engine-report: each non-empty line of the engine's report, for this run. */
static int insert_engine_report(struct import *im, struct part *p)
{
	const struct ub_import_opts *o = im->o;
	const char *buf = o->engine_report;
	size_t pos = 0, len = o->engine_report_len;
	sqlite3_stmt *st;
	int rc, lineno = 0;

	if (!buf)
		return UB_OK;
	rc = prep(im, "INSERT INTO engine_reports(run_id, line, job, outcome, code, report)"
		  " SELECT ?1, ?2, json_extract(?3, '$.job'), json_extract(?3, '$.outcome'),"
		  "  json_extract(?3, '$.code'), json(?3)"
		  " WHERE json_valid(?3) AND json_type(?3) = 'object'"
		  "  AND json_extract(?3, '$.outcome') IN ('ran', 'refused', 'failed')", &st);
	if (rc)
		return rc;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (n) {
			rc = sqlite3_bind_int64(st, 1, p->run_id);
			rc = rc ? rc : sqlite3_bind_int(st, 2, lineno);
			rc = rc ? rc : sqlite3_bind_text(st, 3, buf + pos, (int)n, SQLITE_STATIC);
			rc = rc ? rc : sqlite3_step(st);
			if (rc != SQLITE_DONE) {
				sqlite3_finalize(st);
				return ub_fail_sql(im->e, im->db, o->engine_report_name);
			}
			if (!sqlite3_changes(im->db)) {
				sqlite3_finalize(st);
				return ub_fail(im->e, UB_EDATA, "--engine-report %s:%d: not an engine "
					       "report line (a JSON object with outcome ran|refused|failed, "
					       "from the engine's report=FILE); nothing of %s was imported",
					       o->engine_report_name, lineno, im->name);
			}
			sqlite3_reset(st);
		}
		pos += n + 1;
	}
	sqlite3_finalize(st);
	return UB_OK;
}

/*
 * The CPU of the run (run_cpu, schema version 5): --cpu-json, what
 * "uringbpf cgexec" measured for the fio process; else, for a fio --client
 * server, fio's own figures of its job threads, the best there is there.
 */
static int insert_cpu(struct import *im, struct part *p)
{
	static const char cgexec_sql[] =
		"INSERT INTO run_cpu(run_id, source, usage_usec, user_usec, system_usec, wall_usec,"
		"  note, report)"
		" SELECT ?1, CASE json_type(?2, '$.measured') WHEN 'true' THEN 'cgroup2' ELSE 'none' END,"
		"  json_extract(?2, '$.usage_usec'), json_extract(?2, '$.user_usec'),"
		"  json_extract(?2, '$.system_usec'), json_extract(?2, '$.wall_usec'),"
		"  json_extract(?2, '$.reason'), json(?2)"
		" WHERE json_valid(?2) AND json_type(?2) = 'object'"
		"  AND json_extract(?2, '$.tool') = 'uringbpf cgexec'"
		"  AND json_type(?2, '$.wall_usec') = 'integer' AND json_extract(?2, '$.wall_usec') >= 0"
		"  AND (json_type(?2, '$.measured') = 'false'"
		"   OR (json_type(?2, '$.measured') = 'true'"
		"    AND json_type(?2, '$.usage_usec') = 'integer'"
		"    AND json_type(?2, '$.user_usec') = 'integer'"
		"    AND json_type(?2, '$.system_usec') = 'integer'"
		"    AND json_extract(?2, '$.usage_usec') >= 0))";
	/* fio's usr_cpu/sys_cpu are percent of one CPU over the job's runtime. */
	static const char client_sql[] =
		"INSERT INTO run_cpu(run_id, source, usage_usec, user_usec, system_usec, wall_usec, note)"
		" SELECT ?1, 'fio_job',"
		"  CAST(round(sum((usr_cpu + sys_cpu) * job_runtime_ms * 10.0)) AS INTEGER),"
		"  CAST(round(sum(usr_cpu * job_runtime_ms * 10.0)) AS INTEGER),"
		"  CAST(round(sum(sys_cpu * job_runtime_ms * 10.0)) AS INTEGER),"
		"  max(job_runtime_ms) * 1000,"
		"  'fio --client: the server''s fio job threads only (fio usr_cpu + sys_cpu);"
		" an SQPOLL thread and io-wq workers are not counted'"
		" FROM jobs WHERE run_id = ?1 AND coalesce(error, 0) = 0"
		" HAVING max(job_runtime_ms) > 0 AND count(usr_cpu) = count(*)"
		"  AND count(sys_cpu) = count(*)";
	const struct ub_import_opts *o = im->o;
	sqlite3_stmt *st;
	int rc;

	if (!o->cpu_json) {
		if (!im->doc.client)
			return UB_OK;
		rc = prep(im, client_sql, &st);
		return rc ? rc : run_once(im, st, sqlite3_bind_int64(st, 1, p->run_id));
	}
	rc = prep(im, cgexec_sql, &st);
	if (rc)
		return rc;
	rc = sqlite3_bind_int64(st, 1, p->run_id);
	rc = rc ? rc : sqlite3_bind_text(st, 2, o->cpu_json, (int)o->cpu_json_len, SQLITE_STATIC);
	rc = run_once(im, st, rc);
	if (rc)
		return rc;
	if (!sqlite3_changes(im->db))
		return ub_fail(im->e, UB_EDATA, "--cpu-json %s: not the JSON of \"uringbpf cgexec "
			       "--cpu-json\" (an object with \"tool\": \"uringbpf cgexec\", "
			       "\"measured\", integer usage_usec/user_usec/system_usec and wall_usec); "
			       "nothing of %s was imported", o->cpu_json_name, im->name);
	return UB_OK;
}

static const char *tag_build_id(const struct ub_import_opts *o)
{
	static const char *const keys[] = { "engine_build", "git_rev", "build_id" };
	size_t k;
	int i;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (i = 0; i < o->ntags; i++)
			if (!strcmp(o->tags[i].key, keys[k]))
				return o->tags[i].value;
	return NULL;
}

static int import_locked(struct import *im, FILE *out, int *already)
{
	int i, rc;

	rc = find_existing(im, out, already);
	if (rc || *already)
		return rc;
	rc = split_doc(im);
	if (rc)
		return rc;
	if (im->doc.client) {
		rc = client_parts(im);
		if (rc)
			return rc;
		if (im->o->host)
			return ub_fail(im->e, UB_EUSAGE, "%s is fio --client output: each server's "
				       "\"hostname\" names its run; drop --host", im->name);
		if (im->o->engine_report)
			return ub_fail(im->e, UB_EUSAGE, "%s is fio --client output: the engine "
				       "reports are on the servers, one each; drop --engine-report",
				       im->name);
		if (im->o->n_iops_logs)
			return ub_fail(im->e, UB_EUSAGE, "%s is fio --client output: its IOPS logs "
				       "are per server; drop --iops-log", im->name);
		if (im->o->cpu_json)
			return ub_fail(im->e, UB_EUSAGE, "%s is fio --client output: the servers' "
				       "CPU is not measured here (fio's own job figures are stored); "
				       "drop --cpu-json", im->name);
	} else {
		im->parts = calloc(1, sizeof(*im->parts));
		if (!im->parts)
			return ub_fail(im->e, UB_EDATA, "%s: out of memory", im->name);
		im->nparts = 1;
		im->parts[0].label = xstrdup(im->o->host ? im->o->host :
					     im->o->local ? im->o->local->name : NULL);
		if (!im->parts[0].label)
			return ub_fail(im->e, UB_EDATA, "%s: out of memory", im->name);
	}
	if (im->o->device) {
		rc = device_row(im, im->o->device, &im->device_id);
		if (rc)
			return rc;
	}
	for (i = 0; i < im->nparts; i++) {
		struct part *p = &im->parts[i];

		rc = insert_run(im, p, i);
		rc = rc ? rc : insert_jobs(im, p);
		rc = rc ? rc : label_jobs(im, p);
		rc = rc ? rc : engine_build_from_jobs(im, p);
		rc = rc ? rc : host_identity(im, p);
		rc = rc ? rc : insert_steady_state(im, p);
		rc = rc ? rc : insert_tags(im, p);
		rc = rc ? rc : insert_engine_report(im, p);
		rc = rc ? rc : insert_cpu(im, p);
		for (int k = 0; rc == UB_OK && k < im->o->n_iops_logs; k++)
			rc = ub_import_iops_log(im->db, p->run_id, im->o->iops_log_names[k],
						im->o->iops_logs[k], im->o->iops_log_lens[k], im->name,
						im->e);
		rc = rc ? rc : note_failed(im, p);
		if (rc == UB_OK && ub_point_latency(im->db, p->run_id, im->e))
			rc = ub_fail(im->e, UB_EDATA, "%s: %s", im->name, im->e->msg);
		/* Same transaction: an imported run's point is never left pending. */
		if (rc == UB_OK)
			rc = ub_plan_mark_done(im->db, p->run_id, im->o->axes, im->e);
		if (rc)
			return rc;
	}
	return register_sweep(im);
}

int ub_import_buf(sqlite3 *db, const char *name, const char *buf, size_t len,
		  const struct ub_import_opts *o, FILE *out, struct ub_err *e)
{
	struct import im = { .db = db, .name = name, .o = o, .e = e };
	int i, rc, already = 0;

	rc = fio_doc_parse(db, name, buf, len, &im.doc, e);
	if (rc)
		return rc;
	ub_sha256_hex(buf, len, im.hash);
	im.engine_build = tag_build_id(o);
	/* IMMEDIATE: take the write lock now, so the hash check and insert can't race. */
	rc = ubdb_exec(db, "BEGIN IMMEDIATE", e);
	if (rc) {
		char what[sizeof(e->msg)];

		snprintf(what, sizeof(what), "%s", e ? e->msg : "");
		return ub_fail(e, rc, "%s: %s", name, what);
	}
	rc = import_locked(&im, out, &already);
	/* The split-out document is this file's only: never left for the next one. */
	sqlite3_exec(db, "DELETE FROM temp.ub_doc_jobs", NULL, NULL, NULL);
	if (rc == UB_OK && ubdb_exec(db, "COMMIT", e))
		rc = ub_fail_sql(e, db, name);
	if (rc) {
		/* Nothing of this file stays; rc already says why. */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		free_parts(&im);
		return rc;
	}
	/* Only now is it true. */
	for (i = 0; out && i < im.nparts; i++) {
		const struct part *p = &im.parts[i];

		if (p->nfailed)
			fprintf(out, "imported %s as run %lld (%d jobs; %d failed, stored with the "
				"error and left out of every result: %s)\n", name, p->run_id,
				p->njobs, p->nfailed, p->failed);
		else
			fprintf(out, "imported %s as run %lld (%d jobs)\n", name, p->run_id,
				p->njobs);
	}
	free_parts(&im);
	return UB_OK;
}
