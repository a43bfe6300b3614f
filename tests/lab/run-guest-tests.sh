#!/bin/bash
# The guest-test harness of the kernel lab: run tests/lab/guest/g-*PATTERN*.sh
# in "uringbpf lab run" boots, one boot per boot configuration (the tests'
# "# lab-boot: key=value ..." lines; compatible ones share a boot), each boot
# with the sum of its tests' "# lab-timeout:" seconds, and print their result
# lines (ok / not ok / skip / #), "# boot N (CONFIG): TESTS" before and
# "# boot N: Ns, logs in DIR" after each boot.  A failed boot fails the tests
# it did not finish; a kernel report outside every test fails the boot.
# Exit 0 when every boot and test passed.  (make lab, tests/lab/t-lab.sh.)
#
# Usage: tests/lab/run-guest-tests.sh [--out DIR] [PATTERN...]
#   (also: uringbpf lab test, scripts/lab test)
# Environment: UB_BUILD (default build/; its uringbpf runs the boots),
# UB_LAB_TEST_TIMEOUT (seconds a test without "# lab-timeout:" gets, 400),
# UB_LAB_TCG (default single here: every boot must count), and lab run's.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
LAB_BUILD=${UB_BUILD:-$top/build}
# The CLI under test: the build's, else the checkout's, else PATH's.
cli=$LAB_BUILD/uringbpf
[ -x "$cli" ] || cli=$top/build/uringbpf
[ -x "$cli" ] || cli=$(command -v uringbpf) || { echo "lab test: no uringbpf CLI (run make)" >&2; exit 2; }
EX_LAB=125
# What in the guest's kernel log fails a boot (cli/lab/lab.h's LAB_KLOG_BAD).
KLOG_BAD='WARNING:|BUG:|Oops|Kernel panic|general protection|KASAN|UBSAN|kernel BUG'

usage() { sed -n '11,15p' "$0" | sed 's/^# \{0,1\}//'; }

# boot_of TEST: the test's "# lab-boot: key=value ..." line, keys sorted.
boot_of() {
	# No "# lab-boot:" line is the default boot (grep finds nothing: not an error).
	sed -n 's/^# lab-boot:[[:space:]]*//p' "$1" | head -n 1 | tr ' ' '\n' | { grep . || true; } | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# compatible A B: no key has different values in the two configurations
# (a key one of them does not name is "don't care").
compatible() {
	local kv k
	for kv in $1; do
		k=${kv%%=*}
		case " $2 " in *" $k="*) case " $2 " in *" $kv "*) ;; *) return 1 ;; esac ;; esac
	done
}

merge_boot() { printf '%s\n' $1 $2 | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }

boot_args() {
	local kv args=()
	for kv in $1; do
		case $kv in
		poll_queues=*) args+=(--poll-queues "${kv#*=}") ;;
		null_blk=1) args+=(--null-blk) ;;
		null_blk=0) ;;
		mem=*) args+=(--mem "${kv#*=}") ;;
		*) echo "lab: unknown lab-boot key '$kv'" >&2; return 1 ;;
		esac
	done
	echo "${args[@]}"
}

# timeout_of TEST: its "# lab-timeout: SECONDS" line, or the default.
timeout_of() {
	local t
	t=$(sed -n 's/^# lab-timeout:[[:space:]]*\([0-9]*\).*/\1/p' "$1" | head -n 1)
	echo "${t:-$per_test}"
}

