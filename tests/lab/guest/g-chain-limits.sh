#!/bin/sh
# The BPF chain's limits and refusals (issue 20.2-20.4):
#  - bpf_chain=1 whose last slot buffer (iodepth rounded up to a power of
#    2, x bs) would start past the verifier's 512 MiB is refused in one line
#    at init, before anything is mapped or loaded (no verifier dump); the
#    largest accepted depth at bs=1m (512) runs and reaches the device's
#    digest.
#  - restrict=1 (and bpf_filter=1) with bpf_chain=1 run: the chain's region
#    is registered before the ring is restricted; same digest as the walk.
#  - a block with a valid header whose next pointer leaves the device (2^52
#    blocks of 4 KiB wraps to offset 0; 2^52-1 is past any offset) is named
#    as such, in user space and in the BPF loop, and never followed.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

MKCHAIN=/lab/build/uringbpf-mkchain
dev=/dev/nvme0n1
[ -x $MKCHAIN ] || { not_ok "chain-limits: no $MKCHAIN (make on the host builds it)"; finish; }
why=$(lab_have_engine uringbpf) || { skip "chain-limits: $why"; finish; }

# job NAME FIO-ARGS...: a chain job on the drive; RC, BASE and DIGEST set.
job() {
	BASE=$LAB_OUT/$1
	shift
	lab_fio uringbpf "$BASE" --name=chain --filename=$dev --direct=1 --rw=read "$@"
	RC=$?
	DIGEST=$(sed -n 's/.*final-block digest \(0x[0-9a-f]*\).*/\1/p' "$BASE.log")
}

# ---- 20.2: the region limit, refused in one line before anything is mapped
$MKCHAIN -b 1048576 -s 3 $dev 16m >/dev/null || { not_ok "chain-limits: uringbpf-mkchain -b 1m failed"; finish; }
want_1m=$($MKCHAIN --digest -l 4 -b 1048576 $dev)
# IODEPTH BS BS-BYTES SLOTS LAST-SLOT-MiB LARGEST-IODEPTH
for c in "513 1m 1048576 1024 1023 512" "1024 516k 528384 1024 515 512"; do
	set -- $c
	name=chain-region-refused-iodepth-$1-bs-$2
	job $name --bs=$2 --size=16m --iodepth=$1 --chain_len=4 --bpf_chain=1
	want="uringbpf: bpf_chain=1: iodepth=$1 x bs=$3 needs $4 slot buffers (iodepth rounded up to a power of 2), the last at $5 MiB into the chain's region, and the BPF verifier lets the program address less than 512 MiB; use iodepth<=$6 at bs=$3, or a smaller bs"
	lines=$(grep -c . "$BASE.log")
	if [ $RC = 0 ]; then not_ok "$name: fio succeeded"
	elif ! grep -qxF "$want" "$BASE.log"; then
		not_ok "$name: no line '$want' (got: $(grep -m 2 'uringbpf:' "$BASE.log" | tr '\n' ' '))"
	elif grep -qE 'libbpf|attached|cannot map' "$BASE.log"; then
		not_ok "$name: the program was loaded or the region mapped before the refusal: $(grep -m 1 -E 'libbpf|attached|cannot map' "$BASE.log")"
	elif [ "$(grep -c '^uringbpf:' "$BASE.log")" != 1 ]; then
		not_ok "$name: $(grep -c '^uringbpf:' "$BASE.log") engine lines, want the one refusal ($lines lines in all)"
	else ok "$name ($lines log lines)"; fi
done
# The largest depth at bs=1m: the verifier takes it, and the chain is right.
name=chain-region-largest-iodepth-512
job $name --bs=1m --size=16m --iodepth=512 --chain_len=4 --bpf_chain=1
if [ $RC != 0 ]; then not_ok "$name: fio exited $RC: $(grep -m 2 -E 'uringbpf:|fio:|verifier' "$BASE.log" | tr '\n' ' ')"
elif [ "$DIGEST" != "$want_1m" ]; then not_ok "$name: digest '$DIGEST', the device's walk gives $want_1m"
else ok "$name ($(grep -o '512 slots, region [0-9]* KiB' "$BASE.log"))"; fi

# ---- 20.3: restrict=1 / bpf_filter=1 with the BPF chain
$MKCHAIN -b 4096 -s 11 $dev 1m >/dev/null || { not_ok "chain-limits: uringbpf-mkchain -b 4k failed"; finish; }
want_4k=$($MKCHAIN --digest -l 8 -b 4096 $dev)
for opts in "--restrict=1 --bpf_chain=1" "--bpf_filter=1 --bpf_chain=1" "--restrict=1 --bpf_filter=1 --bpf_chain=1" "--restrict=1 --bpf_chain=0"; do
	name=chain-$(echo "$opts" | sed 's/--//g; s/=1//g; s/=0/0/g; s/ /-/g')
	# shellcheck disable=SC2086
	job $name --bs=4k --size=1m --iodepth=8 --chain_len=8 $opts
	if [ $RC != 0 ]; then not_ok "$name: fio exited $RC: $(grep -m 2 -E 'uringbpf:|fio:' "$BASE.log" | tr '\n' ' ')"
	elif [ "$DIGEST" != "$want_4k" ]; then not_ok "$name: digest '$DIGEST', the device's walk gives $want_4k"
	else ok "$name ($DIGEST)"; note "$name: $(grep -m 1 -E 'restrictions:|bpf filter:' "$BASE.log")"; fi
done

# ---- 20.4: a valid header whose next pointer leaves the device
# Block 3's header of the seed-11 4 KiB chain, rewritten by
# tests/chain/chainforge.py FILE 4096 3 NEXT 2^53 (valid checksum).
hdr_4503599627370496='\125\102\103\110\101\111\116\061\003\000\000\000\000\000\000\000\000\000\000\000\000\000\020\000\000\000\000\000\000\000\040\000\000\020\000\000\013\000\000\000\365\170\335\303\051\102\066\260'
hdr_4503599627370495='\125\102\103\110\101\111\116\061\003\000\000\000\000\000\000\000\377\377\377\377\377\377\017\000\000\000\000\000\000\000\040\000\000\020\000\000\013\000\000\000\020\265\266\133\106\372\030\233'
for next in 4503599627370496 4503599627370495; do
	$MKCHAIN -b 4096 -s 11 $dev 1m >/dev/null
	eval "hdr=\$hdr_$next"
	# shellcheck disable=SC2059
	printf "$hdr" | dd of=$dev bs=48 seek=256 count=1 conv=notrunc 2>/dev/null
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for bpf in 0 1; do
		name=chain-next-out-of-range-$next-bpf$bpf
		job $name --bs=4k --offset=12288 --size=4k --chain_len=2 --bpf_chain=$bpf
		want="uringbpf: chain: block 3 (offset 12288) of $dev points to block $next, past the end of the file ("
		if [ $RC = 0 ] && [ "$(json_get "$BASE.json" error)" = 0 ]; then not_ok "$name: fio succeeded"
		elif ! grep -qF "$want" "$BASE.log" || ! grep -qF "its next pointer is out of range" "$BASE.log"; then
			not_ok "$name: no line '$want...' (got: $(grep -m 2 -E 'uringbpf: chain|io_u error' "$BASE.log" | tr '\n' ' '))"
		else ok "$name"; note "$name: $(grep -m 1 -F "$want" "$BASE.log" | cut -c1-160)"; fi
	done
done
finish
