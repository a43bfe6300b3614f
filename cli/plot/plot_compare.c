// SPDX-License-Identifier: GPL-2.0
/*
 * --compare OTHER: both sweeps' kIOPS side by side (the same y scale, the
 * same colour for the same config) and compare-OTHER.md, the ratios
 * OTHER/SWEEP per point with their noise: results-db/compare.c, the one
 * place they are computed (uringbpf compare SWEEP OTHER prints the same).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plot/plot.h"

/* The largest mean + stddev of a series as its data file has them (3 decimals). */
static double top_of(const struct ub_series *s, double m)
{
	for (int i = 0; i < s->n; i++) {
		char a[64], b[64];

		snprintf(a, sizeof(a), "%.3f", s->p[i].value);
		snprintf(b, sizeof(b), "%.3f", s->p[i].stddev);
		if (strtod(a, NULL) + strtod(b, NULL) > m)
			m = strtod(a, NULL) + strtod(b, NULL);
	}
	return m;
}

/* gnuplot's context lines of one sweep: the device, then the rest. */
static int context_pair(const struct plot_info *i, char **one, char **two)
{
	char *a = plot_context_line(i, "device");
	char *b = plot_context_line(i, "kernel host fio_version date");

	*one = a ? gp_enh(a) : NULL;
	*two = b ? gp_enh(b) : NULL;
	free(a);
	free(b);
	return *one && *two ? 0 : plot_err("out of memory");
}

static int compare_md(struct plot *p)
{
	struct ub_compare_opts co = {
		.a = p->f.sweep, .b = p->o->other, .db_path = p->o->db_path, .metric = "kiops",
		.rw = p->f.rw, .bs = p->f.bs, .bs_bytes = p->f.bs_bytes, .max_regress_pct = -1,
		.format = UB_CMP_MD,
	};
	struct ub_err e = { "" };
	char name[4200], *path;
	int regressions = 0, rc;
	FILE *f;

	snprintf(name, sizeof(name), "compare-%s.md", p->o->other);
	path = plot_path(p, name);
	f = path ? fopen(path, "w") : NULL;
	if (!f) {
		rc = path ? plot_err("can't write %s: %m", path) : plot_err("out of memory");
		free(path);
		return rc;
	}
	rc = ub_cmd_compare(p->db, &co, &regressions, f, &e);
	if (rc)
		rc = plot_err("compare-%s.md: comparing '%s' and '%s': %s", p->o->other, p->f.sweep,
			      p->o->other, e.msg);
	if (fclose(f) && !rc)
		rc = plot_err("writing %s: %m", path);
	rc = rc ? rc : plot_add_drawn(p, path);
	free(path);
	return rc;
}

