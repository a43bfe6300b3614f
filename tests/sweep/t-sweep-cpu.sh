#!/bin/bash
# The CPU a run used (issue 14): uringbpf sweep runs fio under "uringbpf
# cgexec", which puts it in a cgroup v2 group of its own, so cpu.stat counts
# every thread, an SQPOLL ring's iou-sqp thread included, which fio's own
# usr_cpu/sys_cpu leave out.  An SQPOLL run's SQ thread spins: its run uses at
# least 0.9 cores while fio's own figure is lower.  Then cgexec alone: exit
# status, signals, no cgroup2, bad input; and import --cpu-json's checks.
# The same sweep's IOPS logs (the time series): stored, their CV, the
# iops-time chart's data, the table's unsteady mark, a bad log refused.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require cpu
CLI=$UB_BUILD/uringbpf
[ -x "$CLI" ] || skip_all cpu 1 "no $CLI (make)"
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
ub_scratch_init /dev/shm
tmp=$UB_SCRATCH db=$tmp/r.db
q() { sqlite3 -batch "$db" "$1"; }
FIX_DIR=$UB_TOP/tests/results-db/fixtures
# jx1 FILE: the kIOPS of a one-job fio JSON as table prints it.
jx1() { sqlite3 -batch :memory: "SELECT printf('%.1f', json_extract(readfile('$1'), '\$.jobs[0].read.iops') / 1000.0)"; }
# num FILE EXPR: a value of a JSON file, computed with SQLite's JSON functions.
num() { sqlite3 -batch :memory: "SELECT $2 FROM (SELECT readfile('$1') AS j)"; }

# cgexec makes its group under the cgroup2 root: a read-only one (a container) can't measure.
if [ -n "$cg2" ] && mkdir "$cg2/ub-test-probe.$$" 2>/dev/null; then
	rmdir "$cg2/ub-test-probe.$$"
else
	cg2_why="no cgroup2 file system mounted here"
	[ -n "$cg2" ] && cg2_why="cannot create a group under $cg2"
	cg2=
fi
if [ -z "$cg2" ]; then
	skip "cpu-sweep: $cg2_why (the CPU can't be measured; the 20 checks that need it are not run)"
