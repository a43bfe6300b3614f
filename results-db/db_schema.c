// SPDX-License-Identifier: GPL-2.0
/*
 * The schema, in one place. PRAGMA user_version is the schema version; each
 * migration takes the database from version N-1 to N inside one
 * BEGIN IMMEDIATE transaction. A new database runs every migration from 1 on,
 * so the upgrade path is exercised by every fresh database, not only by old
 * ones. Never edit a released migration: add the next one.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "results-db/db.h"

/* How long a writer waits for another: imports and claims are short. */
#define UB_BUSY_TIMEOUT_MS 30000

/* Version 1: the first released layout (runs, jobs, results, one view). */
static const char schema_v1[] =
	"CREATE TABLE runs("
	" id INTEGER PRIMARY KEY,"
	" imported_at TEXT NOT NULL,"
	" sweep TEXT, config TEXT, repeat INTEGER, host TEXT, kernel TEXT, fio_version TEXT,"
	" file TEXT,"
	" content_hash TEXT NOT NULL UNIQUE,"
	" raw_json TEXT NOT NULL);"
	"CREATE TABLE jobs("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" name TEXT, options TEXT, ioengine TEXT, rw TEXT, bs TEXT,"
	" iodepth INTEGER, numjobs INTEGER, direct INTEGER);"
	"CREATE TABLE results("
	" id INTEGER PRIMARY KEY,"
	" job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
	" ddir TEXT NOT NULL,"
	" iops REAL, bw_bytes INTEGER, io_bytes INTEGER, total_ios INTEGER, runtime_ms INTEGER,"
	" clat_mean_us REAL, clat_p50_us REAL, clat_p99_us REAL, clat_p999_us REAL);"
	"CREATE VIEW kiops_by_iodepth AS"
	" SELECT r.sweep, r.config, j.rw, j.bs, j.iodepth, count(*) AS n,"
	"  avg(x.iops) / 1000.0 AS kiops_mean"
	" FROM runs r JOIN jobs j ON j.run_id = r.id JOIN results x ON x.job_id = j.id"
	" GROUP BY r.sweep, r.config, j.rw, j.bs, j.iodepth;";

/*
 * The per-iodepth views over run_points, as version 2 made them; versions 3
 * and 5 recreate them unchanged after replacing run_points.
 */
#define VIEWS_BY_IODEPTH \
	"CREATE VIEW kiops_by_iodepth AS" \
	" WITH p AS (SELECT *, avg(kiops) OVER" \
	"  (PARTITION BY sweep, config, rw, bs_bytes, iodepth) AS m FROM run_points)" \
	" SELECT sweep, config, rw, min(bs) AS bs, iodepth, count(*) AS n," \
	"  avg(kiops) AS kiops_mean," \
	"  CASE WHEN count(*) > 1 THEN sqrt(sum((kiops - m) * (kiops - m)) / (count(*) - 1))" \
	"   ELSE 0.0 END AS kiops_stddev," \
	"  min(kiops) AS kiops_min, max(kiops) AS kiops_max" \
	" FROM p GROUP BY sweep, config, rw, bs_bytes, iodepth;" \
	"CREATE VIEW latency_by_iodepth AS" \
	" SELECT sweep, config, rw, min(bs) AS bs, iodepth, count(*) AS n," \
	"  avg(clat_mean_us) AS clat_mean_us, avg(clat_p50_us) AS clat_p50_us," \
	"  avg(clat_p99_us) AS clat_p99_us, avg(clat_p999_us) AS clat_p999_us," \
	"  avg(clat_p9999_us) AS clat_p9999_us, max(clat_p99_us) AS clat_p99_us_max"

/*
 * Version 2: devices, tags, fio --client files (several runs per file, so
 * the content hash is unique per (hash, part)), per-job config labels and
 * ring-mode flags, more latency columns, and the views for plain sqlite3
 * users. Columns new to old rows are filled from the raw JSON every run
 * keeps, so a migrated database reports like a freshly imported one.
 */
