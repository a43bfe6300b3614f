#!/bin/bash
# Bad input gets one clear line naming the option and the fix, a non-zero
# exit, and no hang (each case must end within 20 s).
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
f=$UB_SCRATCH/f
base=(--name=x --size=8m --rw=randread --bs=4k --runtime=1)
ncpu=$(getconf _NPROCESSORS_CONF)

# expect_refusal NAME EXPECTED-TEXT FIO-ARGS...
expect_refusal() {
	local name=$1 want=$2; shift 2
	local start=$SECONDS rc target=(--filename="$f")
	case " $* " in *" --filename="*|*" --directory="*) target=() ;; esac
	timeout 20 "$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" \
		"${base[@]}" "${target[@]}" "$@" >"$UB_SCRATCH/$name.log" 2>&1
	rc=$?
	if [ "$rc" = 124 ]; then not_ok "$name: hung (killed after 20 s)"; return; fi
	if [ "$rc" = 0 ]; then not_ok "$name: exit 0, expected a refusal"; return; fi
	if grep -qF -- "$want" "$UB_SCRATCH/$name.log"; then
		ok "$name (exit $rc in $((SECONDS - start)) s)"
	else
		not_ok "$name: missing '$want'; got: $(grep -m2 -E 'uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"
	fi
}

expect_refusal err-iopoll-buffered "uringbpf: hipri=1 (IOPOLL) needs direct=1: buffered I/O cannot be polled ($f); set direct=1 or hipri=0" --hipri=1
dev=$(stat -c '%Hd:%Ld' "$UB_SCRATCH")
if [ "$(cat "/sys/dev/block/$dev/queue/io_poll" 2>/dev/null)" = 1 ]; then
	skip "err-iopoll-no-poll-queues: $UB_SCRATCH is on a device with poll queues"
else
	expect_refusal err-iopoll-no-poll-queues "uringbpf: hipri=1 (IOPOLL): $f is " --hipri=1 --direct=1
	expect_refusal err-iopoll-no-poll-queues-fix "use hipri=0, or an NVMe device with poll queues (nvme.poll_queues=N)" --hipri=1 --direct=1
fi
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"
expect_refusal err-iopoll-tmpfs "uringbpf: hipri=1 (IOPOLL): $shm/g is not on a block device with a request queue (e.g. tmpfs), so nothing can poll it" --filename="$shm/g" --hipri=1 --direct=1
expect_refusal err-sqpoll-cpu-range "uringbpf: sqthread_poll_cpu=99: this machine has CPUs 0-$((ncpu - 1)); pick one of those" --sqthread_poll=1 --sqthread_poll_cpu=99
expect_refusal err-sqpoll-cpu-without-sqpoll "uringbpf: sqthread_poll_cpu=0 needs sqthread_poll=1" --sqthread_poll_cpu=0
expect_refusal err-iodepth-too-deep "uringbpf: iodepth=40000: an io_uring ring holds 1 to 32768 entries; use iodepth<=32768" --iodepth=40000
expect_refusal err-defer-with-sqpoll "uringbpf: defer_taskrun=1 cannot be combined with sqthread_poll=1" --sqthread_poll=1 --defer_taskrun=1
expect_refusal err-defer-bad-value "fio: failed parsing defer_taskrun=bogus" --defer_taskrun=bogus
expect_refusal err-hybrid-without-hipri "uringbpf: hybrid_iopoll=1 needs hipri=1" --hybrid_iopoll=1
expect_refusal err-nonvectored-range "fio: failed parsing nonvectored=7" --nonvectored=7
expect_refusal err-sqpoll-bad-bool "fio: failed parsing sqthread_poll=maybe" --sqthread_poll=maybe
expect_refusal err-unknown-option "unrecognized option '--no_such_option=1'" --no_such_option=1
expect_refusal err-trim "uringbpf: rw=trim/trimwrite is not supported; use ioengine=io_uring for trims" --rw=trim
expect_refusal err-registerfiles-open-files "uringbpf: registerfiles=1 needs open_files equal to nr_files (1 != 2)" --registerfiles=1 --nrfiles=2 --openfiles=1 --directory="$UB_SCRATCH"
finish
