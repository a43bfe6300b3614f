#!/bin/bash
# Imported values equal the fio JSON (json and json+), read and write apart for
# randrw, [global] options merged into each job, import options stored.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

out=$("$UB_DB" --db "$db" import --sweep s --repeat 3 --tag engine_build=abc123 --tag note=x \
	"$FIX/sweep-int-qd4-r1.json" "$FIX/jsonplus.json" "$FIX/randrw.json" "$FIX/global-opts.json")
expect_eq import-messages "$out" "imported $FIX/sweep-int-qd4-r1.json as run 1 (1 jobs)
imported $FIX/jsonplus.json as run 2 (1 jobs)
imported $FIX/randrw.json as run 3 (1 jobs)
imported $FIX/global-opts.json as run 4 (2 jobs)"

# check NAME RUN JOB-INDEX DDIR DB-COLUMN JSON-EXPR [FILE]: the column equals
# JSON-EXPR evaluated on the run's file (or FILE), @ standing for $.jobs[i].ddir.
check() {
	local name=$1 run=$2 idx=$3 ddir=$4 col=$5 expr=$6 file=${7:-} got want
	[ -n "$file" ] || file=$(q "$db" "SELECT file FROM runs WHERE id = $run")
	got=$(q "$db" "SELECT x.$col FROM results x JOIN jobs j ON j.id = x.job_id
		WHERE j.run_id = $run AND j.idx = $idx AND x.ddir = '$ddir'")
	want=$(jx "$file" "${expr//@/\$.jobs[$idx].$ddir}")
	expect_eq "$name" "$got" "$want"
}
for run in 1 2; do
	kind=$([ $run = 1 ] && echo json || echo jsonplus)
	check "$kind-iops" $run 0 read iops "json_extract(j, '@.iops')"
	check "$kind-bw" $run 0 read bw_bytes "json_extract(j, '@.bw_bytes')"
	check "$kind-total-ios" $run 0 read total_ios "json_extract(j, '@.total_ios')"
	check "$kind-clat-mean-us" $run 0 read clat_mean_us "json_extract(j, '@.clat_ns.mean') / 1000.0"
	check "$kind-p50-us" $run 0 read clat_p50_us "json_extract(j, '@.clat_ns.percentile.\"50.000000\"') / 1000.0"
	check "$kind-p99-us" $run 0 read clat_p99_us "json_extract(j, '@.clat_ns.percentile.\"99.000000\"') / 1000.0"
	check "$kind-p99.9-us" $run 0 read clat_p999_us "json_extract(j, '@.clat_ns.percentile.\"99.900000\"') / 1000.0"
	check "$kind-p99.99-us" $run 0 read clat_p9999_us "json_extract(j, '@.clat_ns.percentile.\"99.990000\"') / 1000.0"
	check "$kind-slat-mean-us" $run 0 read slat_mean_us "json_extract(j, '@.slat_ns.mean') / 1000.0"
	check "$kind-lat-mean-us" $run 0 read lat_mean_us "json_extract(j, '@.lat_ns.mean') / 1000.0"
done
expect_eq jsonplus-has-bins "$(jx "$FIX/jsonplus.json" "json_type(j, '\$.jobs[0].read.clat_ns.bins')")" object

# randrw: each direction on its own row with its own numbers.
check randrw-read-iops 3 0 read iops "json_extract(j, '@.iops')"
check randrw-write-iops 3 0 write iops "json_extract(j, '@.iops')"
check randrw-read-p99 3 0 read clat_p99_us "json_extract(j, '@.clat_ns.percentile.\"99.000000\"') / 1000.0"
check randrw-write-p99 3 0 write clat_p99_us "json_extract(j, '@.clat_ns.percentile.\"99.000000\"') / 1000.0"
rw_iops=$(q "$db" "SELECT group_concat(ddir || '>0', ',') FROM results x JOIN jobs j ON j.id = x.job_id
	WHERE j.run_id = 3 AND x.iops > 0 ORDER BY x.id")
expect_eq randrw-both-directions-did-io "$rw_iops" "read>0,write>0"
check global-job2-iops 4 1 read iops "json_extract(j, '@.iops')"

# Job-level numbers and the options fio printed, [global] merged in.
expect_eq job-usr-cpu "$(q "$db" "SELECT usr_cpu FROM jobs WHERE run_id = 1")" \
	"$(jx "$FIX/sweep-int-qd4-r1.json" "json_extract(j, '\$.jobs[0].usr_cpu')")"
expect_eq job-ctx "$(q "$db" "SELECT ctx FROM jobs WHERE run_id = 1")" \
	"$(jx "$FIX/sweep-int-qd4-r1.json" "json_extract(j, '\$.jobs[0].ctx')")"
expect_eq global-options-merged \
	"$(q "$db" "SELECT group_concat(name || ':' || ioengine || ':' || rw || ':' || bs || ':' || iodepth || ':' ||
		json_extract(options, '\$.runtime'), ' ') FROM (SELECT * FROM jobs WHERE run_id = 4 ORDER BY idx)")" \
	"qd2:io_uring:randread:4k:2:300ms qd8:io_uring:randread:4k:8:300ms"
expect_eq fio-defaults-applied "$(q "$db" "SELECT ioengine || ':' || iodepth || ':' || numjobs || ':' || bs_bytes
	FROM jobs WHERE run_id = 2")" "psync:1:1:4096"

# Labels from engine and modes, run-level fields, tags.
expect_eq config-labels "$(q "$db" "SELECT group_concat(config, ',') FROM (SELECT config FROM runs ORDER BY id)")" \
	"io_uring,psync,io_uring,io_uring"
expect_eq run-fields "$(q "$db" "SELECT sweep || '|' || repeat || '|' || host || '|' || kernel || '|' ||
	fio_version || '|' || engine_build FROM runs WHERE id = 1")" \
	"s|3|$(uname -n)|$(uname -r)|fio-3.41|abc123"
expect_eq run-time-utc "$(q "$db" "SELECT fio_time FROM runs WHERE id = 1")" \
	"$(jx "$FIX/sweep-int-qd4-r1.json" "strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(j, '\$.timestamp'), 'unixepoch')")"
expect_eq tags "$(q "$db" "SELECT group_concat(key || '=' || value, ' ') FROM (SELECT * FROM tags WHERE run_id = 2 ORDER BY key)")" \
	"engine_build=abc123 note=x"
expect_eq raw-json-kept "$(q "$db" "SELECT json_extract(raw_json, '\$.jobs[0].read.total_ios') FROM runs WHERE id = 2")" \
	"$(jx "$FIX/jsonplus.json" "json_extract(j, '\$.jobs[0].read.total_ios')")"
expect_eq content-hash "$(q "$db" "SELECT content_hash FROM runs WHERE id = 2")" \
	"$(sha256sum <"$FIX/jsonplus.json" | cut -d' ' -f1)"

# --config, --host, --kernel override; a file as --device.
dev=$tmp/target.dat
head -c 65536 /dev/zero >"$dev"
(echo "note: a warning fio printed first"; cat "$FIX/sweep-sqp-qd1-r1.json"; echo "trailing normal output") >"$tmp/wrapped.json"
out=$("$UB_DB" --db "$db" import --config "my label" --host h1 --kernel 9.9 --device "$dev" "$tmp/wrapped.json")
expect_eq leading-and-trailing-text-accepted "$out" "imported $tmp/wrapped.json as run 5 (1 jobs)"
expect_eq overrides "$(q "$db" "SELECT r.config || '|' || r.host || '|' || r.kernel || '|' || coalesce(r.cpu_model, 'NULL')
	|| '|' || d.path || '|' || d.kind || '|' || d.size || '|' || d.nvme
	FROM runs r JOIN devices d ON d.id = r.device_id WHERE r.id = 5")" "my label|h1|9.9|NULL|$dev|file|65536|0"
expect_eq config-on-jobs "$(q "$db" "SELECT config FROM jobs WHERE run_id = 5")" "my label"
check wrapped-iops 5 0 read iops "json_extract(j, '@.iops')" "$FIX/sweep-sqp-qd1-r1.json"

# A block device: size and logical block size from sysfs.
blk=$(lsblk -dnpo NAME,TYPE 2>/dev/null | awk '$2 == "disk" && $1 !~ /zram/ { print $1; exit }')
if [ -n "$blk" ]; then
	"$UB_DB" --db "$db" import --device "$blk" "$FIX/sweep-sqp-qd4-r1.json" >/dev/null
	expect_eq block-device "$(q "$db" "SELECT kind || ':' || size || ':' || lba_size FROM devices WHERE path = '$blk'")" \
		"block:$(blockdev --getsize64 "$blk" 2>/dev/null || echo $(( $(cat /sys/class/block/${blk#/dev/}/size) * 512 ))):$(cat /sys/class/block/${blk#/dev/}/queue/logical_block_size)"
else
	skip block-device: no block disk on this machine
fi
if [ -e /dev/nvme0n1 ]; then
	"$UB_DB" --db "$db" import --device /dev/nvme0n1 "$FIX/sweep-sqp-qd16-r1.json" >/dev/null
	expect_eq nvme-identify "$(q "$db" "SELECT nvme || ':' || (model IS NOT NULL) || ':' || lba_size FROM devices
		WHERE path = '/dev/nvme0n1'")" "1:1:$(cat /sys/block/nvme0n1/queue/logical_block_size)"
else
	skip nvme-identify: no /dev/nvme0n1 here "(the kernel lab tests it: g-db-nvme-identify)"
fi

# numjobs=2 without group_reporting: fio prints one entry per clone; a point
# of the views is their sum.
if [ -x "$UB_FIO" ]; then
	"$UB_FIO" --name=nj --filename="$tmp/nj.dat" --size=4M --ioengine=psync --rw=randread --bs=4k \
		--numjobs=2 --runtime=200ms --time_based --output-format=json >"$tmp/nj.json" 2>"$tmp/nj.err"
	out=$("$UB_DB" --db "$db" import --sweep nj "$tmp/nj.json")
	expect_eq numjobs-clones-imported "$out" "imported $tmp/nj.json as run $(q "$db" "SELECT max(id) FROM runs") (2 jobs)"
	expect_eq numjobs-clones-add-up "$(q "$db" "SELECT printf('%.6f', kiops) FROM run_points WHERE sweep = 'nj'")" \
		"$(jx "$tmp/nj.json" "printf('%.6f', (json_extract(j, '\$.jobs[0].read.iops') + json_extract(j, '\$.jobs[0].write.iops')
			+ json_extract(j, '\$.jobs[1].read.iops') + json_extract(j, '\$.jobs[1].write.iops')) / 1000.0)")"
	expect_eq numjobs-column "$(q "$db" "SELECT numjobs || ':' || jobs FROM run_points WHERE sweep = 'nj'")" "2:2"
else
	skip numjobs-clones: no fio at "$UB_FIO"
fi
finish
