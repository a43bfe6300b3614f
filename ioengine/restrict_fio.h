/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fio glue for restrict=1 and bpf_filter=1: a job's options become the
 * allowlist of restrict.c, installed on the ring before it is enabled.
 */
#ifndef UB_RESTRICT_FIO_H
#define UB_RESTRICT_FIO_H

#include "ioengine/engine.h"
#include "ioengine/restrict.h"

struct ub_hardening {
	struct ub_restrict_set set;	/* the allowlist, built in ub_harden_ring */
	bool registerfiles_forced;	/* the job had registerfiles=0 */
};

/*
 * ->init, restrict=1 or bpf_filter=1, after ub_fill_ring_config: every file
 * registered up front, and the ring created disabled (ud->cfg).
 */
int ub_harden_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud);

/*
 * post_init, after files and buffers are registered: install the BPF filter
 * and the restrictions, print them, enable the ring, and check that the
 * kernel refuses what the allowlist forbids.  Nothing to do for a ring that
 * did not start disabled.
 */
int ub_harden_ring(struct thread_data *td, struct ub_data *ud);

/* From ub_free. */
void ub_harden_free(struct ub_data *ud);

#endif