static const char schema_v2[] =
	"DROP VIEW kiops_by_iodepth;"
	"CREATE TABLE devices("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL, kind TEXT NOT NULL, model TEXT, serial TEXT, firmware TEXT,"
	" lba_size INTEGER, size INTEGER, nvme INTEGER NOT NULL DEFAULT 0);"
	/* SQLite cannot drop a column constraint: rebuild runs (the documented way). */
	"CREATE TABLE runs_v2("
	" id INTEGER PRIMARY KEY,"
	" imported_at TEXT NOT NULL,"
	" fio_time TEXT,"
	" sweep TEXT, config TEXT, repeat INTEGER,"
	" host TEXT, kernel TEXT, cpu_model TEXT,"
	" fio_version TEXT, engine_build TEXT,"
	" device_id INTEGER REFERENCES devices(id),"
	" file TEXT,"
	" content_hash TEXT NOT NULL,"
	" part INTEGER NOT NULL DEFAULT 0,"
	" raw_json TEXT NOT NULL);"
	"INSERT INTO runs_v2(id, imported_at, fio_time, sweep, config, repeat, host, kernel,"
	"  fio_version, file, content_hash, part, raw_json)"
	" SELECT id, imported_at,"
	"  strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(raw_json, '$.timestamp'), 'unixepoch'),"
	"  sweep, config, repeat, host, kernel, fio_version, file, content_hash, 0, raw_json"
	" FROM runs;"
	"DROP TABLE runs;"
	"ALTER TABLE runs_v2 RENAME TO runs;"
	"CREATE UNIQUE INDEX runs_content ON runs(content_hash, part);"
	"CREATE TABLE tags("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value TEXT,"
	" PRIMARY KEY(run_id, key));"
	"ALTER TABLE jobs ADD COLUMN idx INTEGER;"
	"ALTER TABLE jobs ADD COLUMN config TEXT;"
	"ALTER TABLE jobs ADD COLUMN bs_bytes INTEGER;"
	"ALTER TABLE jobs ADD COLUMN hipri INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN sqthread_poll INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN fixedbufs INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN registerfiles INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN restrict INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN bpf_filter INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN bpf_chain INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN passthru INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN error INTEGER;"
	"ALTER TABLE jobs ADD COLUMN usr_cpu REAL;"
	"ALTER TABLE jobs ADD COLUMN sys_cpu REAL;"
	"ALTER TABLE jobs ADD COLUMN ctx INTEGER;"
	"ALTER TABLE jobs ADD COLUMN job_runtime_ms INTEGER;"
	"CREATE INDEX jobs_run ON jobs(run_id);"
	/* v1 stored a file's jobs in array order: recover each one's index. */
	"UPDATE jobs SET idx = (SELECT count(*) FROM jobs o"
	" WHERE o.run_id = jobs.run_id AND o.id < jobs.id);"
	"UPDATE jobs SET config = (SELECT config FROM runs WHERE runs.id = jobs.run_id),"
	" bs_bytes = ub_size(bs),"
	" hipri = ub_bool(json_extract(options, '$.hipri')),"
	" sqthread_poll = ub_bool(json_extract(options, '$.sqthread_poll')),"
	" fixedbufs = ub_bool(json_extract(options, '$.fixedbufs')),"
	" registerfiles = ub_bool(json_extract(options, '$.registerfiles')),"
	" restrict = ub_bool(json_extract(options, '$.restrict')),"
	" bpf_filter = ub_bool(json_extract(options, '$.bpf_filter')),"
	" bpf_chain = ub_bool(json_extract(options, '$.bpf_chain')),"
	" passthru = ub_bool(json_extract(options, '$.passthru'));"
	"UPDATE jobs SET error = json_extract(s.jv, '$.error'),"
	" usr_cpu = json_extract(s.jv, '$.usr_cpu'), sys_cpu = json_extract(s.jv, '$.sys_cpu'),"
	" ctx = json_extract(s.jv, '$.ctx'), job_runtime_ms = json_extract(s.jv, '$.job_runtime')"
	" FROM (SELECT j.id AS jid, json_extract(r.raw_json, '$.jobs[' || j.idx || ']') AS jv"
	"       FROM jobs j JOIN runs r ON r.id = j.run_id) AS s"
	" WHERE s.jid = jobs.id;"
	"ALTER TABLE results ADD COLUMN clat_stddev_us REAL;"
	"ALTER TABLE results ADD COLUMN clat_min_us REAL;"
	"ALTER TABLE results ADD COLUMN clat_max_us REAL;"
	"ALTER TABLE results ADD COLUMN clat_p9999_us REAL;"
	"ALTER TABLE results ADD COLUMN slat_mean_us REAL;"
	"ALTER TABLE results ADD COLUMN lat_mean_us REAL;"
	"ALTER TABLE results ADD COLUMN lat_p99_us REAL;"
	"CREATE INDEX results_job ON results(job_id);"
	"UPDATE results SET"
	" clat_stddev_us = json_extract(s.jv, '$.' || ddir || '.clat_ns.stddev') / 1000.0,"
	" clat_min_us = json_extract(s.jv, '$.' || ddir || '.clat_ns.min') / 1000.0,"
	" clat_max_us = json_extract(s.jv, '$.' || ddir || '.clat_ns.max') / 1000.0,"
	" clat_p9999_us = json_extract(s.jv,"
	"   '$.' || ddir || '.clat_ns.percentile.\"99.990000\"') / 1000.0,"
	" slat_mean_us = json_extract(s.jv, '$.' || ddir || '.slat_ns.mean') / 1000.0,"
	" lat_mean_us = json_extract(s.jv, '$.' || ddir || '.lat_ns.mean') / 1000.0,"
	" lat_p99_us = json_extract(s.jv, '$.' || ddir || '.lat_ns.percentile.\"99.000000\"') / 1000.0"
	" FROM (SELECT j.id AS jid, json_extract(r.raw_json, '$.jobs[' || j.idx || ']') AS jv"
	"       FROM jobs j JOIN runs r ON r.id = j.run_id) AS s"
	" WHERE s.jid = results.job_id;"
	/*
	 * Views. A point is one workload of one run: jobs of a run with the same
	 * config/rw/bs/iodepth/numjobs are clones (numjobs without group_reporting)
	 * and add up. Latency comes from the job's first direction that did I/O
	 * (read, then write); results keeps both directions apart.
	 */
	"CREATE VIEW job_metrics AS"
	" SELECT j.id AS job_id, j.run_id, r.sweep, j.config, j.rw, j.bs, j.bs_bytes,"
	"  j.iodepth, j.numjobs,"
	"  (SELECT sum(x.iops) FROM results x WHERE x.job_id = j.id) / 1000.0 AS kiops,"
	"  (SELECT sum(x.bw_bytes) FROM results x WHERE x.job_id = j.id) / 1048576.0 AS bw_mib,"
	"  p.ddir AS lat_ddir, p.clat_mean_us, p.clat_p50_us, p.clat_p99_us, p.clat_p999_us,"
	"  p.clat_p9999_us"
	" FROM jobs j JOIN runs r ON r.id = j.run_id"
	" LEFT JOIN results p ON p.id = (SELECT x.id FROM results x"
	"  WHERE x.job_id = j.id AND x.total_ios > 0"
	"  ORDER BY CASE x.ddir WHEN 'read' THEN 0 WHEN 'write' THEN 1 ELSE 2 END LIMIT 1);"
	"CREATE VIEW run_points AS"
	" SELECT run_id, sweep, config, rw, min(bs) AS bs, bs_bytes, iodepth, numjobs,"
	"  count(*) AS jobs, min(job_id) AS first_job,"
	"  sum(kiops) AS kiops, sum(bw_mib) AS bw_mib,"
	"  avg(clat_mean_us) AS clat_mean_us, avg(clat_p50_us) AS clat_p50_us,"
	"  avg(clat_p99_us) AS clat_p99_us, avg(clat_p999_us) AS clat_p999_us,"
	"  avg(clat_p9999_us) AS clat_p9999_us"
	" FROM job_metrics GROUP BY run_id, config, rw, bs_bytes, iodepth, numjobs;"
	/* Sample standard deviation over repeats (n-1); 0 for a single run. */
	VIEWS_BY_IODEPTH
	" FROM run_points GROUP BY sweep, config, rw, bs_bytes, iodepth;";


