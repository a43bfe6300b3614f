// SPDX-License-Identifier: GPL-2.0
/*
 * The dependent-read chain workload (chain_len=N).
 *
 * One fio I/O is one lookup: chain_len reads of bs bytes, the first at the
 * io_u's offset, each next one at the block named by the previous block's
 * header (bpf/chain.h; files written by uringbpf-mkchain).  fio counts the
 * lookup as one I/O of bs bytes, and the io_u's buffer ends up holding the
 * lookup's final block; the per-read counts are printed at job end.
 *
 * bpf_chain=0: the chain runs here, in user space: a completed read is
 * parsed, the next read queued, and submitted with the next wait (one
 * io_uring_enter per step, iodepth lookups in flight).
 * bpf_chain=1: the chain runs in the io_uring BPF loop (bpf/chain.bpf.c);
 * this file only starts lookups and collects finished ones through the
 * registered memory region, and calls io_uring_enter to run the loop.
 *
 * chain_op=nop: each step is an IORING_OP_NOP instead of a read, issued in
 * the same way (after the previous step's CQE, by the loop that runs the
 * chain), so the loop's own cost per request is measured without a read's.
 * chain_link=K (user space only) submits a lookup's NOPs as IOSQE_IO_LINK
 * links of K, each link after the previous link's CQEs: the kernel orders
 * the steps inside a link, user space between links.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "ioengine/bpf_chain.h"
#include "ioengine/bpf_loader.h"
#include "ioengine/submit.h"
#include "bpf/chain.h"

struct ub_chain_lookup {
	__u64 start;		/* first block */
	__u64 block;		/* block of the read in flight (user-space path) */
	__u64 file_blocks;	/* whole blocks in the io_u's file: next must stay below */
	unsigned int left;	/* reads still to issue (user-space path) */
	unsigned int inflight;	/* chain_op=nop, user space: NOPs submitted, CQE not yet seen */
	int err;		/* chain_op=nop, user space: the first failed NOP's -errno */
	bool busy;		/* queued, not yet handed back to fio */
};

struct ub_chain {
	bool bpf;		/* bpf_chain=1 */
	bool op_nop;		/* chain_op=nop */
	unsigned int link;	/* chain_link (chain_op=nop, user space): NOPs per link, 0: none */
	unsigned int len;	/* chain_len */
	unsigned int bs;
	unsigned int depth;
	struct ub_chain_lookup *lk;	/* by io_u->index */
	struct io_u **pending;		/* queued since the last submission */
	unsigned int nr_pending;
	unsigned int outstanding;	/* lookups queued, not yet handed back to fio */
	unsigned int unsubmitted;	/* user-space path: SQEs not yet submitted */

	/* bpf_chain=1 */
	struct ub_bpf_loop *loop;
	struct ub_chain_shared *sh;	/* the registered region */
	size_t region_size;

	/* what the job-end line reports */
	unsigned long long lookups, failed, reads, enters;
	unsigned long long cqes;	/* chain_op=nop, user space: NOP completions seen */
	__u64 digest;
	struct rusage ru0;
	bool ru0_valid;
	bool reported_bad;
	char err[1024];		/* per job: jobs may be threads of one process */
};

static void log_libbpf_line(const char *line, void *arg)
{
	log_err("uringbpf: %s\n", line);
}

/* chain_op=nop with chain_len>0: the combinations a NOP chain cannot make sense of. */
static int ub_chain_nop_refused(struct thread_data *td, const struct ub_options *o)
{
	if (o->passthru) {
		ub_err(td, "chain_op=nop issues IORING_OP_NOP, not NVMe commands: passthru=1 "
		       "does not apply to it; drop passthru=1");
		return 1;
	}
	if (o->restrict_ring || o->bpf_filter) {
		const char *opt = o->restrict_ring ? "restrict=1" : "bpf_filter=1";

		ub_err(td, "chain_op=nop issues IORING_OP_NOP, which %s does not allow (it allows "
		       "the job's read opcodes only); drop %s", opt, opt);
		return 1;
	}
	if (o->chain_link && o->bpf_chain) {
		ub_err(td, "chain_link=%u links NOPs in the user-space loop (bpf_chain=0); with "
		       "bpf_chain=1 the BPF loop issues every NOP itself: use one or the other",
		       o->chain_link);
		return 1;
	}
	if (o->chain_link > o->chain_len) {
		ub_err(td, "chain_link=%u is longer than the chain (chain_len=%u): use "
		       "chain_link<=%u", o->chain_link, o->chain_len, o->chain_len);
		return 1;
	}
	if (o->chain_link && (unsigned long long)td->o.iodepth * o->chain_link > UB_RING_MAX_ENTRIES) {
		ub_err(td, "chain_link=%u at iodepth=%u needs a ring of %llu entries (every lookup "
		       "queues a whole link), more than %u; lower iodepth or chain_link",
		       o->chain_link, td->o.iodepth,
		       (unsigned long long)td->o.iodepth * o->chain_link, UB_RING_MAX_ENTRIES);
		return 1;
	}
	return 0;
}

