#!/bin/sh
# IOPOLL (hipri=1) and SQPOLL+IOPOLL on null_blk with poll queues, with our
# engine and with fio's io_uring engine: randwrite with verify=crc32c, then
# randread checking each block's crc32c.  The boot loads null_blk with
# queue_mode=2 poll_queues=2 submit_queues=2 gb=1 memory_backed=1 (without
# memory_backed, null_blk drops the data and verify is meaningless).
# Asserted for each run: fio succeeds with no verify error; the ring was
# created with IORING_SETUP_IOPOLL (and SQPOLL), as the engine also says; the
# block layer's poll (blk_hctx_poll -> null_poll) reaped every completion.
# An interrupt-mode control run must show no polled completion.
# lab-boot: poll_queues=2 null_blk=1
. /lab/tests/lab/guest/lib.sh

dev=/dev/nullb0
[ -b $dev ] || { not_ok "nullb: no $dev in the guest (null_blk '$LAB_NULL_BLK')"; finish; }
io_poll=$(lab_io_poll $dev)
if [ "$io_poll" = 1 ]; then ok "nullb-io_poll: queue/io_poll=1"
else not_ok "nullb-io_poll: queue/io_poll is '$io_poll', want 1 (null_blk $LAB_NULL_BLK)"; finish; fi
lab_no_merges $dev
note "null_blk parameters: poll_queues=$(cat /sys/module/null_blk/parameters/poll_queues) memory_backed=$(cat /sys/module/null_blk/parameters/memory_backed)"

name="nullb-interrupt-control[io_uring]"
lab_case $dev io_uring interrupt randwrite "$name"
[ "$CASE_POLLED" = 0 ] || CASE_WHY="$CASE_WHY $CASE_POLLED completions reaped by polling without hipri;"
note "$name: $CASE_IOS I/Os, $CASE_POLLED polled completions"
case_report "$name"

check_polled() {
	[ "$CASE_IOS" -gt 0 ] && [ "$CASE_POLLED" -ge "$CASE_IOS" ] ||
		CASE_WHY="$CASE_WHY polling reaped $CASE_POLLED completions for $CASE_IOS I/Os;"
	note "$name: $CASE_IOS I/Os, $CASE_POLLED completions reaped by $CASE_POLL_HITS polls, ${LAB_FIO_SECS}s"
}
lab_polled_cases nullb $dev check_polled
finish
