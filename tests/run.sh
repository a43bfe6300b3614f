#!/bin/bash
# Run every test and print one summary line "N passed, N failed, N skipped".
# A test is an executable tests/<area>/t-*.sh or $UB_BUILD/tests/t-*.
# It reports either through its exit code (0 pass, 77 skip, else fail) or
# through result lines on stdout, one per sub-result:
#   ok NAME
#   not ok NAME: why
#   skip NAME: reason
# A test that exits 0 without one result line failed (it proved nothing);
# a test that skips as a whole says how many checks its skip stands for, as
# "skip NAME: reason (stands for N checks)", and counts as N skips.
# Usage: tests/run.sh [NAME-PATTERN...]   (patterns match the test file name)
set -u
top=${UB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
build=${UB_BUILD:-$top/build}
export UB_TOP=$top UB_BUILD=$build
timeout_s=${UB_TEST_TIMEOUT:-900}
logdir=$build/test-logs
mkdir -p "$logdir"

pass=0 fail=0 skip=0
failed_names=()

tests=$(ls "$top"/tests/*/t-*.sh "$build"/tests/t-* 2>/dev/null | sort)
if [ $# -gt 0 ]; then
	sel=
	for t in $tests; do
		for p in "$@"; do case $(basename "$t") in *$p*) sel="$sel $t"; break ;; esac; done
	done
	tests=$sel
	# A pattern that selects nothing (a typo, a renamed test, an unbuilt C
	# test) would otherwise end in a green "0 passed, 0 failed".
	for p in "$@"; do
		hit=0
		for t in $sel; do case $(basename "$t") in *$p*) hit=1; break ;; esac; done
		if [ "$hit" = 0 ]; then
			echo "  not ok: no test matches '$p' (tests/*/t-*.sh, $build/tests/t-*)"
			fail=$((fail + 1)); failed_names+=("pattern '$p'")
		fi
	done
fi

if [ -z "$tests" ] && [ $# = 0 ]; then
	echo "  not ok: no test found under $top/tests"
	fail=$((fail + 1))
fi

for t in $tests; do
	[ -x "$t" ] || continue
	name=$(basename "$t"); name=${name%.sh}
	log=$logdir/$name.log
	start=$(date +%s)
	# Each test runs in its own directory: fio leaves verify state files in cwd.
	mkdir -p "$build/test-cwd/$name"
	(cd "$build/test-cwd/$name" && timeout -k 10 "$timeout_s" "$t") >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	n_ok=$(grep -c '^ok ' "$log") n_bad=$(grep -c '^not ok ' "$log") n_skip=$(grep -c '^skip ' "$log")
	# A skip that stands for N checks counts N.
	n_skip=$((n_skip + $(sed -n 's/^skip .*(stands for \([0-9]*\) checks)$/\1/p' "$log" | awk '{ s += $1 - 1 } END { print s + 0 }')))
	grep -E '^(ok|not ok|skip) ' "$log" | sed "s/^/  [$name] /"
	if [ $((n_ok + n_bad + n_skip)) -gt 0 ]; then
		pass=$((pass + n_ok)) fail=$((fail + n_bad)) skip=$((skip + n_skip))
		if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then
			echo "  [$name] not ok: exited $rc after its results (log: $log)"
			fail=$((fail + 1))
		fi
		[ "$n_bad" -gt 0 ] || [ "$rc" != 0 ] && failed_names+=("$name")
	elif [ "$rc" = 0 ]; then
		echo "  [$name] not ok: exited 0 without a result line (${secs}s; log: $log)"
		tail -n 5 "$log" | sed 's/^/      /'
		fail=$((fail + 1)); failed_names+=("$name")
	elif [ "$rc" = 77 ]; then
		echo "  [$name] skip: $(tail -n 1 "$log") (stands for an unknown number of checks)"; skip=$((skip + 1))
	else
		[ "$rc" = 124 ] && echo "  [$name] not ok: timed out after ${timeout_s}s" ||
			echo "  [$name] not ok: exit $rc"
		tail -n 15 "$log" | sed 's/^/      /'
		fail=$((fail + 1)); failed_names+=("$name")
	fi
done

# CI shows only the tail of this output: repeat the first failures (and the
# note lines around them) just above the summary.
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "first failures:"
	for name in "${failed_names[@]}"; do
		[ -f "$logdir/$name.log" ] || { echo "  [$name] selected no test"; continue; }
		grep -E '^not ok |^lab: |not ok:' "$logdir/$name.log" | head -n 6 | cut -c1-400 | sed "s/^/  [$name] /"
	done | head -n 20
	echo "failing: ${failed_names[*]} (logs in $logdir)"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