else
	# fio at nice -15, in a session of its own (with CONFIG_SCHED_AUTOGROUP a
	# session is a scheduling group: nice counts only inside it, so the group
	# gets nice -15 too), its jobs threads (--thread: a forked job calls
	# setsid, a group of its own at nice 0): the other load on a shared
	# machine must not starve the SQ thread, whose spinning is what this
	# measures (it inherits both).  Without this, with a lab booting beside
	# it on 2 cores, the SQ thread got 0.5 cores.
	printf '#!/bin/sh\nexec setsid -w sh -c '\''echo -15 >/proc/self/autogroup 2>/dev/null; exec nice -n -15 "$0" --thread "$@"'\'' %q "$@"\n' \
		"$(sweep_fio)" >"$tmp/fio-nice"
	chmod +x "$tmp/fio-nice"
	# The sweep's groups under a parent of this test's own: other sweeps on a
	# shared machine make and remove uringbpf-* groups beside them meanwhile.
	cgp=$cg2/ub-test-cpu.$$
	mkdir "$cgp" && ub_at_exit "rmdir '$cgp'"
	env "UB_FIO=$tmp/fio-nice" "UB_DB=$UB_DB" "UB_CGROUP2_ROOT=$cgp" "$SWEEP" --engine "external:$UB_ENGINE" \
		--target "$tmp/target" --size 64m --configs interrupt,sqpoll --iodepths 1,8 --runtime 3 \
		--db "$db" --sweep-name cpu --out "$tmp/out" >"$tmp/sweep.log" 2>&1
	rc=$?
	expect_eq cpu-sweep-ran "$rc:$(q "SELECT group_concat(config || '=' || cpu_source, ',') FROM run_points")" \
		"0:interrupt=cgroup2,interrupt=cgroup2,sqpoll=cgroup2,sqpoll=cgroup2"
	sj=$tmp/out/json/sqpoll/qd8-r1 ij=$tmp/out/json/interrupt/qd8-r1
	sc=$tmp/out/cpu/sqpoll/qd8-r1.json ic=$tmp/out/cpu/interrupt/qd8-r1.json
	# The database's figures are the cgexec JSON's: usage / wall.
	expect_eq cpu-cores-from-cgexec "$(q "SELECT printf('%.6f', cpu_cores) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")" \
		"$(num "$sc" "printf('%.6f', json_extract(j, '\$.usage_usec') * 1.0 / json_extract(j, '\$.wall_usec'))")"
	expect_eq kiops-per-core "$(q "SELECT printf('%.6f', kiops_per_core) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")" \
		"$(q "SELECT printf('%.6f', kiops / cpu_cores) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")"
	# The SQ thread spins for the whole run: at least 0.9 cores ...
	sq=$(q "SELECT printf('%.3f', cpu_cores) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")
	fio_own=$(num "$sj.json" "printf('%.3f', (json_extract(j, '\$.jobs[0].usr_cpu') + json_extract(j, '\$.jobs[0].sys_cpu')) / 100.0)")
	if awk -v c="$sq" 'BEGIN { exit !(c >= 0.9) }'; then ok "cpu-sqpoll-spins: cpu_cores $sq >= 0.9"
	else not_ok "cpu-sqpoll-spins: cpu_cores $sq < 0.9 ($(cat "$sc"))"; fi
	# ... which fio's own usr+sys of its job thread does not show.
	if awk -v c="$sq" -v f="$fio_own" 'BEGIN { exit !(f < c) }'; then
		ok "cpu-fio-own-lower: fio usr+sys $fio_own cores < $sq"
	else
		not_ok "cpu-fio-own-lower: fio usr+sys $fio_own cores, cgroup $sq"
	fi
	expect_eq cpu-fio-own-stored "$(q "SELECT printf('%.3f', fio_cpu_cores) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")" "$fio_own"
	# Interrupt mode: some CPU, and no more than the machine has.
	icores=$(q "SELECT printf('%.3f', cpu_cores) FROM run_points WHERE config = 'interrupt' AND iodepth = 8")
	if awk -v c="$icores" -v n="$(nproc)" 'BEGIN { exit !(c > 0.05 && c <= n + 0.05) }'; then
		ok "cpu-interrupt-sane: cpu_cores $icores in (0.05, $(nproc)]"
	else
		not_ok "cpu-interrupt-sane: cpu_cores $icores ($(cat "$ic"))"
	fi
	expect_eq cpu-by-iodepth "$(q "SELECT group_concat(printf('%s|%d|%.4f|%.4f|%d', config, iodepth, cpu_cores, kiops_per_core, n), ';') FROM cpu_by_iodepth")" \
		"$(q "SELECT group_concat(printf('%s|%d|%.4f|%.4f|1', config, iodepth, cpu_cores, kiops_per_core), ';') FROM run_points")"
	expect_eq cpu-table-side-by-side "$("$UB_DB" --db "$db" table --metric kiops,kiops_per_core | head -n 2)" \
		"| config | kiops 1 | 8 | kiops_per_core 1 | 8 |
