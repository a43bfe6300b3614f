#!/bin/bash
# The sweep's phases (issue 14), cli/sweep/phases.c:
#  - --precondition on a block device (a 32 MiB loop device): one fio run of
#    profiles/phases/precondition.fio (its fill, twice the device, then random
#    writes until steady) before the points, recorded with the sweep; its
#    line printed; a kill -9 of the sweep afterwards resumes without
#    preconditioning again; a failed preconditioning run stops the sweep
#    (exit 1) before any point;
#  - on a file on tmpfs: "does not apply" with the reason, no I/O, the
#    points run;
#  - on a device holding ext4: refused without --force, the filesystem kept;
#  - --steady-state: ss= in every job section, fio's verdict of each point's
#    job stored, the progress line and "db table" mark a point not steady (§);
#  - bad values, --client and --lab: a clear message, exit 2.
# Expected figures are read with sqlite3, blockdev, blkid and grep.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require precondition
ub_scratch_init /dev/shm
S=$UB_SCRATCH
q() { sqlite3 -batch "$1" "$2"; }
# Small phases: a 2 s window after 1 s, at most 20 s of random writes.
small=(--set PRECOND_SS=iops_slope:30% --set PRECOND_SS_DUR=2 --set PRECOND_SS_RAMP=1
	--set PRECOND_MAX=20)

# err NAME WANT-TEXT ARGS...: the sweep exits 2 and prints exactly WANT-TEXT.
err() {
	local name=$1 want=$2 got rc
	shift 2
	got=$(run_sweep "$@" 2>&1)
	rc=$?
	if [ $rc = 2 ] && [ "$got" = "$want" ]; then ok "precondition-$name"
	else not_ok "precondition-$name: exit $rc, got: $got"; fi
}
head -c 16M /dev/zero >"$S/file"
err ss-spec "sweep: --steady-state: 'iops' is not fio's ss= (iops, iops_slope, bw or bw_slope, ':', a limit above 0, e.g. iops_slope:5%)" \
	--target "$S/file" --steady-state iops
err ss-zero "sweep: --steady-state: 'bw_slope:0%' is not fio's ss= (iops, iops_slope, bw or bw_slope, ':', a limit above 0, e.g. iops_slope:5%)" \
	--target "$S/file" --steady-state bw_slope:0%
err ss-dur-alone "sweep: --ss-dur only applies with --steady-state SPEC" --target "$S/file" --ss-dur 3
err ss-dur-value "sweep: --ss-dur: '2s' is not a positive number of seconds" \
	--target "$S/file" --steady-state iops:5% --ss-dur 2s
err ss-dur-fit "sweep: --ss-dur: a window of 8 s after --ss-ramp 3 s does not fit in --runtime 10, so no point could be judged steady: lower --ss-dur or raise --runtime" \
	--target "$S/file" --steady-state iops:5% --ss-dur 8 --ss-ramp 3
err precondition-value "sweep: --precondition takes no value (see --help)" --target "$S/file" --precondition=1
err client "sweep: --precondition is not supported with --client: the targets are on the fio servers; precondition each server's device there (profiles/phases/precondition.fio)" \
	--target /dev/nvme0n1 --client h1 --precondition
err lab "sweep: --precondition is not supported with --lab: the guest runs the plan's points only (its emulated NVMe is a fresh image each boot)" \
	--lab --precondition

# ------------------------------------------------ a block device: preconditioned
ub_loopdev 32M || { not_ok "precondition-loop: cannot set up a loop device"; finish; }
dev=$UB_LOOP
size=$(blockdev --getsize64 "$dev")
db=$S/r.db out=$S/dev
# --dry-run: the command, nothing written.
got=$(run_sweep --target "$dev" --precondition "${small[@]}" --configs interrupt --iodepths 1 \
	--runtime 2 --db "$db" --sweep-name dry --out "$S/dry" --dry-run 2>&1)
# (fio's path: under ASan a wrapper of its own per call)
expect_eq precondition-dry-run "$?:$(grep -A1 '^dry run: the precondition command' <<<"$got" | tail -n 1 | cut -d' ' -f4-)" \
	"0:--output-format=json --output=$S/dry/precondition/precondition.json $S/dry/precondition/precondition.fio "
expect_eq precondition-dry-run-nothing "$([ -e "$S/dry" ] || [ -e "$db" ]; echo $?)" 1

run_sweep --target "$dev" --precondition "${small[@]}" --configs interrupt --iodepths 1,2 \
	--runtime 2 --db "$db" --sweep-name dev --out "$out" >"$S/dev.log" 2>&1
