// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf: fio external ioengine driving io_uring through liburing.
 *
 * This file is only fio's glue: option checks, the io_u <-> SQE/CQE mapping,
 * submission and reaping.  The ring itself is made in ring_setup.c.
 * Loaded as:  fio --ioengine=external:uringbpf   (or external:/path/fio-uringbpf.so)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "config-host.h"	/* ours: UB_FIO_VERSION_STRING */
#include "ioengine/leak_check.h"
#include "ioengine/bpf_chain.h"
#include "ioengine/engine.h"
#include "ioengine/host_identity.h"
#include "ioengine/engine_options.h"
#include "ioengine/passthru_fio.h"
#include "ioengine/restrict_fio.h"
#include "ioengine/submit.h"
#include "ioengine/target_probe.h"

/* Defined with their functions, below ub_getevents. */
static const struct ub_backend ub_backend_rw, ub_backend_passthru, ub_backend_chain;

/* From the fio binary: the engine must run inside the fio it was built for. */
extern const char fio_version_string[];

static bool fio_matches_build(void)
{
	if (strcmp(fio_version_string, UB_FIO_VERSION_STRING) == 0)
		return true;
	log_err("uringbpf: this engine was built against %s but is loaded by %s; "
		"struct layouts differ between fio releases: rebuild the engine against this "
		"fio's source tree (./configure --fio-src=DIR)\n",
		UB_FIO_VERSION_STRING, fio_version_string);
	return false;
}

static int ub_check_targets(struct thread_data *td, struct ub_options *o)
{
	char err[UB_ERR_LEN];
	struct fio_file *f;
	unsigned int i;

	if (!o->hipri || o->passthru)	/* passthru: checked on the ng device */
		return 0;
	for_each_file(td, f, i) {
		if (ub_target_check_iopoll(f->file_name, td->o.odirect, err, sizeof(err))) {
			ub_err_code(td, UB_C_IOPOLL_UNSUPPORTED, "hipri", "%s", err);
			return 1;
		}
	}
	return 0;
}

static void ub_fill_ring_config(struct thread_data *td, struct ub_options *o,
				struct ub_ring_config *cfg)
{
	ub_ring_config_init(cfg, td->o.iodepth);
	cfg->iopoll = o->hipri;
	cfg->hybrid_iopoll = o->hybrid_iopoll;
	cfg->sqpoll = o->sqthread_poll;
	cfg->sqpoll_cpu = o->sqthread_poll_cpu_set ? (int)o->sqthread_poll_cpu : -1;
	cfg->sqpoll_idle_ms = o->sqpoll_idle;
	cfg->register_ring_fd = o->register_ring_fd;
	cfg->sqpoll_shared = o->sqpoll_shared;
	cfg->separate_processes = !td->o.use_thread;
	cfg->defer_taskrun = o->defer_taskrun == UB_DEFER_ON ||
			     (o->defer_taskrun == UB_DEFER_AUTO && !o->sqthread_poll);
}

static void ub_free(struct ub_data *ud)
{
	if (!ud)
		return;
	if (ud->ring_ready)
		ub_ring_close(&ud->ring, &ud->ring_info);
	free(ud->events);
	free(ud->pending);
	free(ud->iovecs);
	free(ud->io_us);
	free(ud->fds);
	ub_options_cleanup(ud);
	ub_harden_free(ud);
	ub_passthru_fio_free(ud);
	free(ud);
}

