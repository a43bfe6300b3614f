#!/bin/sh
# Dependent-read chains, user space (bpf_chain=0) vs the io_uring BPF loop
# (bpf_chain=1): one table row per device x chain_len x iodepth x mode.
# POSIX sh, for the kernel lab's busybox guest (bpf/CHAIN.md has the command):
#   scripts/lab run --null-blk --file bpf/chain-bench.sh --timeout 900 -- \
#       sh /lab/chain-bench.sh /dev/nullb0 /dev/nvme0n1
# Each device's first SIZE bytes are overwritten with a chain file.
# Environment: LENS ("1 2 8 64"), QDS ("1 8 32"), RUNTIME (3 s), SIZE (64m),
# ENGINE (external:/usr/local/lib/fio/fio-uringbpf.so), MKCHAIN, FIO.
set -u
LENS=${LENS:-1 2 8 64}
QDS=${QDS:-1 8 32}
RUNTIME=${RUNTIME:-3}
SIZE=${SIZE:-64m}
ENGINE=${ENGINE:-external:/usr/local/lib/fio/fio-uringbpf.so}
MKCHAIN=${MKCHAIN:-/lab/build/uringbpf-mkchain}
FIO=${FIO:-fio}
tmp=${TMPDIR:-/tmp}/chain-bench.$$
mkdir -p "$tmp"

jget() { sqlite3 :memory: "select json_extract(readfile('$1'), '\$.jobs[0].$2');"; }

echo "# $(uname -r), $(nproc) CPUs, runtime ${RUNTIME}s, 4 KiB blocks, rw=randread starts"
printf '%-8s %4s %3s %4s %10s %10s %8s %8s %8s %7s %9s\n' device len qd bpf lookups/s reads/s \
	enters/lk ctxsw/lk steps/lk cpu% cpu-us/rd
for dev in "$@"; do
	"$MKCHAIN" -b 4096 -s 1 "$dev" "$SIZE" >/dev/null || { echo "# $dev: mkchain failed"; continue; }
	for len in $LENS; do
		for qd in $QDS; do
			for bpf in 0 1; do
				base=$tmp/r
				"$FIO" --ioengine="$ENGINE" --name=chain --filename="$dev" --direct=1 --bs=4k \
					--size="$SIZE" --rw=randread --norandommap=1 --time_based=1 \
					--runtime="$RUNTIME" --iodepth="$qd" --chain_len="$len" --bpf_chain="$bpf" \
					--output-format=json --output="$base.json" >"$base.log" 2>&1
				line=$(grep 'lookups, ' "$base.log")
				if [ -z "$line" ]; then
					echo "# ${dev#/dev/} len=$len qd=$qd bpf=$bpf failed: $(grep -m 1 -E 'uringbpf:|fio:' "$base.log")"
					continue
				fi
				iops=$(jget "$base.json" read.iops)
				usr=$(jget "$base.json" usr_cpu)
				sys=$(jget "$base.json" sys_cpu)
				echo "$line" | awk -v d="${dev#/dev/}" -v l="$len" -v q="$qd" -v b="$bpf" \
					-v iops="$iops" -v usr="$usr" -v sys="$sys" '{
					for (i = 1; i <= NF; i++) {
						if ($(i + 1) ~ /^reads\/lookup/) r = $i
						if ($(i + 1) ~ /^enters\/lookup/) e = $i
						if ($(i + 1) ~ /^ctxsw\/lookup/) c = $i
						if ($(i + 1) ~ /^loop_steps\/lookup/) s = $i
					}
					cpu = usr + sys
					printf "%-8s %4d %3d %4d %10.0f %10.0f %8.2f %8.2f %8s %7.1f %9.2f\n",
						d, l, q, b, iops, iops * r, e, c, (s == "" ? "-" : s), cpu,
						(iops * r > 0 ? cpu * 10000 / (iops * r) : 0)
				}'
			done
		done
	done
done
rm -rf "$tmp"
