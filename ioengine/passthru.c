// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe passthrough through io_uring: path mapping, identify (libnvme) and
 * the NVMe command in the big SQE.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libnvme brings struct nvme_uring_cmd and NVME_URING_CMD_IO (its ioctl.h). */
#include <libnvme.h>

#include "ioengine/passthru.h"

/* nvmeXnY or ngXnY with nothing after (a partition has no ng device). */
static bool parse_ns_name(const char *name, const char *prefix, unsigned int *ctrl,
			  unsigned int *nsid)
{
	int end = 0;
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%s%%un%%u%%n", prefix);
	return sscanf(name, fmt, ctrl, nsid, &end) == 2 && name[end] == '\0';
}

int ub_passthru_map_path(const char *path, char *ng, size_t nglen, char *err, size_t errlen)
{
	char copy[PATH_MAX], *name;
	unsigned int ctrl, nsid;
	struct stat st;

	if (stat(path, &st) != 0) {
		int e = errno;

		snprintf(err, errlen, "passthru=1: %s: %s; passthrough needs an existing "
			 "/dev/ngXnY (or /dev/nvmeXnY, which the engine maps to its ng twin)",
			 path, strerror(e));
		return -e;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	name = basename(copy);
	if (S_ISCHR(st.st_mode) && parse_ns_name(name, "ng", &ctrl, &nsid)) {
		snprintf(ng, nglen, "%s", path);
		return 0;
	}
	if (S_ISBLK(st.st_mode) && parse_ns_name(name, "nvme", &ctrl, &nsid)) {
		snprintf(ng, nglen, "/dev/ng%un%u", ctrl, nsid);
		if (stat(ng, &st) == 0 && S_ISCHR(st.st_mode))
			return 0;
		snprintf(err, errlen, "passthru=1: %s has no NVMe generic char device %s "
			 "(needs Linux 5.13 or newer): use passthru=0 for block I/O", path, ng);
		return -ENODEV;
	}
	snprintf(err, errlen, "passthru=1: %s is not an NVMe namespace: passthrough needs "
		 "/dev/ngXnY (or /dev/nvmeXnY, which the engine maps to its ng twin); "
		 "use passthru=0 for files and other devices", path);
	return -ENODEV;
}

/* Identify strings are space-padded, not NUL-terminated. */
static void copy_id_string(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = srclen < dstlen - 1 ? srclen : dstlen - 1;

	memcpy(dst, src, n);
	dst[n] = '\0';
	while (n && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		dst[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)dst[i]))
			dst[i] = '?';
}

/* libnvme returns 0, -1 with errno, or a positive NVMe status. */
static int nvme_ret(int ret, const char *what, const char *dev, char *err, size_t errlen)
{
	if (ret == 0)
		return 0;
	if (ret < 0) {
		ret = -errno;
		snprintf(err, errlen, "passthru=1: %s on %s failed: %s%s", what, dev,
			 strerror(-ret), ret == -EACCES || ret == -EPERM ?
			 " (NVMe admin commands need CAP_SYS_ADMIN)" : "");
		return ret;
	}
	snprintf(err, errlen, "passthru=1: %s on %s failed with NVMe status 0x%x", what, dev, ret);
	return -EIO;
}

static unsigned int read_max_transfer(const char *ng)
{
	char copy[PATH_MAX], path[PATH_MAX];
	unsigned int ctrl, nsid, kb = 0;
	FILE *f;

	snprintf(copy, sizeof(copy), "%s", ng);
	if (!parse_ns_name(basename(copy), "ng", &ctrl, &nsid))
		return 0;
	snprintf(path, sizeof(path), "/sys/block/nvme%un%u/queue/max_hw_sectors_kb", ctrl, nsid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &kb) != 1)
		kb = 0;
	fclose(f);
	return kb * 1024;
}

