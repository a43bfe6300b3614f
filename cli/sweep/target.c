// SPDX-License-Identifier: GPL-2.0
/*
 * The target: its kind (file, block, char; remote for --client, lab for
 * --lab), the defaults it implies (direct, size, NG_TARGET), why IOPOLL
 * can't run on it (no poll queues, tmpfs, buffered), and why a write
 * profile must not touch it (a filesystem, a partition table, partitions).
 * Remote and lab targets are not here: nothing about them is checked.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"

/* stat -f -c %T's names of the filesystems a target is likely on. */
const char *sw_fstype_of(const char *path)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ 0x01021994, "tmpfs" }, { 0x858458f6, "ramfs" }, { 0xef53, "ext2/ext3" },
		{ 0x58465342, "xfs" }, { 0x9123683e, "btrfs" }, { 0x794c7630, "overlayfs" },
		{ 0x6969, "nfs" }, { 0x65735546, "fuseblk" }, { 0x4d44, "msdos" },
		{ 0xf2f52010, "f2fs" }, { 0x2fc12fc1, "zfs" }, { 0x62656572, "sysfs" },
		{ 0x9fa0, "proc" }, { 0x1373, "devfs" },
	};
	struct statfs s;

	if (statfs(path, &s))
		return "";
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)s.f_type == fs[i].magic)
			return fs[i].name;
	return sw_printf("UNKNOWN (0x%lx)", (unsigned long)s.f_type);
}

void sw_target_kind(void)
{
	struct utsname u;
	char host[256] = "";
	struct stat st;
	const char *t = sw.target;

	gethostname(host, sizeof(host) - 1);
	uname(&u);
	sw.host_label = sw_strdup(host);
	sw.host_kernel = sw_strdup(u.release);
	sw.device_model = "";
	sw.kind = SW_FILE;
	if (sw.lab) {
		sw.kind = SW_LAB;
		sw.host_label = "lab";
		sw.host_kernel = "unknown";
	} else if (sw.nclients) {
		sw.kind = SW_REMOTE;
	} else if (!stat(t, &st) && S_ISBLK(st.st_mode)) {
		sw.kind = SW_BLOCK;
	} else if (!stat(t, &st) && S_ISCHR(st.st_mode)) {
		sw.kind = SW_CHAR;
	} else if (!stat(t, &st)) {
		if (!S_ISREG(st.st_mode))
			sw_die("--target: '%s' is not a block device, char device or regular file", t);
	} else if (stat(sw_dirname(t), &st) || !S_ISDIR(st.st_mode)) {
		sw_die("--target: '%s' does not exist and its directory %s does not either", t,
		       sw_dirname(t));
	}
	sw.fstype = "";
	if (sw.kind == SW_FILE)
		sw.fstype = sw_fstype_of(access(t, F_OK) ? sw_dirname(t) : t);
}

void sw_target_defaults(void)
{
	struct stat st;
	const char *ng = getenv("NG_TARGET");
	unsigned a, b;
	int n = 0;

	sw.direct = sw.opt_direct && *sw.opt_direct ? sw.opt_direct :
		    !strcmp(sw.fstype, "tmpfs") || !strcmp(sw.fstype, "ramfs") ? "0" : "1";
	if (sw.opt_size && *sw.opt_size)
		sw.size = sw.opt_size;
	else if (sw.kind == SW_FILE && !stat(sw.target, &st) && st.st_size > 0)
		sw.size = sw_printf("%lld", (long long)st.st_size);
	else
		sw.size = sw.kind == SW_FILE ? "512m" : "100%";
	sw.ng_target = ng && *ng ? ng : NULL;
	if (!sw.ng_target && sscanf(sw.target, "/dev/nvme%un%u%n", &a, &b, &n) == 2 &&
	    !sw.target[n] && strspn(sw.target + 9, "0123456789n") == strlen(sw.target + 9)) {
		char *cand = sw_printf("/dev/ng%un%u", a, b);

		if ((!stat(cand, &st) && S_ISCHR(st.st_mode)) || sw.kind == SW_REMOTE ||
		    sw.kind == SW_LAB)
			sw.ng_target = cand;
	}
}

