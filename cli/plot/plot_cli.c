// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf plot: options and their checks, then one drawing per rw/bs pair
 * (a sweep that mixes rw or bs values can't share an axis). Exit codes, as
 * the rest of the CLI: 0 drawn, 1 a failure (gnuplot or its templates
 * missing, gnuplot failing, the database unreadable), 2 a bad option (its
 * value, a --db that isn't there, a --sweep or --compare naming no sweep).
 * Messages start "plot: ".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/plot/plot.h"

static const char usage_text[] =
	"Usage: uringbpf plot --db PATH --sweep NAME --out DIR [--compare OTHER_SWEEP] [options]\n"
	"Draw one sweep of the results database (PNG and SVG) and write its tables.\n"
	"\n"
	"  --db PATH           results database [results/results.db]\n"
	"  --sweep NAME        the sweep to draw (uringbpf sweep --sweep-name)\n"
	"  --out DIR           where the files go (created)\n"
	"  --compare OTHER     also draw OTHER next to NAME (e.g. another kernel or device):\n"
	"                      compare-OTHER.png/.svg and compare-OTHER.md (ratios OTHER/NAME\n"
	"                      per point with their noise: uringbpf compare NAME OTHER)\n"
	"  --rw RW             draw only the runs with this fio rw (e.g. randread)\n"
	"  --bs BS             draw only the runs with this block size (e.g. 4k)\n"
	"                      [a sweep that mixes rw or bs values is drawn once per\n"
	"                      rw/bs pair, into DIR/RW-BS/, unless --rw/--bs choose one]\n"
	"  --bar-iodepth N     iodepth of the bar chart [the largest in the sweep]\n"
	"  --x OPTION          instead: kIOPS with a fio option on the x-axis (bs, numjobs,\n"
	"                      rw, any option of the runs' jobs), a line per config x\n"
	"                      iodepth x the sweep's other --axis values:\n"
	"                      kiops-by-OPTION.png/.svg and .dat [iodepth: the charts below]\n"
	"  --formats LIST      png,svg [png,svg]\n"
	"  --title TEXT        what was measured, put before each headline (e.g. \"4k randread\")\n"
	"  -h, --help          this help\n"
	"\n"
	"Files in DIR:\n"
	"  kiops.png/.svg      kIOPS vs iodepth, one line per config, ±1 stddev error bars\n"
	"                      (a bar chart when the sweep has a single iodepth)\n"
	"  latency.png/.svg    clat p50 / p99 / p99.9 vs iodepth, one panel each (each\n"
	"                      point: the json+ histograms of its repeats merged)\n"
	"  latency-cdf.png/.svg  completion-latency CDF, one panel per iodepth, a curve\n"
	"                      per config, log latency, y in nines (p90 ... p99.999);\n"
	"                      needs json+ results (uringbpf sweep writes them)\n"
	"  kiops-per-core.png/.svg  kIOPS per CPU core (the CPU of every thread of the fio\n"
	"                      run, SQPOLL's SQ thread included: uringbpf cgexec), drawn\n"
	"                      like kiops.png, when the sweep has CPU figures\n"
	"  kiops-cpu.png/.svg  kIOPS and kIOPS per CPU core side by side (two panels)\n"
	"  iops-time.png/.svg  kIOPS over time at the bar chart's iodepth, one line per\n"
	"                      config (the first repeat; fio's IOPS log), when recorded\n"
	"  bar-qdN.png/.svg    kIOPS of every config at iodepth N\n"
	"  table.md            the seed-table layout: kIOPS and p99 latency, config x iodepth;\n"
	"                      kIOPS per core and CPU cores beside kIOPS when measured\n"
	"  *.dat               the data of each chart (as uringbpf db series and cdf print it)\n"
	"Environment: GNUPLOT (the gnuplot to run; default: gnuplot on PATH),\n"
	"UB_PLOT_DIR (the gnuplot templates; default: the installed or checkout plot/).\n"
	"Exit status: 0 drawn, 1 a failure (gnuplot, its templates, the database),\n"
	"2 a bad option (a --sweep or --compare naming no sweep included).\n";

static int bad_option;	/* a plot_opt_err was said: exit 2, not 1 */

static void say(const char *fmt, va_list ap)
{
	fprintf(stderr, PLOT_PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int plot_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return -1;
}

int plot_opt_err(const char *fmt, ...)
{
	va_list ap;

	bad_option = 1;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return -1;
}

static int all_digits(const char *s, int first_nonzero)
{
	if (!*s || (first_nonzero && *s == '0'))
		return 0;
	return strspn(s, "0123456789") == strlen(s);
}

/* ^[a-z]+$ */
static int is_rw(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz") == strlen(s);
}

/* ^[0-9]+[kKmMgG]?(i?[bB])?$ */
static int is_bs(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n)
		return 0;
	s += n;
	if (*s && strchr("kKmMgG", *s))
		s++;
	if (*s == 'i' && s[1] && strchr("bB", s[1]))
		s += 2;
	else if (*s && strchr("bB", *s))
		s++;
	return !*s;
}

/* The first executable gnuplot on PATH, or NULL. */
static char *find_on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	char cand[4096];

	for (p = path && *path ? path : "/usr/bin:/bin"; p; p = colon ? colon + 1 : NULL) {
		colon = strchr(p, ':');
		snprintf(cand, sizeof(cand), "%.*s/%s", colon ? (int)(colon - p) : (int)strlen(p),
			 p, name);
		if (access(cand, X_OK) == 0)
			return strdup(cand);
	}
	return NULL;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char *d = strdup(dir), *p;
	int rc = 0;

	if (!d)
		return -1;
	for (p = d + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = 0;
		if (mkdir(d, 0777) && errno != EEXIST)
			rc = -1;
		*p = c;
		if (!c)
			break;
	}
	free(d);
	if (rc == 0) {
		struct stat st;

		rc = stat(dir, &st) || !S_ISDIR(st.st_mode) ? -1 : 0;
	}
	return rc;
}

/* "--opt VALUE" or "--opt=VALUE"; the last one given wins; an empty value is none. */
static int parse(int argc, char **argv, struct plot_opts *o, int *help)
{
	static const char *const valued[] = { "--db", "--sweep", "--out", "--compare",
		"--bar-iodepth", "--formats", "--title", "--rw", "--bs", "--x" };
	static char title_buf[4096];
	const char *bar = NULL;

	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *arg = argv[i], *val = NULL, *eq;
		size_t k;
		int have_val;

		eq = !strncmp(arg, "--", 2) ? strchr(arg, '=') : NULL;
		if (eq && (size_t)(eq - arg) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
			arg = name;
			val = eq + 1;
			have_val = 1;
		} else {
			have_val = i + 1 < argc;
			val = have_val ? argv[i + 1] : NULL;
			if (have_val)
				i++;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			*help = 1;
			return 0;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]) && strcmp(arg, valued[k]); k++)
			;
		if (k == sizeof(valued) / sizeof(valued[0]))
			return plot_err("unknown option '%s' (see --help)", arg);
		if (!have_val || !*val)
			return plot_err("%s needs a value (see --help)", arg);
		if (!strcmp(arg, "--db"))
			o->db_path = val;
		else if (!strcmp(arg, "--sweep"))
			o->sweep = val;
		else if (!strcmp(arg, "--out"))
			o->out = val;
		else if (!strcmp(arg, "--compare"))
			o->other = val;
		else if (!strcmp(arg, "--bar-iodepth"))
			bar = val;
		else if (!strcmp(arg, "--formats"))
			o->formats = val;
		else if (!strcmp(arg, "--title")) {
			snprintf(title_buf, sizeof(title_buf), "%s, ", val);
			o->title = title_buf;
		} else if (!strcmp(arg, "--rw"))
			o->rw = val;
		else if (!strcmp(arg, "--x"))
			o->x = val;
		else
			o->bs = val;
	}
	if (!o->sweep)
		return plot_err("--sweep is required (see --help)");
	if (!o->out)
		return plot_err("--out is required (see --help)");
	if (bar && !all_digits(bar, 1))
		return plot_err("--bar-iodepth: '%s' is not an iodepth", bar);
	errno = 0;
	o->bar_qd = bar ? strtoll(bar, NULL, 10) : 0;
	if (bar && (o->bar_qd <= 0 || errno == ERANGE))
		return plot_err("--bar-iodepth: '%s' is not an iodepth", bar);
	/* A comma list; a trailing empty item is no item (as bash's read -a). */
	for (const char *p = o->formats; ; ) {
		size_t len = strcspn(p, ",");

		if (!p[len] && !len && o->nfmts)
			break;
		if (len == 3 && !strncmp(p, "png", 3))
			o->fmts[o->nfmts++] = "png";
		else if (len == 3 && !strncmp(p, "svg", 3))
			o->fmts[o->nfmts++] = "svg";
		else
			return plot_err("--formats: '%.*s' is not png or svg", (int)len, p);
		if (!p[len])
			break;
		if (o->nfmts == (int)(sizeof(o->fmts) / sizeof(o->fmts[0])))
			return plot_err("--formats: '%s' lists more than %d formats", o->formats,
					o->nfmts);
		p += len + 1;
	}
	if (o->rw && !is_rw(o->rw))
		return plot_err("--rw: '%s' is not a fio rw value (e.g. randread, randrw)", o->rw);
	if (o->bs && !is_bs(o->bs))
		return plot_err("--bs: '%s' is not a block size (e.g. 4k, 4096)", o->bs);
	if (o->x) {
		int ok = isalpha((unsigned char)*o->x) && strlen(o->x) < 48;

		for (const char *c = o->x; ok && *c; c++)
			ok = isalnum((unsigned char)*c) || *c == '_';
		if (!ok)
			return plot_err("--x: '%s' is not a fio option name (e.g. bs, numjobs, rw)",
					o->x);
		if (!strcmp(o->x, "iodepth"))
			o->x = NULL;	/* the usual charts */
	}
	return 0;
}

