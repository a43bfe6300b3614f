// SPDX-License-Identifier: GPL-2.0
/*
 * The charts of one sweep: kIOPS vs iodepth (bars for a single iodepth),
 * kIOPS at one iodepth, kIOPS per CPU core, kIOPS over time; then the
 * latency charts (plot_latency.c). The figures come from the results
 * library (series: the one place they are computed); each chart's data is
 * written beside it as NAME.dat and drawn from there by its template.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plot/plot.h"

#define KIOPS_YLAB "kIOPS (mean; bars: ±1 stddev)"
#define CPU_YLAB "kIOPS per CPU core (all threads of fio; bars: ±1 stddev)"

char *plot_path(const struct plot *p, const char *name)
{
	char *s;

	return asprintf(&s, "%s/%s", p->out, name) < 0 ? NULL : s;
}

int plot_add_drawn(struct plot *p, const char *path)
{
	char **nd = realloc(p->drawn, sizeof(*nd) * (p->ndrawn + 1));

	if (!nd)
		return plot_err("out of memory");
	p->drawn = nd;
	p->drawn[p->ndrawn] = strdup(path);
	return p->drawn[p->ndrawn++] ? 0 : plot_err("out of memory");
}

int plot_style_of(const struct plot *p, const char *label)
{
	int s = 0;

	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->labels[i], label))
			s = i + 1;
	return s;
}

/* Open OUT/name for writing, or say why not. */
FILE *plot_out_file(const struct plot *p, const char *name)
{
	char *path = plot_path(p, name);
	FILE *f = path ? fopen(path, "w") : NULL;

	if (!f)
		plot_err("can't write %s/%s: %s", p->out, name, path ? strerror(errno) : "out of memory");
	free(path);
	return f;
}

int plot_close_file(const struct plot *p, FILE *f, const char *name)
{
	if (fclose(f))
		return plot_err("writing %s/%s: %s", p->out, name, strerror(errno));
	return 0;
}

void plot_remove_file(const struct plot *p, const char *name)
{
	char *path = plot_path(p, name);

	if (path)
		unlink(path);
	free(path);
}

int plot_series(struct plot *p, const char *sweep, const char *metric, const char *file,
		struct ub_series *s, struct ub_err *e)
{
	struct ub_filter f = p->f;
	FILE *out;
	int rc;

	f.sweep = sweep;
	rc = ub_series_load(p->db, &f, "iodepth", metric, s, e);
	if (rc == UB_OK && !s->n) {
		ub_series_free(s);
		rc = ub_fail(e, UB_EDATA, "no results have option iodepth and metric %s", metric);
	}
	if (rc || !file)
		return rc;
	out = plot_out_file(p, file);
	if (!out) {
		ub_series_free(s);
		return ub_fail(e, UB_EDATA, "can't write %s", file);
	}
	ub_series_print(s, out);
	if (plot_close_file(p, out, file)) {
		ub_series_free(s);
		return ub_fail(e, UB_EDATA, "can't write %s", file);
	}
	return UB_OK;
}

/* The configs of a series in block order, and their styles in the kIOPS chart. */
static int series_labels(const struct plot *p, const struct ub_series *s, char ***labels,
			 long long **styles, int *n)
{
	*labels = NULL;
	*styles = NULL;
	*n = 0;
	for (int i = 0; i < s->n; i++) {
		char **nl;
		long long *ns;

		if (i && !strcmp(s->p[i - 1].config, s->p[i].config))
			continue;
		nl = realloc(*labels, sizeof(**labels) * (*n + 1));
		if (nl)
			*labels = nl;
		ns = realloc(*styles, sizeof(**styles) * (*n + 1));
		if (ns)
			*styles = ns;
		if (!nl || !ns)
			return plot_err("out of memory");
		(*labels)[*n] = s->p[i].config;	/* borrowed from s */
		/* A config the kIOPS chart lacks gets the next colour after its n. */
		(*styles)[*n] = p && plot_style_of(p, s->p[i].config) ?
			plot_style_of(p, s->p[i].config) : (p ? p->n : 0) + 1;
		(*n)++;
	}
	return 0;
}