static int ub_init(struct thread_data *td)
{
	struct ub_options *o = td->eo;
	char err[UB_ERR_LEN];
	struct ub_data *ud;

	if (!fio_matches_build())
		return 1;
	/*
	 * ud first, so every refusal below is kept for report=PATH; from here
	 * on a failure leaves it to ub_cleanup (fio calls it after a failed
	 * init too).
	 */
	ud = calloc(1, sizeof(*ud));
	if (!ud)
		return 1;
	td->io_ops_data = ud;
	if (ub_options_check(td, o))
		return 1;
	if (td_trim(td)) {
		ub_err_code(td, UB_C_MODE_UNSUPPORTED, "rw", "rw=trim/trimwrite is not supported; use ioengine=io_uring for trims");
		return 1;
	}
	if (td->o.trim_percentage) {
		ub_err_code(td, UB_C_MODE_UNSUPPORTED, "trim_percentage", "trim_percentage=%u issues trims, which this engine does not support; "
		       "use ioengine=io_uring for trims", td->o.trim_percentage);
		return 1;
	}
	/* The allowlist (restrict.c) has IORING_OP_FSYNC but no SYNC_FILE_RANGE. */
	if (td->o.sync_file_range && (o->restrict_ring || o->bpf_filter) && !o->passthru) {
		ub_err_code(td, UB_C_OPTION_INVALID, "sync_file_range", "sync_file_range= cannot be used with %s: the ring's allowlist has no "
		       "IORING_OP_SYNC_FILE_RANGE; use fsync= or fdatasync= instead",
		       o->restrict_ring ? "restrict=1" : "bpf_filter=1");
		return 1;
	}
	if (o->registerfiles && td->o.nr_files != td->o.open_files) {
		ub_err_code(td, UB_C_OPTION_INVALID, "registerfiles", "registerfiles=1 needs open_files equal to nr_files (%u != %u)",
		       td->o.open_files, td->o.nr_files);
		return 1;
	}
	ub_fill_ring_config(td, o, &ud->cfg);
	if (ub_ring_config_check(&ud->cfg, err, sizeof(err))) {
		ub_err_code(td, UB_C_OPTION_INVALID, NULL, "%s", err);
		return 1;
	}
	ud->depth = td->o.iodepth;
	ud->spin_ns = o->sqpoll_spin_us * 1000ULL;
	ud->events = calloc(ud->depth, sizeof(*ud->events));
	ud->pending = calloc(ud->depth, sizeof(*ud->pending));
	ud->iovecs = calloc(ud->depth, sizeof(*ud->iovecs));
	ud->io_us = calloc(ud->depth, sizeof(*ud->io_us));
	if (!ud->events || !ud->pending || !ud->iovecs || !ud->io_us)
		return 1;
	if (ub_options_setup(td, o, ud))
		return 1;
	if ((o->restrict_ring || o->bpf_filter) && ub_harden_init(td, o, ud))
		return 1;
	if (o->passthru && ub_passthru_fio_init(td, o, ud))
		return 1;
	if (ub_chain_init(td, ud))
		return 1;
	ud->be = ud->chain ? &ub_backend_chain : o->passthru ? &ub_backend_passthru : &ub_backend_rw;
	return ub_check_targets(td, o);
}

static int ub_io_u_init(struct thread_data *td, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;

	/* io_u->buf is not assigned yet: buffers are mapped in post_init. */
	ud->io_us[io_u->index] = io_u;
	return 0;
}

static int ub_register_buffers(struct thread_data *td, struct ub_data *ud)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ud->depth; i++) {
		ud->iovecs[i].iov_base = ud->io_us[i]->buf;
		ud->iovecs[i].iov_len = td_max_bs(td);
	}
	ret = io_uring_register_buffers(&ud->ring, ud->iovecs, ud->depth);

	if (ret < 0) {
		ub_err_code(td, ub_code_from_errno(ret), "fixedbufs", "fixedbufs=1: registering %u buffers of %llu bytes failed: %s%s",
		       ud->depth, (unsigned long long)td_max_bs(td), strerror(-ret),
		       ret == -ENOMEM ? " (raise RLIMIT_MEMLOCK, ulimit -l, or use fixedbufs=0)" : "");
		return 1;
	}
	return 0;
}

/* Open f for the job: the NVMe char device with passthru=1, else as fio does, checked. */
static int ub_open_target(struct thread_data *td, struct fio_file *f)
{
	struct ub_options *o = td->eo;

	if (o->passthru)
		return ub_passthru_fio_open_file(td, f);
	if (generic_open_file(td, f))
		return 1;
	if (ub_options_check_file(td, o, f)) {
		close(f->fd);
		f->fd = -1;
		return 1;
	}
	return 0;
}

