#!/bin/bash
# uringbpf bench refuses bad options with one line naming the option, exit
# 1, before it makes anything under --out or runs anything.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp

# expect NAME "MESSAGE" ARGS...: exit 1, exactly MESSAGE on stderr, no --out folder.
expect() {
	local name=$1 want=$2 got rc
	shift 2
	got=$("$UB_BUILD/uringbpf" bench --out "$UB_SCRATCH/$name" --fio "$(ub_fio_bin)" \
		--engine "$UB_ENGINE" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 1 ] && [ "$got" = "$want" ] && [ ! -e "$UB_SCRATCH/$name" ]; then
		ok "$name"
	else
		not_ok "$name: exit $rc, stderr '$got', $([ -e "$UB_SCRATCH/$name" ] && echo "--out made, ")wanted exit 1 and '$want'"
	fi
}
expect bench-mode-unknown "bench: unknown mode 'polled'" --modes interrupt,polled
expect bench-peer-unknown "bench: unknown peer 'spdk'" --peers io_uring,spdk
expect bench-repeats-zero "bench: --repeats needs a positive integer" --repeats 0
expect bench-batch-negative "bench: --batch needs an integer >= 0" --batch -1
expect bench-runtime-bad "bench: --runtime needs seconds, e.g. 1 or 0.5" --runtime 1s
expect bench-iodepth-bad "bench: --iodepths: 'x' is not an iodepth (use e.g. 1,8,16,32)" --iodepths 1,x
expect bench-size-bad "bench: not a size: '12q' (use e.g. 64m, 1g, 4k)" --size 12q
expect bench-direct-bad "bench: --direct needs 0 or 1" --direct 2
expect bench-target-missing "bench: --target $UB_SCRATCH/none: no such file or device" --target "$UB_SCRATCH/none"
expect bench-engine-missing "bench: no engine at $UB_SCRATCH/none.so (run make)" --engine "$UB_SCRATCH/none.so"
expect bench-value-missing "bench: --modes needs a value (see --help)" --modes
finish
