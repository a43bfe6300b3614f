// SPDX-License-Identifier: GPL-2.0
/*
 * The run matrix: for each repeat, mode, iodepth and batching, our engine
 * then the peers that have the mode; every other repeat runs the engines in
 * reverse order, so that drift or warm-up favours no engine.  And the
 * command line of each run: the same job for every fio engine, the mode's
 * ring options the same for ours and fio's io_uring.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench/bench.h"

const char *bench_batch_name(int batch, char *buf, size_t len)
{
	if (!batch)
		return "fio";
	snprintf(buf, len, "b%d", batch);
	return buf;
}

/* Ours first, then the peers (in --peers order) that have this mode. */
static int engines_for(const struct bench *b, int mode, int *engs)
{
	int n = 0;

	engs[n++] = E_OURS;
	for (int i = 0; i < b->npeers; i++) {
		int e = b->peer_list[i];

		if (e == E_IO_URING || (e == E_LIBAIO && mode == M_INTERRUPT) ||
		    (e == E_TIO && (mode == M_INTERRUPT || mode == M_IOPOLL)))
			engs[n++] = e;
	}
	return n;
}

/* fio's default batching, and "bN" (N = --batch capped at the QD) when N > 1. */
static int batches_for(const struct bench *b, int qd, int *batches)
{
	int n = b->batch > qd ? qd : b->batch;

	batches[0] = 0;
	if (n > 1) {
		batches[1] = n;
		return 2;
	}
	return 1;
}

struct bench_run *bench_plan(const struct bench *b, int *count)
{
	struct bench_run *runs = NULL;
	int n = 0, cap = 0;

	for (int rep = 1; rep <= b->repeats; rep++)
		for (int m = 0; m < b->nmodes_run; m++)
			for (int q = 0; q < b->nqds; q++) {
				int batches[2], nb = batches_for(b, b->qds[q], batches);

				for (int k = 0; k < nb; k++) {
					int engs[E_NENGINES], ne = engines_for(b, b->modes_run[m], engs);

					for (int i = 0; i < ne; i++) {
						struct bench_run *r;

						if (n == cap) {
							cap = cap ? 2 * cap : 64;
							runs = realloc(runs, cap * sizeof(*runs));
							if (!runs)
								bench_die("out of memory");
						}
						r = &runs[n++];
						memset(r, 0, sizeof(*r));
						r->rep = rep;
						r->qd = b->qds[q];
						r->mode = b->modes_run[m];
						r->batch = batches[k];
						r->engine = rep % 2 == 0 ? engs[ne - 1 - i] : engs[i];
						r->order = i + 1;
					}
				}
			}
	*count = n;
	return runs;
}

struct argv_buf {
	char **args, *store;
	size_t len, used;
	int n;
};

static void add(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	int l;

	if (a->n >= BENCH_MAX_ARGS - 1)
		bench_die("a run's command line has too many options");
	va_start(ap, fmt);
	l = vsnprintf(a->store + a->used, a->len - a->used, fmt, ap);
	va_end(ap);
	if (l < 0 || (size_t)l >= a->len - a->used)
		bench_die("a run's command line is too long");
	a->args[a->n++] = a->store + a->used;
	a->args[a->n] = NULL;
	a->used += l + 1;
}

/* The mode's ring options, the same for our engine and fio's io_uring. */
static void mode_opts(struct argv_buf *a, int mode)
{
	if (mode == M_SQPOLL || mode == M_SQPOLL_IOPOLL)
		add(a, "--sqthread_poll=1");
	if (mode == M_IOPOLL || mode == M_SQPOLL_IOPOLL)
		add(a, "--hipri=1");
}

static void engine_opts(struct argv_buf *a, const struct bench *b, int engine, const char *spec)
{
	if (engine == E_OURS)
		add(a, "--ioengine=external:%s", spec);
	else
		add(a, "--ioengine=%s", bench_engine_names[engine]);
	if (engine != E_LIBAIO) {
		add(a, "--fixedbufs=1");
		add(a, "--registerfiles=1");
	}
}

