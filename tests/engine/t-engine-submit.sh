#!/bin/bash
# A kernel that refuses every submission (io_uring_enter -> EAGAIN, out of
# memory for requests; made here with a seccomp filter) fails the job with
# a uringbpf: line saying so, after a bounded wait, instead of retrying
# forever at full CPU.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm
S=$UB_SCRATCH

if ! ${CC:-cc} -O2 -Wall -o "$S/seccomp-eagain" "$UB_TOP/tests/engine/seccomp-eagain.c" 2>"$S/cc.log"; then
	skip "submit-eagain: cannot build the seccomp helper: $(head -n 1 "$S/cc.log")"
	exit 0
fi
# judge NAME LOG RC SECS LINE-REGEX: the job must fail, in bounded time, saying LINE.
judge() {
	local name=$1 log=$2 rc=$3 secs=$4 line=$5
	if [ "$rc" = 77 ]; then
		skip "submit-eagain-$name: $(tail -n 1 "$log")"
	elif [ "$rc" -ge 124 ]; then
		not_ok "submit-eagain-$name: still retrying after 60 s (rc=$rc)"
	elif [ "$rc" = 0 ]; then
		not_ok "submit-eagain-$name: the job succeeded although every submit was refused"
	elif grep -qE "$line" "$log"; then
		ok "submit-eagain-$name: refused after a bounded wait, job failed in ${secs} s"
	else
		not_ok "submit-eagain-$name: rc=$rc, no refusal line: $(grep -m3 -E 'uringbpf|err=' "$log" | tr '\n' ' ')"
	fi
}

core_line='^uringbpf: the kernel refused to take [0-9]+ queued I/Os? for 1000 ms with none in flight \(io_uring_enter: Resource temporarily unavailable\): it is out of memory for io_uring requests; lower iodepth or numjobs, or free memory$'
for mode in "defer:--iodepth=8" "interrupt-qd1:--iodepth=1 --defer_taskrun=0"; do
	name=${mode%%:*}
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout -k 5 60 "$S/seccomp-eagain" "$(ub_fio_bin)" --thread --ioengine="external:$UB_ENGINE" \
		${mode#*:} --name=e --filename="$S/f" --size=4m --rw=randread --bs=4k \
		>"$S/$name.log" 2>&1
	rc=$?
	judge "$name" "$S/$name.log" "$rc" $(($(date +%s) - start)) "$core_line"
done

# The user-space chain submits through the same helper (ioengine/submit.h):
# the same bound and the same line.
start=$(date +%s)
timeout -k 5 60 "$S/seccomp-eagain" "$(ub_fio_bin)" --thread --ioengine="external:$UB_ENGINE" \
	--chain_op=nop --chain_len=2 --iodepth=4 --name=c --filename="$S/f" --size=4m \
	--rw=randread --bs=4k >"$S/chain.log" 2>&1
rc=$?
judge chain "$S/chain.log" "$rc" $(($(date +%s) - start)) "$core_line"
finish
