#!/bin/bash
# A write profile is refused, with the exact reason and exit 2, on a block
# device that holds a filesystem or a partition table, and the device is left
# untouched; --force lets it through; a read profile and a blank device are
# never refused.  Loop devices over sparse files stand in for disks.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require refuse
ub_scratch_init
command -v mkfs.ext4 >/dev/null || { skip "refuse: no mkfs.ext4"; finish; }

if ! ub_loopdev 64M; then skip "refuse: no loop device (losetup failed)"; finish; fi
fsdev=$UB_LOOP
mkfs.ext4 -q -F "$fsdev" >/dev/null 2>&1 || { not_ok "refuse: mkfs.ext4 $fsdev failed"; finish; }
sum0=$(head -c 4M "$fsdev" | sha256sum)

# check NAME WANT-RC WANT-TEXT ARGS...: exit code and the exact output.
check() {
	local name=$1 want_rc=$2 want=$3 got rc
	shift 3
	got=$(run_sweep --db "$UB_SCRATCH/r.db" --out "$UB_SCRATCH/out-$name" --runtime 1 --iodepths 1 "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then
		ok "refuse-$name"
	else
		not_ok "refuse-$name: exit $rc (want $want_rc), output: $got"
	fi
}

check filesystem 2 \
	"sweep: refusing to run write profile 'seed-table-write' on $fsdev: it holds a filesystem (ext4); pass --force to overwrite it" \
	--profile seed-table-write --target "$fsdev"
# Refused before anything ran: no result folder, no database, the device as it was.
if [ ! -e "$UB_SCRATCH/out-filesystem" ] && [ ! -e "$UB_SCRATCH/r.db" ] &&
	[ "$(head -c 4M "$fsdev" | sha256sum)" = "$sum0" ] &&
	[ "$(blkid -p -o value -s TYPE "$fsdev")" = ext4 ]; then
	ok "refuse-untouched: ext4 intact, nothing written, no DB"
else
	not_ok "refuse-untouched: the device or the results changed"
fi

# A partition table (an MBR with one partition entry), no filesystem.
if ub_loopdev 16M; then
	ptdev=$UB_LOOP
	printf '\x00\x20\x21\x00\x83\x00\x00\x00\x00\x08\x00\x00\x00\x08\x00\x00' |
		dd of="$ptdev" bs=1 seek=446 conv=notrunc status=none
	printf '\x55\xaa' | dd of="$ptdev" bs=1 seek=510 conv=notrunc status=none
	sync
	check partition-table 2 \
		"sweep: refusing to run write profile 'seed-table-write' on $ptdev: it holds a partition table (dos); pass --force to overwrite it" \
		--profile seed-table-write --target "$ptdev"
else
	skip "refuse-partition-table: no second loop device"
fi

# A read profile on the same device is fine (dry run: nothing runs).
out=$(run_sweep --profile seed-table --target "$fsdev" --dry-run 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q -- "--section=interrupt" <<<"$out"; then
	ok "refuse-read-profile-allowed"
else
	not_ok "refuse-read-profile-allowed: exit $rc: $out"
fi
# --force lets the write profile through (dry run: the device survives this test).
out=$(run_sweep --profile seed-table-write --target "$fsdev" --force --dry-run 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q -- "--force: write profile on $fsdev" <<<"$out"; then
	ok "refuse-force: --force passes the check and says so"
else
	not_ok "refuse-force: exit $rc: $out"
fi

# A blank device takes the write profile for real; IOPOLL is skipped because a
# loop device has no poll queues, with that reason.
if ub_loopdev 32M; then
	blank=$UB_LOOP
	run_sweep --profile seed-table-write --target "$blank" --runtime 1 --iodepths 4 \
		--db "$UB_SCRATCH/blank.db" --sweep-name blank --out "$UB_SCRATCH/blank" >"$UB_SCRATCH/blank.log" 2>&1
	rc=$?
	n=$(db_runs "$UB_SCRATCH/blank.db" blank | wc -l)
	if [ $rc = 0 ] && [ "$n" = 2 ]; then
		ok "refuse-blank-device: written (2 runs: interrupt, sqpoll)"
	else
		not_ok "refuse-blank-device: exit $rc, $n runs: $(tail -n 4 "$UB_SCRATCH/blank.log")"
	fi
	if grep -q "^  skip iopoll: IOPOLL needs a device with poll queues; $blank has none (/sys/.*/queue/io_poll is 0; for NVMe: nvme.poll_queues=N)$" "$UB_SCRATCH/blank.log"; then
		ok "refuse-blank-iopoll-skip: the reason names io_poll"
	else
		not_ok "refuse-blank-iopoll-skip: $(grep 'skip iopoll' "$UB_SCRATCH/blank.log")"
	fi
else
	skip "refuse-blank-device: no third loop device"
fi
finish
