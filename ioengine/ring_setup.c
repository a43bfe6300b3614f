// SPDX-License-Identifier: GPL-2.0
/* Ring creation: io_uring_params from a ub_ring_config, with clear errors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ioengine/ring_setup.h"
#include "ioengine/sqpoll_share.h"

void ub_ring_config_init(struct ub_ring_config *cfg, unsigned int entries)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->entries = entries;
	cfg->sqpoll_cpu = -1;
	cfg->attach_wq_fd = -1;
}

static unsigned int roundup_pow2(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

int ub_ring_config_check(const struct ub_ring_config *cfg, char *err, size_t errlen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (cfg->entries == 0 || cfg->entries > UB_RING_MAX_ENTRIES) {
		snprintf(err, errlen, "iodepth=%u: an io_uring ring holds 1 to %u entries; "
			 "use iodepth<=%u", cfg->entries, UB_RING_MAX_ENTRIES, UB_RING_MAX_ENTRIES);
		return -EINVAL;
	}
	if (cfg->sqpoll_cpu >= 0 && !cfg->sqpoll) {
		snprintf(err, errlen, "sqthread_poll_cpu=%d needs sqthread_poll=1", cfg->sqpoll_cpu);
		return -EINVAL;
	}
	if (cfg->sqpoll_cpu >= ncpu) {
		snprintf(err, errlen, "sqthread_poll_cpu=%d: this machine has CPUs 0-%ld; "
			 "pick one of those", cfg->sqpoll_cpu, ncpu - 1);
		return -EINVAL;
	}
	if (cfg->hybrid_iopoll && !cfg->iopoll) {
		snprintf(err, errlen, "hybrid_iopoll=1 needs hipri=1 (it is a variant of IOPOLL)");
		return -EINVAL;
	}
	if (cfg->defer_taskrun && cfg->sqpoll) {
		snprintf(err, errlen, "defer_taskrun=1 cannot be combined with sqthread_poll=1 "
			 "(the kernel refuses DEFER_TASKRUN on SQPOLL rings); drop one of them");
		return -EINVAL;
	}
	if (cfg->sqpoll_shared && !cfg->sqpoll) {
		snprintf(err, errlen, "sqpoll_shared=1 needs sqthread_poll=1 (it shares the SQPOLL thread)");
		return -EINVAL;
	}
	/* sqpoll_share.h: ATTACH_WQ from another process silently starts a private thread. */
	if (cfg->sqpoll_shared && cfg->separate_processes) {
		snprintf(err, errlen, "sqpoll_shared=1 needs thread=1: the kernel shares an SQPOLL "
			 "thread only among rings of one process (IORING_SETUP_ATTACH_WQ from another "
			 "process silently starts a private thread), and fio runs each job as a "
			 "process unless thread=1");
		return -EINVAL;
	}
	if (cfg->attach_wq_fd >= 0 && !cfg->sqpoll) {
		snprintf(err, errlen, "sqpoll_shared=1 needs sqthread_poll=1");
		return -EINVAL;
	}
	return 0;
}

static void explain_setup_error(int ret, const struct ub_ring_config *cfg,
				char *err, size_t errlen)
{
	const char *what = "the ring setup flags";

	if (ret == -EPERM && cfg->sqpoll)
		what = "sqthread_poll=1 (SQPOLL: not permitted for this user)";
	else if (ret == -EINVAL && cfg->hybrid_iopoll)
		what = "hybrid_iopoll=1 (needs Linux 6.13 or newer)";
	else if (ret == -EINVAL && cfg->defer_taskrun)
		what = "defer_taskrun=1 (needs Linux 6.1 or newer)";
	else if (ret == -EINVAL && cfg->attach_wq_fd >= 0)
		what = "sqpoll_shared=1 (IORING_SETUP_ATTACH_WQ)";
	else if (ret == -ENOMEM)
		what = "the ring's memory (raise RLIMIT_MEMLOCK or lower iodepth)";
	else if (ret == -ENOSYS)
		what = "io_uring (not built into this kernel)";
	else if (ret == -EPERM)
		what = "io_uring (disabled: see /proc/sys/kernel/io_uring_disabled)";
	snprintf(err, errlen, "the kernel refused %s: %s", what, strerror(-ret));
}

