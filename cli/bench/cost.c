// SPDX-License-Identifier: GPL-2.0
/*
 * Per-I/O cost that machine noise does not move, for --callgrind:
 *   - user-space instructions per I/O: valgrind --tool=callgrind on fio with
 *     a fixed number of I/Os, counting only inside the job thread
 *     (--toggle-collect=thread_main).  Two runs, N/5 and N I/Os; the
 *     difference divided by the difference in I/Os is the marginal cost of
 *     one I/O, free of setup and teardown.  fio's null engine, measured the
 *     same way, is fio's own share (the floor of any engine).
 *   - io_uring_enter calls per I/O: strace -c -f on the same job (the SQPOLL
 *     thread cannot be traced, so this is what the job itself enters), and
 *     for our engine the count it reports itself (report=FILE).
 * With SQPOLL (and no IOPOLL) both engines wait by spinning on the CQ, so
 * their instruction counts measure waiting, not work: only the enters are
 * counted there.  valgrind and strace are exec'd tools; their outputs are
 * read here (callgrind.c; strace -c's summary table).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench/cost.h"

struct cost_ctx {
	const struct bench *b;
	const char *dir;
	int *failures;
	struct cost c;
};

/* One callgrind run: NAME.cg, NAME.fn, NAME.json; *total and *ios; 0 ok. */
static int callgrind(struct cost_ctx *x, const char *name, int eng, int mode, int qd, int batch,
		     long long ios, struct cg_profile *prof, double *total, double *nios)
{
	char store[16384], cgout[PATH_MAX + 64], json[PATH_MAX + 64], log[PATH_MAX + 64];
	char cgopt[PATH_MAX + 96], outopt[PATH_MAX + 96], fnf[PATH_MAX + 64], tail[1100];
	char *args[BENCH_MAX_ARGS + 8];
	int n, rc;
	char *doc;

	snprintf(cgout, sizeof(cgout), "%s/%s.cg", x->dir, name);
	snprintf(json, sizeof(json), "%s/%s.json", x->dir, name);
	snprintf(log, sizeof(log), "%s/%s.log", x->dir, name);
	snprintf(fnf, sizeof(fnf), "%s/%s.fn", x->dir, name);
	snprintf(cgopt, sizeof(cgopt), "--callgrind-out-file=%s", cgout);
	snprintf(outopt, sizeof(outopt), "--output=%s", json);
	args[0] = "valgrind";
	args[1] = "--tool=callgrind";
	args[2] = "--toggle-collect=thread_main";
	args[3] = cgopt;
	n = 4 + bench_cost_argv(x->b, eng, mode, qd, batch, ios, args + 4, store, sizeof(store));
	args[n++] = outopt;
	args[n] = NULL;
	rc = bench_spawn(args, log, "=");
	if (rc) {
		bench_tail(log, NULL, tail, sizeof(tail));
		fprintf(stderr, "bench: callgrind run %s failed: %s\n", name, tail);
		return -1;
	}
	if (cg_parse(cgout, prof)) {
		fprintf(stderr, "bench: callgrind run %s left no %s\n", name, cgout);
		return -1;
	}
	cg_sort(prof);
	cg_write(prof, fnf, "%.0f");
	*total = cg_total(prof);
	doc = bench_read_file(json, NULL);
	*nios = bench_json_num(doc, "$.jobs[0].read.total_ios");
	free(doc);
	return isnan(*nios) ? -1 : 0;
}

/* strace -c's summary: the calls of the line whose last field is io_uring_enter. */
static double strace_calls(const char *path)
{
	char *text = bench_read_file(path, NULL), *save, *l;
	double calls = 0;

	for (l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		int nf = 0;
		char *s2, *w;

		for (w = strtok_r(l, " \t", &s2); w && nf < 8; w = strtok_r(NULL, " \t", &s2))
			f[nf++] = w;
		if (nf >= 4 && !strcmp(f[nf - 1], "io_uring_enter"))
			calls = atof(f[3]);
	}
	free(text);
	return calls;
}

