#!/bin/bash
# sqpoll_shared=1: the jobs of one fio run attach to one SQPOLL thread
# (IORING_SETUP_ATTACH_WQ), as a VMM shares one polling thread among guests.
# numjobs=4 write+verify with crc32c has 0 mismatches; while it runs, the fio
# process has exactly one iou-sqp-* thread (a control run without the option
# has four distinct ones); the engine says which job started the thread and that
# the others attached.  Refusals are checked for their exact text.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init
tmp=$UB_SCRATCH

# sq_threads_seen PID: "PEAK DISTINCT" of the iou-sqp-* threads that PID's
# child (fio) held while it ran: the most at one sample, and distinct thread
# ids over the run.  Sharing is the peak (never two at once: the kernel once
# showed a second shared thread id over a CI run whose four rings had all
# attached to one); a private control is the distinct count (a job that
# finished early was missed by a peak count once, 3 of 4).
sq_threads_seen() {
	local pid=$1 kids l n peak=0 all=
	while kill -0 "$pid" 2>/dev/null; do
		kids=$(pgrep -P "$pid" | sed 's|.*|/proc/&/task/*/comm|')
		# shellcheck disable=SC2086
		l=$(grep -lx 'iou-sqp-[0-9]*' $kids 2>/dev/null)
		n=$(grep -c . <<<"$l")
		[ "$n" -gt "$peak" ] && peak=$n
		all+=$l$'\n'
		sleep 0.01
	done
	echo "$peak $(grep . <<<"$all" | sort -u | wc -l)"
}

# shared_run NAME EXTRA-OPTS...: numjobs=4 randwrite + verify, sampling SQ threads.
shared_run() {
	local name=$1; shift
	ub_fio_engine --name="$name" --directory="$tmp" --filename_format='$jobname.$jobnum' \
		--thread=1 --numjobs=4 --size=8m --bs=4k --iodepth=8 --rw=randwrite \
		--verify=crc32c --do_verify=1 --sqthread_poll=1 --sqpoll_idle=200 "$@" \
		--output-format=json --output="$tmp/$name.json" 2>"$tmp/$name.err" &
	local pid=$!
	seen=$(sq_threads_seen $pid)
	wait $pid
	rc=$?
	# fio warns about numjobs writers with verify into --output, before the JSON.
	sed -i -n '/^{/,$p' "$tmp/$name.json"
}

shared_run shared --sqpoll_shared=1
expect_eq shared-exit "$rc" 0
expect_eq shared-verify-errors "$(fio_json_err "$tmp/shared.json")" 0
verified=$(sqlite3 :memory: "select sum(json_extract(value,'\$.read.io_bytes')) from json_each(json_extract(readfile('$tmp/shared.json'),'\$.jobs'));")
expect_eq shared-verified-bytes "$verified" $((4 * 8 * 1024 * 1024))
expect_eq shared-one-sq-thread "${seen% *}" 1
started=$(grep -c 'sqpoll_shared: started SQ thread' "$tmp/shared.err")
attached=$(grep -c 'sqpoll_shared: attached to SQ thread' "$tmp/shared.err")
expect_eq shared-said "$started started, $attached attached" "1 started, 3 attached"

# One second per job: an 8 MiB private job can start and finish between two
# samples (CI saw 3 of 4 twice).  Only the thread count matters here.
shared_run private --do_verify=0 --time_based=1 --runtime=1
expect_eq private-exit "$rc" 0
expect_eq private-four-sq-threads "${seen#* }" 4

# The shared thread lives while a sharer does (a job that reaches its ring
# only after the others have finished would start it again); the engine's
# lines say how many started.
shared_run shared-restrict --sqpoll_shared=1 --restrict=1 --registerfiles=1
expect_eq shared-restrict-exit "$rc" 0
expect_eq shared-restrict-verify-errors "$(fio_json_err "$tmp/shared-restrict.json")" 0
expect_eq shared-restrict-one-sq-thread "${seen% *}|$(grep -c 'sqpoll_shared: started SQ thread' "$tmp/shared-restrict.err") started" "1|1 started"

# refuse NAME WANT OPTS...: fio exits non-zero and stderr has WANT.
refuse() {
	local name=$1 want=$2; shift 2
	ub_fio_engine --name="$name" --filename="$tmp/r.dat" --size=1m --rw=read "$@" \
		>"$tmp/$name.out" 2>&1
	local rc=$?
	if [ $rc != 0 ] && grep -qF -- "$want" "$tmp/$name.out"; then ok "$name"
	else not_ok "$name: exit $rc, output: $(head -c 300 "$tmp/$name.out")"; fi
}
refuse refuse-shared-without-sqpoll \
	"sqpoll_shared=1 needs sqthread_poll=1 (it shares the SQPOLL thread)" --thread=1 --sqpoll_shared=1
refuse refuse-shared-without-thread \
	"sqpoll_shared=1 needs thread=1: the kernel shares an SQPOLL thread only among rings of one process" \
	--sqthread_poll=1 --sqpoll_shared=1
# Two jobs bound to different CPUs cannot share one thread (either may come first).
ub_fio --ioengine="external:$UB_ENGINE" --thread=1 --sqthread_poll=1 --sqpoll_shared=1 \
	--filename="$tmp/r.dat" --size=1m --rw=read --runtime=2 --time_based \
	--name=cpu0 --sqthread_poll_cpu=0 --name=cpu1 --sqthread_poll_cpu=1 >"$tmp/cpu.out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -qE "sqpoll_shared=1: the shared SQ thread is bound to CPU [01] but this job asks for [01]; give all sharing jobs the same sqthread_poll_cpu" "$tmp/cpu.out"; then
	ok refuse-shared-cpu-mismatch
else
	not_ok "refuse-shared-cpu-mismatch: exit $rc, output: $(head -c 300 "$tmp/cpu.out")"
fi
finish