/*
 * Views of version 3. A point is one workload of one run: the jobs of a run
 * with the same config/rw/bs/iodepth/numjobs (numjobs clones, without
 * group_reporting) whose IOPS add up. Failed jobs (error != 0) are in
 * failed_jobs and in no other view. Latency is the point's (point_latency):
 * never a mean of per-job percentiles.
 */
#define VIEWS_V3 \
	"CREATE VIEW job_metrics AS" \
	" SELECT j.id AS job_id, j.run_id, r.sweep, j.config, j.rw, j.bs, j.bs_bytes," \
	"  j.iodepth, j.numjobs," \
	"  (SELECT sum(x.iops) FROM results x WHERE x.job_id = j.id) / 1000.0 AS kiops," \
	"  (SELECT sum(x.bw_bytes) FROM results x WHERE x.job_id = j.id) / 1048576.0 AS bw_mib," \
	"  p.ddir AS lat_ddir, p.clat_mean_us, p.clat_p50_us, p.clat_p99_us, p.clat_p999_us," \
	"  p.clat_p9999_us" \
	" FROM jobs j JOIN runs r ON r.id = j.run_id" \
	" LEFT JOIN results p ON p.id = (SELECT x.id FROM results x" \
	"  WHERE x.job_id = j.id AND x.total_ios > 0" \
	"  ORDER BY CASE x.ddir WHEN 'read' THEN 0 WHEN 'write' THEN 1 ELSE 2 END LIMIT 1)" \
	" WHERE coalesce(j.error, 0) = 0;" \
	"CREATE VIEW failed_jobs AS" \
	" SELECT j.id AS job_id, j.run_id, r.sweep, j.config, j.name, j.rw, j.bs, j.bs_bytes," \
	"  j.iodepth, j.numjobs, j.error, j.error_text" \
	" FROM jobs j JOIN runs r ON r.id = j.run_id WHERE coalesce(j.error, 0) <> 0;" \
	"CREATE VIEW run_points AS" \
	" SELECT m.run_id, m.sweep, m.config, m.rw, min(m.bs) AS bs, m.bs_bytes, m.iodepth," \
	"  m.numjobs, count(*) AS jobs, min(m.job_id) AS first_job," \
	"  sum(m.kiops) AS kiops, sum(m.bw_mib) AS bw_mib," \
	"  l.ddir AS lat_ddir, l.source AS lat_source, l.clat_mean_us, l.clat_p50_us," \
	"  l.clat_p99_us, l.clat_p999_us, l.clat_p9999_us" \
	" FROM job_metrics m LEFT JOIN point_latency l ON l.run_id = m.run_id" \
	"  AND l.config IS m.config AND l.rw IS m.rw AND l.bs_bytes IS m.bs_bytes" \
	"  AND l.iodepth IS m.iodepth AND l.numjobs IS m.numjobs" \
	" GROUP BY m.run_id, m.config, m.rw, m.bs_bytes, m.iodepth, m.numjobs;" \
	/* Sample standard deviation over repeats (n-1); 0 for a single run. */ \
	"CREATE VIEW kiops_by_iodepth AS" \
	" WITH p AS (SELECT *, avg(kiops) OVER" \
	"  (PARTITION BY sweep, config, rw, bs_bytes, iodepth) AS m FROM run_points)" \
	" SELECT sweep, config, rw, min(bs) AS bs, iodepth, count(*) AS n," \
	"  avg(kiops) AS kiops_mean," \
	"  CASE WHEN count(*) > 1 THEN sqrt(sum((kiops - m) * (kiops - m)) / (count(*) - 1))" \
	"   ELSE 0.0 END AS kiops_stddev," \
	"  min(kiops) AS kiops_min, max(kiops) AS kiops_max" \
	" FROM p GROUP BY sweep, config, rw, bs_bytes, iodepth;" \
	/* Repeats are averaged: each repeat's figure is already its point's own. */ \
	"CREATE VIEW latency_by_iodepth AS" \
	" SELECT sweep, config, rw, min(bs) AS bs, iodepth, count(*) AS n," \
	"  avg(clat_mean_us) AS clat_mean_us, avg(clat_p50_us) AS clat_p50_us," \
	"  avg(clat_p99_us) AS clat_p99_us, avg(clat_p999_us) AS clat_p999_us," \
	"  avg(clat_p9999_us) AS clat_p9999_us, max(clat_p99_us) AS clat_p99_us_max" \
	" FROM run_points GROUP BY sweep, config, rw, bs_bytes, iodepth;"

