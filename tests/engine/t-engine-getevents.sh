#!/bin/bash
# getevents(min=0) makes progress: fio calls it in a loop while an iolog
# replay waits for the next I/O's timestamp.  On a DEFER_TASKRUN ring a
# completion reaches the CQ only inside io_uring_enter, so an engine that
# returns without entering leaves every I/O issued before a pause unreaped
# until the pause ends: its completion latency grows by the pause.  Also:
# a replay of many I/Os finishes, all of them, in bounded time (fio's own
# io_uring engine spins forever on min=0 with nothing in flight).
# The IOPOLL half runs in the lab: tests/lab/guest/g-iopoll-getevents.sh.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm
S=$UB_SCRATCH

# fio's JSON from an --output file that may also hold log_err lines.
json_of() { sed -n '/^{/,$p' "$1" >"$1.json"; echo "$1.json"; }

# --- DEFER_TASKRUN: completions during a replay pause -----------------------
# Asynchronous completions (direct I/O on a loop device) go through task
# work; tmpfs reads would complete inline at submit and prove nothing.
gap_ms=100 n=12
if ! ub_loopdev 64m 2>/dev/null; then
	skip "getevents-defer-replay: no loop device here (needs root and losetup)"
else
	dev=$UB_LOOP
	ub_fio --name=w --ioengine=psync --filename="$dev" --direct=1 --rw=randread --bs=4k \
		--size=64m --number_ios=$n --thinktime=${gap_ms}ms --write_iolog="$S/pause.iolog" \
		--output=/dev/null >"$S/w.log" 2>&1 || not_ok "getevents-defer-replay: psync could not write the iolog: $(tail -n 2 "$S/w.log")"
	timeout -k 5 60 "$(ub_fio_bin)" --thread --ioengine="external:$UB_ENGINE" --name=r \
		--filename="$dev" --direct=1 --read_iolog="$S/pause.iolog" --iodepth=4 \
		--output-format=json --output="$S/r.out" 2>"$S/r.err"
	rc=$?
	j=$(json_of "$S/r.out")
	ios=$(json_get "$j" read.total_ios)
	# The median: one I/O stalled by a busy host must not decide.
	p50_us=$(sqlite3 :memory: "select cast(json_extract(readfile('$j'),'\$.jobs[0].read.clat_ns.percentile.\"50.000000\"')/1000 as int)")
	if ! grep -q 'DEFER_TASKRUN' "$S/r.err"; then
		not_ok "getevents-defer-replay: the ring was not DEFER_TASKRUN: $(grep -m1 'ring ' "$S/r.err")"
	elif [ "$rc" != 0 ] || [ "$ios" != "$n" ]; then
		not_ok "getevents-defer-replay: rc=$rc, $ios of $n I/Os: $(tail -n 2 "$S/r.err")"
	# Reaped during the pause: well under the pause.  Unreaped: at least it.
	elif [ -z "$p50_us" ] || [ "$p50_us" -ge $((gap_ms * 1000 / 4)) ]; then
		not_ok "getevents-defer-replay: median completion latency ${p50_us:-?} us with ${gap_ms} ms pauses: completions wait out the pause (getevents(min=0) does not enter the kernel)"
	else
		ok "getevents-defer-replay: $n I/Os, median completion latency ${p50_us} us across ${gap_ms} ms pauses"
	fi
fi

# --- a long replay finishes, every I/O, in bounded time ---------------------
n=4096
ub_fio --name=w --ioengine=psync --filename="$S/f" --size=16m --rw=randread --bs=4k \
	--number_ios=$n --write_iolog="$S/long.iolog" --output=/dev/null >"$S/w2.log" 2>&1 ||
	not_ok "getevents-replay-bounded: psync could not write the iolog: $(tail -n 2 "$S/w2.log")"
for mode in "defer:" "interrupt:--defer_taskrun=0" "sqpoll:--sqthread_poll=1"; do
	name=${mode%%:*}
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	timeout -k 5 60 "$(ub_fio_bin)" --thread --ioengine="external:$UB_ENGINE" ${mode#*:} --name=r \
		--filename="$S/f" --read_iolog="$S/long.iolog" --iodepth=16 \
		--output-format=json --output="$S/l-$name.out" 2>"$S/l-$name.err"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	ios=$(json_get "$(json_of "$S/l-$name.out")" read.total_ios)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		not_ok "getevents-replay-bounded-$name: still running after 60 s"
	elif [ "$rc" != 0 ] || [ "$ios" != "$n" ]; then
		not_ok "getevents-replay-bounded-$name: rc=$rc, $ios of $n I/Os: $(tail -n 2 "$S/l-$name.err")"
	else
		ok "getevents-replay-bounded-$name: all $n I/Os in $ms ms"
	fi
done

# --- iodepth_batch_complete_min=0 on a DEFER_TASKRUN ring: verified data ----
ub_fio_engine --name=b --filename="$S/b" --size=8m --rw=randwrite --bs=4k --iodepth=16 \
	--iodepth_batch_complete_min=0 --iodepth_batch_complete_max=4 --verify=crc32c \
	--verify_fatal=1 --output-format=json --output="$S/b.out" >"$S/b.err" 2>&1
rc=$?
j=$(json_of "$S/b.out")
if [ "$rc" = 0 ] && [ "$(fio_json_err "$j")" = 0 ] && [ "$(json_get "$j" write.total_ios)" = 2048 ]; then
	ok "getevents-batch-complete-min-0: 2048 writes verified"
else
	not_ok "getevents-batch-complete-min-0: rc=$rc: $(grep -m2 -E 'uringbpf|verify|fio:' "$S/b.err" "$S/b.out" | tr '\n' ' ')"
fi
finish
