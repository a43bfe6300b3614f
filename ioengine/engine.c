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

#include "config-host.h"	/* ours: UB_FIO_VERSION_STRING */
#include "ioengine/leak_check.h"
#include "ioengine/bpf_chain.h"
#include "ioengine/engine.h"
#include "ioengine/engine_features.h"
#include "ioengine/engine_options.h"
#include "ioengine/target_probe.h"

#define ub_likely(x)	__builtin_expect(!!(x), 1)
#define ub_unlikely(x)	__builtin_expect(!!(x), 0)

/* From the fio binary: the engine must run inside the fio it was built for. */
extern const char fio_version_string[];

static char errbuf[512];

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
	struct fio_file *f;
	unsigned int i;

	if (!o->hipri || o->passthru)	/* passthru: checked on the ng device */
		return 0;
	for_each_file(td, f, i) {
		if (ub_target_check_iopoll(f->file_name, td->o.odirect, errbuf, sizeof(errbuf))) {
			ub_err(td, "%s", errbuf);
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
	cfg->defer_taskrun = o->defer_taskrun == UB_DEFER_ON ||
			     (o->defer_taskrun == UB_DEFER_AUTO && !o->sqthread_poll);
}

static void ub_free(struct ub_data *ud)
{
	if (!ud)
		return;
	if (ud->ring_ready)
		io_uring_queue_exit(&ud->ring);
	free(ud->events);
	free(ud->pending);
	free(ud->iovecs);
	free(ud->io_us);
	free(ud->fds);
	ub_feat_free(ud);
	free(ud);
}

static int ub_init(struct thread_data *td)
{
	struct ub_options *o = td->eo;
	struct ub_data *ud;

	if (!fio_matches_build())
		return 1;
	if (td_trim(td)) {
		ub_err(td, "rw=trim/trimwrite is not supported; use ioengine=io_uring for trims");
		return 1;
	}
	if (o->registerfiles && td->o.nr_files != td->o.open_files) {
		ub_err(td, "registerfiles=1 needs open_files equal to nr_files (%u != %u)",
		       td->o.open_files, td->o.nr_files);
		return 1;
	}

	ud = calloc(1, sizeof(*ud));
	if (!ud)
		return 1;
	ub_fill_ring_config(td, o, &ud->cfg);
	if (ub_ring_config_check(&ud->cfg, errbuf, sizeof(errbuf))) {
		ub_err(td, "%s", errbuf);
		free(ud);
		return 1;
	}
	ud->depth = td->o.iodepth;
	ud->spin_ns = o->sqpoll_spin_us * 1000ULL;
	ud->events = calloc(ud->depth, sizeof(*ud->events));
	ud->pending = calloc(ud->depth, sizeof(*ud->pending));
	ud->iovecs = calloc(ud->depth, sizeof(*ud->iovecs));
	ud->io_us = calloc(ud->depth, sizeof(*ud->io_us));
	if (!ud->events || !ud->pending || !ud->iovecs || !ud->io_us) {
		ub_free(ud);
		return 1;
	}
	td->io_ops_data = ud;
	if (ub_feat_init(td, o, ud))
		return 1;
	if (ub_chain_init(td, ud))
		return 1;
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
		ub_err(td, "fixedbufs=1: registering %u buffers of %llu bytes failed: %s%s",
		       ud->depth, (unsigned long long)td_max_bs(td), strerror(-ret),
		       ret == -ENOMEM ? " (raise RLIMIT_MEMLOCK, ulimit -l, or use fixedbufs=0)" : "");
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
		ret = ub_feat_open_file(td, f);
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
	int ret;

	ret = ub_feat_ring_create(td, ud, errbuf, sizeof(errbuf));
	if (ret) {
		ub_err(td, "%s", errbuf);
		td_verror(td, -ret, "io_uring_queue_init");
		return 1;
	}
	ud->ring_ready = true;
	if (o->fixedbufs && ub_register_buffers(td, ud))
		return 1;
	if (o->registerfiles && ub_register_files(td, ud))
		return 1;
	if (ub_feat_secure_ring(td, ud))
		return 1;
	/* SQPOLL: the kernel submits; slat would only measure filling the SQE. */
	if (o->sqthread_poll)
		td->o.disable_slat = 1;

	/*
	 * Folding the submit into the next wait pays at iodepth 1 only.  Deeper,
	 * it made every wait also a submit and cost a quarter of the IOPS (4k
	 * randread on tmpfs, fio default batching, 3 runs each, kIOPS deferred vs
	 * submitted at once vs fio io_uring: QD8 189/214/201, QD16 233/286/256,
	 * QD32 191/286/285).
	 */
	ud->defer_when_full = ud->depth == 1 && !(ud->ring.flags & IORING_SETUP_SQPOLL);
	/* With SQPOLL the SQ thread also polls an IOPOLL ring: nothing to enter for. */
	ud->sqpoll_spin = ud->ring.flags & IORING_SETUP_SQPOLL;
	ud->must_enter = (ud->ring.flags & IORING_SETUP_DEFER_TASKRUN) ||
			 (ud->ring.flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL)) ==
			 IORING_SETUP_IOPOLL;
	ud->passthru = o->passthru;
	ud->cqe_shift = ud->ring.flags & IORING_SETUP_CQE32 ? 1 : 0;

	ub_ring_flags_str(ud->ring.flags, ud->flags_str, sizeof(ud->flags_str));
	ub_info(td, "ring %u entries, flags %s%s%s%s", ud->ring.sq.ring_entries, ud->flags_str,
		 o->fixedbufs ? ", fixed buffers" : "",
		 o->registerfiles ? ", registered files" : "",
		 ud->cfg.register_ring_fd ? ", registered ring fd" : "");
	return ub_chain_post_init(td, ud);
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
}

