#!/bin/bash
# A schema version 1 database (fixtures/schema-v1.sql), a version 2 one
# (fixtures/schema-v2.sql) and a version 4 one (fixtures/schema-v4.sql) are
# migrated to the current version (8) on first use, a version 5 one
# (fixtures/schema-v5.sql) gains the sweep plan (sweep_plan, sweeps.options),
# and a version 7 one (fixtures/schema-v7.sql) its plan's axes (sweep_plan
# rebuilt with axes in its UNIQUE key, every row kept):
# rows kept, new columns filled from the raw JSON every run keeps, views and
# imports working; a newer one is refused.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
ub_scratch_init
tmp=$UB_SCRATCH
db=$tmp/v1.db
sqlite3 "$db" <"$FIX/schema-v1.sql"
sqlite3 "$tmp/ref.db" <"$FIX/schema-v1.sql"	# stays at version 1: expected values come from it
# raw RUN SQL-PATH: a value from the raw fio JSON the v1 database holds for RUN.
raw() { q "$tmp/ref.db" "SELECT $2 FROM (SELECT raw_json AS j FROM runs WHERE id = $1)"; }
expect_eq fixture-is-v1 "$(q "$db" "PRAGMA user_version")" 1
old_results=$(q "$db" "SELECT group_concat(job_id || ddir || iops || ',' || clat_p99_us, ';') FROM results")

out=$("$UB_DB" --db "$db" table --sweep v1sweep); rc=$?
expect_eq table-after-migration "$rc:$out" "0:| config | 1 | 4 |
|---|---|---|
| io_uring | $(raw 1 "printf('%.1f', json_extract(j, '\$.jobs[0].read.iops') / 1000.0)") | $(raw 2 "printf('%.1f', json_extract(j, '\$.jobs[0].read.iops') / 1000.0)") |"
expect_eq version-now-8 "$(q "$db" "PRAGMA user_version")" 8
expect_eq results-kept "$(q "$db" "SELECT group_concat(job_id || ddir || iops || ',' || clat_p99_us, ';') FROM results")" "$old_results"
expect_eq runs-kept "$(q "$db" "SELECT group_concat(id || sweep || host || kernel || content_hash || part, ';') FROM runs")" \
	"1v1sweepoldhost6.1.0-oldv1-hash-qd10;2v1sweepoldhost6.1.0-oldv1-hash-qd40"
expect_eq p9999-filled-from-raw-json "$(q "$db" "SELECT clat_p9999_us FROM results WHERE job_id = 2 AND ddir = 'read'")" \
	"$(raw 2 "json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.990000\"') / 1000.0")"
expect_eq job-columns-filled "$(q "$db" "SELECT idx || ':' || config || ':' || bs_bytes || ':' || usr_cpu FROM jobs WHERE id = 1")" \
	"0:io_uring:4096:$(raw 1 "json_extract(j, '\$.jobs[0].usr_cpu')")"
expect_eq fio-time-filled "$(q "$db" "SELECT fio_time FROM runs WHERE id = 1")" \
	"$(raw 1 "strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(j, '\$.timestamp'), 'unixepoch')")"
expect_eq foreign-keys "$(q "$db" "PRAGMA foreign_key_check")" ""
expect_eq integrity "$(q "$db" "PRAGMA integrity_check")" ok
expect_eq new-views "$(q "$db" "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name)")" \
	"cpu_by_iodepth,failed_jobs,job_metrics,kiops_by_iodepth,latency_by_iodepth,precondition_summary,run_points,run_steadiness,steadiness_by_iodepth"
# Version 3: the sweep name is taken, each point has its latency (one job: its own p99).
expect_eq v3-sweep-claimed "$(q "$db" "SELECT group_concat(name) FROM sweeps")" v1sweep
expect_eq v3-point-latency "$(q "$db" "SELECT group_concat(run_id || ':' || source || ':' || clat_p99_us, ';') FROM point_latency ORDER BY run_id")" \
	"$(q "$tmp/ref.db" "SELECT group_concat(j.run_id || ':job:' || x.clat_p99_us, ';') FROM results x JOIN jobs j ON j.id = x.job_id WHERE x.ddir = 'read' ORDER BY j.run_id")"
out=$("$UB_DB" --db "$db" import --sweep v1sweep "$FIX/sweep-int-qd1-r2.json")
expect_eq import-after-migration "$out" "imported $FIX/sweep-int-qd1-r2.json as run 3 (1 jobs)"
expect_eq repeats-averaged "$(q "$db" "SELECT n FROM kiops_by_iodepth WHERE iodepth = 1")" 2

