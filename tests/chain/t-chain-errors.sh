#!/bin/bash
# Chain jobs refuse what they cannot do with one clear line and a non-zero
# exit: bpf_chain=1 on a kernel without the io_uring BPF loop (this host),
# without CAP_BPF/CAP_SYS_ADMIN, with a broken BPF object; options a chain
# cannot honour; and files that are not the chain they claim to be (a
# damaged block, another block size, no chain at all) are detected, not
# followed.  Each case must end within 20 s.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
mkchain=$UB_BUILD/uringbpf-mkchain
f=$UB_SCRATCH/chain
"$mkchain" -b 4096 -s 5 "$f" 4m >/dev/null || { not_ok "chain-errors-setup: uringbpf-mkchain failed"; finish; }

# refuse NAME EXPECTED-TEXT FIO-ARGS...: fio (run through the command in the
# array AS, if set) must fail and print EXPECTED-TEXT.
AS=()
refuse() {
	local name=$1 want=$2 rc prefix=("${AS[@]}") target=(--filename="$f") start=$SECONDS
	shift 2
	case " $* " in *" --filename="*) target=() ;; esac
	timeout 20 "${prefix[@]}" "$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" --name=x --size=4m \
		--bs=4k --rw=read "${target[@]}" "$@" >"$UB_SCRATCH/$name.log" 2>&1
	rc=$?
	if [ "$rc" = 124 ]; then not_ok "$name: hung (killed after 20 s)"; return; fi
	if grep -qE 'got signal|Segmentation|double free|AddressSanitizer' "$UB_SCRATCH/$name.log"; then
		not_ok "$name: crashed: $(grep -m1 -E 'signal|Segmentation|free|Sanitizer' "$UB_SCRATCH/$name.log")"
		return
	fi
	# fio exits 0 for some job errors; the job's own error line decides then.
	if [ "$rc" = 0 ] && ! grep -qE 'err=[ ]*[1-9]|init failed' "$UB_SCRATCH/$name.log"; then
		not_ok "$name: succeeded, expected a refusal"; return
	fi
	if grep -qF -- "$want" "$UB_SCRATCH/$name.log"; then
		ok "$name (exit $rc in $((SECONDS - start)) s)"
	else
		not_ok "$name: missing '$want'; got: $(grep -m3 -E 'uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"
	fi
}

# bpf_chain=1 where the kernel has no io_uring BPF loop.
if grep -qa io_uring_bpf_ops /sys/kernel/btf/vmlinux 2>/dev/null; then
	skip "err-chain-bpf-no-kernel-support: this kernel has struct io_uring_bpf_ops (the lab tests bpf_chain=1)"
else
	refuse err-chain-bpf-no-kernel-support "uringbpf: bpf_chain=1: this kernel (Linux $(uname -r)) has no io_uring BPF loop (no struct io_uring_bpf_ops in /sys/kernel/btf/vmlinux; it needs Linux 7.x with CONFIG_IO_URING_BPF_OPS); use bpf_chain=0" \
		--chain_len=8 --bpf_chain=1
fi
if command -v capsh >/dev/null && [ "$(id -u)" = 0 ]; then
	AS=(capsh --drop=cap_bpf,cap_sys_admin -- -c 'exec "$0" "$@"')
	refuse err-chain-bpf-no-caps "uringbpf: bpf_chain=1: loading and attaching the io_uring BPF loop needs CAP_BPF and CAP_SYS_ADMIN, and this process lacks CAP_BPF and CAP_SYS_ADMIN; run fio as root or use bpf_chain=0" \
		--chain_len=8 --bpf_chain=1
	AS=(capsh --drop=cap_bpf -- -c 'exec "$0" "$@"')
	refuse err-chain-bpf-no-cap-bpf "this process lacks CAP_BPF; run fio as root or use bpf_chain=0" \
		--chain_len=8 --bpf_chain=1
	AS=()
else
	skip "err-chain-bpf-no-caps: needs root and capsh (libcap2-bin)"
fi

# Broken objects fail in libbpf's parser, on any kernel, with libbpf's words.
head -c 3000 "$UB_BUILD/chain.bpf.o" >"$UB_SCRATCH/truncated.bpf.o"
refuse err-chain-obj-truncated "uringbpf: bpf_chain=1: libbpf cannot open the BPF object ($UB_SCRATCH/truncated.bpf.o): BPF object format invalid" \
	--chain_len=8 --bpf_chain=1 --bpf_chain_obj="$UB_SCRATCH/truncated.bpf.o"