int ub_chain_init(struct thread_data *td, struct ub_data *ud)
{
	struct ub_options *o = td->eo;
	struct ub_chain *ch;
	unsigned int bs = td->o.min_bs[DDIR_READ];
	int ret;

	bool op_nop = o->chain_op == UB_CHAIN_OP_NOP;

	if (!o->chain_len) {
		if (o->bpf_chain) {
			ub_err(td, "bpf_chain=1 needs chain_len=N (N>=1 dependent reads per lookup) "
			       "and a file written by uringbpf-mkchain");
			return 1;
		}
		if (op_nop) {
			ub_err(td, "chain_op=nop needs chain_len=N (N>=1 NOPs per fio I/O)");
			return 1;
		}
		if (o->chain_link) {
			ub_err(td, "chain_link=%u is for chain_op=nop with chain_len=N", o->chain_link);
			return 1;
		}
		return 0;
	}
	if (op_nop && ub_chain_nop_refused(td, o))
		return 1;
	if (!op_nop && o->chain_link) {
		ub_err(td, "chain_link=%u links NOPs (chain_op=nop); a read chain cannot be linked "
		       "with IOSQE_IO_LINK, since each read's offset comes from the previous read's "
		       "data: drop chain_link= or use chain_op=nop", o->chain_link);
		return 1;
	}
	if (o->bpf_chain_obj && !o->bpf_chain) {
		ub_err(td, "bpf_chain_obj= is for bpf_chain=1");
		return 1;
	}
	if (td_write(td)) {
		ub_err(td, "chain_len=%u: a lookup is a chain of %s; use rw=read or rw=randread",
		       o->chain_len, op_nop ? "NOPs (nothing is written)" : "reads");
		return 1;
	}
	if (op_nop)
		goto checked;	/* a NOP step uses no block, buffer or file data */
	if (bs != td->o.max_bs[DDIR_READ]) {
		ub_err(td, "chain_len=%u: each read is one chain block: use one bs (the chain "
		       "file's block size, uringbpf-mkchain -b), not a range", o->chain_len);
		return 1;
	}
	if (bs < 64) {
		ub_err(td, "chain_len=%u: bs=%u is smaller than a chain block header; use bs>=64",
		       o->chain_len, bs);
		return 1;
	}
	if (o->fixedbufs) {
		ub_err(td, "chain_len=%u reads with IORING_OP_READ into each io_u's buffer; "
		       "fixedbufs=1 is not supported with it", o->chain_len);
		return 1;
	}
	if (o->passthru) {
		ub_err(td, "chain_len=%u reads through the file system or block layer; "
		       "passthru=1 is not supported with it", o->chain_len);
		return 1;
	}
	if (o->bpf_chain && td->o.iodepth > UB_CHAIN_MAX_SLOTS) {
		ub_err(td, "bpf_chain=1 keeps at most %u lookups in flight; use iodepth<=%u",
		       UB_CHAIN_MAX_SLOTS, UB_CHAIN_MAX_SLOTS);
		return 1;
	}
	/* Before anything is mapped: the verifier would refuse the program later. */
	if (o->bpf_chain && td->o.iodepth > ub_chain_max_depth(bs)) {
		unsigned int slots = ub_chain_slots(td->o.iodepth), max = ub_chain_max_depth(bs);

		char fix[96];

		if (max)
			snprintf(fix, sizeof(fix), "use iodepth<=%u at bs=%u, or a smaller bs", max, bs);
		else
			snprintf(fix, sizeof(fix), "use a smaller bs");
		ub_err(td, "bpf_chain=1: iodepth=%u x bs=%u needs %u slot buffers (iodepth rounded up "
		       "to a power of 2), the last at %llu MiB into the chain's region, and the BPF "
		       "verifier lets the program address less than %llu MiB; %s", td->o.iodepth, bs,
		       slots, (unsigned long long)ub_chain_last_slot_off(slots, bs) >> 20,
		       UB_CHAIN_MAX_VAR_OFF >> 20, fix);
		return 1;
	}

checked:
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return 1;
	ud->chain = ch;
	ch->bpf = o->bpf_chain;
	ch->op_nop = op_nop;
	ch->link = o->chain_link;
	ch->len = o->chain_len;
	ch->bs = bs;
	ch->depth = td->o.iodepth;
	ch->lk = calloc(ch->depth, sizeof(*ch->lk));
	ch->pending = calloc(ch->depth, sizeof(*ch->pending));
	if (!ch->lk || !ch->pending)
		return 1;
	/* Each lookup queues a whole link at once: the SQ and CQ must hold them all. */
	if (ch->link)
		ud->cfg.entries = ch->depth * ch->link;
	if (!ch->bpf)
		return 0;

	/* Parse the object first: a broken object is reported on any kernel. */
	ret = ub_bpf_loop_open(&ch->loop, o->bpf_chain_obj, ch->err, sizeof(ch->err));
	if (!ret)
		ret = ub_bpf_loop_probe(ch->err, sizeof(ch->err));
	if (ret) {
		ub_err(td, "%s", ch->err);
		ub_bpf_loop_log(log_libbpf_line, NULL);
		return 1;
	}
	return 0;
}

