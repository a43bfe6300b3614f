#!/bin/bash
# Issue 19.3-19.6, what uringbpf sweep decides before its first run and what it
# prints after each:
# - two sweeps with one name started at the same moment: exactly one runs,
#   the other is refused at once (uringbpf-db claim-sweep), and the database
#   holds one repeat per point;
# - a profile with two sections of one name is refused, naming both lines;
# - an unusable --db or --out is refused before any run, in one line;
# - a numjobs=2 run prints one progress line whose kIOPS and p99 are the
#   database's run-level figures (sum of the jobs; merged-histogram p99).
# Outcomes are read back with sqlite3.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require claim
ub_scratch_init /dev/shm
S=$UB_SCRATCH db=$S/r.db

# Two sweeps, one name, started together (each its own --out, to see what ran).
for i in 1 2; do
	run_sweep --target "$S/target" --size 16m --configs interrupt --iodepths 1,4 --runtime 1 \
		--db "$db" --sweep-name conc --out "$S/conc$i" >"$S/conc$i.log" 2>&1 &
	pids[i]=$!
done
wait "${pids[1]}"; rc1=$?
wait "${pids[2]}"; rc2=$?
expect_eq concurrent-one-runs-one-refused "$(printf '%s\n' "$rc1" "$rc2" | sort | paste -sd' ')" "0 2"
loser=1; [ "$rc1" = 2 ] || loser=2
claimed=$(sqlite3 "$db" "SELECT 'claimed ' || claimed_at || ' on ' || host || ' by process ' || pid FROM sweeps WHERE name = 'conc'")
got=$(cat "$S/conc$loser.log")
case $got in
"sweep: --sweep-name: $db already has a sweep named 'conc' ($claimed; "[0-9]" runs): pick another --sweep-name")
	ok "concurrent-refusal-text: $got" ;;
*) not_ok "concurrent-refusal-text: got '$got'" ;;
esac
expect_eq concurrent-loser-ran-nothing "$(find "$S/conc$loser/json" -type f 2>/dev/null | wc -l)" 0
expect_eq concurrent-one-repeat-per-point "$(sqlite3 "$db" "SELECT group_concat(iodepth || ':' || n, ' ') FROM (SELECT iodepth, n FROM kiops_by_iodepth WHERE sweep = 'conc' ORDER BY iodepth)")" "1:1 4:1"
expect_eq concurrent-runs "$(sqlite3 "$db" "SELECT count(*) || ' ' || count(DISTINCT repeat) FROM runs WHERE sweep = 'conc'")" "2 1"

# A section name given twice: fio --section would run both.
printf '[global]\nioengine=${ENGINE}\nfilename=${TARGET}\nsize=${SIZE}\nrw=randread\nruntime=${RUNTIME}\n[a]\niodepth=${IODEPTH}\n[b]\niodepth=${IODEPTH}\n[a]\nbs=8k\n' >"$S/dup.fio"
got=$(run_sweep --profile "$S/dup.fio" --target "$S/target" --size 16m --iodepths 1 --runtime 1 \
	--db "$db" --sweep-name dup --out "$S/dup" 2>&1); rc=$?
expect_eq duplicate-section-refused "$rc:$got" "2:sweep: --profile: $S/dup.fio: section [a] is defined twice (lines 7 and 11): fio --section=a would run both; give each section its own name"
expect_eq duplicate-section-nothing-stored "$(sqlite3 "$db" "SELECT count(*) FROM sweeps WHERE name = 'dup'")$(ls "$S/dup" 2>/dev/null | wc -l)" 00

# An unusable database or output folder: refused before any run, one line.
t0=$SECONDS
got=$(run_sweep --target "$S/target" --size 16m --configs interrupt --iodepths 1 --runtime 30 \
	--db /proc/x.db --sweep-name procdb --out "$S/procdb" 2>&1); rc=$?
expect_eq bad-db-refused-first "$rc:$got:$(find "$S/procdb/json" -type f | wc -l)" \
	"2:sweep: --db: cannot open database /proc/x.db: unable to open database file:0"
[ $((SECONDS - t0)) -lt 15 ] && ok "bad-db-no-run-time: $((SECONDS - t0)) s" || not_ok "bad-db-no-run-time: $((SECONDS - t0)) s (a 30 s run happened)"
got=$(run_sweep --target "$S/target" --size 16m --configs interrupt --iodepths 1 --runtime 1 \
	--db "$db" --sweep-name badout --out /proc/nosuch/out 2>&1); rc=$?
expect_eq bad-out-one-line "$rc:$got" "2:sweep: --out: can't create /proc/nosuch/out/jobs: No such file or directory"
expect_eq bad-out-name-not-taken "$(sqlite3 "$db" "SELECT count(*) FROM sweeps WHERE name = 'badout'")" 0

# numjobs=2: one progress line per run, the database's run-level figures.
printf '[global]\nioengine=${ENGINE}\nfilename=${TARGET}\nsize=${SIZE}\nrw=randread\nruntime=${RUNTIME}\ntime_based\nnumjobs=2\niodepth=${IODEPTH}\n[nj]\n' >"$S/nj.fio"
run_sweep --profile "$S/nj.fio" --target "$S/target" --size 16m --iodepths 1,4 --runtime 1 \
	--db "$db" --sweep-name nj --out "$S/nj" >"$S/nj.log" 2>&1 || not_ok "nj-sweep: $(tail -n 3 "$S/nj.log")"
for qd in 1 4; do
	line=$(grep -A1 "qd=$qd " "$S/nj.log")
	want=$(sqlite3 "$db" "SELECT printf('%8.1f kIOPS  p99 %7.1f us', p.kiops, p.clat_p99_us) FROM run_points p JOIN runs r ON r.id = p.run_id
		WHERE r.sweep = 'nj' AND p.iodepth = $qd")
	case $line in
	*"$want   "*elapsed*) ok "numjobs-progress-line-qd$qd: $line" ;;
	*) not_ok "numjobs-progress-line-qd$qd: got '$line', want '...$want ...elapsed...' on one line" ;;
	esac
done
expect_eq numjobs-jobs-and-source "$(sqlite3 "$db" "SELECT group_concat(jobs || ':' || lat_source, ' ') FROM run_points p JOIN runs r ON r.id = p.run_id WHERE r.sweep = 'nj'")" "2:bins 2:bins"
expect_eq numjobs-kiops-is-json-sum "$(sqlite3 "$db" "SELECT printf('%.3f', kiops) FROM run_points p JOIN runs r ON r.id = p.run_id WHERE r.sweep = 'nj' AND p.iodepth = 1")" \
	"$(printf '%.3f' "$(kiops_of "$S/nj/json/nj/qd1-r1.json")")"
finish