refuse err-chain-obj-not-elf "uringbpf: libbpf: elf: '/etc/hostname' is not a proper ELF object" \
	--chain_len=8 --bpf_chain=1 --bpf_chain_obj=/etc/hostname
refuse err-chain-obj-not-bpf "uringbpf: libbpf: elf: $mkchain is not a valid eBPF object file" \
	--chain_len=8 --bpf_chain=1 --bpf_chain_obj="$mkchain"
refuse err-chain-obj-missing "uringbpf: bpf_chain=1: libbpf cannot open the BPF object ($UB_SCRATCH/none.o): No such file or directory" \
	--chain_len=8 --bpf_chain=1 --bpf_chain_obj="$UB_SCRATCH/none.o"

# Options a chain cannot honour.
refuse err-chain-bpf-without-len "uringbpf: bpf_chain=1 needs chain_len=N (N>=1 dependent reads per lookup) and a file written by uringbpf-mkchain" \
	--bpf_chain=1
refuse err-chain-obj-without-bpf "uringbpf: bpf_chain_obj=$UB_BUILD/chain.bpf.o needs bpf_chain=1 (without it no BPF program is loaded); add bpf_chain=1 chain_len=N or drop bpf_chain_obj" \
	--chain_len=8 --bpf_chain_obj="$UB_BUILD/chain.bpf.o"
refuse err-chain-write "uringbpf: chain_len=8: a lookup is a chain of reads; use rw=read or rw=randread" \
	--chain_len=8 --rw=randwrite
refuse err-chain-bsrange "uringbpf: chain_len=8: each read is one chain block: use one bs (the chain file's block size, uringbpf-mkchain -b), not a range" \
	--chain_len=8 --bsrange=4k-8k
refuse err-chain-small-bs "uringbpf: chain_len=8: bs=32 is smaller than a chain block header; use bs>=64" \
	--chain_len=8 --bs=32
refuse err-chain-fixedbufs "uringbpf: chain_len=8 reads with IORING_OP_READ into each io_u's buffer; fixedbufs=1 is not supported with it" \
	--chain_len=8 --fixedbufs=1
refuse err-chain-bpf-depth "uringbpf: bpf_chain=1 keeps at most 1024 lookups in flight; use iodepth<=1024" \
	--chain_len=8 --bpf_chain=1 --iodepth=2000
# The last of iodepth (rounded up to a power of 2) slot buffers of bs bytes
# must start below the verifier's 512 MiB: refused in one line before
# anything is mapped or loaded (so on any kernel).
refuse err-chain-bpf-region "uringbpf: bpf_chain=1: iodepth=513 x bs=1048576 needs 1024 slot buffers (iodepth rounded up to a power of 2), the last at 1023 MiB into the chain's region, and the BPF verifier lets the program address less than 512 MiB; use iodepth<=512 at bs=1048576, or a smaller bs" \
	--chain_len=8 --bpf_chain=1 --iodepth=513 --bs=1m
refuse err-chain-len-range "fio: failed parsing chain_len=5000" --chain_len=5000
refuse err-chain-misaligned "uringbpf: chain: an I/O of 4096 bytes at offset 512 is not one whole block of bs=4096" \
	--chain_len=8 --offset=512 --size=64k

# Files that are not the chain they claim to be: detected, never followed.
cp "$f" "$UB_SCRATCH/damaged"
printf 'X' | dd of="$UB_SCRATCH/damaged" bs=1 seek=$((700 * 4096 + 40)) conv=notrunc status=none
refuse err-chain-damaged-block "uringbpf: chain: block 700 (offset 2867200) of $UB_SCRATCH/damaged is not a valid chain block: its header is damaged (checksum); write the file with uringbpf-mkchain -b 4096 FILE SIZE and read it with bs=4096" \
	--chain_len=1 --filename="$UB_SCRATCH/damaged"
refuse err-chain-damaged-block-error "error=Bad message" --chain_len=1 --filename="$UB_SCRATCH/damaged"
"$mkchain" -b 8192 "$UB_SCRATCH/big" 4m >/dev/null
refuse err-chain-other-bs "uringbpf: chain: block 0 (offset 0) of $UB_SCRATCH/big is not a valid chain block: it was written for another block size" \
	--chain_len=8 --filename="$UB_SCRATCH/big"
