#!/bin/bash
# uringbpf bench --lab without QEMU: a stub lab (UB_LAB_RUNNER, run in place
# of "uringbpf lab run" with its arguments; the data root from UB_DATADIR)
# runs the real guest driver bench/lab-guest.sh on this host,
# with stub fio and t-io_uring that record their arguments and answer with
# a fixture's fio JSON / fixed IOPS lines.  Checks the plan the host writes
# (data, one run a line), that the driver hands each run exactly its
# arguments, the IOPS table and its ratio, the import (host "lab", one sweep
# per device, tag device=DEV), and a lab that ran nothing: every run FAILED
# as "not run", exit 1.  (The real lab run: make lab / README.)
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
S=$UB_SCRATCH
fix=$UB_TOP/tests/results-db/fixtures/sweep-int-qd1-r1.json
mkdir -p "$S/data/scripts" "$S/data/bench" "$S/bin"
cp "$UB_TOP/bench/lab-guest.sh" "$S/data/bench/lab-guest.sh"
cat >"$S/data/scripts/lab" <<'STUB'
#!/bin/bash
# Stub of "uringbpf lab run": the guest is this host; /out is --out.
out= plan= guest=
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	--file) case $2 in *:/lab/bench-plan.txt) plan=${2%:*} ;; *:/lab/bench-guest.sh) guest=${2%:*} ;; esac; shift ;;
	--) break ;;
	esac
	shift
done
[ -z "${STUB_LAB_FAIL:-}" ] || { echo "stub lab: boot failed"; exit 1; }
mkdir -p "$out"
PATH=$STUB_BIN:$PATH sh "$guest" "$plan" "$out"
STUB
cat >"$S/bin/fio" <<STUB
#!/bin/bash
[ "\$1" = --version ] && { echo fio-3.41; exit 0; }
for a; do case \$a in --output=*) o=\${a#--output=} ;; esac; done
printf '%s\n' "\$*"
# A distinct result each run (the importer keeps one copy of identical files).
sed "s/\"timestamp\" : [0-9]*/\"timestamp\" : \$(date +%s%N)/" "$fix" >"\$o"
STUB
cat >"$S/bin/t-io_uring" <<'STUB'
#!/bin/bash
printf '%s\n' "$*" >&2
printf 'IOPS=100.00K, BW=390MiB/s, IOS/call=1/1\nIOPS=100.00K, BW=390MiB/s, IOS/call=1/1\n'
STUB
chmod +x "$S/data/scripts/lab" "$S/bin/fio" "$S/bin/t-io_uring"
export STUB_BIN=$S/bin
export UB_LAB_RUNNER=$S/data/scripts/lab

out=$S/lab-run
args=(--lab --iodepths 1 --modes interrupt,iopoll --peers io_uring,t-io_uring --runtime 0.3
	--out "$out" --db "$S/results.db" --fio "$(ub_fio_bin)" --engine "$UB_ENGINE")
UB_DATADIR=$S/data "$UB_BUILD/uringbpf" bench "${args[@]}" >"$S/stdout" 2>"$S/stderr"
rc=$?
expect_eq bench-lab-exit "$rc" 0

# The plan: 3 engines x 2 modes on each of the two devices, as data.
expect_eq bench-lab-plan-count "$(wc -l <"$out/lab-plan.txt")" 12
line1="fio nullb0/runs/qd1-interrupt-fio-uringbpf-r1 --name=bench-uringbpf --filename=/dev/nullb0 --size=512m --rw=randread --bs=4k --direct=1 --iodepth=1 --time_based=1 --runtime=300ms --norandommap=1 --randrepeat=0 --ioengine=external:/usr/local/lib/fio/fio-uringbpf.so --fixedbufs=1 --registerfiles=1"
expect_eq bench-lab-plan-fio "$(head -n 1 "$out/lab-plan.txt")" "$line1"
expect_eq bench-lab-plan-tio "$(grep -m1 '^tio nvme0n1/runs/qd1-iopoll' "$out/lab-plan.txt")" \
	"tio nvme0n1/runs/qd1-iopoll-fio-t-io_uring-r1 -d 1 -s 1 -c 1 -b 4096 -p 1 -B 1 -F 1 -O 1 -n 1 -r 2 /dev/nvme0n1"

# The driver gave fio exactly the plan's words, and its own output options.
got=$(cat "$out/lab/nullb0/runs/qd1-interrupt-fio-uringbpf-r1.stdout")
expect_eq bench-lab-driver-args "$got" "${line1#fio nullb0/runs/qd1-interrupt-fio-uringbpf-r1 } --output-format=json --output=$out/lab/nullb0/runs/qd1-interrupt-fio-uringbpf-r1.json"

# The IOPS table of each device: the fixture's kIOPS against t-io_uring's 100K.
k=$(awk '/"iops" :/ { gsub(/[ ,]/, "", $3); print $3; exit }' "$fix")
want=$(awk -v k="$k" 'BEGIN { printf "| 1 | interrupt | fio default | %.1f | %.1f | 100.0 | 1.00 | %.2f |", k / 1000, k / 1000, k / 100000 }')
n=$(grep -cF -- "$want" "$S/stdout")
expect_eq bench-lab-table "$n" 2
grep -q "^=== kernel lab, /dev/nvme0n1 (guest kernel $(uname -r), QEMU TCG: ratios only) ===" "$S/stdout" &&
	ok bench-lab-title || not_ok "bench-lab-title: no '=== kernel lab, /dev/nvme0n1 ...' line in stdout"

# Imported: the fio runs (ours and io_uring, 2 modes) per device, host lab, tagged.
name=$(basename "$out")
q() { sqlite3 -batch "$S/results.db" "$1"; }
expect_eq bench-lab-import "$(q "SELECT sweep || ':' || count(*) || ':' || min(host) || ':' || min(t.value) FROM runs r JOIN tags t ON t.run_id = r.id AND t.key = 'device' GROUP BY sweep ORDER BY sweep" | paste -sd' ')" \
	"$name-nullb0:4:lab:nullb0 $name-nvme0n1:4:lab:nvme0n1"

# A lab that ran nothing: every run FAILED "not run", exit 1, nothing imported.
out2=$S/lab-fail
args[${#args[@]} - 7]=$out2
STUB_LAB_FAIL=1 UB_DATADIR=$S/data "$UB_BUILD/uringbpf" bench "${args[@]}" >"$S/stdout2" 2>"$S/stderr2"
rc=$?
nfail=$(grep -c '^bench: FAILED .*exit not run' "$S/stderr2")
if [ "$rc" = 1 ] && [ "$nfail" = 12 ] && grep -q '^bench: the lab exited 1 ' "$S/stderr2" &&
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' "$out2/lab/nullb0/runs.tsv" | sort -u)" = "not run" ]; then
	ok "bench-lab-not-run"
else
	not_ok "bench-lab-not-run: exit $rc, $nfail FAILED ... not run lines (want 1, 12): $(tail -n 2 "$S/stderr2" | paste -sd' ')"
fi
finish