|---|---|---|---|---|"
	# (~: the run's IOPS was unsteady, see below.)
	expect_eq cpu-table-cells "$("$UB_DB" --db "$db" table --metric kiops_per_core | sed -n 's/^| sqpoll | \(.*\) |$/\1/p')" \
		"$(q "SELECT group_concat(printf(CASE WHEN kiops_per_core < 10 THEN '%#.3g' ELSE '%.1f' END, kiops_per_core) || CASE WHEN iops_cv > 0.1 THEN '~' ELSE '' END, ' | ') FROM (SELECT kiops_per_core, iops_cv FROM run_points WHERE config = 'sqpoll' ORDER BY iodepth)")"
	expect_eq cpu-groups-removed "$(ls -d "$cgp"/uringbpf-* 2>/dev/null)" ""
	# The progress line says the run's cores, as the database has them.
	want=$(q "SELECT printf('%.2f cores   ', cpu_cores) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")
	case $(grep '] sqpoll  *qd=8 ' "$tmp/sweep.log") in
	*" us   $want"*elapsed*) ok "cpu-progress-line: $want" ;;
	*) not_ok "cpu-progress-line: want '$want' in '$(grep '] sqpoll  *qd=8 ' "$tmp/sweep.log")'" ;;
	esac
	# uringbpf plot: kIOPS per core drawn beside kIOPS, from the database's figures.
	# The .dat holds 3 decimals; compare them as written (rounding them again to
	# one decimal can round a ...x50 the other way than the exact value does).
	"$PLOT" --db "$db" --sweep cpu --out "$tmp/plot" >"$tmp/plot.log" 2>&1
	expect_eq cpu-plot "$?:$(is_png "$tmp/plot/kiops-cpu.png" && is_svg "$tmp/plot/kiops-cpu.svg" && is_png "$tmp/plot/kiops-per-core.png" && is_svg "$tmp/plot/kiops-per-core.svg" && echo drawn)" "0:drawn"
	expect_eq cpu-plot-data "$(awk '/^# config: / { c = substr($0, 11) } !/^#/ && NF { printf "%s|%s|%s;", c, $1, $2 }' "$tmp/plot/kiops-per-core.dat")" \
		"$(q "SELECT group_concat(printf('%s|%d|%.3f', config, iodepth, kiops_per_core), ';') || ';' FROM (SELECT * FROM run_points ORDER BY config, iodepth)")"
	expect_eq cpu-plot-table "$(grep -c '^| config | kiops 1 | 8 | kiops_per_core 1 | 8 |$' "$tmp/plot/table.md")" 1

	# Time series: fio's IOPS log of each run is stored, its CV is the log's
	# (computed here with awk), and the chart's data is the log's.
	sl=$tmp/out/iops/sqpoll/qd8-r1_iops.1.log
	expect_eq ts-samples "$(q "SELECT samples FROM run_steadiness JOIN run_points USING (run_id) WHERE config = 'sqpoll' AND iodepth = 8")" \
		"$(grep -c . "$sl")"
	expect_eq ts-cv "$(q "SELECT printf('%.6f', iops_cv) FROM run_points WHERE config = 'sqpoll' AND iodepth = 8")" \
		"$(awk -F', ' '{ v[NR] = $2; s += $2 } END { m = s / NR; for (i = 1; i <= NR; i++) q += (v[i] - m) ^ 2; printf "%.6f", sqrt(q / (NR - 1)) / m }' "$sl")"
	expect_eq ts-plot-data "$(sed -n '/^# config: sqpoll$/,/^$/p' "$tmp/plot/iops-time.dat" | awk 'NF == 2 { printf "%g %g;", $1, $2 }')" \
		"$(awk -F', ' '{ printf "%g %g;", $1 / 1000, $2 / 1000 }' "$sl")"
	expect_eq ts-plot-drawn "$(is_png "$tmp/plot/iops-time.png" && is_svg "$tmp/plot/iops-time.svg" && echo drawn)" drawn
fi

