// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's options.  Names, types, forms and defaults follow fio 3.41's
 * io_uring engine (engines/io_uring.c, and its io_uring_cmd options for
 * passthru=1) wherever that engine has the option, so switching engines is
 * one word: its bare flags (hipri, fixedbufs, registerfiles, sqthread_poll)
 * are FIO_OPT_STR_SET here too, and so are the engine's own on/off switches.
 *
 * fio checks what its option table can say (.minval/.maxval, posval).  It
 * cannot say "0 or more" for an int (minval 0 means no minimum) nor any
 * dependency between options: ub_options_check() does those at ->init, one
 * "uringbpf:" line each, quoting the value the user typed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ioengine/engine.h"
#include "ioengine/engine_options.h"

#define UB_SPIN_US_MAX	1000000		/* one second: spins as fio's engine does */
#define UB_SPIN_US_DEF	50
#define UB_APPTAG_DEF	0x1234
#define UB_APPTAG_MASK_DEF 0xffff

/*
 * fio splits an integer option's value at '-' (for "a-b" ranges) and hands
 * a callback both parts: "-1" arrives as -1 and then as 1.  Keep the -1 (the
 * value the user typed) and drop the tail that follows it, so that
 * sqthread_poll_cpu=-1 is refused as -1 instead of binding to CPU 1 (what
 * fio's own engine does with it).
 */
static int ub_sqpoll_cpu_cb(void *data, unsigned long long *val)
{
	struct ub_options *o = data;
	long long v = (long long)*val;

	if (o->sqthread_poll_cpu_tail && v == -(long long)o->sqthread_poll_cpu) {
		o->sqthread_poll_cpu_tail = 0;
		return 0;
	}
	o->sqthread_poll_cpu = (int)v;
	o->sqthread_poll_cpu_set = 1;
	o->sqthread_poll_cpu_tail = v < 0;
	return 0;
}

#define UB_GROUP	.category = FIO_OPT_C_ENGINE, .group = FIO_OPT_G_IOURING

/* A bare flag: "name" alone is 1, "name=1" and "name=0" as written. */
#define UB_FLAG_OPT(nm, lnm, field, hlp)				\
	{								\
		.name = nm, .lname = lnm, .type = FIO_OPT_STR_SET,	\
		.off1 = offsetof(struct ub_options, field), .maxval = 1,	\
		.help = hlp, UB_GROUP,					\
	}

/* An on/off option that needs its value, as in fio's io_uring engine. */
#define UB_BOOL_OPT(nm, lnm, field, dflt, hlp)				\
	{								\
		.name = nm, .lname = lnm, .type = FIO_OPT_BOOL,		\
		.off1 = offsetof(struct ub_options, field), .def = dflt,	\
		.help = hlp, UB_GROUP,					\
	}

#define UB_INT_OPT(nm, lnm, field, dflt, max, hlp)			\
	{								\
		.name = nm, .lname = lnm, .type = FIO_OPT_INT,		\
		.off1 = offsetof(struct ub_options, field), .def = dflt,	\
		.maxval = max, .help = hlp, UB_GROUP,			\
	}

