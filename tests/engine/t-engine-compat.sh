#!/bin/bash
# Switching from ioengine=io_uring is one word: job files that use each of
# fio 3.41's io_uring options in each form fio accepts (bare flag, =1, =0,
# the default spelled out) run with fio's engine and with ours on the same
# target, and must end with the same exit status and, where they succeed,
# the same bytes and I/O counts (written, then read back by fio's verify
# with zero mismatches).  Where both fail, both must fail the same way.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
fio_bin=$(ub_fio_bin)

# run_job ENGINE NAME [OPTION-LINE...]: one job file, fio's JSON in NAME.json,
# its exit status in NAME.rc.  --thread: timeout then kills the whole job.
run_job() {
	local eng=$1 name=$2 line; shift 2
	{
		echo "[global]"
		echo "ioengine=$eng"
		echo "filename=$UB_SCRATCH/target"
		echo "size=${SIZE:-4m}"
		echo "bs=4k"
		echo "iodepth=4"
		echo "rw=${RW:-randwrite}"
		[ "${RW:-randwrite}" = randwrite ] && echo "verify=crc32c" && echo "do_verify=1"
		echo "thread"
		echo "[x]"
		for line in "$@"; do echo "$line"; done
	} >"$UB_SCRATCH/$name.fio"
	timeout 60 "$fio_bin" --output-format=json --output="$UB_SCRATCH/$name.json" \
		"$UB_SCRATCH/$name.fio" >"$UB_SCRATCH/$name.log" 2>&1
	echo $? >"$UB_SCRATCH/$name.rc"
}

# counts NAME: "write-bytes write-ios read-bytes read-ios error" from the JSON.
counts() {
	sqlite3 :memory: "select j->>'write.io_bytes', j->>'write.total_ios', j->>'read.io_bytes',
		j->>'read.total_ios', j->>'error' from (select json_extract(readfile('$UB_SCRATCH/$1.json'),
		'\$.jobs[0]') as j);" 2>/dev/null | tr '|' ' '
}

# compare CASE [OPTION-LINE...]; MUST_SUCCEED=1: both failing alike is a failure too.
compare() {
	local case=$1 rc_f rc_u c_f c_u why; shift
	run_job io_uring "$case-fio" "$@"
	run_job "external:$UB_ENGINE" "$case-ub" "$@"
	rc_f=$(cat "$UB_SCRATCH/$case-fio.rc"); rc_u=$(cat "$UB_SCRATCH/$case-ub.rc")
	if [ "$rc_f" = 124 ] || [ "$rc_u" = 124 ]; then
		not_ok "compat-$case: hung (fio's engine rc $rc_f, ours rc $rc_u)"; return
	fi
	if [ "$rc_f" != "$rc_u" ]; then
		not_ok "compat-$case: exit $rc_u with uringbpf, $rc_f with io_uring; ours said: $(grep -v '^uringbpf: x: ' "$UB_SCRATCH/$case-ub.log" | grep -m1 -E 'uringbpf:|fio:'); io_uring said: $(grep -m1 -E 'fio:' "$UB_SCRATCH/$case-fio.log")"
		return
	fi
	if [ "$rc_f" != 0 ] && [ -n "${MUST_SUCCEED:-}" ]; then
		not_ok "compat-$case: both engines failed, and this case must succeed; ours said: $(grep -v '^uringbpf: x: ' "$UB_SCRATCH/$case-ub.log" | grep -m1 -E 'uringbpf:|fio:')"
		return
	fi
	if [ "$rc_f" != 0 ]; then
		# Ours must say why: a uringbpf: line at job start or fio's I/O error.
		# (uringbpf: x: lines are job-start facts, not reasons.)
		why=$(grep -v '^uringbpf: x: ' "$UB_SCRATCH/$case-ub.log" | grep -m1 -E '^(uringbpf: |fio: io_u error)')
		if [ -n "$why" ]; then
			ok "compat-$case: both fail (exit $rc_f); ours: $why"
		else
			not_ok "compat-$case: both exit $rc_f, but ours gave no reason: $(head -c 300 "$UB_SCRATCH/$case-ub.log")"
		fi
		return
	fi
	c_f=$(counts "$case-fio"); c_u=$(counts "$case-ub")
	if [ -z "$c_u" ] || [ "$c_f" != "$c_u" ]; then
		not_ok "compat-$case: counts (write bytes, ios, read bytes, ios, error) '$c_u' with uringbpf, '$c_f' with io_uring"
	elif [ "${c_u%% *}" = 0 ] && [ "${RW:-randwrite}" = randwrite ]; then
		not_ok "compat-$case: nothing was written ($c_u)"
	else
		ok "compat-$case: exit 0, $c_u"
	fi
}

