#!/bin/bash
# uringbpf bench --lab refuses what the guest cannot do, with one line naming
# the option, before it boots anything.  (The lab run itself is not part of
# make check: it takes minutes of QEMU TCG time.)
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp

# expect NAME "MESSAGE" ARGS...: exit 1 and exactly MESSAGE on stderr.
expect() {
	local name=$1 want=$2 got rc
	shift 2
	got=$("$UB_BUILD/uringbpf" bench "$@" --out "$UB_SCRATCH/$name" --fio "$(ub_fio_bin)" \
		--engine "$UB_ENGINE" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 1 ] && [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name: exit $rc, stderr '$got', wanted exit 1 and '$want'"
	fi
}
expect bench-lab-target "bench: --lab and --target don't mix: the lab reads its own null_blk and NVMe" \
	--lab --target loop
expect bench-lab-callgrind "bench: --lab and --callgrind/--cost-only don't mix: the guest has no valgrind or strace" \
	--lab --callgrind
finish
