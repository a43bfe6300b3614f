// SPDX-License-Identifier: GPL-2.0
/*
 * callgrind.out -> exclusive instructions per function (object, function).
 * callgrind_annotate prints the same numbers, but not the ELF object, and
 * its text layout is not meant for machines.  Format: valgrind's "Callgrind
 * Format Specification": ob=/fn= name the current object and function,
 * names are compressed as "(id) name" on first use and "(id)" after;
 * cob=/cfn= share those id spaces; a "calls=" line is followed by one cost
 * line that is the callee's inclusive cost, which is not the caller's own.
 * Cost lines start with a position (number, +N, -N or *) followed by the
 * events; Ir is the first event (callgrind's default: events: Ir).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench/callgrind.h"

/* The names of one id space ("ob" or "fn"), by id. */
struct names {
	char **v;
	long n;
};

static const char *intern(struct names *nm, long id, const char *name)
{
	if (id < 0 || id > 10000000)
		return "?";
	if (id >= nm->n) {
		long n = id + 64;
		char **v = realloc(nm->v, n * sizeof(*v));

		if (!v)
			return "?";
		memset(v + nm->n, 0, (n - nm->n) * sizeof(*v));
		nm->v = v;
		nm->n = n;
	}
	if (name && *name) {
		free(nm->v[id]);
		nm->v[id] = strdup(name);
	}
	return nm->v[id] ? nm->v[id] : "?";
}

/* "(id) name", "(id)" or a plain name -> the name (valid until the next call). */
static const char *name_of(struct names *nm, char *s)
{
	char *end;
	long id;

	if (s[0] != '(' || s[1] < '0' || s[1] > '9')
		return s;
	id = strtol(s + 1, &end, 10);
	if (*end != ')')
		return s;
	end++;
	if (*end == ' ')
		end++;
	return intern(nm, id, end);
}

struct cg_fn *cg_find(struct cg_profile *p, const char *obj, const char *fn, int add)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].fn, fn) && !strcmp(p->f[i].obj, obj))
			return &p->f[i];
	if (!add)
		return NULL;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->f = realloc(p->f, p->cap * sizeof(*p->f));
		if (!p->f)
			abort();
	}
	p->f[p->n] = (struct cg_fn){ strdup(obj), strdup(fn), 0 };
	return &p->f[p->n++];
}

int cg_parse(const char *path, struct cg_profile *p)
{
	struct names obs = { 0 }, fns = { 0 };
	char *line = NULL, ob[4096] = "?", fn[4096] = "?";
	size_t cap = 0;
	int skip = 0;
	ssize_t len;
	FILE *f = fopen(path, "re");
	struct cg_fn *cur = NULL;

	memset(p, 0, sizeof(*p));
	if (!f)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		char c = line[0];

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "ob=", 3)) {
			snprintf(ob, sizeof(ob), "%s", name_of(&obs, line + 3));
			cur = NULL;
		} else if (!strncmp(line, "cob=", 4)) {
			name_of(&obs, line + 4);
		} else if (!strncmp(line, "fn=", 3)) {
			snprintf(fn, sizeof(fn), "%s", name_of(&fns, line + 3));
			cur = NULL;
		} else if (!strncmp(line, "cfn=", 4)) {
			name_of(&fns, line + 4);
		} else if (!strncmp(line, "calls=", 6)) {
			skip = 1;
		} else if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '*') {
			char *sp = strpbrk(line, " \t");

			if (skip) {
				skip = 0;
				continue;
			}
			if (!sp)
				continue;
			if (!cur) {
				const char *base = strrchr(ob, '/');

				cur = cg_find(p, base ? base + 1 : ob, fn, 1);
			}
			cur->ir += strtod(sp, NULL);
		}
	}
	free(line);
	fclose(f);
	for (long i = 0; i < obs.n; i++)
		free(obs.v[i]);
	for (long i = 0; i < fns.n; i++)
		free(fns.v[i]);
	free(obs.v);
	free(fns.v);
	return 0;
}

double cg_total(const struct cg_profile *p)
{
	double s = 0;

	for (int i = 0; i < p->n; i++)
		s += p->f[i].ir;
	return s;
}

void cg_free(struct cg_profile *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->f[i].obj);
		free(p->f[i].fn);
	}
	free(p->f);
	memset(p, 0, sizeof(*p));
}

static int by_ir_desc(const void *a, const void *b)
{
	double x = ((const struct cg_fn *)a)->ir, y = ((const struct cg_fn *)b)->ir;

	return x > y ? -1 : x < y;
}

void cg_sort(struct cg_profile *p)
{
	qsort(p->f, p->n, sizeof(*p->f), by_ir_desc);
}

int cg_per_io(const struct cg_profile *a, const struct cg_profile *b, double dios,
	      struct cg_profile *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < b->n; i++) {
		struct cg_fn *fa = cg_find((struct cg_profile *)a, b->f[i].obj, b->f[i].fn, 0);
		double x = (b->f[i].ir - (fa ? fa->ir : 0)) / dios;

		/* As printed (%.2f): under 0.05 of an instruction per I/O is noise. */
		if (x >= 0.05 || x <= -0.05) {
			char shown[64];

			snprintf(shown, sizeof(shown), "%.2f", x);
			cg_find(out, b->f[i].obj, b->f[i].fn, 1)->ir = strtod(shown, NULL);
		}
	}
	cg_sort(out);
	return 0;
}

int cg_write(const struct cg_profile *p, const char *path, const char *fmt)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	for (int i = 0; i < p->n; i++) {
		fprintf(f, fmt, p->f[i].ir);
		fprintf(f, "\t%s\t%s\n", p->f[i].obj, p->f[i].fn);
	}
	return fclose(f);
}
