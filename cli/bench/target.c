// SPDX-License-Identifier: GPL-2.0
/*
 * What the runs read: a file on /dev/shm (default: tmpfs, page cache, a
 * CPU-bound proxy of per-I/O software cost), a loop device with direct I/O
 * over such a file ("loop"), or a given path.  What bench made is undone at
 * exit (bench_cleanup, newest first).  And whether the target can poll: the
 * engine's own refusal of hipri=1, read from its report=FILE by the stable
 * code (results-db/engine_report.c), never from its prose.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "results-db/db.h"

/* What to undo at exit: a file to remove or a loop device to detach. */
static struct undo {
	int loop;
	char path[PATH_MAX];
} undo[4];
static int nundo;

void bench_cleanup(void)
{
	while (nundo > 0) {
		struct undo *u = &undo[--nundo];

		if (u->loop) {
			char *argv[] = { "losetup", "-d", u->path, NULL };

			bench_spawn(argv, "/dev/null", "=");
		} else {
			unlink(u->path);
		}
	}
}

static void push_undo(int loop, const char *path)
{
	undo[nundo].loop = loop;
	snprintf(undo[nundo].path, sizeof(undo[nundo].path), "%s", path);
	nundo++;
}

/* FILE of ceil(bytes / 1 MiB) MiB of zeros, written (a sparse tmpfs file
 * would be read from the zero page, not from its own pages). */
static void fill_file(const struct bench *b, const char *path)
{
	static char zeros[1 << 20];
	long long mib = (b->size_bytes + sizeof(zeros) - 1) / sizeof(zeros);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0)
		push_undo(0, path);
	for (long long i = 0; fd >= 0 && i < mib; i++)
		if (write(fd, zeros, sizeof(zeros)) != sizeof(zeros)) {
			close(fd);
			fd = -1;
		}
	if (fd < 0 || close(fd))
		bench_die("cannot write %s (%s): is /dev/shm full?", path, b->size);
}

int bench_target_setup(struct bench *b)
{
	const char *spec = b->target_spec;
	struct stat st;

	atexit(bench_cleanup);
	if (!spec || !*spec) {
		snprintf(b->target, sizeof(b->target), "/dev/shm/uringbpf-bench.%d", (int)getpid());
		fill_file(b, b->target);
		snprintf(b->target_desc, sizeof(b->target_desc), "file on /dev/shm (tmpfs, page "
			 "cache: a CPU-bound proxy of per-I/O software cost)");
		if (b->direct < 0)
			b->direct = 0;
	} else if (!strcmp(spec, "loop")) {
		char img[PATH_MAX], dev[PATH_MAX];
		char *argv[] = { "losetup", "-f", "--show", "--direct-io=on", img, NULL };

		snprintf(img, sizeof(img), "/dev/shm/uringbpf-bench.%d.img", (int)getpid());
		fill_file(b, img);
		if (bench_capture(argv, dev, sizeof(dev)) || !dev[0])
			bench_die("losetup failed on %s", img);
		push_undo(1, dev);
		snprintf(b->target, sizeof(b->target), "%s", dev);
		snprintf(b->target_desc, sizeof(b->target_desc),
			 "loop device %s (direct-io=on) over a file on /dev/shm", dev);
		if (b->direct < 0)
			b->direct = 1;
	} else {
		if (stat(spec, &st))
			bench_die("--target %s: no such file or device", spec);
		snprintf(b->target, sizeof(b->target), "%s", spec);
		if (S_ISBLK(st.st_mode)) {
			snprintf(b->target_desc, sizeof(b->target_desc), "block device %s", spec);
			if (b->direct < 0)
				b->direct = 1;
		} else {
			snprintf(b->target_desc, sizeof(b->target_desc), "file %s", spec);
			if (b->direct < 0)
				b->direct = 0;
		}
	}
	return 0;
}

void bench_iopoll_reason(const struct bench *b, const char *out, char *why, size_t len)
{
	char report[PATH_MAX + 32], log[PATH_MAX + 32], a[8][PATH_MAX + 64], *line = NULL;
	char *argv[16], *buf, *field[6] = { 0 }, *save = NULL;
	size_t blen = 0, llen = 0;
	struct ub_err e;
	FILE *mem;
	int rc, i = 0;

	why[0] = 0;
	snprintf(report, sizeof(report), "%s/iopoll-probe.report.jsonl", out);
	snprintf(log, sizeof(log), "%s/iopoll-probe.log", out);
	unlink(report);
	snprintf(a[0], sizeof(a[0]), "--filename=%s", b->target);
	snprintf(a[1], sizeof(a[1]), "--size=%s", b->size);
	snprintf(a[2], sizeof(a[2]), "--bs=%s", b->bs);
	snprintf(a[3], sizeof(a[3]), "--direct=%d", b->direct);
	snprintf(a[4], sizeof(a[4]), "--ioengine=external:%s", b->engine_copy);
	snprintf(a[5], sizeof(a[5]), "--report=%s", report);
	argv[i++] = (char *)b->fio;
	argv[i++] = "--name=probe";
	argv[i++] = a[0];
	argv[i++] = a[1];
	argv[i++] = "--rw=randread";
	argv[i++] = a[2];
	argv[i++] = a[3];
	argv[i++] = a[4];
	argv[i++] = "--hipri=1";
	argv[i++] = a[5];
	argv[i++] = "--number_ios=1";
	argv[i++] = "--output=/dev/null";
	argv[i] = NULL;
	rc = bench_spawn(argv, log, "=");
	if (rc == 0)
		return;
	buf = bench_read_file(report, &blen);
	mem = open_memstream(&line, &llen);
	if (buf && mem)
		ub_cmd_engine_report(report, buf, blen, mem, &e);
	if (mem)
		fclose(mem);
	free(buf);
	/* JOB OUTCOME CODE VERDICT RING MESSAGE */
	if (line) {
		line[strcspn(line, "\n")] = 0;
		field[0] = strtok_r(line, "\t", &save);
		for (i = 1; i < 6 && field[i - 1]; i++)
			field[i] = strtok_r(NULL, i == 5 ? "" : "\t", &save);
	}
	if (field[3] && !strcmp(field[3], "skip") && field[5])
		snprintf(why, len, "%s", field[5]);
	else if (field[2] && strcmp(field[2], "-"))
		snprintf(why, len, "the hipri=1 probe failed (fio exit %d, engine code %s; see %s)",
			 rc, field[2], log);
	else
		snprintf(why, len, "the hipri=1 probe failed (fio exit %d; see %s)", rc, log);
	free(line);
}
