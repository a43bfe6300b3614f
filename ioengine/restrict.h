/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Restricted rings (IORING_REGISTER_RESTRICTIONS) and io_uring BPF filters
 * (IORING_REGISTER_BPF_FILTER), independent of fio so that tests build
 * exactly the allowlist the engine installs.
 *
 * Order on a ring created with IORING_SETUP_R_DISABLED:
 *   register files/buffers -> ub_bpf_filter_install (optional)
 *   -> ub_restrict_install -> ub_restrict_enable.
 * Every function returns 0 or a negative errno, with one sentence in err.
 */
#ifndef UB_RESTRICT_H
#define UB_RESTRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <liburing.h>

/*
 * The BPF filter ABI (struct io_uring_bpf, struct io_uring_bpf_filter,
 * struct io_uring_bpf_ctx, IO_URING_BPF_FILTER_DENY_REST) comes from
 * liburing 2.15's <liburing/io_uring/bpf_filter.h>, which liburing.h
 * includes; it matches Linux 7.3's UAPI.  Only the register opcode is
 * spelled out here, for liburing headers that predate it.
 */
#define UB_IORING_REGISTER_BPF_FILTER	37

/* What the job does; ub_restrict_set_build turns it into an allowlist. */
struct ub_restrict_spec {
	bool read;			/* issues reads (including verify reads) */
	bool write;			/* issues writes */
	bool sync;			/* issues fsync/fdatasync (FSYNC opcode) */
	bool fixedbufs;			/* READ_FIXED/WRITE_FIXED */
	bool vectored;			/* READV/WRITEV (nonvectored=0) */
	bool passthru;			/* NVMe commands: URING_CMD only */
	bool unregister_ring_fd;	/* liburing unregisters a registered ring fd at exit */
};

#define UB_RESTRICT_MAX_OPS 8

struct ub_restrict_set {
	uint8_t sqe_ops[UB_RESTRICT_MAX_OPS];
	unsigned int nr_sqe_ops;
	uint8_t register_ops[UB_RESTRICT_MAX_OPS];
	unsigned int nr_register_ops;
	uint8_t required_flags;		/* IOSQE_* every SQE must carry */
	uint8_t allowed_flags;		/* further IOSQE_* an SQE may carry */
};

/* The allowlist for spec: its opcodes, FIXED_FILE required, nothing else. */
void ub_restrict_set_build(const struct ub_restrict_spec *spec, struct ub_restrict_set *set);

/* IORING_REGISTER_RESTRICTIONS with set.  The ring must be R_DISABLED. */
int ub_restrict_install(struct io_uring *ring, const struct ub_restrict_set *set,
			char *err, size_t errlen);

/* IORING_REGISTER_ENABLE_RINGS: from here on the restrictions hold. */
int ub_restrict_enable(struct io_uring *ring, char *err, size_t errlen);

/*
 * The proof, on the enabled ring itself, that its allowlist holds: one NOP
 * (on no allowlist) is submitted and must complete with -EACCES.  0 when it
 * did; -EPERM when the kernel ran it (err says so); another negative errno
 * when the proof could not be made.  Call it before any I/O is queued: it
 * waits for its own completion.
 */
#define UB_RESTRICT_VERIFY_DATA 0x7562726573747221ULL	/* "ubrestr!" */
int ub_restrict_verify(struct io_uring *ring, char *err, size_t errlen);

/* "sqe ops READ_FIXED,WRITE_FIXED; required flags FIXED_FILE; register ops none" */
const char *ub_restrict_describe(const struct ub_restrict_set *set, char *buf, size_t len);

/*
 * 0 when the kernel knows IORING_REGISTER_BPF_FILTER on this ring,
 * -EOPNOTSUPP when it does not (Linux before 7.x, or CONFIG_IO_URING_BPF
 * off); err then names the feature and the running kernel.
 */
int ub_bpf_filter_probe(struct io_uring *ring, char *err, size_t errlen);

/*
 * One classic-BPF program per opcode of set, each allowing the SQE only
 * when its flags are exactly set->required_flags; every other opcode is
 * denied (DENY_REST).  Filters can be added later but never loosened.
 */
int ub_bpf_filter_install(struct io_uring *ring, const struct ub_restrict_set *set,
			  char *err, size_t errlen);

/* "allow READ,WRITE with flags FIXED_FILE only; deny other opcodes" */
const char *ub_bpf_filter_describe(const struct ub_restrict_set *set, char *buf, size_t len);

/* Names without the IORING_OP_ / IORING_REGISTER_ prefix ("OP<n>" if unknown). */
const char *ub_sqe_op_name(unsigned int op, char *buf, size_t len);
const char *ub_register_op_name(unsigned int op, char *buf, size_t len);

#endif
