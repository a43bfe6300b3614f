#!/bin/sh
# uringbpf-db --device on the emulated NVMe: the device row holds what NVMe
# Identify (libnvme) says: model "QEMU NVMe Ctrl", the serial uringbpf lab
# gives the drive, and the LBA size the block layer uses; the same through
# the generic char device /dev/ng0n1.  (The host has no NVMe: t-db-import
# skips this and points here.)
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

db_tool=/lab/build/uringbpf-db
[ -x $db_tool ] || { skip "db-nvme-identify: build/uringbpf-db was not built on the host"; finish; }
command -v sqlite3 >/dev/null || { skip "db-nvme-identify: no sqlite3 CLI in the guest"; finish; }
db=$LAB_OUT/r.db
lba=$(cat /sys/block/nvme0n1/queue/logical_block_size)
for dev in /dev/nvme0n1 /dev/ng0n1; do
	name=db-nvme-identify-$(basename $dev)
	# One fio result per device: an import of the same bytes twice is one run.
	json=$LAB_OUT/$(basename $dev).json
	fio --name=id-$(basename $dev) --filename=/dev/nvme0n1 --ioengine=psync --rw=read --bs=4k \
		--size=1m --output-format=json --output=$json >$LAB_OUT/fio.log 2>&1 ||
		{ not_ok "$name: fio failed: $(tail -n 1 $LAB_OUT/fio.log)"; continue; }
	out=$($db_tool --db $db import --sweep "$(basename $dev)" --device $dev $json 2>&1) ||
		{ not_ok "$name: import failed: $out"; continue; }
	got=$(sqlite3 $db "SELECT nvme || '|' || model || '|' || serial || '|' || lba_size FROM devices
		WHERE path = '$dev'")
	want="1|QEMU NVMe Ctrl|uringbpf-lab|$lba"
	if [ "$got" = "$want" ]; then ok "$name: $got"
	else not_ok "$name: device row '$got', want '$want'"; fi
done
finish