static enum fio_q_status ub_queue(struct thread_data *td, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_options *o = td->eo;
	struct fio_file *f = io_u->file;
	struct io_uring_sqe *sqe;

	fio_ro_check(td, io_u);
	if (ub_unlikely(ud->chain))
		return ub_chain_queue(td, io_u);

	if (ub_unlikely(!ddir_rw(io_u->ddir) && io_u->ddir != DDIR_SYNC &&
			 io_u->ddir != DDIR_DATASYNC)) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	sqe = io_uring_get_sqe(&ud->ring);
	if (ub_unlikely(!sqe))
		return FIO_Q_BUSY;	/* cannot happen: the ring holds iodepth */

	if (ub_likely(ddir_rw(io_u->ddir) && !ud->passthru)) {
		ub_prep_rw(td, o, sqe, io_u);
	} else if (ud->passthru) {
		ub_feat_prep_passthru(td, ud, sqe, io_u);
	} else {
		io_uring_prep_fsync(sqe, ud->files_registered ? (int)f->engine_pos : f->fd,
				    io_u->ddir == DDIR_DATASYNC ? IORING_FSYNC_DATASYNC : 0);
		if (ud->files_registered)
			sqe->flags |= IOSQE_FIXED_FILE;
	}
	io_uring_sqe_set_data(sqe, io_u);
	ud->pending[ud->nr_pending++] = io_u;
	return FIO_Q_QUEUED;
}

/* Issue time is stamped when the SQEs really go to the kernel. */
static void ub_mark_issued(struct thread_data *td, struct ub_data *ud)
{
	struct timespec now;
	unsigned int i;

	if (fio_fill_issue_time(td)) {
		fio_gettime(&now, NULL);
		for (i = 0; i < ud->nr_pending; i++) {
			ud->pending[i]->issue_time = now;
			io_u_queued(td, ud->pending[i]);
		}
		if (td->o.read_iolog_file)
			td->last_issue = now;
	}
	io_u_mark_submit(td, ud->nr_pending);
	ud->nr_pending = 0;
}

/*
 * Submit the pending SQEs and wait for wait_nr completions in one
 * io_uring_enter.  With SQPOLL, liburing enters the kernel only to wake a
 * sleeping SQ thread.
 */