/* Whether a sweep has runs (results-db/listing.c's configs). */
static int sweep_has_configs(sqlite3 *db, const char *sweep, int *has)
{
	struct ub_err e = { "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return plot_err("out of memory");
	rc = ub_cmd_configs(db, sweep, f, &e);
	fclose(f);
	*has = buf && *buf;
	free(buf);
	return rc ? plot_err("reading the configs of sweep '%s': %s", sweep, e.msg) : 0;
}

void plot_free(struct plot *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->labels[i]);
	free(p->labels);
	free(p->xs);
	free(p->note);
	free(p->sub);
	free(p->skipped);
	plot_info_free(&p->info);
	for (int i = 0; i < p->ndrawn; i++)
		free(p->drawn[i]);
	free(p->drawn);
}

/* One drawing: the sweep (with o's rw and bs) into out. */
static int draw_one(const struct plot_opts *o, sqlite3 *db, const char *tpl, const char *gnuplot,
		    const char *out)
{
	struct plot p = { .o = o, .db = db, .tpl = tpl, .gnuplot = gnuplot, .out = out,
			  .f = { .sweep = o->sweep, .rw = o->rw, .bs = o->bs, .bs_bytes = -1 } };
	int rc, ok;

	if (o->bs) {
		p.f.bs_bytes = ub_parse_size(o->bs, &ok);
		if (!ok)
			return plot_opt_err("--bs: '%s' is not a block size (e.g. 4k, 4096)", o->bs);
	}
	if (make_dirs(out))
		return plot_opt_err("--out: can't create %s", out);
	if (o->x) {
		rc = plot_sweep_context(&p);
		rc = rc ? rc : plot_not_run(&p);
		rc = rc ? rc : plot_by_x(&p, o->x);
		for (int i = 0; !rc && i < p.ndrawn; i++)
			printf("%s\n", p.drawn[i]);
		plot_free(&p);
		return rc;
	}
	rc = plot_sweep(&p);
	rc = rc ? rc : plot_table(&p);
	rc = rc ? rc : plot_compare(&p);
	for (int i = 0; !rc && i < p.ndrawn; i++)
		printf("%s\n", p.drawn[i]);
	plot_free(&p);
	return rc;
}