int plot_compare(struct plot *p)
{
	const char *other = p->o->other;
	struct plot_info oi = { 0 };
	struct ub_series s = { 0 };
	struct ub_err e = { "" };
	struct sb b = { 0 };
	char name[4200], num[64], *a1 = NULL, *a2 = NULL, *b1 = NULL, *b2 = NULL;
	char **ol = NULL, *title = NULL;
	long long *sa = NULL, *os = NULL, *allx = NULL;
	int no = 0, nall = 0, rc, next;
	double ymax;

	if (!other)
		return 0;
	snprintf(name, sizeof(name), "kiops-%s.dat", other);
	if (plot_series(p, other, "kiops", name, &s, &e))
		return plot_err("--compare: the kIOPS series of sweep '%s': %s", other, e.msg);
	rc = context_pair(&p->info, &a1, &a2);
	rc = rc ? rc : plot_info_load(p->db, other, &oi);
	rc = rc ? rc : context_pair(&oi, &b1, &b2);
	/* Same colour for the same config: OTHER's follow SWEEP's order, new ones after. */
	ol = calloc(s.n + 1, sizeof(*ol));
	os = calloc(s.n + 1, sizeof(*os));
	sa = calloc(p->n + 1, sizeof(*sa));
	allx = calloc(s.n + p->nx + 1, sizeof(*allx));
	if (!rc && (!ol || !os || !sa || !allx))
		rc = plot_err("out of memory");
	next = p->n;
	for (int i = 0; !rc && i < s.n; i++) {
		if (i && !strcmp(s.p[i - 1].config, s.p[i].config))
			continue;
		ol[no] = s.p[i].config;
		os[no++] = plot_style_of(p, s.p[i].config) ? plot_style_of(p, s.p[i].config) : ++next;
	}
	for (int i = 0; !rc && i < p->n; i++)
		sa[i] = i + 1;
	if (!rc) {
		/* The x axis: every iodepth of either sweep. */
		long long *ox = NULL;
		int nox = 0, k = 0;

		rc = plot_xvalues(&s, &ox, &nox);
		if (!rc) {
			memcpy(allx, p->xs, sizeof(*allx) * p->nx);
			memcpy(allx + p->nx, ox, sizeof(*allx) * nox);
			nall = p->nx + nox;
			qsort(allx, nall, sizeof(*allx), plot_cmp_ll);
			for (int i = 0; i < nall; i++)
				if (!k || allx[k - 1] != allx[i])
					allx[k++] = allx[i];
			nall = k;
		}
		free(ox);
	}
	if (!rc) {
		struct ub_series mine;

		/* The y scale of both panels: the highest mean + stddev of either. */
		rc = plot_series(p, p->f.sweep, "kiops", NULL, &mine, &e);
		if (rc) {
			rc = plot_err("--compare: the kIOPS series of sweep '%s': %s", p->f.sweep, e.msg);
		} else {
			ymax = top_of(&s, top_of(&mine, 0));
			ub_series_free(&mine);
			if (ymax <= 0)
				ymax = 1;
			if (ymax == floor(ymax) && ymax < 1e15)
				snprintf(num, sizeof(num), "%.0f", ymax);
			else
				snprintf(num, sizeof(num), "%.6g", ymax);
		}
	}
	if (!rc) {
		char *fa = plot_path(p, "kiops.dat"), *fb = plot_path(p, name), *t;

		gp_str_array(&b, "labelsA", p->labels, p->n);
		gp_int_array(&b, "stylesA", sa, p->n);
		sb_printf(&b, "; nA=%d", p->n);
		gp_str_array(&b, "labelsB", ol, no);
		gp_int_array(&b, "stylesB", os, no);
		sb_printf(&b, "; nB=%d", no);
		gp_str(&b, "fileA", fa ? fa : "");
		gp_str(&b, "fileB", fb ? fb : "");
		t = gp_enh(p->f.sweep);
		gp_str(&b, "headA", t ? t : "");
		free(t);
		gp_str(&b, "subA1", a1);
		gp_str(&b, "subA2", a2);
		t = gp_enh(other);
		gp_str(&b, "headB", t ? t : "");
		free(t);
		gp_str(&b, "subB1", b1);
		gp_str(&b, "subB2", b2);
		if (asprintf(&t, "%skIOPS vs iodepth: %s and %s", p->o->title, p->f.sweep, other) < 0)
			t = NULL;
		title = t ? gp_enh(t) : NULL;
		free(t);
		gp_str(&b, "head", title ? title : "");
		plot_axis(&b, allx, nall);
		gp_num(&b, "ymax", num);
		if (!fa || !fb || !title)
			b.oom = 1;
		free(fa);
		free(fb);
		snprintf(name, sizeof(name), "compare-%s", other);
		rc = sb_str(&b) ? gp_draw(p, "compare.gp", name, sb_str(&b)) : plot_err("out of memory");
	}
	rc = rc ? rc : compare_md(p);
	sb_free(&b);
	free(title);
	free(ol);
	free(os);
	free(sa);
	free(allx);
	free(a1);
	free(a2);
	free(b1);
	free(b2);
	plot_info_free(&oi);
	ub_series_free(&s);
	return rc;
}
