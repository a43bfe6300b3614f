// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf-mkchain: write and check the pointer-chasing files of the
 * dependent-read chain workload (fio ... chain_len=N [bpf_chain=1]).
 *
 * The file is SIZE / BS blocks; each block begins with a struct
 * ub_chain_block (bpf/chain.h) whose "next" field is the block a lookup
 * reads after it.  The next fields form one random cycle through all blocks
 * (a random permutation visited in order), so every walk is nblocks long
 * before it repeats.  Each header carries its own block number and a
 * checksum, so a misdirected or corrupted read is detected, not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "bpf/chain.h"

static const char usage[] =
	"usage: uringbpf-mkchain [-b BS] [-s SEED] FILE [SIZE]\n"
	"       uringbpf-mkchain --digest -l LEN [-b BS] FILE\n"
	"       uringbpf-mkchain --walk START -l LEN [-b BS] FILE\n"
	"\n"
	"Write FILE as a chain of SIZE/BS blocks of BS bytes (SIZE: a number with an\n"
	"optional k/m/g suffix, powers of 1024; default for a block device: its size),\n"
	"each block naming the next one of a random cycle chosen by SEED.\n"
	"\n"
	"  -b, --bs BS        block size, the fio job's bs (default 4096, at least 64)\n"
	"  -s, --seed SEED    permutation seed (default 1): same seed, same file\n"
	"  -l, --len LEN      reads per lookup, the fio job's chain_len\n"
	"      --digest       check every block, then print the final-block digest of\n"
	"                     one lookup from every block (what a fio job with rw=read\n"
	"                     over the whole file prints as \"final-block digest\")\n"
	"      --walk START   print the block where a lookup starting at block START ends\n"
	"  -h, --help         this text\n";

static int parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v > ~0ULL / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* splitmix64 as a generator: the same seed gives the same file anywhere. */
static uint64_t rng_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return ub_chain_mix(*state);
}

static uint64_t rng_below(uint64_t *state, uint64_t n)
{
	uint64_t limit = ~0ULL - (~0ULL % n), r;

	do
		r = rng_next(state);
	while (r >= limit);
	return r % n;
}

static void fill_block(unsigned char *blk, uint64_t self, uint64_t next, uint64_t n,
		       uint32_t bs, uint32_t seed)
{
	struct ub_chain_block h = {
		.magic = UB_CHAIN_MAGIC, .self = self, .next = next, .nblocks = n,
		.bsize = bs, .seed = seed,
		.check = ub_chain_block_check(self, next, n, bs, seed),
	};
	uint64_t w;
	size_t i;

	memcpy(blk, &h, sizeof(h));
	/* The rest: a pattern of the block number, so no two blocks are equal. */
	for (i = sizeof(h); i + 8 <= bs; i += 8) {
		w = ub_chain_mix(self * 0x100000001b3ULL + i);
		memcpy(blk + i, &w, 8);
	}
	memset(blk + i, 0, bs - i);
}