/* One strace run: enters per I/O seen by strace, and our engine's own count. */
static int enters(struct cost_ctx *x, const char *name, int eng, int mode, int qd, int batch,
		  long long ios, char *seen, char *own, size_t len)
{
	char store[16384], trace[PATH_MAX + 64], json[PATH_MAX + 64], log[PATH_MAX + 64];
	char report[PATH_MAX + 64], ropt[PATH_MAX + 96], outopt[PATH_MAX + 96], tail[1100];
	char *args[BENCH_MAX_ARGS + 16], *doc;
	double calls, nios, ec, rios;
	int n, rc;

	snprintf(trace, sizeof(trace), "%s/%s.strace", x->dir, name);
	snprintf(json, sizeof(json), "%s/%s.json", x->dir, name);
	snprintf(log, sizeof(log), "%s/%s.log", x->dir, name);
	snprintf(report, sizeof(report), "%s/%s.report.jsonl", x->dir, name);
	snprintf(ropt, sizeof(ropt), "--report=%s", report);
	snprintf(outopt, sizeof(outopt), "--output=%s", json);
	unlink(report);
	args[0] = "strace";
	args[1] = "-f";
	args[2] = "-c";
	args[3] = "-e";
	args[4] = "trace=io_uring_enter";
	args[5] = "-o";
	args[6] = trace;
	n = 7 + bench_cost_argv(x->b, eng, mode, qd, batch, ios, args + 7, store, sizeof(store));
	if (eng == E_OURS)
		args[n++] = ropt;
	args[n++] = outopt;
	args[n] = NULL;
	rc = bench_spawn(args, log, "=");
	if (rc) {
		bench_tail(log, NULL, tail, sizeof(tail));
		fprintf(stderr, "bench: strace run %s failed: %s\n", name, tail);
		return -1;
	}
	calls = strace_calls(trace);
	doc = bench_read_file(json, NULL);
	nios = bench_json_num(doc, "$.jobs[0].read.total_ios");
	free(doc);
	snprintf(seen, len, "%.4f", nios > 0 ? calls / nios : -1);
	snprintf(own, len, "NA");
	/* The engine's report=FILE: one JSON object per job (one job here). */
	doc = bench_read_file(report, NULL);
	if (doc) {
		ec = bench_json_num(doc, "$.enter_calls");
		rios = bench_json_num(doc, "$.ios");
		if (rios > 0 && !isnan(ec))
			snprintf(own, len, "%.3f", ec / rios);
		free(doc);
	}
	return 0;
}

/* Instructions per I/O in the engine's own code: our .so (liburing is
 * linked into it) / fio's fio_ioring_* functions. */
static double engine_share(const struct cg_profile *perio, int eng)
{
	double s = 0;

	for (int i = 0; i < perio->n; i++)
		if ((eng == E_OURS && !strcmp(perio->f[i].obj, "fio-uringbpf.so")) ||
		    (eng == E_IO_URING && !strncmp(perio->f[i].fn, "fio_ioring_", 11)))
			s += perio->f[i].ir;
	return s;
}

