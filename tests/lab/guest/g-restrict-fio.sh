#!/bin/sh
# fio with restrict=1 on the NVMe drive in every ring mode: randwrite, then
# every block read back and checked (crc32c), no error; the engine prints
# exactly the allowlist it installed.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

if ! why=$(lab_have_engine uringbpf); then skip "restrict-fio: $why"; finish; fi
[ -b $NVME_BLK ] || { not_ok "restrict-fio: no $NVME_BLK in the guest"; finish; }

for mode in interrupt sqpoll iopoll sqpoll-iopoll; do
	name=restrict-nvme-$mode-verify
	# shellcheck disable=SC2046
	verify_run $name --filename=$NVME_BLK --direct=1 --restrict=1 $(mode_opts $mode)
	expect_line $name "uringbpf: $name: restrictions: sqe ops READ,WRITE,FSYNC; required flags FIXED_FILE; register ops ENABLE_RINGS; registerfiles=1 forced"
	run_report $name
done

name=restrict-nvme-fixedbufs-ringfd-verify
verify_run $name --filename=$NVME_BLK --direct=1 --restrict=1 --hipri=1 --fixedbufs=1 \
	--registerfiles=1 --register_ring_fd=1
expect_line $name "uringbpf: $name: restrictions: sqe ops READ_FIXED,WRITE_FIXED,FSYNC; required flags FIXED_FILE; register ops ENABLE_RINGS,UNREGISTER_RING_FDS"
run_report $name
finish
