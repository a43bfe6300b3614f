#!/bin/bash
# uringbpf-mkchain writes what bpf/chain.h describes: the same seed gives
# the same bytes, the next fields form one cycle through every block (an
# independent reader checks), --walk and --digest agree with that reader,
# and damaged or foreign files are named, block and reason.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
mkchain=$UB_BUILD/uringbpf-mkchain
walker=$UB_TOP/tests/chain/chainwalk.py
a=$UB_SCRATCH/a b=$UB_SCRATCH/b c=$UB_SCRATCH/c

"$mkchain" -s 9 "$a" 2m >/dev/null && "$mkchain" -s 9 "$b" 2m >/dev/null && "$mkchain" -s 10 "$c" 2m >/dev/null ||
	{ not_ok "mkchain-write: uringbpf-mkchain failed"; finish; }
expect_eq mkchain-size "$(stat -c %s "$a")" $((2 << 20))
if cmp -s "$a" "$b"; then ok mkchain-same-seed-same-file; else not_ok "mkchain-same-seed-same-file: seed 9 twice gave different files"; fi
if cmp -s "$a" "$c"; then not_ok "mkchain-other-seed-other-file: seeds 9 and 10 gave the same file"; else ok mkchain-other-seed-other-file; fi
expect_eq mkchain-one-cycle "$(python3 "$walker" --cycle "$a" 4096)" "one cycle"
expect_eq mkchain-one-cycle-8k "$("$mkchain" -b 8k -s 3 "$c" 1m >/dev/null && python3 "$walker" --cycle "$c" 8192)" "one cycle"

for start in 0 1 77 511; do
	expect_eq "mkchain-walk-$start" "$("$mkchain" --walk "$start" -l 17 "$a")" "$(python3 "$walker" "$a" 4096 17 "$start")"
done
expect_eq mkchain-digest-len5 "$("$mkchain" --digest -l 5 "$a")" "$(python3 "$walker" "$a" 4096 5)"

# A block device: SIZE defaults to the device's.
ub_loopdev 1M || { not_ok "mkchain-blockdev: no loop device"; finish; }
expect_eq mkchain-blockdev "$("$mkchain" -s 2 "$UB_LOOP")" "$UB_LOOP: 256 blocks of 4096 bytes, one cycle, seed 2"
expect_eq mkchain-blockdev-cycle "$(python3 "$walker" --cycle "$UB_LOOP" 4096)" "one cycle"

# expect_fail NAME WANT-TEXT CMD...
expect_fail() {
	local name=$1 want=$2 out rc; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" = 0 ]; then not_ok "$name: exit 0, expected a failure"
	elif [[ "$out" == *"$want"* ]]; then ok "$name"
	else not_ok "$name: missing '$want'; got: $out"; fi
}
cp "$a" "$b"
printf 'X' | dd of="$b" bs=1 seek=$((300 * 4096 + 40)) conv=notrunc status=none
expect_fail mkchain-digest-damaged "uringbpf-mkchain: $b: block 300: damaged header (checksum)" "$mkchain" --digest -l 4 "$b"
printf '\x05' | dd of="$b" bs=1 seek=$((300 * 4096 + 8)) conv=notrunc status=none
expect_fail mkchain-digest-misplaced "uringbpf-mkchain: $b: block 300: " "$mkchain" --digest -l 4 "$b"
expect_fail mkchain-digest-other-bs "uringbpf-mkchain: $a: block 0: written for another block size" "$mkchain" --digest -l 4 -b 8192 "$a"
head -c 8192 /dev/zero >"$c"
expect_fail mkchain-digest-zeros "uringbpf-mkchain: $c: block 0: no chain header (wrong magic)" "$mkchain" --digest -l 4 "$c"
expect_fail mkchain-no-size "uringbpf-mkchain: $UB_SCRATCH/new is not a block device: give a SIZE" "$mkchain" "$UB_SCRATCH/new"
expect_fail mkchain-bad-bs "uringbpf-mkchain: -b 10: a block size of 64 bytes to 1 GiB" "$mkchain" -b 10 "$c" 1m
expect_fail mkchain-bad-size "uringbpf-mkchain: SIZE 12q: a number with an optional k/m/g suffix" "$mkchain" "$c" 12q
expect_fail mkchain-walk-range "uringbpf-mkchain: --walk 999: the chain has blocks 0-511" "$mkchain" --walk 999 -l 2 "$a"
expect_fail mkchain-usage "usage: uringbpf-mkchain" "$mkchain" --digest "$a"
finish
