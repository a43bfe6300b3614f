/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way into the kernel for every user-space backend (engine.c's
 * read/write and passthrough, bpf_chain.c's user-space chain), and the one
 * place that stamps issue times (also for bpf_chain=1).  Both are inline:
 * they are on every I/O's path; ub_enter's failure path (ub_enter_failed)
 * is out of line, in submit.c.
 */
#ifndef UB_SUBMIT_H
#define UB_SUBMIT_H

#include "ioengine/engine.h"

#define ub_likely(x)	__builtin_expect(!!(x), 1)
#define ub_unlikely(x)	__builtin_expect(!!(x), 0)

/*
 * Submit what the SQ holds and wait for wait_nr CQEs; with flush (and
 * wait_nr 0) enter with GETEVENTS even so, which runs a DEFER_TASKRUN ring's
 * task work and polls an IOPOLL ring once, and return without waiting.
 *
 * ud->inflight grows by what the kernel took (the enter's count; under
 * SQPOLL the caller counts every SQE it hands over).  What the kernel left
 * in the SQ (a short submit, a refusal) stays there and goes with the next
 * enter.  A refusal with SQEs in flight waits for one completion, which
 * frees what the kernel lacked, and returns; with none in flight it is
 * retried a bounded number of times and then fails the job with the reason.
 * ud->enter_calls counts the io_uring_enter calls made.
 * Returns 0 or a negative errno (fio already told).
 */
static inline __attribute__((always_inline)) int
ub_enter_once(struct ub_data *ud, unsigned int wait_nr, bool flush)
{
	struct io_uring *ring = &ud->ring;
	bool sqpoll = ring->flags & IORING_SETUP_SQPOLL;
	/* Under SQPOLL a plain submit enters only to wake the SQ thread. */
	bool enters = !sqpoll || wait_nr || flush ||
		      (IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_NEED_WAKEUP);
	int ret;

	if (wait_nr)
		ret = io_uring_submit_and_wait(ring, wait_nr);
	else if (flush)
		ret = io_uring_submit_and_get_events(ring);
	else
		ret = io_uring_submit(ring);
	ud->enter_calls += enters;
	if (ub_likely(ret > 0) && !sqpoll)
		ud->inflight += ret;
	return ret;
}

int ub_enter_failed(struct thread_data *td, struct ub_data *ud, unsigned int wait_nr, bool flush,
		    int ret);

static inline __attribute__((always_inline)) int
ub_enter(struct thread_data *td, struct ub_data *ud, unsigned int wait_nr, bool flush)
{
	int ret = ub_enter_once(ud, wait_nr, flush);

	if (ub_likely(ret >= 0))
		return 0;
	return ub_enter_failed(td, ud, wait_nr, flush, ret);
}

/*
 * Issue time is stamped when the SQEs really go to the kernel: the *nr
 * io_us in pending (each backend's queue since its last submit); *nr
 * becomes 0.  Inline: it is on every submit's path.
 */
static inline void ub_mark_issued(struct thread_data *td, struct io_u **pending, unsigned int *nr)
{
	struct timespec now;
	unsigned int i;

	if (fio_fill_issue_time(td)) {
		fio_gettime(&now, NULL);
		for (i = 0; i < *nr; i++) {
			pending[i]->issue_time = now;
			io_u_queued(td, pending[i]);
		}
		if (td->o.read_iolog_file)
			td->last_issue = now;
	}
	io_u_mark_submit(td, *nr);
	*nr = 0;
}

#endif
