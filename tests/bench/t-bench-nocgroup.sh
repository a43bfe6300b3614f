#!/bin/bash
# uringbpf bench where no cgroup2 group can be made (UB_CGROUP2_ROOT names a
# folder that is not cgroup2): the runs still run and are imported, each
# .cpu.json says why it has no figures, and the all-threads table says n/a
# instead of a number it does not have.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
out=$UB_SCRATCH/out
UB_CGROUP2_ROOT=$UB_SCRATCH "$UB_BUILD/uringbpf" bench --quick --iodepths 1 --modes interrupt \
	--peers io_uring --batch 0 --out "$out" --db "$UB_SCRATCH/results.db" --fio "$(ub_fio_bin)" \
	--engine "$UB_ENGINE" >"$UB_SCRATCH/stdout" 2>"$UB_SCRATCH/stderr"
expect_eq bench-nocgroup-exit "$?" 0
why=$(sqlite3 :memory: "select json_extract(readfile('$out/runs/qd1-interrupt-fio-uringbpf-r1.cpu.json'), '\$.reason')")
expect_eq bench-nocgroup-reason "$why" \
	"UB_CGROUP2_ROOT=$UB_SCRATCH is not a cgroup2 file system (unset it to use the cgroup2 mount)"
row=$(awk '/^IOPS per CPU-second.*every thread/ { t = 1 } t && /^\| 1 \| interrupt/ { print; exit }' "$UB_SCRATCH/stdout")
expect_eq bench-nocgroup-table "$row" "| 1 | interrupt | fio default | n/a | n/a | n/a |"
expect_eq bench-nocgroup-import "$("$UB_DB" --db "$UB_SCRATCH/results.db" runs | wc -l)" 2
finish
