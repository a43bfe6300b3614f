/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe passthrough: NVMe I/O commands sent as IORING_OP_URING_CMD
 * (NVME_URING_CMD_IO) on the namespace's generic char device /dev/ngXnY,
 * on a ring with 128-byte SQEs and 32-byte CQEs.  Independent of fio.
 */
#ifndef UB_PASSTHRU_H
#define UB_PASSTHRU_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <liburing.h>

/* What Identify Namespace / Identify Controller say, and the device used. */
struct ub_nvme_ns {
	char path[PATH_MAX];	/* the generic char device: /dev/ngXnY */
	uint32_t nsid;
	uint32_t lba_size;	/* bytes of data per LBA (LBA format in use) */
	unsigned int lba_shift;
	uint16_t md_size;	/* metadata bytes per LBA */
	bool md_extended;	/* metadata interleaved with the data */
	uint64_t nlba;		/* namespace size (NSZE) in LBAs */
	unsigned int max_transfer;	/* bytes per command (queue/max_hw_sectors_kb), 0 unknown */
	char model[41], serial[21], firmware[9];
};

/*
 * The generic char device for PATH: /dev/ngXnY itself, or the ng twin of
 * the block device /dev/nvmeXnY.  Anything else is refused with a sentence
 * naming passthru and the devices it needs.
 */
int ub_passthru_map_path(const char *path, char *ng, size_t nglen, char *err, size_t errlen);

/* Identify the namespace behind the generic device ng (libnvme). */
int ub_passthru_identify(const char *ng, struct ub_nvme_ns *ns, char *err, size_t errlen);

/* 0 when bs (one I/O, in bytes) fits the namespace: a multiple of its LBA size. */
int ub_passthru_check_bs(const struct ub_nvme_ns *ns, const char *opt,
			 unsigned long long bs, char *err, size_t errlen);

/*
 * 0 when val, a byte quantity that moves I/O offsets (offset=,
 * offset_increment=, the N of rw=write:N, zone sizes), is a whole number of
 * LBAs.  what names the option as the user typed it ("offset_increment=8292").
 */
int ub_passthru_check_align(const struct ub_nvme_ns *ns, const char *what,
			    unsigned long long val, char *err, size_t errlen);

/*
 * 0 when one I/O of len bytes at byte offset off can be sent as one NVMe
 * command without changing what it addresses: off and len whole LBAs, len
 * 1..65536 LBAs, and the range inside the namespace.  Otherwise -EINVAL and
 * a sentence naming the offset.  Every I/O must pass this before
 * ub_passthru_prep_rw: the command's SLBA and NLB are off and len in LBAs,
 * and a remainder would silently move or shorten the I/O.
 */
int ub_passthru_check_io(const struct ub_nvme_ns *ns, unsigned long long off,
			 unsigned long long len, char *err, size_t errlen);

/* Open the generic device (no O_DIRECT: passthrough bypasses the page cache). */
int ub_passthru_open(const struct ub_nvme_ns *ns, bool writable);

/*
 * Fill a 128-byte SQE with an NVMe Read or Write of len bytes at byte
 * offset off, which ub_passthru_check_io() accepted.  fd is a registered-file index when fixed_file; buf_index
 * >= 0 names a registered buffer (IORING_URING_CMD_FIXED).
 */
void ub_passthru_prep_rw(struct io_uring_sqe *sqe, const struct ub_nvme_ns *ns, int fd,
			 bool fixed_file, bool write, void *buf, uint32_t len,
			 uint64_t off, int buf_index);

/* An NVMe Flush of the namespace (what fsync means for passthrough). */
void ub_passthru_prep_flush(struct io_uring_sqe *sqe, const struct ub_nvme_ns *ns, int fd,
			    bool fixed_file);

/*
 * Map a passthrough CQE result to 0 or a negative errno: cqe->res is 0 on
 * success, a negative errno from the kernel, or a positive NVMe status
 * (returned as -EIO; *nvme_status gets it).
 */
int ub_passthru_result(int res, int *nvme_status);

/* One line: device, nsid, LBA format, size, model/serial/firmware. */
const char *ub_passthru_describe(const struct ub_nvme_ns *ns, char *buf, size_t len);

#endif
