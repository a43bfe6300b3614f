// SPDX-License-Identifier: GPL-2.0
/*
 * What a run's target was (--device): path, kind and size for any target;
 * size, logical block size, model/serial/firmware from sysfs for block
 * devices (no open needed); an NVMe Identify (nvme_identify.c) for NVMe
 * namespaces, their passthrough char nodes and controllers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "results-db/db.h"

/* nvme0n1, nvme0n1p2 (block), ng0n1 (char, passthrough), nvme0 (controller). */
int ub_is_nvme_node(const char *path)
{
	const char *b = strrchr(path, '/');
	unsigned a, n;
	char c;

	b = b ? b + 1 : path;
	if (sscanf(b, "nvme%un%u%c", &a, &n, &c) >= 2 || sscanf(b, "ng%un%u%c", &a, &n, &c) == 2)
		return 1;
	return sscanf(b, "nvme%u%c", &a, &c) == 1;
}

/* One sysfs attribute, trailing whitespace removed; "" when absent. */
static void read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX];
	FILE *f;
	size_t n = 0;

	buf[0] = 0;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = 0;
	fclose(f);
}

static long long attr_ll(const char *dir, const char *name, long long scale)
{
	char val[64], *end;
	long long v;

	read_attr(dir, name, val, sizeof(val));
	if (!val[0])
		return -1;
	v = strtoll(val, &end, 10);
	return *end ? -1 : v * scale;
}

static void block_sysfs(dev_t rdev, struct ub_device *d)
{
	/* "/sys/dev/block/M:m" is at most 36 bytes: these sizes cannot truncate. */
	char dir[128], disk[64 + 4], part[16];

	snprintf(disk, 64, "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	d->size = attr_ll(disk, "size", 512);	/* sysfs counts 512-byte sectors */
	read_attr(disk, "partition", part, sizeof(part));
	/* A partition's queue and device attributes live with its disk. */
	if (part[0])
		strcat(disk, "/..");
	snprintf(dir, sizeof(dir), "%s/queue", disk);
	d->lba_size = attr_ll(dir, "logical_block_size", 1);
	snprintf(dir, sizeof(dir), "%s/device", disk);
	read_attr(dir, "model", d->model, sizeof(d->model));
	read_attr(dir, "serial", d->serial, sizeof(d->serial));
	read_attr(dir, "firmware_rev", d->firmware, sizeof(d->firmware));
}

int ub_device_identify(const char *path, struct ub_device *d, struct ub_err *e)
{
	char real[PATH_MAX];
	struct ub_err ne;
	struct stat st;
	int fd;

	memset(d, 0, sizeof(*d));
	d->size = d->lba_size = -1;
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (stat(path, &st))
		return ub_fail(e, UB_EUSAGE, "--device %s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		d->kind = "file";
		d->size = st.st_size;
		return UB_OK;
	}
	if (S_ISDIR(st.st_mode)) {
		d->kind = "dir";
		return UB_OK;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
		return ub_fail(e, UB_EUSAGE, "--device %s: not a file, directory or device", path);
	d->kind = S_ISBLK(st.st_mode) ? "block" : "char";
	if (S_ISBLK(st.st_mode))
		block_sysfs(st.st_rdev, d);
	/* by-id links name NVMe devices too: decide on the node they point to. */
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	if (!ub_is_nvme_node(real))
		return UB_OK;
	/* Path, kind and size are still worth keeping when Identify fails: say so, go on. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "uringbpf-db: note: %s: cannot open for NVMe Identify: %s; "
			"recording path, kind and size only\n", path, strerror(errno));
		return UB_OK;
	}
	if (ub_nvme_identify(fd, d, &ne))
		fprintf(stderr, "uringbpf-db: note: %s: %s; recording path, kind and size only\n",
			path, ne.msg);
	close(fd);
	return UB_OK;
}
