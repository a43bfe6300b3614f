#!/bin/bash
# bpf_chain=0 (the chain in user space) follows the file exactly: for
# chain_len 1, 2, 8 and 64, a job reading every block once as a lookup start
# prints the final-block digest that an independent walker (chainwalk.py,
# Python, no shared code) computes from the file, and exactly chain_len
# reads per lookup.  Also across ring modes, iodepths, rw=randread (same
# starts, other order), and O_DIRECT on a loop device.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"
mkchain=$UB_BUILD/uringbpf-mkchain
walker=$UB_TOP/tests/chain/chainwalk.py
f=$shm/chain

"$mkchain" -b 4096 -s 42 "$f" 8m >/dev/null || { not_ok "chain-setup: uringbpf-mkchain failed"; finish; }

# chain_run NAME FIO-ARGS...: run a chain job on $f unless --filename is given;
# sets DIGEST, READS (per lookup), LOOKUPS, RC; the log is $UB_SCRATCH/NAME.log.
chain_run() {
	local name=$1 log target=(--filename="$f"); shift
	case " $* " in *" --filename="*) target=() ;; esac
	log=$UB_SCRATCH/$name.log
	timeout 120 "$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" --name=x "${target[@]}" --size=8m \
		--bs=4k --rw=read "$@" >"$log" 2>&1
	RC=$?
	DIGEST=$(sed -n 's/.*final-block digest \(0x[0-9a-f]*\).*/\1/p' "$log")
	READS=$(sed -n 's/.* lookups, \([0-9.]*\) reads\/lookup.*/\1/p' "$log")
	LOOKUPS=$(sed -n 's/.*: \([0-9]*\) lookups, .*/\1/p' "$log")
}

# expect_chain NAME WANT-DIGEST LEN FIO-ARGS...
expect_chain() {
	local name=$1 want=$2 len=$3; shift 3
	chain_run "$name" --chain_len="$len" "$@"
	if [ "$RC" != 0 ]; then
		not_ok "$name: fio exited $RC: $(grep -m2 -E 'uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"
	elif [ "$DIGEST" != "$want" ]; then
		not_ok "$name: final-block digest '$DIGEST', the file's walk gives $want"
	elif [ "$READS" != "$len.00" ] || [ "$LOOKUPS" != 2048 ]; then
		not_ok "$name: $LOOKUPS lookups of $READS reads, want 2048 of $len.00"
	else
		ok "$name ($DIGEST)"
	fi
}

declare -A want
for len in 1 2 8 64; do
	want[$len]=$(python3 "$walker" "$f" 4096 "$len") || { not_ok "chain-walker-$len: chainwalk.py failed"; finish; }
	got=$("$mkchain" --digest -l "$len" "$f")
	expect_eq "chain-mkchain-digest-$len" "$got" "${want[$len]}"
done

for len in 1 2 8 64; do
	for qd in 1 8 32; do
		expect_chain "chain-len$len-qd$qd" "${want[$len]}" "$len" --iodepth="$qd"
	done
done

modes=(
	"sqpoll:--sqthread_poll=1"
	"registerfiles:--registerfiles=1"
	"ringfd:--register_ring_fd=1"
	"no-defer:--defer_taskrun=0"
	"thread:--thread"
)
for m in "${modes[@]}"; do
	expect_chain "chain-len8-${m%%:*}" "${want[8]}" 8 --iodepth=16 ${m#*:}
done

# rw=randread with a random map visits every block once: same starts, other order.
expect_chain "chain-len8-randread" "${want[8]}" 8 --iodepth=16 --rw=randread --randseed=7

# O_DIRECT on a block device.
ub_loopdev 8M || { not_ok "chain-loop: no loop device"; finish; }
"$mkchain" -b 4096 -s 42 "$UB_LOOP" 8m >/dev/null
expect_chain "chain-len64-loop-direct" "${want[64]}" 64 --iodepth=8 --direct=1 --filename="$UB_LOOP"
finish
