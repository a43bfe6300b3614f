// SPDX-License-Identifier: GPL-2.0
/*
 * Proof that the engine's io_uring BPF filter (restrict.c, classic BPF on
 * IORING_REGISTER_BPF_FILTER, Linux 7.x) lets through only the job's
 * opcodes with the job's SQE flags: with the filter of a read-only job
 * (READ, flags exactly FIXED_FILE, DENY_REST) every other SQE completes
 * with -EACCES and does nothing; a later filter cannot loosen it; the
 * kernel accepts only aligned 32-bit loads inside struct io_uring_bpf_ctx.
 * Then the engine's full stack (filter + restrictions) on one ring.
 *
 * On a kernel without BPF filters (before Linux 7) it prints one skip line
 * with the engine's error.  On Linux 7 or later, which has them (the lab's
 * 7.3), a failed probe is "not ok": a broken filter must not pass as an old
 * kernel.  UB_EXPECT_BPF_FILTER=1/0 overrides the guess from the release.
 * Arguments as t-restrict-ring: [MODE DEVICE].
 */
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "ioengine/restrict.h"
#include "ring_test.h"

static int register_prog(struct rt_env *e, unsigned int opcode, struct sock_filter *prog,
			 unsigned int len)
{
	struct io_uring_bpf bpf;

	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf.filter.opcode = opcode;
	bpf.filter.filter_len = len;
	bpf.filter.filter_ptr = (uint64_t)(uintptr_t)prog;
	return io_uring_register(e->ring.ring_fd, UB_IORING_REGISTER_BPF_FILTER, &bpf, 1);
}

/*
 * A filter only narrows: allow-all programs added later change nothing.
 * (An IOPOLL ring refuses OPENAT by itself, so there NOP stands in.)
 */
static void check_cannot_loosen(struct rt_env *e)
{
	struct sock_filter allow_all[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	bool exists = false;
	int ret, res;

	if (rt_iopoll(e)) {
		ret = register_prog(e, IORING_OP_NOP, allow_all, 1);
		res = rt_nop(e);
	} else {
		ret = register_prog(e, IORING_OP_OPENAT, allow_all, 1);
		res = rt_openat(e, &exists);
	}
	rt_result(e, ret == 0 && res == -EACCES && !exists, "allow-all-cannot-reopen",
		  "an allow-all filter on %s (registration %d) made it return %d%s "
		  "(want -EACCES)", rt_iopoll(e) ? "NOP" : "OPENAT", ret, res,
		  exists ? ", file created" : "");

	ret = register_prog(e, IORING_OP_READ, allow_all, 1);
	memset(e->raw, 0x5a, RT_LEN);
	res = rt_read(e, false, e->raw, 0);
	rt_result(e, ret == 0 && res == -EACCES && e->raw[0] == 0x5a, "allow-all-cannot-reopen-raw-read",
		  "an allow-all filter on READ (registration %d) made a raw-fd READ return %d "
		  "(want -EACCES)", ret, res);
}

/* What a classic-BPF program may load from struct io_uring_bpf_ctx. */
static void check_load_rules(struct rt_env *e)
{
	static const struct {
		const char *name;
		struct sock_filter load;
		bool accepted;
	} loads[] = {
		{ "load-word-at-8-accepted", BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8), true },
		{ "load-byte-refused", BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9), false },
		{ "load-half-refused", BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 8), false },
		{ "load-unaligned-word-refused", BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 9), false },
		{ "load-past-ctx-refused",
		  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct io_uring_bpf_ctx)), false },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		struct sock_filter prog[] = { loads[i].load, BPF_STMT(BPF_RET | BPF_K, 1) };

		/* On NOP, which the job filter denies anyway: nothing opens up. */
		ret = register_prog(e, IORING_OP_NOP, prog, 2);
		rt_result(e, loads[i].accepted ? ret == 0 : ret == -EINVAL, loads[i].name,
			  "registration returned %d (want %s)", ret, loads[i].accepted ? "0" : "-EINVAL");
	}
}

