/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fio glue for passthru=1: checks a job's options against each NVMe
 * namespace (passthru.c) and turns io_us into NVMe commands and back.
 */
#ifndef UB_PASSTHRU_FIO_H
#define UB_PASSTHRU_FIO_H

#include "ioengine/engine.h"
#include "ioengine/passthru.h"

struct ub_passthru_job {
	struct ub_nvme_ns *ns;		/* one per file, by f->fileno */
	bool io_refused;		/* an I/O was refused (said once) */
};

/* ->init: identify every file's namespace, check the job against it, adjust ud->cfg. */
int ub_passthru_fio_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud);

/* From ub_free. */
void ub_passthru_fio_free(struct ub_data *ud);

/* ->open_file and ->get_file_size of a passthru=1 job. */
int ub_passthru_fio_open_file(struct thread_data *td, struct fio_file *f);
int ub_passthru_fio_get_file_size(struct thread_data *td, struct fio_file *f);

/*
 * Before an SQE is taken: 1 with io_u->error = EINVAL when io_u cannot be
 * sent as one NVMe command at exactly its offset and length.
 */
int ub_passthru_fio_check_io(struct thread_data *td, struct ub_data *ud, struct io_u *io_u);

/* The SQE for io_u (read, write, or a flush for fsync). */
void ub_passthru_fio_prep(struct thread_data *td, struct ub_data *ud,
			  struct io_uring_sqe *sqe, struct io_u *io_u);

/* cqe->res in the engine's terms (bytes done or -errno). */
int ub_passthru_fio_res(struct io_u *io_u, int res);

#endif
