/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared scaffolding of the restricted-ring tests: a data file (or device)
 * registered as fixed file 0 with one registered buffer, a ring made by the
 * engine's own ring_setup.c in a named mode, one-SQE submit helpers, and
 * result lines in tests/run.sh's protocol ("ok NAME", "not ok NAME: why").
 */
#ifndef UB_TEST_RING_TEST_H
#define UB_TEST_RING_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ioengine/ring_setup.h"

#define RT_LEN 4096

struct rt_env {
	const char *test;		/* result-name prefix */
	const char *mode;		/* interrupt | sqpoll | iopoll | sqpoll-iopoll */
	char dir[64];			/* scratch directory (OPENAT targets) */
	char path[256];			/* data file or device */
	bool is_dev;
	int fd;
	unsigned char *buf;		/* registered buffer 0 */
	unsigned char *raw;		/* an unregistered buffer */
	unsigned char before[RT_LEN];	/* the data's first block, read with pread */
	struct io_uring ring;
	bool ring_ok;
	int failures;
};

static void rt_result(struct rt_env *e, bool pass, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (pass) {
		printf("ok %s-%s-%s\n", e->test, e->mode, check);
		return;
	}
	e->failures++;
	printf("not ok %s-%s-%s: ", e->test, e->mode, check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static bool rt_iopoll(struct rt_env *e)
{
	return strstr(e->mode, "iopoll") != NULL;
}

/* The first block of the data, bypassing io_uring. */
static int rt_pread(struct rt_env *e, unsigned char *dst)
{
	return pread(e->fd, dst, RT_LEN, 0) == RT_LEN ? 0 : -errno;
}

static bool rt_unchanged(struct rt_env *e)
{
	unsigned char now[RT_LEN] __attribute__((aligned(4096)));

	return rt_pread(e, now) == 0 && memcmp(now, e->before, RT_LEN) == 0;
}

/*
 * Open the data: a fresh scratch file of 'A's, or (lab) the device dev,
 * opened O_DIRECT so that IOPOLL can complete on it.
 */
static int rt_env_init(struct rt_env *e, const char *test, const char *mode, const char *dev)
{
	unsigned char *tmp;

	memset(e, 0, sizeof(*e));
	e->test = test;
	e->mode = mode;
	e->fd = -1;
	snprintf(e->dir, sizeof(e->dir), "/tmp/ub-%s.XXXXXX", test);
	if (!mkdtemp(e->dir)) {
		printf("not ok %s-%s-setup: mkdtemp: %s\n", test, mode, strerror(errno));
		return -1;
	}
	if (posix_memalign((void **)&e->buf, 4096, RT_LEN) ||
	    posix_memalign((void **)&e->raw, 4096, RT_LEN) ||
	    posix_memalign((void **)&tmp, 4096, RT_LEN))
		return -1;
	if (dev) {
		snprintf(e->path, sizeof(e->path), "%s", dev);
		e->is_dev = true;
		e->fd = open(dev, O_RDWR | O_DIRECT);
	} else {
		snprintf(e->path, sizeof(e->path), "%s/data", e->dir);
		e->fd = open(e->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		memset(tmp, 'A', RT_LEN);
		if (e->fd >= 0 && pwrite(e->fd, tmp, RT_LEN, 0) != RT_LEN) {
			close(e->fd);
			e->fd = -1;
		}
	}
	if (e->fd < 0 || rt_pread(e, tmp)) {
		printf("not ok %s-%s-setup: cannot use %s: %s\n", test, mode, e->path,
		       strerror(errno));
		return -1;
	}
	memcpy(e->before, tmp, RT_LEN);
	free(tmp);
	return 0;
}

/* The ring as the engine makes it for MODE, disabled for what comes next. */
static int rt_ring_create(struct rt_env *e)
{
	struct ub_ring_config cfg;
	char err[256];
	int ret;

	ub_ring_config_init(&cfg, 8);
	cfg.start_disabled = true;
	cfg.sqpoll = strstr(e->mode, "sqpoll") != NULL;
	cfg.iopoll = rt_iopoll(e);
	cfg.defer_taskrun = !cfg.sqpoll;
	ret = ub_ring_create(&e->ring, &cfg, err, sizeof(err));
	if (ret) {
		rt_result(e, false, "setup", "%s", err);
		return ret;
	}
	ret = io_uring_register_files(&e->ring, &e->fd, 1);
	if (!ret) {
		struct iovec iov = { e->buf, RT_LEN };

		ret = io_uring_register_buffers(&e->ring, &iov, 1);
	}
	if (ret) {
		rt_result(e, false, "setup", "registering the file/buffer: %s", strerror(-ret));
		io_uring_queue_exit(&e->ring);
		return ret;
	}
	e->ring_ok = true;
	return 0;
}

static void rt_env_exit(struct rt_env *e)
{
	char path[320];

	if (e->ring_ok)
		io_uring_queue_exit(&e->ring);
	if (e->fd >= 0)
		close(e->fd);
	if (!e->is_dev) {
		snprintf(path, sizeof(path), "%s/data", e->dir);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/created", e->dir);
	unlink(path);
	rmdir(e->dir);
	free(e->buf);
	free(e->raw);
}

/* Submit the one prepared SQE and return its CQE's res (or a submit error). */
static int rt_run_sqe(struct rt_env *e)
{
	struct io_uring_cqe *cqe;
	int ret, res;

	ret = io_uring_submit_and_wait(&e->ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&e->ring, &cqe);
	if (ret)
		return ret;
	res = cqe->res;
	io_uring_cqe_seen(&e->ring, cqe);
	return res;
}

static struct io_uring_sqe *rt_sqe(struct rt_env *e)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);

	if (!sqe) {
		fprintf(stderr, "no free SQE\n");
		exit(1);
	}
	return sqe;
}

/* READ of the first block: from fixed file 0 or from the raw fd. */
static int rt_read(struct rt_env *e, bool fixed_file, unsigned char *dst, unsigned int extra_flags)
{
	struct io_uring_sqe *sqe = rt_sqe(e);

	io_uring_prep_read(sqe, fixed_file ? 0 : e->fd, dst, RT_LEN, 0);
	sqe->flags |= (fixed_file ? IOSQE_FIXED_FILE : 0) | extra_flags;
	return rt_run_sqe(e);
}

/* WRITE of 'Z's over the first block of fixed file 0. */
static int rt_write(struct rt_env *e)
{
	struct io_uring_sqe *sqe = rt_sqe(e);

	memset(e->raw, 'Z', RT_LEN);
	io_uring_prep_write(sqe, 0, e->raw, RT_LEN, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	return rt_run_sqe(e);
}

/* OPENAT creating DIR/created; *exists tells whether the file appeared. */
static int rt_openat(struct rt_env *e, bool *exists)
{
	struct io_uring_sqe *sqe = rt_sqe(e);
	char path[320];
	int res;

	snprintf(path, sizeof(path), "%s/created", e->dir);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_CREAT | O_WRONLY, 0600);
	res = rt_run_sqe(e);
	if (res >= 0)
		close(res);
	*exists = access(path, F_OK) == 0;
	return res;
}

static int rt_nop(struct rt_env *e)
{
	io_uring_prep_nop(rt_sqe(e));
	return rt_run_sqe(e);
}

/*
 * Control: on the same kind of ring without any allowlist the forbidden
 * SQEs do work, so an -EACCES below is the lock, not a broken request.
 */
static void rt_control(struct rt_env *e)
{
	char path[320];
	bool exists = false;
	int res, res2;

	if (rt_ring_create(e))
		return;
	res = io_uring_enable_rings(&e->ring);
	memset(e->raw, 0x5a, RT_LEN);
	res2 = res ? res : rt_read(e, false, e->raw, 0);
	if (!res)
		res = rt_openat(e, &exists);
	/* An IOPOLL ring refuses OPENAT by itself (not pollable): only the READ counts. */
	rt_result(e, res2 == RT_LEN && (rt_iopoll(e) || (res >= 0 && exists)),
		  "control-unrestricted",
		  "without restrictions OPENAT returned %d (file %s) and a raw-fd READ %d: "
		  "the checks below would prove nothing", res, exists ? "created" : "absent", res2);
	snprintf(path, sizeof(path), "%s/created", e->dir);
	unlink(path);
	io_uring_queue_exit(&e->ring);
	e->ring_ok = false;
}

/*
 * The common checks of a locked-down ring whose allowlist is "READ with
 * FIXED_FILE": what is allowed works, what is not completes with -EACCES
 * and leaves no trace.
 */
/*
 * openat_einval_ok: on an IOPOLL ring the kernel may refuse OPENAT (not
 * pollable) with -EINVAL before a BPF filter sees it; restrictions are
 * checked earlier and must say -EACCES.
 */
static void rt_check_sqes(struct rt_env *e, bool openat_einval_ok)
{
	bool exists;
	int res;

	memset(e->buf, 0x5a, RT_LEN);
	res = rt_read(e, true, e->buf, 0);
	rt_result(e, res == RT_LEN && !memcmp(e->buf, e->before, RT_LEN), "allowed-read",
		  "READ of fixed file 0 returned %d (want %d and the file's data)", res, RT_LEN);

	memset(e->raw, 0x5a, RT_LEN);
	res = rt_read(e, false, e->raw, 0);
	rt_result(e, res == -EACCES && e->raw[0] == 0x5a && e->raw[RT_LEN - 1] == 0x5a,
		  "raw-fd-read-eacces", "READ by raw fd returned %d (want -EACCES, buffer untouched)",
		  res);

	res = rt_read(e, true, e->raw, IOSQE_ASYNC);
	rt_result(e, res == -EACCES && e->raw[0] == 0x5a, "async-flag-eacces",
		  "READ of fixed file 0 with IOSQE_ASYNC returned %d (want -EACCES)", res);

	res = rt_write(e);
	rt_result(e, res == -EACCES && rt_unchanged(e), "write-eacces",
		  "WRITE to fixed file 0 returned %d (want -EACCES, data unchanged: %s)", res,
		  rt_unchanged(e) ? "yes" : "no");

	res = rt_openat(e, &exists);
	rt_result(e, (res == -EACCES || (openat_einval_ok && rt_iopoll(e) && res == -EINVAL)) &&
		  !exists, "openat-denied",
		  "OPENAT(O_CREAT) returned %d (want -EACCES), file %s", res,
		  exists ? "was created" : "absent");

	res = rt_nop(e);
	rt_result(e, res == -EACCES, "nop-eacces", "NOP returned %d (want -EACCES)", res);
}

/* argv: [MODE DEVICE] runs one mode on a device; none: the host modes on a file. */
static int rt_main(int argc, char **argv, int (*one)(const char *mode, const char *dev))
{
	static const char *const host_modes[] = { "interrupt", "sqpoll" };
	int failures = 0;
	size_t i;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3)
		return one(argv[1], argv[2]) ? 1 : 0;
	if (argc != 1) {
		fprintf(stderr, "usage: %s [interrupt|sqpoll|iopoll|sqpoll-iopoll DEVICE]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(host_modes) / sizeof(host_modes[0]); i++)
		failures += one(host_modes[i], NULL);
	return failures ? 1 : 0;
}

#endif