# Steadiness flags, exactly: a steady log (CV 0) leaves the cell as it is, an
# unsteady one (1000 and 3000 IOPS: CV 0.707) marks it ~ and says why below.
printf '250, 1000, 0, 0, 0\n500, 1000, 0, 0, 0\n750, 1000, 0, 0, 0\n' >"$tmp/steady_iops.1.log"
printf '250, 1000, 0, 0, 0\n500, 3000, 0, 0, 0\n' >"$tmp/jagged_iops.1.log"
"$UB_DB" --db "$tmp/t.db" import --sweep ts --iops-log "$tmp/steady_iops.1.log" "$FIX_DIR/sweep-int-qd1-r1.json" >/dev/null
"$UB_DB" --db "$tmp/t.db" import --sweep ts --iops-log "$tmp/jagged_iops.1.log" "$FIX_DIR/sweep-int-qd4-r1.json" >/dev/null
expect_eq ts-cv-exact "$(sqlite3 "$tmp/t.db" "SELECT group_concat(printf('%d:%d:%.4f', p.iodepth, s.samples, s.iops_cv), ' ') FROM run_points p JOIN run_steadiness s USING (run_id)")" \
	"1:3:0.0000 4:2:0.7071"
k1=$(jx1 "$FIX_DIR/sweep-int-qd1-r1.json") k4=$(jx1 "$FIX_DIR/sweep-int-qd4-r1.json")
expect_eq ts-table-flags "$("$UB_DB" --db "$tmp/t.db" table --sweep ts)" "| config | 1 | 4 |
|---|---|---|
| io_uring | $k1 | $k4~ |

