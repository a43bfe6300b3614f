#!/bin/bash
# libFuzzer on the import path (results-db/fuzz_import.c) for a bounded time
# (UB_FUZZ_SECONDS, default 20), seeded with the fixtures. A crash input is
# kept in $UB_BUILD/test-logs/ for replay: $UB_BUILD/results-db/fuzz_import FILE
source "$UB_TOP/tests/lib.sh"
ub_scratch_init
tmp=$UB_SCRATCH
secs=${UB_FUZZ_SECONDS:-20}

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
	skip fuzz-import: no clang here can link -fsanitize=fuzzer "(install libclang-rt-19-dev)"
	exit 0
fi
echo "# fuzzing with $cc"
# -o config-host.mak: build only the target, never re-run dependency setup from a test.
if ! make -s -C "$UB_TOP" -o config-host.mak B="$UB_BUILD" FUZZ_CC="$cc" \
	"$UB_BUILD/results-db/fuzz_import" >"$tmp/build.log" 2>&1; then
	not_ok fuzz-import-build: "$(tail -5 "$tmp/build.log" | tr '\n' ' ')"
	finish
fi
mkdir -p "$tmp/corpus" "$UB_BUILD/test-logs"
"$UB_BUILD/results-db/fuzz_import" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -dict="$UB_TOP/results-db/fuzz_import.dict" \
	-artifact_prefix="$UB_BUILD/test-logs/fuzz-import-" \
	"$tmp/corpus" "$UB_TOP/tests/results-db/fixtures" >"$tmp/fuzz.log" 2>&1
rc=$?
runs=$(grep -o '^Done [0-9]* runs' "$tmp/fuzz.log" | cut -d' ' -f2)
if [ $rc = 0 ] && [ -n "$runs" ]; then
	ok "fuzz-import-${secs}s: $runs inputs, no crash ($cc)"
else
	not_ok fuzz-import: "exit $rc: $(grep -m3 -E 'ERROR|SUMMARY|Test unit written' "$tmp/fuzz.log" | tr '\n' ' ')"
fi
finish
