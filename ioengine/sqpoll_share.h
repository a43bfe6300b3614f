/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One SQPOLL kernel thread shared by the rings of this process, as a VMM
 * shares one polling thread among its guests (IORING_SETUP_ATTACH_WQ).
 *
 * The kernel shares an SQ thread only among rings created by one thread
 * group: from another process ATTACH_WQ quietly starts a private thread.
 * So the users must be threads of one process (fio: thread=1).
 */
#ifndef UB_SQPOLL_SHARE_H
#define UB_SQPOLL_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <liburing.h>

#include "ioengine/ring_setup.h"

/*
 * Create ring with cfg (cfg->sqpoll must be set): the first caller's ring
 * starts the shared thread, later callers attach to it.  Sets *creator to
 * the tid in the thread's name (iou-sqp-<creator>), *attached to whether
 * an existing thread was joined and *users to the rings now on it.  Fails
 * (-EXDEV) if the kernel gave the ring a thread of its own anyway.  Pair
 * every success with ub_sqpoll_share_put().
 */
int ub_sqpoll_share_create(struct io_uring *ring, const struct ub_ring_config *cfg,
			   int *creator, bool *attached, unsigned int *users,
			   char *err, size_t errlen);

/* A ring made by ub_sqpoll_share_create is gone (or about to go). */
void ub_sqpoll_share_put(void);

/* The SQ thread id of a SQPOLL ring, from /proc/self/fdinfo; -errno if none. */
int ub_sqpoll_thread_id(int ring_fd);

#endif
