/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fio glue for restrict=1, bpf_filter=1, sqpoll_shared=1 and passthru=1:
 * turns a job's options into the fio-independent configurations of
 * restrict.c, sqpoll_share.c and passthru.c, and is called from engine.c
 * at the few points where those features differ from a plain ring.
 */
#ifndef UB_ENGINE_FEATURES_H
#define UB_ENGINE_FEATURES_H

#include "ioengine/engine.h"
#include "ioengine/passthru.h"
#include "ioengine/restrict.h"

struct ub_features {
	struct ub_restrict_set set;	/* restrict=1 / bpf_filter=1 allowlist */
	bool registerfiles_forced;	/* the job had registerfiles=0 */
	struct ub_nvme_ns *ns;		/* passthru=1: one per file, by f->fileno */
	bool io_refused;		/* passthru=1: an I/O was refused (said once) */
};

/* ->init, after ub_fill_ring_config: check options, adjust ud->cfg. */
int ub_feat_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud);

/* From ub_free, after the ring is gone. */
void ub_feat_free(struct ub_data *ud);

/*
 * After files and buffers are registered: install the BPF filter and the
 * restrictions, print them, enable the ring.  Nothing to do for a ring
 * that did not start disabled.
 */
int ub_feat_secure_ring(struct thread_data *td, struct ub_data *ud);

/* ->open_file / ->get_file_size for every job (passthru=1 differs). */
int ub_feat_open_file(struct thread_data *td, struct fio_file *f);
int ub_feat_get_file_size(struct thread_data *td, struct fio_file *f);

/*
 * passthru=1, before an SQE is taken: 1 with io_u->error = EINVAL when io_u
 * cannot be sent as one NVMe command at exactly its offset and length.
 */
int ub_feat_passthru_check(struct thread_data *td, struct ub_data *ud, struct io_u *io_u);

/* passthru=1: the SQE for io_u (read, write, or a flush for fsync). */
void ub_feat_prep_passthru(struct thread_data *td, struct ub_data *ud,
			   struct io_uring_sqe *sqe, struct io_u *io_u);

/* passthru=1: cqe->res in the engine's terms (bytes done or -errno). */
int ub_feat_passthru_res(struct io_u *io_u, int res);

#endif