cmd_test() {
	local out= patterns=() p per_test=${UB_LAB_TEST_TIMEOUT:-400}
	export UB_LAB_TCG=${UB_LAB_TCG:-single}	# for the "run"s below
	while [ $# -gt 0 ]; do
		case $1 in
		--out) out=$2; shift ;;
		-h|--help) usage; exit 0 ;;
		-*) echo "lab test: unknown option '$1'" >&2; exit 2 ;;
		*) patterns+=("$1") ;;
		esac
		shift
	done
	[ ${#patterns[@]} -gt 0 ] || patterns=("")
	local pattern="${patterns[*]}"
	[ -n "$out" ] || { p=${pattern// /+}; out=$LAB_BUILD/lab-test/${p:-all}; }
	local t cfg i boots=() members=() secs=() hit
	for t in "$top"/tests/lab/guest/g-*.sh; do
		[ -f "$t" ] || continue
		hit=0
		for p in "${patterns[@]}"; do
			case $(basename "$t") in *"$p"*) hit=1 ;; esac
		done
		[ "$hit" = 1 ] || continue
		cfg=$(boot_of "$t")
		[ -n "$cfg" ] || cfg="poll_queues=2"
		for ((i = 0; i < ${#boots[@]}; i++)); do
			if compatible "$cfg" "${boots[i]}"; then
				boots[i]=$(merge_boot "$cfg" "${boots[i]}")
				members[i]+=" $(basename "$t")"
				secs[i]=$((secs[i] + $(timeout_of "$t")))
				continue 2
			fi
		done
		boots+=("$cfg"); members+=("$(basename "$t")"); secs+=("$(timeout_of "$t")")
	done
	[ ${#boots[@]} -gt 0 ] || { echo "lab test: no guest test matches '$pattern'" >&2; exit 2; }

	# One "lab test" at a time per output folder.
	mkdir -p "$out"
	exec 9>"$out/.lock"
	if ! flock -n 9; then
		echo "# waiting for another lab test writing $out"
		flock 9
	fi
	rm -rf "$out"/boot[0-9]*

	local args dir t0 status fails=0 kmsg
	for ((i = 0; i < ${#boots[@]}; i++)); do
		args=$(boot_args "${boots[i]}") || exit 2
		dir=$out/boot$((i + 1))
		t0=$SECONDS
		echo "# boot $((i + 1)) (${boots[i]}):${members[i]}"
		# No retry here: "run" already boots again when a boot never
		# reached /init; any later failure is the tests' (EX_LAB included).
		status=0
		# shellcheck disable=SC2086
		"$cli" lab run $args --timeout $((90 + secs[i])) --out "$dir" \
			-- env LAB_TEST_TIMEOUT="$per_test" LAB_KLOG_BAD="$KLOG_BAD" \
			sh -c '. /lab/tests/lab/guest/lib.sh && lab_run_tests "$@"' lab-test ${members[i]} \
			>"$dir.stdout" 2>"$dir.stderr" || status=$?
		# A boot that died after /init wrote no results, but the console
		# carries what the tests printed up to then.
		if [ "$status" = "$EX_LAB" ] && [ ! -s "$dir.stdout" ] && [ -f "$dir/.lab/console.log" ]; then
			tr -d '\r' <"$dir/.lab/console.log" | grep -E '^(ok|not ok|skip|#) ' >"$dir.stdout" || true
		fi
		grep -E '^(ok|not ok|skip|#) ' "$dir.stdout" || true
		if [ "$status" -ge 124 ]; then
			fails=$((fails + 1))
			# The runner ends each test with "# NAME: Ns": a test without it
			# was running (or never started) when the boot failed.
			for t in ${members[i]}; do
				grep -q "^# ${t%.sh}: [0-9]*s$" "$dir.stdout" ||
					echo "not ok ${t%.sh}: lab boot ${boots[i]} failed: $(grep '^lab: ' "$dir.stderr" | tail -n 1) (log: $dir.stderr)"
			done
		elif [ "$status" != 0 ] && ! grep -q '^not ok ' "$dir.stdout"; then
			echo "not ok lab-boot$((i + 1)): guest test runner exited $status (log: $dir.stderr)"
			fails=$((fails + 1))
		fi
		# The guest runner charges each kernel report to the test that ran
		# when it appeared; one outside every test (boot, a crash) fails here.
		kmsg=$(grep -m 1 -E "$KLOG_BAD" "$dir/.lab/dmesg" 2>/dev/null || true)
		if [ -n "$kmsg" ] && ! grep -q '^not ok .*-kernel-log: ' "$dir.stdout"; then
			echo "not ok lab-kernel-boot$((i + 1)): guest kernel reported: $kmsg ($dir/.lab/dmesg)"
			fails=$((fails + 1))
		fi
		grep -q '^not ok ' "$dir.stdout" && fails=$((fails + 1))
		echo "# boot $((i + 1)): $((SECONDS - t0))s, logs in $dir"
	done
	[ "$fails" = 0 ]
}


cmd_test "$@"
