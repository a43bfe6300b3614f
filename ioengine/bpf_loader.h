/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading the io_uring BPF loop program (bpf/chain.bpf.c) and attaching it
 * to a ring, independent of fio.  Every failure comes back as a negative
 * errno plus one sentence; libbpf's own messages (the verifier log among
 * them) are kept per thread and can be replayed by the caller, so a
 * successful load prints nothing and a failed one shows why.
 */
#ifndef UB_BPF_LOADER_H
#define UB_BPF_LOADER_H

#include <stddef.h>

#include "bpf/chain.h"

struct ub_bpf_loop;

/*
 * Parse the program: the copy built into the engine, or the object file at
 * path (for testing a modified program).  Needs no kernel support.
 */
int ub_bpf_loop_open(struct ub_bpf_loop **loop, const char *path, char *err, size_t errlen);

/*
 * Can this process use the io_uring BPF loop here?  Checks CAP_BPF and
 * CAP_SYS_ADMIN, then the kernel's BTF for struct io_uring_bpf_ops.
 */
int ub_bpf_loop_probe(char *err, size_t errlen);

/* Set the configuration, load (verifier) and attach to the ring. */
int ub_bpf_loop_attach(struct ub_bpf_loop *loop, int ring_fd, const struct ub_chain_cfg *cfg,
		       char *err, size_t errlen);

/* Detach and free; NULL is fine. */
void ub_bpf_loop_destroy(struct ub_bpf_loop *loop);

/*
 * Replay libbpf's messages since the last ub_bpf_loop_open() in this
 * thread, one line per call (a long verifier log: its head and its tail).
 */
void ub_bpf_loop_log(void (*fn)(const char *line, void *arg), void *arg);

#endif
