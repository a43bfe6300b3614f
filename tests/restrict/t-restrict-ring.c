// SPDX-License-Identifier: GPL-2.0
/*
 * Proof that a ring restricted by the engine's own code (ring_setup.c +
 * restrict.c, in the order the engine uses) runs only what was allowed:
 * with the allowlist of a read-only job (READ, FIXED_FILE required, only
 * the no-op ENABLE_RINGS among register opcodes) every other SQE completes
 * with -EACCES and does nothing, every other register opcode fails with
 * -EACCES, and restrictions cannot be registered twice.  Also checks the allowlists and the one-line
 * descriptions the engine prints for other jobs.
 *
 *   t-restrict-ring                  interrupt and SQPOLL rings on a scratch file
 *   t-restrict-ring MODE DEVICE      one mode (interrupt, sqpoll, iopoll,
 *                                    sqpoll-iopoll) on DEVICE, O_DIRECT (lab)
 */
#include "ioengine/restrict.h"
#include "ring_test.h"

/* Allowlists of typical jobs, as the engine builds and prints them. */
static int check_descriptions(void)
{
	static const struct {
		struct ub_restrict_spec spec;
		const char *want;
	} cases[] = {
		{ { .read = true },
		  "sqe ops READ; required flags FIXED_FILE; register ops ENABLE_RINGS" },
		{ { .read = true, .write = true, .sync = true, .fixedbufs = true },
		  "sqe ops READ_FIXED,WRITE_FIXED,FSYNC; required flags FIXED_FILE; register ops ENABLE_RINGS" },
		{ { .read = true, .write = true, .vectored = true, .unregister_ring_fd = true },
		  "sqe ops READV,WRITEV; required flags FIXED_FILE; register ops ENABLE_RINGS,UNREGISTER_RING_FDS" },
		{ { .read = true, .write = true, .sync = true, .fixedbufs = true, .passthru = true },
		  "sqe ops URING_CMD; required flags FIXED_FILE; register ops ENABLE_RINGS" },
	};
	struct ub_restrict_set set;
	char line[256];
	int failures = 0;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ub_restrict_set_build(&cases[i].spec, &set);
		ub_restrict_describe(&set, line, sizeof(line));
		if (strcmp(line, cases[i].want)) {
			printf("not ok restrict-ring-describe-%zu: got '%s', want '%s'\n", i, line,
			       cases[i].want);
			failures++;
		} else {
			printf("ok restrict-ring-describe-%zu: %s\n", i, line);
		}
	}
	return failures;
}

static void check_register_ops(struct rt_env *e)
{
	struct io_uring_restriction again = { .opcode = IORING_RESTRICTION_SQE_OP,
					      .sqe_op = IORING_OP_OPENAT };
	struct io_uring_probe *probe;
	int other_fd, ret;

	probe = calloc(1, sizeof(*probe) + 256 * sizeof(struct io_uring_probe_op));
	ret = io_uring_register_probe(&e->ring, probe, 256);
	free(probe);
	rt_result(e, ret == -EACCES, "register-probe-eacces",
		  "IORING_REGISTER_PROBE returned %d (want -EACCES)", ret);

	/* Swapping the registered file for another one must not happen. */
	other_fd = open("/dev/zero", O_RDONLY);
	ret = io_uring_register_files_update(&e->ring, 0, &other_fd, 1);
	close(other_fd);
	rt_result(e, ret == -EACCES, "files-update-eacces",
		  "IORING_REGISTER_FILES_UPDATE returned %d (want -EACCES)", ret);
	memset(e->buf, 0x5a, RT_LEN);
	ret = rt_read(e, true, e->buf, 0);
	rt_result(e, ret == RT_LEN && !memcmp(e->buf, e->before, RT_LEN), "files-unchanged",
		  "fixed file 0 no longer reads the original data (READ returned %d)", ret);

	ret = io_uring_unregister_files(&e->ring);
	rt_result(e, ret == -EACCES, "unregister-files-eacces",
		  "IORING_UNREGISTER_FILES returned %d (want -EACCES)", ret);

	/* After enabling, a second allowlist is a register op like any other. */
	ret = io_uring_register_restrictions(&e->ring, &again, 1);
	rt_result(e, ret == -EACCES, "restrictions-after-enable-eacces",
		  "IORING_REGISTER_RESTRICTIONS on the live ring returned %d (want -EACCES)", ret);

	/* Allowed (it switches the enforcement on in Linux 7.x), and a no-op now. */
	ret = io_uring_enable_rings(&e->ring);
	rt_result(e, ret == -EBADFD, "enable-again-ebadfd",
		  "IORING_REGISTER_ENABLE_RINGS on the live ring returned %d (want -EBADFD)", ret);
}