/* Open every file once and register the fds; ->open_file then reuses them. */
static int ub_register_files(struct thread_data *td, struct ub_data *ud)
{
	struct fio_file *f;
	unsigned int i;
	int ret = 0;

	ud->fds = calloc(td->o.nr_files, sizeof(int));
	if (!ud->fds)
		return 1;
	for_each_file(td, f, i) {
		ret = ub_open_target(td, f);
		if (ret)
			break;
		ud->fds[i] = f->fd;
		f->engine_pos = i;
	}
	if (!ret) {
		ret = io_uring_register_files(&ud->ring, ud->fds, td->o.nr_files);
		if (ret < 0)
			ub_err(td, "registerfiles=1: the kernel refused to register %u files: %s",
			       td->o.nr_files, strerror(-ret));
	}
	/* fio opens and closes files itself: let it think they are closed. */
	for_each_file(td, f, i) {
		if (ret && f->fd != -1 && generic_close_file(td, f))
			ub_err(td, "closing %s after a failed registration: %s",
			       f->file_name, strerror(errno));
		f->fd = -1;
	}
	if (ret)
		return 1;
	ud->files_registered = true;
	return 0;
}

/*
 * Ring creation happens here, in the job's own thread or process (a
 * SINGLE_ISSUER ring belongs to its creator) and after fio allocated the
 * buffers, so they can be registered.
 */
static int ub_post_init(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_options *o = td->eo;
	char err[UB_ERR_LEN];
	int ret;

	ud->rep.creator_tid = gettid();
	ret = ub_ring_open(&ud->ring, &ud->cfg, &ud->ring_info, err, sizeof(err));
	if (ret) {
		ub_err_code(td, ub_code_from_errno(ret), NULL, "%s", err);
		td_verror(td, -ret, "io_uring_queue_init");
		return 1;
	}
	ud->ring_ready = true;
	ub_options_probe_ring(o, &ud->ring);
	if (ud->ring_info.shared)
		ub_info(td, "sqpoll_shared: %s SQ thread iou-sqp-%d, now shared by %u ring%s",
			ud->ring_info.attached ? "attached to" : "started", ud->ring_info.sq_creator,
			ud->ring_info.sq_users, ud->ring_info.sq_users == 1 ? "" : "s");
	if (o->fixedbufs && ub_register_buffers(td, ud))
		return 1;
	if (o->registerfiles && ub_register_files(td, ud))
		return 1;
	/* restrict=1 refuses registrations once its allowlist is in. */
	if (ub_chain_register_region(td, ud) || ub_harden_ring(td, ud))
		return 1;
	/* SQPOLL: the kernel submits; slat would only measure filling the SQE. */
	if (o->sqthread_poll)
		td->o.disable_slat = 1;

	/*
	 * iodepth_batch_complete_min=0 is fio's polling mode ("we will NOT
	 * wait"): fio still asks for one completion when the queue is full, and
	 * fio's engine then enters with min_complete 0 until one is there.
	 * Under SQPOLL the wait keeps its spin-then-sleep (see ub_spin_for_cqe).
	 */
	ud->poll_reap = !td->o.iodepth_batch_complete_min && !(ud->ring.flags & IORING_SETUP_SQPOLL);
	/*
	 * Submit with the next wait only at iodepth 1, where fio's next call
	 * after a full queue is always ->getevents: two syscalls become one.
	 * Deeper, every wait would also be a submit and the queue would refill
	 * late (measured in README, "Performance").
	 */
	ud->defer_when_full = ud->depth == 1 && !(ud->ring.flags & IORING_SETUP_SQPOLL) &&
			      !ud->poll_reap;
	/* With SQPOLL the SQ thread also polls an IOPOLL ring: nothing to enter for. */
	ud->sqpoll_spin = ud->ring.flags & IORING_SETUP_SQPOLL;
	ud->must_enter = (ud->ring.flags & IORING_SETUP_DEFER_TASKRUN) ||
			 (ud->ring.flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL)) ==
			 IORING_SETUP_IOPOLL;

	ub_ring_flags_str(ud->ring.flags, ud->flags_str, sizeof(ud->flags_str));
	ub_info(td, "ring %u entries, flags %s%s%s%s", ud->ring.sq.ring_entries, ud->flags_str,
		 o->fixedbufs ? ", fixed buffers" : "",
		 o->registerfiles ? ", registered files" : "",
		 ud->cfg.register_ring_fd ? ", registered ring fd" : "");
	if (ub_chain_post_init(td, ud))
		return 1;
	ud->rep.running = true;	/* errors from here on are failures, not refusals */
	return 0;
}

