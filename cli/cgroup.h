/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cgroup v2 group of one command's own, for the CPU time of every thread
 * it runs (cpu.stat counts SQPOLL and io-wq threads, which fio's usr/sys
 * misses). Used by "uringbpf cgexec" and "uringbpf bench".
 */
#ifndef UB_CLI_CGROUP_H
#define UB_CLI_CGROUP_H

#include <limits.h>
#include <sys/types.h>

struct ub_cg {
	char dir[PATH_MAX];	/* the group; "" when not measuring */
	char why[PATH_MAX + 512];	/* why not measured */
	long long usage, user, system;
};

/* A fresh group uringbpf-PID-N under the cgroup2 root; dir "" and why set on failure. */
void ub_cg_make(struct ub_cg *cg);
/* Moves pid into the group; on failure dir becomes "" (removed) and why says so. */
void ub_cg_join(struct ub_cg *cg, pid_t pid);
/* The value of KEY in a flat-keyed file of the group (cpu.stat, cgroup.events), or -1. */
long long ub_cg_key(const struct ub_cg *cg, const char *file, const char *key);
/* After the command is reaped: wait until empty, read cpu.stat, remove the group. */
void ub_cg_finish(struct ub_cg *cg);

#endif
