#!/bin/bash
# uringbpf bench import refuses bad options with one line naming the option,
# exit 2, before it makes anything under --dir; it fails with exit 1 and one
# line when too slow or when the data root has no fixtures; interrupted, it
# exits 130 and removes what it made.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
CLI=$UB_BUILD/uringbpf
me="uringbpf bench import"
see="(see $me --help)"

# expect NAME RC "STDERR" ARGS...: exit RC, exactly STDERR, nothing left in --dir.
expect() {
	local name=$1 want_rc=$2 want=$3 got rc left
	shift 3
	got=$("$CLI" bench import --dir "$UB_SCRATCH" "$@" 2>&1 >/dev/null)
	rc=$?
	left=$(ls -A "$UB_SCRATCH")
	if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ] && [ -z "$left" ]; then
		ok "$name"
	else
		not_ok "$name: exit $rc, stderr '$got'${left:+, left in --dir: $left}; wanted exit $want_rc and '$want'"
	fi
}
expect import-option-unknown 2 "$me: unknown option '--count' $see" --count 5
expect import-files-zero 2 "$me: --files needs a whole number from 1 to 100000, got '0' $see" --files 0
expect import-files-word 2 "$me: --files needs a whole number from 1 to 100000, got '1k' $see" --files 1k
expect import-jobs-big 2 "$me: --jobs needs a whole number from 1 to 20000, got '20001' $see" --jobs 20001
expect import-jobs-negative 2 "$me: --jobs needs a whole number from 1 to 20000, got '-3' $see" --jobs -3
expect import-files-and-jobs 2 "$me: --files and --jobs don't mix: one benchmark at a time $see" --files 5 --jobs 5
expect import-limit-zero 2 "$me: --limit needs seconds above 0, e.g. 5 or 0.5, got '0' $see" --limit 0
expect import-limit-unit 2 "$me: --limit needs seconds above 0, e.g. 5 or 0.5, got '5s' $see" --limit 5s
expect import-value-missing 2 "$me: --limit needs a value $see" --files 3 --limit
expect import-dir-missing 2 "$me: --dir $UB_SCRATCH/none: no such folder $see" --dir "$UB_SCRATCH/none"
# Too slow: the line is printed, then the verdict; exit 1.
out=$("$CLI" bench import --dir "$UB_SCRATCH" --files 3 --limit 0.000001 2>&1); rc=$?
want="^$me: imported 3 of 3 fio JSON files in [0-9.]+s wall, [0-9.]+s CPU \([0-9]+ files/s; limit 1e-06s wall; load average [0-9.]+\)
$me: too slow: [0-9.]+s wall >= 1e-06s\$"
[ "$rc" = 1 ] && [[ $out =~ $want ]] && [ -z "$(ls -A "$UB_SCRATCH")" ] && ok "import-too-slow: $(tail -n 1 <<<"$out")" ||
	not_ok "import-too-slow: exit $rc, '$out'"
# Stopped (SIGTERM while it makes or imports 20,000 files; a background job
# ignores SIGINT): exit 130, one line saying so, nothing left in --dir.
"$CLI" bench import --dir "$UB_SCRATCH" --files 20000 --limit 1000 >/dev/null 2>"$UB_SCRATCH.int" &
pid=$!
for _ in $(seq 50); do [ -n "$(ls -A "$UB_SCRATCH")" ] && break; sleep 0.1; done
sleep 0.3
kill -TERM "$pid"
wait "$pid"; rc=$?
expect_eq import-interrupted "$rc|$(sed 's/(signal [0-9]*)/(signal N)/; s|: nothing measured; .* removed$|: nothing measured; DIR removed|' "$UB_SCRATCH.int")|$(ls -A "$UB_SCRATCH")" \
	"130|$me: interrupted (signal N): nothing measured; DIR removed|"
rm -f "$UB_SCRATCH.int"
# A binary with no data root beside it (and no UB_DATADIR): no fixtures, exit 1.
l=$UB_SCRATCH/../$(basename "$UB_SCRATCH")-lone
mkdir -p "$l/bin" && ub_at_exit "rm -rf '$l'"
l=$(cd "$l" && pwd)
cp "$CLI" "$l/bin/uringbpf"
out=$(env -u UB_DATADIR "$l/bin/uringbpf" bench import --dir "$UB_SCRATCH" 2>&1); rc=$?
expect_eq import-no-fixtures "$rc|$out" "1|$me: the test fixtures are not here (looked for $l/tests/results-db/fixtures/jsonplus.json): run 'make install', or the checkout's build/uringbpf, or set UB_DATADIR to a checkout"
# Help: exit 0, on stdout; "uringbpf bench --help" names the mode.
out=$("$CLI" bench import --help 2>&1 | head -n 1); rc=$?
expect_eq import-help "$rc|$out" "0|Usage: uringbpf bench import [--files COUNT | --jobs JOBS] [--limit S] [--cpu-limit]"
expect_eq bench-help-lists-import "$("$CLI" bench --help | grep -c '^       uringbpf bench import ')" 1
finish
