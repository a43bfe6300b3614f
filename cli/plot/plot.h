/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf plot: the charts (gnuplot, PNG + SVG) and tables of one sweep,
 * read from the results database in this process (results-db/). The data
 * of every chart is kept beside it as NAME.dat, in the format of
 * "uringbpf db series" / "cdf", so a number in a picture can be traced back.
 *
 *   plot_cli.c      options, checks, the rw/bs pairs of a mixed sweep
 *   plot_sweep.c    the charts of one sweep (kIOPS, per core, over time)
 *   plot_x.c        --x OPTION: kIOPS with any fio option on the x-axis
 *   plot_latency.c  its latency charts (percentiles, CDF)
 *   plot_table.c    table.md
 *   plot_compare.c  --compare OTHER: the side-by-side chart and compare-OTHER.md
 *   plot_context.c  the context line (device, kernel, ...) and what was not run
 *   gnuplot.c       text for gnuplot (quoting, arrays) and running it
 *
 * Errors: a function that fails has said why on stderr ("plot: ...") and
 * returns -1; the command then exits 2 (as the shell plot/plot it replaced did).
 */
#ifndef UB_CLI_PLOT_H
#define UB_CLI_PLOT_H

#include <stdio.h>

#include "results-db/db.h"

#define PLOT_PROG "plot"

/* A growable string (every user of it checks sb.oom once, at the end). */
struct sb {
	char *s;
	size_t len, cap;
	int oom;
};
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct sb *b);
/* The text, "" when empty; NULL after running out of memory. */
const char *sb_str(struct sb *b);

/* What the user asked for (plot_cli.c). */
struct plot_opts {
	const char *db_path, *sweep, *out, *other, *formats, *rw, *bs;
	const char *x;			/* --x OPTION (not iodepth), or NULL */
	const char *title;		/* "TEXT, " or "" */
	long long bar_qd;		/* 0: the largest iodepth */
	const char *fmts[16];		/* "png", "svg": drawn in the order given */
	int nfmts;
};

/* plot_context.c: the sweep's run info (results-db/listing.c's info). */
struct plot_info {
	char *device, *kernel, *host, *fio_version, *date;
};

/* One sweep being drawn. */
struct plot {
	const struct plot_opts *o;
	sqlite3 *db;
	const char *tpl;		/* the templates' folder */
	const char *gnuplot;
	const char *out;		/* this drawing's folder */
	struct ub_filter f;		/* sweep, and rw/bs when chosen */
	char **labels;			/* the kIOPS series' configs, block order */
	int n;
	long long *xs;			/* its iodepths, ascending */
	int nx;
	char *note;			/* the charts' footnote: what was not run, or "" */
	struct plot_info info;		/* of the sweep */
	char *sub;			/* the context line, escaped for gnuplot */
	char *skipped;			/* not-run lines: CONFIG \t IODEPTH|all \t REASON ... */
	long long bar_qd;		/* the bar chart's iodepth */
	int has_cpu;
	char **drawn;			/* the files written, in order (printed at the end) */
	int ndrawn;
};

/*
 * plot_cli.c: "uringbpf plot" (argv[0] "plot"); tpl_dir: the templates of
 * the data root, else NULL and looked_for says where they were not.
 */
int cmd_plot(int argc, char **argv, const char *tpl_dir, const char *looked_for);
int plot_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, for a bad option value found while drawing: the exit status is 2. */
int plot_opt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void plot_free(struct plot *p);

/* plot_sweep.c: every chart of p->f.sweep into p->out. */
int plot_sweep(struct plot *p);
/* Whether label is one of the kIOPS series', and its line style (1-based; 0 none). */
int plot_style_of(const struct plot *p, const char *label);
/* path of a file in p->out ("OUT/NAME"), malloc'ed. */
char *plot_path(const struct plot *p, const char *name);
int plot_add_drawn(struct plot *p, const char *path);
/* The series of metric for sweep (p's rw/bs) into OUT/name.dat (NULL: no file). */
int plot_series(struct plot *p, const char *sweep, const char *metric, const char *file,
		struct ub_series *s, struct ub_err *e);
/* OUT/name for writing (NULL: said why); closing it (-1: said why); removing it. */
FILE *plot_out_file(const struct plot *p, const char *name);
int plot_close_file(const struct plot *p, FILE *f, const char *name);
void plot_remove_file(const struct plot *p, const char *name);
/* Settings: the kIOPS series' (note n labels styles xtics_str xmin xmax sub). */
void plot_common(struct sb *b, const struct plot *p);
/* name='OUT/file' */
void plot_gp_file(struct sb *b, const struct plot *p, const char *name, const char *file);
/* head='SWEEP: TITLE, WHAT' (gnuplot markup escaped). */
void plot_headline(struct sb *b, const struct plot *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Draw TEMPLATE as BASE with the settings in b (then emptied; out of memory: an error). */
int plot_draw(struct plot *p, const char *tpl, const char *base, struct sb *b);

/* The sweep's context line (p->info, p->sub). */
int plot_sweep_context(struct plot *p);

/* plot_x.c: --x OPTION: kiops-by-OPTION.png and .dat */
int plot_by_x(struct plot *p, const char *x);

/* plot_latency.c: latency.png (p50/p99/p99.9) and latency-cdf.png */
int plot_latency(struct plot *p);
int plot_cdf(struct plot *p);

/* plot_table.c: OUT/table.md */
int plot_table(struct plot *p);
/* "- CONFIG (from qd=N): REASON" a line, of uringbpf db not-run's lines (table.md's "Not run:"). */
void plot_not_run_list(FILE *f, const char *skipped);

/* qsort's order of long longs */
int plot_cmp_ll(const void *a, const void *b);
/* The distinct iodepths of a series, ascending (*xs malloc'ed). */
int plot_xvalues(const struct ub_series *s, long long **xs, int *nx);
/* "(1,8,16,32)" */
void plot_xtics(struct sb *b, const long long *xs, int nx);
/* xtics_str='(1,4)'; xmin=1; xmax=4 */
void plot_axis(struct sb *b, const long long *xs, int nx);

/* plot_compare.c: --compare OTHER (nothing without it) */
int plot_compare(struct plot *p);

/* plot_context.c */
int plot_info_load(sqlite3 *db, const char *sweep, struct plot_info *i);
void plot_info_free(struct plot_info *i);
/* "device D  ·  kernel K  ·  ..." of the keys named in keys (space separated). */
char *plot_context_line(const struct plot_info *i, const char *keys);
/* p->skipped and p->note: from the database's plan, else a sweep's skipped.tsv. */
int plot_not_run(struct plot *p);

/* gnuplot.c */
/* s with gnuplot's enhanced-text markup characters escaped (malloc'ed). */
char *gp_enh(const char *s);
/* name='value' (a gnuplot single-quoted string) appended, after "; " if b is not empty. */
void gp_str(struct sb *b, const char *name, const char *value);
/* name=NUMBER (text as given) */
void gp_num(struct sb *b, const char *name, const char *value);
/* array name[n] = ['a', 'b'] / [1,2] */
void gp_str_array(struct sb *b, const char *name, char *const *v, int n);
void gp_int_array(struct sb *b, const char *name, const long long *v, int n);
/*
 * One chart in every format asked for: gnuplot -e "dir=..; fmt=..; out=..;
 * SETTINGS" TEMPLATE, into OUT/BASE.FMT; gnuplot's warnings are shown.
 */
int gp_draw(struct plot *p, const char *tpl, const char *base, const char *settings);

#endif
