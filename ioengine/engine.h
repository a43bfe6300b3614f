/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State shared by the engine's files.  engine.c is the fio glue; ring
 * creation is ring_setup.c, target checks target_probe.c, and each optional
 * feature (restrictions, passthrough, BPF chain) lives in its own file and
 * is reached through the hooks declared at the bottom.
 */
#ifndef UB_ENGINE_H
#define UB_ENGINE_H

#include <stdbool.h>
#include <liburing.h>

#include "fio.h"
#include "ioengine/ring_setup.h"

/* Options, in fio's table layout: the first member is fio's pointer slot. */
struct ub_options {
	struct thread_data *td;
	unsigned int hipri;
	unsigned int hybrid_iopoll;
	unsigned int sqthread_poll;
	unsigned int sqthread_poll_cpu;
	unsigned int sqthread_poll_cpu_set;
	unsigned int sqpoll_idle;
	unsigned int sqpoll_spin_us;	/* SQPOLL: spin this long on the CQ, then sleep in the kernel */
	unsigned int sqpoll_shared;
	unsigned int fixedbufs;
	unsigned int registerfiles;
	unsigned int register_ring_fd;
	unsigned int nonvectored;
	unsigned int defer_taskrun;	/* UB_DEFER_* */
	unsigned int restrict_ring;	/* restrict=1 */
	unsigned int bpf_filter;
	unsigned int passthru;
	unsigned int bpf_chain;
	unsigned int chain_len;
	char *bpf_chain_obj;		/* bpf_chain=1: load this object, not the built-in one */
	unsigned int chain_op;		/* enum ub_chain_op (bpf/chain.h): read or nop steps */
	unsigned int chain_link;	/* chain_op=nop, user space: NOPs per IOSQE_IO_LINK link */
};

enum { UB_DEFER_AUTO = 0, UB_DEFER_OFF = 1, UB_DEFER_ON = 2 };

struct ub_data {
	struct io_uring ring;
	bool ring_ready;
	struct ub_ring_config cfg;
	struct io_u **events;		/* completions reaped, handed out by ->event */
	struct io_u **pending;		/* queued since the last commit */
	unsigned int nr_pending;
	struct io_u **io_us;		/* by io_u->index */
	struct iovec *iovecs;		/* one per io_u: fixed buffers / vectored I/O */
	int *fds;			/* registered files, indexed by f->engine_pos */
	bool files_registered;
	unsigned int depth;		/* fio's iodepth */
	unsigned int inflight;		/* submitted, not yet reaped */
	bool deferred_submit;		/* pending SQEs go in with the next wait */
	/* The ring's mode, read on every I/O: set once in post_init. */
	bool defer_when_full;		/* iodepth 1, no SQPOLL: submit with the wait */
	bool sqpoll_spin;		/* SQPOLL without IOPOLL: spin, then sleep */
	bool must_enter;		/* DEFER_TASKRUN/IOPOLL: CQEs appear only in io_uring_enter */
	bool passthru;			/* passthru=1: CQE res is an NVMe status */
	unsigned int cqe_shift;		/* 1 with CQE32 */
	unsigned long long enter_calls;	/* io_uring_enter()s we caused */
	unsigned long long spin_ns;	/* sqpoll_spin_us in ns; SQPOLL without IOPOLL only */
	unsigned int spin_miss_avg;	/* share of recent spins that got no CQE, of UB_MISS_ONE */
	unsigned int waits_unspun;	/* waits slept through since the last spin */
	unsigned long long submitted_total;
	struct ub_chain *chain;		/* chain_len>0: ioengine/bpf_chain.c */
	struct ub_features *feat;	/* restrict/bpf_filter/sqpoll_shared/passthru: engine_features.c */
	char flags_str[160];
};

#define ub_err(td, fmt, ...)	log_err("uringbpf: " fmt "\n", ##__VA_ARGS__)
/*
 * Job-start and job-end facts go to the process's stderr: fio's log_info and
 * log_err both write into --output (log_err too, as f_err = f_out there),
 * which would corrupt JSON results.
 */
#define ub_info(td, fmt, ...)	fprintf(stderr, "uringbpf: %s: " fmt "\n", (td)->o.name, ##__VA_ARGS__)

#endif