# A fresh database goes through the same two steps.
"$UB_DB" --db "$tmp/new.db" import "$FIX/jsonplus.json" >/dev/null
expect_eq fresh-db-version "$(q "$tmp/new.db" "PRAGMA user_version")" 8
expect_eq same-schema-fresh-and-migrated \
	"$(q "$tmp/new.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")" \
	"$(q "$db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")"

# Version 2 -> 3 with json+ runs (fixtures/schema-v2.sql, written by the
# version-2 importer): bins filled from the raw JSON, a numjobs=2 point's
# percentiles from the merged bins, a result with a key that is no fio bucket
# left without bins (the migration does not fail on it), names in sweeps.
sqlite3 "$tmp/v2.db" <"$FIX/schema-v2.sql"
expect_eq fixture-is-v2 "$(q "$tmp/v2.db" "PRAGMA user_version")" 2
"$UB_DB" --db "$tmp/v2.db" runs >/dev/null
expect_eq v2-now-8 "$(q "$tmp/v2.db" "PRAGMA user_version")" 8
nj=$FIX/numjobs2.json
expect_eq v2-bins-from-raw-json "$(q "$tmp/v2.db" "SELECT group_concat(n, ' ') FROM (SELECT x.id, (SELECT count(*) FROM clat_bins b WHERE b.result_id = x.id) AS n FROM results x WHERE x.ddir = 'read' ORDER BY x.id)")" \
	"$(jx "$nj" "(SELECT count(*) FROM json_each(j, '\$.jobs[0].read.clat_ns.bins')) || ' ' || (SELECT count(*) FROM json_each(j, '\$.jobs[1].read.clat_ns.bins'))") 0"
merged99=$(jx "$nj" "(WITH b AS (SELECT CAST(e.key AS INTEGER) AS v, sum(e.value) AS c
		FROM json_each(j, '\$.jobs') AS jb, json_each(jb.value, '\$.read.clat_ns.bins') AS e GROUP BY v),
	r AS (SELECT v, sum(c) OVER (ORDER BY v) AS cum, sum(c) OVER () AS n FROM b)
	SELECT min(v) / 1000.0 FROM r WHERE cum >= 99 / 100.0 * n)")
expect_eq v2-point-latency "$(q "$tmp/v2.db" "SELECT group_concat(run_id || ':' || jobs || ':' || source || ':' || clat_p99_us, ' ') FROM point_latency ORDER BY run_id")" \
	"1:2:bins:$merged99 2:1:job:$(jx "$FIX/jsonplus.json" "json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.000000\"') / 1000.0")"
expect_eq v2-sweeps "$(q "$tmp/v2.db" "SELECT group_concat(name) FROM sweeps")" v2sweep
# Version 4: the engine's reports, a table of their own, empty for older runs.
expect_eq v4-engine-reports "$(q "$tmp/v2.db" "SELECT count(*) FROM engine_reports")|$(q "$db" "SELECT count(*) FROM engine_reports")" "0|0"
expect_eq v2-same-schema-as-fresh \
	"$(q "$tmp/new.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")" \
	"$(q "$tmp/v2.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")"

# Version 4 -> 5 (fixtures/schema-v4.sql, written by the version-4 importer):
# run_cpu is new and empty, so the old runs have no CPU figures (NULL, the
# table says "-"), fio's own job CPU is there from the stored columns, the
# kIOPS stay what they were, and a run imported now with --cpu-json has its CPU.
sqlite3 "$tmp/v4.db" <"$FIX/schema-v4.sql"
expect_eq fixture-is-v4 "$(q "$tmp/v4.db" "PRAGMA user_version")" 4
old_kiops=$(q "$tmp/v4.db" "SELECT group_concat(config || ':' || kiops, ';') FROM run_points")
out=$("$UB_DB" --db "$tmp/v4.db" table --metric kiops,cpu_cores); rc=$?
expect_eq v4-table-cpu-unknown "$rc:$out" "0:| config | kiops 4 | cpu_cores 4 |
|---|---|---|
| io_uring | $(jx "$FIX/sweep-int-qd4-r1.json" "printf('%.1f', json_extract(j, '\$.jobs[0].read.iops') / 1000.0)") | - |
| io_uring SQPOLL | $(jx "$FIX/sweep-sqp-qd4-r1.json" "printf('%.1f', json_extract(j, '\$.jobs[0].read.iops') / 1000.0)") | - |"
expect_eq v4-now-8 "$(q "$tmp/v4.db" "PRAGMA user_version")" 8
expect_eq v4-kiops-kept "$(q "$tmp/v4.db" "SELECT group_concat(config || ':' || kiops, ';') FROM run_points")" "$old_kiops"
expect_eq v4-run-cpu-empty "$(q "$tmp/v4.db" "SELECT count(*) FROM run_cpu")|$(q "$tmp/v4.db" "SELECT count(*) FROM iops_samples")" "0|0"
expect_eq v4-fio-cpu "$(q "$tmp/v4.db" "SELECT group_concat(config || ':' || ifnull(cpu_cores, '') || ':' || ifnull(kiops_per_core, '') || ':' || fio_cpu_cores, ';') FROM cpu_by_iodepth")" \
	"io_uring:::$(jx "$FIX/sweep-int-qd4-r1.json" "(json_extract(j, '\$.jobs[0].usr_cpu') + json_extract(j, '\$.jobs[0].sys_cpu')) / 100.0");io_uring SQPOLL:::$(jx "$FIX/sweep-sqp-qd4-r1.json" "(json_extract(j, '\$.jobs[0].usr_cpu') + json_extract(j, '\$.jobs[0].sys_cpu')) / 100.0")"