static void ub_prep_rw(struct thread_data *td, struct ub_options *o,
		       struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;
	struct fio_file *f = io_u->file;
	int fd = ud->files_registered ? (int)f->engine_pos : f->fd;
	bool is_read = io_u->ddir == DDIR_READ;

	if (o->fixedbufs) {
		if (is_read)
			io_uring_prep_read_fixed(sqe, fd, io_u->xfer_buf, io_u->xfer_buflen,
						 io_u->offset, io_u->index);
		else
			io_uring_prep_write_fixed(sqe, fd, io_u->xfer_buf, io_u->xfer_buflen,
						  io_u->offset, io_u->index);
	} else if (o->nonvectored) {
		if (is_read)
			io_uring_prep_read(sqe, fd, io_u->xfer_buf, io_u->xfer_buflen, io_u->offset);
		else
			io_uring_prep_write(sqe, fd, io_u->xfer_buf, io_u->xfer_buflen, io_u->offset);
	} else {
		struct iovec *iov = &ud->iovecs[io_u->index];

		iov->iov_base = io_u->xfer_buf;
		iov->iov_len = io_u->xfer_buflen;
		if (is_read)
			io_uring_prep_readv(sqe, fd, iov, 1, io_u->offset);
		else
			io_uring_prep_writev(sqe, fd, iov, 1, io_u->offset);
	}
	if (ud->files_registered)
		sqe->flags |= IOSQE_FIXED_FILE;
	sqe->rw_flags |= ud->rw_flags;
	/*
	 * The job's prio/prioclass (or cmdprio's pick) go in every SQE, as in
	 * fio's engine: with SQPOLL the SQ thread issues the I/O with its own
	 * priority, taken from whichever job created it (sqpoll_shared: maybe
	 * another job), so the job's ioprio_set() alone does not reach the I/O.
	 */
	if (ud->cmdprio.mode != CMDPRIO_MODE_NONE)
		fio_cmdprio_set_ioprio(td, &ud->cmdprio, io_u);
	sqe->ioprio = io_u->ioprio;
}

/*
 * fsync and fdatasync as fio's io_uring engine issues them.  The range of a
 * sync_file_range is what fio saw complete since the last sync
 * (f->first_write..f->last_write, kept by fio at each write's completion):
 * ub_queue lets the writes before it complete first, as fio's sync and
 * libaio engines do; none since the last sync (-1) syncs the whole file.
 */
static void ub_prep_sync(struct thread_data *td, struct ub_data *ud,
			 struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct fio_file *f = io_u->file;
	int fd = ud->files_registered ? (int)f->engine_pos : f->fd;

	if (io_u->ddir == DDIR_SYNC_FILE_RANGE && f->first_write != -1ULL)
		io_uring_prep_sync_file_range(sqe, fd, f->last_write - f->first_write,
					      f->first_write, td->o.sync_file_range);
	else if (io_u->ddir == DDIR_SYNC_FILE_RANGE)
		io_uring_prep_sync_file_range(sqe, fd, 0, 0, td->o.sync_file_range);
	else
		io_uring_prep_fsync(sqe, fd, io_u->ddir == DDIR_DATASYNC ? IORING_FSYNC_DATASYNC : 0);
	if (ud->files_registered)
		sqe->flags |= IOSQE_FIXED_FILE;
}

