// SPDX-License-Identifier: GPL-2.0
/*
 * The runs -> markdown: IOPS, IOPS per CPU-second (every thread; fio's
 * usr+sys of the job thread), the noise line and the goals of issue 7.
 * Rows are (QD, mode, batching) in the order they ran.  Each cell is the
 * median over repeats of that metric; a ratio is the median of ours over
 * the median of the peer.  "—" not run, "fail" a run of it failed, "n/a"
 * no figure (e.g. no CPU window).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench/bench.h"

enum metric { T_IOPS, T_ALL, T_JOB };

struct row {
	int qd, mode, batch;
};

struct tab {
	const struct bench *b;
	const struct bench_run *runs;
	int n;
	struct row *rows;
	int nrows;
};

static int same_row(const struct row *w, const struct bench_run *r)
{
	return w->qd == r->qd && w->mode == r->mode && w->batch == r->batch;
}

/* The metric of one good run, or NAN. */
static double value(const struct bench_run *r, enum metric m)
{
	switch (m) {
	case T_IOPS:
		return r->iops;
	case T_ALL:
		return !isnan(r->cpu_all) && r->cpu_all > 0 ? r->iops / r->cpu_all : NAN;
	case T_JOB:
		return !isnan(r->cpu_job) && r->cpu_job > 0 ? r->iops / r->cpu_job : NAN;
	}
	return NAN;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* State of (row, engine): 0 not run, 1 ran, 2 a run failed; *med the median. */
static int state(const struct tab *t, const struct row *w, int eng, enum metric m, double *med)
{
	double *v = malloc((t->n + 1) * sizeof(*v));
	int ran = 0, failed = 0, k = 0;

	for (int i = 0; i < t->n; i++) {
		const struct bench_run *r = &t->runs[i];
		double x;

		if (!same_row(w, r) || r->engine != eng)
			continue;
		ran = 1;
		if (r->rc != 0 || isnan(r->iops)) {
			failed = 1;
			continue;
		}
		x = value(r, m);
		if (!isnan(x))
			v[k++] = x;
	}
	*med = median(v, k);
	free(v);
	return failed ? 2 : ran;
}

static void cell(const struct tab *t, const struct row *w, int eng, enum metric m, char *buf,
		 size_t len)
{
	double x;
	int s = state(t, w, eng, m, &x);

	if (!s)
		snprintf(buf, len, "—");
	else if (s == 2)
		snprintf(buf, len, "fail");
	else if (isnan(x))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f", x / 1000);
}

/* The ratio cell; *val its value as shown (NAN for "—", "fail", "n/a"). */
static void ratio(const struct tab *t, const struct row *w, int peer, enum metric m, char *buf,
		  size_t len, double *val)
{
	double a, b;
	int sa = state(t, w, E_OURS, m, &a), sb = state(t, w, peer, m, &b);

	*val = NAN;
	if (!sa || !sb)
		snprintf(buf, len, "—");
	else if (sa == 2 || sb == 2)
		snprintf(buf, len, "fail");
	else if (isnan(a) || isnan(b) || b == 0)
		snprintf(buf, len, "n/a");
	else {
		snprintf(buf, len, "%.2f", a / b);
		*val = strtod(buf, NULL);
	}
}

static const char *batch_label(int batch, char *buf, size_t len)
{
	if (!batch)
		return "fio default";
	snprintf(buf, len, "submit/complete %d", batch);
	return buf;
}

static void table(FILE *f, const struct tab *t, enum metric m, const char *title, int skip)
{
	int cols[E_NENGINES], nc = 0, i, j;
	char c[32], bl[48];

	for (j = 0; j < t->b->npeers; j++)
		if (t->b->peer_list[j] != skip)
			cols[nc++] = t->b->peer_list[j];
	fprintf(f, "\n%s\n\n| QD | mode | batching | ours", title);
	for (j = 0; j < nc; j++)
		fprintf(f, " | %s", bench_engine_names[cols[j]]);
	for (j = 0; j < nc; j++)
		fprintf(f, " | ours/%s", bench_engine_names[cols[j]]);
	fputs(" |\n|---:|---|---|---:", f);
	for (j = 0; j < 2 * nc; j++)
		fputs("|---:", f);
	fputs("|\n", f);
	for (i = 0; i < t->nrows; i++) {
		const struct row *w = &t->rows[i];
		double dummy;

		cell(t, w, E_OURS, m, c, sizeof(c));
		fprintf(f, "| %d | %s | %s | %s", w->qd, bench_mode_names[w->mode],
			batch_label(w->batch, bl, sizeof(bl)), c);
		for (j = 0; j < nc; j++) {
			cell(t, w, cols[j], m, c, sizeof(c));
			fprintf(f, " | %s", c);
		}
		for (j = 0; j < nc; j++) {
			ratio(t, w, cols[j], m, c, sizeof(c), &dummy);
			fprintf(f, " | %s", c);
		}
		fputs(" |\n", f);
	}
}

/* PASS when every row (of QD qd, or all when qd is 0) where both ran reaches want. */
static void goal(FILE *f, const struct tab *t, const char *label, enum metric m, int peer,
		 double want, int qd)
{
	int cnt = 0, ok = 0, have_worst = 0, i;
	double worst = 0;
	char c[32], wrow[96] = "", bl[48];

	for (i = 0; i < t->nrows; i++) {
		const struct row *w = &t->rows[i];
		double x;

		if (qd && w->qd != qd)
			continue;
		ratio(t, w, peer, m, c, sizeof(c), &x);
		if (!strcmp(c, "—"))
			continue;
		cnt++;
		if (!isnan(x) && x >= want)
			ok++;
		if (isnan(x))
			x = -1;
		if (!have_worst || x < worst) {
			have_worst = 1;
			worst = x;
			snprintf(wrow, sizeof(wrow), "%d %s %s", w->qd, bench_mode_names[w->mode],
				 batch_label(w->batch, bl, sizeof(bl)));
		}
	}
	if (!cnt) {
		fprintf(f, "- %s: not measured in this run\n", label);
		return;
	}
	if (worst == -1)
		snprintf(c, sizeof(c), "fail");
	else
		snprintf(c, sizeof(c), "%.2f", worst);
	fprintf(f, "- %s: %s, %d of %d rows (lowest %s at QD%s)\n", label,
		ok == cnt ? "met" : "NOT met", ok, cnt, c, wrow);
}

/* The rest of the machine during the good runs. */
static void noise(FILE *f, const struct tab *t)
{
	double *v = malloc((t->n + 1) * sizeof(*v)), maxother = 0;
	int k = 0, busy = 0;
	const char *maxrun = "";

	for (int i = 0; i < t->n; i++) {
		const struct bench_run *r = &t->runs[i];

		if (r->rc != 0 || isnan(r->iops) || isnan(r->other))
			continue;
		v[k++] = r->other;
		if (r->other > 0.25) {
			busy++;
			if (r->other > maxother) {
				maxother = r->other;
				maxrun = r->file;
			}
		}
	}
	if (k) {
		fprintf(f, "\nNoise: the rest of the machine used a median %.2f cores during the runs",
			median(v, k));
		if (busy)
			fprintf(f, "; %d of %d runs saw more than 0.25 cores elsewhere (at most %.2f, "
				"%s): their ratios are less reliable", busy, k, maxother, maxrun);
		fputs(".\n", f);
	}
	free(v);
}

int bench_table(FILE *f, const struct bench *b, const struct bench_run *runs, int n,
		int iops_only)
{
	struct tab t = { b, runs, n, calloc(n + 1, sizeof(struct row)), 0 };
	int maxqd = 0, goalqd = 0, i, j;
	char label[96];

	for (i = 0; i < n; i++) {
		for (j = 0; j < t.nrows && !same_row(&t.rows[j], &runs[i]); j++)
			;
		if (j == t.nrows)
			t.rows[t.nrows++] = (struct row){ runs[i].qd, runs[i].mode, runs[i].batch };
	}
	if (!t.nrows) {
		fputs("no runs\n", f);
		free(t.rows);
		return 1;
	}
	table(f, &t, T_IOPS, "IOPS (thousands)", -1);
	if (iops_only) {
		fputc('\n', f);
		free(t.rows);
		return 0;
	}
	table(f, &t, T_ALL, "IOPS per CPU-second (thousands; CPU = every thread of the job's "
	      "process: job, io-wq workers, SQPOLL thread)", -1);
	table(f, &t, T_JOB, "IOPS per CPU-second (thousands; CPU = fio's usr+sys of the job "
	      "thread only, as fio reports it)", E_TIO);
	for (i = 0; i < t.nrows; i++) {
		if (t.rows[i].qd > maxqd)
			maxqd = t.rows[i].qd;
		if (t.rows[i].qd == 32)
			goalqd = 32;
	}
	if (!goalqd)
		goalqd = maxqd;
	noise(f, &t);
	fputs("\nGoals of issue 7 (ratios from this run):\n\n", f);
	goal(f, &t, "IOPS per CPU-second (all threads) >= 1.00x fio io_uring at every row", T_ALL,
	     E_IO_URING, 1.00, 0);
	goal(f, &t, "IOPS per CPU-second (all threads) >= 1.10x fio io_uring at QD1", T_ALL,
	     E_IO_URING, 1.10, 1);
	goal(f, &t, "IOPS per CPU-second (fio usr+sys) >= 1.00x fio io_uring at every row", T_JOB,
	     E_IO_URING, 1.00, 0);
	goal(f, &t, "IOPS per CPU-second (fio usr+sys) >= 1.10x fio io_uring at QD1", T_JOB,
	     E_IO_URING, 1.10, 1);
	snprintf(label, sizeof(label), "IOPS >= 0.90x t/io_uring at QD%d", goalqd);
	goal(f, &t, label, T_IOPS, E_TIO, 0.90, goalqd);
	free(t.rows);
	return 0;
}
