// SPDX-License-Identifier: GPL-2.0
/*
 * --callgrind's rows -> cost.md: per (mode, QD, batching) the instructions
 * per I/O of fio's null engine, fio's io_uring and ours, their ratio, the
 * engines' own code's share, the enters per I/O; then, where the two
 * engines differ, the functions (engine functions always, fio functions
 * whose count changes by 1 or more), top 25.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/bench/cost.h"

static int na(const char *s) { return !*s || !strcmp(s, "NA") || !strcmp(s, "fail"); }

/* "— (spins)" where nothing was counted (SQPOLL waits by spinning). */
static const char *v(const char *s) { return !strcmp(s, "NA") ? "— (spins)" : s; }

static const char *batch_label(const char *b, char *buf, size_t len)
{
	if (!strcmp(b, "fio"))
		return "fio default";
	snprintf(buf, len, "submit/complete %s", b + 1);
	return buf;
}

static const struct cost_row *find(const struct cost *c, const char *mode, int qd,
				   const char *batch, const char *engine)
{
	for (int i = 0; i < c->n; i++) {
		const struct cost_row *r = &c->rows[i];

		if ((!mode || !strcmp(r->mode, mode)) && r->qd == qd && !strcmp(r->batch, batch) &&
		    !strcmp(r->engine, engine))
			return r;
	}
	return NULL;
}

/* The first row of each (mode, QD, batching) of the engines, in order. */
static int first_of_key(const struct cost *c, int i)
{
	const struct cost_row *r = &c->rows[i];

	if (!strcmp(r->engine, "null"))
		return 0;
	for (int j = 0; j < i; j++) {
		const struct cost_row *q = &c->rows[j];

		if (strcmp(q->engine, "null") && !strcmp(q->mode, r->mode) && q->qd == r->qd &&
		    !strcmp(q->batch, r->batch))
			return 0;
	}
	return 1;
}

struct diff {
	const char *fn, *obj;
	double a, b, key;
};

static int by_key_desc(const void *x, const void *y)
{
	double a = ((const struct diff *)x)->key, b = ((const struct diff *)y)->key;

	return a > b ? -1 : a < b;
}

static void add_diff(struct diff *d, int *n, const struct cg_fn *f, double a, double b)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(d[i].fn, f->fn) && !strcmp(d[i].obj, f->obj))
			return;
	d[(*n)++] = (struct diff){ f->fn, f->obj, a, b, 0 };
}

static void functions(FILE *f, const struct cost_row *a, const struct cost_row *b)
{
	int cap = a->perio.n + b->perio.n + 1, n = 0, shown = 0;
	struct diff *d = calloc(cap, sizeof(*d));

	for (int i = 0; i < a->perio.n; i++) {
		const struct cg_fn *fa = &a->perio.f[i];
		struct cg_fn *fb = cg_find((struct cg_profile *)&b->perio, fa->obj, fa->fn, 0);

		add_diff(d, &n, fa, fa->ir, fb ? fb->ir : 0);
	}
	for (int i = 0; i < b->perio.n; i++) {
		const struct cg_fn *fb = &b->perio.f[i];
		struct cg_fn *fa = cg_find((struct cg_profile *)&a->perio, fb->obj, fb->fn, 0);

		add_diff(d, &n, fb, fa ? fa->ir : 0, fb->ir);
	}
	fputs("\n| function | object | fio io_uring | ours | ours − io_uring |\n"
	      "|---|---|---:|---:|---:|\n", f);
	for (int i = 0; i < n; i++) {
		int eng = !strcmp(d[i].obj, "fio-uringbpf.so") || !strncmp(d[i].fn, "fio_ioring_", 11);
		double dd = d[i].b - d[i].a;

		if (!eng && dd < 1 && dd > -1)
			d[i].key = -1;	/* not shown */
		else
			d[i].key = (eng ? 1e9 : 0) + (dd < 0 ? -dd : dd);
	}
	qsort(d, n, sizeof(*d), by_key_desc);
	for (int i = 0; i < n && shown < 25; i++) {
		if (d[i].key < 0)
			continue;
		fprintf(f, "| %s | %s | %.1f | %.1f | %+.1f |\n", d[i].fn, d[i].obj, d[i].a, d[i].b,
			d[i].b - d[i].a);
		shown++;
	}
	free(d);
}

void bench_cost_report(FILE *f, const struct cost *c)
{
	char bl[48], ratio[32];
	int i;

	fprintf(f, "\nPer-I/O cost: user-space instructions per I/O in the job thread (callgrind, "
		"marginal over %lld -> %lld I/Os; \"engine code\" = our .so with liburing in it, or "
		"fio's fio_ioring_* functions), and io_uring_enter calls per I/O (strace -c -f; in "
		"brackets, the count our engine reports itself):\n\n", c->ios / 5, c->ios);
	fputs("| mode | QD | batching | fio null engine | fio io_uring | ours | ours/io_uring | "
	      "engine code: io_uring | engine code: ours | enters/IO io_uring | enters/IO ours |\n"
	      "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
	for (i = 0; i < c->n; i++) {
		const struct cost_row *r = &c->rows[i], *null, *a, *b;
		static const struct cost_row none = { .per = "", .share = "", .enters = "", .own = "" };

		if (!first_of_key(c, i))
			continue;
		null = find(c, NULL, r->qd, r->batch, "null");
		a = find(c, r->mode, r->qd, r->batch, "io_uring");
		b = find(c, r->mode, r->qd, r->batch, "uringbpf");
		a = a ? a : &none;
		b = b ? b : &none;
		if (na(a->per) || na(b->per) || atof(a->per) == 0)
			snprintf(ratio, sizeof(ratio), "—");
		else
			snprintf(ratio, sizeof(ratio), "%.2f", atof(b->per) / atof(a->per));
		fprintf(f, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) |\n", r->mode,
			r->qd, batch_label(r->batch, bl, sizeof(bl)), null ? null->per : "",
			v(a->per), v(b->per), ratio, v(a->share), v(b->share), a->enters, b->enters,
			b->own);
	}
	fputs("\nWhere they differ, per I/O (exclusive instructions; engine functions and fio "
	      "functions whose count changes by 1 or more; top 25):\n", f);
	for (i = 0; i < c->n; i++) {
		const struct cost_row *r = &c->rows[i], *a, *b;

		if (!first_of_key(c, i))
			continue;
		a = find(c, r->mode, r->qd, r->batch, "io_uring");
		b = find(c, r->mode, r->qd, r->batch, "uringbpf");
		if (!a || !b || !a->has_perio || !b->has_perio)
			continue;
		fprintf(f, "\n%s, QD%d, %s:\n", r->mode, r->qd,
			!strcmp(r->batch, "fio") ? "fio default batching" :
			batch_label(r->batch, bl, sizeof(bl)));
		functions(f, a, b);
	}
}
