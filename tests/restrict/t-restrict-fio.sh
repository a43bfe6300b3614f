#!/bin/bash
# restrict=1 in a real fio job: at job start the engine submits a NOP (on no
# allowlist) on its own ring and runs the job only if the kernel refused it
# with -EACCES, saying "restrictions verified"; the job then writes and reads
# back every block (crc32c) with zero mismatches.  The refusal when the
# kernel runs the NOP is t-restrict-ring's verify-refuses-unrestricted; the
# same proof with bpf_filter=1 runs in the lab (g-restrict-verified).
source "$UB_TOP/tests/lib.sh"
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"
modes=(
	"interrupt:"
	"sqpoll:--sqthread_poll=1"
	"fixedbufs:--fixedbufs=1"
	"ringfd:--register_ring_fd=1 --fixedbufs=1"
	"numjobs-2:--numjobs=2 --thread=1"
)
for m in "${modes[@]}"; do
	name=restrict-fio-${m%%:*} opts=${m#*:}
	# shellcheck disable=SC2086
	ub_fio_engine --name="$name" --directory="$shm" --size=4m --rw=randwrite --bs=4k \
		--iodepth=8 --restrict=1 --verify=crc32c --do_verify=1 --verify_fatal=1 $opts \
		--output-format=json --output="$shm/$name.json" >"$shm/$name.log" 2>&1
	rc=$?
	jobs=1; [ "${m%%:*}" = numjobs-2 ] && jobs=2
	said=$(grep -c "^uringbpf: $name: restrictions verified: a NOP the allowlist forbids completed with -EACCES$" "$shm/$name.log")
	err=$(fio_json_err "$shm/$name.json" 2>/dev/null)
	read_back=$(json_get "$shm/$name.json" read.io_bytes 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$err" = 0 ] && [ "$said" = "$jobs" ] && [ "$read_back" = 4194304 ]; then
		ok "$name: restrictions verified ($said ring(s)), 4 MiB written and verified"
	else
		not_ok "$name: rc=$rc error=$err verified-lines=$said/$jobs read-back=$read_back: $(grep -m 2 -E 'uringbpf: (restrict|bpf|.*not)|fio:' "$shm/$name.log" | tr '\n' ' ')"
	fi
done
finish
