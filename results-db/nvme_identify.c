// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe Identify through libnvme on an open namespace (/dev/nvmeXnY, or its
 * passthrough char node /dev/ngXnY) or controller node: model, serial,
 * firmware from Identify Controller; LBA size and capacity from Identify
 * Namespace of the namespace the fd belongs to.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <libnvme.h>

#include "results-db/db.h"

/* Identify strings are space padded, not NUL terminated. */
static void copy_field(char *dst, size_t dlen, const char *src, size_t slen)
{
	while (slen && (src[slen - 1] == ' ' || src[slen - 1] == 0))
		slen--;
	if (slen >= dlen)
		slen = dlen - 1;
	memcpy(dst, src, slen);
	dst[slen] = 0;
}

static const char *nvme_err(int rc)
{
	static char buf[64];

	/* libnvme: -1 with errno for ioctl failures, > 0 for an NVMe status. */
	if (rc < 0)
		return strerror(errno);
	snprintf(buf, sizeof(buf), "NVMe status 0x%x", rc);
	return buf;
}

int ub_nvme_identify(int fd, struct ub_device *d, struct ub_err *e)
{
	struct nvme_id_ctrl ctrl;
	struct nvme_id_ns ns;
	__u32 nsid;
	__u8 lbaf;
	int rc;

	rc = nvme_identify_ctrl(fd, &ctrl);
	if (rc)
		return ub_fail(e, UB_EDATA, "NVMe Identify Controller failed: %s", nvme_err(rc));
	d->nvme = 1;
	copy_field(d->model, sizeof(d->model), ctrl.mn, sizeof(ctrl.mn));
	copy_field(d->serial, sizeof(d->serial), ctrl.sn, sizeof(ctrl.sn));
	copy_field(d->firmware, sizeof(d->firmware), ctrl.fr, sizeof(ctrl.fr));
	/* A controller node (/dev/nvme0) has no namespace of its own. */
	if (nvme_get_nsid(fd, &nsid))
		return UB_OK;
	rc = nvme_identify_ns(fd, nsid, &ns);
	if (rc)
		return ub_fail(e, UB_EDATA, "NVMe Identify Namespace %u failed: %s", nsid, nvme_err(rc));
	nvme_id_ns_flbas_to_lbaf_inuse(ns.flbas, &lbaf);
	if (ns.lbaf[lbaf].ds >= 9 && ns.lbaf[lbaf].ds < 32) {
		d->lba_size = 1LL << ns.lbaf[lbaf].ds;
		d->size = (long long)le64toh(ns.nsze) * d->lba_size;
	}
	return UB_OK;
}