static int ub_submit(struct thread_data *td, struct ub_data *ud, unsigned int wait_nr)
{
	unsigned int submitted = ud->nr_pending;
	int ret;

	ub_mark_issued(td, ud);
	ud->deferred_submit = false;
	for (;;) {
		ret = wait_nr ? io_uring_submit_and_wait(&ud->ring, wait_nr)
			      : io_uring_submit(&ud->ring);
		if (!(ud->ring.flags & IORING_SETUP_SQPOLL) || wait_nr)
			ud->enter_calls++;
		if (ret >= 0 || ret == -ETIME)
			break;
		if (ret == -EINTR)
			continue;
		if (ret == -EAGAIN || ret == -EBUSY) {
			/* Out of kernel resources: let completions drain, then retry. */
			io_uring_get_events(&ud->ring);
			continue;
		}
		td_verror(td, -ret, "io_uring_enter");
		return ret;
	}
	ud->inflight += submitted;
	ud->submitted_total += submitted;
	return 0;
}

static int ub_commit(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;

	if (ub_unlikely(ud->chain))
		return ub_chain_commit(td);
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

/* Anything but a full transfer: errors, short transfers, passthru status. */
static void __attribute__((noinline)) ub_complete_slow(struct ub_options *o, struct io_u *io_u,
						      int res)
{
	if (o->passthru)
		res = ub_feat_passthru_res(io_u, res);
	if (res < 0) {
		io_u->error = -res;
		if (res == -EOPNOTSUPP && o->hipri)
			log_err("uringbpf: hipri=1: the kernel cannot poll this target (EOPNOTSUPP)\n");
	} else if ((unsigned long long)res != io_u->xfer_buflen) {
		io_u->resid = io_u->xfer_buflen - res;
		io_u->error = 0;
	} else {
		io_u->error = 0;
	}
}

/*
 * Move up to max - have CQEs into ud->events[have...]; returns how many.
 * The tail is read once and the head written once per call, not per CQE.
 */
static inline __attribute__((always_inline)) unsigned int
ub_reap(struct thread_data *td, struct ub_data *ud, unsigned int have, unsigned int max)
{
	struct io_uring_cq *cq = &ud->ring.cq;
	unsigned int head = *cq->khead;
	unsigned int n = io_uring_smp_load_acquire(cq->ktail) - head;
	unsigned int i;

	if (n > max - have)
		n = max - have;
	for (i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = &cq->cqes[((head + i) & cq->ring_mask) << ud->cqe_shift];
		struct io_u *io_u = (struct io_u *)(uintptr_t)cqe->user_data;
		int res = cqe->res;

		if (ub_likely(res >= 0 && (unsigned long long)res == io_u->xfer_buflen &&
			       !ud->passthru))
			io_u->error = 0;
		else
			ub_complete_slow(td->eo, io_u, res);
		ud->events[have + i] = io_u;
	}
	if (n) {
		io_uring_smp_store_release(cq->khead, head + n);
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
			ret = io_uring_submit_and_wait(&ud->ring, min > events ? min - events : 0);
			ud->enter_calls++;
			if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -ETIME) {
				td_verror(td, -ret, "io_uring_enter(GETEVENTS)");
				return ret;
			}
			if (!min && !io_uring_cq_ready(&ud->ring))
				return events;
		}
		events += ub_reap(td, ud, events, max);
		if (events >= min && (events || !min || !ud->must_enter))
			return events;
	}
}

static int ub_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			const struct timespec *t)
{
	struct ub_data *ud = td->io_ops_data;
	unsigned int events;
	int ret;

	if (ub_unlikely(ud->chain))
		return ub_chain_getevents(td, min, max);
	if (ud->deferred_submit) {
		ret = ub_submit(td, ud, min);
		if (ub_unlikely(ret))
			return ret;
	}
	events = ub_reap(td, ud, 0, max);
	if (ub_likely(events >= min && (events || !min || !ud->must_enter)))
		return events;
	return ub_wait_events(td, ud, min, max, events);
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
		return ub_feat_open_file(td, f);
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

static void ub_cleanup(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;
	struct fio_file *f;
	unsigned int i;

	if (!ud)
		return;
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
	ub_leak_check();
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
	.get_file_size		= ub_feat_get_file_size,
	.options		= ub_option_table,
	.option_struct_size	= sizeof(struct ub_options),
};
