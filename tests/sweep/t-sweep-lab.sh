#!/bin/bash
# uringbpf sweep --lab (what `uringbpf demo --lab` runs): the plan runs in the
# kernel lab guest on its emulated NVMe, where IOPOLL works; the results come
# back and are imported here with the guest's kernel.  Like tests/lab: under
# CI (CI=true) a lab that cannot run is a failure naming the cause; a local
# run skips loudly (the skip stands for the 8 checks below).  Under check-asan
# it skips: t-lab runs the lab's ASan pass, this one runs in make check.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
[ -z "${UB_ASAN:-}" ] || skip_all sweep-lab 8 "the lab sweep runs in make check (t-lab runs the ASan lab pass)"
cannot_run() {
	if ub_ci; then not_ok "sweep-lab: $1 (CI=true: the lab must run)"; finish; fi
	skip_all sweep-lab 8 "LAB NOT RUN: $1"
}
[ -z "${UB_NO_LAB:-}" ] || cannot_run "UB_NO_LAB is set"
[ -x "$UB_TOP/scripts/lab" ] || cannot_run "no scripts/lab"
qemu=${UB_QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] || cannot_run "qemu-system-x86_64 is not installed (scripts/install-deps.sh installs qemu-system-x86)"
sweep_require sweep-lab
fetch_log=$("$UB_TOP/scripts/lab" fetch 2>&1)
case $? in
0) ;;
69) cannot_run "cannot download the lab kernel: $(tail -n 1 <<<"$fetch_log")" ;;
*) not_ok "sweep-lab: scripts/lab fetch failed: $(tail -n 1 <<<"$fetch_log")"; finish ;;
esac
ub_scratch_init

db=$UB_SCRATCH/r.db out=$UB_SCRATCH/lab
# The guest has our engine where fio finds external:uringbpf.
UB_DB=$UB_DB UB_QEMU=$qemu "$SWEEP" --lab --engine uringbpf --configs interrupt,iopoll --iodepths 1,4 \
	--runtime 1 --db "$db" --sweep-name lab --out "$out" >"$UB_SCRATCH/sweep.log" 2>&1
rc=$?
cat "$UB_SCRATCH/sweep.log"
expect_eq "sweep-lab-exit" "$rc" 0
expect_eq "sweep-lab-runs" "$(db_runs "$db" lab | wc -l)" 4
# The lab's runs are the plan's points, each done with its own run; a lab
# sweep runs in one boot and is not resumable (it says so).
expect_eq "sweep-lab-plan" "$(sqlite3 "$db" "select group_concat(config || ':' || iodepth || ':' || fate, ' ') from sweep_plan where sweep = 'lab' and run_id is not null")" \
	"interrupt:1:done interrupt:4:done iopoll:1:done iopoll:4:done"
sqlite3 "$db" "update sweeps set ended_at = null where name = 'lab'"
expect_eq "sweep-lab-no-resume" "$(UB_DB=$UB_DB "$SWEEP" --resume lab --db "$db" 2>&1)" \
	"sweep: --resume: sweep lab ran in the kernel lab (--lab), whose guest runs the whole plan in one boot; it can't be resumed: run it again under another --sweep-name"

kernel=$("$UB_DB" --db "$db" info --sweep lab | sed -n 's/^kernel=//p')
lab_kernel=$(cat "$out/lab/kernel" 2>/dev/null)
if [ -n "$lab_kernel" ] && [ "$kernel" = "$lab_kernel" ] && [ "$kernel" != "$(uname -r)" ]; then
	ok "sweep-lab-kernel: imported with the guest's kernel $kernel"
else
	not_ok "sweep-lab-kernel: DB says '$kernel', guest said '$lab_kernel'"
fi
# IOPOLL really ran polled in the guest: the engine's ring line says so.
if grep -q 'ring .*flags .*IOPOLL' "$out/log/iopoll-qd4-r1.log" 2>/dev/null &&
	[ "$(json_get "$out/json/iopoll/qd4-r1.json" read.total_ios)" -gt 0 ] 2>/dev/null; then
	ok "sweep-lab-iopoll: IOPOLL ran on the emulated NVMe"
else
	not_ok "sweep-lab-iopoll: $(head -n 3 "$out/log/iopoll-qd4-r1.log" 2>/dev/null)"
fi
# The CPU of each run, measured in the guest by uringbpf cgexec (cgroup2) ...
# ... and fio's IOPS log of each run (the time series).
expect_eq "sweep-lab-cpu" "$(sqlite3 "$db" "select group_concat(distinct cpu_source) || ':' || count(cpu_cores) from run_points where cpu_cores > 0")|$(sqlite3 "$db" "select count(*) from run_steadiness where samples > 0")" "cgroup2:4|4"
# The engine's report came back from the guest: the run's ring tag is its ring.
got=$(sqlite3 "$db" "select count(*) from tags t join runs r on r.id = t.run_id where r.config = 'iopoll'
	and t.key = 'ring' and '|' || substr(t.value, instr(t.value, 'flags ') + 6) || '|' like '%|IOPOLL|%'" 2>&1)
expect_eq "sweep-lab-report-ring: both iopoll runs tagged with the reported IOPOLL ring" "$got" 2

# The bpf-chain profile: the guest writes the chain with the profile's prepare
# step, runs user-space and BPF-loop chains, and both land in the database.
db2=$UB_SCRATCH/chain.db out2=$UB_SCRATCH/chain
UB_DB=$UB_DB UB_QEMU=$qemu "$SWEEP" --lab --profile bpf-chain --configs user-len8,bpf-len8 --iodepths 1,8 \
	--runtime 1 --set CHAIN_SIZE=16m --db "$db2" --sweep-name chain --out "$out2" >"$UB_SCRATCH/chain.log" 2>&1
rc=$?
cat "$UB_SCRATCH/chain.log"
expect_eq "sweep-lab-chain-exit" "$rc" 0
expect_eq "sweep-lab-chain-runs" "$(db_runs "$db2" chain | awk -F'\t' '{ print $4 }' | sort | uniq -c | xargs)" \
	"2 bpf-len8 2 user-len8"
# Every lookup walked 8 reads, and the BPF runs ran in the kernel's loop.
for c in user-len8 bpf-len8; do
	line=$(grep -h 'lookups, ' "$out2/log/$c-qd8-r1.log" 2>/dev/null)
	if grep -q ' 8.00 reads/lookup' <<<"$line" && { [ "$c" = user-len8 ] || grep -q 'loop_steps/lookup' <<<"$line"; }; then
		ok "sweep-lab-chain-$c: $line"
	else
		not_ok "sweep-lab-chain-$c: engine said '$line'"
	fi
done
# The same figures in the engine's report (schema: README "Engine report").
got=$(sqlite3 :memory: "select json_extract(j, '\$.chain.reads') = 8 * json_extract(j, '\$.chain.lookups')
	and json_extract(j, '\$.chain.lookups') > 0 and json_extract(j, '\$.chain.bpf')
	and json_extract(j, '\$.chain.loop_steps') > 0
	from (select cast(readfile('$out2/log/bpf-len8-qd8-r1.report.jsonl') as text) as j)" 2>&1)
expect_eq "sweep-lab-chain-report: bpf-len8's report has 8 reads per lookup and loop steps" "$got" 1
finish
