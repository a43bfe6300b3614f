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

/* printf into e->msg (if e), returns code: "return ub_fail(e, UB_EDATA, ...)". */
int ub_fail(struct ub_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with ": <sqlite message>" appended. */
int ub_fail_sql(struct ub_err *e, sqlite3 *db, const char *what);

/* db_schema.c */
#define UB_SCHEMA_VERSION 6
enum ub_open_mode { UB_OPEN_CREATE, UB_OPEN_EXISTING };
int ubdb_open(const char *path, enum ub_open_mode mode, sqlite3 **out, struct ub_err *e);
int ubdb_exec(sqlite3 *db, const char *sql, struct ub_err *e);
/* Applies every migration from the stored user_version up to UB_SCHEMA_VERSION. */
int ubdb_migrate(sqlite3 *db, struct ub_err *e);

/* sqlfuncs.c: SQL helpers used by the importer and migrations (not by views). */
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
};
int ub_cmd_table(sqlite3 *db, const struct ub_filter *f, const char *metric, FILE *out,
		 struct ub_err *e);
int ub_cmd_series(sqlite3 *db, const struct ub_filter *f, const char *x, const char *metric,
		  FILE *out, struct ub_err *e);
int ub_metric_valid(const char *metric);

/* seed_shape.c: the seed table's SQPOLL+IOPOLL/IOPOLL ratios beside a sweep's. */
int ub_cmd_seed_shape(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);

/* listing.c */
int ub_cmd_configs(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);
int ub_cmd_info(sqlite3 *db, const char *sweep, FILE *out, struct ub_err *e);
int ub_cmd_runs(sqlite3 *db, FILE *out, struct ub_err *e);
int ub_cmd_run_summary(sqlite3 *db, const char *name, const char *hash, FILE *out,
		       struct ub_err *e);

/* sweep_claim.c: the name, or UB_ETAKEN if a sweep has it already. */
int ub_cmd_claim_sweep(sqlite3 *db, const char *path, const char *name, const char *host,
		       FILE *out, struct ub_err *e);

/*
 * sweep_plan.c: a sweep's plan and its points' fates (plan-add, plan-options,
 * plan-pending, resume-sweep, fate, not-run, plan); buf/len: plan-options' FILE.
 */
int ub_cmd_plan(sqlite3 *db, const char *path, const char *cmd, const char *sweep, int npos,
		char **pos, const char *buf, size_t len, FILE *out, struct ub_err *e);
/* The planned point of an imported sweep run is done (in the import's transaction). */
int ub_plan_mark_done(sqlite3 *db, long long run_id, struct ub_err *e);

/* profile_sections.c: job section names of a fio job file; duplicates refused. */
int ub_cmd_profile_sections(const char *path, FILE *out, struct ub_err *e);
/* engine_report.c: the engine's report=FILE, a tab-separated line per job with the verdict. */
int ub_cmd_engine_report(const char *name, const char *buf, size_t len, FILE *out,
			 struct ub_err *e);

/* export.c */
int ub_cmd_export_csv(sqlite3 *db, const char *view, FILE *out, struct ub_err *e);
int ub_cmd_sql(sqlite3 *db, const char *sql, FILE *out, struct ub_err *e);

/* sha256.c */
void ub_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