printf '{"tool": "uringbpf cgexec", "measured": true, "cgroup": "/x", "usage_usec": 1500000, "user_usec": 500000, "system_usec": 1000000, "wall_usec": 1000000, "exit_status": 0, "reason": null}\n' >"$tmp/cpu.json"
"$UB_DB" --db "$tmp/v4.db" import --sweep v4sweep --cpu-json "$tmp/cpu.json" "$FIX/sweep-sqp-qd4-r2.json" >/dev/null
expect_eq v4-new-run-cpu "$(q "$tmp/v4.db" "SELECT run_id || ':' || source || ':' || cpu_cores FROM run_cpu JOIN run_points USING (run_id)")" "3:cgroup2:1.5"
expect_eq v4-same-schema-as-fresh \
	"$(q "$tmp/new.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")" \
	"$(q "$tmp/v4.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")"

# Version 5 -> 6 (fixtures/schema-v5.sql, written by the version-5 importer):
# the sweep and its runs kept, no options and an empty plan, so the sweep
# can't be resumed (and says why); a new sweep in the migrated database
# plans, and its import marks the point done.
sqlite3 "$tmp/v5.db" <"$FIX/schema-v5.sql"
expect_eq fixture-is-v5 "$(q "$tmp/v5.db" "PRAGMA user_version")" 5
old_runs=$(q "$tmp/v5.db" "SELECT group_concat(id || sweep || config || repeat || content_hash, ';') FROM runs")
err=$("$UB_DB" --db "$tmp/v5.db" resume-sweep v5sweep 2>&1); rc=$?
expect_eq v5-not-resumable "$rc:$err" "1:uringbpf-db resume-sweep: sweep 'v5sweep' in $tmp/v5.db has no plan (its runs were imported by hand, or run by a sweep older than schema version 6), so it can't be resumed: run it again under another --sweep-name"
expect_eq v5-now-8 "$(q "$tmp/v5.db" "PRAGMA user_version")" 8
expect_eq v5-runs-kept "$(q "$tmp/v5.db" "SELECT group_concat(id || sweep || config || repeat || content_hash, ';') FROM runs")" "$old_runs"
expect_eq v5-sweep-kept "$(q "$tmp/v5.db" "SELECT name || '|' || claimed_at || '|' || host || '|' || pid || '|' || coalesce(options, 'NULL') FROM sweeps")" \
	"v5sweep|2026-12-01T10:00:00Z|oldhost|4242|NULL"
expect_eq v5-plan-empty "$(q "$tmp/v5.db" "SELECT count(*) FROM sweep_plan")" 0
"$UB_DB" --db "$tmp/v5.db" claim-sweep v6sweep >/dev/null
printf 'interrupt\t1\t2\tqd1.fio\n' | "$UB_DB" --db "$tmp/v5.db" plan-add v6sweep >/dev/null
"$UB_DB" --db "$tmp/v5.db" import --sweep v6sweep --config interrupt --repeat 2 "$FIX/sweep-int-qd1-r2.json" >/dev/null
expect_eq v5-new-plan-done "$(q "$tmp/v5.db" "SELECT config || ':' || iodepth || ':' || repeat || ':' || fate || ':' || run_id FROM sweep_plan")" \
	"interrupt:1:2:done:3"
expect_eq v5-same-schema-as-fresh \
	"$(q "$tmp/new.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")" \
	"$(q "$tmp/v5.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")"
