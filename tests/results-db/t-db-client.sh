#!/bin/bash
# fio client/server output: one run per server, each with that server's own
# numbers; fio's "All clients" sum is not a host. Made live with two
# fio --server on 127.0.0.1:8765/8766, and from the committed fixture.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

# check_file NAME FILE: two runs, hosts told apart by port, numbers per host.
check_file() {
	local name=$1 f=$2 out port run
	out=$("$UB_DB" --db "$db" import --sweep "$name" "$f"); rc=$?
	expect_eq "$name-two-runs" "$rc:$(grep -c '^imported .* as run [0-9]* (1 jobs)$' <<<"$out")" "0:2"
	expect_eq "$name-hosts" "$(q "$db" "SELECT group_concat(host, ' ') FROM (SELECT host FROM runs
		WHERE sweep = '$name' ORDER BY host)")" "127.0.0.1:8765 127.0.0.1:8766"
	for port in 8765 8766; do
		run=$(q "$db" "SELECT id FROM runs WHERE sweep = '$name' AND host = '127.0.0.1:$port'")
		expect_eq "$name-iops-$port" "$(q "$db" "SELECT x.iops FROM results x JOIN jobs j ON j.id = x.job_id
			WHERE j.run_id = $run AND x.ddir = 'read'")" \
			"$(jx "$f" "(SELECT json_extract(value, '\$.read.iops') FROM json_each(j, '\$.client_stats')
				WHERE json_extract(value, '\$.port') = $port AND json_extract(value, '\$.jobname') = 'cs')")"
	done
	expect_eq "$name-no-all-clients" "$(q "$db" "SELECT count(*) FROM jobs j JOIN runs r ON r.id = j.run_id
		WHERE r.sweep = '$name' AND j.name = 'All clients'")" 0
	expect_eq "$name-server-kernel-unknown" "$(q "$db" "SELECT count(*) FROM runs WHERE sweep = '$name'
		AND kernel IS NULL AND cpu_model IS NULL")" 2
}
check_file fixture "$FIX/client.json"

err=$("$UB_DB" --db "$db" import --host x "$FIX/client.json" 2>&1)
expect_eq client-reimport-is-noop "$err" "already imported $FIX/client.json as run 1
already imported $FIX/client.json as run 2"
(cat "$FIX/client.json"; echo) >"$tmp/client2.json"
err=$("$UB_DB" --db "$db" import --host x "$tmp/client2.json" 2>&1); rc=$?
expect_eq client-with-host-refused "$rc:$err" "2:uringbpf-db import: $tmp/client2.json is fio --client output: each server's \"hostname\" names its run; drop --host"

if [ ! -x "$UB_FIO" ]; then
	skip live-client-server: no fio at "$UB_FIO"
	finish
fi
"$UB_TOP/tests/results-db/fio-client.sh" "$UB_FIO" "$tmp/live.json" >"$tmp/client.log" 2>&1
rc=$?
if [ $rc = 77 ]; then
	skip live-client-server: "$(tail -1 "$tmp/client.log")"
elif [ $rc != 0 ]; then
	not_ok live-client-server: "fio --client exited $rc: $(tail -3 "$tmp/client.log" | tr '\n' ' ')"
else
	ok live-client-server
	check_file live "$tmp/live.json"
fi
finish