static void cost_one(struct cost_ctx *x, int eng, int mode, int qd, int batch)
{
	long long n2 = x->c.ios, n1 = x->c.ios / 5;
	struct cost_row *r;
	char tag[96], name[128], bn[16];

	if (x->c.n == x->c.cap) {
		x->c.cap = x->c.cap ? 2 * x->c.cap : 32;
		x->c.rows = realloc(x->c.rows, x->c.cap * sizeof(*x->c.rows));
		if (!x->c.rows)
			bench_die("out of memory");
	}
	r = &x->c.rows[x->c.n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->mode, sizeof(r->mode), "%s", mode < 0 ? "-" : bench_mode_names[mode]);
	snprintf(r->batch, sizeof(r->batch), "%s", bench_batch_name(batch, bn, sizeof(bn)));
	snprintf(r->engine, sizeof(r->engine), "%s", eng < 0 ? "null" : bench_engine_names[eng]);
	r->qd = qd;
	strcpy(r->per, "NA");
	strcpy(r->share, "NA");
	strcpy(r->enters, "NA");
	strcpy(r->own, "NA");
	snprintf(tag, sizeof(tag), "%s-%s-qd%d-%s", r->engine, r->mode, qd, r->batch);

	if (mode != M_SQPOLL) {
		struct cg_profile p1, p2;
		double t1, t2, i1, i2;

		bench_log("cost: %s: callgrind at %lld and %lld I/Os", tag, n1, n2);
		snprintf(name, sizeof(name), "%s-n1", tag);
		if (callgrind(x, name, eng, mode, qd, batch, n1, &p1, &t1, &i1) ||
		    (snprintf(name, sizeof(name), "%s-n2", tag),
		     callgrind(x, name, eng, mode, qd, batch, n2, &p2, &t2, &i2)) || i2 == i1) {
			(*x->failures)++;
			strcpy(r->per, "fail");
		} else {
			char path[PATH_MAX + 160];

			snprintf(r->per, sizeof(r->per), "%.1f", (t2 - t1) / (i2 - i1));
			cg_per_io(&p1, &p2, i2 - i1, &r->perio);
			r->has_perio = 1;
			snprintf(path, sizeof(path), "%s/%s.perio", x->dir, tag);
			cg_write(&r->perio, path, "%.2f");
			if (eng >= 0)
				snprintf(r->share, sizeof(r->share), "%.1f",
					 engine_share(&r->perio, eng));
			cg_free(&p2);
		}
		cg_free(&p1);
	}
	if (eng >= 0) {
		bench_log("cost: %s: strace at %lld I/Os", tag, n2);
		snprintf(name, sizeof(name), "%s-strace", tag);
		if (enters(x, name, eng, mode, qd, batch, n2, r->enters, r->own, sizeof(r->enters))) {
			(*x->failures)++;
			strcpy(r->enters, "fail");
		}
	}
}

void bench_cost(const struct bench *b, const char *dir, int *failures)
{
	struct cost_ctx x = { b, dir, failures, { .ios = b->cost_ios } };
	int maxqd = 0, nb, cfg_qd[3], cfg_batch[3], ncfg = 0, i, m, k;
	char path[PATH_MAX + 32];
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST)
		bench_die("cannot create %s", dir);
	for (i = 0; i < b->nqds; i++)
		if (b->qds[i] > maxqd)
			maxqd = b->qds[i];
	/* QD1 and the deepest QD at fio's default batching, the deepest batched. */
	cfg_qd[ncfg] = 1, cfg_batch[ncfg++] = 0;
	if (maxqd > 1)
		cfg_qd[ncfg] = maxqd, cfg_batch[ncfg++] = 0;
	nb = b->batch > maxqd ? maxqd : b->batch;
	if (nb > 1)
		cfg_qd[ncfg] = maxqd, cfg_batch[ncfg++] = nb;

	/* fio's own share: the null engine has no ring, so no mode. */
	for (k = 0; k < ncfg; k++)
		cost_one(&x, -1, -1, cfg_qd[k], cfg_batch[k]);
	for (m = 0; m < b->nmodes_run; m++)
		for (k = 0; k < ncfg; k++) {
			cost_one(&x, E_IO_URING, b->modes_run[m], cfg_qd[k], cfg_batch[k]);
			cost_one(&x, E_OURS, b->modes_run[m], cfg_qd[k], cfg_batch[k]);
		}

	snprintf(path, sizeof(path), "%s/cost.tsv", dir);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	fputs("mode\tqd\tbatch\tengine\tir_per_io\tengine_ir_per_io\tenters_per_io\tenters_per_io_own\n", f);
	for (i = 0; i < x.c.n; i++) {
		struct cost_row *r = &x.c.rows[i];

		fprintf(f, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r->mode, r->qd, r->batch, r->engine,
			r->per, r->share, r->enters, r->own);
	}
	if (fclose(f))
		bench_die("cannot write %s", path);
	snprintf(path, sizeof(path), "%s/cost.md", dir);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	bench_cost_report(f, &x.c);
	if (fclose(f))
		bench_die("cannot write %s", path);
	for (i = 0; i < x.c.n; i++)
		cg_free(&x.c.rows[i].perio);
	free(x.c.rows);
}
