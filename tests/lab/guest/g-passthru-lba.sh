#!/bin/sh
# passthru=1 never writes to another LBA than the I/O's own (issue 20.1):
# an I/O whose offset is not a whole LBA must not be rounded down to one.
# Each case zeroes the first 64 KiB of the drive, runs fio on /dev/ng0n1
# with buffer_pattern=0xAA, then reads the drive back with dd (page cache
# dropped, so the bytes come from the drive), not only with fio's verify.
#  - offset_increment=8292 (numjobs=2) and rw=write:100 are refused at job
#    start with one line naming the option; nothing is written.
#  - an iolog replaying a write at offset 8292 (options cannot foresee it)
#    fails that I/O with EINVAL (the engine's line names offset 8292; the
#    drive is untouched around 8192), while the aligned write
#    of the same log lands where it should.
#  - offset_increment=8704 (17 LBAs) is accepted and lands at 8704 exactly.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

NG=/dev/ng0n1
BLK=/dev/nvme0n1
why=$(lab_have_engine uringbpf) || { skip "passthru-lba: $why"; finish; }
[ -c $NG ] || { not_ok "passthru-lba: no $NG in the guest"; finish; }

zero_head() { dd if=/dev/zero of=$BLK bs=64k count=1 oflag=direct 2>/dev/null || dd if=/dev/zero of=$BLK bs=64k count=1 conv=fsync 2>/dev/null; }

# bytes OFF LEN: the drive's bytes [OFF, OFF+LEN) as one hex string (whole
# 512-byte sectors).
bytes() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dd if=$BLK bs=512 skip=$(( $1 / 512 )) count=$(( $2 / 512 )) 2>/dev/null |
		od -An -tx1 -v | tr -d ' \n'
}

# all OFF LEN HEXBYTE: every byte of the range is HEXBYTE ("why" otherwise).
all() {
	local got want
	got=$(bytes "$1" "$2")
	want=$(printf "%$(( $2 ))s" | sed "s/ /$3/g")
	[ "$got" = "$want" ] && return 0
	echo "bytes $1..$(( $1 + $2 - 1 )) are not all $3 (first: $(echo "$got" | cut -c1-16), at $1)"
	return 1
}

# refused NAME WANT-LINE FIO-ARGS...: fio fails with WANT-LINE and the drive's
# first 64 KiB stay zero.
refused() {
	local name=$1 want=$2 base=$LAB_OUT/$1 rc w
	shift 2
	zero_head
	lab_fio uringbpf "$base" --name=$name --filename=$NG --passthru=1 --rw=write --bs=4k \
		--size=4k --buffer_pattern=0xAA --thread "$@"
	rc=$?
	if [ $rc = 0 ] && [ "$(json_get "$base.json" error)" = 0 ]; then
		w="fio succeeded;"
	elif ! grep -qxF "$want" "$base.log"; then
		w="no line '$want' (got: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' '));"
	fi
	w="$w $(all 0 65536 00)"
	if [ -z "${w# }" ]; then ok "$name"; else not_ok "$name: $w (files: $base.*)"; fi
}

align="so I/O offsets would not be whole LBAs; use a multiple of 512"
refused passthru-lba-offset-increment-8292 \
	"uringbpf: passthru=1: offset_increment=8292 is not a multiple of the LBA size of $NG (512 bytes), $align" \
	--numjobs=2 --offset_increment=8292
refused passthru-lba-rw-skip-100 \
	"uringbpf: passthru=1: rw=write:100 is not a multiple of the LBA size of $NG (512 bytes), $align" \
	--rw=write:100 --size=16k

# An iolog: an aligned write at 16384, then one at 8292.
name=passthru-lba-iolog-8292
base=$LAB_OUT/$name
printf 'fio version 2 iolog\n%s add\n%s open\n%s write 16384 4096\n%s write 8292 4096\n%s close\n' \
	$NG $NG $NG $NG $NG >"$base.iolog"
zero_head
lab_fio uringbpf "$base" --name=$name --passthru=1 --read_iolog="$base.iolog" --bs=4k \
	--buffer_pattern=0xAA --thread
rc=$?
w=
want="uringbpf: passthru=1: an I/O of 4096 bytes at offset 8292 of $NG is not whole LBAs"
grep -qF "$want" "$base.log" || w="$w no line '$want...';"
# fio reports an I/O failed in ->queue as the job's error, without its offset.
grep -q "err=22.*error=Invalid argument" "$base.log" && [ "$(json_get "$base.json" error)" = 22 ] ||
	w="$w fio reported no EINVAL (exit $rc, JSON error $(json_get "$base.json" error));"
w="$w $(all 16384 4096 aa) $(all 8192 8192 00) $(all 0 8192 00)"
if [ -z "$(echo "$w" | tr -d ' ')" ]; then ok "$name"; else not_ok "$name: $w (files: $base.*)"; fi

# Whole LBAs: accepted, and the second job's write is at exactly 8704.
name=passthru-lba-offset-increment-8704
base=$LAB_OUT/$name
zero_head
lab_fio uringbpf "$base" --name=$name --filename=$NG --passthru=1 --rw=write --bs=4k --size=4k \
	--numjobs=2 --offset_increment=8704 --buffer_pattern=0xAA --thread
rc=$?
w=
[ $rc = 0 ] || w="fio exited $rc: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' ');"
w="$w $(all 0 4096 aa) $(all 4096 4608 00) $(all 8704 4096 aa) $(all 12800 4096 00)"
if [ -z "$(echo "$w" | tr -d ' ')" ]; then ok "$name"; else not_ok "$name: $w (files: $base.*)"; fi
finish