struct fio_option ub_option_table[] = {
	UB_FLAG_OPT("hipri", "High Priority (IOPOLL)", hipri,
		    "Poll for completions (IORING_SETUP_IOPOLL); needs direct=1 on a device with poll queues"),
	UB_FLAG_OPT("hybrid_iopoll", "Hybrid IOPOLL", hybrid_iopoll,
		    "Sleep part of the expected latency before polling (IORING_SETUP_HYBRID_IOPOLL, Linux 6.13); needs hipri"),
	UB_FLAG_OPT("sqthread_poll", "Kernel SQ thread polling", sqthread_poll,
		    "A kernel thread polls the SQ and submits (IORING_SETUP_SQPOLL): no syscall per I/O"),
	{
		.name = "sqthread_poll_cpu",
		.lname = "SQ Thread Poll CPU",
		.type = FIO_OPT_INT,
		.cb = ub_sqpoll_cpu_cb,
		.help = "CPU the SQPOLL thread is bound to (IORING_SETUP_SQ_AFF), 0 to the last CPU; needs sqthread_poll",
		UB_GROUP,
	},
	UB_INT_OPT("sqpoll_idle", "SQ thread idle time", sqpoll_idle, "0", 0,
		   "Milliseconds the SQPOLL thread spins idle before it sleeps (0: kernel default, 1000); needs sqthread_poll"),
	UB_INT_OPT("sqpoll_spin_us", "SQPOLL completion spin", sqpoll_spin_us, "50", UB_SPIN_US_MAX,
		   "SQPOLL: spin on the CQ for up to this many microseconds (0-1000000) divided by the I/Os in flight before sleeping in io_uring_enter(GETEVENTS) (0: never spin); needs sqthread_poll"),
	UB_FLAG_OPT("sqpoll_shared", "Shared SQ thread", sqpoll_shared,
		    "All jobs of this fio process share one SQPOLL thread (IORING_SETUP_ATTACH_WQ), as a VMM shares one among guests; needs sqthread_poll and thread"),
	UB_FLAG_OPT("fixedbufs", "Fixed (pre-mapped) IO buffers", fixedbufs,
		    "Register the I/O buffers with the ring (READ_FIXED/WRITE_FIXED)"),
	UB_FLAG_OPT("registerfiles", "Register file set", registerfiles,
		    "Register the job's files with the ring (IOSQE_FIXED_FILE)"),
	UB_FLAG_OPT("register_ring_fd", "Register ring fd", register_ring_fd,
		    "Register the ring fd so io_uring_enter skips the fd lookup (Linux 5.18)"),
	{
		.name = "nonvectored",
		.lname = "Non-vectored",
		.type = FIO_OPT_INT,
		.off1 = offsetof(struct ub_options, nonvectored),
		.def = "-1",
		.minval = -1,
		.maxval = 1,
		.help = "1: IORING_OP_READ/WRITE; 0: READV/WRITEV with one iovec; -1: 1 if the kernel has READ/WRITE (fio's probe). Not with fixedbufs",
		UB_GROUP,
	},
	UB_INT_OPT("uncached", "Uncached", uncached, "0", 1,
		   "1: RWF_DONTCACHE on buffered reads and writes (drop the pages once written back); not with direct=1 or passthru"),
	UB_BOOL_OPT("nowait", "RWF_NOWAIT", nowait, "0",
		    "RWF_NOWAIT on reads and writes: an I/O that would block fails with EAGAIN; not with passthru"),
	UB_INT_OPT("force_async", "Force async", force_async, "0", 0,
		   "Set IOSQE_ASYNC (punt to an io-wq worker) on every Nth SQE (0: never)"),
	CMDPRIO_OPTIONS(struct ub_options, FIO_OPT_G_IOURING),
	{
		.name = "cmd_type",
		.lname = "Uring cmd type",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, cmd_type),
		.def = "nvme",
		.help = "passthru=1: the uring-cmd type (fio io_uring_cmd); only nvme",
		UB_GROUP,
		.posval = {
			{ .ival = "nvme", .oval = UB_CMD_NVME, .help = "NVMe commands (NVME_URING_CMD_IO)" },
		},
	},
	UB_BOOL_OPT("readfua", "Read fua flag support", readfua, "0",
		    "passthru=1: set FUA (force unit access) on every NVMe Read"),
	UB_BOOL_OPT("writefua", "Write fua flag support", writefua, "0",
		    "passthru=1: set FUA (force unit access) on every NVMe Write"),
	{
		.name = "write_mode",
		.lname = "Additional Write commands support (Write Uncorrectable, Write Zeroes)",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, write_mode),
		.def = "write",
		.help = "passthru=1: the NVMe command for writes; only write (fio io_uring_cmd also has uncor, zeroes, verify: refused here)",
		UB_GROUP,
		.posval = {
			{ .ival = "write", .oval = UB_WMODE_WRITE, .help = "NVMe Write" },
			{ .ival = "uncor", .oval = UB_WMODE_UNCOR, .help = "Write Uncorrectable: refused (not implemented)" },
			{ .ival = "zeroes", .oval = UB_WMODE_ZEROES, .help = "Write Zeroes: refused (not implemented)" },
			{ .ival = "verify", .oval = UB_WMODE_VERIFY, .help = "Verify: refused (not implemented)" },
		},
	},
	{
		.name = "verify_mode",
		.lname = "Do verify based on the configured command (e.g., Read or Compare command)",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, verify_mode),
		.def = "read",
		.help = "passthru=1: the NVMe command of fio's verify phase; only read (compare is refused)",
		UB_GROUP,
		.posval = {
			{ .ival = "read", .oval = UB_VMODE_READ, .help = "NVMe Read, compared by fio" },
			{ .ival = "compare", .oval = UB_VMODE_COMPARE, .help = "NVMe Compare: refused (not implemented)" },
		},
	},
	UB_BOOL_OPT("deac", "Deallocate bit for write zeroes command", deac, "0",
		    "passthru=1, write_mode=zeroes: DEAC flag; refused (write_mode=zeroes is not implemented)"),
	UB_INT_OPT("md_per_io_size", "Separate Metadata Buffer Size per I/O", md_per_io_size, "0", 0,
		   "Separate metadata buffer per I/O; only 0 (metadata and protection information are not implemented)"),
	UB_BOOL_OPT("pi_act", "Protection Information Action", pi_act, "1",
		    "NVMe PRACT bit; only the default 1 (protection information is not implemented)"),
	{
		.name = "pi_chk",
		.lname = "Protection Information Check",
		.type = FIO_OPT_STR_STORE,
		.off1 = offsetof(struct ub_options, pi_chk),
		.help = "GUARD,REFTAG,APPTAG checking; refused (protection information is not implemented)",
		UB_GROUP,
	},
	UB_INT_OPT("apptag", "Application Tag used in Protection Information", apptag, "0x1234", 0xffff,
		   "PI application tag; only the default 0x1234 (protection information is not implemented)"),
	UB_INT_OPT("apptag_mask", "Application Tag Mask", apptag_mask, "0xffff", 0xffff,
		   "PI application tag mask; only the default 0xffff (protection information is not implemented)"),
	{
		.name = "defer_taskrun",
		.lname = "Defer task run",
		.type = FIO_OPT_STR,
		.off1 = offsetof(struct ub_options, defer_taskrun),
		.def = "auto",
		.help = "IORING_SETUP_DEFER_TASKRUN|SINGLE_ISSUER: completions run only when the job reaps",
		UB_GROUP,
		.posval = {
			{ .ival = "auto", .oval = UB_DEFER_AUTO,
			  .help = "on, except with sqthread_poll (which the kernel cannot combine with it)" },
			{ .ival = "0", .oval = UB_DEFER_OFF, .help = "off" },
			{ .ival = "1", .oval = UB_DEFER_ON, .help = "on; an error with sqthread_poll" },
		},
	},
	UB_FLAG_OPT("restrict", "Restricted ring", restrict_ring,
		    "Allow only this job's opcodes and fixed files (IORING_REGISTER_RESTRICTIONS)"),
	UB_FLAG_OPT("bpf_filter", "io_uring BPF filter", bpf_filter,
		    "Install a classic-BPF opcode filter (IORING_REGISTER_BPF_FILTER, Linux 7.x)"),
	UB_FLAG_OPT("passthru", "NVMe passthrough", passthru,
		    "NVMe commands through IORING_OP_URING_CMD on /dev/ngXnY (fio's io_uring_cmd with cmd_type=nvme)"),
	UB_FLAG_OPT("bpf_chain", "BPF-chained reads", bpf_chain,
		    "Run each lookup's dependent read chain in the io_uring BPF loop (Linux 7.x); needs chain_len"),
	UB_INT_OPT("chain_len", "Reads per lookup", chain_len, "0", 4096,
		   "With a chain file: dependent reads per fio I/O, 0-4096 (0: plain I/O, no chain)"),
	{
		.name = "bpf_chain_obj",
		.lname = "BPF chain object",
		.type = FIO_OPT_STR_STORE,
		.off1 = offsetof(struct ub_options, bpf_chain_obj),
		.help = "bpf_chain=1: load the loop program from this BPF object file instead of the engine's built-in one",
		UB_GROUP,
	},
	{
		.name = "report",
		.lname = "Engine report file",
		.type = FIO_OPT_STR_STORE,
		.off1 = offsetof(struct ub_options, report),
		.help = "Append this job's outcome (ran/refused/failed with a stable code), ring flags and counters to this file as one JSON line",
		.category = FIO_OPT_C_ENGINE,
		.group = FIO_OPT_G_IOURING,
	},
	UB_BOOL_OPT("host_identity", "Host identity in the job description", host_identity, "0",
		    "Put this host's kernel, CPU model and the first file's device into the job's description (JSON \"desc\"), so fio --client results say which machine ran them"),
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