/*
 * The registered region: shared header, then one block buffer per slot.
 * Registered before the ring is restricted (restrict=1 allows no register
 * opcode but ENABLE_RINGS once the allowlist is in) and before the program
 * is attached.
 */
int ub_chain_register_region(struct thread_data *td, struct ub_data *ud)
{
	struct ub_chain *ch = ud->chain;
	struct io_uring *ring = &ud->ring;
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	unsigned int slots;
	size_t page = 4096;
	void *mem;
	int ret;

	if (!ch || !ch->bpf || ch->sh)
		return 0;
	slots = ub_chain_slots(ch->depth);
	if (ring->flags & (IORING_SETUP_SQE128 | IORING_SETUP_CQE32)) {
		ub_err(td, "bpf_chain=1: the loop program writes 64-byte SQEs; this ring has "
		       "SQE128/CQE32");
		return 1;
	}
	if (ring->sq.ring_ptr != ring->cq.ring_ptr) {
		ub_err(td, "bpf_chain=1: the kernel maps the SQ and CQ rings apart "
		       "(no IORING_FEAT_SINGLE_MMAP); the io_uring BPF loop needs a newer kernel");
		return 1;
	}
	/*
	 * The program writes SQE n at SQ index n: with an SQ index array the
	 * kernel would read the array (which it never fills) instead.
	 */
	if (!(ring->flags & IORING_SETUP_NO_SQARRAY)) {
		ub_err(td, "bpf_chain=1: the ring has an SQ index array (no IORING_SETUP_NO_SQARRAY), "
		       "and the loop program writes SQEs in SQ order only; the io_uring BPF loop "
		       "needs a kernel and liburing with NO_SQARRAY (Linux 6.6+, liburing 2.5+)");
		return 1;
	}
	ch->region_size = (UB_CHAIN_DATA_OFF + (size_t)slots * ch->bs + page - 1) & ~(page - 1);
	mem = mmap(NULL, ch->region_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		ub_err(td, "bpf_chain=1: cannot map %zu bytes for the chain region: %s",
		       ch->region_size, strerror(errno));
		return 1;
	}
	ch->sh = mem;
	ch->sh->version = UB_CHAIN_VERSION;

	memset(&rd, 0, sizeof(rd));
	memset(&mr, 0, sizeof(mr));
	rd.user_addr = (uintptr_t)mem;
	rd.size = ch->region_size;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	mr.region_uptr = (uintptr_t)&rd;
	ret = io_uring_register_region(ring, &mr);
	if (ret < 0) {
		ub_err(td, "bpf_chain=1: the kernel refused to register the chain's memory region "
		       "(IORING_REGISTER_MEM_REGION, %zu bytes): %s", ch->region_size,
		       strerror(-ret));
		td_verror(td, -ret, "io_uring_register_region");
		return 1;
	}
	return 0;
}

