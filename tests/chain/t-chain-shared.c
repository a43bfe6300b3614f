// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of bpf/chain.h that guard the engine against what it reads
 * from memory the BPF program (or a chain file) writes: a done_q entry must
 * name a slot below iodepth and the queue must not hold more entries than
 * lookups; a block's next pointer must stay inside the file being read; and
 * the bpf_chain=1 region limit matches the verifier's 512 MiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/chain.h"

static int failures;

static void expect(int pass, const char *name, const char *fmt, long long got, long long want)
{
	if (pass) {
		printf("ok chain-shared-%s\n", name);
		return;
	}
	failures++;
	printf("not ok chain-shared-%s: ", name);
	printf(fmt, got, want);
	printf("\n");
}

#define EQ(name, got, want) \
	expect((long long)(got) == (long long)(want), name, "got %lld, want %lld", (got), (want))

static struct ub_chain_block block(__u64 self, __u64 next, __u64 n, __u32 bs)
{
	struct ub_chain_block b = { UB_CHAIN_MAGIC, self, next, n, bs, 7, 0 };

	b.check = ub_chain_block_check(self, next, n, bs, 7);
	return b;
}

int main(void)
{
	struct ub_chain_shared *sh = calloc(1, sizeof(*sh));
	struct ub_chain_block b;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!sh)
		return 1;

	/* done_q: what the program leaves there is checked before use. */
	EQ("done-empty", ub_chain_done_peek(sh, 8), -1);
	sh->done_q[0].slot = 5;
	sh->done_tail = 1;
	EQ("done-slot-in-range", ub_chain_done_peek(sh, 8), 5);
	sh->done_q[0].slot = 8;
	EQ("done-slot-at-depth", ub_chain_done_peek(sh, 8), -2);
	sh->done_q[0].slot = 0xffffffffu;
	EQ("done-slot-huge", ub_chain_done_peek(sh, 8), -2);
	sh->done_q[0].slot = 1;
	sh->done_tail = 9;
	EQ("done-more-than-depth", ub_chain_done_peek(sh, 8), -2);
	sh->done_head = 0xfffffffeu;	/* wraps: 3 entries */
	sh->done_tail = 1;
	sh->done_q[0xfffffffeu & (UB_CHAIN_MAX_SLOTS - 1)].slot = 2;
	EQ("done-wrapped-counters", ub_chain_done_peek(sh, 8), 2);

	/* next pointers: bounded by the file, not by the block's own claim. */
	b = block(3, 9, 16, 4096);
	EQ("next-in-file", ub_chain_block_verify(&b, 3, 4096, 16), UB_CHAIN_OK);
	b = block(3, 1ULL << 52, 1ULL << 53, 4096);
	EQ("next-wraps", ub_chain_block_verify(&b, 3, 4096, 1024), UB_CHAIN_BAD_RANGE);
	b = block(3, 1024, 2048, 4096);
	EQ("next-one-past-file", ub_chain_block_verify(&b, 3, 4096, 1024), UB_CHAIN_BAD_RANGE);
	b = block(3, 1023, 2048, 4096);
	EQ("next-last-block", ub_chain_block_verify(&b, 3, 4096, 1024), UB_CHAIN_OK);
	b = block(3, 16, 16, 4096);
	EQ("next-past-chain", ub_chain_block_verify(&b, 3, 4096, 1024), UB_CHAIN_BAD_NEXT);

	/* The region: iodepth rounded up to a power of 2, x bs, under 512 MiB. */
	EQ("max-depth-4k", ub_chain_max_depth(4096), UB_CHAIN_MAX_SLOTS);
	EQ("max-depth-1m", ub_chain_max_depth(1 << 20), 512);
	EQ("max-depth-512k", ub_chain_max_depth(1 << 19), 1024);
	EQ("max-depth-516k", ub_chain_max_depth(516 << 10), 512);
	EQ("max-depth-huge-bs", ub_chain_max_depth(1u << 29), 1);	/* slot 0: offset constant */
	EQ("slots-513", ub_chain_slots(513), 1024);
	EQ("slots-512", ub_chain_slots(512), 512);
	/* Linux 7.3 verified bs=1m x 512 slots and refused bs=1m x 1024 (lab). */
	EQ("last-slot-1m-512", ub_chain_last_slot_off(512, 1 << 20) < UB_CHAIN_MAX_VAR_OFF, 1);
	EQ("last-slot-1m-1024", ub_chain_last_slot_off(1024, 1 << 20) < UB_CHAIN_MAX_VAR_OFF, 0);
	free(sh);
	return failures ? 1 : 0;
}