static int write_chain(const char *path, unsigned long long size, uint32_t bs, uint32_t seed,
		       bool size_given)
{
	enum { BATCH = 256 };
	uint64_t n, i, state = seed, *perm = NULL, *next = NULL;
	unsigned char *buf = NULL;
	struct stat st;
	int fd, ret = 1;

	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0) {
		fprintf(stderr, "uringbpf-mkchain: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode)) {
		unsigned long long dev = 0;

		if (ioctl(fd, BLKGETSIZE64, &dev) == 0) {
			if (!size_given)
				size = dev;
			if (size > dev) {
				fprintf(stderr, "uringbpf-mkchain: %s holds %llu bytes, less than %llu\n",
					path, dev, size);
				goto out;
			}
		}
	} else if (!size_given) {
		fprintf(stderr, "uringbpf-mkchain: %s is not a block device: give a SIZE\n", path);
		goto out;
	}
	n = size / bs;
	if (n < 1) {
		fprintf(stderr, "uringbpf-mkchain: SIZE %llu holds no block of %u bytes\n", size, bs);
		goto out;
	}
	perm = malloc(n * sizeof(*perm));
	next = malloc(n * sizeof(*next));
	buf = malloc((size_t)bs * BATCH);
	if (!perm || !next || !buf) {
		fprintf(stderr, "uringbpf-mkchain: out of memory for %" PRIu64 " blocks\n", n);
		goto out;
	}
	/* A random permutation (Fisher-Yates); visiting it in order is one cycle. */
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		uint64_t j = rng_below(&state, i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		next[perm[i]] = perm[(i + 1) % n];

	for (i = 0; i < n; i += BATCH) {
		uint64_t k, cnt = n - i < BATCH ? n - i : BATCH;
		size_t len = cnt * bs, done = 0;

		for (k = 0; k < cnt; k++)
			fill_block(buf + k * bs, i + k, next[i + k], n, bs, seed);
		while (done < len) {
			ssize_t w = pwrite(fd, buf + done, len - done, (off_t)(i * bs + done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fprintf(stderr, "uringbpf-mkchain: writing %s at %" PRIu64 ": %s\n",
					path, i * bs + done, w < 0 ? strerror(errno) : "no progress");
				goto out;
			}
			done += w;
		}
	}
	if (S_ISREG(st.st_mode) && ftruncate(fd, (off_t)(n * bs))) {
		fprintf(stderr, "uringbpf-mkchain: truncating %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fsync(fd)) {
		fprintf(stderr, "uringbpf-mkchain: fsync %s: %s\n", path, strerror(errno));
		goto out;
	}
	printf("%s: %" PRIu64 " blocks of %u bytes, one cycle, seed %u\n", path, n, bs, seed);
	ret = 0;
out:
	free(perm);
	free(next);
	free(buf);
	close(fd);
	return ret;
}

static const char *bad_reason(int bad)
{
	switch (bad) {
	case UB_CHAIN_BAD_MAGIC: return "no chain header (wrong magic)";
	case UB_CHAIN_BAD_CHECK: return "damaged header (checksum)";
	case UB_CHAIN_BAD_SELF: return "header of another block";
	case UB_CHAIN_BAD_SIZE: return "written for another block size";
	case UB_CHAIN_BAD_NEXT: return "next block past the end";
	case UB_CHAIN_BAD_RANGE: return "next block past the end of the file";
	}
	return "bad header";
}

/* Whole blocks of bs bytes in the file or block device fd. */
static uint64_t file_blocks(int fd, uint32_t bs)
{
	unsigned long long dev = 0;
	struct stat st;

	if (fstat(fd, &st) != 0)
		return 0;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, &dev) == 0 ? dev / bs : 0;
	return (uint64_t)st.st_size / bs;
}

/* Read and check every header; returns the next array (nblocks in *np). */
static uint64_t *load_next(const char *path, uint32_t bs, uint64_t *np)
{
	struct ub_chain_block h;
	uint64_t *next = NULL, i, n = 0, blocks;
	int fd, bad;
	ssize_t r;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "uringbpf-mkchain: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	blocks = file_blocks(fd, bs);
	for (i = 0; i == 0 || i < n; i++) {
		r = pread(fd, &h, sizeof(h), (off_t)(i * bs));
		if (r != sizeof(h)) {
			fprintf(stderr, "uringbpf-mkchain: %s: short read at block %" PRIu64 "\n",
				path, i);
			goto fail;
		}
		bad = ub_chain_block_verify(&h, i, bs, blocks);
		if (bad) {
			fprintf(stderr, "uringbpf-mkchain: %s: block %" PRIu64 ": %s\n", path, i,
				bad_reason(bad));
			goto fail;
		}
		if (i == 0) {
			n = h.nblocks;
			next = malloc(n * sizeof(*next));
			if (!next) {
				fprintf(stderr, "uringbpf-mkchain: out of memory\n");
				goto fail;
			}
		} else if (h.nblocks != n) {
			fprintf(stderr, "uringbpf-mkchain: %s: block %" PRIu64 " belongs to a chain "
				"of %" PRIu64 " blocks, block 0 to one of %" PRIu64 "\n",
				path, i, (uint64_t)h.nblocks, n);
			goto fail;
		}
		next[i] = h.next;
	}
	close(fd);
	*np = n;
	return next;
fail:
	free(next);
	close(fd);
	return NULL;
}

static uint64_t walk(const uint64_t *next, uint64_t start, unsigned int len)
{
	uint64_t b = start;
	unsigned int k;

	for (k = 1; k < len; k++)
		b = next[b];
	return b;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bs", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "len", required_argument, NULL, 'l' },
		{ "digest", no_argument, NULL, 'D' },
		{ "walk", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 0, bs = 4096, seed = 1, len = 0, start = 0;
	bool digest = false, do_walk = false;
	uint64_t *next, n, i, d = 0;
	int c;

	while ((c = getopt_long(argc, argv, "b:s:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_size(optarg, &bs) || bs < 64 || bs > (1u << 30)) {
				fprintf(stderr, "uringbpf-mkchain: -b %s: a block size of 64 bytes to 1 GiB\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			if (parse_size(optarg, &seed) || seed > 0xffffffffu) {
				fprintf(stderr, "uringbpf-mkchain: -s %s: a number below 2^32\n", optarg);
				return 2;
			}
			break;
		case 'l':
			if (parse_size(optarg, &len) || !len || len > 1u << 20) {
				fprintf(stderr, "uringbpf-mkchain: -l %s: 1 or more reads per lookup\n",
					optarg);
				return 2;
			}
			break;
		case 'D':
			digest = true;
			break;
		case 'W':
			do_walk = true;
			if (parse_size(optarg, &start)) {
				fprintf(stderr, "uringbpf-mkchain: --walk %s: a block number\n", optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!digest && !do_walk) {
		if (optind != argc - 1 && optind != argc - 2) {
			fputs(usage, stderr);
			return 2;
		}
		if (optind == argc - 2 && parse_size(argv[optind + 1], &size)) {
			fprintf(stderr, "uringbpf-mkchain: SIZE %s: a number with an optional "
				"k/m/g suffix\n", argv[optind + 1]);
			return 2;
		}
		return write_chain(argv[optind], size, bs, seed, optind == argc - 2);
	}
	if (optind != argc - 1 || !len || (digest && do_walk)) {
		fputs(usage, stderr);
		return 2;
	}
	next = load_next(argv[optind], bs, &n);
	if (!next)
		return 1;
	if (do_walk) {
		if (start >= n) {
			fprintf(stderr, "uringbpf-mkchain: --walk %llu: the chain has blocks 0-%" PRIu64
				"\n", start, n - 1);
			free(next);
			return 2;
		}
		printf("%" PRIu64 "\n", walk(next, start, len));
	} else {
		for (i = 0; i < n; i++)
			d ^= ub_chain_digest_term(i, walk(next, i, len));
		printf("0x%016" PRIx64 "\n", d);
	}
	free(next);
	return 0;
}
