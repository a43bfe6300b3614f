/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf-db internals: the SQLite results database (schema, importer,
 * reports). Every function returns UB_OK or an error code that is also the
 * process exit code; the message for the user is written into an ub_err.
 */
#ifndef UB_RESULTS_DB_H
#define UB_RESULTS_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

/*
 * UB_ETAKEN: claim-sweep found the name taken; UB_EDONE: resume-sweep found
 * nothing pending (scripts read these exit codes).
 */
enum { UB_OK = 0, UB_EDATA = 1, UB_EUSAGE = 2, UB_ETAKEN = 3, UB_EDONE = 4 };

struct ub_err {
	char msg[1024];
};

/* uringbpf db / uringbpf-db: argv[0] names the command; returns the exit code. */
int cmd_db(int argc, char **argv);

/* The database when neither --db nor $URINGBPF_DB names one. */
#define UB_DEFAULT_DB "results/results.db"

/* printf into e->msg (if e), returns code: "return ub_fail(e, UB_EDATA, ...)". */
int ub_fail(struct ub_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with ": <sqlite message>" appended. */
int ub_fail_sql(struct ub_err *e, sqlite3 *db, const char *what);

/* db_schema.c */
#define UB_SCHEMA_VERSION 8
enum ub_open_mode { UB_OPEN_CREATE, UB_OPEN_EXISTING };
int ubdb_open(const char *path, enum ub_open_mode mode, sqlite3 **out, struct ub_err *e);
int ubdb_exec(sqlite3 *db, const char *sql, struct ub_err *e);
/* Applies every migration from the stored user_version up to UB_SCHEMA_VERSION. */
int ubdb_migrate(sqlite3 *db, struct ub_err *e);

/* sqlfuncs.c: SQL helpers used by the importer, migrations and reports (not by views). */
int ub_register_sql_functions(sqlite3 *db);
long long ub_parse_size(const char *s, int *ok);

/* config_label.c */
struct ub_modes {
	const char *ioengine;
	int hipri, sqthread_poll, fixedbufs, registerfiles, restrict_ring;
	int bpf_filter, bpf_chain, passthru;
};
/* "uringbpf SQPOLL+IOPOLL", "io_uring IOPOLL", "libaio": into buf. */
void ub_config_label(const struct ub_modes *m, char *buf, size_t len);

/* device.c + nvme_identify.c */
struct ub_device {
	char path[4096];
	const char *kind;	/* file, block, char, dir */
	char model[128], serial[64], firmware[32];
	long long size;		/* bytes, -1 unknown */
	long long lba_size;	/* bytes, -1 unknown */
	int nvme;
};
int ub_device_identify(const char *path, struct ub_device *d, struct ub_err *e);
/* Fills model/serial/firmware/lba_size/size of an NVMe namespace or controller node. */
int ub_nvme_identify(int fd, struct ub_device *d, struct ub_err *e);
int ub_is_nvme_node(const char *path);

/* host.c */
struct ub_host {
	char name[256], kernel[256], cpu_model[256];
};
int ub_host_probe(struct ub_host *h);

/* db_import.c */
struct ub_tag {
	const char *key, *value;
};
struct ub_import_opts {
	const char *sweep, *config;
	const char *host, *kernel;	/* given by the user, else NULL */
	const struct ub_host *local;	/* this machine: the default host, kernel, CPU */
	long long repeat;		/* <= 0: not given */
	const struct ub_device *device;	/* NULL: not given */
	const struct ub_tag *tags;
	int ntags;
	/* --engine-report FILE: the engine's report=FILE of this run (JSON Lines), or NULL */
	const char *engine_report_name, *engine_report;
	size_t engine_report_len;
	/* --cpu-json FILE: "uringbpf cgexec --cpu-json" of this run (the CPU it used), or NULL */
	const char *cpu_json_name, *cpu_json;
	size_t cpu_json_len;
	/* --iops-log FILE...: fio's write_iops_log files of this run (name and bytes each) */
	const char *const *iops_log_names, *const *iops_logs;
	const size_t *iops_log_lens;
	int n_iops_logs;
	/* the sweep point's --axis values ("bs=16k numjobs=2"), NULL or "" for none */
	const char *axes;
};
/*
 * Import one file's bytes (fio JSON or json+) in one transaction. name is
 * what messages and runs.file say. Prints "imported ..." / "already
 * imported ..." lines to out (if not NULL).
 */
int ub_import_buf(sqlite3 *db, const char *name, const char *buf, size_t len,
		  const struct ub_import_opts *o, FILE *out, struct ub_err *e);

/*
 * latency.c: fill point_latency for one run (run_id > 0) or every run (0)
 * from its non-failed jobs: one job's own figures, or the percentiles of
 * the jobs' merged json+ histograms; NULL figures when neither exists.
 */
int ub_point_latency(sqlite3 *db, long long run_id, struct ub_err *e);

/* iops_log.c: one write_iops_log file of a run into iops_samples (job from the name). */
int ub_import_iops_log(sqlite3 *db, long long run_id, const char *name, const char *buf,
		       size_t len, const char *run_name, struct ub_err *e);

/* report.c */
struct ub_filter {
	const char *sweep, *rw, *bs;
	long long bs_bytes;		/* parsed bs, -1 none */
	long long iodepth;		/* > 0: only this iodepth (table, series) */
	int by_iodepth;			/* series: a line per config x iodepth (x not iodepth) */
	const char *columns;		/* table: iodepth (NULL), bs or numjobs */
	const char *x;			/* set by report.c: the x-axis (columns) option */
};
int ub_cmd_table(sqlite3 *db, const struct ub_filter *f, const char *metric, FILE *out,
		 struct ub_err *e);
int ub_cmd_series(sqlite3 *db, const struct ub_filter *f, const char *x, const char *metric,
		  FILE *out, struct ub_err *e);
/*
 * A series as data (what ub_cmd_series prints): a point per (config, x),
 * configs first seen first, x ascending within a config. value is the mean
 * over the repeats, or for a latency what ub_merged_latency_stmt gives
 * (binned 0: the mean of the runs' own figures). Points without x or
 * without a value are left out and counted (missing, none).
 */
struct ub_series_point {
	char *config, *x;
	double value, stddev, min, max;
	int n, binned;
};
struct ub_series {
	struct ub_series_point *p;
	int n;
	int pct;		/* a percentile: the print says bins/runs per point */
	int missing, none, from_runs;
};
int ub_series_load(sqlite3 *db, const struct ub_filter *f, const char *x, const char *metric,
		   struct ub_series *s, struct ub_err *e);
/* gnuplot data: per config "# config: LABEL" then "x mean stddev min max n [source]". */
void ub_series_print(const struct ub_series *s, FILE *out);
void ub_series_free(struct ub_series *s);
/* A run_points column (compare and the views know only these). */
int ub_metric_valid(const char *metric);
/*
 * table/series also take any completion-latency percentile: clat_pP_us
 * (P: 0 < P <= 100, e.g. clat_p99.999_us) besides the columns.
 */
int ub_report_metric_valid(const char *metric);
/* list (several: comma-separated) is all such metrics, else UB_EUSAGE saying which is not. */
int ub_report_metrics_check(const char *list, int several, struct ub_err *e);
/* --percentile P as its metric name clat_pP_us (len: at least 32), else UB_EUSAGE. */
int ub_report_percentile_metric(const char *p, char *name, size_t len, struct ub_err *e);
/* Only ?1 sweep, ?2 rw, ?3 bs_bytes of f bound (SQLITE_OK or an error). */
int ub_bind_filter(sqlite3_stmt *st, const struct ub_filter *f);
/*
 * One sweep, rw and bs in the selection (x: the dimension that may vary,
 * or NULL), else UB_EUSAGE naming the option; no result at all: UB_EDATA.
 */
int ub_check_selection(sqlite3 *db, const struct ub_filter *f, const char *x,
		       struct ub_err *e);

/*
 * merged_latency.c: latency percentiles of points over their repeats.
 * ub_metric_pct: the percentile of a clat_pP_us metric (the four run_points
 * columns clat_p50/p99/p999/p9999_us included); *column names the column
 * keeping fio's own figure of that percentile (clat_p99.99_us too: it is
 * clat_p9999_us), else NULL; UB_EUSAGE for anything else.
 */
int ub_metric_pct(const char *metric, double *pct, const char **column);
/*
 * A statement over the run_points the filter selects, grouped by (config,
 * x_expr over run_points m and its first job j; ?4 bound to x_param if
 * given): config, x, value, stddev, min, max, n, binned, runs_mean. value
 * is the percentile of the group's merged json+ histograms when every run
 * has them (binned 1), else the mean of the runs' own figures (binned 0;
 * NULL for a percentile fio's plain json does not keep). stddev, min, max,
 * n, runs_mean: over the runs' own figures (a run's percentile from its own
 * bins when binned, else fio's). Ordered by config (first seen), then x.
 * metric clat_mean_us: the mean of every I/O of the group (each result's
 * mean weighted by its total_ios), the rest over the runs', binned 1.
 */
int ub_merged_latency_stmt(sqlite3 *db, const struct ub_filter *f, const char *x_expr,
			   const char *x_param, const char *metric, sqlite3_stmt **out,
			   struct ub_err *e);
/* SQL: the results the latency of run_points row p is read from, as px (its jobs: pj). */
/*
 * The label of a point's line (series) or row (table): its config, then
 * " qd=N" when ?7 (several iodepths, not on the x-axis), then the sweep's
 * --axis values of its run (sweep_plan.axes) without the one on the x-axis
 * (?8: " PARAM=", NULL none), so that points of other axis values never
 * average into one.  s is ' ' || axes || ' '.
 */
#define UB_SQL_AXES_LEFT(s) \
	"CASE WHEN ?8 IS NOT NULL AND instr(" s ", ?8) THEN substr(" s ", 1, instr(" s ", ?8))" \
	" || substr(" s ", instr(" s ", ?8) + 1 + instr(substr(" s ", instr(" s ", ?8) + 1), ' '))" \
	" ELSE " s " END"
#define UB_SQL_LABEL(cfg, qd, run) \
	"(coalesce(" cfg ", '(none)') || CASE WHEN ?7 THEN ' qd=' || " qd " ELSE '' END" \
	" || coalesce((SELECT ' ' || nullif(trim(" UB_SQL_AXES_LEFT("(' ' || axes || ' ')") "), '')" \
	" FROM sweep_plan WHERE run_id = " run "), ''))"

#define UB_SQL_POINT_RESULTS_JOIN \
	" JOIN jobs pj ON pj.run_id = p.run_id AND pj.config IS p.config" \
	"  AND pj.rw IS p.rw AND pj.bs_bytes IS p.bs_bytes AND pj.iodepth IS p.iodepth" \
	"  AND pj.numjobs IS p.numjobs AND coalesce(pj.error, 0) = 0" \
	" JOIN results px ON px.job_id = pj.id AND px.ddir = p.lat_ddir AND px.total_ios > 0"
/*
 * latency_cdf.c: per (iodepth, config) "latency_us fraction count" from the
 * merged histograms of its repeats; iodepth < 0: every iodepth.
 */
int ub_cmd_cdf(sqlite3 *db, const struct ub_filter *f, long long iodepth, FILE *out,
	       struct ub_err *e);
/* A block of the CDF's output, in its order: `index` k of the data is blocks[k]. */
struct ub_cdf_block {
	char *config;
	long long iodepth;
};
/*
 * ub_cmd_cdf with its notes (points left out) written to notes as
 * "PROG: note: ...", and, if blocks is not NULL, the blocks printed
 * (*blocks malloc'ed, free with ub_cdf_blocks_free).
 */
int ub_cdf_write(sqlite3 *db, const struct ub_filter *f, long long iodepth, FILE *out,
		 FILE *notes, const char *prog, struct ub_cdf_block **blocks, int *nblocks,
		 struct ub_err *e);
void ub_cdf_blocks_free(struct ub_cdf_block *blocks, int n);
/*
 * SQL: the sample standard deviation (n-1) of Y over a group, MEAN being the
 * group's mean as a window column beside Y; 0.0 for a group of one. The one
 * definition every report uses (the views' own copy is frozen in migrations).
 */
#define UB_SQL_STDDEV(y, mean) \
	"CASE WHEN count(*) > 1 THEN sqrt(sum((" y " - " mean ") * (" y " - " mean "))" \
	" / (count(*) - 1)) ELSE 0.0 END"

/*
 * compare.c: two sweeps point by point (config, rw, bs, iodepth; and host
 * when both sweeps have several), a metric's value per side (the mean of
 * the repeats; a latency as ub_merged_latency_stmt gives it), B/A, the
 * noise band of the repeats' own figures and a verdict; *regressions counts
 * the points worse than max_regress_pct and their noise (max_regress_pct
 * < 0: no gate).
 */
enum ub_compare_format { UB_CMP_MD, UB_CMP_TSV, UB_CMP_JSON };
struct ub_compare_opts {
	const char *a, *b;		/* baseline and candidate sweep names */
	const char *db_path;		/* for messages */
	const char *metric;		/* ub_report_metric_valid() */
	const char *rw, *bs;		/* only these points (NULL: all) */
	long long bs_bytes;		/* bs parsed, -1: none */
	double max_regress_pct;		/* < 0: not given */
	enum ub_compare_format format;
};
int ub_cmd_compare(sqlite3 *db, const struct ub_compare_opts *o, int *regressions, FILE *out,
		   struct ub_err *e);
/*
 * compare_cli.c: "uringbpf compare" and "uringbpf db compare": argv[0] is
 * "compare"; prog prefixes messages; db_path NULL: $URINGBPF_DB, else the
 * default. Returns the exit code: 0 no regression, 1 a regression,
 * 2 no comparison (usage error, unknown sweep, no database).
 */
int ub_compare_main(const char *prog, const char *db_path, int argc, char **argv);

/* seed_shape.c: the seed table's SQPOLL+IOPOLL/IOPOLL ratios beside a sweep's. */
int ub_cmd_seed_shape(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);

/* listing.c */
int ub_cmd_configs(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);
int ub_cmd_info(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);
int ub_cmd_runs(sqlite3 *db, FILE *out, struct ub_err *e);
int ub_cmd_run_summary(sqlite3 *db, const char *name, const char *hash, FILE *out,
		       struct ub_err *e);

/* sweep_claim.c: the name for process pid, or UB_ETAKEN if a sweep has it already. */
int ub_cmd_claim_sweep(sqlite3 *db, const char *path, const char *name, const char *host,
		       long long pid, FILE *out, struct ub_err *e);

/*
 * sweep_plan.c: a sweep's plan and its points' fates (plan-add, plan-options,
 * plan-pending, resume-sweep, fate, not-run, plan); buf/len: plan-options' FILE.
 */
int ub_cmd_plan(sqlite3 *db, const char *path, const char *cmd, const char *sweep, int npos,
		char **pos, const char *buf, size_t len, FILE *out, struct ub_err *e);
/* plan-add with the points read from in (the sweep's own plan, in process). */
int ub_plan_add(sqlite3 *db, const char *name, FILE *in, FILE *out, struct ub_err *e);
/* The planned point of an imported sweep run is done (in the import's transaction). */
int ub_plan_mark_done(sqlite3 *db, long long run_id, const char *axes, struct ub_err *e);

/* profile_sections.c: job section names of a fio job file; duplicates refused. */
int ub_cmd_profile_sections(const char *path, FILE *out, struct ub_err *e);
/* engine_report.c: the engine's report=FILE, a tab-separated line per job with the verdict. */
int ub_cmd_engine_report(const char *name, const char *buf, size_t len, FILE *out,
			 struct ub_err *e);

/* export.c */
int ub_cmd_export_csv(sqlite3 *db, const char *view, FILE *out, struct ub_err *e);
int ub_cmd_sql(sqlite3 *db, const char *sql, FILE *out, struct ub_err *e);

/*
 * export_fioplot.c: the sweep's points as OUT/<config>/<bs>/<rw>-<iodepth>-<numjobs>.json,
 * fio JSON in fio-plot's layout (the median repeat each); a line per file on out.
 */
int ub_cmd_export_fioplot(sqlite3 *db, const char *sweep, const char *out_dir, FILE *out,
			  struct ub_err *e);

/*
 * precondition.c: does preconditioning apply to TARGET (1: a device; 0: a
 * file, with why; -1: cannot stat it, with why); record a sweep's
 * preconditioning (json NULL: it does not apply) and print it.
 */
int ub_precondition_applies(const char *target, char *why, size_t len);
int ub_precondition_record(sqlite3 *db, const char *sweep, const char *target, const char *name,
			   const char *json, size_t len, FILE *out, struct ub_err *e);
int ub_cmd_precondition(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);
/* *state: 0 not recorded, 1 recorded, 2 recorded as failed (why: its reason). */
int ub_precondition_state(sqlite3 *db, const char *sweep, int *state, char *why, size_t len,
			  struct ub_err *e);
/* The run imported from these bytes: its jobs that used ss=, and of those the ones that did
 * not attain steady state. */
int ub_run_steady_state(sqlite3 *db, const char *buf, size_t len, int *with_ss, int *missed,
			struct ub_err *e);

/* sha256.c */
void ub_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
