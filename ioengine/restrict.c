// SPDX-License-Identifier: GPL-2.0
/*
 * Restricted rings and io_uring BPF filters.
 *
 * A restricted ring accepts only the SQE opcodes, SQE flags and register
 * opcodes on its allowlist; anything else completes with -EACCES (SQEs) or
 * fails with -EACCES (io_uring_register) without doing anything.  The
 * allowlist can only be installed while the ring is disabled, once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <linux/filter.h>

#include "ioengine/restrict.h"

static void add_op(uint8_t *ops, unsigned int *nr, unsigned int op)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (ops[i] == op)
			return;
	if (*nr < UB_RESTRICT_MAX_OPS)
		ops[(*nr)++] = op;
}

void ub_restrict_set_build(const struct ub_restrict_spec *spec, struct ub_restrict_set *set)
{
	memset(set, 0, sizeof(*set));
	if (spec->passthru) {
		/* Reads, writes and flushes are all NVMe commands. */
		add_op(set->sqe_ops, &set->nr_sqe_ops, IORING_OP_URING_CMD);
	} else {
		if (spec->read)
			add_op(set->sqe_ops, &set->nr_sqe_ops,
			       spec->fixedbufs ? IORING_OP_READ_FIXED :
			       spec->vectored ? IORING_OP_READV : IORING_OP_READ);
		if (spec->write)
			add_op(set->sqe_ops, &set->nr_sqe_ops,
			       spec->fixedbufs ? IORING_OP_WRITE_FIXED :
			       spec->vectored ? IORING_OP_WRITEV : IORING_OP_WRITE);
		if (spec->sync)
			add_op(set->sqe_ops, &set->nr_sqe_ops, IORING_OP_FSYNC);
	}
	/*
	 * Files are opened by the engine before the ring is enabled and only
	 * reached through the registered table: an SQE naming a raw fd (one
	 * the ring's user could have opened or inherited) is refused.
	 */
	set->required_flags = IOSQE_FIXED_FILE;
	set->allowed_flags = 0;
	/*
	 * Register opcodes.  Linux 7.x enforces the register-op allowlist only
	 * if it names at least one opcode (an allowlist without any leaves
	 * every io_uring_register call open; 6.x enforced it regardless), so
	 * the list always holds ENABLE_RINGS: harmless, as a second enable
	 * fails with EBADFD, and it turns the enforcement on.
	 *
	 * After enabling, the engine itself only enters the ring; liburing's
	 * io_uring_queue_exit unregisters a registered ring fd, so that
	 * opcode stays allowed too when register_ring_fd=1.
	 */
	add_op(set->register_ops, &set->nr_register_ops, IORING_REGISTER_ENABLE_RINGS);
	if (spec->unregister_ring_fd)
		add_op(set->register_ops, &set->nr_register_ops, IORING_UNREGISTER_RING_FDS);
}

int ub_restrict_install(struct io_uring *ring, const struct ub_restrict_set *set,
			char *err, size_t errlen)
{
	struct io_uring_restriction res[2 * UB_RESTRICT_MAX_OPS + 2];
	unsigned int i, n = 0;
	int ret;

	memset(res, 0, sizeof(res));
	for (i = 0; i < set->nr_sqe_ops; i++) {
		res[n].opcode = IORING_RESTRICTION_SQE_OP;
		res[n++].sqe_op = set->sqe_ops[i];
	}
	for (i = 0; i < set->nr_register_ops; i++) {
		res[n].opcode = IORING_RESTRICTION_REGISTER_OP;
		res[n++].register_op = set->register_ops[i];
	}
	res[n].opcode = IORING_RESTRICTION_SQE_FLAGS_REQUIRED;
	res[n++].sqe_flags = set->required_flags;
	res[n].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[n++].sqe_flags = set->allowed_flags;

	ret = io_uring_register_restrictions(ring, res, n);
	if (ret == 0)
		return 0;
	if (ret == -EBUSY)
		snprintf(err, errlen, "restrict=1: this ring already has restrictions "
			 "(IORING_REGISTER_RESTRICTIONS works once per ring): EBUSY");
	else if (ret == -EBADFD)
		snprintf(err, errlen, "restrict=1: the ring is already enabled; restrictions "
			 "go in only while it is disabled (IORING_SETUP_R_DISABLED): EBADFD");
	else
		snprintf(err, errlen, "restrict=1: the kernel refused the restriction set "
			 "(IORING_REGISTER_RESTRICTIONS, Linux 5.10): %s", strerror(-ret));
	return ret;
}

int ub_restrict_enable(struct io_uring *ring, char *err, size_t errlen)
{
	int ret = io_uring_enable_rings(ring);

	if (ret < 0)
		snprintf(err, errlen, "enabling the ring (IORING_REGISTER_ENABLE_RINGS) failed: %s",
			 strerror(-ret));
	return ret;
}