/* Load the program with the region's and the ring's layout, and attach it. */
static int loop_attach(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch)
{
	struct io_uring *ring = &ud->ring;
	struct ub_chain_cfg cfg;
	unsigned int slots = ub_chain_slots(ch->depth);
	void *mem = ch->sh;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	cfg.region_uaddr = (uintptr_t)mem;
	cfg.region_size = ch->region_size;
	cfg.bsize = ch->bs;
	cfg.slot_mask = slots - 1;
	cfg.sq_entries = ring->sq.ring_entries;
	cfg.cq_entries = ring->cq.ring_entries;
	cfg.sq_tail_off = (char *)ring->sq.ktail - (char *)ring->sq.ring_ptr;
	cfg.cq_head_off = (char *)ring->cq.khead - (char *)ring->cq.ring_ptr;
	cfg.cq_tail_off = (char *)ring->cq.ktail - (char *)ring->cq.ring_ptr;
	cfg.cqes_off = (char *)ring->cq.cqes - (char *)ring->cq.ring_ptr;
	cfg.op = ch->op_nop ? UB_CHAIN_OP_NOP : UB_CHAIN_OP_READ;

	ret = ub_bpf_loop_attach(ch->loop, ring->ring_fd, &cfg, ch->err, sizeof(ch->err));
	if (ret) {
		ub_err(td, "%s", ch->err);
		ub_bpf_loop_log(log_libbpf_line, NULL);
		td_verror(td, -ret, "bpf_chain attach");
		return 1;
	}
	ub_info(td, "bpf_chain=1: io_uring BPF loop attached (chain_op=%s, chain_len=%u, bs=%u, "
		"%u slots, region %zu KiB)", ch->op_nop ? "nop" : "read", ch->len, ch->bs, slots,
		ch->region_size >> 10);
	return 0;
}

int ub_chain_post_init(struct thread_data *td, struct ub_data *ud)
{
	struct ub_chain *ch = ud->chain;

	if (!ch)
		return 0;
	if (ch->bpf && (ub_chain_register_region(td, ud) || loop_attach(td, ud, ch)))
		return 1;
	if (!ch->bpf && ch->op_nop)
		ub_info(td, "chain_op=nop, chain_len=%u: each lookup's NOPs are chained in user "
			"space (bpf_chain=0)%s", ch->len,
			ch->link ? ", as IOSQE_IO_LINK links" : "");
	else if (!ch->bpf)
		ub_info(td, "chain_len=%u, bs=%u: each lookup's reads are chained in user space "
			"(bpf_chain=0)", ch->len, ch->bs);
	ch->ru0_valid = !getrusage(RUSAGE_THREAD, &ch->ru0);
	return 0;
}

/* ---- shared by both paths ---- */

static const char *bad_reason(int bad)
{
	switch (bad) {
	case UB_CHAIN_BAD_MAGIC: return "it has no chain header (wrong magic)";
	case UB_CHAIN_BAD_CHECK: return "its header is damaged (checksum)";
	case UB_CHAIN_BAD_SELF: return "it holds the header of another block";
	case UB_CHAIN_BAD_SIZE: return "it was written for another block size";
	case UB_CHAIN_BAD_NEXT: return "it points past the end of the chain";
	case UB_CHAIN_BAD_RANGE: return "its next pointer is out of range";
	}
	return "its header is wrong";
}

/* blk: the refused block as read (its next pointer is named when out of range). */
static void report_bad(struct thread_data *td, struct ub_chain *ch, struct io_u *io_u,
		       __u64 block, int bad, const struct ub_chain_block *blk)
{
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];

	if (ch->reported_bad)
		return;
	ch->reported_bad = true;
	if (bad == UB_CHAIN_BAD_RANGE)
		ub_err(td, "chain: block %llu (offset %llu) of %s points to block %llu, past the end "
		       "of the file (%llu blocks of %u bytes): its next pointer is out of range; "
		       "write the file with uringbpf-mkchain -b %u FILE SIZE and read it with bs=%u",
		       (unsigned long long)block, (unsigned long long)block * ch->bs,
		       io_u->file->file_name, (unsigned long long)blk->next,
		       (unsigned long long)lk->file_blocks, ch->bs, ch->bs, ch->bs);
	else
		ub_err(td, "chain: block %llu (offset %llu) of %s is not a valid chain block: %s; "
		       "write the file with uringbpf-mkchain -b %u FILE SIZE and read it with bs=%u",
		       (unsigned long long)block, (unsigned long long)block * ch->bs,
		       io_u->file->file_name, bad_reason(bad), ch->bs, ch->bs);
}