rc=$?
expect_eq precondition-device-exit "$rc" 0
[ $rc = 0 ] || cat "$S/dev.log"
row=$(q "$db" "SELECT applies || '|' || (run_id IS NOT NULL) || '|' || coalesce(reason, '-') || '|' || fill_bytes || '|' ||
	ss_spec FROM precondition_summary WHERE sweep = 'dev'")
expect_eq precondition-device-row "$row" "1|1|-|$((2 * size))|iops_slope:30.000000%"
# The fill is fio's own count of the first job's written bytes: twice the device.
pre_json=$out/precondition/precondition.json
expect_eq precondition-device-fill-fio "$(sqlite3 :memory: "SELECT json_extract(readfile('$pre_json'), '\$.jobs[0].write.io_bytes')")" \
	$((2 * size))
# Its job file: the phase's profile with the sweep's target and the --set values.
expect_eq precondition-device-jobfile "$(grep -E '^(filename|size|loops|ss|ss_dur|runtime)=' "$out/precondition/precondition.fio" | paste -sd' ')" \
	"filename=$dev size=100% loops=2 runtime=20 ss=iops_slope:30% ss_dur=2"
# Its line (as "uringbpf db precondition" prints it), then the points, after it.
rid=$(q "$db" "SELECT run_id FROM preconditions WHERE sweep = 'dev'")
line=$("$UB_DB" --db "$db" precondition --sweep dev)
expect_eq precondition-device-line "$(grep -n -F -x -- "$line" "$S/dev.log" | cut -d: -f1)<$(grep -n '^\[1/2\]' "$S/dev.log" | cut -d: -f1)" \
	"$(grep -n '^precondition: .*: run ' "$S/dev.log" | cut -d: -f1)<$(grep -n '^\[1/2\]' "$S/dev.log" | cut -d: -f1)"
case $line in
"precondition: $dev: run $rid, fill 0.06 GiB in "*" s, then iops_slope:30.000000%: steady state "*) ok "precondition-device-line-text: $line" ;;
*) not_ok "precondition-device-line-text: $line" ;;
esac
expect_eq precondition-device-points "$(q "$db" "SELECT count(*) || ' done, ' || sum(p.run_id > $rid) || ' after run $rid'
	FROM sweep_plan p WHERE p.sweep = 'dev' AND p.fate = 'done'")" "2 done, 2 after run $rid"
expect_eq precondition-device-not-a-point "$(q "$db" "SELECT count(*) FROM runs WHERE id = $rid AND sweep IS NULL")" 1

# A preconditioning run that fails (fio refuses ss=bogus) stops the sweep before any point.
run_sweep --target "$dev" --precondition "${small[@]}" --set PRECOND_SS=bogus --configs interrupt \
	--iodepths 1 --runtime 2 --db "$db" --sweep-name bad --out "$S/bad" >"$S/bad.log" 2>&1
expect_eq precondition-fails-exit "$?|$(grep -c '^precondition: FAILED: fio exited with status [1-9]' "$S/bad.log")|$(grep -c -x 'sweep bad: stopped before any point: nothing was run' "$S/bad.log")" \
	"1|1|1"
expect_eq precondition-fails-no-point "$(q "$db" "SELECT count(*) || ' planned, ' || sum(fate = 'planned') || ' pending' FROM sweep_plan
	WHERE sweep = 'bad'")|$(q "$db" "SELECT count(*) FROM preconditions WHERE sweep = 'bad'")" "1 planned, 1 pending|0"

# kill -9 after the preconditioning, during the points: --resume does not precondition again.
set -m
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" --target "$dev" \
	--precondition "${small[@]}" --configs interrupt,sqpoll --iodepths 1,2 --runtime 2 \
	--db "$db" --sweep-name k9 --out "$S/k9" >"$S/k9.log" 2>&1 &
pid=$!
if wait_for 90 grep -q '^\[1/4\]' "$S/k9.log"; then
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	ok "precondition-kill9: killed at the first point"
else
	kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	not_ok "precondition-kill9: no first point: $(tail -n 3 "$S/k9.log" | tr '\n' '|')"
fi
sleep 3	# the orphaned fio runs out its 2 s
krid=$(q "$db" "SELECT run_id FROM preconditions WHERE sweep = 'k9'")
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --resume k9 --db "$db" >"$S/k9r.log" 2>&1
expect_eq precondition-resume-exit "$?" 0
expect_eq precondition-resume-once "$(q "$db" "SELECT count(*) FROM preconditions WHERE sweep = 'k9'")|$(q "$db" "SELECT count(*)
	FROM tags WHERE key = 'precondition_of' AND value = 'k9'")|$(grep -c '^precondition: .*: run '"$krid"', ' "$S/k9r.log")|$(grep -c 'the fill, then' "$S/k9r.log")" \
	"1|1|1|0"
expect_eq precondition-resume-points "$(q "$db" "SELECT count(*) FROM sweep_plan WHERE sweep = 'k9' AND fate = 'done'")" 4

# ------------------------------------------------ a file on tmpfs: does not apply
run_sweep --target "$S/file" --precondition --configs interrupt --iodepths 1 --runtime 1 \
	--db "$db" --sweep-name shm --out "$S/shm" >"$S/shm.log" 2>&1
