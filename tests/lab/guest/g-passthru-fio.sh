#!/bin/sh
# NVMe passthrough (passthru=1: IORING_OP_URING_CMD, NVME_URING_CMD_IO on
# /dev/ng0n1, SQE128/CQE32 ring) in every ring mode, with fixed buffers and
# under restrict=1 + bpf_filter=1, and from /dev/nvme0n1 (mapped to its ng
# twin): randwrite, then every block read back and checked (crc32c).
# Evidence per run: the ring was created with SQE128|CQE32 (io_uring_create
# trace); the NVMe driver set up at least one I/O command per fio I/O
# (nvme_setup_cmd) while the block layer's own counters for nvme0n1 did not
# move (passthrough requests are not block I/O); with IOPOLL every command
# went to a poll queue.  The identify line names the emulated controller
# (model "QEMU NVMe Ctrl"), and refusals (bs not a multiple of the LBA
# size, a regular file) are the engine's exact sentences.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

if ! why=$(lab_have_engine uringbpf); then skip "passthru: $why"; finish; fi
[ -c $NVME_NG ] || { not_ok "passthru: no $NVME_NG in the guest"; finish; }
pqids=$(lab_nvme_poll_qids nvme0)

# blk_ios: reads + writes completed on nvme0n1 by the block layer.
blk_ios() { awk '{ print $1 + $5 }' /sys/block/nvme0n1/stat; }

# passthru_run NAME MODE FIO-ARGS...: verify_run with the passthrough evidence.
passthru_run() {
	local name=$1 mode=$2 blk0 err flags f on other
	shift 2
	blk0=$(blk_ios)
	err=$(lab_trace_start) || { not_ok "$name: tracing: $err"; return; }
	# shellcheck disable=SC2046
	verify_run "$name" --passthru=1 $(mode_opts "$mode") "$@"
	lab_trace_stop "$RUN_BASE"
	[ "$(blk_ios)" = "$blk0" ] ||
		RUN_WHY="$RUN_WHY block-layer counters of nvme0n1 moved ($blk0 -> $(blk_ios)): not passthrough;"
	flags=$(hist_keys "$RUN_BASE.io_uring_create.hist")
	[ -n "$flags" ] || RUN_WHY="$RUN_WHY no io_uring ring was created;"
	for f in $flags; do
		[ $((f & 0xc00)) = $((0xc00)) ] || RUN_WHY="$RUN_WHY ring flags $(printf 0x%x "$f") lack SQE128|CQE32;"
	done
	# I/O queues only: qid 0 carries the engine's Identify commands.
	set -- $(awk -v pq=" $pqids " '$1 > 0 { if (index(pq, " " $1 " ")) p += $2; else o += $2 }
		END { print p + 0, o + 0 }' "$RUN_BASE.nvme_setup_cmd.hist")
	on=$1 other=$2
	[ $((on + other)) -ge "$RUN_IOS" ] ||
		RUN_WHY="$RUN_WHY only $((on + other)) NVMe I/O commands for $RUN_IOS I/Os;"
	case $mode in
	*iopoll) [ "$other" = 0 ] || RUN_WHY="$RUN_WHY $other NVMe commands off the poll queues ($pqids) with hipri=1;" ;;
	esac
	note "$name: $RUN_IOS I/Os, $on NVMe commands on poll queues, $other on others, block counters unchanged: $([ "$(blk_ios)" = "$blk0" ] && echo yes || echo no)"
}

ident='passthru: /dev/ng0n1 nsid 1, LBA 512 bytes, metadata 0 bytes'
for mode in interrupt sqpoll iopoll sqpoll-iopoll; do
	name=passthru-ng-$mode-verify
	passthru_run $name $mode --filename=$NVME_NG
	grep -q "^uringbpf: $name: $ident, .*model \"QEMU NVMe Ctrl\"" "$RUN_BASE.log" ||
		RUN_WHY="$RUN_WHY no identify line with model \"QEMU NVMe Ctrl\": $(grep -m 1 passthru "$RUN_BASE.log");"
	run_report $name
done

name=passthru-ng-fixedbufs-restrict-bpf-iopoll-verify
passthru_run $name iopoll --filename=$NVME_NG --fixedbufs=1 --restrict=1 --bpf_filter=1
expect_line $name "uringbpf: $name: restrictions: sqe ops URING_CMD; required flags FIXED_FILE; register ops ENABLE_RINGS; registerfiles=1 forced"
expect_line $name "uringbpf: $name: bpf filter: allow URING_CMD with flags FIXED_FILE only; deny other opcodes (classic BPF, DENY_REST); registerfiles=1 forced"
run_report $name

name=passthru-mapped-nvme0n1-sqpoll-verify
passthru_run $name sqpoll --filename=$NVME_BLK --fixedbufs=1
grep -q "^uringbpf: $name: $ident, .*, mapped from $NVME_BLK\$" "$RUN_BASE.log" ||
	RUN_WHY="$RUN_WHY no identify line mapped from $NVME_BLK;"
run_report $name

# Refusals, word for word.
name=passthru-bs-not-lba-multiple
lab_fio uringbpf "$LAB_OUT/$name" --name=$name --filename=$NVME_NG --passthru=1 --rw=randread --bs=1000 --size=1m
rc=$?
want="uringbpf: passthru=1: bs=1000 is not a multiple of the LBA size of $NVME_NG (512 bytes, from Identify Namespace); use a multiple of 512"
if [ $rc != 0 ] && grep -qxF "$want" "$LAB_OUT/$name.log"; then ok $name
else not_ok "$name: want fio to fail with '$want' (log: $LAB_OUT/$name.log)"; fi

name=passthru-regular-file-refused
dd if=/dev/zero of=/tmp/passthru-file bs=1M count=1 2>/dev/null
lab_fio uringbpf "$LAB_OUT/$name" --name=$name --filename=/tmp/passthru-file --passthru=1 --rw=randread --bs=4k --size=1m
rc=$?
want="uringbpf: passthru=1: /tmp/passthru-file is not an NVMe namespace: passthrough needs /dev/ngXnY (or /dev/nvmeXnY, which the engine maps to its ng twin); use passthru=0 for files and other devices"
if [ $rc != 0 ] && grep -qxF "$want" "$LAB_OUT/$name.log"; then ok $name
else not_ok "$name: want fio to fail with '$want' (log: $LAB_OUT/$name.log)"; fi
rm -f /tmp/passthru-file
finish
