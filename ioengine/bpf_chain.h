/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dependent-read chain workload (chain_len=N), in user space
 * (bpf_chain=0) or in the io_uring BPF loop (bpf_chain=1).  One fio I/O is
 * one lookup of chain_len reads; engine.c hands its queue, commit and
 * getevents calls here when the job has chain_len > 0.
 */
#ifndef UB_IOENGINE_BPF_CHAIN_H
#define UB_IOENGINE_BPF_CHAIN_H

#include "ioengine/engine.h"

struct ub_chain;

/* In ->init: check the options; sets ud->chain when the job is a chain job. */
int ub_chain_init(struct thread_data *td, struct ub_data *ud);
/*
 * In ->post_init, after the ring exists and before it is restricted or
 * enabled (ub_harden_ring): map and register the chain's memory region.
 */
int ub_chain_register_region(struct thread_data *td, struct ub_data *ud);
/* In ->post_init, after the ring is enabled: BPF load and attach. */
int ub_chain_post_init(struct thread_data *td, struct ub_data *ud);
enum fio_q_status ub_chain_queue(struct thread_data *td, struct io_u *io_u);
int ub_chain_commit(struct thread_data *td);
int ub_chain_getevents(struct thread_data *td, unsigned int min, unsigned int max);
/* In ->cleanup, before the ring goes: the per-lookup line, detach, free. */
void ub_chain_cleanup(struct thread_data *td, struct ub_data *ud);

/* The job's chain figures for report=PATH; false when the job is no chain job. */
struct ub_chain_stats {
	unsigned int len;
	bool bpf;
	unsigned long long lookups, failed, reads, enters, steps;
};
bool ub_chain_stats(const struct ub_data *ud, struct ub_chain_stats *st);

#endif
