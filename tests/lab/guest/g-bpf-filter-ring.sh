#!/bin/sh
# io_uring BPF filters (IORING_REGISTER_BPF_FILTER, Linux 7.x) as the engine
# installs them (tests/restrict/t-restrict-bpf-filter.c): a classic-BPF
# program per allowed opcode requiring exactly IOSQE_FIXED_FILE, DENY_REST
# for everything else.  Forbidden SQEs complete with -EACCES and do nothing;
# allow-all filters added later cannot loosen it; the kernel accepts only
# aligned 32-bit loads inside struct io_uring_bpf_ctx; filter and
# restrictions together on one ring.  Scratch file (interrupt, SQPOLL) and
# the NVMe drive (IOPOLL, SQPOLL+IOPOLL).
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

[ -b $NVME_BLK ] || { not_ok "bpf-filter-ring: no $NVME_BLK in the guest"; finish; }
run_ctest t-restrict-bpf-filter
run_ctest t-restrict-bpf-filter iopoll $NVME_BLK
run_ctest t-restrict-bpf-filter sqpoll-iopoll $NVME_BLK
finish
