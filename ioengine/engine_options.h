/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's option table (fio's io_uring names and forms) and what the
 * table cannot express: ranges below zero and dependencies between options.
 */
#ifndef UB_ENGINE_OPTIONS_H
#define UB_ENGINE_OPTIONS_H

#include "optgroup.h"
#include "ioengine/engine.h"

extern struct fio_option ub_option_table[];

/*
 * ->init, before anything else looks at the options: 0, or 1 after one
 * "uringbpf:" line naming the option, the value typed and the fix.
 */
int ub_options_check(struct thread_data *td, struct ub_options *o);

/* ->open_file: refuse an option the file's file system cannot honour (uncached). */
int ub_options_check_file(struct thread_data *td, struct ub_options *o, struct fio_file *f);

/*
 * After the check: fill ud's per-I/O option state (RWF flags, force_async,
 * cmdprio) that prep applies to each SQE.
 */
int ub_options_setup(struct thread_data *td, struct ub_options *o, struct ub_data *ud);

/* ->post_init, once the ring exists: resolve nonvectored=-1 on it. */
void ub_options_probe_ring(struct ub_options *o, struct io_uring *ring);

/* From ub_free: what ub_options_setup allocated (cmdprio_bssplit tables). */
void ub_options_cleanup(struct ub_data *ud);

#endif
