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
#include "engines/cmdprio.h"
#include "ioengine/report.h"
#include "ioengine/ring_setup.h"

/*
 * Options, in fio's table layout: the first member is fio's pointer slot.
 * Integer options fio cannot bound below (its minval 0 means "no minimum")
 * are plain int, so a negative value typed by the user arrives intact and
 * ub_options_check() can quote it.
 */
struct ub_options {
	struct thread_data *td;
	unsigned int hipri;
	unsigned int hybrid_iopoll;
	unsigned int sqthread_poll;
	int sqthread_poll_cpu;
	unsigned int sqthread_poll_cpu_set;
	unsigned int sqthread_poll_cpu_tail;	/* see ub_sqpoll_cpu_cb() */
	int sqpoll_idle;
	int sqpoll_spin_us;		/* SQPOLL: spin this long on the CQ, then sleep in the kernel */
	unsigned int sqpoll_shared;
	unsigned int fixedbufs;
	unsigned int registerfiles;
	unsigned int register_ring_fd;
	int nonvectored;		/* -1: probe (fio's default), resolved in ->init */
	int uncached;			/* RWF_DONTCACHE on buffered I/O */
	unsigned int nowait;		/* RWF_NOWAIT */
	int force_async;		/* IOSQE_ASYNC on every Nth SQE */
	struct cmdprio_options cmdprio_options;
	unsigned int cmd_type;		/* UB_CMD_NVME: fio's io_uring_cmd cmd_type */
	unsigned int readfua;		/* passthru=1: FUA on reads */
	unsigned int writefua;		/* passthru=1: FUA on writes */
	unsigned int write_mode;	/* UB_WMODE_*: refused unless "write" */
	unsigned int verify_mode;	/* UB_VMODE_*: refused unless "read" */
	unsigned int deac;
	int md_per_io_size;
	unsigned int pi_act;
	char *pi_chk;
	int apptag;
	int apptag_mask;
	unsigned int defer_taskrun;	/* UB_DEFER_* */
	unsigned int restrict_ring;	/* restrict=1 */
	unsigned int bpf_filter;
	unsigned int passthru;
	unsigned int bpf_chain;
	int chain_len;
	char *bpf_chain_obj;		/* bpf_chain=1: load this object, not the built-in one */
	unsigned int chain_op;		/* enum ub_chain_op (bpf/chain.h): read or nop steps */
	unsigned int chain_link;	/* chain_op=nop, user space: NOPs per IOSQE_IO_LINK link */
	char *report;			/* report=PATH: ioengine/report.c */
	unsigned int host_identity;	/* ioengine/host_identity.c */
};

enum { UB_CMD_NVME = 1 };
enum { UB_WMODE_WRITE = 1, UB_WMODE_UNCOR, UB_WMODE_ZEROES, UB_WMODE_VERIFY };
enum { UB_VMODE_READ = 1, UB_VMODE_COMPARE };
enum { UB_DEFER_AUTO = 0, UB_DEFER_OFF = 1, UB_DEFER_ON = 2 };

/*
 * A refused submit (-EAGAIN/-EBUSY: the kernel is out of requests or CQ
 * space) with nothing to reap is retried this often, this far apart, before
 * the job fails: nothing but time can free what the kernel lacks.  Used by
 * every backend's submit (ioengine/submit.h).
 */
#define UB_ENTER_TRIES		100
#define UB_ENTER_BACKOFF_US	10000

/*
 * A backend: how a job's I/Os become SQEs and its completions io_us
 * (engine.c: read/write, NVMe passthrough; bpf_chain.c: the chain).  The
 * ioengine callbacks only dispatch to it; it is chosen once, in ->init.
 */
struct ub_backend {
	const char *name;
	enum fio_q_status (*queue)(struct thread_data *td, struct io_u *io_u);
	int (*commit)(struct thread_data *td);
	int (*getevents)(struct thread_data *td, unsigned int min, unsigned int max);
};

