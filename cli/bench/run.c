// SPDX-License-Identifier: GPL-2.0
/*
 * One run of the plan: fio (its JSON into BASE.json, stderr into
 * BASE.stderr) or t/io_uring (stdout and stderr kept, its per-second IOPS
 * lines turned into BASE.json), the CPU window into BASE.cpu.json, and the
 * run's figures read back from those files.  A run that failed is said on
 * stderr with the last lines of its output and counted.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench/bench.h"

/* The CPU window of a fio run of S seconds: most of it, not its last 20%. */
static long long fio_window_us(double s)
{
	double w = 0.8 * s - 0.05;

	return (long long)((w < 0.05 ? 0.05 : w) * 1e6);
}

int bench_tio_json(const char *stdout_path, const char *json_path, const char *args)
{
	char *text = bench_read_file(stdout_path, NULL), *save, *l;
	double sum = 0;
	int n = 0;
	FILE *f = fopen(json_path, "we");

	if (!f)
		bench_die("cannot write %s", json_path);
	fputs("{\"tool\": \"t/io_uring\", \"args\": \"", f);
	for (const char *p = args; *p; p++)
		if (*p != '"' && *p != '\\')
			fputc(*p, f);
	fputs("\", \"iops_per_second\": [", f);
	for (l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *end;
		double v;

		/* "IOPS=123.45K, BW=..., IOS/call=..." */
		if (strncmp(l, "IOPS=", 5))
			continue;
		v = strtod(l + 5, &end);
		if (end == l + 5)
			continue;
		if (*end == 'K')
			v *= 1e3;
		else if (*end == 'M')
			v *= 1e6;
		fprintf(f, "%s%.0f", n ? ", " : "", v);
		sum += v;
		n++;
	}
	if (n)
		fprintf(f, "], \"iops\": %.3f}\n", sum / n);
	else
		fputs("], \"iops\": null}\n", f);
	free(text);
	if (fclose(f))
		bench_die("cannot write %s", json_path);
	return n ? 0 : 1;
}

void bench_run_one(const struct bench *b, const char *out, struct bench_run *r, int *failures)
{
	char base[PATH_MAX], json[PATH_MAX + 16], cpu[PATH_MAX + 16], err[PATH_MAX + 16];
	char sout[PATH_MAX + 16], store[16384], bn[16], tail[1100], outopt[PATH_MAX + 32];
	char *args[BENCH_MAX_ARGS + 2], *doc;
	struct bench_child c = { 0 };
	int n;

	snprintf(base, sizeof(base), "%s/runs/qd%d-%s-%s-%s-r%d", out, r->qd,
		 bench_mode_names[r->mode], bench_batch_name(r->batch, bn, sizeof(bn)),
		 bench_engine_names[r->engine], r->rep);
	snprintf(json, sizeof(json), "%s.json", base);
	snprintf(cpu, sizeof(cpu), "%s.cpu.json", base);
	snprintf(err, sizeof(err), "%s.stderr", base);
	snprintf(sout, sizeof(sout), "%s.stdout", base);
	snprintf(r->file, sizeof(r->file), "%s", json + strlen(out) + 1);
	c.stderr_path = err;
	r->iops = r->cpu_all = r->cpu_job = r->other = NAN;

	if (r->engine == E_TIO) {
		char targs[1024] = "";
		size_t used = 0;

		n = bench_tio_argv(b, r, b->target, b->t_io_uring, args, store, sizeof(store));
		/* The arguments as recorded: without -r SECS and the target. */
		for (int i = 1; i < n - 3; i++)
			used += snprintf(targs + used, sizeof(targs) - used, "%s%s", i > 1 ? " " : "",
					 args[i]);
		c.stdout_path = sout;
		c.window_us = (b->tio_secs * 1000LL - 400) * 1000;
		r->rc = bench_run_sampled(args, &c, cpu);
		if (bench_tio_json(sout, json, targs) && r->rc == 0)
			r->rc = 1;
	} else {
		n = bench_fio_argv(b, r, b->fio, b->target, b->engine_copy, args, store,
				   sizeof(store));
		snprintf(outopt, sizeof(outopt), "--output=%s", json);
		args[n++] = "--output-format=json";
		args[n++] = outopt;
		args[n] = NULL;
		c.stdout_path = "/dev/null";
		c.window_us = fio_window_us(b->runtime_s);
		c.fio = 1;
		r->rc = bench_run_sampled(args, &c, cpu);
	}

	doc = bench_read_file(json, NULL);
	if (r->engine == E_TIO) {
		r->iops = bench_json_num(doc, "$.iops");
	} else {
		double err_code = bench_json_num(doc, "$.jobs[0].error");

		if (r->rc == 0 && err_code != 0)	/* NAN too: no JSON */
			r->rc = 1;
		r->iops = bench_json_num(doc, "$.jobs[0].read.iops");
		r->cpu_job = (bench_json_num(doc, "$.jobs[0].usr_cpu") +
			      bench_json_num(doc, "$.jobs[0].sys_cpu")) / 100.0;
	}
	free(doc);
	doc = bench_read_file(cpu, NULL);
	{
		double ns = bench_json_num(doc, "$.cpu_ns"), wall = bench_json_num(doc, "$.wall_ns");
		double busy = bench_json_num(doc, "$.sys_busy_ns");

		if (wall > 0) {
			r->cpu_all = ns / wall;
			r->other = (busy - ns) / wall;
		}
	}
	free(doc);
	/* A run stopped by Ctrl-C is dropped, not failed. */
	if (r->rc && !bench_stop) {
		bench_tail(err, r->engine == E_TIO ? sout : NULL, tail, sizeof(tail));
		fprintf(stderr, "bench: FAILED qd%d %s %s %s (rep %d), exit %d: %s\n", r->qd,
			bench_mode_names[r->mode], bench_batch_name(r->batch, bn, sizeof(bn)),
			bench_engine_names[r->engine], r->rep, r->rc, tail);
		(*failures)++;
	}
}

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("\tNA", f);
	else
		fprintf(f, "\t%.15g", v);
}

void bench_runs_tsv(FILE *f, const struct bench_run *runs, int n)
{
	char bn[16];

	fputs("rep\tqd\tmode\tbatch\tengine\torder\trc\tiops\tcpu_all\tcpu_job\tother_cpu\tfile\n", f);
	for (int i = 0; i < n; i++) {
		const struct bench_run *r = &runs[i];

		fprintf(f, "%d\t%d\t%s\t%s\t%s\t%d\t", r->rep, r->qd, bench_mode_names[r->mode],
			bench_batch_name(r->batch, bn, sizeof(bn)), bench_engine_names[r->engine],
			r->order);
		if (r->rc == BENCH_NOT_RUN)
			fputs("not run", f);
		else
			fprintf(f, "%d", r->rc);
		num(f, r->iops);
		num(f, r->cpu_all);
		num(f, r->cpu_job);
		num(f, r->other);
		fprintf(f, "\t%s\n", r->file);
	}
}