# Bare flags (fio's FIO_OPT_STR_SET options) and their =1 / =0 forms.
for opt in fixedbufs registerfiles sqthread_poll; do
	compare "$opt-bare" "$opt"
	compare "$opt-1" "$opt=1"
	compare "$opt-0" "$opt=0"
done
compare default
# The issue's job file: bare flags together.
compare sqpoll-fixed-files-bare sqthread_poll fixedbufs registerfiles
compare sqpoll-cpu0 sqthread_poll sqthread_poll_cpu=0
compare sqpoll-direct sqthread_poll direct=1
# hipri on a buffered file: both engines fail (fio's at the first I/O, ours at job start).
compare hipri-bare hipri
compare hipri-1 hipri=1
compare hipri-0 hipri=0
compare nonvectored-probe nonvectored=-1
compare nonvectored-0 nonvectored=0
compare nonvectored-1 nonvectored=1
compare uncached-0 uncached=0
compare uncached-1 uncached=1
# On tmpfs (no RWF_DONTCACHE) both fail: fio's engine at the first I/O, ours at open.
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"
compare uncached-1-tmpfs uncached=1 "filename=$shm/target"
compare nowait-0 nowait=0
# RWF_NOWAIT on writes that allocate blocks: EAGAIN, and fio stops, with either engine.
compare nowait-1-write nowait=1
for v in 0 1 3; do compare "force_async-$v" "force_async=$v"; done
compare cmdprio-perc cmdprio_percentage=50 cmdprio_class=2 cmdprio=7
compare cmdprio-perc-rw "cmdprio_percentage=30,60" "cmdprio_class=2,3" "cmdprio=1,0"
compare cmdprio-bssplit "cmdprio_bssplit=4k/50/2/5"
compare prio-sqpoll sqthread_poll prioclass=2 prio=6
# fio's io_uring_cmd options at their defaults are harmless without passthru.
compare cmd-defaults cmd_type=nvme readfua=0 writefua=0 write_mode=write verify_mode=read \
	deac=0 md_per_io_size=0 pi_act=1 apptag=0x1234 apptag_mask=0xffff
# Reads of a file just written, kept in the page cache (invalidate=0): nowait=1
# succeeds with both.  The file is first rewritten whole and synced, so no
# page is dirty or under writeback (a NOWAIT read may fail on one such), and
# then locked in memory (pin-pages.c): the hypervisor reclaims this machine's
# page cache, and a NOWAIT read of a reclaimed page fails with EAGAIN in
# either engine, whichever ran when it was taken.
RW=write run_job io_uring prep-cached end_fsync=1
if ! ${CC:-cc} -O2 -Wall -o "$UB_SCRATCH/pin-pages" "$UB_TOP/tests/engine/pin-pages.c" 2>"$UB_SCRATCH/cc.log"; then
	not_ok "compat-nowait-1-cached-read: cannot build pin-pages: $(head -c 300 "$UB_SCRATCH/cc.log")"
else
	coproc PIN { exec "$UB_SCRATCH/pin-pages" "$UB_SCRATCH/target" 2>&1; }
	pin_pid=$PIN_PID # bash unsets PIN_PID when the coprocess ends
	ub_at_exit "kill $pin_pid 2>/dev/null"
	read -r -t 30 pinned <&"${PIN[0]}"
	if [ "$pinned" != pinned ]; then
		not_ok "compat-nowait-1-cached-read: the target could not be held in memory: $pinned"
	else
		# What the hypervisor may do at any moment, done now: the pinned
		# pages must stay (without pin-pages both engines fail here).
		sync; echo 1 >/proc/sys/vm/drop_caches
		RW=randread MUST_SUCCEED=1 compare nowait-1-cached-read nowait=1 invalidate=0
		RW=randread MUST_SUCCEED=1 compare nowait-1-cached-read-sqpoll sqthread_poll fixedbufs nowait=1 invalidate=0
	fi
	kill "$pin_pid" 2>/dev/null
