#!/bin/sh
# scripts/lab-guest/run-plan.sh: runs a sweep's plan in the kernel lab guest
# (busybox sh, fio and our engine; "uringbpf sweep --lab" ships it with the
# plan).  Usage: sh run-plan.sh PLAN.tsv TARGET_NAME IOPS_LOG_MS
#   PLAN.tsv     a point per line: CONFIG TAB IODEPTH TAB REPEAT [TAB TAG], in run
#                order; the point's job file is TAG.fio beside it (TAG: qdIODEPTH,
#                or with --axis values, e.g. qd8-bs=16k), its files TAG-rREPEAT
#   TARGET_NAME  the target's name under /sys/block (its model is recorded)
#   IOPS_LOG_MS  fio's --log_avg_msec for the IOPS log
# A file prepare.cmd beside the plan holds the profile's prepare step: run
# once first, with /lab/build on PATH.  Results go to /out as the host
# imports them: json/CONFIG/qdN-rR.json (.json.tmp until fio succeeded),
# log/CONFIG-qdN-rR.log (+ .report.jsonl), cpu/, iops/, kernel,
# fio_version, device_model; a config whose run failed is not run again
# (stop/CONFIG holds fio's status).
plan=$1 target=$2 iops_ms=$3
jobs=$(dirname "$plan")
total=$(grep -c . "$plan") i=0
uname -r >/out/kernel; fio --version >/out/fio_version; mkdir -p /out/json /out/log /out/stop
cat "/sys/block/$target/device/model" >/out/device_model 2>/dev/null
if [ -s "$jobs/prepare.cmd" ]; then
	prepare=$(cat "$jobs/prepare.cmd")
	echo "prepare: $prepare"
	if ! PATH=/lab/build:$PATH sh -c "$prepare" >/out/log/prepare.log 2>&1; then
		echo 'prepare failed:'; tail -n 5 /out/log/prepare.log; exit 1
	fi
fi
# The CPU of each run, as on the host (the guest mounts cgroup2 if its kernel has it).
cgexec=; [ -x /lab/build/uringbpf ] && cgexec=/lab/build/uringbpf
tab=$(printf '\t')
while IFS=$tab read -r c qd rep tag; do
	[ -n "$c" ] || continue
	[ -n "$tag" ] || tag=qd$qd
	what="qd=$qd"; [ "$tag" = "qd$qd" ] || what=$tag
	i=$((i + 1))
	if [ -e "/out/stop/$c" ]; then echo "[$i/$total] $c qd=$qd rep $rep: not run ($c failed before)"; continue; fi
	mkdir -p "/out/json/$c" "/out/cpu/$c" "/out/iops/$c"
	rm -f "/out/log/$c-$tag-r$rep.report.jsonl"
	cg=; [ -n "$cgexec" ] && cg="$cgexec cgexec --cpu-json /out/cpu/$c/$tag-r$rep.json --"
	if UB_REPORT="/out/log/$c-$tag-r$rep.report.jsonl" $cg fio --output-format=json+ \
		"--output=/out/json/$c/$tag-r$rep.json.tmp" "--write_iops_log=/out/iops/$c/$tag-r$rep" \
		"--log_avg_msec=$iops_ms" "--section=$c" "$jobs/$tag.fio" >"/out/log/$c-$tag-r$rep.log" 2>&1 </dev/null; then
		mv "/out/json/$c/$tag-r$rep.json.tmp" "/out/json/$c/$tag-r$rep.json"
		echo "[$i/$total] $c $what rep $rep: done"
	else
		echo $? >"/out/stop/$c"
		echo "[$i/$total] $c $what rep $rep: fio failed"
	fi
done <"$plan"