expect_eq precondition-file-exit "$?" 0
why="$S/file is a file on tmpfs: its pages are memory, with no flash translation layer to bring to a steady state"
expect_eq precondition-file-line "$(grep -c -F -x "precondition: does not apply: $why" "$S/shm.log")" 1
expect_eq precondition-file-row "$(q "$db" "SELECT applies || '|' || (run_id IS NULL) || '|' || reason FROM preconditions
	WHERE sweep = 'shm'")" "0|1|$why"
expect_eq precondition-file-no-io "$([ -e "$S/shm/precondition" ]; echo $?)|$(q "$db" "SELECT count(*) FROM sweep_plan
	WHERE sweep = 'shm' AND fate = 'done'")" "1|1"

# ------------------------------------------------ a device holding ext4: refused
ub_loopdev 32M || { not_ok "precondition-loop2: cannot set up a loop device"; finish; }
fsdev=$UB_LOOP
mkfs.ext4 -q -F "$fsdev" >/dev/null 2>&1 || { not_ok "precondition-mkfs: mkfs.ext4 failed"; finish; }
before=$(blkid -p -o value -s UUID "$fsdev")
err guard "sweep: refusing to precondition $fsdev (it writes the whole device): it holds a filesystem (ext4); pass --force to overwrite it" \
	--target "$fsdev" --precondition --configs interrupt --iodepths 1 --runtime 1 --db "$S/fs.db" \
	--sweep-name fs --out "$S/fs"
expect_eq precondition-guard-kept "$(blkid -p -o value -s TYPE "$fsdev")|$(blkid -p -o value -s UUID "$fsdev")|$([ -e "$S/fs.db" ]; echo $?)" \
	"ext4|$before|1"

# ------------------------------------------------ --steady-state
run_sweep --target "$S/file" --configs interrupt --iodepths 1,2 --runtime 3 --steady-state iops:0.000001% \
	--ss-dur 2 --db "$db" --sweep-name never --out "$S/never" >"$S/never.log" 2>&1
expect_eq ss-never-exit "$?" 0
# Every section of the job file has the three lines, [global] none.
jf=$S/never/jobs/qd1.fio
expect_eq ss-jobfile "$(grep -c '^ss=iops:0.000001%$' "$jf")|$(grep -c '^ss_dur=2$' "$jf")|$(grep -c '^ss_ramp=0$' "$jf")|$(grep -c '^\[' "$jf")" \
	"4|4|4|5"
expect_eq ss-not-in-global "$(awk '/^\[/ { s = $0 } /^ss=/ && s == "[global]"' "$jf" | wc -l)" 0
expect_eq ss-never-rows "$(q "$db" "SELECT count(*) || '|' || sum(s.attained = 0) || '|' || group_concat(DISTINCT s.spec)
	FROM runs r JOIN jobs j ON j.run_id = r.id JOIN steady_state s ON s.job_id = j.id WHERE r.sweep = 'never'")|$(q "$db" "SELECT count(*)
	FROM runs r JOIN jobs j ON j.run_id = r.id WHERE r.sweep = 'never'")" "2|2|iops:0.000001%|2"
expect_eq ss-never-progress "$(grep -c '^\[[12]/2\] .*  § steady state not attained$' "$S/never.log")" 2
table=$("$UB_DB" --db "$db" table --sweep never)
expect_eq ss-never-table "$(grep -c '^| interrupt | [0-9.]*~\?§ | [0-9.]*~\?§ |$' <<<"$table")|$(grep -c '^§ not steady: a run ended without attaining fio.s steady state (ss=; table steady_state)$' <<<"$table")" \
	"1|1"
[[ $table == *§* ]] || echo "$table"

# A lenient criterion: the table marks exactly the points the database says did not attain it.
run_sweep --target "$S/file" --configs interrupt --iodepths 1,2 --runtime 6 --steady-state iops_slope:30% \
	--ss-dur 2 --ss-ramp 1 --db "$db" --sweep-name lenient --out "$S/lenient" >"$S/lenient.log" 2>&1
expect_eq ss-lenient-exit "$?" 0
want=$(q "$db" "SELECT group_concat(m, ' ') FROM (SELECT CASE WHEN min(s.attained) = 0 THEN '§' ELSE '-' END AS m
	FROM runs r JOIN jobs j ON j.run_id = r.id JOIN steady_state s ON s.job_id = j.id WHERE r.sweep = 'lenient'
	GROUP BY j.iodepth ORDER BY j.iodepth)")
got=$("$UB_DB" --db "$db" table --sweep lenient | awk -F'|' '/^\| interrupt/ { for (i = 3; i < NF; i++) printf "%s%s", (i > 3 ? " " : ""), ($i ~ /§/ ? "§" : "-") }')
expect_eq ss-lenient-table "$got" "$want"
echo "# lenient: attained per point: $want"
finish