/*
 * The on/off options: fio's maxval refuses 2 and up; a negative value gets
 * past it (fio splits "-1" at the '-' and checks no minimum of 0).
 */
static const struct { const char *name; size_t off; } ub_flags[] = {
#define F(n, f) { n, offsetof(struct ub_options, f) }
	F("hipri", hipri), F("hybrid_iopoll", hybrid_iopoll), F("sqthread_poll", sqthread_poll),
	F("sqpoll_shared", sqpoll_shared), F("fixedbufs", fixedbufs),
	F("registerfiles", registerfiles), F("register_ring_fd", register_ring_fd),
	F("restrict", restrict_ring), F("bpf_filter", bpf_filter), F("passthru", passthru),
	F("bpf_chain", bpf_chain), F("nowait", nowait), F("readfua", readfua),
	F("writefua", writefua), F("deac", deac), F("pi_act", pi_act),
#undef F
};

static int check_flags(struct thread_data *td, struct ub_options *o)
{
	size_t i;

	for (i = 0; i < sizeof(ub_flags) / sizeof(ub_flags[0]); i++) {
		int v = *(int *)((char *)o + ub_flags[i].off);

		if (v != 0 && v != 1) {
			ub_err(td, "%s=%d: an on/off option; use %s (or %s=1) to turn it on, "
			       "%s=0 to leave it off", ub_flags[i].name, v, ub_flags[i].name,
			       ub_flags[i].name, ub_flags[i].name);
			return 1;
		}
	}
	return 0;
}