/*
 * A lookup ends: res is 0 (the last read completed), a read's -errno, or
 * -EBADMSG with bad saying which check block failed; blk is that block as
 * read.
 */
static void lookup_done(struct thread_data *td, struct ub_chain *ch, struct io_u *io_u,
			int res, __u64 block, int bad, const struct ub_chain_block *blk)
{
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];

	if (!res && !ch->op_nop) {
		blk = io_u->xfer_buf;
		bad = ub_chain_block_verify(blk, block, ch->bs, lk->file_blocks);
		if (bad)
			res = -EBADMSG;
	}
	lk->busy = false;
	if (res == -EBADMSG && bad)
		report_bad(td, ch, io_u, block, bad, blk);
	else if (res == -EIO && !ch->op_nop && !ch->reported_bad) {
		ch->reported_bad = true;
		ub_err(td, "chain: short read of block %llu of %s: the file is shorter than "
		       "the chain (size= beyond the file written by uringbpf-mkchain?)",
		       (unsigned long long)block, io_u->file->file_name);
	}
	if (res) {
		io_u->error = -res;
		ch->failed++;
	} else {
		io_u->error = 0;
		ch->lookups++;
		if (!ch->op_nop)
			ch->digest ^= ub_chain_digest_term(lk->start, block);
	}
	ch->outstanding--;
}

/* ---- bpf_chain=0: the chain in user space ---- */

static void user_queue_read(struct ub_data *ud, struct ub_chain *ch, struct io_u *io_u)
{
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];
	struct fio_file *f = io_u->file;
	struct io_uring_sqe *sqe;

	/*
	 * Each lookup holds at most one SQE and the SQ holds iodepth, but with
	 * SQPOLL the kernel thread moves the SQ head only after its whole batch,
	 * so a completion can be seen before its SQE slot is given back.
	 */
	while (!(sqe = io_uring_get_sqe(&ud->ring))) {
		io_uring_sqring_wait(&ud->ring);
		ch->enters++;
	}
	io_uring_prep_read(sqe, ud->files_registered ? (int)f->engine_pos : f->fd,
			   io_u->xfer_buf, ch->bs, lk->block * ch->bs);
	if (ud->files_registered)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data(sqe, io_u);
	lk->left--;
	ch->unsubmitted++;
	ch->reads++;
}

/*
 * chain_op=nop: queue the lookup's next step, one NOP, or with chain_link=K
 * the next link of up to K NOPs (IOSQE_IO_LINK on all but its last).  The
 * ring holds iodepth x K entries (ub_chain_init), so a whole link fits.
 */
static void user_queue_nops(struct ub_data *ud, struct ub_chain *ch, struct io_u *io_u)
{
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];
	unsigned int n = 1, i;

	if (ch->link)
		n = lk->left < ch->link ? lk->left : ch->link;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe;

		/* As in user_queue_read: only SQPOLL can hold SQ slots past a completion. */
		while (!(sqe = io_uring_get_sqe(&ud->ring))) {
			io_uring_sqring_wait(&ud->ring);
			ch->enters++;
		}
		io_uring_prep_nop(sqe);
		if (i + 1 < n)
			sqe->flags |= IOSQE_IO_LINK;
		io_uring_sqe_set_data(sqe, io_u);
	}
	lk->left -= n;
	lk->inflight += n;
	ch->unsubmitted += n;
	ch->reads += n;
}

/*
 * chain_op=nop: one NOP's CQE.  The lookup's next step (or link) is queued
 * once all its NOPs in flight completed; the lookup ends when none is left
 * or one failed.  Returns false, consuming nothing, when the CQE would end a
 * lookup and fio has no room for another event.
 */
static bool user_reap_nop(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
			  struct io_u *io_u, int res, unsigned int *n, unsigned int have,
			  unsigned int max)
{
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];
	bool ends = lk->inflight == 1 && (res < 0 || lk->err || !lk->left);

	if (ends && have + *n == max)
		return false;
	ch->cqes++;
	lk->inflight--;
	if (res < 0 && !lk->err)
		lk->err = res;
	if (lk->inflight)
		return true;
	if (!lk->err && lk->left) {
		user_queue_nops(ud, ch, io_u);
		return true;
	}
	lookup_done(td, ch, io_u, lk->err, lk->block, 0, NULL);
	ud->events[have + (*n)++] = io_u;
	return true;
}

