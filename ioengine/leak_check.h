/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Under ASan (make check-asan's engine), a fio job that runs in its own
 * process ends with _exit(), which skips LeakSanitizer's check at exit: an
 * engine leak in a forked job would never be reported.  ub_leak_check runs
 * the check once the engine has freed the job's state, in process and
 * thread mode alike; reports go where ASAN_OPTIONS says (tests/lib.sh fails
 * the test on any).  Without ASan it is nothing.
 */
#ifndef UB_LEAK_CHECK_H
#define UB_LEAK_CHECK_H

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
static inline void ub_leak_check(void)
{
	__lsan_do_recoverable_leak_check();
}
#else
static inline void ub_leak_check(void)
{
}
#endif

#endif