/* Integers fio lets through below zero (its minval 0 is "no minimum"). */
static int check_ranges(struct thread_data *td, struct ub_options *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int i;

	if (o->sqthread_poll_cpu_set && o->sqthread_poll_cpu < 0) {
		ub_err(td, "sqthread_poll_cpu=%d: out of range; a CPU number is 0 to %ld on this "
		       "machine (leave the option out for an unbound SQ thread)",
		       o->sqthread_poll_cpu, ncpu - 1);
		return 1;
	}
	if (o->sqpoll_idle < 0) {
		ub_err(td, "sqpoll_idle=%d: out of range; give milliseconds, 0 or more "
		       "(0: the kernel default of 1000)", o->sqpoll_idle);
		return 1;
	}
	if (o->sqpoll_spin_us < 0) {
		ub_err(td, "sqpoll_spin_us=%d: out of range; give 0 (never spin) to %d microseconds",
		       o->sqpoll_spin_us, UB_SPIN_US_MAX);
		return 1;
	}
	if (o->uncached < 0) {
		ub_err(td, "uncached=%d: out of range; use uncached=1 or uncached=0", o->uncached);
		return 1;
	}
	if (o->force_async < 0) {
		ub_err(td, "force_async=%d: out of range; use 0 (never) or N>=1 (every Nth SQE)",
		       o->force_async);
		return 1;
	}
	if (o->chain_len < 0) {
		ub_err(td, "chain_len=%d: out of range; use 0 (no chain) to 4096", o->chain_len);
		return 1;
	}
	if (o->md_per_io_size < 0) {
		ub_err(td, "md_per_io_size=%d: out of range; a size is 0 or more", o->md_per_io_size);
		return 1;
	}
	if (o->apptag < 0 || o->apptag_mask < 0) {
		ub_err(td, "%s=%d: out of range; use 0 to 0xffff", o->apptag < 0 ? "apptag" :
		       "apptag_mask", o->apptag < 0 ? o->apptag : o->apptag_mask);
		return 1;
	}
	for (i = 0; i < CMDPRIO_RWDIR_CNT; i++) {
		const char *dir = i == DDIR_READ ? "reads" : "writes";

		if ((int)o->cmdprio_options.percentage[i] < 0) {
			ub_err(td, "cmdprio_percentage=%d (%s): out of range; use 0 to 100",
			       (int)o->cmdprio_options.percentage[i], dir);
			return 1;
		}
		if ((int)o->cmdprio_options.level[i] < 0) {
			ub_err(td, "cmdprio=%d (%s): out of range; use 0 (highest) to %d",
			       (int)o->cmdprio_options.level[i], dir, IOPRIO_MAX_PRIO);
			return 1;
		}
		if ((int)o->cmdprio_options.hint[i] < 0) {
			ub_err(td, "cmdprio_hint=%d (%s): out of range; use 0 to %d",
			       (int)o->cmdprio_options.hint[i], dir, IOPRIO_MAX_PRIO_HINT);
			return 1;
		}
	}
	return 0;
}

