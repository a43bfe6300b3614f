#!/bin/bash
# fio sizes the job's files through the engine (get_file_size, in fio's main
# process): a job with no size= does the whole device or file, with our
# engine exactly as with fio's io_uring engine, host_identity=1 or not.
# (An engine ->setup hook replaces fio's own sizing: with one, these jobs
# wrote 0 bytes and fio still exited 0.)
source "$UB_TOP/tests/lib.sh"
ub_scratch_init
ub_loopdev 32M || { not_ok "file-size-loop: cannot set up a loop device"; finish; }
dev=$UB_LOOP
head -c 8M /dev/zero >"$UB_SCRATCH/file"

# written ENGINE TARGET [OPTION...]: bytes the job wrote, as fio's JSON says.
written() {
	local engine=$1 target=$2 json
	shift 2
	json=$UB_SCRATCH/out.json
	ub_fio --name=w --ioengine="$engine" --filename="$target" --direct=1 --rw=write --bs=128k \
		--iodepth=8 "$@" --output-format=json --output="$json" >"$UB_SCRATCH/fio.log" 2>&1 ||
		{ echo "fio-exit-$?"; return; }
	json_get "$json" write.io_bytes
}

for t in "$dev" "$UB_SCRATCH/file"; do
	kind=device; [ "$t" = "$dev" ] || kind=file
	want=$(written io_uring "$t")
	expect_eq "file-size-$kind-peer" "$want" "$(stat -L -c %s "$t" 2>/dev/null | grep -v '^0$' || blockdev --getsize64 "$t")"
	expect_eq "file-size-$kind" "$(written "external:$UB_ENGINE" "$t")" "$want"
	expect_eq "file-size-$kind-host-identity" "$(written "external:$UB_ENGINE" "$t" --host_identity=1)" "$want"
done
finish
