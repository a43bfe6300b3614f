#!/bin/sh
# Restricted rings on Linux 7.x, with the engine's own ring and restriction
# code (tests/restrict/t-restrict-ring.c): on a scratch file in interrupt and
# SQPOLL mode, and on the NVMe drive (O_DIRECT) with IOPOLL and SQPOLL+IOPOLL.
# Forbidden SQEs (OPENAT, a raw-fd READ, WRITE, NOP, an extra SQE flag)
# complete with -EACCES and leave no trace; register opcodes other than the
# no-op ENABLE_RINGS fail with -EACCES; a second allowlist is refused (EBUSY).
# lab-boot: poll_queues=2
. /lab/tests/lab/guest/lib.sh
. /lab/tests/lab/guest/restrict-lib.sh

[ -b $NVME_BLK ] || { not_ok "restrict-ring: no $NVME_BLK in the guest"; finish; }
run_ctest t-restrict-ring
run_ctest t-restrict-ring iopoll $NVME_BLK
run_ctest t-restrict-ring sqpoll-iopoll $NVME_BLK
finish