/*
 * Version 3 (issue 19): results you can trust.
 * - sweeps: one row per sweep name, taken by "claim-sweep" in a transaction
 *   before a sweep's first run, so two sweeps can't share a name.
 * - jobs.error_text: a job with error != 0 is kept with why, and no view
 *   counts it (job_metrics leaves it out; failed_jobs lists it).
 * - clat_bins: json+ latency histograms, per result row, by fio bucket index.
 * - point_latency: each point's latency computed in C (latency.c) from the
 *   merged histograms of its jobs (a percentile of several jobs is not the
 *   mean of their percentiles), or the job's own figures for one job.
 */
static const char schema_v3[] =
	"DROP VIEW latency_by_iodepth;"
	"DROP VIEW kiops_by_iodepth;"
	"DROP VIEW run_points;"
	"DROP VIEW job_metrics;"
	"CREATE TABLE sweeps("
	" name TEXT PRIMARY KEY,"
	" claimed_at TEXT, host TEXT, pid INTEGER);"
	"INSERT OR IGNORE INTO sweeps(name) SELECT sweep FROM runs WHERE sweep IS NOT NULL"
	" GROUP BY sweep ORDER BY min(id);"
	"ALTER TABLE jobs ADD COLUMN error_text TEXT;"
	"UPDATE jobs SET error_text = ub_strerror(error) WHERE coalesce(error, 0) <> 0;"
	"CREATE TABLE clat_bins("
	" result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,"
	" bin INTEGER NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY(result_id, bin)) WITHOUT ROWID;"
	/* A result with any key that is no fio bucket (an older importer let it in) gets no bins. */
	"INSERT INTO clat_bins(result_id, bin, count)"
	" WITH s AS MATERIALIZED (SELECT x.id AS rid, coalesce("
	"        json_extract(r.raw_json, '$.jobs[' || j.idx || '].' || x.ddir || '.clat_ns.bins'),"
	"        json_extract(r.raw_json, '$.client_stats[' || j.idx || '].' || x.ddir || '.clat_ns.bins'))"
	"        AS bins"
	"       FROM results x JOIN jobs j ON j.id = x.job_id JOIN runs r ON r.id = j.run_id),"
	"  e AS MATERIALIZED (SELECT s.rid, ub_plat_idx(b.key, 0) AS bin, b.value AS n"
	"       FROM s, json_each(s.bins) AS b WHERE json_type(s.bins) = 'object')"
	" SELECT rid, bin, n FROM e WHERE n > 0"
	"  AND rid NOT IN (SELECT rid FROM e WHERE bin IS NULL);"
	"CREATE TABLE point_latency("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" config TEXT, rw TEXT, bs_bytes INTEGER, iodepth INTEGER, numjobs INTEGER,"
	" ddir TEXT NOT NULL,"
	" jobs INTEGER NOT NULL,"
	" source TEXT NOT NULL,"	/* 'job': one job's own figures; 'bins': merged histograms */
	" samples INTEGER,"
	" clat_mean_us REAL, clat_p50_us REAL, clat_p99_us REAL, clat_p999_us REAL,"
	" clat_p9999_us REAL);"
	"CREATE INDEX point_latency_run ON point_latency(run_id);"
	VIEWS_V3;