int ub_passthru_identify(const char *ng, struct ub_nvme_ns *ns, char *err, size_t errlen)
{
	struct nvme_id_ctrl ctrl;
	struct nvme_id_ns id;
	unsigned int fmt;
	int fd, ret;

	memset(ns, 0, sizeof(*ns));
	snprintf(ns->path, sizeof(ns->path), "%s", ng);
	fd = open(ng, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "passthru=1: cannot open %s: %s", ng, strerror(errno));
		return -errno;
	}
	ret = nvme_ret(nvme_get_nsid(fd, &ns->nsid), "reading the namespace id", ng, err, errlen);
	if (!ret)
		ret = nvme_ret(nvme_identify_ns(fd, ns->nsid, &id), "Identify Namespace", ng,
			       err, errlen);
	if (!ret)
		ret = nvme_ret(nvme_identify_ctrl(fd, &ctrl), "Identify Controller", ng,
			       err, errlen);
	close(fd);
	if (ret)
		return ret;

	/* FLBAS: format index in bits 0-3, its high bits (NLBAF > 16) in 5-6. */
	fmt = (id.flbas & NVME_NS_FLBAS_LOWER_MASK) | ((id.flbas & NVME_NS_FLBAS_HIGHER_MASK) >> 1);
	if (fmt > id.nlbaf || id.lbaf[fmt].ds < 9 || id.lbaf[fmt].ds > 31) {
		snprintf(err, errlen, "passthru=1: %s reports an unusable LBA format (index %u, "
			 "LBADS %u)", ng, fmt, id.lbaf[fmt].ds);
		return -EINVAL;
	}
	ns->lba_shift = id.lbaf[fmt].ds;
	ns->lba_size = 1u << ns->lba_shift;
	ns->md_size = le16toh(id.lbaf[fmt].ms);
	ns->md_extended = id.flbas & NVME_NS_FLBAS_META_EXT;
	ns->nlba = le64toh(id.nsze);
	ns->max_transfer = read_max_transfer(ng);
	copy_id_string(ns->model, sizeof(ns->model), ctrl.mn, sizeof(ctrl.mn));
	copy_id_string(ns->serial, sizeof(ns->serial), ctrl.sn, sizeof(ctrl.sn));
	copy_id_string(ns->firmware, sizeof(ns->firmware), ctrl.fr, sizeof(ctrl.fr));

	if (ns->md_size) {
		snprintf(err, errlen, "passthru=1: %s is formatted with %u bytes of %s metadata per "
			 "LBA; this engine sends no metadata buffers: use a namespace formatted "
			 "without metadata", ng, ns->md_size,
			 ns->md_extended ? "interleaved" : "separate");
		return -EOPNOTSUPP;
	}
	return 0;
}

int ub_passthru_check_bs(const struct ub_nvme_ns *ns, const char *opt,
			 unsigned long long bs, char *err, size_t errlen)
{
	if (!bs)
		return 0;
	if (bs & (ns->lba_size - 1)) {
		snprintf(err, errlen, "passthru=1: %s=%llu is not a multiple of the LBA size of %s "
			 "(%u bytes, from Identify Namespace); use a multiple of %u",
			 opt, bs, ns->path, ns->lba_size, ns->lba_size);
		return -EINVAL;
	}
	/* NLB is a 16-bit, 0-based count. */
	if ((bs >> ns->lba_shift) > 65536) {
		snprintf(err, errlen, "passthru=1: %s=%llu is more than one NVMe command can carry "
			 "(65536 LBAs of %u bytes)", opt, bs, ns->lba_size);
		return -EINVAL;
	}
	if (ns->max_transfer && bs > ns->max_transfer) {
		snprintf(err, errlen, "passthru=1: %s=%llu exceeds the largest transfer of %s "
			 "(%u bytes, queue/max_hw_sectors_kb)", opt, bs, ns->path, ns->max_transfer);
		return -EINVAL;
	}
	return 0;
}

