// SPDX-License-Identifier: GPL-2.0
/*
 * The variance gate (pbench-fio's max_stddevpct): after the planned
 * repeats, a point (config x iodepth x axes) whose kIOPS vary by more than
 * --max-stddev-pct of their mean runs once more, until it is steady or has
 * --max-repeats runs.  Each more run is planned in the database first.  The
 * samples keep 3 decimals (two runs equal to 0.1 kIOPS must not read as a
 * stddev of 0); a resumed sweep counts the runs it has already.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

/* The samples of point c, qd, sw.ax (made empty on first use). */
static struct sw_samples *point(const char *c, long qd)
{
	struct sw_samples *s;

	for (int i = 0; i < sw.nsamples; i++) {
		s = &sw.samples[i];
		if (s->qd == qd && !strcmp(s->c, c) && !strcmp(s->ax, sw.ax))
			return s;
	}
	if (sw_config_index(c) < 0)
		return NULL;
	sw.samples = sw_keep(realloc(sw.samples, (sw.nsamples + 1) * sizeof(*sw.samples)));
	s = &sw.samples[sw.nsamples++];
	*s = (struct sw_samples){ .c = sw_strdup(c), .ax = sw_strdup(sw.ax), .qd = qd };
	return s;
}

void sw_sample_add(const char *c, long qd, double kiops)
{
	struct sw_samples *s = point(c, qd);

	if (!s)
		return;
	s->v = sw_keep(realloc(s->v, (s->n + 1) * sizeof(double)));
	s->v[s->n++] = kiops;
}

/*
 * The sample stddev (n-1) as a % of the mean: 0 for fewer than 2 samples; a
 * mean of 0 (figures not read) is never steady.  Not rounded: a bound finer
 * than the printed 2 decimals (--max-stddev-pct 0.001) must still hold.
 */
double sw_stddev_pct(const struct sw_samples *s)
{
	double m = 0, q = 0;

	if (!s || s->n < 2)
		return 0;
	for (int i = 0; i < s->n; i++)
		m += s->v[i];
	m /= s->n;
	if (m == 0)
		return 1e9;
	for (int i = 0; i < s->n; i++)
		q += (s->v[i] - m) * (s->v[i] - m);
	return 100 * sqrt(q / (s->n - 1)) / m;
}

/* A resumed sweep's done points: their kIOPS (all hosts of a run summed). */
void sw_gate_resume_samples(void)
{
	static const char sql[] =
		"SELECT p.config, p.iodepth, printf('%.3f', sum(r.kiops)), p.axes FROM sweep_plan p"
		" JOIN run_points r ON r.run_id = p.run_id WHERE p.sweep = ?1"
		" AND p.fate = 'done' GROUP BY p.seq ORDER BY p.seq";
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(sw.db, sql, -1, &st, NULL) != SQLITE_OK)
		sw_die("--db: reading sweep %s's runs: %s", sw.name, sqlite3_errmsg(sw.db));
	sqlite3_bind_text(st, 1, sw.name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sw.ax = sw_strdup((const char *)sqlite3_column_text(st, 3));
		sw_sample_add((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
			      strtod((const char *)sqlite3_column_text(st, 2), NULL));
	}
	sqlite3_finalize(st);
}

/* A stddev % as printed: 2 decimals, or as many as it takes to differ from the bound. */
static const char *pct(double v)
{
	if (v >= 1e9)
		return "1e+09";
	for (int d = 2; d < 9; d++) {
		const char *s = sw_printf("%.*f", d, v);

		if ((strtod(s, NULL) > sw.max_sd) == (v > sw.max_sd))
			return s;
	}
	return sw_printf("%g", v);
}

void sw_gate(void)
{
	for (int c = 0; c < sw.ncfg; c++) {
		for (int pt = 0; pt < sw.nqd * sw.ncombo; pt++) {
			const char *name = sw.cfg[c].name;
			long qd = sw.qd[pt / sw.ncombo];

			sw.ax = sw.combo[pt % sw.ncombo];
			if (sw.cfg[c].skip || sw.cfg[c].stop)
				continue;
			for (;;) {
				struct sw_samples *s = point(name, qd);
				double sd = sw_stddev_pct(s);
				long n = s ? s->n : 0;
				int r;

				if (sd <= sw.max_sd)
					break;
				if (n >= sw.max_repeats) {
					printf("  unstable: %s qd=%ld%s stddev %s%% > %s%% after %ld runs "
					       "(--max-repeats)\n", name, qd, sw_ax_note(),
					       pct(sd), sw.opt_max_sd, n);
					break;
				}
				printf("  %s qd=%ld%s: stddev %s%% > %s%%, one more run\n", name, qd,
				       sw_ax_note(), pct(sd), sw.opt_max_sd);
				fflush(stdout);
				sw.total++;
				if (sw_plan_add_one(name, qd, n + 1)) {
					sw_warn("can't add %s qd=%ld%s rep %ld to the plan", name, qd,
						sw_ax_note(), n + 1);
					exit(1);
				}
				r = sw_run_point(name, qd, n + 1);
				if (r == 130)
					sw_finish(130);
				if (r)
					break;
			}
		}
	}
}