/* A migration: its SQL, then (if any) what only C can fill, in the same transaction. */
struct migration {
	const char *sql;
	int (*fill)(sqlite3 *db, struct ub_err *e);
};

static int fill_v3(sqlite3 *db, struct ub_err *e)
{
	return ub_point_latency(db, 0, e);
}

/*
 * Version 4: the engine's report of a run (report=FILE, one JSON object per
 * job; README "Engine report"), kept as the engine wrote it, with the
 * fields a query filters on beside it.
 */
static const char schema_v4[] =
	"CREATE TABLE engine_reports("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" line INTEGER NOT NULL,"
	" job TEXT, outcome TEXT NOT NULL, code TEXT,"
	" report TEXT NOT NULL,"
	" PRIMARY KEY(run_id, line));";

/*
 * Version 5 (issue 14): the CPU a run used. run_cpu keeps, per run, what
 * "uringbpf cgexec --cpu-json" measured for the fio process (import
 * --cpu-json FILE): cpu.stat of a cgroup v2 group holding every thread of
 * the run (fio's jobs, an SQPOLL ring's iou-sqp thread, iou-wrk workers),
 * its wall time, and the JSON itself. source says what it counts:
 * 'cgroup2' every thread; 'fio_job' fio's own usr_cpu+sys_cpu of the job
 * threads (fio --client servers, where no cgroup is ours: SQ threads and
 * workers are not counted; note says so); 'none' not measured (note: why).
 * A run without a row (older runs, the lab) has no CPU figures (NULL).
 *
 * Also fio's IOPS log of a run (iops_samples, import --iops-log) and each
 * run's steadiness (run_steadiness: the IOPS coefficient of variation).
 *
 * run_points gains cpu_cores (CPU-seconds per second of the fio process's
 * wall time), kiops_per_core (kIOPS / cpu_cores) and fio_cpu_cores (fio's
 * own (usr_cpu + sys_cpu) / 100 of the point's jobs, for comparison) and
 * iops_cv. A run's CPU (and CV) is one figure for the whole process: it
 * goes to the run's point only when the run has one point (a sweep run
 * does), never split.
 */
/* The run of m.run_id has one point: a figure of the whole run is that point's. */
#define ONE_POINT_RUN \
	"(SELECT count(*) FROM (SELECT 1 FROM jobs o WHERE o.run_id = m.run_id" \
	" GROUP BY o.config, o.rw, o.bs_bytes, o.iodepth, o.numjobs)) = 1"

static const char schema_v5[] =
	"DROP VIEW latency_by_iodepth;"
	"DROP VIEW kiops_by_iodepth;"
	"DROP VIEW run_points;"
	"CREATE TABLE run_cpu("
	" run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
	" source TEXT NOT NULL,"
	" usage_usec INTEGER, user_usec INTEGER, system_usec INTEGER, wall_usec INTEGER,"
	" note TEXT,"
	" report TEXT);"
	/*
	 * IOPS over time: fio's write_iops_log with log_avg_msec (import
	 * --iops-log FILE): per job (the log's number) and direction, the mean
	 * IOPS of each window ending at t_ms. run_steadiness: per run, the
	 * samples and the IOPS coefficient of variation (sample stddev / mean
	 * of a job's samples, directions added; the run's is its worst job's).
	 */
	"CREATE TABLE iops_samples("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" job INTEGER NOT NULL, t_ms INTEGER NOT NULL, ddir INTEGER NOT NULL,"
	" iops REAL NOT NULL,"
	" PRIMARY KEY(run_id, job, t_ms, ddir)) WITHOUT ROWID;"
	"CREATE VIEW run_steadiness AS"
	" WITH t AS (SELECT run_id, job, t_ms, sum(iops) AS v FROM iops_samples"
	"   GROUP BY run_id, job, t_ms),"
	"  j AS (SELECT run_id, job, count(*) AS n, avg(v) AS m,"
	"   CASE WHEN count(*) > 1 AND avg(v) > 0 THEN"
	"    sqrt(max(sum(v * v) - count(*) * avg(v) * avg(v), 0) / (count(*) - 1)) / avg(v) END AS cv"
	"   FROM t GROUP BY run_id, job)"
	" SELECT run_id, sum(n) AS samples, max(cv) AS iops_cv FROM j GROUP BY run_id;"
	"CREATE VIEW run_points AS"
	" SELECT m.run_id, m.sweep, m.config, m.rw, min(m.bs) AS bs, m.bs_bytes, m.iodepth,"
	"  m.numjobs, count(*) AS jobs, min(m.job_id) AS first_job,"
	"  sum(m.kiops) AS kiops, sum(m.bw_mib) AS bw_mib,"
	"  l.ddir AS lat_ddir, l.source AS lat_source, l.clat_mean_us, l.clat_p50_us,"
	"  l.clat_p99_us, l.clat_p999_us, l.clat_p9999_us,"
	"  c.source AS cpu_source,"
	"  CASE WHEN c.wall_usec > 0 THEN c.usage_usec * 1.0 / c.wall_usec END AS cpu_cores,"
	"  CASE WHEN c.usage_usec > 0 AND c.wall_usec > 0"
	"   THEN sum(m.kiops) * c.wall_usec / c.usage_usec END AS kiops_per_core,"
	"  sum(j.usr_cpu + j.sys_cpu) / 100.0 AS fio_cpu_cores,"
	"  sd.iops_cv"
	" FROM job_metrics m JOIN jobs j ON j.id = m.job_id"
	" LEFT JOIN point_latency l ON l.run_id = m.run_id"
	"  AND l.config IS m.config AND l.rw IS m.rw AND l.bs_bytes IS m.bs_bytes"
	"  AND l.iodepth IS m.iodepth AND l.numjobs IS m.numjobs"
	" LEFT JOIN run_cpu c ON c.run_id = m.run_id AND " ONE_POINT_RUN
	" LEFT JOIN run_steadiness sd ON sd.run_id = m.run_id AND " ONE_POINT_RUN
	" GROUP BY m.run_id, m.config, m.rw, m.bs_bytes, m.iodepth, m.numjobs;"
	/* Unchanged from version 3: they read run_points. */
	VIEWS_BY_IODEPTH
	" FROM run_points GROUP BY sweep, config, rw, bs_bytes, iodepth;"
	/* Means over the repeats that have a CPU figure (n of them). */
	"CREATE VIEW cpu_by_iodepth AS"
	" SELECT sweep, config, iodepth, avg(cpu_cores) AS cpu_cores,"
	"  avg(kiops_per_core) AS kiops_per_core, avg(fio_cpu_cores) AS fio_cpu_cores,"
	"  rw, min(bs) AS bs, count(cpu_cores) AS n, group_concat(DISTINCT cpu_source) AS cpu_source"
	" FROM run_points GROUP BY sweep, config, rw, bs_bytes, iodepth;"
	/* A point is as steady as its least steady repeat. */
	"CREATE VIEW steadiness_by_iodepth AS"
	" SELECT sweep, config, rw, min(bs) AS bs, iodepth, count(iops_cv) AS n,"
	"  max(iops_cv) AS iops_cv_max, avg(iops_cv) AS iops_cv_mean"
	" FROM run_points GROUP BY sweep, config, rw, bs_bytes, iodepth;";