/* "\"label\" mean stddev style" per config at iodepth qd: a bar chart's data. */
static int bar_data(const struct plot *p, const struct ub_series *s, long long qd,
		    const char *file, int *rows)
{
	FILE *f = plot_out_file(p, file);
	int block = 0;

	*rows = 0;
	if (!f)
		return -1;
	for (int i = 0; i < s->n; i++) {
		const struct ub_series_point *pt = &s->p[i];

		if (!i || strcmp(s->p[i - 1].config, pt->config))
			block++;
		if (strtoll(pt->x, NULL, 10) != qd)
			continue;
		fputc('"', f);
		for (const char *c = pt->config; *c; c++)
			fputc(*c == '"' ? '\'' : *c, f);
		fprintf(f, "\" %.3f %.3f %d\n", pt->value, pt->stddev, block);
		(*rows)++;
	}
	return plot_close_file(p, f, file);
}

int plot_cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The distinct iodepths of a series, ascending (xs malloc'ed). */
int plot_xvalues(const struct ub_series *s, long long **xs, int *nx)
{
	long long *v = malloc(sizeof(*v) * (s->n + 1));
	int k = 0;

	*xs = v;
	*nx = 0;
	if (!v)
		return plot_err("out of memory");
	for (int i = 0; i < s->n; i++)
		v[i] = strtoll(s->p[i].x, NULL, 10);
	qsort(v, s->n, sizeof(*v), plot_cmp_ll);
	for (int i = 0; i < s->n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*nx = k;
	return 0;
}

/* "(1,8,16,32)" */
void plot_xtics(struct sb *b, const long long *xs, int nx)
{
	sb_printf(b, "(");
	for (int i = 0; i < nx; i++)
		sb_printf(b, "%s%lld", i ? "," : "", xs[i]);
	sb_printf(b, ")");
}

/* "SWEEP: TITLE, WHAT" as a gnuplot headline (markup escaped). */
void plot_headline(struct sb *b, const struct plot *p, const char *fmt, ...)
{
	char *what = NULL, *es = gp_enh(p->f.sweep), *et = gp_enh(p->o->title), *ew, *h = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	ew = what ? gp_enh(what) : NULL;
	if (es && et && ew && asprintf(&h, "%s: %s%s", es, et, ew) >= 0)
		gp_str(b, "head", h);
	else
		b->oom = 1;
	free(h);
	free(what);
	free(es);
	free(et);
	free(ew);
}

/* xtics_str='(1,4)'; xmin=1; xmax=4 */
void plot_axis(struct sb *b, const long long *xs, int nx)
{
	struct sb t = { 0 };
	char num[32];

	plot_xtics(&t, xs, nx);
	gp_str(b, "xtics_str", sb_str(&t) ? sb_str(&t) : "");
	b->oom |= t.oom;
	snprintf(num, sizeof(num), "%lld", nx ? xs[0] : 0);
	gp_num(b, "xmin", num);
	snprintf(num, sizeof(num), "%lld", nx ? xs[nx - 1] : 0);
	gp_num(b, "xmax", num);
	sb_free(&t);
}

/* n, labels[n] and styles[n] of a series' configs, under the names given. */
static void series_arrays(struct sb *b, const char *n_name, const char *l_name,
			  const char *s_name, char **labels, const long long *styles, int n)
{
	char num[32];

	snprintf(num, sizeof(num), "%d", n);
	gp_num(b, n_name, num);
	gp_str_array(b, l_name, labels, n);
	gp_int_array(b, s_name, styles, n);
}

/* The settings every chart of the kIOPS series' shape shares. */
void plot_common(struct sb *b, const struct plot *p)
{
	long long *styles = malloc(sizeof(*styles) * (p->n + 1));

	if (!styles) {
		b->oom = 1;
		return;
	}
	for (int i = 0; i < p->n; i++)
		styles[i] = i + 1;
	gp_str(b, "note", p->note);
	series_arrays(b, "n", "labels", "styles", p->labels, styles, p->n);
	plot_axis(b, p->xs, p->nx);
	gp_str(b, "sub", p->sub);
	free(styles);
}

/* Draw with the settings in b (then emptied); an out-of-memory b is an error. */
int plot_draw(struct plot *p, const char *tpl, const char *base, struct sb *b)
{
	int rc = sb_str(b) ? gp_draw(p, tpl, base, sb_str(b)) : plot_err("out of memory");

	sb_free(b);
	return rc;
}

/* name='OUT/file' */
void plot_gp_file(struct sb *b, const struct plot *p, const char *name, const char *file)
{
	char *path = plot_path(p, file);

	if (path)
		gp_str(b, name, path);
	else
		b->oom = 1;
	free(path);
}

/* A bar chart's settings: its data file, no x axis. */
static void bar_settings(struct sb *b, const struct plot *p, const char *file, const char *ylab)
{
	gp_str(b, "note", p->note);
	plot_gp_file(b, p, "datafile", file);
	gp_str(b, "sub", p->sub);
	gp_str(b, "ylab", ylab);
}

/* kIOPS vs iodepth (bars at one iodepth), and kIOPS at the bar chart's iodepth. */
static int kiops_charts(struct plot *p, const struct ub_series *k)
{
	char bar_file[64], bar_base[64];
	struct sb b = { 0 };
	int rows, rc;

	snprintf(bar_file, sizeof(bar_file), "bar-qd%lld.dat", p->bar_qd);
	snprintf(bar_base, sizeof(bar_base), "bar-qd%lld", p->bar_qd);
	if (bar_data(p, k, p->bar_qd, bar_file, &rows))
		return -1;
	if (!rows) {
		struct sb t = { 0 };

		for (int i = 0; i < p->nx; i++)
			sb_printf(&t, "%s%lld", i ? "," : "", p->xs[i]);
		rc = plot_opt_err("--bar-iodepth: sweep '%s' has no runs at iodepth %lld (it has %s)",
				  p->f.sweep, p->bar_qd, sb_str(&t) ? sb_str(&t) : "");
		sb_free(&t);
		return rc;
	}
	if (p->nx > 1) {
		plot_common(&b, p);
		plot_gp_file(&b, p, "datafile", "kiops.dat");
		plot_headline(&b, p, "kIOPS vs iodepth");
		rc = plot_draw(p, "kiops.gp", "kiops", &b);
	} else {
		/* One iodepth (e.g. qd1-latency): lines would be single dots; draw bars. */
		bar_settings(&b, p, bar_file, KIOPS_YLAB);
		plot_headline(&b, p, "kIOPS at iodepth %lld", p->xs[p->nx - 1]);
		rc = plot_draw(p, "bar.gp", "kiops", &b);
	}
	if (rc)
		return rc;
	bar_settings(&b, p, bar_file, KIOPS_YLAB);
	plot_headline(&b, p, "kIOPS at iodepth %lld", p->bar_qd);
	return plot_draw(p, "bar.gp", bar_base, &b);
}

/* Whether any run of the sweep has CPU figures (local runs under uringbpf cgexec). */
static int sweep_has_cpu(struct plot *p, int *has)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(p->db, "SELECT count(*) FROM run_points WHERE sweep = ?1"
			       " AND kiops_per_core IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return plot_err("reading the CPU figures of sweep '%s': %s", p->f.sweep,
				sqlite3_errmsg(p->db));
	sqlite3_bind_text(st, 1, p->f.sweep, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*has = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : plot_err("reading the CPU figures of sweep '%s': %s",
					       p->f.sweep, sqlite3_errmsg(p->db));
}

/* kIOPS per core, beside kIOPS: only a sweep whose runs have CPU figures. */
static int cpu_charts(struct plot *p)
{
	struct ub_series c;
	struct ub_err e;
	struct sb b = { 0 };
	char **cl = NULL;
	long long *cs = NULL;
	int nc = 0, rc, rows;

	if (sweep_has_cpu(p, &p->has_cpu))
		return -1;
	if (!p->has_cpu || plot_series(p, p->f.sweep, "kiops_per_core", "kiops-per-core.dat", &c, &e)) {
		p->has_cpu = 0;
		plot_remove_file(p, "kiops-per-core.dat");
		return 0;
	}
	if (p->nx > 1) {
		rc = series_labels(p, &c, &cl, &cs, &nc);
		if (!rc) {
			gp_str(&b, "note", p->note);
			series_arrays(&b, "n", "labels", "styles", cl, cs, nc);
			plot_axis(&b, p->xs, p->nx);
			gp_str(&b, "sub", p->sub);
			gp_str(&b, "ylab", CPU_YLAB);
			plot_gp_file(&b, p, "datafile", "kiops-per-core.dat");
			plot_headline(&b, p, "kIOPS per CPU core vs iodepth");
			rc = plot_draw(p, "kiops.gp", "kiops-per-core", &b);
		}
		if (!rc) {
			plot_common(&b, p);
			plot_gp_file(&b, p, "fileA", "kiops.dat");
			series_arrays(&b, "nc", "clabels", "cstyles", cl, cs, nc);
			plot_gp_file(&b, p, "fileB", "kiops-per-core.dat");
			plot_headline(&b, p, "kIOPS and kIOPS per CPU core vs iodepth");
			rc = plot_draw(p, "kiops-cpu.gp", "kiops-cpu", &b);
		}
	} else {
		rc = bar_data(p, &c, p->xs[p->nx - 1], "bar-per-core.dat", &rows);
		if (!rc) {
			bar_settings(&b, p, "bar-per-core.dat", CPU_YLAB);
			plot_headline(&b, p, "kIOPS per CPU core at iodepth %lld", p->xs[p->nx - 1]);
			rc = plot_draw(p, "bar.gp", "kiops-per-core", &b);
		}
	}
	free(cl);
	free(cs);
	ub_series_free(&c);
	return rc;
}

/*
 * kIOPS over time at the bar chart's iodepth: the first repeat's first job
 * of each config, from fio's IOPS log (when the sweep recorded it).
 */
static const char iops_time_sql[] =
	"SELECT r.config, s.t_ms / 1000.0, sum(s.iops) / 1000.0"
	" FROM iops_samples s JOIN run_points r ON r.run_id = s.run_id"
	" WHERE r.sweep = ?1 AND (?2 IS NULL OR r.rw = ?2) AND (?3 IS NULL OR r.bs_bytes = ?3)"
	"  AND r.iodepth = ?4 AND s.job = 1 AND r.run_id = (SELECT min(o.run_id) FROM run_points o"
	"   WHERE o.sweep = r.sweep AND o.config IS r.config AND o.iodepth = r.iodepth"
	"   AND o.rw = r.rw AND o.bs_bytes = r.bs_bytes)"
	" GROUP BY r.config, s.t_ms ORDER BY min(r.first_job), s.t_ms";

static int iops_time_chart(struct plot *p)
{
	struct sb b = { 0 };
	char **tl = NULL, *prev = NULL;
	long long *ts = NULL;
	sqlite3_stmt *st;
	FILE *f = NULL;
	int nt = 0, rc = 0, step;

	plot_remove_file(p, "iops-time.dat");
	if (sqlite3_prepare_v2(p->db, iops_time_sql, -1, &st, NULL) != SQLITE_OK)
		return plot_err("reading the IOPS logs of sweep '%s': %s", p->f.sweep,
				sqlite3_errmsg(p->db));
	step = ub_bind_filter(st, &p->f);
	if (step == SQLITE_OK)
		step = sqlite3_bind_int64(st, 4, p->bar_qd);
	while (!rc && step == SQLITE_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		step = SQLITE_OK;
		c = c ? c : "";
		if (!f && !(f = plot_out_file(p, "iops-time.dat"))) {
			rc = -1;
			break;
		}
		if (!prev || strcmp(prev, c)) {
			char **nl = realloc(tl, sizeof(*tl) * (nt + 1));
			long long *ns = nl ? realloc(ts, sizeof(*ts) * (nt + 1)) : NULL;

			if (nl)
				tl = nl;
			if (ns)
				ts = ns;
			if (!nl || !ns || !(tl[nt] = strdup(c))) {
				rc = plot_err("out of memory");
				break;
			}
			ts[nt] = plot_style_of(p, c) ? plot_style_of(p, c) : p->n + 1;
			fprintf(f, "%s# config: %s\n", nt ? "\n\n" : "", c);
			prev = tl[nt++];
		}
		/* SQLite's text of a REAL, as "uringbpf db sql" prints it. */
		fprintf(f, "%s %s\n", sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (!rc && step != SQLITE_DONE)
		rc = plot_err("reading the IOPS logs of sweep '%s': %s", p->f.sweep,
			      sqlite3_errmsg(p->db));
	if (f && plot_close_file(p, f, "iops-time.dat") && !rc)
		rc = -1;
	if (!rc && nt) {
		gp_str(&b, "note", p->note);
		series_arrays(&b, "n", "labels", "styles", tl, ts, nt);
		gp_str(&b, "sub", p->sub);
		plot_gp_file(&b, p, "datafile", "iops-time.dat");
		plot_headline(&b, p, "kIOPS over time at iodepth %lld (first repeat)", p->bar_qd);
		rc = plot_draw(p, "iops-time.gp", "iops-time", &b);
	}
	for (int i = 0; i < nt; i++)
		free(tl[i]);
	free(tl);
	free(ts);
	return rc;
}

/* The context line under every headline: rw and bs first when chosen. */
static int context(struct plot *p)
{
	char *ctx, *filt = NULL, *ef = NULL;

	if (plot_info_load(p->db, p->f.sweep, &p->info))
		return -1;
	ctx = plot_context_line(&p->info, "device kernel host fio_version date");
	p->sub = ctx ? gp_enh(ctx) : NULL;
	free(ctx);
	if (p->sub && (p->f.rw || p->f.bs)) {
		char *s = NULL;

		if (asprintf(&filt, "rw %s, bs %s", p->f.rw ? p->f.rw : "any",
			     p->f.bs ? p->f.bs : "any") < 0)
			filt = NULL;
		ef = filt ? gp_enh(filt) : NULL;
		if (!ef || asprintf(&s, "%s  ·  %s", ef, p->sub) < 0)
			s = NULL;
		free(p->sub);
		p->sub = s;
	}
	free(filt);
	free(ef);
	return p->sub ? 0 : plot_err("out of memory");
}

int plot_sweep_context(struct plot *p)
{
	return context(p);
}

int plot_sweep(struct plot *p)
{
	struct ub_series k;
	struct ub_err e = { "" };
	long long *styles = NULL;
	char **labels = NULL;
	int rc;

	if (context(p))
		return -1;
	if (plot_series(p, p->f.sweep, "kiops", "kiops.dat", &k, &e))
		return plot_err("sweep '%s' has no kIOPS series in %s: %s", p->f.sweep,
				p->o->db_path, e.msg);
	rc = series_labels(NULL, &k, &labels, &styles, &p->n);
	p->labels = rc ? NULL : calloc(p->n + 1, sizeof(*p->labels));
	if (!rc && !p->labels)
		rc = plot_err("out of memory");
	/* series_labels borrows k's names: keep copies. */
	for (int i = 0; !rc && i < p->n; i++)
		if (!(p->labels[i] = strdup(labels[i])))
			rc = plot_err("out of memory");
	if (rc)
		p->n = 0;
	free(labels);
	free(styles);
	rc = rc ? rc : plot_xvalues(&k, &p->xs, &p->nx);
	rc = rc ? rc : plot_not_run(p);
	p->bar_qd = p->o->bar_qd ? p->o->bar_qd : p->nx ? p->xs[p->nx - 1] : 0;
	rc = rc ? rc : kiops_charts(p, &k);
	ub_series_free(&k);
	rc = rc ? rc : cpu_charts(p);
	rc = rc ? rc : iops_time_chart(p);
	rc = rc ? rc : plot_latency(p);
	rc = rc ? rc : plot_cdf(p);
	return rc;
}
