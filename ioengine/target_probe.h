/* SPDX-License-Identifier: GPL-2.0 */
/* What a target (file, block device, NVMe char device) can do, from sysfs. */
#ifndef UB_TARGET_PROBE_H
#define UB_TARGET_PROBE_H

#include <stddef.h>

enum ub_target_kind { UB_TARGET_FILE, UB_TARGET_BLOCK, UB_TARGET_CHAR, UB_TARGET_OTHER };

struct ub_target_info {
	enum ub_target_kind kind;
	unsigned int major, minor;	/* the block device behind it, 0:0 if none */
	int io_poll;			/* queue/io_poll: 1, 0, or -1 when there is no queue */
	char queue_path[128];		/* the sysfs file io_poll came from */
};

/*
 * Probe PATH (or, when it does not exist yet, the directory it will be
 * created in).  Returns 0 or a negative errno.
 */
int ub_target_probe(const char *path, struct ub_target_info *info);

/*
 * 0 when IOPOLL can complete I/O on PATH with the given O_DIRECT setting;
 * otherwise -EOPNOTSUPP and one sentence in err naming hipri and the fix.
 */
int ub_target_check_iopoll(const char *path, int direct, char *err, size_t errlen);

#endif