static bool cmdprio_used(const struct cmdprio_options *c)
{
	return c->percentage[0] || c->percentage[1] || (c->bssplit_str && *c->bssplit_str);
}

static bool cmdprio_tuned(const struct cmdprio_options *c)
{
	return c->class[0] || c->class[1] || c->level[0] || c->level[1] ||
	       c->hint[0] || c->hint[1];
}

/*
 * fio's io_uring_cmd options (cmd_type=nvme).  readfua/writefua work with
 * passthru=1; the others would need NVMe commands or metadata buffers the
 * engine does not build, so anything but their defaults is refused here,
 * with or without passthru=1, instead of being ignored.
 */
static int check_nvme_cmd_options(struct thread_data *td, struct ub_options *o)
{
	const char *what = NULL;
	char val[64];

	if (!o->passthru && (o->readfua || o->writefua)) {
		ub_err(td, "%s=1 sets FUA on NVMe commands, so it needs passthru=1 (on an NVMe "
		       "device); drop it for file or block I/O", o->readfua ? "readfua" : "writefua");
		return 1;
	}
	if (o->write_mode != UB_WMODE_WRITE) {
		snprintf(val, sizeof(val), "write_mode=%s", o->write_mode == UB_WMODE_UNCOR ?
			 "uncor" : o->write_mode == UB_WMODE_ZEROES ? "zeroes" : "verify");
		what = "uringbpf's passthrough sends NVMe Write only";
	} else if (o->deac) {
		snprintf(val, sizeof(val), "deac=1");
		what = "it is for write_mode=zeroes, which uringbpf does not implement";
	} else if (o->verify_mode != UB_VMODE_READ) {
		snprintf(val, sizeof(val), "verify_mode=compare");
		what = "uringbpf's passthrough verifies with NVMe Read (fio compares the data)";
	} else if (o->md_per_io_size) {
		snprintf(val, sizeof(val), "md_per_io_size=%d", o->md_per_io_size);
		what = "uringbpf does not implement metadata buffers";
	} else if (!o->pi_act) {
		snprintf(val, sizeof(val), "pi_act=0");
	} else if (o->pi_chk && *o->pi_chk) {
		snprintf(val, sizeof(val), "pi_chk=%.50s", o->pi_chk);
	} else if (o->apptag != UB_APPTAG_DEF) {
		snprintf(val, sizeof(val), "apptag=0x%x", o->apptag);
	} else if (o->apptag_mask != UB_APPTAG_MASK_DEF) {
		snprintf(val, sizeof(val), "apptag_mask=0x%x", o->apptag_mask);
	} else {
		return 0;
	}
	ub_err(td, "%s: %s; use ioengine=io_uring_cmd for it", val,
	       what ? what : "uringbpf does not implement NVMe protection information");
	return 1;
}

/* Options that change nothing without another one: refused, never ignored. */
static int check_dependencies(struct thread_data *td, struct ub_options *o)
{
	if (o->sqpoll_idle && !o->sqthread_poll) {
		ub_err(td, "sqpoll_idle=%d needs sqthread_poll=1 (it is the SQ thread's idle time)",
		       o->sqpoll_idle);
		return 1;
	}
	if (o->sqpoll_spin_us != UB_SPIN_US_DEF && !o->sqthread_poll) {
		ub_err(td, "sqpoll_spin_us=%d needs sqthread_poll=1 (without SQPOLL the job "
		       "waits in io_uring_enter and never spins)", o->sqpoll_spin_us);
		return 1;
	}
	if (o->bpf_chain_obj && *o->bpf_chain_obj && !o->bpf_chain) {
		ub_err(td, "bpf_chain_obj=%s needs bpf_chain=1 (without it no BPF program is "
		       "loaded); add bpf_chain=1 chain_len=N or drop bpf_chain_obj",
		       o->bpf_chain_obj);
		return 1;
	}
	if (o->nonvectored == 0 && o->fixedbufs) {
		ub_err(td, "nonvectored=0 cannot be combined with fixedbufs=1 (registered "
		       "buffers are always READ_FIXED/WRITE_FIXED); drop one of them");
		return 1;
	}
	if (o->uncached && td->o.odirect) {
		ub_err(td, "uncached=%d has no effect with direct=1 (O_DIRECT bypasses the page "
		       "cache already); drop one of them", o->uncached);
		return 1;
	}
	if (o->force_async && (o->restrict_ring || o->bpf_filter)) {
		ub_err(td, "force_async=%d sets IOSQE_ASYNC, which %s does not allow (it permits "
		       "the FIXED_FILE flag only); drop one of them", o->force_async,
		       o->restrict_ring ? "restrict=1" : "bpf_filter=1");
		return 1;
	}
	if (cmdprio_tuned(&o->cmdprio_options) && !cmdprio_used(&o->cmdprio_options)) {
		ub_err(td, "cmdprio_class, cmdprio and cmdprio_hint choose the priority of the "
		       "I/Os that cmdprio_percentage or cmdprio_bssplit pick; set one of those");
		return 1;
	}
	if (o->passthru) {
		const char *what = o->uncached ? "uncached" : o->nowait ? "nowait" :
			o->nonvectored == 0 ? "nonvectored=0" :
			cmdprio_used(&o->cmdprio_options) ? "cmdprio_percentage/cmdprio_bssplit" : NULL;

		if (what) {
			ub_err(td, "%s cannot be used with passthru=1: NVMe commands take no RWF "
			       "flags, one buffer each and no I/O priority; drop it", what);
			return 1;
		}
	}
	if (o->chain_len) {
		const char *what = o->uncached ? "uncached" : o->nowait ? "nowait" :
			o->force_async ? "force_async" :
			cmdprio_used(&o->cmdprio_options) ? "cmdprio_percentage/cmdprio_bssplit" : NULL;

		if (what) {
			ub_err(td, "%s cannot be used with chain_len=%d: chained reads are prepared "
			       "by the chain code, which does not apply it", what, o->chain_len);
			return 1;
		}
	}
	return check_nvme_cmd_options(td, o);
}

