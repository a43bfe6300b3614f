/* SPDX-License-Identifier: GPL-2.0 */
/* cli/bench/callgrind.c: callgrind output -> exclusive instructions per function. */
#ifndef UB_CLI_BENCH_CALLGRIND_H
#define UB_CLI_BENCH_CALLGRIND_H

#include <stdio.h>

struct cg_fn {
	char *obj;	/* the ELF object's file name (no folder) */
	char *fn;
	double ir;	/* exclusive instructions (or per I/O, after cg_per_io) */
};

struct cg_profile {
	struct cg_fn *f;
	int n, cap;
};

/* Reads a callgrind.out file; -1 if unreadable. */
int cg_parse(const char *path, struct cg_profile *p);
double cg_total(const struct cg_profile *p);
/* The function's entry (added with 0 if add, else NULL when absent). */
struct cg_fn *cg_find(struct cg_profile *p, const char *obj, const char *fn, int add);
/* Largest ir first. */
void cg_sort(struct cg_profile *p);
/* Per function (b - a) / dios, as printed to 2 decimals, where at least 0.05
 * either way (b's functions); largest first. */
int cg_per_io(const struct cg_profile *a, const struct cg_profile *b, double dios,
	      struct cg_profile *out);
/* "IR<TAB>OBJECT<TAB>FUNCTION" lines, IR printed with fmt ("%.0f", "%.2f"). */
int cg_write(const struct cg_profile *p, const char *path, const char *fmt);
void cg_free(struct cg_profile *p);

#endif
