#!/bin/bash
# A fio --server's own kernel, CPU and device reach the database (issue 14):
# with host_identity=1 our engine writes them into the job's description
# (ioengine/host_identity.c), fio's client/server protocol carries that back
# in "desc", and the importer fills the run's kernel, cpu_model and device
# from it.  The server here is on 127.0.0.1, so the expected values are this
# machine's, read with uname, /proc/cpuinfo and blockdev, never by our code.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
[ -x "$UB_FIO" ] || { skip "remote-identity: no fio at $UB_FIO"; finish; }

port=
for ((p = 20000 + RANDOM % 20000; p < 45000; p++)); do
	ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { port=$p; break; }
done
# A server lives at most 120 s whatever happens to this test.
timeout -k 5 120 "$(ub_fio_bin)" --server="ip:127.0.0.1,$port" >"$tmp/server.log" 2>&1 &
spid=$!
ub_at_exit "kill $spid 2>/dev/null; wait $spid 2>/dev/null"
for _ in $(seq 100); do ss -Htln "sport = :$port" | grep -q . && break; sleep 0.1; done
if ! ss -Htln "sport = :$port" | grep -q .; then
	not_ok "remote-identity-server: fio --server on port $port did not listen: $(cat "$tmp/server.log")"
	finish
fi

ub_loopdev 64M || { not_ok "remote-identity-loop: cannot set up a loop device"; finish; }
dev=$UB_LOOP

# client_run NAME EXTRA-OPTION-LINES: one small job through the server.
client_run() {
	cat >"$tmp/$1.fio" <<JOB
[$1]
ioengine=external:$UB_ENGINE
filename=$dev
direct=1
rw=randread
bs=4k
size=4m
number_ios=64
$2
JOB
	timeout 60 "$UB_FIO" --output-format=json+ --client="ip:127.0.0.1,$port" "$tmp/$1.fio" \
		--output="$tmp/$1.json" >"$tmp/$1.log" 2>&1
}
# run_row NAME: kernel|cpu_model|device path|kind|size of the one run of sweep NAME.
run_row() {
	q "$db" "SELECT coalesce(r.kernel, '-') || '|' || coalesce(r.cpu_model, '-') || '|' ||
		coalesce(d.path, '-') || '|' || coalesce(d.kind, '-') || '|' || coalesce(d.size, '-')
		FROM runs r LEFT JOIN devices d ON d.id = r.device_id WHERE r.sweep = '$1'"
}

kernel=$(uname -r)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
size=$(blockdev --getsize64 "$dev")

client_run ident "host_identity=1"
expect_eq "remote-identity-fio" "$?:$(jx "$tmp/ident.json" "(SELECT sum(json_extract(value, '\$.error'))
	FROM json_each(j, '\$.client_stats'))")" "0:0"
"$UB_DB" --db "$db" import --sweep ident --kernel unknown "$tmp/ident.json" >"$tmp/import.log" 2>&1
expect_eq "remote-identity-import" "$?" 0
expect_eq "remote-identity-row" "$(run_row ident)" "$kernel|$cpu|$dev|block|$size"

# Without the option fio says nothing of the server: nothing is made up.
client_run plain ""
"$UB_DB" --db "$db" import --sweep plain "$tmp/plain.json" >>"$tmp/import.log" 2>&1
expect_eq "remote-identity-absent" "$(run_row plain)" "-|-|-|-|-"

# A description the job has (the profiles describe their sections) stays in front.
client_run mine "host_identity=1
description=io_uring (SQPOLL)"
"$UB_DB" --db "$db" import --sweep mine "$tmp/mine.json" >>"$tmp/import.log" 2>&1
expect_eq "remote-identity-after-description" "$(jx "$tmp/mine.json" "substr(json_extract(j, '\$.client_stats[0].desc'), 1, 37)")|$(run_row mine)" \
	"io_uring (SQPOLL) uringbpf-identity {|$kernel|$cpu|$dev|block|$size"
# ... unless both do not fit fio's 255 bytes: then the job's own text wins, whole.
long=$(printf 'd%.0s' $(seq 250))
client_run long "host_identity=1
description=$long"
"$UB_DB" --db "$db" import --sweep long "$tmp/long.json" >>"$tmp/import.log" 2>&1
expect_eq "remote-identity-long-description" "$(jx "$tmp/long.json" "json_extract(j, '\$.client_stats[0].desc')")|$(run_row long)" \
	"$long|-|-|-|-|-"

# A kernel given on the command line (not "unknown") is the user's word: kept.
# (The same bytes again would be "already imported": a copy with one more newline.)
(cat "$tmp/ident.json"; echo) >"$tmp/ident2.json"
"$UB_DB" --db "$db" import --sweep given --kernel 9.9.9-given "$tmp/ident2.json" >>"$tmp/import.log" 2>&1
expect_eq "remote-identity-given-kernel" "$(run_row given)" "9.9.9-given|$cpu|$dev|block|$size"
finish