/*
 * Several rw or bs values in one sweep can't share an axis: without a
 * choice, one set of charts per rw/bs pair, into OUT/RW-BS. *pairs 0 or 1:
 * nothing was drawn here.
 */
static int draw_pairs(struct plot_opts *o, sqlite3 *db, const char *tpl, const char *gnuplot,
		      int *pairs)
{
	sqlite3_stmt *st;
	struct sb list = { 0 };
	char **rw = NULL, **bs = NULL;
	int n = 0, rc = 0;

	*pairs = 0;
	if (sqlite3_prepare_v2(db, "SELECT rw, min(bs) FROM run_points WHERE sweep = ?1"
			       " GROUP BY rw, bs_bytes ORDER BY min(first_job)", -1, &st, NULL) != SQLITE_OK)
		return plot_err("reading the rw/bs pairs of sweep '%s': %s", o->sweep, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, o->sweep, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		const char *b = (const char *)sqlite3_column_text(st, 1);
		char **nr = realloc(rw, sizeof(*nr) * (n + 1)), **nb;

		if (nr)
			rw = nr;
		nb = realloc(bs, sizeof(*nb) * (n + 1));
		if (nb)
			bs = nb;
		if (!nr || !nb) {
			rc = plot_err("out of memory");
			break;
		}
		rw[n] = strdup(r ? r : "");
		bs[n] = strdup(b ? b : "");
		sb_printf(&list, "%s%s %s", n ? "," : "", rw[n], bs[n]);
		n++;
	}
	sqlite3_finalize(st);
	*pairs = n;
	if (!rc && n > 1) {
		struct plot_opts po = *o;

		fprintf(stderr, PLOT_PROG ": sweep '%s' mixes %d rw/bs pairs (%s): one set of "
			"charts each\n", o->sweep, n, sb_str(&list) ? sb_str(&list) : "");
		for (int i = 0; i < n && !rc; i++) {
			struct sb out = { 0 };

			sb_printf(&out, "%s/%s-", o->out, rw[i]);
			for (const char *c = bs[i]; *c; c++)
				sb_printf(&out, "%c", isalnum((unsigned char)*c) || strchr(".+-", *c) ?
					  *c : '_');
			po.rw = rw[i];
			po.bs = bs[i];
			if (!sb_str(&out))
				rc = plot_err("out of memory");
			else if (draw_one(&po, db, tpl, gnuplot, sb_str(&out)))
				rc = plot_err("drawing rw %s bs %s failed", rw[i], bs[i]);
			sb_free(&out);
		}
	}
	for (int i = 0; i < n; i++) {
		free(rw[i]);
		free(bs[i]);
	}
	free(rw);
	free(bs);
	sb_free(&list);
	return rc;
}