/*
 * Not a pass/fail check but a kernel fact worth seeing in the log: does an
 * allowlist without any register opcode still lock register opcodes?
 * (Linux 6.x: yes; 7.x: no, hence ENABLE_RINGS in every engine allowlist.)
 */
static void note_empty_register_allowlist(struct rt_env *e)
{
	struct io_uring_restriction res = { .opcode = IORING_RESTRICTION_SQE_OP,
					    .sqe_op = IORING_OP_READ };
	struct io_uring_probe *probe;
	int ret;

	if (rt_ring_create(e))
		return;
	ret = io_uring_register_restrictions(&e->ring, &res, 1);
	if (!ret)
		ret = io_uring_enable_rings(&e->ring);
	if (!ret) {
		probe = calloc(1, sizeof(*probe) + 256 * sizeof(struct io_uring_probe_op));
		ret = io_uring_register_probe(&e->ring, probe, 256);
		free(probe);
		printf("# %s: with no register op in the allowlist, REGISTER_PROBE returns %d: "
		       "this kernel %s register opcodes then\n", e->mode, ret,
		       ret == -EACCES ? "still locks" : "does NOT lock");
	}
	io_uring_queue_exit(&e->ring);
	e->ring_ok = false;
}

/*
 * The engine's in-job proof (ub_restrict_verify) tells a restricted ring
 * from one that is not: on a ring enabled without an allowlist the NOP runs,
 * and the proof must refuse with -EPERM.
 */
static void check_verify_refuses_unrestricted(struct rt_env *e)
{
	char err[256] = "";
	int ret;

	if (rt_ring_create(e))
		return;
	ret = ub_restrict_enable(&e->ring, err, sizeof(err));
	if (!ret)
		ret = ub_restrict_verify(&e->ring, err, sizeof(err));
	rt_result(e, ret == -EPERM && strstr(err, "the kernel ran a NOP"), "verify-refuses-unrestricted",
		  "ub_restrict_verify on an unrestricted ring returned %d (%s), want -EPERM", ret, err);
	io_uring_queue_exit(&e->ring);
	e->ring_ok = false;
}

static int one_mode(const char *mode, const char *dev)
{
	struct ub_restrict_spec spec = { .read = true };
	struct ub_restrict_set set;
	struct rt_env e;
	char err[256], line[256];
	int ret;

	if (rt_env_init(&e, "restrict-ring", mode, dev)) {
		rt_env_exit(&e);
		return 1;
	}
	rt_control(&e);
	note_empty_register_allowlist(&e);
	if (rt_ring_create(&e)) {
		rt_env_exit(&e);
		return 1;
	}
	ub_restrict_set_build(&spec, &set);
	ret = ub_restrict_install(&e.ring, &set, err, sizeof(err));
	rt_result(&e, ret == 0, "install", "%s", err);
	printf("# %s: restrictions: %s\n", mode, ub_restrict_describe(&set, line, sizeof(line)));

	ret = ub_restrict_install(&e.ring, &set, err, sizeof(err));
	rt_result(&e, ret == -EBUSY, "install-twice-ebusy",
		  "a second IORING_REGISTER_RESTRICTIONS returned %d (want -EBUSY)", ret);

	ret = ub_restrict_enable(&e.ring, err, sizeof(err));
	rt_result(&e, ret == 0, "enable", "%s", err);
	if (ret == 0) {
		ret = ub_restrict_verify(&e.ring, err, sizeof(err));
		rt_result(&e, ret == 0, "verify", "ub_restrict_verify on the restricted ring: %d: %s",
			  ret, err);
		rt_check_sqes(&e, false);
		check_register_ops(&e);
		io_uring_queue_exit(&e.ring);
		e.ring_ok = false;
		check_verify_refuses_unrestricted(&e);
	}
	rt_env_exit(&e);
	return e.failures;
}

int main(int argc, char **argv)
{
	int failures = argc == 1 ? check_descriptions() : 0;

	return rt_main(argc, argv, one_mode) || failures;
}