/* The engine's stack for restrict=1 bpf_filter=1: filter, restrictions, enable. */
static void check_with_restrictions(struct rt_env *e, const struct ub_restrict_set *set)
{
	char err[256];
	bool exists;
	int ret, res;

	if (rt_ring_create(e))
		return;
	ret = ub_bpf_filter_install(&e->ring, set, err, sizeof(err));
	if (!ret)
		ret = ub_restrict_install(&e->ring, set, err, sizeof(err));
	if (!ret)
		ret = ub_restrict_enable(&e->ring, err, sizeof(err));
	rt_result(e, ret == 0, "stack-install", "%s", err);
	if (ret)
		return;
	memset(e->buf, 0x5a, RT_LEN);
	res = rt_read(e, true, e->buf, 0);
	rt_result(e, res == RT_LEN && !memcmp(e->buf, e->before, RT_LEN), "stack-allowed-read",
		  "READ of fixed file 0 under filter+restrictions returned %d", res);
	res = rt_openat(e, &exists);
	rt_result(e, res == -EACCES && !exists, "stack-openat-eacces",
		  "OPENAT under filter+restrictions returned %d, file %s", res,
		  exists ? "created" : "absent");
}

/* Whether this kernel must have io_uring BPF filters (see the header). */
static bool filter_expected(char *why, size_t len)
{
	const char *env = getenv("UB_EXPECT_BPF_FILTER");
	struct utsname u;

	if (env && *env) {
		snprintf(why, len, "UB_EXPECT_BPF_FILTER=%s", env);
		return strcmp(env, "0") != 0;
	}
	if (uname(&u))
		return false;
	snprintf(why, len, "Linux %s has IORING_REGISTER_BPF_FILTER", u.release);
	return atoi(u.release) >= 7;
}

static int one_mode(const char *mode, const char *dev)
{
	struct ub_restrict_spec spec = { .read = true };
	struct ub_restrict_set set;
	struct io_uring_probe *probe;
	struct rt_env e;
	char err[256], line[256];
	int ret;

	if (rt_env_init(&e, "restrict-bpf-filter", mode, dev) || rt_ring_create(&e)) {
		rt_env_exit(&e);
		return 1;
	}
	if (ub_bpf_filter_probe(&e.ring, err, sizeof(err))) {
		char why[128];

		if (filter_expected(why, sizeof(why))) {
			rt_result(&e, false, "probe", "%s, but the probe failed: %s", why, err);
			rt_env_exit(&e);
			return e.failures;
		}
		printf("skip restrict-bpf-filter-%s: %s\n", mode, err);
		rt_env_exit(&e);
		return 0;
	}
	io_uring_queue_exit(&e.ring);
	e.ring_ok = false;
	rt_control(&e);
	if (rt_ring_create(&e)) {
		rt_env_exit(&e);
		return 1;
	}
	ub_restrict_set_build(&spec, &set);
	ret = ub_bpf_filter_install(&e.ring, &set, err, sizeof(err));
	rt_result(&e, ret == 0, "install", "%s", err);
	printf("# %s: bpf filter: %s\n", mode, ub_bpf_filter_describe(&set, line, sizeof(line)));
	if (!ret)
		ret = ub_restrict_enable(&e.ring, err, sizeof(err));
	if (ret) {
		rt_env_exit(&e);
		return e.failures;
	}
	rt_check_sqes(&e, true);
	check_cannot_loosen(&e);
	check_load_rules(&e);

	/* The filter judges SQEs only; register opcodes are restrict=1's job. */
	probe = calloc(1, sizeof(*probe) + 256 * sizeof(struct io_uring_probe_op));
	ret = io_uring_register_probe(&e.ring, probe, 256);
	free(probe);
	rt_result(&e, ret == 0, "register-ops-not-filtered",
		  "IORING_REGISTER_PROBE returned %d on a filtered, unrestricted ring", ret);
	io_uring_queue_exit(&e.ring);
	e.ring_ok = false;

	check_with_restrictions(&e, &set);
	rt_env_exit(&e);
	return e.failures;
}

int main(int argc, char **argv)
{
	return rt_main(argc, argv, one_mode);
}
