#!/bin/bash
# fsync=, fdatasync= and sync_file_range= go to the kernel as fio's io_uring
# engine sends them (IORING_OP_FSYNC, IORING_FSYNC_DATASYNC,
# IORING_OP_SYNC_FILE_RANGE): the same number of syncs as fio's engine for
# fsync/fdatasync, and as psync (the sync_file_range(2) call itself) for
# sync_file_range, whose SQE fio 3.41's io_uring engine fills with a stale
# buffer address the kernel rejects.  A sync the kernel fails is named in a
# uringbpf: line; one the ring cannot issue is refused at job start.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm
S=$UB_SCRATCH

json_of() { sed -n '/^{/,$p' "$1" >"$1.json"; echo "$1.json"; }
# syncs FILE: the sync count of job 0 (fio counts every fsync/fdatasync/sync_file_range here)
syncs() { sqlite3 :memory: "select json_extract(readfile('$1'),'\$.jobs[0].sync.lat_ns.N')"; }

common="--size=8m --rw=randwrite --bs=4k --iodepth=8 --output-format=json"
for t in "fsync:--fsync=4:io_uring" "fdatasync:--fdatasync=4:io_uring" \
	 "sync_file_range:--sync_file_range=write:4:psync" \
	 "sync_file_range-wait:--sync_file_range=wait_before,write,wait_after:4:psync" \
	 "fsync-registerfiles:--fsync=4 --registerfiles=1:io_uring"; do
	name=${t%%:*} rest=${t#*:} peer=${t##*:} opts=${rest%:*}
	# registerfiles is ours and fio's io_uring option, not psync's
	peer_opts=$opts
	[ "$peer" = psync ] && peer_opts=${opts//--registerfiles=1/}
	# shellcheck disable=SC2086
	ub_fio_engine --name=s --filename="$S/$name" $common $opts --output="$S/$name.o" >"$S/$name.e" 2>&1
	rc=$?
	# shellcheck disable=SC2086
	ub_fio --ioengine=$peer --name=s --filename="$S/$name.p" $common $peer_opts \
		--output="$S/$name.po" >"$S/$name.pe" 2>&1
	prc=$?
	ours=$(json_of "$S/$name.o") theirs=$(json_of "$S/$name.po")
	a=$(syncs "$ours") b=$(syncs "$theirs") w=$(json_get "$ours" write.total_ios)
	if [ "$rc" != 0 ] || [ "$(fio_json_err "$ours")" != 0 ]; then
		not_ok "sync-$name: our run failed: $(grep -m2 -E 'uringbpf|fio:|err=' "$S/$name.e" "$S/$name.o" | tr '\n' ' ')"
	elif [ "$prc" != 0 ] || [ "$(fio_json_err "$theirs")" != 0 ]; then
		not_ok "sync-$name: the $peer run failed: $(grep -m2 -E 'fio:|err=' "$S/$name.pe" "$S/$name.po" | tr '\n' ' ')"
	# One sync per 4 writes; fio issues none after the job's last write.
	elif [ "$a" != "$b" ] || [ "$a" -lt $((w / 4 - 1)) ] || [ "$a" -gt $((w / 4)) ]; then
		not_ok "sync-$name: ours issued $a syncs for $w writes, $peer $b; want $((w / 4 - 1)) or $((w / 4)), as many as $peer"
	else
		ok "sync-$name: $a syncs for $w writes, as $peer"
	fi
done

# The kernel fails the sync: /dev/null has no fsync (EINVAL) and is no file
# sync_file_range can address (ESPIPE).  The operation is named.
nulltest() {
	local name=$1 opts=$2 want=$3 rc
	timeout -k 5 60 "$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" --name=n --filename=/dev/null \
		--size=1m --rw=write --bs=4k "$opts" >"$S/n-$name.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		not_ok "sync-fails-$name: the job succeeded on /dev/null"
	elif grep -qxF "uringbpf: $want" "$S/n-$name.log"; then
		ok "sync-fails-$name: \"$want\""
	else
		not_ok "sync-fails-$name: no line \"uringbpf: $want\": $(grep -m2 -E 'uringbpf|err=' "$S/n-$name.log" | tr '\n' ' ')"
	fi
}
nulltest fsync --fsync=2 "fsync (IORING_OP_FSYNC) of /dev/null failed: Invalid argument"
nulltest sync_file_range --sync_file_range=write:2 \
	"sync_file_range (IORING_OP_SYNC_FILE_RANGE) of /dev/null failed: Illegal seek"

# restrict=1's allowlist has no SYNC_FILE_RANGE: refused before any I/O.
ub_fio_engine --name=r --filename="$S/r" --size=1m --rw=write --bs=4k --restrict=1 \
	--sync_file_range=write:4 >"$S/r.log" 2>&1
rc=$?
want="uringbpf: sync_file_range= cannot be used with restrict=1: the ring's allowlist has no IORING_OP_SYNC_FILE_RANGE; use fsync= or fdatasync= instead"
if [ "$rc" != 0 ] && grep -qxF "$want" "$S/r.log"; then
	ok "sync-restrict-refused: \"$want\""
else
	not_ok "sync-restrict-refused: rc=$rc: $(grep -m2 -E 'uringbpf|err=' "$S/r.log" | tr '\n' ' ')"
fi
finish