/*
 * Submit the queued steps (and wait for wait_nr CQEs) through the engine's
 * one submit helper (submit.h), as reads and writes are: on a DEFER_TASKRUN
 * or IOPOLL ring every submit also takes in the completions waiting
 * (GETEVENTS), and a refusal is waited out or retried the same way, with the
 * same messages.  ud->inflight counts the chain's SQEs in the kernel
 * (user_reap takes them off); ch->enters the io_uring_enter calls made.
 */
static int user_submit(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
		       unsigned int wait_nr)
{
	bool sqpoll = ud->ring.flags & IORING_SETUP_SQPOLL;
	unsigned long long enters = ud->enter_calls;
	int ret;

	/* The SQ thread takes every SQE in the SQ ring: nothing is refused. */
	if (sqpoll) {
		ud->inflight += ch->unsubmitted;
		ch->unsubmitted = 0;
	}
	ret = ub_enter(td, ud, wait_nr, ud->must_enter);
	ch->enters += ud->enter_calls - enters;
	/* What the kernel left in the SQ (short submit, refusal) goes with the next enter. */
	if (!sqpoll)
		ch->unsubmitted = io_uring_sq_ready(&ud->ring);
	return ret;
}

/*
 * Take completions: an intermediate block is parsed and its successor's
 * read queued (submitted with the next io_uring_enter); a finished lookup
 * goes to ud->events, at most max in all.
 */
static unsigned int user_reap(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
			      unsigned int have, unsigned int max)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0, n = 0;

	io_uring_for_each_cqe(&ud->ring, head, cqe) {
		struct io_u *io_u = io_uring_cqe_get_data(cqe);
		struct ub_chain_lookup *lk = &ch->lk[io_u->index];
		int res = cqe->res, bad = 0;

		if (ch->op_nop) {
			if (!user_reap_nop(td, ud, ch, io_u, res, &n, have, max))
				break;
			seen++;
			continue;
		}
		if (res == (int)ch->bs && lk->left) {
			const struct ub_chain_block *blk = io_u->xfer_buf;

			bad = ub_chain_block_verify(blk, lk->block, ch->bs, lk->file_blocks);
			if (!bad) {
				lk->block = blk->next;
				user_queue_read(ud, ch, io_u);
				seen++;
				continue;
			}
		}
		if (have + n == max)
			break;
		if (res >= 0 && res != (int)ch->bs)
			res = -EIO;
		else if (bad)
			res = -EBADMSG;
		else if (res > 0)
			res = 0;
		lookup_done(td, ch, io_u, res, lk->block, bad, io_u->xfer_buf);
		ud->events[have + n++] = io_u;
		seen++;
	}
	io_uring_cq_advance(&ud->ring, seen);
	ud->inflight -= seen;
	return n;
}

static int user_getevents(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
			  unsigned int min, unsigned int max)
{
	unsigned int n = 0;
	int ret;

	for (;;) {
		n += user_reap(td, ud, ch, n, max);
		if (n >= min)
			break;
		/* Submit the chained reads and wait: one io_uring_enter per step. */
		ret = user_submit(td, ud, ch, 1);
		if (ret)
			return ret;
	}
	if (!min && ch->unsubmitted) {
		ret = user_submit(td, ud, ch, 0);
		if (ret)
			return ret;
	}
	return n;
}

/* ---- bpf_chain=1: the chain in the io_uring BPF loop ---- */

/* Run the loop until want finished lookups wait in done_q (0: one step). */
static int loop_enter(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
		      unsigned int want)
{
	struct io_uring *ring = &ud->ring;
	unsigned int flags = IORING_ENTER_GETEVENTS |
			     (ring->int_flags & IORING_ENTER_REGISTERED_RING);
	int ret;

	ch->sh->want = want;
	do {
		ret = io_uring_enter(ring->enter_ring_fd, 0, 0, flags, NULL);
		ch->enters++;
	} while (ret == -EINTR);
	if (ret < 0) {
		ub_err(td, "bpf_chain=1: io_uring_enter on the ring with the BPF loop failed: %s",
		       strerror(-ret));
		td_verror(td, -ret, "io_uring_enter");
		return ret;
	}
	if (ch->sh->error) {
		ret = ch->sh->error;
		ub_err(td, "bpf_chain=1: the BPF loop stopped: %s%s", strerror(-ret),
		       ret == -EFAULT ? " (it could not map the SQ or CQ region)" :
		       ret == -EDEADLK ? " (asked to wait with nothing in flight)" :
		       " (from bpf_io_uring_submit_sqes)");
		td_verror(td, -ret, "io_uring BPF loop");
		return ret;
	}
	if (!ch->sh->steps) {
		ub_err(td, "bpf_chain=1: io_uring_enter returned but loop_step never ran to its "
		       "end: the program could not get the chain region (%zu bytes) from the ring",
		       ch->region_size);
		td_verror(td, EFAULT, "io_uring BPF loop");
		return -EFAULT;
	}
	return 0;
}

