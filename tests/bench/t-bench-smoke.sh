#!/bin/bash
# uringbpf bench runs end to end in a tiny configuration, and every ratio in
# its tables equals ours/peer recomputed here from the JSON it saved (the
# median over repeats of each side).  Not a timing assertion.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
out=$UB_SCRATCH/out

args=(--quick --iodepths 8 --repeats 2 --out "$out" --db "$UB_SCRATCH/results.db"
	--fio "$(ub_fio_bin)" --engine "$UB_ENGINE" --db-tool "$UB_DB")
start=$(date +%s)
if "$UB_BUILD/uringbpf" bench "${args[@]}" >"$UB_SCRATCH/stdout" 2>"$UB_SCRATCH/stderr"; then
	ok "bench-runs ($(($(date +%s) - start)) s)"
else
	not_ok "bench-runs: uringbpf bench ${args[*]} exited non-zero: $(tail -n 3 "$UB_SCRATCH/stderr" | paste -sd' ')"
	finish
fi

# median FILE...: the median of the numbers in FILE (one per line).
median() { sort -g | awk '{ x[NR] = $1 } END { if (NR % 2) print x[(NR + 1) / 2]; else print (x[NR / 2] + x[NR / 2 + 1]) / 2 }'; }

# metric TABLE QD MODE BATCH ENGINE: the median over repeats, from the files.
metric() {
	local f base v
	for f in "$out"/runs/qd$2-$3-$4-$5-r*.json; do
		base=${f%.json}
		[[ $base == *.cpu ]] && continue
		if [ "$5" = t-io_uring ]; then v=$(sqlite3 :memory: "select json_extract(readfile('$f'), '\$.iops');")
		else v=$(json_get "$f" read.iops); fi
		case $1 in
		iops) echo "$v" ;;
		all) sqlite3 :memory: "select $v / (1.0 * json_extract(j, '\$.cpu_ns') / json_extract(j, '\$.wall_ns')) from (select readfile('$base.cpu.json') j);" ;;
		job) sqlite3 :memory: "select $v / ((json_extract(j, '\$.jobs[0].usr_cpu') + json_extract(j, '\$.jobs[0].sys_cpu')) / 100.0) from (select readfile('$f') j);" ;;
		esac
	done | median
}

# Check each table: the title says which metric it is.
# 2 interrupt rows x 3 peers + 2 SQPOLL rows x 1 peer, in each of the
# IOPS and all-threads tables; the usr+sys table has no t/io_uring.
want_checked=$(((2 * 3 + 2) * 2 + 2 * 2 + 2))
checked=0 bad=0
while IFS= read -r line; do
	case $line in
	"IOPS (thousands)"*) table=iops; cols=(); continue ;;
	"IOPS per CPU-second"*"every thread"*) table=all; cols=(); continue ;;
	"IOPS per CPU-second"*"usr+sys"*) table=job; cols=(); continue ;;
	"| QD |"*) IFS='|' read -r -a cols <<<"$line"; continue ;;
	"|---"*) continue ;;
	"| "*) ;;
	*) continue ;;
	esac
	IFS='|' read -r -a cell <<<"$line"
	qd=$(echo ${cell[1]}) mode=$(echo ${cell[2]}) batch=$(echo ${cell[3]})
	case $batch in "fio default") batch=fio ;; "submit/complete "*) batch=b${batch#submit/complete } ;; esac
	for i in "${!cols[@]}"; do
		col=$(echo ${cols[i]})
		[[ $col == ours/* ]] || continue
		peer=${col#ours/} shown=$(echo ${cell[i]})
		case $shown in
		—) continue ;;
		fail) not_ok "ratio-$table-qd$qd-$mode-$batch-$peer: a run failed"; bad=$((bad + 1)); continue ;;
		# No CPU window (the job ended before it was measured): say so.
		n/a) skip "ratio-$table-qd$qd-$mode-$batch-$peer: no CPU sample"; want_checked=$((want_checked - 1)); continue ;;
		esac
		a=$(metric "$table" "$qd" "$mode" "$batch" uringbpf)
		b=$(metric "$table" "$qd" "$mode" "$batch" "$peer")
		want=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
		checked=$((checked + 1))
		if awk -v x="$shown" -v y="$want" 'BEGIN { d = x - y; exit !(d <= 0.011 && d >= -0.011) }'; then :; else
			not_ok "ratio-$table-qd$qd-$mode-$batch-$peer: table says $shown, the JSON gives $a/$b = $want"
			bad=$((bad + 1))
		fi
	done
done <"$UB_SCRATCH/stdout"
if [ "$checked" -eq "$want_checked" ] && [ "$bad" = 0 ]; then
	ok "bench-ratios ($checked ratios match the saved JSON)"
elif [ "$bad" = 0 ]; then
	not_ok "bench-ratios: checked $checked ratios, expected $want_checked (table layout changed?)"
fi

# The engines ran in the reverse order on the second repeat.
order1=$(awk -F'\t' '$1 == 1 && $2 == 8 && $3 == "interrupt" && $4 == "fio" { print $5 }' "$out/runs.tsv" | paste -sd' ')
order2=$(awk -F'\t' '$1 == 2 && $2 == 8 && $3 == "interrupt" && $4 == "fio" { print $5 }' "$out/runs.tsv" | tac | paste -sd' ')
if [ -n "$order1" ] && [ "$order1" = "$order2" ]; then ok "bench-order-alternates ($order1)"
else not_ok "bench-order-alternates: repeat 1 ran '$order1', repeat 2 reversed is '$order2'"; fi

# The host cannot poll /dev/shm: the IOPOLL modes are skipped with a reason.
if grep -q '^skip mode iopoll: hipri=1' "$UB_SCRATCH/stderr"; then ok "bench-iopoll-skip-reason"
else not_ok "bench-iopoll-skip-reason: no 'skip mode iopoll: ...' line"; fi

# The CPU is every thread's (the run's cgroup): an SQPOLL run of ours counts
# its iou-sqp thread, which fio's own usr+sys leave out.
f=$out/runs/qd8-sqpoll-fio-uringbpf-r1.cpu.json
thr=$(sqlite3 :memory: "select json_extract(readfile('$f'), '\$.threads') || ' ' || json_extract(readfile('$f'), '\$.cpu_ns')" 2>/dev/null)
case $thr in
*iou-sqp*\ [1-9]*) ok "bench-cpu-sqpoll-thread ($thr)" ;;
*) not_ok "bench-cpu-sqpoll-thread: $f has threads and cpu_ns '$thr', wanted iou-sqp and a figure" ;;
esac

# With the results tool built, every fio run is in the database.
if [ -x "$UB_DB" ]; then
	nfio=$(awk -F'\t' 'NR > 1 && $5 != "t-io_uring" && $7 == 0' "$out/runs.tsv" | wc -l)
	ndb=$("$UB_DB" --db "$UB_SCRATCH/results.db" runs | wc -l)
	expect_eq "bench-db-import" "$ndb" "$nfio"
else
	skip "bench-db-import: $UB_DB is not built"
fi
finish
