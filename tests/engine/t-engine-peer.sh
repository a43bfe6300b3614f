#!/bin/bash
# A read job run through our engine and through fio's own io_uring engine
# moves the same bytes in the same number of I/Os (size-bounded jobs, so the
# totals are exact, not rates).
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm

jobs=(
	"randread-4k-qd32:--rw=randread --bs=4k --iodepth=32 --size=32m"
	"seqread-64k-qd8:--rw=read --bs=64k --iodepth=8 --size=32m"
	"randread-sqpoll:--rw=randread --bs=4k --iodepth=16 --size=16m --sqthread_poll=1"
	"randread-fixed:--rw=randread --bs=16k --iodepth=16 --size=16m --fixedbufs=1 --registerfiles=1"
	"randrw-70-30:--rw=randrw --rwmixread=70 --bs=4k --iodepth=16 --size=16m --randseed=42"
	"numjobs-2:--rw=randread --bs=4k --iodepth=8 --size=8m --numjobs=2 --group_reporting=1"
)
for j in "${jobs[@]}"; do
	name=${j%%:*} opts=${j#*:}
	for eng in ours peer; do
		if [ $eng = ours ]; then run=ub_fio_engine; else run="ub_fio --ioengine=io_uring"; fi
		# shellcheck disable=SC2086
		$run --name="$name" --filename="$UB_SCRATCH/$name" $opts \
			--output-format=json --output="$UB_SCRATCH/$name.$eng.json" \
			>"$UB_SCRATCH/$name.$eng.log" 2>&1 || { not_ok "peer-$name: $eng run failed: $(tail -n 2 "$UB_SCRATCH/$name.$eng.log")"; continue 2; }
	done
	for field in read.io_bytes read.total_ios write.io_bytes write.total_ios; do
		a=$(json_get "$UB_SCRATCH/$name.ours.json" "$field")
		b=$(json_get "$UB_SCRATCH/$name.peer.json" "$field")
		if [ "$a" != "$b" ]; then not_ok "peer-$name: $field ours=$a io_uring=$b"; continue 2; fi
	done
	total=$(json_get "$UB_SCRATCH/$name.ours.json" read.io_bytes)
	[ "$total" -gt 0 ] && ok "peer-$name ($total bytes read by both)" || not_ok "peer-$name: nothing read"
done
finish