expect_eq v5-foreign-keys "$(q "$tmp/v5.db" "PRAGMA foreign_key_check")" ""

# Version 7 -> 8 (fixtures/schema-v7.sql, written by the version-7 uringbpf-db):
# sweep_plan rebuilt with axes (''), every row and fate kept; the sweep still
# resumes; the same point at two --axis values can now be planned, the old
# point once only; the import marks done the point of its axes.
sqlite3 "$tmp/v7.db" <"$FIX/schema-v7.sql"
expect_eq fixture-is-v7 "$(q "$tmp/v7.db" "PRAGMA user_version")" 7
old_plan=$(q "$tmp/v7.db" "SELECT group_concat(sweep || seq || config || iodepth || repeat || job_file || fate || ifnull(run_id, '-') || ifnull(code, '-') || ifnull(text, '-') || ifnull(stage, '-') || planned_at || ifnull(decided_at, '-'), ';') FROM sweep_plan")
out=$("$UB_DB" --db "$tmp/v7.db" plan-pending v7sweep); rc=$?
expect_eq v7-pending-after-migration "$rc:$out" "0:2	interrupt	4	1	qd4.fio	"
expect_eq v7-now-8 "$(q "$tmp/v7.db" "PRAGMA user_version")" 8
expect_eq v7-plan-kept "$(q "$tmp/v7.db" "SELECT group_concat(sweep || seq || config || iodepth || repeat || job_file || fate || ifnull(run_id, '-') || ifnull(code, '-') || ifnull(text, '-') || ifnull(stage, '-') || planned_at || ifnull(decided_at, '-'), ';') FROM sweep_plan")" "$old_plan"
expect_eq v7-axes-empty "$(q "$tmp/v7.db" "SELECT count(*) || ':' || sum(axes = '') FROM sweep_plan")" "3:3"
printf 'interrupt\t4\t1\tqd4.fio\ninterrupt\t4\t1\tqd4-bs=16k.fio\t\t\t\tbs=16k\n' | "$UB_DB" --db "$tmp/v7.db" plan-add v7sweep >"$tmp/v7-add.out"
expect_eq v7-axes-unique "$(cat "$tmp/v7-add.out")|$(q "$tmp/v7.db" "SELECT group_concat(seq || ':' || iodepth || ':' || axes, ',') FROM sweep_plan WHERE config = 'interrupt'")" \
	"planned 1 points for sweep v7sweep (1 planned already)|1:1:,2:4:,4:4:bs=16k"
expect_eq v7-unique-key "$(q "$tmp/v7.db" "SELECT group_concat(name, ',') FROM pragma_index_info((SELECT name FROM pragma_index_list('sweep_plan') WHERE origin = 'u'))")" \
	"sweep,config,iodepth,axes,repeat"
expect_eq v7-same-schema-as-fresh \
	"$(q "$tmp/new.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")" \
	"$(q "$tmp/v7.db" "SELECT group_concat(name || type, ',') FROM (SELECT name, type FROM sqlite_schema ORDER BY name)")"
expect_eq v7-same-sweep-plan-as-fresh "$(q "$tmp/v7.db" "SELECT sql FROM sqlite_schema WHERE name = 'sweep_plan'")" \
	"$(q "$tmp/new.db" "SELECT sql FROM sqlite_schema WHERE name = 'sweep_plan'")"
expect_eq v7-foreign-keys "$(q "$tmp/v7.db" "PRAGMA foreign_key_check")" ""

q "$tmp/new.db" "PRAGMA user_version = 99"
err=$("$UB_DB" --db "$tmp/new.db" runs 2>&1); rc=$?
expect_eq newer-schema-refused "$rc:$err" "1:uringbpf-db runs: $tmp/new.db: the database has schema version 99, newer than this uringbpf-db (8): use a newer uringbpf-db"

sqlite3 "$tmp/other.db" "CREATE TABLE notes(x); PRAGMA journal_mode = DELETE;" >/dev/null
err=$("$UB_DB" --db "$tmp/other.db" import "$FIX/jsonplus.json" 2>&1); rc=$?
expect_eq foreign-db-refused "$rc:$err" "1:uringbpf-db import: $tmp/other.db: not a uringbpf-db database: it has tables but no schema version (PRAGMA user_version is 0)"
expect_eq foreign-db-untouched "$(q "$tmp/other.db" "SELECT count(*) FROM sqlite_schema")|$(q "$tmp/other.db" "PRAGMA journal_mode")" "1|delete"
finish
