/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf bench --callgrind: the per-I/O cost that machine noise does not
 * move (cost.c measures, cost_report.c writes cost.md).
 */
#ifndef UB_CLI_BENCH_COST_H
#define UB_CLI_BENCH_COST_H

#include "cli/bench/bench.h"
#include "cli/bench/callgrind.h"

/* One line of cost.tsv; figures as printed ("NA", "fail" or a number). */
struct cost_row {
	char mode[16], batch[16], engine[16];	/* mode "-" for fio's null engine */
	int qd;
	char per[32], share[32], enters[32], own[32];
	struct cg_profile perio;		/* per function, per I/O (none: n 0) */
	int has_perio;
};

struct cost {
	struct cost_row *rows;
	int n, cap;
	long long ios;		/* --cost-ios */
};

/* Measures every configuration into DIR (cost.tsv, cost.md and the tools'
 * files); failed tool runs are said and counted in *failures. */
void bench_cost(const struct bench *b, const char *dir, int *failures);
/* cost.tsv's rows -> markdown. */
void bench_cost_report(FILE *f, const struct cost *c);

#endif
