// SPDX-License-Identifier: GPL-2.0
/*
 * The dependent-read chain as an io_uring BPF loop (struct_ops
 * io_uring_bpf_ops, Linux 7.x).
 *
 * The engine attaches this program to its ring; from then on every
 * io_uring_enter() on the ring runs loop_step until it returns STOP, and the
 * kernel submits only what the program submits.  One loop_step:
 *   1. starts the lookups the engine queued (ub_chain_shared.start_q): one
 *      read SQE each, written straight into the SQ region;
 *   2. consumes every CQE in the CQ: a finished intermediate read has its
 *      block parsed in the registered memory region (IOU_REGION_MEM) and the
 *      read of the next block queued; a finished last read (or an error)
 *      goes to done_q for the engine to hand to fio;
 *   3. submits all SQEs of this step with one bpf_io_uring_submit_sqes();
 *   4. returns STOP once the engine has as many finished lookups as it asked
 *      for (want), else CONTINUE with cq_wait_idx one past the CQ head, so
 *      the kernel sleeps until the next completion.
 * Intermediate reads land in the slot's buffer inside the region; the last
 * read of a lookup lands in the fio io_u's own buffer.  With chain_op=nop
 * (cfg.op) each step is an IORING_OP_NOP instead, queued on the previous
 * NOP's CQE in the same way, so the loop's own cost is what is measured.
 */
#include <stddef.h>
#include <linux/types.h>
#include <linux/errno.h>

/* Complete type for bpf_for(): a forward declaration fails libbpf's kfunc check. */
struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "liburing/io_uring.h"
#include "bpf/chain.h"

/*
 * Kernel types of the io_uring BPF loop.  The host's BTF (Linux 6.18) has
 * none of them, so they are declared here; iou_loop_params is relocated
 * against the running kernel's BTF (CO-RE).  iou_ctx must be a complete
 * (empty) struct, not a forward declaration, or libbpf finds the kfunc
 * prototypes incompatible with the kernel's.
 */
struct iou_ctx {};

struct iou_loop_params {
	__u32 cq_wait_idx;
} __attribute__((preserve_access_index));

struct io_uring_bpf_ops {
	int (*loop_step)(struct iou_ctx *ring, struct iou_loop_params *lp);
	__u32 ring_fd;
};

enum { IOU_REGION_MEM = 0, IOU_REGION_CQ = 1, IOU_REGION_SQ = 2 };
enum { IOU_LOOP_CONTINUE = 0, IOU_LOOP_STOP = 1 };

extern __u8 *bpf_io_uring_get_region(struct iou_ctx *ring, __u32 region_id,
				     const size_t rdwr_buf_size) __ksym;
extern int bpf_io_uring_submit_sqes(struct iou_ctx *ring, __u32 nr) __ksym;

char LICENSE[] SEC("license") = "GPL";

const volatile struct ub_chain_cfg cfg;

/*
 * Test builds only: a program the verifier must reject (it trusts
 * user_data as a slot number without bounding it).
 */
#ifdef UB_CHAIN_UNBOUNDED_SLOT
#define SLOT(x)		((__u32)(x))
#else
#define SLOT(x)		((__u32)(x) & cfg.slot_mask & (UB_CHAIN_MAX_SLOTS - 1))
#endif

struct step {
	struct ub_chain_shared *sh;
	__u8 *region;
	struct io_uring_sqe *sqes;
	__u32 sq_tail;		/* our SQ tail: SQEs written this step go up to it */
};

static __always_inline __u8 *slot_buf(struct step *st, __u32 slot)
{
	return st->region + UB_CHAIN_DATA_OFF + (__u64)SLOT(slot) * cfg.bsize;
}

/*
 * Queue slot's next step (not yet submitted): the read of its current
 * block, or with chain_op=nop a NOP (cfg.op is a load-time constant, so the
 * verifier sees only one of the two).
 */
static __always_inline void queue_read(struct step *st, __u32 slot)
{
	struct ub_chain_slot *s = &st->sh->slots[SLOT(slot)];
	struct io_uring_sqe *sqe = &st->sqes[st->sq_tail & (cfg.sq_entries - 1)];
	__u64 addr;

	if (cfg.op == UB_CHAIN_OP_NOP) {
		__builtin_memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = SLOT(slot);
		s->left--;
		st->sq_tail++;
		return;
	}
	if (s->left <= 1)
		addr = s->final_addr;
	else
		addr = cfg.region_uaddr + UB_CHAIN_DATA_OFF + (__u64)SLOT(slot) * cfg.bsize;

	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->flags = s->sqe_flags;
	sqe->fd = s->fd;
	sqe->off = s->block * cfg.bsize;
	sqe->addr = addr;
	sqe->len = cfg.bsize;
	sqe->user_data = SLOT(slot);
	s->left--;
	st->sq_tail++;
}