/*
 * Version 6 (issues 13, 14): a sweep's plan and every point's fate
 * (results-db/sweep_plan.c says what each fate means), and the options the
 * sweep ran with (a JSON array of uringbpf sweep's arguments), so
 * "uringbpf sweep --resume NAME" runs the pending points with the same
 * options; ended_at: when the sweep ran to its end (every point decided, the
 * variance gate's extra repeats planned and run). stage: 'plan' decided when planned (the target can't run the
 * config), 'run' decided by a run; cause_seq: the point whose run decided
 * this one (a skipped or failed point stops its config).
 */
static const char schema_v6[] =
	"ALTER TABLE sweeps ADD COLUMN options TEXT;"
	"ALTER TABLE sweeps ADD COLUMN ended_at TEXT;"
	"CREATE TABLE sweep_plan("
	" sweep TEXT NOT NULL REFERENCES sweeps(name),"
	" seq INTEGER NOT NULL,"
	" config TEXT NOT NULL, iodepth INTEGER NOT NULL, repeat INTEGER NOT NULL,"
	" job_file TEXT,"
	" fate TEXT NOT NULL DEFAULT 'planned'"
	"  CHECK (fate IN ('planned', 'done', 'skipped', 'failed', 'interrupted')),"
	" run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	" code TEXT, text TEXT,"
	" stage TEXT CHECK (stage IN ('plan', 'run')),"
	" cause_seq INTEGER,"
	" planned_at TEXT NOT NULL, decided_at TEXT,"
	" PRIMARY KEY(sweep, seq),"
	" UNIQUE(sweep, config, iodepth, repeat));";

/*
 * Version 7 (issue 14): fio's steady-state detection (ss=, ss_dur, ss_ramp),
 * per job that used it, as fio's JSON reports it ("steadystate"): a job
 * that attained it ended early, one that did not ran its whole runtime.
 * And a sweep's preconditioning (results-db/precondition.c): whether it
 * applies to the target, why not, and the run that did it (imported with
 * no sweep, so it is never a point of the sweep's tables).
 */