int ub_restrict_verify(struct io_uring *ring, char *err, size_t errlen)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	uint64_t data;
	int ret, res;

	if (!sqe) {
		snprintf(err, errlen, "verifying the allowlist: no free SQE on a new ring");
		return -EBUSY;
	}
	/* NOP: never on an allowlist, and harmless should the kernel run it. */
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, UB_RESTRICT_VERIFY_DATA);
	ret = io_uring_submit_and_wait(ring, 1);
	if (ret >= 0)
		ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0) {
		snprintf(err, errlen, "verifying the allowlist: submitting a NOP failed: %s",
			 strerror(-ret));
		return ret;
	}
	res = cqe->res;
	data = io_uring_cqe_get_data64(cqe);
	io_uring_cqe_seen(ring, cqe);
	if (data != UB_RESTRICT_VERIFY_DATA) {
		snprintf(err, errlen, "verifying the allowlist: a completion with user_data 0x%llx"
			 " came before the NOP's", (unsigned long long)data);
		return -EPROTO;
	}
	if (res == -EACCES)
		return 0;
	snprintf(err, errlen, "the kernel %s a NOP that the allowlist forbids (result %d, want"
		 " -EACCES): this ring is not restricted, so the job does not run",
		 res >= 0 ? "ran" : "answered", res);
	return -EPERM;
}

static const char *const sqe_op_names[] = {
	[IORING_OP_NOP] = "NOP",
	[IORING_OP_READV] = "READV",
	[IORING_OP_WRITEV] = "WRITEV",
	[IORING_OP_FSYNC] = "FSYNC",
	[IORING_OP_READ_FIXED] = "READ_FIXED",
	[IORING_OP_WRITE_FIXED] = "WRITE_FIXED",
	[IORING_OP_OPENAT] = "OPENAT",
	[IORING_OP_CLOSE] = "CLOSE",
	[IORING_OP_READ] = "READ",
	[IORING_OP_WRITE] = "WRITE",
	[IORING_OP_URING_CMD] = "URING_CMD",
};

static const char *const register_op_names[] = {
	[IORING_REGISTER_BUFFERS] = "REGISTER_BUFFERS",
	[IORING_REGISTER_FILES] = "REGISTER_FILES",
	[IORING_REGISTER_FILES_UPDATE] = "REGISTER_FILES_UPDATE",
	[IORING_REGISTER_PROBE] = "REGISTER_PROBE",
	[IORING_REGISTER_RESTRICTIONS] = "REGISTER_RESTRICTIONS",
	[IORING_REGISTER_ENABLE_RINGS] = "ENABLE_RINGS",
	[IORING_REGISTER_RING_FDS] = "REGISTER_RING_FDS",
	[IORING_UNREGISTER_RING_FDS] = "UNREGISTER_RING_FDS",
};

static const char *op_name(const char *const *names, size_t nr, unsigned int op,
			   char *buf, size_t len)
{
	if (op < nr && names[op])
		return names[op];
	snprintf(buf, len, "OP%u", op);
	return buf;
}

const char *ub_sqe_op_name(unsigned int op, char *buf, size_t len)
{
	return op_name(sqe_op_names, sizeof(sqe_op_names) / sizeof(sqe_op_names[0]), op, buf, len);
}

const char *ub_register_op_name(unsigned int op, char *buf, size_t len)
{
	return op_name(register_op_names, sizeof(register_op_names) / sizeof(register_op_names[0]),
		       op, buf, len);
}

static size_t append(char *buf, size_t len, size_t used, const char *s)
{
	int n = snprintf(buf + used, used < len ? len - used : 0, "%s", s);

	return used + (n > 0 ? (size_t)n : 0);
}

static size_t append_ops(char *buf, size_t len, size_t used, const uint8_t *ops,
			 unsigned int nr, bool sqe)
{
	char tmp[16];
	unsigned int i;

	if (!nr)
		return append(buf, len, used, "none");
	for (i = 0; i < nr; i++) {
		if (i)
			used = append(buf, len, used, ",");
		used = append(buf, len, used, sqe ? ub_sqe_op_name(ops[i], tmp, sizeof(tmp))
						  : ub_register_op_name(ops[i], tmp, sizeof(tmp)));
	}
	return used;
}

static size_t append_flags(char *buf, size_t len, size_t used, uint8_t flags)
{
	static const struct { uint8_t flag; const char *name; } names[] = {
		{ IOSQE_FIXED_FILE, "FIXED_FILE" },
		{ IOSQE_IO_DRAIN, "IO_DRAIN" },
		{ IOSQE_IO_LINK, "IO_LINK" },
		{ IOSQE_IO_HARDLINK, "IO_HARDLINK" },
		{ IOSQE_ASYNC, "ASYNC" },
		{ IOSQE_BUFFER_SELECT, "BUFFER_SELECT" },
		{ IOSQE_CQE_SKIP_SUCCESS, "CQE_SKIP_SUCCESS" },
	};
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		if (!first)
			used = append(buf, len, used, ",");
		used = append(buf, len, used, names[i].name);
		first = false;
	}
	return first ? append(buf, len, used, "none") : used;
}