fi

# The command-line form from the issue: a bare flag followed by another option.
for eng in io_uring "external:$UB_ENGINE"; do
	timeout 60 "$fio_bin" --thread --ioengine="$eng" --sqthread_poll --fixedbufs --name=x \
		--filename="$UB_SCRATCH/target" --size=4m --bs=4k --rw=randwrite --verify=crc32c \
		--output-format=json --output="$UB_SCRATCH/cli-${eng%%:*}.json" >"$UB_SCRATCH/cli.log" 2>&1
	echo $? >"$UB_SCRATCH/cli-${eng%%:*}.rc"
done
if [ "$(cat "$UB_SCRATCH/cli-io_uring.rc") $(cat "$UB_SCRATCH/cli-external.rc")" = "0 0" ] &&
	[ "$(counts cli-io_uring)" = "$(counts cli-external)" ]; then
	ok "compat-cli-bare-flags: --sqthread_poll --fixedbufs --name=x: exit 0, $(counts cli-external)"
else
	not_ok "compat-cli-bare-flags: rc $(cat "$UB_SCRATCH/cli-external.rc") '$(counts cli-external)' with uringbpf, rc $(cat "$UB_SCRATCH/cli-io_uring.rc") '$(counts cli-io_uring)' with io_uring: $(grep -m1 'fio:' "$UB_SCRATCH/cli.log")"
fi
# uncached=1 does what fio's does: buffered reads with RWF_DONTCACHE leave
# (almost) none of the file in the page cache; uncached=0 leaves all of it.
if ! command -v fincore >/dev/null; then
	skip "compat-uncached-effect: no fincore (util-linux) to count cached pages"
else
	for eng in io_uring "external:$UB_ENGINE"; do
		for u in 0 1; do
			RW=read run_job "$eng" "uc$u-${eng%%:*}" "uncached=$u"
			# fincore right-aligns a short count (" 8192"): eval needs the bare number.
			res=$(fincore -n -b -o RES "$UB_SCRATCH/target" | tr -d ' ')
			rc=$(cat "$UB_SCRATCH/uc$u-${eng%%:*}.rc")
			eval "res_${u}_${eng%%:*}=$res rc_${u}_${eng%%:*}=$rc"
		done
	done
	sz=$((4 << 20))
	# shellcheck disable=SC2154
	if [ "$rc_0_external$rc_1_external$rc_0_io_uring$rc_1_io_uring" = 0000 ] &&
		[ "$res_0_external" = "$sz" ] && [ "$res_1_external" -lt $((sz / 4)) ] &&
		[ "$res_0_io_uring" = "$sz" ] && [ "$res_1_io_uring" -lt $((sz / 4)) ]; then
		ok "compat-uncached-effect: bytes cached after a 4 MiB read, uncached=0/1: ours $res_0_external/$res_1_external, io_uring $res_0_io_uring/$res_1_io_uring"
	else
		not_ok "compat-uncached-effect: bytes cached after a 4 MiB read, uncached=0/1: ours $res_0_external/$res_1_external (rc $rc_0_external/$rc_1_external), io_uring $res_0_io_uring/$res_1_io_uring (rc $rc_0_io_uring/$rc_1_io_uring)"
	fi
fi

# prio/prioclass (and cmdprio) with SQPOLL reach the block layer: the SQ
# thread issues the I/O and does not inherit the job's ioprio_set(), so the
# engine must put the priority in every SQE.  The block_rq_issue tracepoint
# shows each request's ioprio and the task that issued it (iou-sqp-N).
trace_root=/sys/kernel/tracing
[ -d "$trace_root/instances" ] || mount -t tracefs nodev "$trace_root" 2>/dev/null
if [ ! -w "$trace_root/instances" ] || [ ! -d "$trace_root/events/block/block_rq_issue" ]; then
	skip "compat-ioprio-*: no writable tracefs with block:block_rq_issue"
elif ! ub_loopdev 64m; then
	skip "compat-ioprio-*: cannot set up a loop device"
