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

#include "config-host.h"	/* ours: UB_FIO_VERSION_STRING */
#include "ioengine/engine.h"
#include "ioengine/engine_options.h"
#include "ioengine/target_probe.h"

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

/* Features whose code is not part of this build refuse by name. */
static int check_unavailable_features(struct ub_options *o)
{
	static const struct { size_t off; const char *name; } later[] = {
		{ offsetof(struct ub_options, restrict_ring), "restrict" },
		{ offsetof(struct ub_options, bpf_filter), "bpf_filter" },
		{ offsetof(struct ub_options, passthru), "passthru" },
		{ offsetof(struct ub_options, bpf_chain), "bpf_chain" },
		{ offsetof(struct ub_options, sqpoll_shared), "sqpoll_shared" },
	};
	size_t i;

	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		if (*(unsigned int *)((char *)o + later[i].off)) {
			ub_err(td, "%s=1 is not supported by this build of the engine", later[i].name);
			return 1;
		}
	}
	return 0;
}

static int ub_check_targets(struct thread_data *td, struct ub_options *o)
{
	struct fio_file *f;
	unsigned int i;

	if (!o->hipri)
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
	free(ud);
}

static int ub_init(struct thread_data *td)
{
	struct ub_options *o = td->eo;
	struct ub_data *ud;

	if (!fio_matches_build() || check_unavailable_features(o))
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
	ud->events = calloc(ud->depth, sizeof(*ud->events));
	ud->pending = calloc(ud->depth, sizeof(*ud->pending));
	ud->iovecs = calloc(ud->depth, sizeof(*ud->iovecs));
	ud->io_us = calloc(ud->depth, sizeof(*ud->io_us));
	if (!ud->events || !ud->pending || !ud->iovecs || !ud->io_us) {
		ub_free(ud);
		return 1;
	}
	td->io_ops_data = ud;
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
		ret = generic_open_file(td, f);
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

	ret = ub_ring_create(&ud->ring, &ud->cfg, errbuf, sizeof(errbuf));
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
	/* SQPOLL: the kernel submits; slat would only measure filling the SQE. */
	if (o->sqthread_poll)
		td->o.disable_slat = 1;

	ub_ring_flags_str(ud->ring.flags, ud->flags_str, sizeof(ud->flags_str));
	ub_info(td, "ring %u entries, flags %s%s%s%s", ud->ring.sq.ring_entries, ud->flags_str,
		 o->fixedbufs ? ", fixed buffers" : "",
		 o->registerfiles ? ", registered files" : "",
		 ud->cfg.register_ring_fd ? ", registered ring fd" : "");
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
}

static enum fio_q_status ub_queue(struct thread_data *td, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_options *o = td->eo;
	struct fio_file *f = io_u->file;
	struct io_uring_sqe *sqe;

	fio_ro_check(td, io_u);

	if (io_u->ddir != DDIR_READ && io_u->ddir != DDIR_WRITE &&
	    io_u->ddir != DDIR_SYNC && io_u->ddir != DDIR_DATASYNC) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	sqe = io_uring_get_sqe(&ud->ring);
	if (!sqe)
		return FIO_Q_BUSY;	/* cannot happen: the ring holds iodepth */

	if (io_u->ddir == DDIR_READ || io_u->ddir == DDIR_WRITE) {
		ub_prep_rw(td, o, sqe, io_u);
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

	if (!ud->nr_pending)
		return 0;
	/*
	 * A full queue means fio's next call is ->getevents (its io_u freelist
	 * is empty), so submit there: submit and wait become one syscall
	 * instead of two.  SQPOLL needs no syscall to submit at all.
	 */
	if (!(ud->ring.flags & IORING_SETUP_SQPOLL) &&
	    ud->inflight + ud->nr_pending >= ud->depth) {
		ud->deferred_submit = true;
		return 0;
	}
	return ub_submit(td, ud, 0);
}

static void ub_complete_one(struct ub_options *o, struct io_u *io_u, int res)
{
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

/* Move up to max - have CQEs into ud->events[have...]; returns how many. */
static unsigned int ub_reap(struct thread_data *td, struct ub_data *ud,
			    unsigned int have, unsigned int max)
{
	struct ub_options *o = td->eo;
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&ud->ring, head, cqe) {
		struct io_u *io_u = io_uring_cqe_get_data(cqe);

		if (have + n == max)
			break;
		ub_complete_one(o, io_u, cqe->res);
		ud->events[have + n++] = io_u;
	}
	io_uring_cq_advance(&ud->ring, n);
	ud->inflight -= n;
	return n;
}

static int ub_getevents(struct thread_data *td, unsigned int min, unsigned int max,
			const struct timespec *t)
{
	struct ub_data *ud = td->io_ops_data;
	bool spin = (ud->ring.flags & (IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL)) == IORING_SETUP_SQPOLL;
	bool must_enter = ud->ring.flags & (IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_IOPOLL);
	unsigned int events = 0;
	int ret;

	if (ud->deferred_submit) {
		ret = ub_submit(td, ud, min);
		if (ret)
			return ret;
	}
	for (;;) {
		events += ub_reap(td, ud, events, max);
		if (events >= min && (events || !min || !must_enter))
			return events;
		/*
		 * SQPOLL without IOPOLL: completions arrive without our help, so
		 * spin on the CQ instead of a syscall per batch (as fio's engine).
		 */
		if (spin) {
			while (!io_uring_cq_ready(&ud->ring))
				__asm__ __volatile__("pause" ::: "memory");
			continue;
		}
		ret = io_uring_submit_and_wait(&ud->ring, min > events ? min - events : 0);
		ud->enter_calls++;
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -ETIME) {
			td_verror(td, -ret, "io_uring_enter(GETEVENTS)");
			return ret;
		}
		if (!min && !io_uring_cq_ready(&ud->ring))
			return events;
	}
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
		return generic_open_file(td, f);
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
	.get_file_size		= generic_get_file_size,
	.options		= ub_option_table,
	.option_struct_size	= sizeof(struct ub_options),
};