const char *ub_restrict_describe(const struct ub_restrict_set *set, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	used = append(buf, len, used, "sqe ops ");
	used = append_ops(buf, len, used, set->sqe_ops, set->nr_sqe_ops, true);
	used = append(buf, len, used, "; required flags ");
	used = append_flags(buf, len, used, set->required_flags);
	if (set->allowed_flags) {
		used = append(buf, len, used, "; allowed flags ");
		used = append_flags(buf, len, used, set->allowed_flags);
	}
	used = append(buf, len, used, "; register ops ");
	append_ops(buf, len, used, set->register_ops, set->nr_register_ops, false);
	return buf;
}

int ub_bpf_filter_probe(struct io_uring *ring, char *err, size_t errlen)
{
	struct utsname u;
	int ret;

	/*
	 * A NULL argument separates the cases without side effects: a kernel
	 * with BPF filters fails copying it (EFAULT); one without answers
	 * EINVAL, the register opcode being unknown (or compiled out).
	 */
	ret = io_uring_register(ring->ring_fd, UB_IORING_REGISTER_BPF_FILTER, NULL, 1);
	if (ret == -EFAULT)
		return 0;
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "?");
	snprintf(err, errlen, "bpf_filter=1: this kernel (%s) has no io_uring BPF filters "
		 "(IORING_REGISTER_BPF_FILTER, Linux 7.x with CONFIG_IO_URING_BPF): "
		 "io_uring_register answered %s", u.release,
		 ret == -EINVAL ? "EINVAL" : strerror(-ret));
	return -EOPNOTSUPP;
}

/*
 * The program every allowed opcode gets.  The filter context is struct
 * io_uring_bpf_ctx: user_data at 0, then the bytes opcode, sqe_flags,
 * pdu_size at 8, 9, 10.  The kernel accepts only 32-bit loads at 4-byte
 * aligned offsets (BPF_LD|BPF_W|BPF_ABS, read in host byte order), so the
 * flags byte comes out of the word at offset 8 by a shift and a mask.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define UB_CTX_FLAGS_SHIFT 8	/* word at 8 = opcode | flags << 8 | pdu_size << 16 */
#else
#define UB_CTX_FLAGS_SHIFT 16	/* word at 8 = opcode << 24 | flags << 16 | pdu_size << 8 */
#endif

int ub_bpf_filter_install(struct io_uring *ring, const struct ub_restrict_set *set,
			  char *err, size_t errlen)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, UB_CTX_FLAGS_SHIFT),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (uint8_t)~set->allowed_flags),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, set->required_flags, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),	/* allow */
		BPF_STMT(BPF_RET | BPF_K, 0),	/* deny: the SQE completes with -EACCES */
	};
	struct io_uring_bpf bpf;
	char tmp[16];
	unsigned int i;
	int ret;

	if (!set->nr_sqe_ops) {
		snprintf(err, errlen, "bpf_filter=1: the job issues no I/O opcodes to allow");
		return -EINVAL;
	}
	for (i = 0; i < set->nr_sqe_ops; i++) {
		memset(&bpf, 0, sizeof(bpf));
		bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
		bpf.filter.opcode = set->sqe_ops[i];
		bpf.filter.filter_len = sizeof(prog) / sizeof(prog[0]);
		bpf.filter.filter_ptr = (uint64_t)(uintptr_t)prog;
		/*
		 * DENY_REST goes with the last filter only: it fills every
		 * opcode that has no filter yet with a deny entry, and a filter
		 * registered later on such an opcode is chained in front of
		 * that deny entry, so the opcode would stay denied.
		 */
		if (i == set->nr_sqe_ops - 1)
			bpf.filter.flags = IO_URING_BPF_FILTER_DENY_REST;
		ret = io_uring_register(ring->ring_fd, UB_IORING_REGISTER_BPF_FILTER, &bpf, 1);
		if (ret < 0) {
			snprintf(err, errlen, "bpf_filter=1: the kernel refused the filter for %s "
				 "(IORING_REGISTER_BPF_FILTER): %s",
				 ub_sqe_op_name(set->sqe_ops[i], tmp, sizeof(tmp)), strerror(-ret));
			return ret;
		}
	}
	return 0;
}

const char *ub_bpf_filter_describe(const struct ub_restrict_set *set, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	used = append(buf, len, used, "allow ");
	used = append_ops(buf, len, used, set->sqe_ops, set->nr_sqe_ops, true);
	used = append(buf, len, used, " with flags ");
	used = append_flags(buf, len, used, set->required_flags);
	if (set->allowed_flags) {
		used = append(buf, len, used, " (+");
		used = append_flags(buf, len, used, set->allowed_flags);
		used = append(buf, len, used, ")");
	}
	append(buf, len, used, " only; deny other opcodes (classic BPF, DENY_REST)");
	return buf;
}
