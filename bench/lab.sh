# shellcheck shell=bash
# scripts/bench --lab: the same plan in the kernel lab (scripts/lab: Linux
# 7.3 under QEMU TCG), on null_blk (poll queues) and the emulated NVMe, in
# one boot.  The guest has busybox sh, fio, t-io_uring and our engine but no
# bash, so the plan goes in as a POSIX sh script of plain fio and t-io_uring
# command lines; the results come back in /out and are tabulated here.  CPU
# time under TCG means nothing, so only IOPS and their ratios are reported.
# Sourced by scripts/bench; uses its settings and functions (for_each_run,
# fio_args, tio_args, record_run).

LAB_DEVICES="nullb0 nvme0n1"
LAB_ENGINE=/usr/local/lib/fio/fio-uringbpf.so	# where scripts/lab puts the build

# lab_line REP QD MODE BATCH ENGINE ORDER: the guest command of one run, and
# the same run in plan.tsv (to read its results back).
lab_line() {
	local base=/out/$LAB_DEV/runs/qd$2-$3-$4-$5-r$1
	if [ "$5" = t-io_uring ]; then
		tio_args "$2" "$3" "$4"
		echo "run_tio $base $tio_secs ${TARGS[*]} $TARGET"
	else
		fio_args "$2" "$3" "$4" "$5" "$LAB_ENGINE"
		echo "run_fio $base ${FARGS[*]}"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$base" >>"$OUT/lab-plan.tsv"
}

lab_guest_script() {
	cat <<'EOF'
#!/bin/sh
# Written by scripts/bench --lab; runs in the kernel lab guest (busybox sh).
uname -r >/out/kernel
fio --version >/out/fio_version
i=0
run_fio() {
	b=$1; shift
	i=$((i + 1))
	fio "$@" --output-format=json --output="$b.json" >"$b.stdout" 2>"$b.stderr"
	echo $? >"$b.rc"
	echo "[$i/$total] $(basename "$b"): exit $(cat "$b.rc")"
}
run_tio() {
	b=$1 secs=$2; shift 2
	i=$((i + 1))
	t-io_uring "$@" -r "$secs" >"$b.stdout" 2>"$b.stderr"
	echo $? >"$b.rc"
	echo "[$i/$total] $(basename "$b"): exit $(cat "$b.rc")"
}
EOF
	local dev
	for dev in $LAB_DEVICES; do echo "mkdir -p /out/$dev/runs"; done
}

# lab_libaio: LAB_FILES = what the guest needs for fio's libaio engine, which
# our fio build has as a dynamic engine (fio-libaio.so, and libaio itself).
lab_libaio() {
	local so lib
	LAB_FILES=()
	case ,$PEERS, in *,libaio,*) ;; *) return 0 ;; esac
	so=$(dirname "$(readlink -f "$FIO")")/../lib/fio/fio-libaio.so
	[ -f "$so" ] || so=/usr/local/lib/fio/fio-libaio.so
	[ -f "$so" ] || return 0	# built in: nothing to copy
	lib=$(ldd "$so" | awk '$1 ~ /^libaio/ { print $3 }')
	[ -n "$lib" ] || bench_die "--lab: cannot find the libaio library of $so"
	LAB_FILES=(--file "$(readlink -f "$so"):/usr/local/lib/fio/fio-libaio.so"
		--file "$(readlink -f "$lib"):$lib")
}

bench_lab() {
	local dev script=$OUT/guest.sh nruns timeout lab_rc kernel rep qd mode batch eng order base d
	lab_libaio
	: >"$OUT/lab-plan.tsv"
	{
		lab_guest_script
		for dev in $LAB_DEVICES; do
			LAB_DEV=$dev TARGET=/dev/$dev
			for_each_run lab_line
		done
	} >"$script.body"
	nruns=$(grep -c '^run_' "$script.body")
	{ echo "total=$nruns"; cat "$script.body"; } >"$script"
	rm -f "$script.body"
	# Boot (about a minute under TCG), then each run with fio's start-up.
	timeout=$((150 + nruns * (tio_secs + 8)))
	bench_log "kernel lab: $nruns runs on ${LAB_DEVICES// /, } in one boot (at most ${timeout}s)"
	rm -rf "$OUT/lab"
	"$top/scripts/lab" run --null-blk --out "$OUT/lab" --timeout "$timeout" \
		--file "$script:/lab/bench-guest.sh" "${LAB_FILES[@]}" -- sh /lab/bench-guest.sh 2>&1 |
		sed 's/^/  lab: /' >&2
	lab_rc=${PIPESTATUS[0]}
	[ "$lab_rc" = 0 ] || echo "bench: the lab exited $lab_rc (see $OUT/lab/.lab/); tabulating what finished" >&2
	kernel=$(cat "$OUT/lab/kernel" 2>/dev/null || echo unknown)

	for dev in $LAB_DEVICES; do
		d=$OUT/lab/$dev
		mkdir -p "$d/runs"
		printf 'rep\tqd\tmode\tbatch\tengine\torder\trc\tiops\tcpu_all\tcpu_job\tother_cpu\tfile\n' >"$d/runs.tsv"
		while IFS=$'\t' read -r rep qd mode batch eng order base; do
			case $base in /out/"$dev"/*) ;; *) continue ;; esac
			base=$OUT/lab/${base#/out/}
			rc=$(cat "$base.rc" 2>/dev/null || echo "not run")
			[ "$eng" = t-io_uring ] && [ -f "$base.stdout" ] &&
				bench_tio_json "$base.stdout" "$base.json" "$(basename "$base")"
			RUNS_TOP=$d record_run "$rep" "$qd" "$mode" "$batch" "$eng" "$order" "$rc" "$base"
		done <"$OUT/lab-plan.tsv"
		{
			echo
			echo "=== kernel lab, /dev/$dev (guest kernel $kernel, QEMU TCG: ratios only) ==="
			awk -v peers="$PEERS" -f "$top/bench/table.awk" "$d/runs.tsv" |
				awk '/^IOPS per CPU-second/ { exit } { print }'
		} | tee "$d/table.md"
		lab_import "$d" "$dev" "$kernel"
	done
}

# lab_import DIR DEV KERNEL: the guest's fio JSON into the results database.
lab_import() {
	local d=$1 dev=$2 kernel=$3 nimp=0 rep qd mode batch eng rc file label
	[ -x "$DB_TOOL" ] || { echo "results database: $DB_TOOL is not built, nothing imported"; return; }
	while IFS=$'\t' read -r rep qd mode batch eng _ rc _ _ _ _ file; do
		[ "$rep" = rep ] || [ "$eng" = t-io_uring ] || [ "$rc" != 0 ] && continue
		label="$eng/$mode/$([ "$batch" = fio ] && echo fio-batching || echo "batch${batch#b}")"
		if "$DB_TOOL" --db "$DB" import --sweep "$(basename "$OUT")-$dev" --config "$label" \
			--repeat "$rep" --host lab --kernel "$kernel" --tag "device=$dev" \
			"$d/$file" >>"$OUT/db-import.log" 2>&1; then
			nimp=$((nimp + 1))
		else
			echo "bench: database import failed for $d/$file (see $OUT/db-import.log)" >&2
			FAILURES=$((FAILURES + 1))
		fi
	done <"$d/runs.tsv"
	echo "imported $nimp fio results into $DB as sweep $(basename "$OUT")-$dev"
}
