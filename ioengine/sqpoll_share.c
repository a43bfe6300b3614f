// SPDX-License-Identifier: GPL-2.0
/*
 * The shared SQPOLL thread of this process.
 *
 * The first ring's fd is dup()ed and kept here while any sharer lives, so
 * a later ring always attaches to a live ring (never to a closed, perhaps
 * reused, fd number) even after the first job has finished.  The state is
 * process-wide on purpose: it models the one polling thread of a VMM.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ioengine/sqpoll_share.h"

static struct {
	pthread_mutex_t lock;
	int fd;			/* dup of the first ring's fd, -1 when unused */
	unsigned int users;
	int sqpoll_cpu;		/* the thread's CPU (-1 unbound): sharers must agree */
	int creator;		/* tid of the first ring's creator: the thread is iou-sqp-<creator> */
} share = { PTHREAD_MUTEX_INITIALIZER, -1, 0, -1, -1 };

/*
 * Whether two SQPOLL rings are served by one thread.  fdinfo's SqThread is
 * the creator's tid until the new thread has started and put in its own,
 * so a single look can catch the two rings at different moments: look
 * again for a while before calling them different.
 */
static bool same_sq_thread(int fd1, int fd2)
{
	int i, a, b;

	for (i = 0; i < 200; i++) {
		a = ub_sqpoll_thread_id(fd1);
		b = ub_sqpoll_thread_id(fd2);
		if (a >= 0 && a == b)
			return true;
		usleep(1000);
	}
	return false;
}

int ub_sqpoll_thread_id(int ring_fd)
{
	char path[64], line[128];
	int tid = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ring_fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SqThread: %d", &tid) == 1)
			break;
	}
	fclose(f);
	return tid >= 0 ? tid : -ENOENT;
}

int ub_sqpoll_share_create(struct io_uring *ring, const struct ub_ring_config *cfg,
			   int *creator, bool *attached, unsigned int *users,
			   char *err, size_t errlen)
{
	struct ub_ring_config c = *cfg;
	int ret;

	if (!cfg->sqpoll) {
		snprintf(err, errlen, "sqpoll_shared=1 needs sqthread_poll=1");
		return -EINVAL;
	}
	pthread_mutex_lock(&share.lock);
	if (share.fd >= 0 && share.sqpoll_cpu != cfg->sqpoll_cpu) {
		snprintf(err, errlen, "sqpoll_shared=1: the shared SQ thread is bound to CPU %d "
			 "but this job asks for %d; give all sharing jobs the same sqthread_poll_cpu",
			 share.sqpoll_cpu, cfg->sqpoll_cpu);
		ret = -EINVAL;
		goto out;
	}
	c.attach_wq_fd = share.fd;
	ret = ub_ring_create(ring, &c, err, errlen);
	if (ret)
		goto out;

	if (share.fd < 0) {
		share.fd = dup(ring->ring_fd);
		if (share.fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "sqpoll_shared=1: cannot keep the ring fd: %s",
				 strerror(errno));
			io_uring_queue_exit(ring);
			goto out;
		}
		share.sqpoll_cpu = cfg->sqpoll_cpu;
		share.creator = gettid();
		*attached = false;
	} else {
		/* The kernel falls back to a private thread rather than failing. */
		if (!same_sq_thread(ring->ring_fd, share.fd)) {
			snprintf(err, errlen, "sqpoll_shared=1: the kernel gave this ring its own "
				 "SQ thread instead of iou-sqp-%d (IORING_SETUP_ATTACH_WQ joins only "
				 "rings of the same process)", share.creator);
			io_uring_queue_exit(ring);
			ret = -EXDEV;
			goto out;
		}
		*attached = true;
	}
	*creator = share.creator;
	*users = ++share.users;
out:
	pthread_mutex_unlock(&share.lock);
	return ret;
}

void ub_sqpoll_share_put(void)
{
	pthread_mutex_lock(&share.lock);
	if (share.users && --share.users == 0) {
		close(share.fd);
		share.fd = -1;
		share.sqpoll_cpu = -1;
	}
	pthread_mutex_unlock(&share.lock);
}