int ub_passthru_check_align(const struct ub_nvme_ns *ns, const char *what,
			    unsigned long long val, char *err, size_t errlen)
{
	if (!(val & (ns->lba_size - 1)))
		return 0;
	snprintf(err, errlen, "passthru=1: %s is not a multiple of the LBA size of %s (%u bytes), "
		 "so I/O offsets would not be whole LBAs; use a multiple of %u",
		 what, ns->path, ns->lba_size, ns->lba_size);
	return -EINVAL;
}

int ub_passthru_check_io(const struct ub_nvme_ns *ns, unsigned long long off,
			 unsigned long long len, char *err, size_t errlen)
{
	unsigned long long mask = ns->lba_size - 1, lbas = len >> ns->lba_shift;
	const char *why;

	if ((off | len) & mask)
		why = "is not whole LBAs";
	else if (!lbas)
		why = "is empty";
	else if (lbas > 65536)	/* NLB: 16 bits, 0-based */
		why = "is more than one NVMe command can carry (65536 LBAs)";
	else if ((off >> ns->lba_shift) >= ns->nlba || lbas > ns->nlba - (off >> ns->lba_shift))
		why = "ends past the end of the namespace";
	else
		return 0;
	snprintf(err, errlen, "passthru=1: an I/O of %llu bytes at offset %llu of %s %s "
		 "(LBA %u bytes, %llu LBAs); failed with EINVAL, nothing sent", len, off,
		 ns->path, why, ns->lba_size, (unsigned long long)ns->nlba);
	return -EINVAL;
}

int ub_passthru_open(const struct ub_nvme_ns *ns, bool writable)
{
	int fd = open(ns->path, writable ? O_RDWR : O_RDONLY);

	return fd < 0 ? -errno : fd;
}

static struct nvme_uring_cmd *prep_cmd(struct io_uring_sqe *sqe, const struct ub_nvme_ns *ns,
				       int fd, bool fixed_file, uint8_t opcode)
{
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;

	/* The ring has SQE128: the command fills the second half of the SQE. */
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->flags = fixed_file ? IOSQE_FIXED_FILE : 0;
	sqe->cmd_op = NVME_URING_CMD_IO;
	cmd->opcode = opcode;
	cmd->nsid = ns->nsid;
	return cmd;
}

void ub_passthru_prep_rw(struct io_uring_sqe *sqe, const struct ub_nvme_ns *ns, int fd,
			 bool fixed_file, bool write, void *buf, uint32_t len,
			 uint64_t off, int buf_index)
{
	struct nvme_uring_cmd *cmd;
	uint64_t slba = off >> ns->lba_shift;

	cmd = prep_cmd(sqe, ns, fd, fixed_file, write ? nvme_cmd_write : nvme_cmd_read);
	if (buf_index >= 0) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = buf_index;
	}
	cmd->addr = (uint64_t)(uintptr_t)buf;
	cmd->data_len = len;
	cmd->cdw10 = slba & 0xffffffff;
	cmd->cdw11 = slba >> 32;
	/* NLB, 0-based, in bits 0-15: the upper bits are flags (FUA, LR). */
	cmd->cdw12 = ((len >> ns->lba_shift) - 1) & 0xffff;
}

void ub_passthru_prep_flush(struct io_uring_sqe *sqe, const struct ub_nvme_ns *ns, int fd,
			    bool fixed_file)
{
	prep_cmd(sqe, ns, fd, fixed_file, nvme_cmd_flush);
}

int ub_passthru_result(int res, int *nvme_status)
{
	*nvme_status = res > 0 ? res : 0;
	if (res > 0)
		return -EIO;
	return res;
}

const char *ub_passthru_describe(const struct ub_nvme_ns *ns, char *buf, size_t len)
{
	snprintf(buf, len, "%s nsid %u, LBA %u bytes, metadata %u bytes, %llu LBAs (%.2f GiB); "
		 "model \"%s\", serial \"%s\", firmware \"%s\"",
		 ns->path, ns->nsid, ns->lba_size, ns->md_size, (unsigned long long)ns->nlba,
		 (double)ns->nlba * ns->lba_size / (1024.0 * 1024 * 1024),
		 ns->model, ns->serial, ns->firmware);
	return buf;
}
