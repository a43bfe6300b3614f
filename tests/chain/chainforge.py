#!/usr/bin/env python3
# Rewrite one block header of a uringbpf chain file with a chosen next
# pointer and block count, and a valid checksum: a block that every
# header check passes but whose pointer leaves the file (for the tests).
# Independent of the engine: only the documented format of bpf/chain.h.
#   chainforge.py FILE BS BLOCK NEXT NBLOCKS
import struct
import sys

M64 = (1 << 64) - 1
MAGIC = int.from_bytes(b"UBCHAIN1", "little")


def mix(x):
    x &= M64
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    x ^= x >> 31
    return x


def check(self_, nxt, n, bs, seed):
    h = mix(MAGIC ^ self_)
    h = mix(h ^ nxt)
    h = mix(h ^ n)
    return mix(h ^ ((seed << 32) | bs))


def main(argv):
    path, bs, block, nxt, n = argv[1], int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5])
    with open(path, "r+b") as f:
        f.seek(block * bs)
        magic, self_, _, _, bsize, seed, _ = struct.unpack("<QQQQIIQ", f.read(48))
        if magic != MAGIC or self_ != block or bsize != bs:
            sys.exit(f"chainforge: block {block} of {path} is not a chain block of {bs} bytes")
        f.seek(block * bs)
        f.write(struct.pack("<QQQQIIQ", MAGIC, block, nxt, n, bs, seed,
                            check(block, nxt, n, bs, seed)))


main(sys.argv)
