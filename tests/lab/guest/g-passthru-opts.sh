#!/bin/sh
# fio's io_uring_cmd options with passthru=1 on the emulated NVMe drive:
# readfua/writefua set FUA (CDW12 bit 30) on every NVMe Read/Write, seen by
# the driver's nvme_setup_cmd tracepoint ("ctrl=0x4000"), the same as fio's
# own ioengine=io_uring_cmd with the same options, and the data verifies
# (randwrite, then every block read back, crc32c).  The options uringbpf does
# not implement are refused at job start, word for word, on a real namespace.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

if ! why=$(lab_have_engine uringbpf); then skip "passthru-opts: $why"; finish; fi
[ -c $NVME_NG ] || { not_ok "passthru-opts: no $NVME_NG in the guest"; finish; }

TI=$LAB_TRACE/instances/passthru-opts
mkdir -p $TI || { not_ok "passthru-opts: cannot create trace instance $TI"; finish; }
echo 4096 >$TI/buffer_size_kb

# fua_run NAME ENGINE FIO-ARGS...: randwrite + verify of 1 MiB in 4k I/Os;
# FUA_SEEN: "reads R (fua F) writes W (fua G)", the NVMe I/O commands the
# driver set up and how many of them carried FUA.
fua_run() {
	local name=$1 engine=$2 rc
	shift 2
	FUA_WHY= FUA_BASE=$LAB_OUT/$name
	echo >$TI/trace
	echo 1 >$TI/events/nvme/nvme_setup_cmd/enable
	lab_fio "$engine" "$FUA_BASE" --name="$name" --filename=$NVME_NG --rw=randwrite --bs=4k \
		--iodepth=8 --size=1m --verify=crc32c --verify_fatal=1 --do_verify=1 "$@"
	rc=$?
	echo 0 >$TI/events/nvme/nvme_setup_cmd/enable
	[ "$rc" = 0 ] || FUA_WHY="$FUA_WHY fio exited $rc ($(grep -m 1 -E 'uringbpf: |fio: |error' "$FUA_BASE.log"));"
	grep nvme_setup_cmd $TI/trace >"$FUA_BASE.trace"
	# ctrl= is CDW12's upper half: FUA (bit 30) is 0x4000 in it.  fio's
	# io_uring_cmd also sets PRACT (0x2000) for its default pi_act=1, which a
	# namespace without protection information ignores; uringbpf does not.
	FUA_SEEN=$(awk '/nvme_cmd_read / { r++; if (/ctrl=0x[4-7c-f][0-9a-f][0-9a-f][0-9a-f],/) rf++ }
		/nvme_cmd_write / { w++; if (/ctrl=0x[4-7c-f][0-9a-f][0-9a-f][0-9a-f],/) wf++ }
		END { printf "reads %d (fua %d) writes %d (fua %d)", r, rf, w, wf }' "$FUA_BASE.trace")
}

# fua_case NAME WANT FIO-ARGS...: ours and fio's io_uring_cmd, both must see WANT.
fua_case() {
	local name=$1 want=$2 engine
	shift 2
	for engine in uringbpf io_uring_cmd; do
		if [ $engine = uringbpf ]; then
			fua_run "$name-$engine" uringbpf --passthru=1 "$@"
		else
			fua_run "$name-$engine" io_uring_cmd --cmd_type=nvme "$@"
		fi
		[ "$FUA_SEEN" = "$want" ] || FUA_WHY="$FUA_WHY the driver set up $FUA_SEEN, want $want;"
		note "$name-$engine: ctrl values $(grep -oE 'nvme_cmd_(read|write) .*ctrl=0x[0-9a-f]+' "$FUA_BASE.trace" |
			sed -E 's/nvme_cmd_([a-z]+) .*ctrl=/\1:/' | sort | uniq -c | tr -s ' \n' ' ')"
		if [ -z "$FUA_WHY" ]; then ok "$name-$engine: $FUA_SEEN"
		else not_ok "$name-$engine:$FUA_WHY"; fi
	done
}

fua_case passthru-fua-none "reads 256 (fua 0) writes 256 (fua 0)"
fua_case passthru-fua-both "reads 256 (fua 256) writes 256 (fua 256)" --readfua=1 --writefua=1
fua_case passthru-fua-write "reads 256 (fua 0) writes 256 (fua 256)" --writefua=1
fua_case passthru-fua-read-sqpoll "reads 256 (fua 256) writes 256 (fua 0)" --readfua=1 --sqthread_poll
rmdir $TI

# What uringbpf does not implement: refused before any I/O, on a real namespace.
refuse() {
	local name=$1 want=$2 rc
	shift 2
	lab_fio uringbpf "$LAB_OUT/$name" --name=$name --filename=$NVME_NG --passthru=1 \
		--rw=randwrite --bs=4k --size=1m "$@"
	rc=$?
	if [ $rc != 0 ] && grep -qxF "$want" "$LAB_OUT/$name.log"; then ok "$name"
	else not_ok "$name: want fio to fail with '$want' (exit $rc; log: $(grep -m 1 -E 'uringbpf: |fio: ' "$LAB_OUT/$name.log"))"; fi
}
refuse passthru-write-mode-zeroes "uringbpf: write_mode=zeroes: uringbpf's passthrough sends NVMe Write only; use ioengine=io_uring_cmd for it" --write_mode=zeroes
refuse passthru-deac "uringbpf: deac=1: it is for write_mode=zeroes, which uringbpf does not implement; use ioengine=io_uring_cmd for it" --deac=1
refuse passthru-verify-compare "uringbpf: verify_mode=compare: uringbpf's passthrough verifies with NVMe Read (fio compares the data); use ioengine=io_uring_cmd for it" --verify_mode=compare
refuse passthru-md-per-io "uringbpf: md_per_io_size=8: uringbpf does not implement metadata buffers; use ioengine=io_uring_cmd for it" --md_per_io_size=8
refuse passthru-pi-chk "uringbpf: pi_chk=GUARD: uringbpf does not implement NVMe protection information; use ioengine=io_uring_cmd for it" --pi_chk=GUARD
refuse passthru-nowait "uringbpf: nowait cannot be used with passthru=1: NVMe commands take no RWF flags, one buffer each and no I/O priority; drop it" --nowait=1
finish