~ unsteady: the IOPS of a run varied by more than 10% (iops_cv, the stddev of fio's IOPS log samples over their mean; view run_steadiness)"
echo '250, 1000, 0, 0, 0' >"$tmp/bad_iops.1.log"
echo '500, lots, 0, 0, 0' >>"$tmp/bad_iops.1.log"
err=$("$UB_DB" --db "$tmp/t.db" import --iops-log "$tmp/bad_iops.1.log" "$FIX_DIR/sweep-int-qd16-r1.json" 2>&1)
expect_eq ts-bad-log "$?:$err:$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM runs")" \
	"1:uringbpf-db import: --iops-log $tmp/bad_iops.1.log:2: not a fio IOPS log line (\"MSEC, IOPS, DDIR, BS, OFFSET\", from write_iops_log); nothing of $FIX_DIR/sweep-int-qd16-r1.json was imported:2"

# cgexec: the command's exit status, 128+N for signal N, 127 not found.
"$CLI" cgexec --cpu-json "$tmp/c7.json" -- sh -c 'exit 7' 2>"$tmp/c7.err"
expect_eq cgexec-exit-status "$?:$(num "$tmp/c7.json" "json_extract(j, '\$.exit_status')")" "7:7"
"$CLI" cgexec --cpu-json "$tmp/sig.json" -- sh -c 'kill -TERM $$' 2>/dev/null
expect_eq cgexec-killed-by-signal "$?:$(num "$tmp/sig.json" "json_extract(j, '\$.exit_status')")" "143:143"
"$CLI" cgexec --cpu-json "$tmp/nf.json" -- ub-no-such-command 2>"$tmp/nf.err"
expect_eq cgexec-not-found "$?:$(grep -v 'note: CPU not measured' "$tmp/nf.err")" "127:uringbpf cgexec: cannot run ub-no-such-command: No such file or directory"
err=$("$CLI" cgexec -- true 2>&1)
expect_eq cgexec-needs-cpu-json "$?:$err" "125:uringbpf cgexec: --cpu-json FILE is required: where the CPU figures go (usage: uringbpf cgexec --cpu-json FILE -- COMMAND [ARGS...])"
err=$("$CLI" cgexec --cpu-json "$tmp/no/such/dir/x.json" -- touch "$tmp/ran" 2>&1)
expect_eq cgexec-unwritable-json "$?:$err:$([ -e "$tmp/ran" ] && echo ran)" \
	"125:uringbpf cgexec: --cpu-json $tmp/no/such/dir/x.json: cannot write: No such file or directory:"
# SIGTERM to cgexec reaches the command; the group is removed after it.
"$CLI" cgexec --cpu-json "$tmp/term.json" -- sleep 30 2>/dev/null &
pid=$!
wait_for 5 sh -c "pgrep -P $pid -x sleep >/dev/null"
t0=$SECONDS
kill -TERM "$pid"
wait "$pid"
expect_eq cgexec-sigterm-passed-on "$?:$(num "$tmp/term.json" "json_extract(j, '\$.exit_status')"):$((SECONDS - t0 < 5))" "143:143:1"
[ -n "$cg2" ] && expect_eq cgexec-group-removed "$(ls -d "$cg2/uringbpf-$pid-"* 2>/dev/null)" ""

# No cgroup2 (here: UB_CGROUP2_ROOT names a directory that is none): the
# command still runs, the JSON says why, the import stores it as not measured.
err=$(UB_CGROUP2_ROOT=$tmp "$CLI" cgexec --cpu-json "$tmp/none.json" -- touch "$tmp/ran2" 2>&1)
expect_eq cgexec-no-cgroup2 "$?:$err:$([ -e "$tmp/ran2" ] && echo ran)" \
	"0:uringbpf cgexec: note: CPU not measured: UB_CGROUP2_ROOT=$tmp is not a cgroup2 file system (unset it to use the cgroup2 mount):ran"
expect_eq cgexec-no-cgroup2-json "$(num "$tmp/none.json" "json_extract(j, '\$.measured') || '|' || ifnull(json_extract(j, '\$.usage_usec'), 'null') || '|' || (json_extract(j, '\$.wall_usec') > 0) || '|' || json_extract(j, '\$.reason')")" \
	"0|null|1|UB_CGROUP2_ROOT=$tmp is not a cgroup2 file system (unset it to use the cgroup2 mount)"
FIX=$UB_TOP/tests/results-db/fixtures
"$UB_DB" --db "$tmp/i.db" import --sweep s --cpu-json "$tmp/none.json" "$FIX/sweep-int-qd1-r1.json" >/dev/null
expect_eq import-not-measured "$(sqlite3 "$tmp/i.db" "SELECT r.cpu_source || '|' || ifnull(r.cpu_cores, 'NULL') || '|' || c.note FROM run_points r JOIN run_cpu c USING (run_id)")" \
	"none|NULL|UB_CGROUP2_ROOT=$tmp is not a cgroup2 file system (unset it to use the cgroup2 mount)"
echo '{"tool": "uringbpf cgexec", "measured": true, "wall_usec": 5}' >"$tmp/bad.json"
err=$("$UB_DB" --db "$tmp/i.db" import --cpu-json "$tmp/bad.json" "$FIX/sweep-int-qd1-r2.json" 2>&1)
expect_eq import-bad-cpu-json "$?:$err:$(sqlite3 "$tmp/i.db" "SELECT count(*) FROM runs")" \
	"1:uringbpf-db import: --cpu-json $tmp/bad.json: not the JSON of \"uringbpf cgexec --cpu-json\" (an object with \"tool\": \"uringbpf cgexec\", \"measured\", integer usage_usec/user_usec/system_usec and wall_usec); nothing of $FIX/sweep-int-qd1-r2.json was imported:1"
# fio --client servers: fio's job figures are all there is, and say so.
err=$("$UB_DB" --db "$tmp/i.db" import --cpu-json "$tmp/none.json" "$FIX/client.json" 2>&1)
expect_eq import-client-cpu-json-refused "$?:$err" \
	"2:uringbpf-db import: $FIX/client.json is fio --client output: the servers' CPU is not measured here (fio's own job figures are stored); drop --cpu-json"
"$UB_DB" --db "$tmp/i.db" import "$FIX/client.json" >/dev/null
expect_eq import-client-fio-job "$(sqlite3 "$tmp/i.db" "SELECT group_concat(DISTINCT c.source || '|' || (abs(p.cpu_cores - p.fio_cpu_cores) < 0.01) || '|' || c.note) FROM run_points p JOIN run_cpu c USING (run_id) WHERE p.run_id > 1")" \
	"fio_job|1|fio --client: the server's fio job threads only (fio usr_cpu + sys_cpu); an SQPOLL thread and io-wq workers are not counted"
finish