static char *read_line(const char *path)
{
	char *s = sw_read_file(path, NULL);

	if (s)
		s[strcspn(s, "\n")] = 0;
	return s;
}

/* Why IOPOLL can't run on t with direct=d ("" when it may). */
const char *sw_iopoll_reason(const char *t, const char *d)
{
	char real[PATH_MAX];
	struct stat st;
	char *devnum, *sys, *v;
	unsigned a, b;
	int n = 0;

	if (strcmp(d, "1"))
		return sw_printf("IOPOLL needs direct=1 and this run is buffered (DIRECT=0%s%s)",
				 *sw.fstype ? ", " : "", sw.fstype);
	if (sw.kind == SW_REMOTE || sw.kind == SW_LAB)
		return "";
	if (!stat(t, &st) && S_ISBLK(st.st_mode)) {
		devnum = sw_printf("%u:%u", major(st.st_rdev), minor(st.st_rdev));
	} else if (!stat(t, &st) && S_ISCHR(st.st_mode)) {
		if (sscanf(t, "/dev/ng%un%u%n", &a, &b, &n) != 2 || t[n])
			return "";
		devnum = read_line(sw_printf("/sys/block/nvme%un%u/dev", a, b));
		if (!devnum)
			return "";
	} else {
		const char *p = t, *fs;

		if (stat(t, &st)) {
			p = sw_dirname(t);
			if (stat(p, &st) || !S_ISDIR(st.st_mode))
				return "";
		}
		fs = sw_fstype_of(p);
		if (!strcmp(fs, "tmpfs") || !strcmp(fs, "ramfs"))
			return sw_printf("IOPOLL needs a block device with poll queues; %s is on %s",
					 t, fs);
		if (stat(p, &st))
			return "";
		devnum = sw_printf("%u:%u", major(st.st_dev), minor(st.st_dev));
	}
	sys = sw_printf("/sys/dev/block/%s/queue/io_poll", devnum);
	if (access(sys, F_OK))
		sys = sw_printf("/sys/dev/block/%s/../queue/io_poll", devnum);
	v = access(sys, F_OK) ? NULL : read_line(sys);
	if (v && !strcmp(v, "0")) {
		const char *what = t;

		if (stat(t, &st) || !(S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)))
			what = sw_printf("the device under %s", t);
		return sw_printf("IOPOLL needs a device with poll queues; %s has none (%s is 0; for "
				 "NVMe: nvme.poll_queues=N)", what, realpath(sys, real) ? real : sys);
	}
	return "";
}

/* blkid -p -o export's KEY= value, or "". */
static const char *export_value(const char *info, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == '=')
			return sw_printf("%.*s", (int)strcspn(l + kl + 1, "\n"), l + kl + 1);
	return "";
}

/* Why a write profile must not touch t ("" if fine): block devices only. */
const char *sw_write_refusal(const char *t)
{
	char *argv[] = { "blkid", "-p", "-o", "export", "--", (char *)t, NULL };
	char real[PATH_MAX], *parts = NULL, *dir;
	const char *fstype, *pttype, *info;
	struct dirent *de;
	int status;
	DIR *d;

	if (sw.kind != SW_BLOCK)
		return "";
	info = sw_capture(argv, &status);
	fstype = export_value(info, "TYPE");
	pttype = export_value(info, "PTTYPE");
	if (*fstype)
		return sw_printf("it holds a filesystem (%s)", fstype);
	if (*pttype)
		return sw_printf("it holds a partition table (%s)", pttype);
	/* Its partitions: the entries of its sysfs directory with a "partition" file. */
	if (!realpath(t, real))
		return "";
	dir = sw_printf("/sys/class/block/%s", sw_basename(real));
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    !access(sw_printf("%s/%s/partition", dir, de->d_name), F_OK))
			parts = sw_printf("%s%s%s", parts ? parts : "", parts ? "," : "", de->d_name);
	if (d)
		closedir(d);
	return parts ? sw_printf("it has partitions (%s)", parts) : "";
}
