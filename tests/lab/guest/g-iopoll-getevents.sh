#!/bin/sh
# getevents(min=0) on an IOPOLL ring (hipri=1): nothing completes unless
# someone polls, and fio calls getevents(min=0) in a loop while an iolog
# replay waits for the next I/O's timestamp.  The engine must poll once per
# such call: then each I/O is reaped during the pause after it and its
# completion latency stays far below the pause; without, an I/O that did
# not complete inside its own submit call waits out the pause.  The
# emulated NVMe drive completes after the submit returns (the sharp case);
# null_blk's poll queues complete at the first poll, often inside the
# submit itself (a sanity case).  Asserted on each: the ring is IOPOLL, the
# replay does every I/O of the log in bounded time, and the median
# completion latency is under a quarter of the pause.
# lab-boot: poll_queues=2 null_blk=1
. /lab/tests/lab/guest/lib.sh

if ! why=$(lab_have_engine uringbpf); then
	skip "getevents-iopoll: $why"
	finish
fi
gap_ms=100 n=8

replay() {
	local name=$1 dev=$2 log rc flags ios p50_us
	log=$LAB_OUT/$name.iolog
	if [ ! -b "$dev" ] || [ "$(lab_io_poll "$dev")" != 1 ]; then
		not_ok "getevents-iopoll-$name: $dev is missing or has no poll queues (io_poll $(lab_io_poll "$dev"))"
		return
	fi
	fio --name=w --ioengine=psync --filename="$dev" --direct=1 --rw=randread --bs=4k --size=64m \
		--number_ios=$n --thinktime=${gap_ms}ms --write_iolog="$log" --output=/dev/null \
		>"$LAB_OUT/$name.w.log" 2>&1 ||
		{ not_ok "getevents-iopoll-$name: psync could not write the iolog: $(tail -n 1 "$LAB_OUT/$name.w.log")"; return; }
	LAB_FIO_TIMEOUT=90 lab_fio uringbpf "$LAB_OUT/$name" --thread --name=r --filename="$dev" \
		--direct=1 --hipri=1 --read_iolog="$log" --iodepth=4
	rc=$?
	flags=$(report_ring_flags "$LAB_OUT/$name")
	ios=$(json_get "$LAB_OUT/$name.json" read.total_ios)
	p50_us=$(sqlite3 :memory: "select cast(json_extract(readfile('$LAB_OUT/$name.json'),'\$.jobs[0].read.clat_ns.percentile.\"50.000000\"')/1000 as int)" 2>/dev/null)
	note "getevents-iopoll-$name: rc=$rc flags=$flags ios=$ios median clat ${p50_us} us, ${LAB_FIO_SECS}s"
	case "|$flags|" in
	*"|IOPOLL|"*) ;;
	*) not_ok "getevents-iopoll-$name: the ring is not IOPOLL (flags '$flags')"; return ;;
	esac
	if [ "$rc" != 0 ] || [ "$ios" != "$n" ]; then
		not_ok "getevents-iopoll-$name: rc=$rc, ${ios:-no} of $n I/Os: $(grep -m 2 -E 'uringbpf|fio:' "$LAB_OUT/$name.log" | tr '\n' ' ')"
	elif [ -z "$p50_us" ] || [ "$p50_us" -ge $((gap_ms * 1000 / 4)) ]; then
		not_ok "getevents-iopoll-$name: median completion latency ${p50_us:-?} us with ${gap_ms} ms pauses: nothing polls during the pause (getevents(min=0) does not enter the kernel)"
	else
		ok "getevents-iopoll-$name: $n I/Os polled during ${gap_ms} ms pauses, median completion latency ${p50_us} us"
	fi
}
replay nvme /dev/nvme0n1
replay nullb /dev/nullb0
finish
