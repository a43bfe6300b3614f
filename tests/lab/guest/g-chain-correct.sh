#!/bin/sh
# The dependent-read chain reaches the same final blocks in user space
# (bpf_chain=0) and in the io_uring BPF loop (bpf_chain=1), on the emulated
# NVMe drive and on null_blk (memory-backed), for chain_len 1, 2, 8 and 64:
# a job reading every block once as a lookup start must print the digest
# uringbpf-mkchain --digest computes by walking the device, and exactly
# chain_len reads per lookup.  Also: the user-space chain on IOPOLL, SQPOLL
# and SQPOLL+IOPOLL rings, the BPF loop at iodepth 1 and 32 with registered
# files and ring fd, and rw=randread (same starts, other order).
# lab-boot: poll_queues=2 null_blk=1
. /lab/tests/lab/guest/lib.sh

MKCHAIN=/lab/build/uringbpf-mkchain
SIZE=${LAB_CHAIN_SIZE:-4m}
BLOCKS=$(( ${SIZE%m} * 256 ))

[ -x $MKCHAIN ] || { not_ok "chain: no $MKCHAIN (make on the host builds it)"; finish; }
why=$(lab_have_engine uringbpf) || { skip "chain: $why"; finish; }

# chain_case NAME DEV WANT LEN FIO-ARGS...: one chain job, one result line.
chain_case() {
	local name=$1 dev=$2 want=$3 len=$4 base digest reads lookups rc
	shift 4
	base=$LAB_OUT/$name
	lab_fio uringbpf "$base" --name=chain --filename="$dev" --direct=1 --bs=4k --size="$SIZE" \
		--rw=read --iodepth=8 --chain_len="$len" "$@"
	rc=$?
	digest=$(sed -n 's/.*final-block digest \(0x[0-9a-f]*\).*/\1/p' "$base.log")
	reads=$(sed -n 's/.* lookups, \([0-9.]*\) reads\/lookup.*/\1/p' "$base.log")
	lookups=$(sed -n 's/.*: \([0-9]*\) lookups, .*/\1/p' "$base.log")
	if [ "$rc" != 0 ]; then
		not_ok "$name: fio exited $rc: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' ')"
	elif [ "$digest" != "$want" ]; then
		not_ok "$name: final-block digest '$digest', the device's walk gives $want"
	elif [ "$reads" != "$len.00" ] || [ "$lookups" != "$BLOCKS" ]; then
		not_ok "$name: $lookups lookups of $reads reads, want $BLOCKS of $len.00"
	else
		ok "$name ($digest, ${LAB_FIO_SECS}s)"
		note "$name: $(sed -n 's/^uringbpf: chain: \(chain_len=.*\), final-block.*/\1/p' "$base.log")"
	fi
}

# The null_blk device of this boot must keep data.
nullb=/dev/nullb0
if [ ! -b $nullb ]; then
	not_ok "chain-nullb: no $nullb in the guest (null_blk '$LAB_NULL_BLK')"
	nullb=
elif [ "$(cat /sys/module/null_blk/parameters/memory_backed 2>/dev/null)" != Y ] &&
     [ "$(cat /sys/module/null_blk/parameters/memory_backed 2>/dev/null)" != 1 ]; then
	not_ok "chain-nullb: null_blk was loaded without memory_backed=1 ('$LAB_NULL_BLK'): it returns zeros"
	nullb=
fi

for dev in /dev/nvme0n1 $nullb; do
	d=${dev#/dev/}
	out=$($MKCHAIN -b 4096 -s 11 "$dev" "$SIZE" 2>&1) || { not_ok "chain-$d-mkchain: $out"; continue; }
	for len in 1 2 8 64; do
		want=$($MKCHAIN --digest -l $len -b 4096 "$dev") || { not_ok "chain-$d-len$len: --digest failed"; continue; }
		for bpf in 0 1; do
			chain_case "chain-$d-len$len-bpf$bpf" "$dev" "$want" $len --bpf_chain=$bpf
		done
	done
	want=$($MKCHAIN --digest -l 8 -b 4096 "$dev")
	chain_case "chain-$d-len8-bpf0-iopoll" "$dev" "$want" 8 --bpf_chain=0 --hipri=1
	chain_case "chain-$d-len8-bpf0-sqpoll" "$dev" "$want" 8 --bpf_chain=0 --sqthread_poll=1
	chain_case "chain-$d-len8-bpf0-sqpoll-iopoll" "$dev" "$want" 8 --bpf_chain=0 --sqthread_poll=1 --hipri=1
	chain_case "chain-$d-len8-bpf1-qd1" "$dev" "$want" 8 --bpf_chain=1 --iodepth=1
	chain_case "chain-$d-len8-bpf1-qd32-fixedfiles-ringfd" "$dev" "$want" 8 --bpf_chain=1 \
		--iodepth=32 --registerfiles=1 --register_ring_fd=1
	chain_case "chain-$d-len8-bpf1-randread" "$dev" "$want" 8 --bpf_chain=1 --rw=randread --randseed=3
done
finish
