// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's options.  Names and meanings follow fio's io_uring engine
 * wherever that engine has the option, so switching engines is one word.
 */
#include <stddef.h>

#include "ioengine/engine.h"
#include "ioengine/engine_options.h"

static int str_sqthread_poll_cpu_cb(void *data, unsigned long long *val)
{
	struct ub_options *o = data;

	o->sqthread_poll_cpu = *val;
	o->sqthread_poll_cpu_set = 1;
	return 0;
}

#define UB_BOOL_OPT(nm, lnm, field, hlp)				\
	{								\
		.name = nm, .lname = lnm, .type = FIO_OPT_BOOL,		\
		.off1 = offsetof(struct ub_options, field), .def = "0",	\
		.help = hlp, .category = FIO_OPT_C_ENGINE,		\
		.group = FIO_OPT_G_IOURING,				\
	}

struct fio_option ub_option_table[] = {
	UB_BOOL_OPT("hipri", "High Priority (IOPOLL)", hipri,
		    "Poll for completions (IORING_SETUP_IOPOLL); needs direct=1 on a device with poll queues"),
	UB_BOOL_OPT("hybrid_iopoll", "Hybrid IOPOLL", hybrid_iopoll,
		    "Sleep part of the expected latency before polling (IORING_SETUP_HYBRID_IOPOLL, Linux 6.13); needs hipri=1"),
	UB_BOOL_OPT("sqthread_poll", "Kernel SQ thread polling", sqthread_poll,
		    "A kernel thread polls the SQ and submits (IORING_SETUP_SQPOLL): no syscall per I/O"),
	{
		.name = "sqthread_poll_cpu",
		.lname = "SQ Thread Poll CPU",
		.type = FIO_OPT_INT,
		.cb = str_sqthread_poll_cpu_cb,
		.help = "CPU the SQPOLL thread is bound to (IORING_SETUP_SQ_AFF); needs sqthread_poll=1",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = "sqpoll_idle",
		.lname = "SQ thread idle time",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, sqpoll_idle),
		.def = "0",
		.help = "Milliseconds the SQPOLL thread spins idle before it sleeps (0: kernel default, 1000)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = "sqpoll_spin_us",
		.lname = "SQPOLL completion spin",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, sqpoll_spin_us),
		.def = "50",
		.help = "SQPOLL: spin on the CQ for up to this many microseconds divided by the I/Os in flight before sleeping in io_uring_enter(GETEVENTS) (0: never spin)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	UB_BOOL_OPT("sqpoll_shared", "Shared SQ thread", sqpoll_shared,
		    "All jobs of this fio process share one SQPOLL thread (IORING_SETUP_ATTACH_WQ), as a VMM shares one among guests"),
	UB_BOOL_OPT("fixedbufs", "Fixed (pre-mapped) IO buffers", fixedbufs,
		    "Register the I/O buffers with the ring (READ_FIXED/WRITE_FIXED)"),
	UB_BOOL_OPT("registerfiles", "Register file set", registerfiles,
		    "Register the job's files with the ring (IOSQE_FIXED_FILE)"),
	UB_BOOL_OPT("register_ring_fd", "Register ring fd", register_ring_fd,
		    "Register the ring fd so io_uring_enter skips the fd lookup (Linux 5.18)"),
	{
		.name = "nonvectored",
		.lname = "Non-vectored",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, nonvectored),
		.def = "1",
		.minval = 0,
		.maxval = 1,
		.help = "1: IORING_OP_READ/WRITE; 0: READV/WRITEV with one iovec (ignored with fixedbufs)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = "defer_taskrun",
		.lname = "Defer task run",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, defer_taskrun),
		.def = "auto",
		.help = "IORING_SETUP_DEFER_TASKRUN|SINGLE_ISSUER: completions run only when the job reaps",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
		.posval = {
			{ .ival = "auto", .oval = UB_DEFER_AUTO,
			  .help = "on, except with sqthread_poll (which the kernel cannot combine with it)" },
			{ .ival = "0", .oval = UB_DEFER_OFF, .help = "off" },
			{ .ival = "1", .oval = UB_DEFER_ON, .help = "on; an error with sqthread_poll=1" },
		},
	},
	UB_BOOL_OPT("restrict", "Restricted ring", restrict_ring,
		    "Allow only this job's opcodes and fixed files (IORING_REGISTER_RESTRICTIONS)"),
	UB_BOOL_OPT("bpf_filter", "io_uring BPF filter", bpf_filter,
		    "Install a classic-BPF opcode filter (IORING_REGISTER_BPF_FILTER, Linux 7.x)"),
	UB_BOOL_OPT("passthru", "NVMe passthrough", passthru,
		    "NVMe commands through IORING_OP_URING_CMD on /dev/ngXnY"),
	UB_BOOL_OPT("bpf_chain", "BPF-chained reads", bpf_chain,
		    "Run each lookup's dependent read chain in the io_uring BPF loop (Linux 7.x)"),
	{
		.name = "chain_len",
		.lname = "Reads per lookup",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, chain_len),
		.def = "0",
		.minval = 0,
		.maxval = 4096,
		.help = "With a chain file: dependent reads per fio I/O (0: plain I/O, no chain)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = "bpf_chain_obj",
		.lname = "BPF chain object",
		.type = FIO_OPT_STR_STORE,
		.off1 = offsetof(struct ub_options, bpf_chain_obj),
		.help = "bpf_chain=1: load the loop program from this BPF object file instead of the engine's built-in one",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = "chain_op",
		.lname = "Chain step",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, chain_op),
		.def = "read",
		.help = "What each of a lookup's chain_len steps is (values: enum ub_chain_op, bpf/chain.h)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
		.posval = {
			{ .ival = "read", .oval = 0,
			  .help = "a read of the block the previous read named (a chain file)" },
			{ .ival = "nop", .oval = 1,
			  .help = "an IORING_OP_NOP, issued after the previous one's completion" },
		},
	},
	{
		.name = "chain_link",
		.lname = "NOPs per link",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, chain_link),
		.def = "0",
		.minval = 0,
		.maxval = 4096,
		.help = "chain_op=nop, bpf_chain=0: submit a lookup's NOPs as IOSQE_IO_LINK links of this many, each link after the previous one completed (0: no links)",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	{
		.name = NULL,
	},
};