static const char schema_v7[] =
	"CREATE TABLE steady_state("
	" job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,"
	" spec TEXT NOT NULL,"		/* fio's own text, e.g. "iops_slope:20.000000%" */
	" duration_s REAL,"
	" attained INTEGER NOT NULL CHECK (attained IN (0, 1)),"
	" criterion TEXT, max_deviation REAL, slope REAL);"
	"CREATE TABLE preconditions("
	" sweep TEXT PRIMARY KEY REFERENCES sweeps(name),"
	" target TEXT NOT NULL,"
	" applies INTEGER NOT NULL CHECK (applies IN (0, 1)),"
	" reason TEXT,"
	" run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	" recorded_at TEXT NOT NULL);"
	/* Written bytes of the fill (jobs without steady state), then the steady phase. */
	"CREATE VIEW precondition_summary AS"
	" SELECT p.sweep, p.target, p.applies, p.reason, p.run_id,"
	"  (SELECT sum(x.io_bytes) FROM jobs j JOIN results x ON x.job_id = j.id"
	"   WHERE j.run_id = p.run_id AND x.ddir = 'write'"
	"   AND NOT EXISTS (SELECT 1 FROM steady_state s WHERE s.job_id = j.id)) AS fill_bytes,"
	"  (SELECT sum(j.job_runtime_ms) FROM jobs j WHERE j.run_id = p.run_id"
	"   AND NOT EXISTS (SELECT 1 FROM steady_state s WHERE s.job_id = j.id)) AS fill_ms,"
	"  s.spec AS ss_spec, s.attained AS ss_attained, sj.job_runtime_ms AS ss_ms"
	" FROM preconditions p"
	" LEFT JOIN jobs sj ON sj.run_id = p.run_id"
	"  AND sj.id = (SELECT min(s2.job_id) FROM steady_state s2 JOIN jobs j2 ON j2.id = s2.job_id"
	"               WHERE j2.run_id = p.run_id)"
	" LEFT JOIN steady_state s ON s.job_id = sj.id;";

/*
 * Version 8 (issue 14, "any axis"): a sweep's point is also its values of
 * the --axis parameters (canonical "bs=16k numjobs=2", '' for none), so
 * the plan's uniqueness includes them.  SQLite can't alter a UNIQUE
 * constraint: the table is rebuilt, every row kept (axes '').
 */
static const char schema_v8[] =
	"CREATE TABLE sweep_plan_v8("
	" sweep TEXT NOT NULL REFERENCES sweeps(name),"
	" seq INTEGER NOT NULL,"
	" config TEXT NOT NULL, iodepth INTEGER NOT NULL, repeat INTEGER NOT NULL,"
	" job_file TEXT,"
	" fate TEXT NOT NULL DEFAULT 'planned'"
	"  CHECK (fate IN ('planned', 'done', 'skipped', 'failed', 'interrupted')),"
	" run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	" code TEXT, text TEXT,"
	" stage TEXT CHECK (stage IN ('plan', 'run')),"
	" cause_seq INTEGER,"
	" planned_at TEXT NOT NULL, decided_at TEXT,"
	" axes TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY(sweep, seq),"
	" UNIQUE(sweep, config, iodepth, axes, repeat));"
	"INSERT INTO sweep_plan_v8(sweep, seq, config, iodepth, repeat, job_file, fate, run_id,"
	"  code, text, stage, cause_seq, planned_at, decided_at)"
	" SELECT sweep, seq, config, iodepth, repeat, job_file, fate, run_id, code, text, stage,"
	"  cause_seq, planned_at, decided_at FROM sweep_plan;"
	"DROP TABLE sweep_plan;"
	"ALTER TABLE sweep_plan_v8 RENAME TO sweep_plan;";

static const struct migration migrations[UB_SCHEMA_VERSION] = {
	{ schema_v1, NULL }, { schema_v2, NULL }, { schema_v3, fill_v3 }, { schema_v4, NULL },
	{ schema_v5, NULL }, { schema_v6, NULL }, { schema_v7, NULL }, { schema_v8, NULL },
};

int ubdb_exec(sqlite3 *db, const char *sql, struct ub_err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ub_fail(e, UB_EDATA, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return UB_EDATA;
	}
	return UB_OK;
}

static int user_version(sqlite3 *db, int *v, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "reading the schema version");
}

/*
 * The schema version and the table count from one statement, so one
 * snapshot: read apart, a concurrent importer's migration could commit in
 * between (version 0, then tables) and a new database look foreign.
 */
static int version_and_tables(sqlite3 *db, int *v, int *tables, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
			       "(SELECT count(*) FROM sqlite_schema)", -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading the schema");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		*tables = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "reading the schema");
}

/* Tables but no user_version: some other program's database; leave it alone. */
static int refuse_foreign(sqlite3 *db, struct ub_err *e)
{
	int v = 0, tables = 0, rc;

	rc = version_and_tables(db, &v, &tables, e);
	if (rc)
		return rc;
	if (v == 0 && tables)
		return ub_fail(e, UB_EDATA, "not a uringbpf-db database: it has tables but "
			       "no schema version (PRAGMA user_version is 0)");
	return UB_OK;
}

static int check_foreign_keys(sqlite3 *db, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc, bad = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_foreign_key_check", -1, &st,
			       NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "checking foreign keys");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		bad = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ub_fail_sql(e, db, "checking foreign keys");
	if (bad)
		return ub_fail(e, UB_EDATA, "%d rows reference missing rows after migration", bad);
	return UB_OK;
}

