#!/bin/bash
# The product's promise, literally: with the fio our setup installs, from any
# directory, `fio --ioengine=external:uringbpf` loads the installed engine;
# `external:/abs/path.so` works too; --enghelp lists the engine's options.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
fio_bin=$(command -v fio) || { not_ok "literal: no fio on PATH (scripts/install-deps.sh installs it)"; finish; }
installed=$(dirname "$(dirname "$fio_bin")")/lib/fio/fio-uringbpf.so
[ -n "${UB_ASAN:-}" ] && { skip "literal: the installed engine is the plain build, not the ASan one"; exit 0; }

if cmp -s "$installed" "$UB_ENGINE"; then
	ok "literal-installed: $installed is this build"
else
	not_ok "literal-installed: $installed differs from $UB_ENGINE (run make install)"
fi

cd "$UB_SCRATCH" || exit 1
[ ! -e uringbpf ] || { not_ok "literal: scratch dir unexpectedly holds 'uringbpf'"; finish; }
common=(--name=lit --filename="$UB_SCRATCH/f" --size=16m --rw=randread --bs=4k --iodepth=32
	--runtime=1 --time_based)
for form in "external:uringbpf" "external:$UB_ENGINE" "uringbpf"; do
	if fio --ioengine="$form" "${common[@]}" --sqthread_poll=1 --fixedbufs=1 --registerfiles=1 \
		>"$UB_SCRATCH/out" 2>&1 && grep -q 'read: IOPS=' "$UB_SCRATCH/out" &&
		grep -q 'uringbpf: lit: ring 32 entries, flags SQPOLL' "$UB_SCRATCH/out"; then
		ok "literal-load --ioengine=$form from $(pwd)"
	else
		not_ok "literal-load --ioengine=$form: $(grep -m2 -E 'fio:|uringbpf|rror' "$UB_SCRATCH/out" | tr '\n' ' ')"
	fi
done

fio --enghelp=uringbpf >"$UB_SCRATCH/help" 2>&1
if grep -q '^hipri' "$UB_SCRATCH/help" && grep -q 'Poll for completions (IORING_SETUP_IOPOLL)' "$UB_SCRATCH/help" &&
	grep -q '^defer_taskrun' "$UB_SCRATCH/help"; then
	ok "literal-enghelp lists hipri, defer_taskrun with their help"
else
	not_ok "literal-enghelp: $(head -c 300 "$UB_SCRATCH/help")"
fi

fio --ioengine=external:no_such_engine "${common[@]}" >"$UB_SCRATCH/out" 2>&1
rc=$?
if [ "$rc" != 0 ] && grep -q 'fio: engine no_such_engine not loadable' "$UB_SCRATCH/out"; then
	ok "literal-unknown-engine refused (exit $rc)"
else
	not_ok "literal-unknown-engine: rc=$rc $(head -c 200 "$UB_SCRATCH/out")"
fi
finish