/*
 * Finished lookups from done_q.  Everything in the region is written by the
 * program, so nothing read there indexes engine memory unchecked: a slot
 * past iodepth, or one with no lookup in flight, stops the job.
 */
static int loop_take(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
		     unsigned int have, unsigned int max)
{
	struct ub_chain_shared *sh = ch->sh;
	unsigned int n = 0;
	int slot;

	while (have + n < max && (slot = ub_chain_done_peek(sh, ch->depth)) != -1) {
		struct ub_chain_done *d = &sh->done_q[sh->done_head & (UB_CHAIN_MAX_SLOTS - 1)];
		const struct ub_chain_block *blk;
		struct ub_chain_slot *s;
		struct io_u *io_u;

		if (slot < 0 || !ch->lk[slot].busy) {
			ub_err(td, "bpf_chain=1: the BPF loop handed back %s (done queue %u..%u, "
			       "iodepth %u); stopping the job",
			       slot < 0 ? "a slot that does not exist" : "a lookup that is not in flight",
			       sh->done_head, sh->done_tail, ch->depth);
			td_verror(td, EFAULT, "io_uring BPF loop");
			return -EFAULT;
		}
		s = &sh->slots[slot];
		io_u = ud->io_us[slot];
		/* A refused intermediate block is still in the slot's buffer. */
		blk = (const void *)((const char *)sh + UB_CHAIN_DATA_OFF + (size_t)slot * ch->bs);
		lookup_done(td, ch, io_u, d->res, s->block, d->res == -EBADMSG ? (int)s->bad : 0, blk);
		ud->events[have + n++] = io_u;
		sh->done_head++;
	}
	return n;
}

static int loop_getevents(struct thread_data *td, struct ub_data *ud, struct ub_chain *ch,
			  unsigned int min, unsigned int max)
{
	struct ub_chain_shared *sh = ch->sh;
	int n = loop_take(td, ud, ch, 0, max), ret;

	while (n >= 0 && n < (int)min) {
		ret = loop_enter(td, ud, ch, min - n);
		if (ret)
			return ret;
		ret = loop_take(td, ud, ch, n, max);
		n = ret < 0 ? ret : n + ret;
	}
	if (n >= 0 && !min && sh->start_head != sh->start_tail) {
		ret = loop_enter(td, ud, ch, 0);
		if (ret)
			return ret;
		ret = loop_take(td, ud, ch, n, max);
		n = ret < 0 ? ret : n + ret;
	}
	return n;
}

/* ---- fio's calls ---- */

enum fio_q_status ub_chain_queue(struct thread_data *td, struct io_u *io_u)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_chain *ch = ud->chain;
	struct ub_chain_lookup *lk = &ch->lk[io_u->index];
	struct fio_file *f = io_u->file;

	if (io_u->ddir != DDIR_READ) {
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	if (io_u->offset % ch->bs || io_u->xfer_buflen != ch->bs) {
		if (!ch->reported_bad) {
			ch->reported_bad = true;
			ub_err(td, "chain: an I/O of %llu bytes at offset %llu is not one whole "
			       "block of bs=%u (offset=/blockalign= must keep offsets block-aligned)",
			       (unsigned long long)io_u->xfer_buflen,
			       (unsigned long long)io_u->offset, ch->bs);
		}
		io_u->error = EINVAL;
		return FIO_Q_COMPLETED;
	}
	lk->start = lk->block = io_u->offset / ch->bs;
	lk->left = ch->len;
	lk->inflight = 0;
	lk->err = 0;
	/* Unknown size: still bound next so that next * bs cannot wrap. */
	lk->file_blocks = f->real_file_size ? f->real_file_size / ch->bs : ~0ULL / ch->bs;
	lk->busy = true;
	if (ch->bpf) {
		struct ub_chain_shared *sh = ch->sh;
		struct ub_chain_slot *s = &sh->slots[io_u->index];

		s->block = lk->start;
		s->final_addr = (uintptr_t)io_u->xfer_buf;
		s->left = ch->len;
		s->fd = ud->files_registered ? (int)f->engine_pos : f->fd;
		s->sqe_flags = ud->files_registered && !ch->op_nop ? IOSQE_FIXED_FILE : 0;
		s->bad = 0;
		s->file_blocks = lk->file_blocks;
		sh->start_q[sh->start_tail++ & (UB_CHAIN_MAX_SLOTS - 1)] = io_u->index;
	} else if (ch->op_nop) {
		user_queue_nops(ud, ch, io_u);
	} else {
		user_queue_read(ud, ch, io_u);
	}
	ch->pending[ch->nr_pending++] = io_u;
	ch->outstanding++;
	return FIO_Q_QUEUED;
}

