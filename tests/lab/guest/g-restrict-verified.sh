#!/bin/sh
# The engine's in-job proof on Linux 7.3: with bpf_filter=1 (alone, and with
# restrict=1) and with restrict=1, the job's ring refuses a NOP the allowlist
# forbids with -EACCES before any I/O, the engine says "restrictions
# verified", and the job then writes and verifies its data (crc32c).
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

if ! why=$(lab_have_engine uringbpf); then skip "restrict-verified: $why"; finish; fi
[ -b $NVME_BLK ] || { not_ok "restrict-verified: no $NVME_BLK in the guest"; finish; }

for c in "bpf-filter-interrupt:--bpf_filter=1" \
	"bpf-filter-restrict-sqpoll:--bpf_filter=1 --restrict=1 --sqthread_poll=1" \
	"bpf-filter-restrict-iopoll:--bpf_filter=1 --restrict=1 --hipri=1" \
	"restrict-iopoll:--restrict=1 --hipri=1"; do
	name=verified-${c%%:*}
	# shellcheck disable=SC2086
	verify_run $name --filename=$NVME_BLK --direct=1 ${c#*:}
	expect_line $name "uringbpf: $name: restrictions verified: a NOP the allowlist forbids completed with -EACCES"
	run_report $name
done
finish
