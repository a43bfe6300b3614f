#!/bin/bash
# Jobs as threads of one process (thread=1, which sqpoll_shared=1 needs):
# 16 jobs start at once, 8 refused in ->init at the same moment (hipri=1 on
# tmpfs, each message naming its own file) and 8 running on one shared SQ
# thread.  Every refusal message is intact and printed once, every running
# job does its I/O without error, nothing crashes (make check-asan runs this
# under ASan).  A message buffer shared by the job threads garbles or
# swaps the refusals.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm
S=$UB_SCRATCH
nref=8 nrun=8

cat >"$S/stress.fio" <<EOF
[global]
ioengine=external:$UB_ENGINE
thread=1
directory=$S
size=4m
bs=4k
rw=randread
iodepth=8
time_based=1
runtime=2

[refused]
numjobs=$nref
hipri=1
direct=1

[shared]
numjobs=$nrun
sqthread_poll=1
sqpoll_shared=1
EOF

for round in 1 2 3; do
	timeout -k 5 120 "$(ub_fio_bin)" "$S/stress.fio" --output-format=json \
		--output="$S/o$round" 2>"$S/e$round"
	rc=$?
	cat "$S/o$round" "$S/e$round" >"$S/all$round"
	sed -n '/^{/,$p' "$S/o$round" >"$S/j$round"
	bad=
	if [ "$rc" -ge 124 ] || grep -qE 'AddressSanitizer|runtime error|Segmentation|Aborted' "$S/all$round"; then
		bad="fio crashed or hung (rc=$rc): $(grep -m2 -E 'Sanitizer|runtime error|Segm|Abort' "$S/all$round")"
	fi
	for ((i = 0; i < nref && !${#bad}; i++)); do
		want="uringbpf: hipri=1 (IOPOLL): $S/refused.$i.0 is not on a block device with a request queue (e.g. tmpfs), so nothing can poll it; use hipri=0, or an NVMe device with poll queues (nvme.poll_queues=N)"
		# fio's log_err writes to the --output file and to stderr: once in each.
		n=$(grep -cxF "$want" "$S/o$round")/$(grep -cxF "$want" "$S/e$round")
		[ "$n" = 1/1 ] || bad="the refusal of refused.$i is printed intact $n times (output/stderr), want 1/1"
	done
	if [ -z "$bad" ]; then
		# Only the exact lines above may mention hipri: no fragments.
		n=$(grep -c 'hipri=1' "$S/all$round")
		[ "$n" = $((2 * nref)) ] || bad="$n lines mention hipri=1, want $((2 * nref)): $(grep 'hipri=1' "$S/all$round" | grep -vF 'so nothing can poll it; use hipri=0, or an NVMe' | head -n 2 | tr '\n' ' ')"
	fi
	if [ -z "$bad" ]; then
		res=$(sqlite3 :memory: "select
			sum(json_extract(value,'\$.jobname')='refused' and json_extract(value,'\$.error')<>0),
			sum(json_extract(value,'\$.jobname')='shared' and json_extract(value,'\$.error')=0
			    and json_extract(value,'\$.read.total_ios')>0)
			from json_each(json_extract(readfile('$S/j$round'),'\$.jobs'))")
		[ "$res" = "$nref|$nrun" ] || bad="refused-with-error|shared-ran-clean = $res, want $nref|$nrun: $(grep -m2 -E '^uringbpf: shared|fio:' "$S/all$round" | tr '\n' ' ')"
	fi
	if [ -z "$bad" ]; then
		started=$(grep -c '^uringbpf: shared: sqpoll_shared: started SQ thread' "$S/e$round")
		attached=$(grep -c '^uringbpf: shared: sqpoll_shared: attached to SQ thread' "$S/e$round")
		users=$(sed -n 's/^uringbpf: shared: sqpoll_shared: .* now shared by \([0-9]*\) rings*$/\1/p' "$S/e$round" | sort -n | paste -sd,)
		[ "$started|$attached|$users" = "1|$((nrun - 1))|$(seq -s, 1 $nrun)" ] ||
			bad="SQ thread started $started times, attached $attached times, sharer counts $users; want 1, $((nrun - 1)), $(seq -s, 1 $nrun)"
	fi
	if [ -n "$bad" ]; then
		not_ok "threads-stress round $round: $bad"
		finish
	fi
done
ok "threads-stress: 3 rounds of $nref jobs refused at once (each message intact, once) beside $nrun jobs on one shared SQ thread"
finish
