#!/bin/sh
# fio with bpf_filter=1 (alone and with restrict=1) on the NVMe drive:
# randwrite + crc32c verify with no error under the filter, and the filter
# the engine installed printed exactly.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

if ! why=$(lab_have_engine uringbpf); then skip "bpf-filter-fio: $why"; finish; fi
[ -b $NVME_BLK ] || { not_ok "bpf-filter-fio: no $NVME_BLK in the guest"; finish; }

filter="bpf filter: allow READ,WRITE,FSYNC with flags FIXED_FILE only; deny other opcodes (classic BPF, DENY_REST); registerfiles=1 forced"
for mode in interrupt iopoll; do
	name=bpf-filter-nvme-$mode-verify
	# shellcheck disable=SC2046
	verify_run $name --filename=$NVME_BLK --direct=1 --bpf_filter=1 $(mode_opts $mode)
	expect_line $name "uringbpf: $name: $filter"
	run_report $name
done

name=bpf-filter-restrict-nvme-sqpoll-verify
verify_run $name --filename=$NVME_BLK --direct=1 --bpf_filter=1 --restrict=1 --sqthread_poll=1
expect_line $name "uringbpf: $name: $filter"
expect_line $name "uringbpf: $name: restrictions: sqe ops READ,WRITE,FSYNC; required flags FIXED_FILE; register ops ENABLE_RINGS; registerfiles=1 forced"
run_report $name
finish
