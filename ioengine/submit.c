// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of the one submit helper (submit.h: ub_enter), for
 * every user-space backend.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ioengine/submit.h"

/* ub_enter's first try failed with ret: interrupted, refused or broken. */
int __attribute__((noinline)) ub_enter_failed(struct thread_data *td, struct ub_data *ud,
					      unsigned int wait_nr, bool flush, int ret)
{
	struct io_uring *ring = &ud->ring;
	struct io_uring_cqe *cqe;
	unsigned int tries = 0;

	for (;;) {
		if (ret >= 0 || ret == -ETIME)
			return 0;
		if (ret == -EINTR)
			goto again;
		if (ret != -EAGAIN && ret != -EBUSY) {
			ub_err(td, "io_uring_enter (submit %u, wait for %u) failed: %s",
			       io_uring_sq_ready(ring), wait_nr, strerror(-ret));
			td_verror(td, -ret, "io_uring_enter");
			return ret;
		}
		if (ud->inflight) {
			ret = io_uring_wait_cqe(ring, &cqe);
			ud->enter_calls++;
			if (ret < 0 && ret != -EINTR && ret != -ETIME && ret != -EAGAIN) {
				ub_err(td, "io_uring_enter (wait for 1) failed: %s", strerror(-ret));
				td_verror(td, -ret, "io_uring_enter");
				return ret;
			}
			return 0;
		}
		if (++tries == UB_ENTER_TRIES) {
			ub_err(td, "the kernel refused to take %u queued I/O%s for %u ms with none in "
			       "flight (io_uring_enter: %s): it is out of memory for io_uring "
			       "requests; lower iodepth or numjobs, or free memory",
			       io_uring_sq_ready(ring), io_uring_sq_ready(ring) == 1 ? "" : "s",
			       UB_ENTER_TRIES * UB_ENTER_BACKOFF_US / 1000, strerror(-ret));
			td_verror(td, -ret, "io_uring_enter");
			return ret;
		}
		usleep(UB_ENTER_BACKOFF_US);
again:
		ret = ub_enter_once(ud, wait_nr, flush);
	}
}
