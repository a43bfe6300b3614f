#!/bin/bash
# Every ring mode the host supports writes and verifies data (verify=crc32c)
# with zero mismatches, on tmpfs, ext4 (buffered and O_DIRECT) and a raw loop
# device (O_DIRECT).  IOPOLL needs poll queues: that runs in the kernel lab.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"

# Every setup step must work: a failed one is "not ok" naming it, never a
# run on some other target (a second loop device that fails would leave
# UB_LOOP at the first, a failed mount would leave ext4/ on /tmp).
setup_fail() { not_ok "verify-setup: $*"; finish; }
ub_loopdev 512M || setup_fail "cannot create the ext4 loop device (losetup: $(losetup -f 2>&1))"
loop=$UB_LOOP
ub_loopdev 256M || setup_fail "cannot create the raw loop device (losetup: $(losetup -f 2>&1))"
rawloop=$UB_LOOP
[ "$rawloop" != "$loop" ] && [ -b "$rawloop" ] || setup_fail "the raw loop device '$rawloop' is not a second block device"
mkfs.ext4 -q -F "$loop" >"$UB_SCRATCH/mkfs.log" 2>&1 || setup_fail "mkfs.ext4 $loop: $(tail -n 1 "$UB_SCRATCH/mkfs.log")"
mkdir -p "$UB_SCRATCH/ext4" || setup_fail "mkdir $UB_SCRATCH/ext4"
mount "$loop" "$UB_SCRATCH/ext4" 2>"$UB_SCRATCH/mount.log" || setup_fail "mount $loop: $(tail -n 1 "$UB_SCRATCH/mount.log")"
[ "$(findmnt -n -o SOURCE,FSTYPE --target "$UB_SCRATCH/ext4")" = "$loop ext4" ] ||
	setup_fail "$UB_SCRATCH/ext4 is not the ext4 on $loop: $(findmnt -n -o SOURCE,FSTYPE --target "$UB_SCRATCH/ext4")"
ok "verify-setup: ext4 on $loop, raw $rawloop"

modes=(
	"interrupt:"
	"sqpoll:--sqthread_poll=1"
	"sqpoll-sleep:--sqthread_poll=1 --sqpoll_spin_us=0"
	"sqpoll-spin:--sqthread_poll=1 --sqpoll_spin_us=1000000"
	"fixed:--fixedbufs=1 --registerfiles=1"
	"ringfd:--register_ring_fd=1 --fixedbufs=1"
	"no-defer:--defer_taskrun=0"
	"vectored:--nonvectored=0"
	"sqpoll-fixed-cpu:--sqthread_poll=1 --sqthread_poll_cpu=1 --fixedbufs=1 --registerfiles=1"
)
targets=(
	"tmpfs:$shm/f:0"
	"ext4-buffered:$UB_SCRATCH/ext4/f:0"
	"ext4-direct:$UB_SCRATCH/ext4/g:1"
	"loop-direct:$rawloop:1"
)

for t in "${targets[@]}"; do
	IFS=: read -r tname path direct <<<"$t"
	for m in "${modes[@]}"; do
		mname=${m%%:*} opts=${m#*:}
		name="verify-$tname-$mname"
		out="$UB_SCRATCH/$name.json"
		# shellcheck disable=SC2086
		ub_fio_engine $opts --name="$name" --filename="$path" --size=16m --direct="$direct" \
			--rw=randwrite --bs=4k --iodepth=16 --verify=crc32c --do_verify=1 \
			--verify_fatal=1 --output-format=json --output="$out" >"$UB_SCRATCH/$name.log" 2>&1
		rc=$?
		err=$(fio_json_err "$out" 2>/dev/null)
		written=$(json_get "$out" write.io_bytes 2>/dev/null)
		read_back=$(json_get "$out" read.io_bytes 2>/dev/null)
		if [ "$rc" = 0 ] && [ "$err" = 0 ] && [ "$written" = 16777216 ] && [ "$read_back" = 16777216 ]; then
			ok "$name"
		else
			not_ok "$name: rc=$rc error=$err written=$written verified=$read_back: $(grep -m2 -iE 'verify|uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"
		fi
	done
done

# Mixed workloads, odd sizes, several jobs, batching: still 0 mismatches.
extra=(
	"randrw-bs-mix:--rw=randrw --bsrange=512-64k --bs_unaligned=0 --iodepth=32"
	"seq-write-128k:--rw=write --bs=128k --iodepth=8"
	"numjobs-4:--rw=randwrite --bs=4k --iodepth=8 --numjobs=4 --thread=1"
	"batched:--rw=randwrite --bs=4k --iodepth=32 --iodepth_batch_submit=8 --iodepth_batch_complete_min=4 --iodepth_batch_complete_max=16"
	"sqpoll-numjobs-2:--rw=randwrite --bs=8k --iodepth=16 --numjobs=2 --sqthread_poll=1"
)
for e in "${extra[@]}"; do
	name="verify-${e%%:*}" opts=${e#*:}
	out="$UB_SCRATCH/$name.json"
	# shellcheck disable=SC2086
	ub_fio_engine --name="$name" --directory="$shm" --size=8m $opts \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --group_reporting=0 \
		--output-format=json --output="$out" >"$UB_SCRATCH/$name.log" 2>&1
	rc=$?
	err=$(fio_json_err "$out" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$err" = 0 ]; then ok "$name"; else
		not_ok "$name: rc=$rc error=$err: $(grep -m2 -iE 'verify|uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"; fi
done
finish
