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
# Issue 18: every engine option's range and dependencies, with the value as typed.
# fio's own table checks print fio's message (it names the option, or the next
# "failed parsing" line does); everything fio cannot express is one uringbpf: line.
cpus="0 to $((ncpu - 1)) on this machine (leave the option out for an unbound SQ thread)"
expect_refusal err-sqpoll-cpu-negative "uringbpf: sqthread_poll_cpu=-1: out of range; a CPU number is $cpus" --sqthread_poll_cpu=-1
expect_refusal err-sqpoll-cpu-negative-sqpoll "uringbpf: sqthread_poll_cpu=-3: out of range; a CPU number is $cpus" --sqthread_poll --sqthread_poll_cpu=-3
expect_refusal err-spin-negative "uringbpf: sqpoll_spin_us=-5: out of range; give 0 (never spin) to 1000000 microseconds" --sqthread_poll=1 --sqpoll_spin_us=-5
expect_refusal err-spin-too-long "sqpoll_spin_us: max value out of range: 2000000 (1000000 max)" --sqthread_poll=1 --sqpoll_spin_us=2000000
expect_refusal err-spin-without-sqpoll "uringbpf: sqpoll_spin_us=10 needs sqthread_poll=1 (without SQPOLL the job waits in io_uring_enter and never spins)" --sqpoll_spin_us=10
expect_refusal err-idle-negative "uringbpf: sqpoll_idle=-1: out of range; give milliseconds, 0 or more (0: the kernel default of 1000)" --sqthread_poll=1 --sqpoll_idle=-1
expect_refusal err-idle-without-sqpoll "uringbpf: sqpoll_idle=200 needs sqthread_poll=1 (it is the SQ thread's idle time)" --sqpoll_idle=200
expect_refusal err-chain-obj-without-chain "uringbpf: bpf_chain_obj=/etc/passwd needs bpf_chain=1 (without it no BPF program is loaded); add bpf_chain=1 chain_len=N or drop bpf_chain_obj" --bpf_chain_obj=/etc/passwd
expect_refusal err-chain-len-negative "uringbpf: chain_len=-1: out of range; use 0 (no chain) to 4096" --chain_len=-1
expect_refusal err-flag-negative "uringbpf: fixedbufs=-1: an on/off option; use fixedbufs (or fixedbufs=1) to turn it on, fixedbufs=0 to leave it off" --fixedbufs=-1
expect_refusal err-flag-two "fio: failed parsing fixedbufs=2" --fixedbufs=2
expect_refusal err-flag-two-range "max value out of range: 2 (1 max)" --registerfiles=2
expect_refusal err-bool-negative "uringbpf: nowait=-1: an on/off option; use nowait (or nowait=1) to turn it on, nowait=0 to leave it off" --nowait=-1
expect_refusal err-nonvectored-below "nonvectored: min value out of range: -2 (-1 min)" --nonvectored=-2
expect_refusal err-nonvectored-fixedbufs "uringbpf: nonvectored=0 cannot be combined with fixedbufs=1 (registered buffers are always READ_FIXED/WRITE_FIXED); drop one of them" --nonvectored=0 --fixedbufs
expect_refusal err-uncached-direct "uringbpf: uncached=1 has no effect with direct=1 (O_DIRECT bypasses the page cache already); drop one of them" --uncached=1 --direct=1
expect_refusal err-uncached-tmpfs "uringbpf: uncached=1: $shm/u is on a file system without RWF_DONTCACHE (it needs Linux 6.14 and e.g. ext4, xfs or btrfs; not tmpfs); use uncached=0" --filename="$shm/u" --uncached=1
expect_refusal err-uncached-two "uncached: max value out of range: 2 (1 max)" --uncached=2
expect_refusal err-uncached-negative "uringbpf: uncached=-1: out of range; use uncached=1 or uncached=0" --uncached=-1
expect_refusal err-force-async-negative "uringbpf: force_async=-2: out of range; use 0 (never) or N>=1 (every Nth SQE)" --force_async=-2
expect_refusal err-force-async-restrict "uringbpf: force_async=2 sets IOSQE_ASYNC, which restrict=1 does not allow (it permits the FIXED_FILE flag only); drop one of them" --force_async=2 --restrict
expect_refusal err-cmdprio-alone "uringbpf: cmdprio_class, cmdprio and cmdprio_hint choose the priority of the I/Os that cmdprio_percentage or cmdprio_bssplit pick; set one of those" --cmdprio_class=2
expect_refusal err-cmdprio-percentage-high "cmdprio_percentage: max value out of range: 101 (100 max)" --cmdprio_percentage=101
expect_refusal err-cmdprio-percentage-negative "uringbpf: cmdprio_percentage=-5 (reads): out of range; use 0 to 100" --cmdprio_percentage=-5
expect_refusal err-cmdprio-level-negative "uringbpf: cmdprio=-1 (reads): out of range; use 0 (highest) to 7" --cmdprio_percentage=5 --cmdprio=-1
expect_refusal err-cmdprio-class-range "cmdprio_class: max value out of range: 9 (3 max)" --cmdprio_percentage=5 --cmdprio_class=9
expect_refusal err-cmdprio-exclusive "x: cmdprio_percentage and cmdprio_bssplit options are mutually exclusive" --cmdprio_percentage=5 --cmdprio_bssplit=4k/10
# fio's io_uring_cmd options: refused at job start on the host, with or without passthru=1
# (passthru=1 itself is refused on a file later, by the passthrough checks).
expect_refusal err-readfua-no-passthru "uringbpf: readfua=1 sets FUA on NVMe commands, so it needs passthru=1 (on an NVMe device); drop it for file or block I/O" --readfua=1
expect_refusal err-writefua-no-passthru "uringbpf: writefua=1 sets FUA on NVMe commands, so it needs passthru=1 (on an NVMe device); drop it for file or block I/O" --writefua=1
expect_refusal err-write-mode "uringbpf: write_mode=zeroes: uringbpf's passthrough sends NVMe Write only; use ioengine=io_uring_cmd for it" --passthru=1 --write_mode=zeroes
expect_refusal err-write-mode-uncor "uringbpf: write_mode=uncor: uringbpf's passthrough sends NVMe Write only; use ioengine=io_uring_cmd for it" --write_mode=uncor
expect_refusal err-deac "uringbpf: deac=1: it is for write_mode=zeroes, which uringbpf does not implement; use ioengine=io_uring_cmd for it" --passthru=1 --deac=1
expect_refusal err-verify-mode "uringbpf: verify_mode=compare: uringbpf's passthrough verifies with NVMe Read (fio compares the data); use ioengine=io_uring_cmd for it" --passthru=1 --verify_mode=compare
expect_refusal err-md-per-io "uringbpf: md_per_io_size=8: uringbpf does not implement metadata buffers; use ioengine=io_uring_cmd for it" --passthru=1 --md_per_io_size=8
expect_refusal err-pi-act "uringbpf: pi_act=0: uringbpf does not implement NVMe protection information; use ioengine=io_uring_cmd for it" --passthru=1 --pi_act=0
expect_refusal err-pi-chk "uringbpf: pi_chk=GUARD,REFTAG: uringbpf does not implement NVMe protection information; use ioengine=io_uring_cmd for it" --passthru=1 --pi_chk=GUARD,REFTAG
expect_refusal err-apptag "uringbpf: apptag=0x10: uringbpf does not implement NVMe protection information; use ioengine=io_uring_cmd for it" --passthru=1 --apptag=0x10
expect_refusal err-apptag-mask "uringbpf: apptag_mask=0xff: uringbpf does not implement NVMe protection information; use ioengine=io_uring_cmd for it" --apptag_mask=0xff
expect_refusal err-cmd-type "fio: failed parsing cmd_type=scsi" --cmd_type=scsi
expect_refusal err-apptag-negative "uringbpf: apptag=-1: out of range; use 0 to 0xffff" --apptag=-1
expect_refusal err-apptag-large "apptag: max value out of range: 65536 (65535 max)" --apptag=0x10000
expect_refusal err-md-per-io-negative "uringbpf: md_per_io_size=-8: out of range; a size is 0 or more" --md_per_io_size=-8
expect_refusal err-passthru-nowait "uringbpf: nowait cannot be used with passthru=1: NVMe commands take no RWF flags, one buffer each and no I/O priority; drop it" --passthru=1 --nowait=1
expect_refusal err-passthru-cmdprio "uringbpf: cmdprio_percentage/cmdprio_bssplit cannot be used with passthru=1: NVMe commands take no RWF flags, one buffer each and no I/O priority; drop it" --passthru --cmdprio_percentage=10
expect_refusal err-chain-nowait "uringbpf: nowait cannot be used with chain_len=8: chained reads are prepared by the chain code, which does not apply it" --chain_len=8 --nowait=1
# The bare forms fio's io_uring engine takes are parsed (and checked) as =1.
expect_refusal err-iopoll-buffered-bare "uringbpf: hipri=1 (IOPOLL) needs direct=1: buffered I/O cannot be polled ($f); set direct=1 or hipri=0" --hipri
expect_refusal err-defer-with-sqpoll-bare "uringbpf: defer_taskrun=1 cannot be combined with sqthread_poll=1" --sqthread_poll --defer_taskrun=1
finish
