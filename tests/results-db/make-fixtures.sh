#!/bin/bash
# Regenerate the committed fio 3.41 JSON fixtures (run by hand, not by the
# test runner). Small time-based runs on a /dev/shm file:
#   sweep-*.json     io_uring (interrupt) and io_uring SQPOLL, randread 4k,
#                    iodepth 1/4/16, two repeats each (table/series checks)
#   jsonplus.json    --output-format=json+ (clat bins)
#   randrw.json      a mixed job: read and write reported apart
#   global-opts.json a [global] section plus two jobs (options merged)
#   numjobs2.json    json+ with numjobs=2, no group_reporting: two jobs, one
#                    point, whose latency comes from the merged bins
#   client.json      fio --client against two fio --server on 127.0.0.1
#   merge-r1/r2.json two repeats of one point (psync randread 4k, json+,
#                    percentile_list up to 99.999); r2 shares its CPU with a
#                    busy loop, so its tail is heavier (merged percentiles)
# schema-v1.sql is not made here: it is a frozen version-1 database (with its
# own copy of two results) for the migration test.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
fio=${UB_FIO:-$top/.deps/fio/fio}
out=$top/tests/results-db/fixtures
dat=/dev/shm/ub-fixture.dat
common=(--filename=$dat --size=16M --bs=4k --runtime=300ms --time_based)
trap 'rm -f $dat' EXIT

for rep in 1 2; do
	for qd in 1 4 16; do
		"$fio" --name=rr "${common[@]}" --ioengine=io_uring --rw=randread \
			--iodepth=$qd --output-format=json >"$out/sweep-int-qd$qd-r$rep.json"
		"$fio" --name=rr "${common[@]}" --ioengine=io_uring --sqthread_poll=1 \
			--rw=randread --iodepth=$qd --output-format=json >"$out/sweep-sqp-qd$qd-r$rep.json"
	done
done
"$fio" --name=plus "${common[@]}" --ioengine=psync --rw=randread \
	--output-format=json+ >"$out/jsonplus.json"
"$fio" --name=nj "${common[@]}" --ioengine=psync --rw=randread --numjobs=2 \
	--output-format=json+ >"$out/numjobs2.json"
"$fio" --name=mixed "${common[@]}" --ioengine=io_uring --rw=randrw --rwmixread=70 \
	--iodepth=4 --output-format=json >"$out/randrw.json"
cat >/dev/shm/ub-fixture.fio <<JOB
[global]
filename=$dat
size=16M
ioengine=io_uring
bs=4k
runtime=300ms
time_based
[qd2]
rw=randread
iodepth=2
[qd8]
stonewall
rw=randread
iodepth=8
JOB
"$fio" /dev/shm/ub-fixture.fio --output-format=json >"$out/global-opts.json"
rm -f /dev/shm/ub-fixture.fio

lat=(--name=lat "${common[@]}" --ioengine=psync --rw=randread
	--percentile_list=1:10:50:90:99:99.9:99.99:99.999 --output-format=json+)
"$fio" "${lat[@]}" >"$out/merge-r1.json"
taskset -c 0 bash -c 'end=$((SECONDS + 2)); while [ $SECONDS -lt $end ]; do :; done' &
hog=$!
taskset -c 0 "$fio" "${lat[@]}" >"$out/merge-r2.json"
kill $hog 2>/dev/null; wait $hog 2>/dev/null || true

"$top/tests/results-db/fio-client.sh" "$fio" "$out/client.json"
ls -l "$out"
