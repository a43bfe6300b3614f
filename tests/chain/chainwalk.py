#!/usr/bin/env python3
# An independent reader of uringbpf chain files, for the tests: it shares no
# code with the engine or uringbpf-mkchain (only the documented format of
# bpf/chain.h), so agreeing with it means the engine followed the file.
#   chainwalk.py FILE BS LEN           digest of one lookup from every block
#   chainwalk.py FILE BS LEN START...  final block of the lookups from START...
#   chainwalk.py --cycle FILE BS       check that the next fields form one cycle
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


def load(path, bs):
    nxt = []
    with open(path, "rb") as f:
        i = 0
        n = None
        while n is None or i < n:
            f.seek(i * bs)
            magic, self_, to, nblocks, bsize, seed, chk = struct.unpack("<QQQQIIQ", f.read(48))
            if magic != MAGIC or self_ != i or bsize != bs or to >= nblocks:
                sys.exit(f"chainwalk: block {i}: bad header")
            if chk != check(self_, to, nblocks, bsize, seed):
                sys.exit(f"chainwalk: block {i}: bad checksum")
            n = nblocks if n is None else n
            nxt.append(to)
            i += 1
    return nxt


def walk(nxt, start, length):
    b = start
    for _ in range(length - 1):
        b = nxt[b]
    return b


def main(argv):
    if argv[1] == "--cycle":
        nxt = load(argv[2], int(argv[3]))
        b, steps = 0, 0
        while True:
            b = nxt[b]
            steps += 1
            if b == 0:
                break
        print("one cycle" if steps == len(nxt) else f"cycle of {steps} in {len(nxt)} blocks")
        return
    path, bs, length = argv[1], int(argv[2]), int(argv[3])
    nxt = load(path, bs)
    if len(argv) > 4:
        for s in argv[4:]:
            print(walk(nxt, int(s), length))
        return
    d = 0
    for s in range(len(nxt)):
        d ^= mix(((s * 0x9E3779B97F4A7C15) & M64) ^ walk(nxt, s, length))
    print(f"0x{d:016x}")


if __name__ == "__main__":
    main(sys.argv)