struct ub_data {
	struct io_uring ring;
	bool ring_ready;
	struct ub_ring_info ring_info;	/* sqpoll_shared=1: the shared SQ thread's reference */
	struct ub_ring_config cfg;
	struct io_u **events;		/* completions reaped, handed out by ->event */
	struct io_u **pending;		/* queued since the last commit */
	unsigned int nr_pending;
	struct io_u **io_us;		/* by io_u->index */
	struct iovec *iovecs;		/* one per io_u: fixed buffers / vectored I/O */
	int *fds;			/* registered files, indexed by f->engine_pos */
	bool files_registered;
	unsigned int depth;		/* fio's iodepth */
	/*
	 * inflight: SQEs the kernel accepted (an io_uring_enter counted them;
	 * under SQPOLL every SQE handed to the SQ thread) and whose CQE we
	 * have not reaped.  SQEs the kernel left in the SQ (a short submit,
	 * -EAGAIN) are not in it: they are io_uring_sq_ready() and go in
	 * with the next enter.
	 */
	unsigned int inflight;
	bool deferred_submit;		/* pending SQEs go in with the next wait */
	/* The ring's mode, read on every I/O: set once in post_init. */
	bool defer_when_full;		/* iodepth 1, no SQPOLL: submit with the wait */
	bool sqpoll_spin;		/* SQPOLL without IOPOLL: spin, then sleep */
	bool must_enter;		/* DEFER_TASKRUN/IOPOLL: CQEs appear only in io_uring_enter */
	bool poll_reap;			/* iodepth_batch_complete_min=0, no SQPOLL: never sleep in a wait */
	unsigned long long enter_calls;	/* io_uring_enter()s we caused */
	unsigned long long spin_ns;	/* sqpoll_spin_us in ns; SQPOLL without IOPOLL only */
	unsigned int spin_miss_avg;	/* share of recent spins that got no CQE, of UB_MISS_ONE */
	unsigned int waits_unspun;	/* waits slept through since the last spin */
	unsigned long long submitted_total;
	const struct ub_backend *be;	/* set in ->init, never NULL after it */
	struct ub_chain *chain;		/* chain_len>0: ioengine/bpf_chain.c */
	struct ub_hardening *hardening;	/* restrict=1/bpf_filter=1: restrict_fio.c */
	struct ub_passthru_job *passthru;	/* passthru=1: passthru_fio.c */
	/* Per-I/O option flags, applied in prep (see ub_options_*). */
	int rw_flags;			/* RWF_* for every read and write SQE */
	unsigned int force_async;	/* IOSQE_ASYNC on every Nth SQE, 0 never */
	unsigned int prepped;		/* SQEs since the last forced IOSQE_ASYNC */
	struct cmdprio cmdprio;		/* cmdprio_percentage / cmdprio_bssplit */
	char flags_str[160];
	struct ub_report_state rep;	/* first error, for report=PATH */
};

/*
 * The engine's one error convention.  Code that does not know fio
 * (ring_setup, restrict, passthru, target_probe, sqpoll_share, bpf_loader)
 * returns 0 or a negative errno and writes one sentence naming the option
 * and the fix into a buffer its caller owns.  The fio glue declares that
 * buffer on its own stack, char err[UB_ERR_LEN], and prints it with
 * ub_err().  No message buffer outlives the call: with thread=1 every job
 * is a thread of one process, and a static buffer would be written by
 * several jobs at once.  ub_err_code() is ub_err() with the stable code and
 * option that report=PATH carries (ioengine/report.h); ub_err() leaves the
 * code "refused" (before I/O) or "io_error" (after).
 */
#define UB_ERR_LEN 1024

#define ub_err(td, fmt, ...)	ub_err_code(td, UB_C_UNCLASSIFIED, NULL, fmt, ##__VA_ARGS__)
/*
 * Job-start and job-end facts go to the process's stderr: fio's log_info and
 * log_err both write into --output (log_err too, as f_err = f_out there),
 * which would corrupt JSON results.
 */
#define ub_info(td, fmt, ...)	fprintf(stderr, "uringbpf: %s: " fmt "\n", (td)->o.name, ##__VA_ARGS__)

#endif
