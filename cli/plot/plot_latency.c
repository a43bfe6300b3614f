// SPDX-License-Identifier: GPL-2.0
/*
 * The latency charts of one sweep: completion latency p50 / p99 / p99.9 vs
 * iodepth (grouped bars at a single iodepth) and the latency CDF. Both come
 * from the results library: the percentiles merged over the repeats'
 * json+ histograms (merged_latency.c, via series), the CDF from the same
 * histograms (latency_cdf.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/plot/plot.h"

/* One iodepth: per config "\"label\" p50 p99 p99.9", the first point of block i of each. */
static int latbar_data(const struct plot *p, const struct ub_series *s)
{
	FILE *f = plot_out_file(p, "latency.dat");

	if (!f)
		return -1;
	fprintf(f, "# config p50 p99 p99.9 (us, all repeats merged)\n");
	for (int i = 0; i < p->n; i++) {
		fputc('"', f);
		for (const char *c = p->labels[i]; *c; c++)
			fputc(*c == '"' ? '\'' : *c, f);
		fputc('"', f);
		for (int k = 0; k < 3; k++) {
			int block = 0, j;

			for (j = 0; j < s[k].n; j++) {
				if (!j || strcmp(s[k].p[j - 1].config, s[k].p[j].config))
					block++;
				if (block == i + 1)
					break;
			}
			if (j < s[k].n)
				fprintf(f, " %.3f", s[k].p[j].value);
			else
				fputc(' ', f);
		}
		fputc('\n', f);
	}
	return plot_close_file(p, f, "latency.dat");
}

/* clat p50 / p99 / p99.9 vs iodepth (grouped bars at a single iodepth). */
int plot_latency(struct plot *p)
{
	static const char *const names[] = { "p50", "p99", "p99.9" };
	static const char *const metrics[] = { "clat_p50_us", "clat_p99_us", "clat_p999_us" };
	static const char *const files[] = { "lat-p50.dat", "lat-p99.dat", "lat-p999.dat" };
	struct ub_series s[3];
	struct sb b = { 0 };
	char *paths[3] = { 0 };
	int rc = 0, k;

	for (k = 0; k < 3; k++) {
		struct ub_err e;

		if (plot_series(p, p->f.sweep, metrics[k], files[k], &s[k], &e)) {
			rc = plot_err("latency: the series of %s for sweep '%s': %s", metrics[k],
				      p->f.sweep, e.msg);
			break;
		}
	}
	if (rc) {
		while (k--)
			ub_series_free(&s[k]);
		return rc;
	}
	/* Percentiles merged from json+ bins, or the mean of the runs' own: said. */
	if (s[1].from_runs)
		fprintf(stderr, PLOT_PROG ": latency: %d of %d points are the mean of their runs' own "
			"percentiles: not every run has json+ latency histograms\n", s[1].from_runs,
			s[1].n);
	for (k = 0; k < 3; k++)
		if (!(paths[k] = plot_path(p, files[k])))
			b.oom = 1;
	if (b.oom) {
		rc = plot_err("out of memory");
	} else if (p->nx > 1) {
		plot_common(&b, p);
		gp_num(&b, "np", "3");
		gp_str_array(&b, "pfiles", paths, 3);
		gp_str_array(&b, "pnames", (char **)names, 3);
		plot_headline(&b, p, "completion latency vs iodepth");
		rc = plot_draw(p, "latency.gp", "latency", &b);
	} else {
		/* One iodepth: grouped bars, the percentiles side by side per config. */
		rc = latbar_data(p, s);
		if (!rc) {
			plot_gp_file(&b, p, "datafile", "latency.dat");
			gp_str(&b, "sub", p->sub);
			plot_headline(&b, p, "completion latency at iodepth %lld", p->xs[p->nx - 1]);
			rc = plot_draw(p, "latbar.gp", "latency", &b);
		}
	}
	sb_free(&b);
	for (k = 0; k < 3; k++) {
		free(paths[k]);
		ub_series_free(&s[k]);
	}
	return rc;
}

/*
 * The latency CDF: one panel per iodepth, a curve per config, from the
 * json+ bins of all repeats merged (results-db/latency_cdf.c); its blocks
 * are by iodepth, then config. Without bins: no CDF, and why.
 */
int plot_cdf(struct plot *p)
{
	struct ub_cdf_block *bl = NULL;
	long long *pqd = NULL, *pfirst = NULL, *pcount = NULL, *bstyle = NULL;
	char **btitle = NULL, *notes = NULL, num[32];
	struct ub_err e = { "" };
	struct sb b = { 0 };
	size_t nlen = 0;
	FILE *f, *nf;
	int nb = 0, np = 0, rc;

	f = plot_out_file(p, "latency-cdf.dat");
	if (!f)
		return -1;
	nf = open_memstream(&notes, &nlen);
	if (!nf) {
		fclose(f);
		return plot_err("out of memory");
	}
	rc = ub_cdf_write(p->db, &p->f, -1, f, nf, PLOT_PROG, &bl, &nb, &e);
	fclose(nf);
	if (plot_close_file(p, f, "latency-cdf.dat") && !rc) {
		rc = -1;
		goto out;
	}
	if (rc) {
		/* Its notes (each point left out) only matter beside a CDF. */
		plot_remove_file(p, "latency-cdf.dat");
		fprintf(stderr, PLOT_PROG ": no latency CDF: uringbpf-db cdf: %s\n", e.msg);
		rc = 0;
		goto out;
	}
	fputs(notes ? notes : "", stderr);	/* points left out, if any */
	pqd = calloc(nb + 1, sizeof(*pqd));
	pfirst = calloc(nb + 1, sizeof(*pfirst));
	pcount = calloc(nb + 1, sizeof(*pcount));
	bstyle = calloc(nb + 1, sizeof(*bstyle));
	btitle = calloc(nb + 1, sizeof(*btitle));
	if (!pqd || !pfirst || !pcount || !bstyle || !btitle) {
		rc = plot_err("out of memory");
		goto out;
	}
	for (int i = 0; i < nb; i++) {
		if (!np || pqd[np - 1] != bl[i].iodepth) {
			pqd[np] = bl[i].iodepth;
			pfirst[np++] = i + 1;
		}
		pcount[np - 1]++;
		/* The config's colour in the other charts. */
		bstyle[i] = plot_style_of(p, bl[i].config) ? plot_style_of(p, bl[i].config) : p->n + 1;
		btitle[i] = bl[i].config;
	}
	gp_str(&b, "note", p->note);
	gp_str(&b, "sub", p->sub);
	plot_gp_file(&b, p, "datafile", "latency-cdf.dat");
	snprintf(num, sizeof(num), "%d", np);
	gp_num(&b, "np", num);
	gp_int_array(&b, "pqd", pqd, np);
	gp_int_array(&b, "pfirst", pfirst, np);
	gp_int_array(&b, "pcount", pcount, np);
	gp_int_array(&b, "bstyle", bstyle, nb);
	gp_str_array(&b, "btitle", btitle, nb);
	plot_headline(&b, p, "completion latency CDF (all repeats merged)");
	rc = plot_draw(p, "cdf.gp", "latency-cdf", &b);
out:
	free(notes);
	free(pqd);
	free(pfirst);
	free(pcount);
	free(bstyle);
	free(btitle);
	ub_cdf_blocks_free(bl, nb);
	return rc;
}