static __always_inline void finish(struct ub_chain_shared *sh, __u32 slot, int res)
{
	struct ub_chain_done *d = &sh->done_q[sh->done_tail & (UB_CHAIN_MAX_SLOTS - 1)];

	d->slot = SLOT(slot);
	d->res = res;
	sh->done_tail++;
}

SEC("struct_ops.s/loop_step")
int BPF_PROG(ub_chain_step, struct iou_ctx *ring, struct iou_loop_params *lp)
{
	struct io_uring_cqe *cqes;
	__u32 *sq_tail, *cq_head, *cq_tail;
	__u32 head, tail, nsub;
	struct step st = {};
	__u8 *rings;
	int i, ret;

	st.region = bpf_io_uring_get_region(ring, IOU_REGION_MEM, cfg.region_size);
	if (!st.region)
		return IOU_LOOP_STOP;	/* the engine sees steps == 0 and says so */
	st.sh = (void *)st.region;
	st.sqes = (void *)bpf_io_uring_get_region(ring, IOU_REGION_SQ,
						  cfg.sq_entries * sizeof(struct io_uring_sqe));
	rings = bpf_io_uring_get_region(ring, IOU_REGION_CQ,
					cfg.cqes_off + cfg.cq_entries * sizeof(struct io_uring_cqe));
	if (!st.sqes || !rings) {
		st.sh->error = -EFAULT;
		return IOU_LOOP_STOP;
	}
	st.sh->steps++;
	sq_tail = (__u32 *)(rings + cfg.sq_tail_off);
	cq_head = (__u32 *)(rings + cfg.cq_head_off);
	cq_tail = (__u32 *)(rings + cfg.cq_tail_off);
	cqes = (struct io_uring_cqe *)(rings + cfg.cqes_off);
	st.sq_tail = *sq_tail;

	/* 1. Lookups the engine queued since the last step. */
	bpf_for(i, 0, UB_CHAIN_MAX_SLOTS) {
		__u32 slot;

		if (st.sh->start_head == st.sh->start_tail)
			break;
		slot = st.sh->start_q[st.sh->start_head & (UB_CHAIN_MAX_SLOTS - 1)];
		st.sh->start_head++;
		queue_read(&st, slot);
	}

	/* 2. Completions: parse the block, chain the next read or finish. */
	head = *cq_head;
	tail = *(volatile __u32 *)cq_tail;
	bpf_for(i, 0, cfg.cq_entries) {
		struct io_uring_cqe *cqe;
		struct ub_chain_block *blk;
		struct ub_chain_slot *s;
		__u32 slot;
		int res, bad;

		if (head == tail)
			break;
		cqe = &cqes[head & (cfg.cq_entries - 1)];
		slot = SLOT(cqe->user_data);
		res = cqe->res;
		head++;
		st.sh->cqes++;
		st.sh->inflight--;
		s = &st.sh->slots[slot];
		if (cfg.op == UB_CHAIN_OP_NOP) {
			/* No data: the next NOP goes out on this one's completion. */
			if (res < 0 || !s->left)
				finish(st.sh, slot, res < 0 ? res : 0);
			else
				queue_read(&st, slot);
			continue;
		}
		if (res < 0 || res != (int)cfg.bsize) {
			finish(st.sh, slot, res < 0 ? res : -EIO);
			continue;
		}
		if (!s->left) {
			finish(st.sh, slot, 0);
			continue;
		}
		blk = (struct ub_chain_block *)slot_buf(&st, slot);
		bad = ub_chain_block_verify(blk, s->block, cfg.bsize, s->file_blocks);
		if (bad) {
			s->bad = bad;
			finish(st.sh, slot, -EBADMSG);
			continue;
		}
		s->block = blk->next;
		queue_read(&st, slot);
	}
	*cq_head = head;

	/*
	 * 3. One submission for the whole step.  The count comes from the SQ
	 * tail in memory, not from a counter kept in a register: a counter with
	 * known values would keep the verifier from ever seeing two loop
	 * iterations as equal (and it gives up after a million instructions).
	 */
	nsub = st.sq_tail - *(volatile __u32 *)sq_tail;
	if (nsub) {
		*(volatile __u32 *)sq_tail = st.sq_tail;
		ret = bpf_io_uring_submit_sqes(ring, nsub);
		if (ret != (int)nsub) {
			st.sh->error = ret < 0 ? ret : -EAGAIN;
			return IOU_LOOP_STOP;
		}
		st.sh->inflight += nsub;
		st.sh->reads += nsub;
	}

	/* 4. Enough finished lookups for the engine, or wait for the next CQE. */
	if (st.sh->done_tail - st.sh->done_head >= st.sh->want)
		return IOU_LOOP_STOP;
	if (!st.sh->inflight) {
		st.sh->error = -EDEADLK;	/* waiting with nothing in flight */
		return IOU_LOOP_STOP;
	}
	lp->cq_wait_idx = head + 1;
	return IOU_LOOP_CONTINUE;
}

SEC(".struct_ops.link")
struct io_uring_bpf_ops ub_chain_ops = {
	.loop_step = (void *)ub_chain_step,
};
