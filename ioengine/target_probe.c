// SPDX-License-Identifier: GPL-2.0
/*
 * IOPOLL only completes on queues with poll queues: elsewhere the kernel
 * either fails every request (-EOPNOTSUPP) or leaves the submitter spinning
 * on a completion that arrives by interrupt.  So the engine asks sysfs
 * before it creates an IOPOLL ring, and refuses with the reason.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ioengine/target_probe.h"

static int read_int_file(const char *path, int *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

/* queue/io_poll of MAJ:MIN; a partition's queue is its parent disk's. */
static void probe_queue(struct ub_target_info *info)
{
	char *p = info->queue_path;
	size_t len = sizeof(info->queue_path);

	info->io_poll = -1;
	if (!info->major)
		return;
	snprintf(p, len, "/sys/dev/block/%u:%u/queue/io_poll", info->major, info->minor);
	if (read_int_file(p, &info->io_poll) == 0)
		return;
	snprintf(p, len, "/sys/dev/block/%u:%u/../queue/io_poll", info->major, info->minor);
	if (read_int_file(p, &info->io_poll) != 0)
		info->io_poll = -1;
}

/* An NVMe generic char device ngXnY polls when its block twin nvmeXnY does. */
static void probe_nvme_generic(const char *path, struct ub_target_info *info)
{
	char base[PATH_MAX], *name;
	unsigned int ctrl, ns;

	snprintf(base, sizeof(base), "%s", path);
	name = basename(base);
	info->io_poll = -1;
	if (sscanf(name, "ng%un%u", &ctrl, &ns) != 2)
		return;
	snprintf(info->queue_path, sizeof(info->queue_path),
		 "/sys/block/nvme%un%u/queue/io_poll", ctrl, ns);
	if (read_int_file(info->queue_path, &info->io_poll) != 0)
		info->io_poll = -1;
}

int ub_target_probe(const char *path, struct ub_target_info *info)
{
	char dir[PATH_MAX];
	struct stat st;

	memset(info, 0, sizeof(*info));
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return -errno;
		snprintf(dir, sizeof(dir), "%s", path);
		if (stat(dirname(dir), &st) != 0)
			return -errno;
		st.st_mode = S_IFREG;	/* the file fio will create there */
	}

	if (S_ISBLK(st.st_mode)) {
		info->kind = UB_TARGET_BLOCK;
		info->major = major(st.st_rdev);
		info->minor = minor(st.st_rdev);
	} else if (S_ISCHR(st.st_mode)) {
		info->kind = UB_TARGET_CHAR;
		probe_nvme_generic(path, info);
		return 0;
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		info->kind = UB_TARGET_FILE;
		info->major = major(st.st_dev);	/* 0 for tmpfs and other virtual fs */
		info->minor = minor(st.st_dev);
	} else {
		info->kind = UB_TARGET_OTHER;
	}
	probe_queue(info);
	return 0;
}

int ub_target_check_iopoll(const char *path, int direct, char *err, size_t errlen)
{
	struct ub_target_info info;
	int ret = ub_target_probe(path, &info);

	if (ret) {
		snprintf(err, errlen, "hipri=1 (IOPOLL): cannot inspect %s: %s", path, strerror(-ret));
		return ret;
	}
	if (info.kind != UB_TARGET_CHAR && !direct) {
		snprintf(err, errlen, "hipri=1 (IOPOLL) needs direct=1: buffered I/O cannot be "
			 "polled (%s); set direct=1 or hipri=0", path);
		return -EOPNOTSUPP;
	}
	if (info.io_poll == 1)
		return 0;
	if (info.io_poll < 0)
		snprintf(err, errlen, "hipri=1 (IOPOLL): %s is not on a block device with a "
			 "request queue (e.g. tmpfs), so nothing can poll it; use hipri=0, or an "
			 "NVMe device with poll queues (nvme.poll_queues=N)", path);
	else
		snprintf(err, errlen, "hipri=1 (IOPOLL): %s is on a device without poll queues "
			 "(%s is 0); use hipri=0, or an NVMe device with poll queues "
			 "(nvme.poll_queues=N)", path, info.queue_path);
	return -EOPNOTSUPP;
}