int cmd_plot(int argc, char **argv, const char *tpl_dir, const char *looked_for)
{
	struct plot_opts o = { .db_path = UB_DEFAULT_DB, .formats = "png,svg", .title = "" };
	const char *tpl = getenv("UB_PLOT_DIR"), *env_gp = getenv("GNUPLOT");
	char *gnuplot = NULL, common[4200];
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	int help = 0, rc, has, pairs = 0;
	struct stat st;

	bad_option = 0;
	if (parse(argc, argv, &o, &help))
		return UB_EUSAGE;
	if (help) {
		fputs(usage_text, stdout);
		return UB_OK;
	}
	if (stat(o.db_path, &st) || !S_ISREG(st.st_mode))
		return plot_err("--db: no database at %s", o.db_path), UB_EUSAGE;
	gnuplot = env_gp && *env_gp ? strdup(env_gp) : find_on_path("gnuplot");
	if (!gnuplot)
		return plot_err("gnuplot is missing (apt-get install gnuplot-nox)"), UB_EDATA;
	if (!tpl || !*tpl)
		tpl = tpl_dir;
	snprintf(common, sizeof(common), "%s/common.gp", tpl ? tpl : "");
	if (!tpl || stat(common, &st) || !S_ISREG(st.st_mode)) {
		free(gnuplot);
		if (!tpl)
			return plot_err("no gnuplot templates (looked for %s): run 'make install', "
					"or set UB_PLOT_DIR", looked_for ? looked_for : "nowhere"), UB_EDATA;
		return plot_err("no gnuplot templates in %s (common.gp): fix UB_PLOT_DIR, or "
				"reinstall", tpl), UB_EDATA;
	}
	rc = ubdb_open(o.db_path, UB_OPEN_EXISTING, &db, &e) ?
		plot_err("--db %s: %s", o.db_path, e.msg) : 0;
	if (!rc && make_dirs(o.out))
		rc = plot_opt_err("--out: can't create %s", o.out);
	rc = rc ? rc : sweep_has_configs(db, o.sweep, &has);
	if (!rc && !has)
		rc = plot_opt_err("--sweep: no runs of a sweep named '%s' in %s", o.sweep, o.db_path);
	/* --compare's sweep is checked before anything is drawn. */
	if (!rc && o.other && !strcmp(o.other, o.sweep))
		rc = plot_opt_err("--compare: '%s' is the sweep being drawn", o.other);
	rc = rc ? rc : o.other ? sweep_has_configs(db, o.other, &has) : 0;
	if (!rc && o.other && !has)
		rc = plot_opt_err("--compare: no runs of a sweep named '%s' in %s", o.other,
				  o.db_path);
	/* --x: one chart, its lines apart by config, iodepth and the other axes. */
	if (!rc && !o.rw && !o.bs && !o.x)
		rc = draw_pairs(&o, db, tpl, gnuplot, &pairs);
	if (!rc && pairs <= 1)
		rc = draw_one(&o, db, tpl, gnuplot, o.out);
	if (db && sqlite3_close(db) != SQLITE_OK && !rc)
		rc = plot_err("closing %s: %s", o.db_path, sqlite3_errmsg(db));
	free(gnuplot);
	if (fflush(stdout) || ferror(stdout))
		rc = plot_err("writing the list of files: %s", strerror(errno));
	return !rc ? UB_OK : bad_option ? UB_EUSAGE : UB_EDATA;
}
