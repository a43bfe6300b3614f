// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf plot --x OPTION: kIOPS with any fio option on the x-axis (bs,
 * numjobs, rw, or any option the runs' jobs have), one line per config x
 * iodepth x the sweep's other --axis values (results-db/report.c's series
 * labels: points of other values never average into one), drawn as
 * kiops-by-OPTION.png/.svg from kiops-by-OPTION.dat (uringbpf db series
 * --x OPTION's format).  A number on the x-axis is placed by value (log
 * scale for a wide range such as bs, its tics in fio's units), anything
 * else in the order of the data.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/plot/plot.h"

/* 4096 -> "4k" (a block size as fio writes it), else the number. */
static void size_name(char *buf, size_t len, long long v)
{
	static const char units[] = "kmgt";
	int u = -1;

	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u >= 0)
		snprintf(buf, len, "%lld%c", v, units[u]);
	else
		snprintf(buf, len, "%lld", v);
}

static int is_number(const char *s)
{
	char *end;

	strtod(s, &end);
	return *s && !*end;
}

int plot_by_x(struct plot *p, const char *x)
{
	struct ub_filter f = p->f;
	struct ub_err e = { "" };
	struct ub_series s;
	struct sb b = { 0 }, tics = { 0 };
	char file[128], base[96], num[64];
	char **labels = NULL;
	double lo = 0, hi = 0;
	int n = 0, numeric = 1, rc;
	FILE *out;

	snprintf(base, sizeof(base), "kiops-by-%s", x);
	snprintf(file, sizeof(file), "%s.dat", base);
	f.by_iodepth = 1;
	if (ub_series_load(p->db, &f, x, "kiops", &s, &e))
		return plot_err("sweep '%s': %s", p->f.sweep, e.msg);
	if (!s.n) {
		ub_series_free(&s);
		return plot_err("sweep '%s' has no runs with option %s", p->f.sweep, x);
	}
	out = plot_out_file(p, file);
	if (!out) {
		ub_series_free(&s);
		return -1;
	}
	ub_series_print(&s, out);
	if (plot_close_file(p, out, file)) {
		ub_series_free(&s);
		return -1;
	}
	for (int i = 0; i < s.n; i++)
		numeric &= is_number(s.p[i].x);
	labels = calloc(s.n + 1, sizeof(*labels));
	if (!labels) {
		ub_series_free(&s);
		return plot_err("out of memory");
	}
	/* The blocks' labels; the x values' tics, each once (the data is sorted by x per block). */
	sb_printf(&tics, "(");
	for (int i = 0; i < s.n; i++) {
		double v = numeric ? strtod(s.p[i].x, NULL) : 0;
		int seen = 0;

		if (!i || strcmp(s.p[i - 1].config, s.p[i].config))
			labels[n++] = s.p[i].config;
		if (!numeric)
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(s.p[j].x, s.p[i].x);
		if (seen)
			continue;
		if (!strcmp(x, "bs"))
			size_name(num, sizeof(num), (long long)v);
		else
			snprintf(num, sizeof(num), "%s", s.p[i].x);
		sb_printf(&tics, "%s\"%s\" %s", tics.len > 1 ? ", " : "", num, s.p[i].x);
		lo = !i || v < lo ? v : lo;
		hi = !i || v > hi ? v : hi;
	}
	sb_printf(&tics, ")");
	plot_headline(&b, p, "kIOPS by %s", x);
	gp_str(&b, "sub", p->sub);
	gp_str(&b, "note", p->note ? p->note : "");
	plot_gp_file(&b, p, "datafile", file);
	snprintf(num, sizeof(num), "%d", n);
	gp_num(&b, "n", num);
	gp_str_array(&b, "labels", labels, n);
	gp_str(&b, "xlab", !strcmp(x, "bs") ? "bs (log scale)" : x);
	gp_num(&b, "numeric", numeric ? "1" : "0");
	gp_num(&b, "logx", numeric && lo > 0 && hi / lo >= 4 ? "1" : "0");
	gp_str(&b, "xtics_str", sb_str(&tics) ? sb_str(&tics) : "");
	snprintf(num, sizeof(num), "%.17g", lo);
	gp_num(&b, "xmin", num);
	snprintf(num, sizeof(num), "%.17g", hi);
	gp_num(&b, "xmax", num);
	b.oom |= tics.oom;
	rc = plot_draw(p, "kiops-x.gp", base, &b);
	sb_free(&tics);
	free(labels);
	ub_series_free(&s);
	return rc;
}
