/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf bench: our engine against fio's io_uring engine, libaio and
 * t/io_uring on the same target with the same fio binary, 4k random reads,
 * as ratios ours/peer, counting the CPU of every thread (cgroup v2).
 *
 *   options.c     the command line -> struct bench (settings, validated)
 *   target.c      the target (file on /dev/shm, loop device, a path), the IOPOLL probe
 *   plan.c        the run matrix (repeat x mode x QD x batching x engine) and each run's argv
 *   cpu_window.c  a run's CPU over a window of its steady state, from its cgroup
 *   run.c         one run: fork fio or t/io_uring, its files, its line of runs.tsv
 *   table.c       runs -> the markdown tables, noise line and the goals of issue 7
 *   import.c      the fio results into the results database, in process
 *   lab.c         --lab: the plan as data for bench/lab-guest.sh in the kernel lab
 *   cost.c        --callgrind: instructions and io_uring_enter calls per I/O (cost.h)
 *   import_speed.c  "uringbpf bench import": how fast the results database imports
 *   json.c        one value of a JSON document (SQLite's JSON functions), files
 *   proc.c        running a tool (fio --version, losetup, git) and waiting for it
 *   bench.c       the driver: "uringbpf bench"
 *
 * Exit status: 0 every run and import worked, 1 otherwise or bad options,
 * 130 interrupted (SIGINT, SIGTERM, SIGHUP).
 */
#ifndef UB_CLI_BENCH_H
#define UB_CLI_BENCH_H

#include <limits.h>
#include <stdio.h>

enum { BENCH_MAX_QDS = 64, BENCH_MAX_ARGS = 96 };

enum bench_mode { M_INTERRUPT, M_SQPOLL, M_IOPOLL, M_SQPOLL_IOPOLL, M_NMODES };
enum bench_engine { E_OURS, E_IO_URING, E_LIBAIO, E_TIO, E_NENGINES };
extern const char *const bench_mode_names[M_NMODES];
extern const char *const bench_engine_names[E_NENGINES];

/* The settings of one bench (options.c fills it; the rest only read it). */
struct bench {
	/* As given (or defaulted); strings printed as the user wrote them. */
	const char *target_spec, *iodepths, *modes, *runtime, *size, *bs, *peers;
	const char *ours_opts, *db, *out, *fio, *engine, *t_io_uring, *db_tool;
	int direct;		/* -1: from the target */
	int repeats, batch, quick, lab, do_sweep, do_cost;
	long long cost_ios;
	char command_line[8192];
	char top[PATH_MAX];	/* the checkout (defaults are under it) */

	/* Parsed. */
	int qds[BENCH_MAX_QDS], nqds;
	int modes_asked[M_NMODES], nmodes_asked;
	int modes_run[M_NMODES], nmodes_run;
	int peer[E_NENGINES];	/* peer[E_IO_URING] etc: 1 if asked */
	int peer_list[E_NENGINES], npeers;	/* the peers in --peers order */
	long long size_bytes, bs_bytes;
	double runtime_s;
	int runtime_ms, tio_secs;
	char *ours_argv[BENCH_MAX_ARGS];
	int ours_argc;

	/* The target (target.c). */
	char target[PATH_MAX], target_desc[PATH_MAX + 128];
	char engine_built[PATH_MAX], engine_copy[PATH_MAX + 32];
};

/* options.c: 0 ok, 1 an error (said on stderr), -1 --help printed. */
int bench_options(struct bench *b, int argc, char **argv);
void bench_usage(FILE *f);

/* One message line "bench: ..." on stderr; die also exits 1 (after cleanup). */
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* target.c */
int bench_target_setup(struct bench *b);
void bench_cleanup(void);
/* "" when the engine accepts hipri=1 on the target, else why not (into why). */
void bench_iopoll_reason(const struct bench *b, const char *out, char *why, size_t len);

/* plan.c: one run of the matrix; rc BENCH_NOT_RUN: the lab never ran it. */
enum { BENCH_NOT_RUN = -1 };
struct bench_run {
	int rep, qd, mode, batch, engine, order;	/* batch 0: fio's default batching */
	int rc;
	double iops, cpu_all, cpu_job, other;		/* NAN: not known */
	char file[PATH_MAX + 32];			/* BASE.json relative to the runs' top */
};
/* The runs of the plan in order (every other repeat reversed); *n of them. */
struct bench_run *bench_plan(const struct bench *b, int *n);
/* "fio" or "bN". */
const char *bench_batch_name(int batch, char *buf, size_t len);
/* argv of a fio run (NULL-terminated, into args; prog is argv[0]); engine_spec:
 * --ioengine=external:SPEC.  Returns the number of arguments. */
int bench_fio_argv(const struct bench *b, const struct bench_run *r, const char *prog,
		   const char *target, const char *engine_spec, char **args, char *store,
		   size_t len);
/* argv of a t/io_uring run, -r SECS and the target last. */
int bench_tio_argv(const struct bench *b, const struct bench_run *r, const char *target,
		   const char *prog, char **args, char *store, size_t len);
/* argv of a --callgrind run: a fixed number of I/Os, as a thread of fio's
 * process (one process for valgrind to follow); engine -1: fio's null engine. */
int bench_cost_argv(const struct bench *b, int engine, int mode, int qd, int batch, long long ios,
		    char **args, char *store, size_t len);

/* cpu_window.c: run argv in a cgroup, sample its CPU; writes BASE.cpu.json; returns rc. */
struct bench_child {
	const char *stdout_path, *stderr_path;
	long long window_us;	/* how long to sample from the start of I/O */
	int fio;		/* fio: the I/O is in its forked job process */
};
int bench_run_sampled(char *const argv[], const struct bench_child *c, const char *cpu_json);
/* Set by SIGINT/SIGTERM/SIGHUP: stop after the run in progress. */
extern volatile int bench_stop;
void bench_signals(void);

/* run.c: one run, its files OUT/runs/..., its fields filled. */
void bench_run_one(const struct bench *b, const char *out, struct bench_run *r, int *failures);
/* t/io_uring's "IOPS=..." lines -> our small JSON; 0 when it had any. */
int bench_tio_json(const char *stdout_path, const char *json_path, const char *args);
/* runs.tsv */
void bench_runs_tsv(FILE *f, const struct bench_run *runs, int n);

/* table.c: the markdown tables of the runs; 1 when there is no run. */
int bench_table(FILE *f, const struct bench *b, const struct bench_run *runs, int n,
		int iops_only);

/* import.c: the fio runs with rc 0 into b->db; returns the number imported. */
struct bench_import_to {
	const char *dir;	/* the runs' files are DIR/run->file */
	const char *sweep, *log;
	const char *host, *kernel;	/* the lab's; NULL: this machine's */
	const char *device_tag;		/* tag device=DEV (lab); NULL: b->target identified */
};
int bench_import(const struct bench *b, const struct bench_import_to *to,
		 const struct bench_run *runs, int n, int *failures);

/* lab.c */
void bench_lab(const struct bench *b, const char *out, int *failures);
/* REL under $UB_DATADIR, TOP/share/uringbpf or TOP (first readable; -1 none). */
int bench_data_file(const struct bench *b, const char *rel, char *path, size_t len);

/* json.c */
/* The number at PATH ("$.jobs[0].read.iops") of the JSON text, or NAN. */
double bench_json_num(const char *json, const char *path);
/* A whole file, NUL-terminated (NULL if unreadable); *len if len. */
char *bench_read_file(const char *path, size_t *len);
/* The tail of a run's output: its last 2 non-empty lines of stderr then stdout, joined. */
void bench_tail(const char *stderr_path, const char *stdout_path, char *buf, size_t len);

/* proc.c: argv[0] run with stdout to out_path (NULL: kept) and stderr to
 * err_path (NULL: kept; "=" the same as stdout); its exit status (127 not run). */
int bench_spawn(char *const argv[], const char *out_path, const char *err_path);
/* Its stdout into buf (the last newline cut), stderr dropped; its exit status. */
int bench_capture(char *const argv[], char *buf, size_t len);

/* import_speed.c: "uringbpf bench import ARGS" (argv[0] "import"); its exit status. */
int cmd_bench_import(const struct bench *b, int argc, char **argv);
void bench_import_usage(FILE *f);

/* bench.c */
int cmd_bench(int argc, char **argv, const char *bin_dir);

#endif
