/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's structured report (report=PATH): what the runner decides
 * from, instead of the human "uringbpf: " lines on stderr (which stay).
 *
 * Every engine error goes through ub_err_code() (ub_err() is it with
 * UB_C_UNCLASSIFIED): it prints the human line and keeps the job's first
 * error, its stable code and the option it names.  At ->cleanup the job
 * appends one JSON object, one line, to PATH (schema in README, "Engine
 * report").  The codes are part of that schema: add, never rename.
 */
#ifndef UB_IOENGINE_REPORT_H
#define UB_IOENGINE_REPORT_H

#include <stdbool.h>

struct thread_data;
struct ub_data;

#define UB_REPORT_SCHEMA 1

enum ub_code {
	UB_C_NONE = 0,
	UB_C_UNCLASSIFIED,	/* "refused" before the first I/O, "io_error" after */
	UB_C_OPTION_INVALID,	/* an option value or combination the engine rejects */
	UB_C_MODE_UNSUPPORTED,	/* a workload the engine does not issue (trims) */
	UB_C_IOPOLL_UNSUPPORTED,	/* hipri=1 on a target nothing can poll */
	UB_C_KERNEL_UNSUPPORTED,	/* the kernel lacks a feature the job asked for */
	UB_C_NOT_PERMITTED,	/* the kernel refused this user (EPERM/EACCES) */
	UB_C_RESOURCE_LIMIT,	/* ENOMEM: RLIMIT_MEMLOCK, ring or buffer memory */
	UB_C_FIO_ERROR,		/* fio set an error the engine did not name */
	UB_C__COUNT
};

/* The stable string of CODE ("iopoll_unsupported", ...). */
const char *ub_code_name(enum ub_code code, bool running);

/* The code for a negative errno from ring creation or registration. */
enum ub_code ub_code_from_errno(int err);

/* The job's first error, kept for the report; lives in struct ub_data. */
struct ub_report_state {
	enum ub_code code;
	bool code_running;		/* the error came after the first I/O was queued */
	bool running;			/* post_init finished: I/O may be in flight */
	int creator_tid;		/* the task that created the ring (names iou-sqp-<tid>) */
	char option[32];
	char msg[1024];			/* UB_ERR_LEN */
};

/* Print "uringbpf: MESSAGE" and keep the job's first error.  td->io_ops_data may be NULL. */
void ub_err_code(struct thread_data *td, enum ub_code code, const char *option,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* In ->cleanup, before the ring and the chain go: append this job's line to report=PATH. */
void ub_report_write(struct thread_data *td, struct ub_data *ud);

#endif