int ub_options_check(struct thread_data *td, struct ub_options *o)
{
	return check_flags(td, o) || check_ranges(td, o) || check_dependencies(td, o);
}

/*
 * uncached=1 on a file system without RWF_DONTCACHE (tmpfs; kernels before
 * 6.14) fails every I/O with EOPNOTSUPP, and fio's engine finds out at the
 * first one.  The kernel checks the flag before it looks at the offset, so
 * a one-byte read tells at open time, even of an empty file.  A read of our
 * own (fio may hold the file write-only), so it cannot disturb fio's fd.
 */
int ub_options_check_file(struct thread_data *td, struct ub_options *o, struct fio_file *f)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	int fd, ret;

	if (!o->uncached || td->o.odirect)
		return 0;
	fd = open(f->file_name, O_RDONLY);
	if (fd < 0)
		return 0;	/* nothing to learn here: the job's own I/O will say */
	ret = preadv2(fd, &iov, 1, 0, RWF_DONTCACHE);
	close(fd);
	if (ret < 0 && errno == EOPNOTSUPP) {
		ub_err(td, "uncached=%d: %s is on a file system without RWF_DONTCACHE (it needs "
		       "Linux 6.14 and e.g. ext4, xfs or btrfs; not tmpfs); use uncached=0",
		       o->uncached, f->file_name);
		td_verror(td, EOPNOTSUPP, "uncached");
		return 1;
	}
	return 0;
}

/*
 * fio's nonvectored=-1: READ/WRITE when the kernel has them, else
 * READV/WRITEV.  Asked of the job's own ring, as fio's engine does: a
 * probe ring of its own would be one more ring than the job asked for.
 */
void ub_options_probe_ring(struct ub_options *o, struct io_uring *ring)
{
	struct io_uring_probe *p;

	if (o->nonvectored >= 0)
		return;
	o->nonvectored = 0;
	p = io_uring_get_probe_ring(ring);
	if (p) {
		o->nonvectored = io_uring_opcode_supported(p, IORING_OP_READ) &&
				 io_uring_opcode_supported(p, IORING_OP_WRITE);
		io_uring_free_probe(p);
	}
}

int ub_options_setup(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	if (o->nowait)
		ud->rw_flags |= RWF_NOWAIT;
	/* As fio's engine: RWF_DONTCACHE is for the page cache, so buffered I/O only. */
	if (o->uncached && !td->o.odirect)
		ud->rw_flags |= RWF_DONTCACHE;
	ud->force_async = o->force_async;
	if (fio_cmdprio_init(td, &ud->cmdprio, &o->cmdprio_options)) {
		td_verror(td, EINVAL, "fio_cmdprio_init");
		return 1;
	}
	return 0;
}

void ub_options_cleanup(struct ub_data *ud)
{
	fio_cmdprio_cleanup(&ud->cmdprio);
}
