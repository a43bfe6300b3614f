// SPDX-License-Identifier: GPL-2.0
/*
 * passthru.c's per-I/O and per-option LBA checks, on made-up namespaces (no
 * device needed): an I/O is sent only when its offset and length are whole
 * LBAs inside the namespace, and the NVMe command then addresses exactly
 * that range (SLBA = offset / LBA, NLB = length / LBA - 1, no flag bits).
 * Result lines in tests/run.sh's protocol.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libnvme.h>

#include "ioengine/passthru.h"

static int failures;

static void result(int pass, const char *name, const char *why)
{
	if (pass)
		printf("ok passthru-lba-%s\n", name);
	else {
		printf("not ok passthru-lba-%s: %s\n", name, why);
		failures++;
	}
}

static struct ub_nvme_ns make_ns(unsigned int shift, unsigned long long nlba)
{
	struct ub_nvme_ns ns;

	memset(&ns, 0, sizeof(ns));
	snprintf(ns.path, sizeof(ns.path), "/dev/ng9n1");
	ns.nsid = 1;
	ns.lba_shift = shift;
	ns.lba_size = 1u << shift;
	ns.nlba = nlba;
	return ns;
}

/* io NAME NS OFF LEN WANT-RET [TEXT]: ub_passthru_check_io's verdict and sentence. */
static void io(const char *name, const struct ub_nvme_ns *ns, unsigned long long off,
	       unsigned long long len, int want, const char *text)
{
	char err[512] = "", why[700];
	int ret = ub_passthru_check_io(ns, off, len, err, sizeof(err));

	if (ret != want)
		snprintf(why, sizeof(why), "offset %llu len %llu: returned %d, want %d (%s)",
			 off, len, ret, want, err);
	else if (text && strcmp(err, text))
		snprintf(why, sizeof(why), "got '%s', want '%s'", err, text);
	else
		why[0] = '\0';
	result(!why[0], name, why);
}

/* The command prep_rw builds for an accepted I/O addresses exactly it. */
static void cmd(const char *name, const struct ub_nvme_ns *ns, unsigned long long off,
		unsigned int len)
{
	struct io_uring_sqe sqe[2];
	struct nvme_uring_cmd *c = (struct nvme_uring_cmd *)sqe[0].cmd;
	unsigned long long slba;
	char why[256] = "";
	static char buf[1];

	ub_passthru_prep_rw(sqe, ns, 3, false, true, buf, len, off, -1);
	slba = c->cdw10 | ((unsigned long long)c->cdw11 << 32);
	if (slba << ns->lba_shift != off || ((unsigned long long)c->cdw12 + 1) << ns->lba_shift != len ||
	    c->data_len != len)
		snprintf(why, sizeof(why), "offset %llu len %u became SLBA %llu NLB %u (cdw12 0x%x)",
			 off, len, slba, c->cdw12 & 0xffff, c->cdw12);
	result(!why[0], name, why);
}

int main(void)
{
	struct ub_nvme_ns n512 = make_ns(9, 2097152);	/* 1 GiB of 512-byte LBAs */
	struct ub_nvme_ns n4k = make_ns(12, 262144);	/* 1 GiB of 4 KiB LBAs */
	char err[512];

	setvbuf(stdout, NULL, _IONBF, 0);
	io("aligned", &n512, 8704, 4096, 0, NULL);
	io("offset-increment-8292", &n512, 8292, 4096, -EINVAL,
	   "passthru=1: an I/O of 4096 bytes at offset 8292 of /dev/ng9n1 is not whole LBAs "
	   "(LBA 512 bytes, 2097152 LBAs); failed with EINVAL, nothing sent");
	io("rw-skip-100", &n512, 4196, 4096, -EINVAL, NULL);
	io("length-not-whole", &n512, 0, 4000, -EINVAL, NULL);
	io("4k-lba-512-offset", &n4k, 512, 4096, -EINVAL, NULL);
	io("empty", &n512, 0, 0, -EINVAL, NULL);
	io("nlb-65536", &n512, 0, 65536ULL * 512, 0, NULL);
	io("nlb-65537", &n512, 0, 65537ULL * 512, -EINVAL, NULL);
	io("last-lba", &n512, (2097152ULL - 1) * 512, 512, 0, NULL);
	io("past-end", &n512, (2097152ULL - 1) * 512, 1024, -EINVAL,
	   "passthru=1: an I/O of 1024 bytes at offset 1073741312 of /dev/ng9n1 ends past the "
	   "end of the namespace (LBA 512 bytes, 2097152 LBAs); failed with EINVAL, nothing sent");
	io("start-past-end", &n512, 1ULL << 30, 512, -EINVAL, NULL);
	/* An offset whose LBA plus length wraps 64 bits must not look small. */
	io("wrapping-offset", &n512, ~511ULL, 1024, -EINVAL, NULL);

	cmd("cmd-aligned", &n512, 8704, 4096);
	cmd("cmd-4k", &n4k, 1ULL << 29, 1 << 20);
	cmd("cmd-nlb-65536", &n512, 0, 65536 * 512);

	result(!ub_passthru_check_align(&n512, "offset_increment=8704", 8704, err, sizeof(err)),
	       "align-ok", "8704 refused");
	result(ub_passthru_check_align(&n512, "offset_increment=8292", 8292, err, sizeof(err)) ==
	       -EINVAL && !strcmp(err, "passthru=1: offset_increment=8292 is not a multiple of "
	       "the LBA size of /dev/ng9n1 (512 bytes), so I/O offsets would not be whole LBAs; "
	       "use a multiple of 512"), "align-refused", err);
	return failures ? 1 : 0;
}
