// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroup v2 group of one command (cli/cgroup.h): made under the cgroup2
 * mount found in /proc/self/mounts (or $UB_CGROUP2_ROOT) as uringbpf-PID-N,
 * joined by the command's pid before it execs, read and removed after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cli/cgroup.h"

#define CGROUP2_MAGIC 0x63677270	/* CGROUP2_SUPER_MAGIC, linux/magic.h */


/* The first cgroup2 mount in /proc/self/mounts, or $UB_CGROUP2_ROOT. */
static int cgroup2_root(char *root, size_t len, char *why, size_t wlen)
{
	const char *env = getenv("UB_CGROUP2_ROOT");
	char line[4096], dev[256], mnt[PATH_MAX], type[64];
	struct statfs sf;
	FILE *f;

	if (env && *env) {
		if (statfs(env, &sf)) {
			snprintf(why, wlen, "UB_CGROUP2_ROOT=%s: %s", env, strerror(errno));
			return -1;
		}
		if (sf.f_type != CGROUP2_MAGIC) {
			snprintf(why, wlen, "UB_CGROUP2_ROOT=%s is not a cgroup2 file system "
				 "(unset it to use the cgroup2 mount)", env);
			return -1;
		}
		snprintf(root, len, "%s", env);
		return 0;
	}
	f = fopen("/proc/self/mounts", "r");
	if (!f) {
		snprintf(why, wlen, "cannot read /proc/self/mounts: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %4095s %63s", dev, mnt, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			fclose(f);
			snprintf(root, len, "%s", mnt);
			return 0;
		}
	}
	fclose(f);
	snprintf(why, wlen, "no cgroup2 file system is mounted (none in /proc/self/mounts; "
		 "mount -t cgroup2 none /sys/fs/cgroup/unified, or set UB_CGROUP2_ROOT)");
	return -1;
}

/* A fresh group uringbpf-PID-N under the cgroup2 root; *dir "" and why on failure. */
void ub_cg_make(struct ub_cg *cg)
{
	char root[PATH_MAX];
	int n;

	cg->dir[0] = 0;
	if (cgroup2_root(root, sizeof(root), cg->why, sizeof(cg->why)))
		return;
	for (n = 1; n < 1000; n++) {
		if (snprintf(cg->dir, sizeof(cg->dir), "%s/uringbpf-%d-%d", root, (int)getpid(), n) >=
		    (int)sizeof(cg->dir)) {
			snprintf(cg->why, sizeof(cg->why), "the cgroup2 root %s: path too long", root);
			break;
		}
		if (!mkdir(cg->dir, 0755))
			return;
		if (errno != EEXIST) {
			snprintf(cg->why, sizeof(cg->why), "cannot create a cgroup under %s: %s",
				 root, strerror(errno));
			break;
		}
	}
	if (n == 1000)
		snprintf(cg->why, sizeof(cg->why), "cannot create a cgroup under %s: 999 names taken",
			 root);
	cg->dir[0] = 0;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -1;
	if (close(fd))
		rc = -1;
	return rc;
}

/* The value of KEY in a flat-keyed cgroup file (cpu.stat, cgroup.events), or -1. */
long long ub_cg_key(const struct ub_cg *cg, const char *file, const char *key)
{
	char path[PATH_MAX + 32], k[64];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

void ub_cg_join(struct ub_cg *cg, pid_t pid)
{
	char path[PATH_MAX + 32], s[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir);
	snprintf(s, sizeof(s), "%d\n", (int)pid);
	if (write_str(path, s)) {
		snprintf(cg->why, sizeof(cg->why), "cannot move the command into %s: %s", cg->dir,
			 strerror(errno));
		rmdir(cg->dir);
		cg->dir[0] = 0;
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * After the command is reaped: wait (bounded) until the group is empty, so
 * an io thread still exiting has added its time, read cpu.stat, remove it.
 */
void ub_cg_finish(struct ub_cg *cg)
{
	int i;

	if (!cg->dir[0])
		return;
	for (i = 0; i < 500 && ub_cg_key(cg, "cgroup.events", "populated") > 0; i++)
		sleep_ms(10);
	cg->usage = ub_cg_key(cg, "cpu.stat", "usage_usec");
	cg->user = ub_cg_key(cg, "cpu.stat", "user_usec");
	cg->system = ub_cg_key(cg, "cpu.stat", "system_usec");
	if (cg->usage < 0 || cg->user < 0 || cg->system < 0)
		snprintf(cg->why, sizeof(cg->why), "%s/cpu.stat has no usage_usec, user_usec and "
			 "system_usec", cg->dir);
	for (i = 0; i < 500 && rmdir(cg->dir) && errno == EBUSY; i++)
		sleep_ms(10);
	if (i == 500)
		fprintf(stderr, "uringbpf: note: %s is still busy; left behind\n", cg->dir);
}
