/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Under ASan (make check-asan's engine), a fio job that runs in its own
 * process ends with _exit(), which skips LeakSanitizer's check at exit: an
 * engine leak in a forked job would never be reported.  ub_leak_check runs
 * the check once the engine has freed the job's state; reports go where
 * ASAN_OPTIONS says (tests/lib.sh fails the test on any).  Without ASan it
 * is nothing.
 *
 * Only in a job process (forked: alone in it).  With thread=1 the other
 * jobs' state is live and referenced only from fio's thread_data segment,
 * shared memory that LeakSanitizer does not scan, so a check mid-run would
 * report it as leaked; there the check at fio's exit covers every job.
 */
#ifndef UB_LEAK_CHECK_H
#define UB_LEAK_CHECK_H

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
static inline void ub_leak_check(int job_is_thread)
{
	if (!job_is_thread)
		__lsan_do_recoverable_leak_check();
}
#else
static inline void ub_leak_check(int job_is_thread)
{
	(void)job_is_thread;
}
#endif

#endif
