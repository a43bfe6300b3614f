#!/bin/sh
# chain_op=nop in the kernel lab: the io_uring BPF loop (bpf_chain=1) issues
# each lookup's chain_len NOPs, one on each previous NOP's CQE.  A job of
# size/bs lookups must end with exactly that many lookups in the engine's
# job-end line and in fio's JSON (total_ios), with nops = cqes = chain_len x
# lookups, and with the loop having run (loop_steps > 0); the same for the
# user-space loop and IOSQE_IO_LINK pairs on this kernel.  Also the NOP
# chain's own refusal of passthru=1 on a real NVMe namespace (/dev/ng0n1).
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

dev=/dev/nvme0n1
LOOKUPS=256	# 1 MiB / 4 KiB, rw=read
why=$(lab_have_engine uringbpf) || { skip "chain-nop: $why"; finish; }

# nop_case NAME LEN FIO-ARGS...
nop_case() {
	local name=$1 len=$2 base line lk nops cqes ios steps rc
	shift 2
	base=$LAB_OUT/$name
	lab_fio uringbpf "$base" --name=nop --filename=$dev --direct=1 --bs=4k --size=1m \
		--rw=read --chain_op=nop --chain_len="$len" "$@"
	rc=$?
	line=$(grep -m 1 'chain_op=nop chain_len=' "$base.log")
	lk=$(echo "$line" | sed -n 's/.*: \([0-9]*\) lookups, .*/\1/p')
	nops=$(echo "$line" | sed -n 's/.* lookups, \([0-9]*\) nops, .*/\1/p')
	cqes=$(echo "$line" | sed -n 's/.* nops, \([0-9]*\) cqes, .*/\1/p')
	steps=$(echo "$line" | sed -n 's/.* \([0-9.]*\) loop_steps\/lookup.*/\1/p')
	ios=$(json_get "$base.json" read.total_ios)
	if [ "$rc" != 0 ]; then
		not_ok "$name: fio exited $rc: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' ')"
	elif [ "$lk" != "$LOOKUPS" ] || [ "$ios" != "$LOOKUPS" ]; then
		not_ok "$name: engine $lk lookups, fio $ios I/Os; want $LOOKUPS each"
	elif [ "$nops" != $((len * LOOKUPS)) ] || [ "$cqes" != $((len * LOOKUPS)) ]; then
		not_ok "$name: $nops NOPs submitted, $cqes CQEs for $lk lookups; want $((len * LOOKUPS)) each"
	else
		case " $* " in
		*" --bpf_chain=1 "*)
			if [ -z "$steps" ] || [ "$steps" = 0.00 ]; then
				not_ok "$name: the BPF loop did not run (loop_steps '$steps')"; return
			fi ;;
		esac
		ok "$name ($cqes CQEs${steps:+, $steps loop_steps/lookup})"
	fi
}

for len in 1 2 8 64; do
	for qd in 1 32; do
		nop_case nop-bpf-len$len-qd$qd $len --iodepth=$qd --bpf_chain=1
	done
done
nop_case nop-bpf-regs-len8-qd8 8 --iodepth=8 --bpf_chain=1 --registerfiles=1 --register_ring_fd=1
nop_case nop-user-len8-qd8 8 --iodepth=8 --bpf_chain=0
nop_case nop-link2-len8-qd8 8 --iodepth=8 --bpf_chain=0 --chain_link=2

# passthru=1 on a real namespace reaches the NOP chain's own refusal.
base=$LAB_OUT/nop-passthru
want="uringbpf: chain_op=nop issues IORING_OP_NOP, not NVMe commands: passthru=1 does not apply to it; drop passthru=1"
lab_fio uringbpf "$base" --name=nop --filename=/dev/ng0n1 --bs=4k --size=1m --rw=read \
	--chain_op=nop --chain_len=8 --passthru=1
rc=$?
if [ "$rc" = 0 ] && [ "$(json_get "$base.json" error)" = 0 ]; then
	not_ok "nop-passthru: the job ran; expected a refusal"
elif grep -qF -- "$want" "$base.log"; then
	ok "nop-passthru (exit $rc)"
else
	not_ok "nop-passthru: missing '$want'; got: $(grep -m 2 -E 'uringbpf:|fio:' "$base.log" | tr '\n' ' ')"
fi
finish