int ub_chain_commit(struct thread_data *td)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_chain *ch = ud->chain;

	if (!ch->nr_pending)
		return 0;
	/*
	 * A full queue means fio's next call is getevents: start these lookups
	 * there, with the wait, in one io_uring_enter instead of two.
	 */
	if (!(ud->ring.flags & IORING_SETUP_SQPOLL) && ch->outstanding >= ch->depth)
		return 0;
	ub_mark_issued(td, ch->pending, &ch->nr_pending);
	return ch->bpf ? loop_enter(td, ud, ch, 0) : user_submit(td, ud, ch, 0);
}

int ub_chain_getevents(struct thread_data *td, unsigned int min, unsigned int max)
{
	struct ub_data *ud = td->io_ops_data;
	struct ub_chain *ch = ud->chain;

	if (ch->nr_pending)
		ub_mark_issued(td, ch->pending, &ch->nr_pending);
	return ch->bpf ? loop_getevents(td, ud, ch, min, max)
		       : user_getevents(td, ud, ch, min, max);
}

void ub_chain_cleanup(struct thread_data *td, struct ub_data *ud)
{
	struct ub_chain *ch = ud->chain;
	unsigned long long n;
	struct rusage ru;
	double ctxsw = 0;
	char steps[64] = "";

	if (!ch)
		return;
	n = ch->lookups + ch->failed;
	if (n) {
		if (ch->ru0_valid && !getrusage(RUSAGE_THREAD, &ru))
			ctxsw = (double)(ru.ru_nvcsw + ru.ru_nivcsw - ch->ru0.ru_nvcsw -
					 ch->ru0.ru_nivcsw) / n;
		if (ch->sh) {
			ch->reads = ch->sh->reads;
			ch->cqes = ch->sh->cqes;
			snprintf(steps, sizeof(steps), ", %.2f loop_steps/lookup",
				 (double)ch->sh->steps / n);
		}
		/* The totals are exact: a test checks nops = cqes = chain_len x lookups. */
		if (ch->op_nop)
			ub_info(td, "chain_op=nop chain_len=%u bpf_chain=%u chain_link=%u: %llu lookups, "
				"%llu nops, %llu cqes, %.2f nops/lookup, %.2f enters/lookup, "
				"%.2f ctxsw/lookup%s", ch->len, ch->bpf, ch->link, n, ch->reads,
				ch->cqes, (double)ch->reads / n, (double)ch->enters / n, ctxsw, steps);
		else
			ub_info(td, "chain_len=%u bpf_chain=%u: %llu lookups, %.2f reads/lookup, "
				"%.2f enters/lookup, %.2f ctxsw/lookup%s, final-block digest 0x%016llx",
				ch->len, ch->bpf, n, (double)ch->reads / n, (double)ch->enters / n,
				ctxsw, steps, (unsigned long long)ch->digest);
	}
	ub_bpf_loop_destroy(ch->loop);
	if (ch->sh)
		munmap(ch->sh, ch->region_size);
	free(ch->lk);
	free(ch->pending);
	free(ch);
	ud->chain = NULL;
}

bool ub_chain_stats(const struct ub_data *ud, struct ub_chain_stats *st)
{
	const struct ub_chain *ch = ud->chain;

	if (!ch)
		return false;
	st->len = ch->len;
	st->bpf = ch->bpf;
	st->lookups = ch->lookups;
	st->failed = ch->failed;
	/* bpf_chain=1: the loop program counts reads in the shared region. */
	st->reads = ch->sh ? ch->sh->reads : ch->reads;
	st->enters = ch->enters;
	st->steps = ch->sh ? ch->sh->steps : 0;
	return true;
}
