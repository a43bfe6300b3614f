#!/bin/sh
# IOPOLL requested on an NVMe drive without poll queues (this boot has no
# nvme.poll_queues, so queue/io_poll is 0).  Our engine must refuse before
# any I/O, at once, with an error that names hipri: asserted for hipri=1
# and hipri=1 sqthread_poll=1 (non-zero exit within 30 s, "hipri" in what it
# printed, no NVMe I/O command issued).  fio's own io_uring engine is run the
# same way and what it does is recorded ("#" lines), not asserted.
# lab-boot: poll_queues=0
. /lab/tests/lab/guest/lib.sh

dev=/dev/nvme0n1
[ -b $dev ] || { not_ok "nvme-nopoll: no $dev in the guest"; finish; }
io_poll=$(lab_io_poll $dev)
[ "$io_poll" = 0 ] || { not_ok "nvme-nopoll: queue/io_poll is '$io_poll'; this boot should have no poll queues"; finish; }
limit=30

for engine in $(lab_engines); do
	if ! why=$(lab_have_engine $engine); then
		skip "nvme-nopoll-refused[$engine]: $why"
		continue
	fi
	for mode in iopoll sqpoll-iopoll; do
		name="nvme-nopoll-$mode-refused[$engine]"
		base=$LAB_OUT/$name
		case $mode in
		iopoll) opts="--hipri=1" ;;
		sqpoll-iopoll) opts="--hipri=1 --sqthread_poll=1" ;;
		esac
		err=$(lab_trace_start) || { not_ok "$name: tracing: $err"; continue; }
		# shellcheck disable=SC2086
		LAB_FIO_TIMEOUT=$limit lab_fio $engine "$base" --name="$name" --filename=$dev --direct=1 \
			--rw=randread --bs=4k --iodepth=16 --size=8m --number_ios=1000 $opts
		rc=$?
		lab_trace_stop "$base"
		cmds=$(hist_hits "$base.nvme_setup_cmd.hist" '$1 > 0')
		msg=$(grep -m 1 -E 'uringbpf:|error|fio:' "$base.log")
		if [ "$engine" != uringbpf ]; then
			note "$name (recorded, not asserted): exit $rc after ${LAB_FIO_SECS}s, $cmds NVMe I/O commands issued; first message: $msg"
			continue
		fi
		why=
		[ "$rc" = 124 ] && why="$why no answer within ${limit}s (hang?);"
		[ "$rc" = 0 ] && why="$why fio succeeded;"
		grep -q 'hipri' "$base.log" || why="$why no error naming hipri (first message: $msg);"
		[ "$cmds" = 0 ] || why="$why $cmds NVMe I/O commands were issued before the refusal;"
		note "$name: exit $rc after ${LAB_FIO_SECS}s: $(grep -m 1 'uringbpf:' "$base.log")"
		if [ -z "$why" ]; then ok "$name"; else not_ok "$name:$why (files: $base.*)"; fi
	done
done
finish
