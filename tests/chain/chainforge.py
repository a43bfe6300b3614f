#!/usr/bin/env python3
# Rewrite one block header of a uringbpf chain file with a chosen next
# pointer and block count, and a valid checksum: a block that every
# header check passes but whose pointer leaves the file (for the tests).
# Independent of the engine: only the documented format of bpf/chain.h.
#   chainforge.py FILE BS BLOCK NEXT NBLOCKS
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainwalk import MAGIC, check  # noqa: E402  (the same format, read one way)


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
