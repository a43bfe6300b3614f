#!/bin/sh
# A BPF loop program that cannot be loaded gives libbpf's and the
# verifier's own messages, and fio fails the job, without a crash:
# build/chain-unbounded.bpf.o (the program with one bounds check left out)
# must be refused by the verifier; an object with a corrupted instruction,
# a truncated object and a non-BPF ELF must be refused too.
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh

MKCHAIN=/lab/build/uringbpf-mkchain
dev=/dev/nvme0n1
why=$(lab_have_engine uringbpf) || { skip "chain-bpfobj: $why"; finish; }
$MKCHAIN -b 4096 -s 11 $dev 1m >/dev/null || { not_ok "chain-bpfobj: uringbpf-mkchain failed"; finish; }

# bad_object NAME OBJECT TEXT...: every TEXT must be in the job's output.
bad_object() {
	local name=$1 obj=$2 base rc t missing=
	shift 2
	base=$LAB_OUT/$name
	lab_fio uringbpf "$base" --name=chain --filename=$dev --direct=1 --bs=4k --size=1m \
		--rw=read --chain_len=8 --bpf_chain=1 --bpf_chain_obj="$obj"
	rc=$?
	for t in "$@"; do grep -qF -- "$t" "$base.log" || missing="$missing '$t'"; done
	if grep -qE 'got signal|Segmentation|double free' "$base.log"; then
		not_ok "$name: crashed: $(grep -m 1 -E 'signal|Segmentation|free' "$base.log")"
	elif [ "$rc" = 0 ] && [ "$(json_get "$base.json" error)" = 0 ]; then
		not_ok "$name: the job ran with a broken object"
	elif [ -n "$missing" ]; then
		not_ok "$name: missing$missing; got: $(grep -m 3 -E 'uringbpf:' "$base.log" | tr '\n' ' ')"
	else
		ok "$name"
		note "$name: $(grep -m 1 -E 'unknown opcode|processed [0-9]+ insns|elf:' "$base.log")"
	fi
}

bad_object chain-bpfobj-verifier-rejects /lab/build/chain-unbounded.bpf.o \
	"uringbpf: bpf_chain=1: the kernel refused to load the io_uring BPF loop program (/lab/build/chain-unbounded.bpf.o): Permission denied" \
	"-- BEGIN PROG LOAD LOG --" "-- END PROG LOAD LOG --" "processed "

# Corrupt the program's first instruction into the undefined opcode 0xff.
# clang puts the program's section first, right after the 64-byte ELF
# header; BPF_PROG starts by loading an argument from the context, opcode
# 0x79 (BPF_LDX|BPF_MEM|BPF_DW): check that, so a changed layout is said.
obj=/tmp/corrupt.bpf.o
cp /lab/build/chain.bpf.o $obj
if [ "$(od -An -t x1 -j 64 -N 1 $obj | tr -d ' ')" = 79 ]; then
	printf '\377' | dd of=$obj bs=1 seek=64 conv=notrunc 2>/dev/null
	bad_object chain-bpfobj-corrupt-insn $obj \
		"uringbpf: bpf_chain=1: the kernel refused to load the io_uring BPF loop program ($obj)" \
		"-- BEGIN PROG LOAD LOG --" "unknown opcode ff"
else
	not_ok "chain-bpfobj-corrupt-insn: chain.bpf.o does not start its program at offset 64 with a context load (0x79); the test needs updating"
fi

head -c 3000 /lab/build/chain.bpf.o >/tmp/truncated.bpf.o
bad_object chain-bpfobj-truncated /tmp/truncated.bpf.o \
	"uringbpf: bpf_chain=1: libbpf cannot open the BPF object (/tmp/truncated.bpf.o): BPF object format invalid"
bad_object chain-bpfobj-not-bpf $MKCHAIN "is not a valid eBPF object file"
finish
