#!/bin/sh
# IOPOLL (hipri=1) and SQPOLL+IOPOLL on the emulated NVMe drive, with our
# engine and with fio's io_uring engine: randwrite with verify=crc32c (every
# block read back and checked), then randread checking each block's crc32c.
# Asserted for each run: fio succeeds with no verify error; the ring was
# created with IORING_SETUP_IOPOLL (and SQPOLL), as the engine also says;
# every NVMe I/O command went to a poll queue (nvme_setup_cmd qid); no NVMe
# I/O-queue interrupt fired; the block layer's poll reaped the completions.
# An interrupt-mode control run shows that this evidence tells the modes apart.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

dev=/dev/nvme0n1
[ -b $dev ] || { not_ok "nvme: no $dev in the guest"; finish; }
io_poll=$(lab_io_poll $dev)
if [ "$io_poll" = 1 ]; then ok "nvme-io_poll: queue/io_poll=1"
else not_ok "nvme-io_poll: queue/io_poll is '$io_poll', want 1 (nvme.poll_queues=$LAB_POLL_QUEUES)"; finish; fi
pqids=$(lab_nvme_poll_qids nvme0)
[ -n "$pqids" ] || { not_ok "nvme-poll-queues: the nvme driver reported no poll queues: $(dmesg | grep -m 1 'poll queues')"; finish; }
note "nvme0 poll queue ids: $pqids"
lab_no_merges $dev

# nvme_ios BASE: "ON-POLL-QUEUES OTHER-IO-QUEUES" command counts.
nvme_ios() {
	awk -v pq=" $pqids " '$1 > 0 { if (index(pq, " " $1 " ")) p += $2; else o += $2 }
		END { print p + 0, o + 0 }' "$1.nvme_setup_cmd.hist"
}

check_polled() {
	local on other
	set -- $(nvme_ios "$CASE_BASE")
	on=$1 other=$2
	[ "$other" = 0 ] || CASE_WHY="$CASE_WHY $other NVMe I/O commands went to interrupt queues (poll qids: $pqids);"
	[ "$on" -ge "$CASE_IOS" ] && [ "$CASE_IOS" -gt 0 ] ||
		CASE_WHY="$CASE_WHY only $on NVMe commands on poll queues for $CASE_IOS I/Os;"
	[ "$CASE_IRQS" = 0 ] || CASE_WHY="$CASE_WHY $CASE_IRQS NVMe I/O-queue interrupts during a polled run;"
	[ "$CASE_POLL_HITS" -gt 0 ] || CASE_WHY="$CASE_WHY blk_hctx_poll never reaped a completion;"
	note "$name: $CASE_IOS I/Os, $on commands on poll queues, $other elsewhere, $CASE_IRQS I/O interrupts, $CASE_POLL_HITS reaping polls, ${LAB_FIO_SECS}s"
}

# Control: interrupt mode must show the opposite evidence.
name="nvme-interrupt-control[io_uring]"
lab_case $dev io_uring interrupt randwrite "$name"
set -- $(nvme_ios "$CASE_BASE")
[ "$1" = 0 ] || CASE_WHY="$CASE_WHY $1 commands on poll queues without hipri;"
[ "$CASE_IRQS" -gt 0 ] || CASE_WHY="$CASE_WHY no NVMe interrupts in interrupt mode: the IRQ evidence is blind;"
[ "$CASE_POLL_HITS" = 0 ] || CASE_WHY="$CASE_WHY $CASE_POLL_HITS polls reaped completions without hipri;"
note "$name: $CASE_IOS I/Os, $2 commands on interrupt queues, $CASE_IRQS I/O interrupts"
case_report "$name"

lab_polled_cases nvme $dev check_polled
finish
