/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring creation for uringbpf, independent of fio so that tests and tools
 * can build exactly the ring the engine builds.  Every failure comes back
 * as a negative errno plus one sentence naming the engine option and the
 * fix; nothing here falls back silently to a weaker ring.
 */
#ifndef UB_RING_SETUP_H
#define UB_RING_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <liburing.h>

/* The kernel's limit on SQ entries (IORING_MAX_ENTRIES). */
#define UB_RING_MAX_ENTRIES 32768u

struct ub_ring_config {
	unsigned int entries;		/* SQ entries; rounded up to a power of 2 */
	bool iopoll;			/* hipri=1 */
	bool hybrid_iopoll;		/* hybrid_iopoll=1 (needs iopoll) */
	bool sqpoll;			/* sqthread_poll=1 */
	int sqpoll_cpu;			/* sqthread_poll_cpu, -1 = unbound */
	unsigned int sqpoll_idle_ms;	/* sqpoll_idle, 0 = kernel default */
	int attach_wq_fd;		/* ring to share the SQ thread of, or -1 */
	bool sqpoll_shared;		/* sqpoll_shared=1: ub_ring_open joins the process's SQ thread */
	bool separate_processes;	/* the sharers would be processes (fio without thread=1) */
	bool defer_taskrun;		/* DEFER_TASKRUN|SINGLE_ISSUER (not with SQPOLL) */
	bool big_sqe_cqe;		/* SQE128|CQE32 for NVMe passthrough */
	bool start_disabled;		/* R_DISABLED: restrictions go in before enable */
	bool register_ring_fd;		/* register_ring_fd=1 */
};

/* Fill cfg with the defaults of a plain interrupt-driven ring. */
void ub_ring_config_init(struct ub_ring_config *cfg, unsigned int entries);

/*
 * Check cfg against itself and the machine (CPU numbers, flag combinations
 * the kernel forbids).  Returns 0 or -EINVAL with the reason in err.
 */
int ub_ring_config_check(const struct ub_ring_config *cfg, char *err, size_t errlen);

/* Create the ring.  Returns 0, or a negative errno with the reason in err. */
int ub_ring_create(struct io_uring *ring, const struct ub_ring_config *cfg,
		   char *err, size_t errlen);

/* How ub_ring_open made a ring: for the job-start line and ub_ring_close. */
struct ub_ring_info {
	bool shared;			/* holds a reference on the process's shared SQ thread */
	bool attached;			/* joined a running SQ thread (false: started it) */
	int sq_creator;			/* the shared thread is iou-sqp-<sq_creator> */
	unsigned int sq_users;		/* rings on the shared thread, this one included */
};

/*
 * The engine's ring: ub_ring_create, or with cfg->sqpoll_shared a ring on
 * the SQ thread this process shares (sqpoll_share.c).  Returns 0 or a
 * negative errno with the reason in err; pair a success with ub_ring_close.
 */
int ub_ring_open(struct io_uring *ring, const struct ub_ring_config *cfg,
		 struct ub_ring_info *info, char *err, size_t errlen);
void ub_ring_close(struct io_uring *ring, struct ub_ring_info *info);

/* "SQPOLL|IOPOLL|..." for the setup flags the kernel accepted. */
const char *ub_ring_flags_str(unsigned int flags, char *buf, size_t len);

#endif
