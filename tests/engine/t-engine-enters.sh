#!/bin/bash
# io_uring_enter calls per I/O at fio's default batching, traced with strace,
# against what fio's own engine makes under the same trace (README,
# "Performance"):
# - on a DEFER_TASKRUN ring every enter that submits also carries
#   IORING_ENTER_GETEVENTS (min 0), as fio's engine does: it takes in the
#   completions waiting as task work, so a full queue finds them in the CQ.
#   A bare submit hid them until the queue was full: one wait per full queue,
#   and the queue drained before it refilled (QD8: 1.128 enters per I/O
#   against fio's 1.002);
# - iodepth 1: exactly one enter per I/O (the submit goes with the wait;
#   fio's engine makes two); iodepth 8: at most 1 + 1/16; iodepth 32 with
#   iodepth_batch_submit=8 iodepth_batch_complete_min=8: at most 1/8 + 1/64
#   (fio's engine: 0.125; the bare submit: 0.177);
# - the count the engine reports (report=PATH, enter_calls) is strace's;
# - iodepth_batch_complete_min=0 is fio's polling mode ("we will NOT wait"):
#   like fio's engine, no call waits (min_complete 0 in every call), at
#   iodepth 1 and 8; the engine used to sleep for each completion there.
# strace slows every syscall down, so a buffered read of a file in /dev/shm
# has completed by the next submit: the counts do not depend on the host's
# load.
source "$UB_TOP/tests/lib.sh"
command -v strace >/dev/null || skip_all t-engine-enters 5 "no strace (scripts/install-deps.sh installs it)"
ub_scratch_init /dev/shm
S=$UB_SCRATCH
n=16384	# the whole 64m file once

# check NAME MAX-NUM MAX-DEN FIO-ARGS...: enters <= ios * NUM / DEN.
check() {
	local name=$1 num=$2 den=$3 got ios enters outcome traced bare waits
	shift 3
	strace -f -e trace=io_uring_enter -o "$S/$name.strace" \
		"$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" --thread \
		--report="$S/$name.jsonl" --name="$name" --filename="$S/f" --size=64m \
		--rw=randread --bs=4k --norandommap=1 --randrepeat=0 --number_ios=$n "$@" \
		--output=/dev/null 2>"$S/$name.err"
	got=$(sqlite3 :memory: "select json_extract(v,'\$.ios') || ' ' || json_extract(v,'\$.enter_calls')
		|| ' ' || json_extract(v,'\$.outcome') from (select cast(readfile('$S/$name.jsonl') as text) v)")
	read -r ios enters outcome <<<"$got"
	# Calls, and submitting calls without GETEVENTS: io_uring_enter(fd, to_submit, min, flags, ...).
	read -r traced bare waits < <(awk -F'[(,]' '/io_uring_enter\(/ { c++; if ($3 + 0 > 0 && $5 !~ /GETEVENTS/) b++
		if ($4 + 0 > 0) w++ } END { print c + 0, b + 0, w + 0 }' "$S/$name.strace")
	if [ "${outcome:-}" != ran ] || [ "${ios:-}" != $n ]; then
		not_ok "enters-$name: the job did not run $n I/Os (report: ${got:-none}): $(tail -n 2 "$S/$name.err")"
	elif [ "$traced" != "$enters" ]; then
		not_ok "enters-$name: the engine reports $enters io_uring_enter calls, strace saw $traced"
	elif [ "$bare" != 0 ]; then
		not_ok "enters-$name: $bare of $traced io_uring_enter calls submit without IORING_ENTER_GETEVENTS"
	elif [ "${POLL:-}" ] && [ "$waits" != 0 ]; then
		not_ok "enters-$name: $waits of $traced io_uring_enter calls wait (min_complete > 0) in polling mode"
	elif [ "${POLL:-}" ]; then
		ok "enters-$name: $traced io_uring_enter calls for $ios I/Os, none waits"
	elif [ $((enters * den)) -gt $((ios * num)) ]; then
		not_ok "enters-$name: $enters io_uring_enter calls for $ios I/Os, more than $num/$den per I/O"
	else
		ok "enters-$name: $enters io_uring_enter calls for $ios I/Os (at most $num/$den per I/O), each submit with GETEVENTS"
	fi
}

check qd1 1 1 --iodepth=1
check qd8 17 16 --iodepth=8
check qd32-batch8 9 64 --iodepth=32 --iodepth_batch_submit=8 --iodepth_batch_complete_min=8
POLL=1 check qd1-complete-min-0 0 1 --iodepth=1 --iodepth_batch_complete_min=0
POLL=1 check qd8-complete-min-0 0 1 --iodepth=8 --iodepth_batch_complete_min=0
finish
