#!/bin/sh
# Ring setups the kernel refuses for the io_uring BPF loop: expected
# failures, each with its errno and one clear line, never a silent
# fallback to the user-space chain.  Linux 7.3 attaches the loop only to a
# DEFER_TASKRUN|SINGLE_ISSUER ring without SQPOLL or IOPOLL
# (io_install_bpf: -EOPNOTSUPP); SQPOLL cannot be combined with
# DEFER_TASKRUN at all (ring setup -EINVAL, refused by the engine first).
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

MKCHAIN=/lab/build/uringbpf-mkchain
dev=/dev/nvme0n1
why=$(lab_have_engine uringbpf) || { skip "chain-refused: $why"; finish; }
$MKCHAIN -b 4096 -s 11 $dev 1m >/dev/null || { not_ok "chain-refused: uringbpf-mkchain failed"; finish; }

# refused NAME ERRNO-NAME EXPECTED-TEXT FIO-ARGS...
refused() {
	local name=$1 errno=$2 want=$3 base rc
	shift 3
	base=$LAB_OUT/$name
	lab_fio uringbpf "$base" --name=chain --filename=$dev --direct=1 --bs=4k --size=1m \
		--rw=read --chain_len=8 --bpf_chain=1 "$@"
	rc=$?
	if grep -qE 'got signal|Segmentation|double free' "$base.log"; then
		not_ok "$name: crashed: $(grep -m 1 -E 'signal|Segmentation|free' "$base.log")"
	elif [ "$rc" = 0 ] && [ "$(json_get "$base.json" error)" = 0 ]; then
		not_ok "$name: the job ran; expected the kernel to refuse it ($errno)"
	elif grep -q "lookups, .* reads/lookup" "$base.log"; then
		not_ok "$name: lookups ran after a refusal (a fallback?)"
	elif grep -qF -- "$want" "$base.log"; then
		ok "$name: expected failure, $errno"
		note "$name: $(grep -m 1 -F -- "$want" "$base.log")"
	else
		not_ok "$name: missing '$want'; got: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' ')"
	fi
}

attach="uringbpf: bpf_chain=1: the kernel refused to attach the io_uring BPF loop to this ring: Operation not supported (EOPNOTSUPP)"
refused chain-refused-iopoll EOPNOTSUPP "$attach" --hipri=1
refused chain-refused-sqpoll EOPNOTSUPP "$attach" --sqthread_poll=1
refused chain-refused-sqpoll-iopoll EOPNOTSUPP "$attach" --sqthread_poll=1 --hipri=1
refused chain-refused-no-defer-taskrun EOPNOTSUPP "$attach" --defer_taskrun=0
refused chain-refused-sqpoll-defer-taskrun EINVAL \
	"uringbpf: defer_taskrun=1 cannot be combined with sqthread_poll=1 (the kernel refuses DEFER_TASKRUN on SQPOLL rings)" \
	--sqthread_poll=1 --defer_taskrun=1
finish
