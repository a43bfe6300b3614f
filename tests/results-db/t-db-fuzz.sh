#!/bin/bash
# libFuzzer on the import path (results-db/fuzz_import.c), started from the
# checked-in seed corpus (tests/results-db/fuzz-corpus, minimised from the
# fixtures) and the fixtures.  It must run at least UB_FUZZ_MIN_RUNS inputs
# (default 200000) without a crash; fewer fails, so a slow or stuck fuzzer
# cannot pass on a handful of inputs.  UB_FUZZ_SECS=N (make fuzz FUZZ_SECS=N)
# runs for N seconds instead and reports the count.  A crash input is kept in
# $UB_BUILD/test-logs/ for replay: $UB_BUILD/results-db/fuzz_import FILE
# Without clang's fuzzer runtime (libclang-rt-19-dev) it skips, except under
# CI (CI=true), where that is a failure.
source "$UB_TOP/tests/lib.sh"
# The fuzzer is always built with ASan+UBSan: the check-asan pass would only
# run the same thing twice.
[ -z "${UB_ASAN:-}" ] ||
	skip_all fuzz-import 1 "runs in make check (the fuzzer is an ASan+UBSan build itself)"
ub_scratch_init
tmp=$UB_SCRATCH
min_runs=${UB_FUZZ_MIN_RUNS:-200000}
secs=${UB_FUZZ_SECS:-}

# The first clang whose fuzzer runtime links (clang-19's needs libclang-rt-19-dev).
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' >"$tmp/probe.c"
cc=
for c in ${FUZZ_CC:-} clang-19 clang-18 clang-17 clang-16 clang-15 clang-14 clang; do
	command -v "$c" >/dev/null || continue
	if "$c" -fsanitize=fuzzer,address,undefined "$tmp/probe.c" -o "$tmp/probe" 2>"$tmp/probe-$c.log"; then
		cc=$c
		break
	fi
	echo "# $c cannot link a fuzzer: $(grep -m1 -o 'cannot find [^ ]*' "$tmp/probe-$c.log" || tail -1 "$tmp/probe-$c.log")"
done
if [ -z "$cc" ]; then
	why="no clang here can link -fsanitize=fuzzer (scripts/install-deps.sh installs libclang-rt-19-dev)"
	if ub_ci; then not_ok "fuzz-import: $why"; finish; fi
	skip_all fuzz-import 1 "$why"
fi
echo "# fuzzing with $cc"
# -o config-host.mak: build only the target, never re-run dependency setup from a test.
if ! make -s -C "$UB_TOP" -o config-host.mak B="$UB_BUILD" FUZZ_CC="$cc" \
	"$UB_BUILD/results-db/fuzz_import" >"$tmp/build.log" 2>&1; then
	not_ok fuzz-import-build: "$(tail -5 "$tmp/build.log" | tr '\n' ' ')"
	finish
fi
seeds=$UB_TOP/tests/results-db/fuzz-corpus
n_seeds=$(find "$seeds" -type f | wc -l)
[ "$n_seeds" -gt 0 ] || { not_ok "fuzz-import-corpus: no seed corpus in $seeds"; finish; }
if [ -n "$secs" ]; then
	limit=(-max_total_time="$secs") min_runs=1
else
	# A count, not a time: the same work on a fast or a loaded machine; the
	# time cap (under tests/run.sh's 900 s per test) turns a machine too slow to
	# reach the count into "only N inputs", not a timeout.
	limit=(-runs="$min_runs" -max_total_time="${UB_FUZZ_MAX_SECS:-840}")
fi
mkdir -p "$tmp/corpus" "$UB_BUILD/test-logs"
start=$SECONDS
"$UB_BUILD/results-db/fuzz_import" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -dict="$UB_TOP/results-db/fuzz_import.dict" -print_final_stats=1 \
	-artifact_prefix="$UB_BUILD/test-logs/fuzz-import-" \
	"$tmp/corpus" "$seeds" "$UB_TOP/tests/results-db/fixtures" >"$tmp/fuzz.log" 2>&1
rc=$?
secs_ran=$((SECONDS - start))
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz.log" | tail -n 1)
echo "# $(grep -m 1 'INITED' "$tmp/fuzz.log"); $(grep 'DONE' "$tmp/fuzz.log" | tail -n 1)"
if [ $rc != 0 ]; then
	not_ok fuzz-import: "exit $rc after ${runs:-?} inputs: $(grep -m3 -E 'ERROR|fuzz_import:|SUMMARY|Test unit written' "$tmp/fuzz.log" | tr '\n' ' ')"
elif [ -z "$runs" ] || [ "$runs" -lt "$min_runs" ]; then
	not_ok fuzz-import-runs: "only ${runs:-no} inputs in ${secs_ran}s, want at least $min_runs ($(grep 'DONE' "$tmp/fuzz.log" | tail -n 1))"
else
	ok "fuzz-import: $runs inputs in ${secs_ran}s (at least $min_runs), no crash, both imports checked ($cc, $n_seeds seeds)"
fi
finish
