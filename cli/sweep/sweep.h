/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf sweep: run a fio profile over its sections (configs) x iodepths
 * x repeats and import every finished run into the results database, in
 * this process (results-db/).  One struct sweep holds the whole state; each
 * file of cli/sweep/ does one job on it:
 *   options.c   the command line, --resume's stored options, their checks
 *   target.c    the target's kind, defaults, IOPOLL and write-guard checks
 *   profile.c   the profile: directives, ${VAR} expansion, job files
 *   plan.c      the plan and the points' fates in the database
 *   run_point.c one fio run (under cgexec), Ctrl-C
 *   record.c    a finished run: engine report verdict, client split, import
 *   gate.c      the variance gate (the one stddev of the sweep)
 *   axis.c      --axis PARAM=V1,V2: the combinations, their job files, fio's check
 *   planfile.c  --plan FILE: a sweep's options as an INI file
 *   lab.c       --lab: the plan as a TSV for the guest driver, the import after
 *   summary.c   the finish: what was not run, skipped.tsv, the exit status
 *   phases.c    --precondition (the device's fill and steady writes before
 *               the points) and --steady-state (ss= in every point's job)
 *   util.c      small helpers (strings kept for the process, files, children)
 * Exit status: 0 all runs done or skipped, 1 a run failed, 2 bad usage or
 * refusal, 130 interrupted.
 */
#ifndef UB_CLI_SWEEP_H
#define UB_CLI_SWEEP_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sqlite3.h>

#define SW_PROG "sweep"
#define SW_MAXQD 64
#define SW_IOPS_LOG_MS 250

enum sw_kind { SW_FILE, SW_BLOCK, SW_CHAR, SW_REMOTE, SW_LAB };

struct sw_config {
	const char *name;
	const char *skip, *skip_code;	/* planned skipped: why (NULL: runnable) */
	const char *stop;		/* skipped or failed while running: why */
	int writes;
};

struct sw_client {
	const char *spec;	/* as given: HOST, HOST:PORT, [V6]:PORT */
	const char *host;	/* without brackets */
	int port, v6;
};

/* The gate's samples of one point (config x iodepth x axes): kIOPS per run. */
struct sw_samples {
	const char *c, *ax;
	long qd;
	double *v;
	int n;
};

/* --axis PARAM=V1,V2 */
struct sw_axis {
	const char *spec, *param;	/* as given; the fio option */
	const char **v;
	int nv;
};

struct sweep {
	/* options as given (or as --resume stored them) */
	const char *opt_profile, *opt_target, *opt_iodepths, *opt_configs, *opt_max_sd;
	const char *opt_max_repeats, *opt_size, *opt_direct, *opt_engine, *opt_db, *opt_name;
	const char *opt_out, *opt_clients;
	const char *opt_repeats, *opt_runtime, *opt_ramp;
	int force, dry, lab, prepare_on;
	const char *resume;		/* --resume NAME, or NULL */
	const char **set_k, **set_v;	/* --set VAR=VALUE, a key once (the last value) */
	int nset;
	/* phases.c: --precondition, --steady-state SPEC, --ss-dur S, --ss-ramp S */
	int precondition;
	const char *opt_ss, *opt_ss_dur, *opt_ss_ramp;

	/* resolved */
	long repeats, runtime, ramp, max_repeats;
	double max_sd;			/* 0: no variance gate */
	const char *engine;		/* fio's ioengine= */
	long qd[SW_MAXQD];
	int nqd;
	struct sw_client *clients;
	int nclients;
	const char *name, *out, *top;	/* top: the data root (scripts/, profiles/) */
	const char *fio;		/* the fio binary */

	/* target */
	const char *target, *fstype, *direct, *size, *ng_target;
	enum sw_kind kind;
	const char *host_label, *host_kernel, *device_model;

	/* profile */
	const char *profile_file, *profile_name, *profile_text;
	const char **def_k, **def_v;	/* "; sweep-default: VAR=VALUE" */
	int ndef;
	const char *prepare_cmd, *prepare;
	struct sw_config *cfg;		/* the selected configs, in profile order */
	int ncfg, nwrites;

	/* running */
	sqlite3 *db;
	int lock_fd;
	long total, n_done, n_failed, busy, n_timed;
	long t_start;
	struct sw_samples *samples;	/* the points the gate has samples of */
	int nsamples;

	/* --axis (axis.c) */
	struct sw_axis *axes;
	int naxes;
	const char **combo;		/* the axes' combinations, canonical; "" without axes */
	int ncombo;
	const char *ax;			/* the combination of the point at hand */
};

extern struct sweep sw;
extern volatile sig_atomic_t sw_interrupted;	/* the signal that stops the sweep, or 0 */

/* util.c */
void *sw_keep(void *p);				/* p stays reachable until exit */
char *sw_strdup(const char *s);
char *sw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sw_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void sw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sw_read_file(const char *path, size_t *len);	/* NUL-terminated, NULL on error */
int sw_mkdir_p(const char *path);			/* 0, or -1 with errno */
char *sw_realpath_m(const char *path);		/* realpath -m */
char *sw_dirname(const char *path);
const char *sw_basename(const char *path);
char *sw_fmt_time(long secs);			/* M:SS */
long sw_now(void);
char *sw_date_is(void);				/* date -Is */
/* Run argv (no shell), its stdout (stderr to /dev/null) into a string; *status: exit status. */
char *sw_capture(char *const argv[], int *status);
/* Split line at tabs into at most max fields (the last keeps its tabs); the count. */
int sw_split_tabs(char *line, char **f, int max);
int sw_is_uint(const char *s);
int sw_is_posint(const char *s);
char *sw_shell_quote(const char *s);		/* printf %q */

/* options.c */
void sw_usage(FILE *f);
void sw_parse(int argc, char **argv);
int sw_option_kind(const char *name);		/* "--x": 0 unknown, 1 takes a value, 2 a flag */

/* planfile.c */
char **sw_planfile_argv(char **argv, int *argc);

/* target.c */
void sw_target_kind(void);
void sw_target_defaults(void);
const char *sw_iopoll_reason(const char *t, const char *direct);
const char *sw_write_refusal(const char *t);
const char *sw_fstype_of(const char *path);

/* profile.c */
void sw_profile_load(void);
char *sw_expand(const char *text, const char *qd);
char *sw_section_lines(const char *text, const char *section);
char *sw_opt_of(const char *lines, const char *key);
int sw_has_var(const char *text);
void sw_check_configs(void);
int sw_rw_writes(const char *rw);
void sw_write_jobfiles(void);
char *sw_jobfile(long qd);
/* The value of a "; sweep-NAME: VALUE" line (name "sweep-NAME:"), else NULL. */
const char *sw_directive(const char *l, size_t len, const char *name);

/* plan.c */
void sw_db_open(void);
void sw_claim(void);
void sw_write_plan(void);
char *sw_plan_pending(void);			/* plan-pending's TSV */
void sw_fate(const char *c, long qd, long rep, const char *fate, const char *code,
	     const char *text);
int sw_plan_add_one(const char *c, long qd, long rep);
int sw_plan_end(void);
char *sw_not_run(void);
int sw_config_index(const char *c);

/* run_point.c */
void sw_signals(void);
void sw_child_signals(void);			/* a child's: SIGINT, TERM, HUP at default */
char **sw_fio_argv(const char *c, const char *jobfile, const char *json, const char *iops);
/* fio (argv) in a child under cgexec when cpu is set, output to log; its exit status. */
int sw_fio_run(char **argv, const char *log, const char *report, const char *cpu);
int sw_run_point(const char *c, long qd, long rep);	/* 0 done, 1 not, 130 interrupted */
void sw_point_prefix(const char *c, long qd, long rep);

/* record.c */
int sw_record_point(const char *c, long qd, long rep, int rc, long t0, long t1);

/* gate.c */
double sw_stddev_pct(const struct sw_samples *s);
void sw_sample_add(const char *c, long qd, double kiops);
void sw_gate_resume_samples(void);
void sw_gate(void);

/* axis.c */
void sw_axis_add(const char *spec);
void sw_axis_combos(void);
void sw_axis_check(void);
char *sw_axis_apply(const char *text, const char *axes);
char *sw_ptag(long qd);
const char *sw_ax_note(void);

/* lab.c */
void sw_run_lab(void);
void sw_lab_dry_run(void);

/* phases.c */
/* The argv entries a (with v) took when it is one of phases.c's options, else 0. */
int sw_phases_option(const char *a, const char *v, int step);
void sw_phases_check(void);
int sw_phases_plan_args(const char **argv);
void sw_phases_header(void);
void sw_phases_dry_run(void);
/* Before each line l of a job file, and at its end (l NULL): ss= at each job section's end. */
void sw_ss_line(FILE *f, const char *l, size_t len);
void sw_precondition(void);

/* summary.c */
void sw_finish(int rc) __attribute__((noreturn));

/* sweep.c */
int cmd_sweep(int argc, char **argv, const char *top);

#endif
