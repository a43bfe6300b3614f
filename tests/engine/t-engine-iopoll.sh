#!/bin/bash
# IOPOLL data path (hipri=1, alone and with SQPOLL) needs a device with poll
# queues.  The host has none, so it is proven in the kernel lab
# (tests/lab/guest/g-iopoll-*.sh on emulated NVMe and null_blk); here we only
# say so, and run it when the user points UB_IOPOLL_DEV at a scratch device.
source "$UB_TOP/tests/lib.sh"
dev=${UB_IOPOLL_DEV:-}
if [ -z "$dev" ]; then
	skip "iopoll-host: no device with poll queues on this host; IOPOLL runs in the kernel lab (t-lab), or set UB_IOPOLL_DEV=/dev/nvmeXnY (its data is overwritten)"
	exit 0
fi
ub_scratch_init /tmp
for mode in "iopoll:--hipri=1" "sqpoll-iopoll:--hipri=1 --sqthread_poll=1"; do
	# shellcheck disable=SC2086
	ub_fio_engine ${mode#*:} --name=p --filename="$dev" --direct=1 --size=64m --rw=randwrite --bs=4k \
		--iodepth=16 --verify=crc32c --verify_fatal=1 --output-format=json \
		--output="$UB_SCRATCH/o.json" >"$UB_SCRATCH/log" 2>&1
	if [ $? = 0 ] && [ "$(fio_json_err "$UB_SCRATCH/o.json")" = 0 ]; then ok "iopoll-${mode%%:*} on $dev"
	else not_ok "iopoll-${mode%%:*} on $dev: $(grep -m2 -E 'uringbpf|verify|fio:' "$UB_SCRATCH/log" | tr '\n' ' ')"; fi
done
finish