static void batch_opts(struct argv_buf *a, int batch)
{
	if (batch) {
		add(a, "--iodepth_batch_submit=%d", batch);
		add(a, "--iodepth_batch_complete_min=%d", batch);
	}
}

static void ours_opts(struct argv_buf *a, const struct bench *b, int engine)
{
	if (engine == E_OURS)
		for (int i = 0; i < b->ours_argc; i++)
			add(a, "%s", b->ours_argv[i]);
}

int bench_cost_argv(const struct bench *b, int engine, int mode, int qd, int batch, long long ios,
		    char **args, char *store, size_t len)
{
	struct argv_buf a = { args, store, len, 0, 0 };

	add(&a, "%s", b->fio);
	add(&a, "--name=cost-%s", engine < 0 ? "null" : bench_engine_names[engine]);
	add(&a, "--filename=%s", b->target);
	add(&a, "--size=%s", b->size);
	add(&a, "--rw=randread");
	add(&a, "--bs=%s", b->bs);
	add(&a, "--direct=%d", b->direct);
	add(&a, "--iodepth=%d", qd);
	add(&a, "--number_ios=%lld", ios);
	add(&a, "--norandommap=1");
	add(&a, "--randrepeat=0");
	add(&a, "--thread=1");
	add(&a, "--output-format=json");
	if (engine < 0) {
		add(&a, "--ioengine=null");
	} else {
		engine_opts(&a, b, engine, b->engine_copy);
		mode_opts(&a, mode);
	}
	ours_opts(&a, b, engine);
	batch_opts(&a, batch);
	return a.n;
}

int bench_fio_argv(const struct bench *b, const struct bench_run *r, const char *prog,
		   const char *target, const char *engine_spec, char **args, char *store,
		   size_t len)
{
	struct argv_buf a = { args, store, len, 0, 0 };
	const char *eng = bench_engine_names[r->engine];

	add(&a, "%s", prog);
	add(&a, "--name=bench-%s", eng);
	add(&a, "--filename=%s", target);
	add(&a, "--size=%s", b->size);
	add(&a, "--rw=randread");
	add(&a, "--bs=%s", b->bs);
	add(&a, "--direct=%d", b->direct);
	add(&a, "--iodepth=%d", r->qd);
	add(&a, "--time_based=1");
	add(&a, "--runtime=%dms", b->runtime_ms);
	add(&a, "--norandommap=1");
	add(&a, "--randrepeat=0");
	engine_opts(&a, b, r->engine, engine_spec);
	mode_opts(&a, r->mode);
	ours_opts(&a, b, r->engine);
	batch_opts(&a, r->batch);
	return a.n;
}

int bench_tio_argv(const struct bench *b, const struct bench_run *r, const char *target,
		   const char *prog, char **args, char *store, size_t len)
{
	struct argv_buf a = { args, store, len, 0, 0 };
	int n = r->batch ? r->batch : 1;

	add(&a, "%s", prog);
	add(&a, "-d");
	add(&a, "%d", r->qd);
	add(&a, "-s");
	add(&a, "%d", n);
	add(&a, "-c");
	add(&a, "%d", n);
	add(&a, "-b");
	add(&a, "%lld", b->bs_bytes);
	add(&a, "-p");
	add(&a, "%d", r->mode == M_IOPOLL || r->mode == M_SQPOLL_IOPOLL);
	add(&a, "-B");
	add(&a, "1");
	add(&a, "-F");
	add(&a, "1");
	add(&a, "-O");
	add(&a, "%d", b->direct);
	add(&a, "-n");
	add(&a, "1");
	add(&a, "-r");
	add(&a, "%d", b->tio_secs);
	add(&a, "%s", target);
	return a.n;
}