head -c 4M /dev/zero >"$UB_SCRATCH/zeros"
refuse err-chain-not-a-chain "uringbpf: chain: block 0 (offset 0) of $UB_SCRATCH/zeros is not a valid chain block: it has no chain header (wrong magic)" \
	--chain_len=8 --filename="$UB_SCRATCH/zeros"
# A block whose header is valid (checksum included) but whose next pointer
# leaves the file: named as such, never followed.  2^52 blocks of 4 KiB wrap
# to offset 0; 2^52 - 1 makes an offset beyond any file.
for next in 4503599627370496 4503599627370495; do
	cp "$f" "$UB_SCRATCH/far-$next"
	python3 "$UB_TOP/tests/chain/chainforge.py" "$UB_SCRATCH/far-$next" 4096 3 "$next" $((1 << 53)) ||
		{ not_ok "err-chain-next-out-of-range-$next: chainforge.py failed"; continue; }
	refuse err-chain-next-out-of-range-$next "uringbpf: chain: block 3 (offset 12288) of $UB_SCRATCH/far-$next points to block $next, past the end of the file (1024 blocks of 4096 bytes): its next pointer is out of range; write the file with uringbpf-mkchain -b 4096 FILE SIZE and read it with bs=4096" \
		--chain_len=2 --filename="$UB_SCRATCH/far-$next" --offset=12288 --size=4k
done

# chain_op=nop (tests/chain/t-chain-nop.sh): combinations a NOP chain refuses.
# On a file, passthru=1 is refused first for the target; the lab checks the
# NOP chain's own line on /dev/ng0n1 (g-chain-nop.sh).
refuse err-chain-nop-passthru "uringbpf: passthru=1: $f is not an NVMe namespace" \
	--chain_op=nop --chain_len=8 --passthru=1
refuse err-chain-nop-without-len "uringbpf: chain_op=nop needs chain_len=N (N>=1 NOPs per fio I/O)" \
	--chain_op=nop
refuse err-chain-link-without-len "uringbpf: chain_link=2 is for chain_op=nop with chain_len=N" \
	--chain_link=2
refuse err-chain-link-read "uringbpf: chain_link=2 links NOPs (chain_op=nop); a read chain cannot be linked with IOSQE_IO_LINK, since each read's offset comes from the previous read's data: drop chain_link= or use chain_op=nop" \
	--chain_len=8 --chain_link=2
refuse err-chain-link-bpf "uringbpf: chain_link=2 links NOPs in the user-space loop (bpf_chain=0); with bpf_chain=1 the BPF loop issues every NOP itself: use one or the other" \
	--chain_op=nop --chain_len=8 --chain_link=2 --bpf_chain=1
refuse err-chain-link-too-long "uringbpf: chain_link=16 is longer than the chain (chain_len=8): use chain_link<=8" \
	--chain_op=nop --chain_len=8 --chain_link=16
refuse err-chain-link-ring "uringbpf: chain_link=64 at iodepth=1024 needs a ring of 65536 entries (every lookup queues a whole link), more than 32768; lower iodepth or chain_link" \
	--chain_op=nop --chain_len=64 --chain_link=64 --iodepth=1024
refuse err-chain-nop-restrict "uringbpf: chain_op=nop issues IORING_OP_NOP, which restrict=1 does not allow (it allows the job's read opcodes only); drop restrict=1" \
	--chain_op=nop --chain_len=8 --restrict=1
refuse err-chain-nop-write "uringbpf: chain_len=8: a lookup is a chain of NOPs (nothing is written); use rw=read or rw=randread" \
	--chain_op=nop --chain_len=8 --rw=write
refuse err-chain-op-bad "nop" --chain_op=noop --chain_len=8
if ! grep -qa io_uring_bpf_ops /sys/kernel/btf/vmlinux 2>/dev/null; then
	refuse err-chain-nop-bpf-no-kernel-support "uringbpf: bpf_chain=1: this kernel (Linux $(uname -r)) has no io_uring BPF loop" \
		--chain_op=nop --chain_len=8 --bpf_chain=1
fi
finish