/* The ring backends' queue; passthru is a constant in each instance. */
static inline __attribute__((always_inline)) enum fio_q_status
ub_ring_queue(struct thread_data *td, struct io_u *io_u, const bool passthru)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_options *o = td->eo;
	struct io_uring_sqe *sqe;

	/* Trims are refused in ->init; nothing else reaches here. */
	if (ub_unlikely(!ddir_rw(io_u->ddir) && !ddir_sync(io_u->ddir))) {
		ub_err(td, "fio asked for an operation this engine does not issue (ddir %d)",
		       (int)io_u->ddir);
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	if (passthru && ub_passthru_fio_check_io(td, ud, io_u))
		return FIO_Q_COMPLETED;	/* never rounded to another LBA */
	/* fio reaps on BUSY and queues this again: the writes before it complete first. */
	if (ub_unlikely(io_u->ddir == DDIR_SYNC_FILE_RANGE && (ud->inflight || ud->nr_pending ||
							      io_uring_sq_ready(&ud->ring))))
		return FIO_Q_BUSY;
	sqe = io_uring_get_sqe(&ud->ring);
	if (ub_unlikely(!sqe))
		return FIO_Q_BUSY;	/* cannot happen: the ring holds iodepth */

	if (passthru)
		ub_passthru_fio_prep(td, ud, sqe, io_u);	/* syncs become NVMe flushes */
	else if (ub_likely(ddir_rw(io_u->ddir)))
		ub_prep_rw(td, o, sqe, io_u);
	else
		ub_prep_sync(td, ud, sqe, io_u);
	if (ud->force_async && ++ud->prepped == ud->force_async) {
		ud->prepped = 0;
		sqe->flags |= IOSQE_ASYNC;
	}
	io_uring_sqe_set_data(sqe, io_u);
	ud->pending[ud->nr_pending++] = io_u;
	return FIO_Q_QUEUED;
}

static enum fio_q_status ub_rw_queue(struct thread_data *td, struct io_u *io_u)
{
	return ub_ring_queue(td, io_u, false);
}

static enum fio_q_status ub_passthru_queue(struct thread_data *td, struct io_u *io_u)
{
	return ub_ring_queue(td, io_u, true);
}

/* Hand the queued SQEs to the kernel (and wait for wait_nr CQEs). */
static int ub_submit(struct thread_data *td, struct ub_data *ud, unsigned int wait_nr)
{
	unsigned int queued = ud->nr_pending;

	ub_mark_issued(td, ud->pending, &ud->nr_pending);
	ud->deferred_submit = false;
	ud->submitted_total += queued;
	/* The SQ thread takes every SQE in the SQ ring: nothing is refused. */
	if (ud->ring.flags & IORING_SETUP_SQPOLL)
		ud->inflight += queued;
	/*
	 * must_enter rings: every submit also takes in the completions waiting
	 * as task work (GETEVENTS, min 0, as fio's engine does), so the next
	 * ->getevents finds them in the CQ.  A bare submit left them hidden
	 * until the queue was full; then each full queue cost a wait and the
	 * queue drained to empty before it refilled (README, "Performance").
	 */
	return ub_enter(td, ud, wait_nr, ud->must_enter);
}

static int ub_ring_commit(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;

	if (!ud->nr_pending)
		return 0;
	/*
	 * At iodepth 1 fio's next call is ->getevents, so submit there:
	 * submit and wait become one syscall instead of two.  SQPOLL needs no
	 * syscall to submit at all.  Deeper queues submit now (see post_init).
	 */
	if (ud->defer_when_full && ud->inflight + ud->nr_pending >= ud->depth) {
		ud->deferred_submit = true;
		return 0;
	}
	return ub_submit(td, ud, 0);
}