else
	inst=$trace_root/instances/ub-compat-$$
	mkdir "$inst" && ub_at_exit "rmdir '$inst'"
	ub_at_exit "echo 0 > '$inst/events/block/block_rq_issue/enable'"
	devnum=$(( (0x$(stat -c %t "$UB_LOOP") << 20) | 0x$(stat -c %T "$UB_LOOP") ))
	echo "dev == $devnum" >"$inst/events/block/block_rq_issue/filter"
	echo 1 >"$inst/events/block/block_rq_issue/enable"
	# ioprio_case NAME WANT-PRIO FIO-ARGS...: every request the loop device
	# saw was issued by an SQ thread with ioprio WANT-PRIO (class,hint,level).
	ioprio_case() {
		local name=$1 want=$2 eng seen; shift 2
		for eng in io_uring "external:$UB_ENGINE"; do
			echo >"$inst/trace"
			timeout 60 "$fio_bin" --thread --name=x --ioengine="$eng" --sqthread_poll \
				--filename="$UB_LOOP" --direct=1 --size=2m --bs=4k --rw=randread "$@" \
				--output=/dev/null >"$UB_SCRATCH/ioprio.log" 2>&1
			# "... be,0,6 [iou-sqp-1234]" -> "iou-sqp be,0,6 x512"; distinct ones joined by "; "
			seen=$(grep block_rq_issue "$inst/trace" |
				sed -E 's/.* ([a-z]+,[0-9]+,[0-9]+) \[([a-z-]+)-[0-9]+\]$/\2 \1/' | sort | uniq -c |
				sed -E 's/^ *([0-9]+) (.*)/\2 x\1/' | paste -sd ';' | sed 's/;/; /g')
			if [ "$seen" = "iou-sqp $want x512" ]; then
				ok "compat-ioprio-$name-${eng%%:*}: $seen"
			else
				not_ok "compat-ioprio-$name-${eng%%:*}: the loop device saw '$seen', want 'iou-sqp $want x512' ($(grep -m1 -E 'uringbpf: |fio: ' "$UB_SCRATCH/ioprio.log"))"
			fi
		done
	}
	ioprio_case prioclass-be6 be,0,6 --prioclass=2 --prio=6
	ioprio_case prioclass-idle idle,0,0 --prioclass=3
	ioprio_case cmdprio-100 be,0,1 --prioclass=2 --prio=6 --cmdprio_percentage=100 --cmdprio_class=2 --cmdprio=1
	# A private SQ thread is created after the job's ioprio_set() and inherits
	# it, so the cases above pass even without the SQE's ioprio.  A shared one
	# (sqpoll_shared=1) was made by one job only: each job's priority reaches
	# the block layer only through its SQEs.  Job a reads the first MiB
	# (sectors 0-2047) at be/1, job b the second at be/6.
	echo >"$inst/trace"
	timeout 60 "$fio_bin" --thread --ioengine="external:$UB_ENGINE" --sqthread_poll --sqpoll_shared \
		--filename="$UB_LOOP" --direct=1 --size=1m --bs=4k --rw=randread \
		--name=a --prioclass=2 --prio=1 --name=b --offset=1m --prioclass=2 --prio=6 \
		--output=/dev/null >"$UB_SCRATCH/ioprio.log" 2>&1
	seen=$(grep block_rq_issue "$inst/trace" |
		sed -E 's/.* ([0-9]+) \+ [0-9]+ ([a-z]+,[0-9]+,[0-9]+) \[([a-z-]+)-[0-9]+\]$/\1 \3 \2/' |
		while read -r sector who prio; do
			[ "$sector" -lt 2048 ] && echo "a $who $prio" || echo "b $who $prio"
		done | sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)/\2 x\1/' | paste -sd ';' | sed 's/;/; /g')
	want="a iou-sqp be,0,1 x256; b iou-sqp be,0,6 x256"
	if [ "$seen" = "$want" ]; then
		ok "compat-ioprio-sqpoll-shared: $seen"
	else
		not_ok "compat-ioprio-sqpoll-shared: the loop device saw '$seen', want '$want' ($(grep -m1 -E 'uringbpf: [^a-z]|fio: ' "$UB_SCRATCH/ioprio.log"))"
	fi
fi
finish