static int migrate_locked(sqlite3 *db, struct ub_err *e)
{
	char sql[64];
	int v, rc;

	/* Re-read under the write lock: a concurrent importer may have migrated. */
	rc = user_version(db, &v, e);
	if (rc)
		return rc;
	if (v == 0) {
		rc = refuse_foreign(db, e);
		if (rc)
			return rc;
	}
	if (v > UB_SCHEMA_VERSION)
		return ub_fail(e, UB_EDATA,
			       "the database has schema version %d, newer than this uringbpf-db (%d): "
			       "use a newer uringbpf-db", v, UB_SCHEMA_VERSION);
	for (; v < UB_SCHEMA_VERSION; v++) {
		rc = ubdb_exec(db, migrations[v].sql, e);
		if (rc == UB_OK && migrations[v].fill)
			rc = migrations[v].fill(db, e);
		if (rc) {
			char what[sizeof(e->msg)];

			snprintf(what, sizeof(what), "%s", e ? e->msg : "");
			return ub_fail(e, rc, "migrating the schema to version %d: %s", v + 1, what);
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", UB_SCHEMA_VERSION);
	rc = ubdb_exec(db, sql, e);
	if (rc)
		return rc;
	/* A rebuilt table must still satisfy every reference into it. */
	return check_foreign_keys(db, e);
}

int ubdb_migrate(sqlite3 *db, struct ub_err *e)
{
	int v, rc;

	rc = user_version(db, &v, e);
	if (rc || v == UB_SCHEMA_VERSION)
		return rc;
	/* foreign_keys cannot change inside a transaction; rebuilding runs needs it off. */
	rc = ubdb_exec(db, "PRAGMA foreign_keys = OFF", e);
	if (rc)
		return rc;
	rc = ubdb_exec(db, "BEGIN IMMEDIATE", e);
	if (rc)
		return rc;
	rc = migrate_locked(db, e);
	if (rc) {
		/* The error that matters is rc's; a failed rollback ends with the connection. */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	rc = ubdb_exec(db, "COMMIT", e);
	if (rc)
		return rc;
	return ubdb_exec(db, "PRAGMA foreign_keys = ON", e);
}

/*
 * One try at opening: *busy says whether it failed because another
 * connection held a lock SQLite would not wait for (SQLITE_BUSY without the
 * busy handler: switching a new database to WAL, or a lock upgrade that
 * would deadlock), which ubdb_open retries.
 */
static int open_once(const char *path, enum ub_open_mode mode, sqlite3 **out, int *busy,
		     struct ub_err *e)
{
	int flags = SQLITE_OPEN_READWRITE | (mode == UB_OPEN_CREATE ? SQLITE_OPEN_CREATE : 0);
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	*busy = 0;
	if (mode == UB_OPEN_EXISTING && strcmp(path, ":memory:") && access(path, F_OK))
		return ub_fail(e, UB_EDATA,
			       "no results database at %s: import results first "
			       "(uringbpf-db --db %s import FILE.json), or name another with --db "
			       "or URINGBPF_DB", path, path);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		rc = ub_fail(e, UB_EDATA, "cannot open database %s: %s", path,
			     db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	/* Several importers may run at once (parallel sweeps): wait, don't fail. */
	if (sqlite3_busy_timeout(db, UB_BUSY_TIMEOUT_MS) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "setting busy_timeout");
		goto fail;
	}
	if (sqlite3_extended_result_codes(db, 1) != SQLITE_OK ||
	    ub_register_sql_functions(db) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "registering SQL functions");
		goto fail;
	}
	rc = refuse_foreign(db, e);
	if (rc)
		goto fail;
	/* WAL: readers never block the importer; NORMAL sync is durable enough in WAL. */
	/* temp_store MEMORY: the importer's split-out document (ub_doc_jobs) never hits a disk. */
	rc = ubdb_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		       " PRAGMA temp_store = MEMORY;", e);
	if (rc)
		goto fail;
	rc = ubdb_migrate(db, e);
	if (rc)
		goto fail;
	rc = ubdb_exec(db, "PRAGMA foreign_keys = ON", e);
	if (rc)
		goto fail;
	*out = db;
	return UB_OK;
fail:
	{
		char what[sizeof(e->msg)];

		snprintf(what, sizeof(what), "%s", e ? e->msg : "");
		ub_fail(e, rc, "%s: %s", path, what);
	}
	*busy = db && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_BUSY;
	sqlite3_close(db);
	return rc;
}

/*
 * Two processes creating one database at once (two sweeps started
 * together) collide where SQLite returns SQLITE_BUSY at once instead of
 * waiting (t-sweep-claim: 122 of 200 concurrent claims on a new database
 * failed "database is locked"): start again, with every lock released,
 * for as long as the busy timeout would have waited.
 */
int ubdb_open(const char *path, enum ub_open_mode mode, sqlite3 **out, struct ub_err *e)
{
	unsigned int waited_ms = 0, delay_ms = 1;
	int rc, busy;

	for (;;) {
		rc = open_once(path, mode, out, &busy, e);
		if (rc == UB_OK || !busy || waited_ms >= UB_BUSY_TIMEOUT_MS)
			return rc;
		usleep(delay_ms * 1000);
		waited_ms += delay_ms;
		delay_ms = delay_ms < 64 ? delay_ms * 2 : 64;
	}
}