static const char *ub_sync_name(enum fio_ddir ddir, bool passthru)
{
	if (passthru)
		return "flush (NVMe passthrough)";
	switch (ddir) {
	case DDIR_SYNC: return "fsync (IORING_OP_FSYNC)";
	case DDIR_DATASYNC: return "fdatasync (IORING_OP_FSYNC, IORING_FSYNC_DATASYNC)";
	case DDIR_SYNC_FILE_RANGE: return "sync_file_range (IORING_OP_SYNC_FILE_RANGE)";
	default: return "operation";
	}
}

/*
 * Anything but a full read or write: errors, short transfers, syncs,
 * passthru status.  A failed sync is named here, since fio's own line
 * shows only the errno.
 */
static void __attribute__((noinline)) ub_complete_slow(struct thread_data *td, struct io_u *io_u,
						      int res)
{
	struct ub_options *o = td->eo;

	if (o->passthru)
		res = ub_passthru_fio_res(io_u, res);
	if (res < 0) {
		io_u->error = -res;
		if (ddir_sync(io_u->ddir))
			ub_err(td, "%s of %s failed: %s", ub_sync_name(io_u->ddir, o->passthru),
			       io_u->file->file_name, strerror(-res));
		else if (res == -EOPNOTSUPP && o->hipri)
			ub_err_code(td, UB_C_IOPOLL_UNSUPPORTED, "hipri", "hipri=1: the kernel cannot poll this target (EOPNOTSUPP)");
	} else if (ddir_rw(io_u->ddir) && (unsigned long long)res != io_u->xfer_buflen) {
		io_u->resid = io_u->xfer_buflen - res;
		io_u->error = 0;
	} else {
		io_u->error = 0;
	}
}

/* Move up to max - have CQEs into ud->events[have...]; returns how many. */
static inline __attribute__((always_inline)) unsigned int
ub_reap(struct thread_data *td, struct ub_data *ud, unsigned int have, unsigned int max,
	const bool passthru)
{
	struct io_u **events = ud->events + have;
	unsigned int head, n = 0, room = max - have;	/* room >= 1: callers reap below max */
	struct io_uring_cqe *cqe;

	io_uring_for_each_cqe(&ud->ring, head, cqe) {
		struct io_u *io_u = (struct io_u *)(uintptr_t)cqe->user_data;
		int res = cqe->res;

		if (ub_likely(!passthru && res >= 0 &&
			      (unsigned long long)res == io_u->xfer_buflen))
			io_u->error = 0;
		else
			ub_complete_slow(td, io_u, res);
		events[n] = io_u;
		if (++n == room)
			break;
	}
	if (n) {
		io_uring_cq_advance(&ud->ring, n);
		ud->inflight -= n;
	}
	return n;
}

static unsigned long long ub_elapsed_ns(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000ULL + t.tv_nsec - t0->tv_nsec;
}

/*
 * How the SQPOLL wait spins (A/B runs in README "Performance"):
 * - The budget is sqpoll_spin_us divided by the I/Os in flight: with N in
 *   flight the next completion is due about N times sooner, and a long spin
 *   at depth takes the CPU the SQ thread and io-wq workers need to make
 *   those completions (two cores, three busy threads).
 * - It spins only while most spins end with a CQE: a spin that times out
 *   cost its whole budget and a sleep too.  Misses come from a target slower
 *   than the budget (NVMe at QD1) or from a completion that needs the CPU we
 *   spin on (tmpfs reads go to an io-wq worker, which may share our core).
 *   Past UB_MISS_MAX it sleeps at once, and spins once in UB_SPIN_PROBE
 *   waits to notice when spinning pays again.
 * - The clock is read once per UB_SPIN_POLLS polls of the CQ, the first
 *   time only after that many: a CQ poll is a cached load, while a clock
 *   read traps where the clocksource is not vDSO-readable (QEMU TCG:
 *   reading it every 32 polls cost a third of QD1 IOPS on null_blk).
 */
#define UB_SPIN_POLLS	1024
#define UB_MISS_ONE	1024			/* spin_miss_avg of a target that always misses */
#define UB_MISS_MAX	(UB_MISS_ONE / 4)
#define UB_SPIN_PROBE	64

