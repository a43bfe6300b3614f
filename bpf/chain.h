/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dependent-read chain, shared by the BPF loop program (chain.bpf.c),
 * the engine (ioengine/bpf_chain.c) and the file writer (mkchain.c).
 *
 * A chain file is nblocks blocks of bsize bytes.  Each block starts with a
 * struct ub_chain_block whose "next" field names the block the chain goes
 * on to; the next fields form one random cycle through every block, so a
 * walk never ends early and never repeats before nblocks steps.
 *
 * One fio I/O is one lookup: chain_len reads, the first at the io_u's
 * offset, each following one at the block named by the previous block.
 *
 * With bpf_chain=1 the engine and the BPF program talk through one memory
 * region registered with the ring (IORING_REGISTER_MEM_REGION): a struct
 * ub_chain_shared at its start, then one bsize buffer per slot (per io_u)
 * at UB_CHAIN_DATA_OFF.  Both sides run in the same task (the program runs
 * inside that task's io_uring_enter), so no atomics are needed; the user
 * side never touches the region while it is inside io_uring_enter.
 */
#ifndef UB_BPF_CHAIN_SHARED_H
#define UB_BPF_CHAIN_SHARED_H

#ifdef __bpf__
/* BPF side: linux/types.h comes in through the program's includes. */
#else
#include <linux/types.h>
#endif

/* "UBCHAIN1" read as a little-endian 64-bit number. */
#define UB_CHAIN_MAGIC		0x314e494148434255ULL

/* Lookups in flight at once with bpf_chain=1 (power of 2): iodepth limit. */
#define UB_CHAIN_MAX_SLOTS	1024u
#define UB_CHAIN_VERSION	2u

struct ub_chain_block {
	__u64 magic;		/* UB_CHAIN_MAGIC */
	__u64 self;		/* this block's number (offset / bsize) */
	__u64 next;		/* the block this chain goes on to */
	__u64 nblocks;		/* blocks in the chain file */
	__u32 bsize;		/* block size in bytes */
	__u32 seed;		/* uringbpf-mkchain -s, for the record */
	__u64 check;		/* ub_chain_block_check() of the fields above */
};

/* splitmix64's finaliser: a cheap, well-mixed 64-bit hash. */
static inline __u64 ub_chain_mix(__u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static inline __u64 ub_chain_block_check(__u64 self, __u64 next, __u64 nblocks,
					 __u32 bsize, __u32 seed)
{
	__u64 h = ub_chain_mix(UB_CHAIN_MAGIC ^ self);

	h = ub_chain_mix(h ^ next);
	h = ub_chain_mix(h ^ nblocks);
	return ub_chain_mix(h ^ (((__u64)seed << 32) | bsize));
}

/*
 * Why a block is refused: returned (negated) as a lookup's result detail,
 * so both paths report the same reason.
 */
enum ub_chain_bad {
	UB_CHAIN_OK = 0,
	UB_CHAIN_BAD_MAGIC,	/* not a chain block at all */
	UB_CHAIN_BAD_CHECK,	/* header damaged */
	UB_CHAIN_BAD_SELF,	/* a block of the file, but not the one asked for */
	UB_CHAIN_BAD_SIZE,	/* written for another block size */
	UB_CHAIN_BAD_NEXT,	/* next points past the end of the chain */
	UB_CHAIN_BAD_RANGE,	/* next points past the end of the file being read */
};

/*
 * file_blocks: whole blocks in the file being read.  The header's own
 * nblocks cannot bound next: a block with a valid checksum can claim any
 * size, and next * bsize must name a block of this file (and not wrap).
 */
static inline int ub_chain_block_verify(const struct ub_chain_block *b, __u64 want_self,
					__u32 bsize, __u64 file_blocks)
{
	if (b->magic != UB_CHAIN_MAGIC)
		return UB_CHAIN_BAD_MAGIC;
	if (b->check != ub_chain_block_check(b->self, b->next, b->nblocks, b->bsize, b->seed))
		return UB_CHAIN_BAD_CHECK;
	if (b->self != want_self)
		return UB_CHAIN_BAD_SELF;
	if (b->bsize != bsize)
		return UB_CHAIN_BAD_SIZE;
	if (b->next >= b->nblocks)
		return UB_CHAIN_BAD_NEXT;
	if (b->next >= file_blocks)
		return UB_CHAIN_BAD_RANGE;
	return UB_CHAIN_OK;
}

/*
 * One lookup's contribution to the job's final-block digest.  The digest is
 * the XOR of these over all lookups, so it does not depend on completion
 * order, and it depends on which start reached which final block (a plain
 * XOR of final blocks would not: the walk is a permutation).
 */
static inline __u64 ub_chain_digest_term(__u64 start, __u64 final)
{
	return ub_chain_mix(start * 0x9e3779b97f4a7c15ULL ^ final);
}

/*
 * What one step of a lookup is (chain_op=): a dependent read, or a NOP.  A
 * NOP step carries no data, but it is issued only after the previous step's
 * completion, by whichever loop runs the chain, so both ops do the same
 * round trips.
 */
enum ub_chain_op {
	UB_CHAIN_OP_READ = 0,
	UB_CHAIN_OP_NOP = 1,
};

/* ---- bpf_chain=1: the registered memory region ---- */

struct ub_chain_slot {
	__u64 block;		/* block of the read in flight (or to issue next) */
	__u64 final_addr;	/* user address of the io_u's buffer: the last read lands there */
	__u32 left;		/* reads still to issue for this lookup */
	__s32 fd;		/* file descriptor, or registered-file index */
	__u32 sqe_flags;	/* IOSQE_FIXED_FILE or 0 */
	__u32 bad;		/* enum ub_chain_bad when the lookup failed on a block */
	__u64 file_blocks;	/* whole blocks in the file: a next pointer's bound */
};

struct ub_chain_done {
	__u32 slot;
	__s32 res;		/* 0, or -errno (-EBADMSG: slot.bad says why) */
};

struct ub_chain_shared {
	__u32 version;		/* UB_CHAIN_VERSION */
	/* lookups to start: the engine appends at start_tail, BPF takes at start_head */
	__u32 start_head;
	__u32 start_tail;
	/* finished lookups: BPF appends at done_tail, the engine takes at done_head */
	__u32 done_head;
	__u32 done_tail;
	/* the loop returns STOP once done_tail - done_head >= want */
	__u32 want;
	__u32 inflight;		/* chain reads in flight (BPF's own count) */
	__s32 error;		/* loop-level failure, -errno; the loop stops */
	__u64 steps;		/* loop_step calls */
	__u64 reads;		/* reads the program submitted */
	__u64 cqes;		/* completions the program consumed */
	__u32 start_q[UB_CHAIN_MAX_SLOTS];
	struct ub_chain_done done_q[UB_CHAIN_MAX_SLOTS];
	struct ub_chain_slot slots[UB_CHAIN_MAX_SLOTS];
};

/* Slot buffers start on a page boundary after the shared header. */
#define UB_CHAIN_DATA_OFF	((sizeof(struct ub_chain_shared) + 4095) & ~4095ul)

/*
 * The verifier refuses a pointer whose variable offset may reach 512 MiB
 * (BPF_MAX_VAR_OFF), and the program addresses slot buffers by a variable
 * slot number: the last slot's start, header included, must stay below it.
 */
#define UB_CHAIN_MAX_VAR_OFF	(1ull << 29)

/* Where the last of slots slot buffers of bsize bytes starts in the region. */
static inline __u64 ub_chain_last_slot_off(__u32 slots, __u32 bsize)
{
	return UB_CHAIN_DATA_OFF + (__u64)(slots - 1) * bsize;
}

/* Slots (a power of 2 >= depth) of a bpf_chain=1 job at iodepth depth. */
static inline __u32 ub_chain_slots(__u32 depth)
{
	__u32 p = 1;

	while (p < depth && p < UB_CHAIN_MAX_SLOTS)
		p <<= 1;
	return p;
}

/* Largest iodepth bpf_chain=1 takes at block size bsize (0: none). */
static inline __u32 ub_chain_max_depth(__u32 bsize)
{
	__u32 slots = UB_CHAIN_MAX_SLOTS;

	while (slots && ub_chain_last_slot_off(slots, bsize) >= UB_CHAIN_MAX_VAR_OFF)
		slots >>= 1;
	return slots;
}

/*
 * The engine's side of done_q, which the program writes: the slot of the
 * next finished lookup, -1 when there is none, or -2 when the queue cannot
 * be trusted (more entries than lookups in flight, or a slot past depth).
 */
static inline int ub_chain_done_peek(const struct ub_chain_shared *sh, __u32 depth)
{
	__u32 n = sh->done_tail - sh->done_head, slot;

	if (!n)
		return -1;
	if (n > depth)
		return -2;
	slot = sh->done_q[sh->done_head & (UB_CHAIN_MAX_SLOTS - 1)].slot;
	return slot < depth ? (int)slot : -2;
}

/*
 * The program's configuration: const volatile, set before load, so the
 * verifier sees every size and mask as a constant.
 */
struct ub_chain_cfg {
	__u64 region_uaddr;	/* user address of the region (SQE addr of slot buffers) */
	__u64 region_size;	/* bytes of the region the program may touch */
	__u32 bsize;		/* block size = fio bs */
	__u32 slot_mask;	/* slots - 1 (slots: a power of 2 >= iodepth) */
	__u32 sq_entries;	/* SQ entries (power of 2) */
	__u32 cq_entries;	/* CQ entries (power of 2) */
	__u32 sq_tail_off;	/* offsets inside the rings region (params.sq_off / cq_off) */
	__u32 cq_head_off;
	__u32 cq_tail_off;
	__u32 cqes_off;
	__u32 op;		/* enum ub_chain_op */
	__u32 pad;
};

#endif
