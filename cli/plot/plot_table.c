// SPDX-License-Identifier: GPL-2.0
/*
 * table.md: the seed-table layout (a row per config, a column per iodepth)
 * of kIOPS, kIOPS per core and CPU cores when measured, p99 latency and the
 * finer tail percentiles the profile asked fio for, then what was not run.
 * Every table is results-db/report.c's (uringbpf db table).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plot/plot.h"

/* One table of p's rw/bs; metric: one or several, comma-separated. */
static int table(struct plot *p, FILE *f, const char *metric)
{
	struct ub_err e = { "" };

	if (ub_cmd_table(p->db, &p->f, metric, f, &e))
		return plot_err("table.md: the table of %s for sweep '%s': %s", metric, p->f.sweep,
				e.msg);
	return 0;
}

struct pct {
	char *text;
	double v;
};

static int cmp_pct(const void *a, const void *b)
{
	double x = ((const struct pct *)a)->v, y = ((const struct pct *)b)->v;

	return x < y ? -1 : x > y;
}

/*
 * The tail percentiles above p99 the sweep's percentile_list asked fio for
 * (qd1-latency: up to p99.999), ascending, each once.
 */
static int tail_percentiles(struct plot *p, struct pct **out, int *n)
{
	sqlite3_stmt *st;
	struct pct *v = NULL;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(p->db, "SELECT DISTINCT json_extract(j.options, '$.percentile_list')"
			       " FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return plot_err("reading the percentile_list of sweep '%s': %s", p->f.sweep,
				sqlite3_errmsg(p->db));
	sqlite3_bind_text(st, 1, p->f.sweep, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *list = (const char *)sqlite3_column_text(st, 0);
		char *dup = list ? strdup(list) : NULL, *tok, *save = NULL;

		for (tok = dup ? strtok_r(dup, ":", &save) : NULL; tok; tok = strtok_r(NULL, ":", &save)) {
			char *end;
			double x;
			int seen = 0;

			tok += strspn(tok, " \t");
			tok[strcspn(tok, " \t")] = 0;
			x = strtod(tok, &end);
			if (end == tok || *end || !(x > 99 && x <= 100))
				continue;
			for (int i = 0; i < *n; i++)
				seen |= v[i].v == x;
			if (seen)
				continue;
			struct pct *nv = realloc(v, sizeof(*v) * (*n + 1));

			if (!nv || !(nv[*n].text = strdup(tok))) {
				v = nv ? nv : v;
				free(dup);
				sqlite3_finalize(st);
				*out = v;
				return plot_err("out of memory");
			}
			v = nv;
			v[(*n)++].v = x;
		}
		free(dup);
	}
	sqlite3_finalize(st);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_pct);
	*out = v;
	if (rc != SQLITE_DONE)
		return plot_err("reading the percentile_list of sweep '%s': %s", p->f.sweep,
				sqlite3_errmsg(p->db));
	return 0;
}

/*
 * "- CONFIG (from qd=N AXES): REASON" per line of what the sweep did not run
 * (AXES: the point's --axis values, the not-run line's 6th field).
 */
void plot_not_run_list(FILE *f, const char *skipped)
{
	char *text = strdup(skipped), *line, *save = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		size_t qd_len = t2 ? (size_t)(t2 - t1 - 1) : 0;
		const char *why = t2 ? t2 + 1 : "", *ax = why;

		for (int i = 0; i < 3 && ax; i++) {
			ax = strchr(ax, '\t');
			ax = ax ? ax + 1 : NULL;
		}
		if (t1)
			*t1 = 0;
		fprintf(f, "- %s", line);
		if (t2 && !(qd_len == 3 && !strncmp(t1 + 1, "all", 3)))
			fprintf(f, " (from qd=%.*s%s%s)", (int)qd_len, t1 + 1, ax && *ax ? " " : "",
				ax ? ax : "");
		fprintf(f, ": %.*s\n", (int)strcspn(why, "\t"), why);
	}
	free(text);
}

int plot_table(struct plot *p)
{
	struct pct *pcts = NULL;
	int npct = 0, rc;
	char *ctx = plot_context_line(&p->info, "device kernel host fio_version date");
	char *path = plot_path(p, "table.md");
	FILE *f = path ? fopen(path, "w") : NULL;

	if (!ctx || !path || !f) {
		free(ctx);
		if (f)
			fclose(f);
		rc = path ? plot_err("can't write %s: %m", path) : plot_err("out of memory");
		free(path);
		return rc;
	}
	fprintf(f, "## %s%s%s%s%s: kIOPS by iodepth\n\n%s\n\n", p->f.sweep, p->f.rw ? ", rw " : "",
		p->f.rw ? p->f.rw : "", p->f.bs ? ", bs " : "", p->f.bs ? p->f.bs : "", ctx);
	rc = table(p, f, "kiops");
	if (!rc && p->has_cpu) {
		fprintf(f, "\nkIOPS beside kIOPS per CPU core (cpu_cores: CPU-seconds per second of every\n"
			"thread of the fio run, an SQPOLL thread included; fio_cpu_cores: fio's own\n"
			"usr+sys of its job threads, which leaves those out):\n\n");
		rc = table(p, f, "kiops,kiops_per_core");
		if (!rc) {
			fputc('\n', f);
			rc = table(p, f, "cpu_cores,fio_cpu_cores");
		}
	}
	if (!rc) {
		fprintf(f, "\nCompletion latency p99 (µs):\n\n");
		rc = table(p, f, "clat_p99_us");
	}
	rc = rc ? rc : tail_percentiles(p, &pcts, &npct);
	for (int i = 0; !rc && i < npct; i++) {
		char metric[64];

		fprintf(f, "\nCompletion latency p%s (µs):\n\n", pcts[i].text);
		snprintf(metric, sizeof(metric), "clat_p%s_us", pcts[i].text);
		rc = table(p, f, metric);
	}
	if (!rc && p->skipped) {
		fprintf(f, "\nNot run:\n");
		plot_not_run_list(f, p->skipped);
	}
	if (fclose(f) && !rc)
		rc = plot_err("writing %s: %m", path);
	rc = rc ? rc : plot_add_drawn(p, path);
	for (int i = 0; i < npct; i++)
		free(pcts[i].text);
	free(pcts);
	free(ctx);
	free(path);
	return rc;
}