/* A running average over about the last 16 spins. */
static void ub_spin_account(struct ub_data *ud, bool missed)
{
	ud->spin_miss_avg -= ud->spin_miss_avg / 16;
	if (missed)
		ud->spin_miss_avg += UB_MISS_ONE / 16;
}

/* SQPOLL: true once a CQE is ready, false when the spin gives up. */
static bool ub_spin_for_cqe(struct ub_data *ud)
{
	unsigned long long budget_ns;
	struct timespec t0;
	unsigned int i;

	if (io_uring_cq_ready(&ud->ring))
		return true;
	if (!ud->spin_ns || !ud->inflight)
		return false;
	if (ud->spin_miss_avg > UB_MISS_MAX && ++ud->waits_unspun < UB_SPIN_PROBE)
		return false;
	ud->waits_unspun = 0;
	budget_ns = ud->spin_ns / ud->inflight;
	for (i = 1;; i++) {
		if (io_uring_cq_ready(&ud->ring)) {
			ub_spin_account(ud, false);
			return true;
		}
		if (i % UB_SPIN_POLLS)
			continue;
		if (i == UB_SPIN_POLLS) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
		} else if (ub_elapsed_ns(&t0) >= budget_ns) {
			ub_spin_account(ud, true);
			return false;
		}
	}
}

/* Not enough completions were ready: wait for them (spin first under SQPOLL). */
static int __attribute__((noinline)) ub_wait_events(struct thread_data *td, struct ub_data *ud,
						    unsigned int min, unsigned int max,
						    unsigned int events)
{
	int ret;

	for (;;) {
		/*
		 * SQPOLL without IOPOLL: completions arrive without our help, so
		 * spin on the CQ first; no syscall when one comes soon.
		 */
		if (!(ud->sqpoll_spin && ub_spin_for_cqe(ud))) {
			/* poll_reap: take in what is done, sleep never. */
			ret = ub_enter(td, ud, ud->poll_reap ? 0 : min - events, ud->poll_reap);
			if (ub_unlikely(ret))
				return ret;
		}
		events += ub_reap(td, ud, events, max, ud->be == &ub_backend_passthru);
		if (events >= min)
			return events;
	}
}

/*
 * getevents(min=0) found nothing.  On a DEFER_TASKRUN or IOPOLL ring (no
 * SQPOLL) completions reach the CQ only inside io_uring_enter, and SQEs a
 * refused submit left in the SQ go only with one: enter once, without
 * waiting, and return what is there.  fio calls min=0 in a loop (iolog
 * replay, iodepth_batch_complete_min=0): never loop here.
 */
static int __attribute__((noinline)) ub_flush_events(struct thread_data *td, struct ub_data *ud,
						     unsigned int max)
{
	bool leftovers = !(ud->ring.flags & IORING_SETUP_SQPOLL) && io_uring_sq_ready(&ud->ring);
	int ret;

	if (!leftovers && !(ud->must_enter && ud->inflight))
		return 0;
	ret = ub_enter(td, ud, 0, true);
	if (ub_unlikely(ret))
		return ret;
	return ub_reap(td, ud, 0, max, ud->be == &ub_backend_passthru);
}

static inline __attribute__((always_inline)) int
ub_ring_getevents(struct thread_data *td, unsigned int min, unsigned int max, const bool passthru)
{
	struct ub_data *ud = td->io_ops_data;
	unsigned int events;
	int ret;

	if (ud->deferred_submit) {
		ret = ub_submit(td, ud, min);
		if (ub_unlikely(ret))
			return ret;
	}
	events = ub_reap(td, ud, 0, max, passthru);
	if (ub_likely(events >= min && events))
		return events;
	if (!min)
		return ub_flush_events(td, ud, max);
	return ub_wait_events(td, ud, min, max, events);
}

static int ub_rw_getevents(struct thread_data *td, unsigned int min, unsigned int max)
{
	return ub_ring_getevents(td, min, max, false);
}

static int ub_passthru_getevents(struct thread_data *td, unsigned int min, unsigned int max)
{
	return ub_ring_getevents(td, min, max, true);
}