int ub_ring_create(struct io_uring *ring, const struct ub_ring_config *cfg,
		   char *err, size_t errlen)
{
	struct io_uring_params p;
	unsigned int entries;
	int ret;

	ret = ub_ring_config_check(cfg, err, errlen);
	if (ret)
		return ret;

	entries = roundup_pow2(cfg->entries);
	memset(&p, 0, sizeof(p));
	/* A CQ as deep as the SQ: fio never has more than iodepth in flight. */
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = entries;
	if (cfg->iopoll)
		p.flags |= IORING_SETUP_IOPOLL;
	if (cfg->hybrid_iopoll)
		p.flags |= IORING_SETUP_HYBRID_IOPOLL;
	if (cfg->sqpoll) {
		p.flags |= IORING_SETUP_SQPOLL;
		p.sq_thread_idle = cfg->sqpoll_idle_ms;
		if (cfg->sqpoll_cpu >= 0) {
			p.flags |= IORING_SETUP_SQ_AFF;
			p.sq_thread_cpu = cfg->sqpoll_cpu;
		}
		if (cfg->attach_wq_fd >= 0) {
			p.flags |= IORING_SETUP_ATTACH_WQ;
			p.wq_fd = cfg->attach_wq_fd;
		}
	} else {
		/* No IPIs to interrupt the submitter for task work. */
		p.flags |= IORING_SETUP_COOP_TASKRUN;
	}
	if (cfg->defer_taskrun)
		p.flags |= IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	if (cfg->big_sqe_cqe)
		p.flags |= IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	if (cfg->start_disabled)
		p.flags |= IORING_SETUP_R_DISABLED;

	ret = io_uring_queue_init_params(entries, ring, &p);
	if (ret < 0) {
		explain_setup_error(ret, cfg, err, errlen);
		return ret;
	}
	if (cfg->register_ring_fd) {
		ret = io_uring_register_ring_fd(ring);
		if (ret != 1) {
			ret = ret < 0 ? ret : -EIO;
			snprintf(err, errlen, "register_ring_fd=1: the kernel refused to register "
				 "the ring fd: %s (needs Linux 5.18)", strerror(-ret));
			io_uring_queue_exit(ring);
			return ret;
		}
	}
	return 0;
}

int ub_ring_open(struct io_uring *ring, const struct ub_ring_config *cfg,
		 struct ub_ring_info *info, char *err, size_t errlen)
{
	int ret;

	memset(info, 0, sizeof(*info));
	if (!cfg->sqpoll_shared)
		return ub_ring_create(ring, cfg, err, errlen);
	ret = ub_sqpoll_share_create(ring, cfg, &info->sq_creator, &info->attached,
				     &info->sq_users, err, errlen);
	info->shared = !ret;
	return ret;
}

void ub_ring_close(struct io_uring *ring, struct ub_ring_info *info)
{
	io_uring_queue_exit(ring);
	if (info->shared)
		ub_sqpoll_share_put();
	info->shared = false;
}

const char *ub_ring_flags_str(unsigned int flags, char *buf, size_t len)
{
	static const struct { unsigned int flag; const char *name; } names[] = {
		{ IORING_SETUP_IOPOLL, "IOPOLL" },
		{ IORING_SETUP_HYBRID_IOPOLL, "HYBRID_IOPOLL" },
		{ IORING_SETUP_SQPOLL, "SQPOLL" },
		{ IORING_SETUP_SQ_AFF, "SQ_AFF" },
		{ IORING_SETUP_ATTACH_WQ, "ATTACH_WQ" },
		{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
		{ IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER" },
		{ IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN" },
		{ IORING_SETUP_SQE128, "SQE128" },
		{ IORING_SETUP_CQE32, "CQE32" },
		{ IORING_SETUP_R_DISABLED, "R_DISABLED" },
		{ IORING_SETUP_CQSIZE, "CQSIZE" },
		{ IORING_SETUP_NO_SQARRAY, "NO_SQARRAY" },	/* liburing sets it where the kernel has it */
	};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? "|" : "", names[i].name);
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}