/*
 * The backends.  Read/write and NVMe passthrough share the ring code above
 * and differ in prep and completion (instances of it with passthru
 * constant); the chain workload has its own queue/commit/getevents
 * (bpf_chain.c).  Chosen once, in ->init.
 */
static const struct ub_backend ub_backend_rw = {
	.name = "read/write",
	.queue = ub_rw_queue,
	.commit = ub_ring_commit,
	.getevents = ub_rw_getevents,
};
static const struct ub_backend ub_backend_passthru = {
	.name = "NVMe passthrough",
	.queue = ub_passthru_queue,
	.commit = ub_ring_commit,
	.getevents = ub_passthru_getevents,
};
static const struct ub_backend ub_backend_chain = {
	.name = "chain",
	.queue = ub_chain_queue,
	.commit = ub_chain_commit,
	.getevents = ub_chain_getevents,
};

static enum fio_q_status ub_queue(struct thread_data *td, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;

	fio_ro_check(td, io_u);
	return ud->be->queue(td, io_u);
}

static int ub_commit(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;

	return ud->be->commit(td);
}

static int ub_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			const struct timespec *t)
{
	struct ub_data *ud = td->io_ops_data;

	return ud->be->getevents(td, min, max);
}

static struct io_u *ub_event(struct thread_data *td, int event)
{
	struct ub_data *ud = td->io_ops_data;

	return ud->events[event];
}

static int ub_open_file(struct thread_data *td, struct fio_file *f)
{
	struct ub_data *ud = td->io_ops_data;

	if (!ud || !ud->files_registered)
		return ub_open_target(td, f);
	f->fd = ud->fds[f->engine_pos];
	return 0;
}

static int ub_close_file(struct thread_data *td, struct fio_file *f)
{
	struct ub_data *ud = td->io_ops_data;

	if (!ud || !ud->files_registered)
		return generic_close_file(td, f);
	f->fd = -1;
	return 0;
}

/*
 * Runs before ->init too: fio sizes files in its main process (the backend,
 * before the job forks), which is where the job's description must be set
 * for host_identity=1 to reach the results.  (Not a ->setup hook: an engine
 * with one replaces fio's own sizing of every file.)
 */
static int ub_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct ub_options *o = td->eo;

	if (td->files_index && f == td->files[0])
		ub_host_identity(td);
	return o->passthru ? ub_passthru_fio_get_file_size(td, f) : generic_get_file_size(td, f);
}

static void ub_cleanup(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;
	struct fio_file *f;
	unsigned int i;

	if (!ud)
		return;
	ub_report_write(td, ud);
	ub_chain_cleanup(td, ud);
	if (ud->submitted_total)
		ub_info(td, "%llu I/Os, %llu io_uring_enter calls (%.3f per I/O)",
			ud->submitted_total, ud->enter_calls,
			(double)ud->enter_calls / ud->submitted_total);
	if (ud->files_registered) {
		for_each_file(td, f, i)
			close(ud->fds[i]);
	}
	ub_free(ud);
	td->io_ops_data = NULL;
	ub_leak_check(td->o.use_thread);
}

/* The only exported symbol: fio looks it up by this name after dlopen(). */
__attribute__((visibility("default")))
struct ioengine_ops ioengine = {
	.name			= "uringbpf",
	.version		= FIO_IOOPS_VERSION,
	.flags			= FIO_NO_OFFLOAD | FIO_ASYNCIO_SETS_ISSUE_TIME,
	.init			= ub_init,
	.post_init		= ub_post_init,
	.io_u_init		= ub_io_u_init,
	.queue			= ub_queue,
	.commit			= ub_commit,
	.getevents		= ub_getevents,
	.event			= ub_event,
	.cleanup		= ub_cleanup,
	.open_file		= ub_open_file,
	.close_file		= ub_close_file,
	.get_file_size		= ub_get_file_size,
	.options		= ub_option_table,
	.option_struct_size	= sizeof(struct ub_options),
};
