# shellcheck shell=bash
# Shared helpers for shell tests: sourced, never run.
# Report with ok/not_ok/skip (one line each); finish with "finish".
set -u
: "${UB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${UB_BUILD:=$UB_TOP/build}"
UB_FIO=${UB_FIO:-$UB_TOP/.deps/fio/fio}
UB_ENGINE=${UB_ENGINE:-$UB_BUILD/fio-uringbpf.so}
# Exported: the tests and the lab use the DB tool under test
# (build-asan has no build/uringbpf-db to fall back on).
export UB_DB=${UB_DB:-$UB_BUILD/uringbpf-db}
# Tests boot the lab single-threaded (cli/lab/lab.c: no boot Oops), sweeps too.
export UB_LAB_TCG=${UB_LAB_TCG:-single}
UB_FAILS=0

ok() { echo "ok $*"; }
not_ok() { echo "not ok $*"; UB_FAILS=$((UB_FAILS + 1)); }
skip() { echo "skip $*"; }
finish() { [ "$UB_FAILS" = 0 ]; exit $?; }
# skip_all NAME N REASON: the whole test skips; it stands for N checks, and
# tests/run.sh counts N skips (a skip must not look smaller than what it hides).
skip_all() { echo "skip $1: $3 (stands for $2 checks)"; exit 0; }
# ub_ci: true under CI (CI=true), where what a local run may skip must run.
ub_ci() { [ "${CI:-}" = true ]; }

# ub_at_exit CMD: run CMD when the test exits (hooks run last-in first-out).
UB_EXIT_HOOKS=()
ub_run_exit_hooks() {
	local i
	for ((i = ${#UB_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${UB_EXIT_HOOKS[i]}"; done
}
trap ub_run_exit_hooks EXIT
ub_at_exit() { UB_EXIT_HOOKS+=("$*"); }

# ub_scratch_init [BASE]: set UB_SCRATCH to a fresh directory under BASE
# (default /tmp; /dev/shm for memory-backed files), removed at exit.
ub_scratch_init() {
	UB_SCRATCH=$(mktemp -d "${1:-/tmp}/ub-test.XXXXXX")
	ub_at_exit "rm -rf '$UB_SCRATCH'"
}
# Compatibility for $(ub_tmpdir): only creates; the caller removes it.
ub_tmpdir() { mktemp -d "${1:-/tmp}/ub-test.XXXXXX"; }

# Under check-asan (UB_ASAN=1) every sanitized program a test starts (fio
# with the ASan engine, uringbpf-db, the sweep's tools) writes its sanitizer
# reports to files in UB_SAN_DIR, and the test fails at exit if any exists:
# a report in an error path, or from a call whose status the test ignores,
# cannot pass as "the expected non-zero exit".  Leaks are on (fio's own are
# suppressed by function name in tests/asan/lsan.supp; never the engine's).
if [ -n "${UB_ASAN:-}" ]; then
	UB_SAN_DIR=$(mktemp -d /tmp/ub-san.XXXXXX)
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23:log_path=$UB_SAN_DIR/asan"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$UB_SAN_DIR/ubsan"
	export LSAN_OPTIONS="suppressions=$UB_TOP/tests/asan/lsan.supp:print_suppressions=0"
	ub_san_at_exit() {
		local f
		for f in "$UB_SAN_DIR"/*; do
			[ -s "$f" ] || continue
			ub_san_report "$f"
			mkdir -p "$UB_BUILD/test-logs/sanitizer"
			cp "$f" "$UB_BUILD/test-logs/sanitizer/$(basename "$0" .sh)-$(basename "$f")"
		done
		rm -rf "$UB_SAN_DIR"
	}
	ub_at_exit ub_san_at_exit
fi

# ub_san_report FILE [NAME]: if FILE holds a sanitizer report, a "not ok"
# line quoting it (and true); else false.
UB_SAN_RE='ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error: |^SUMMARY: (Address|Leak|Undefined)'
ub_san_report() {
	grep -qE "$UB_SAN_RE" "$1" 2>/dev/null || return 1
	not_ok "${2:-sanitizer}: $(grep -m 1 -E "$UB_SAN_RE" "$1" | cut -c1-200) ($(grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' "$1" | grep -v -m 1 'libsanitizer' | sed 's/.* in //' | cut -c1-160); report: test-logs/sanitizer/$(basename "$0" .sh)-$(basename "$1"))"
}

# ub_run_clean NAME LOG CMD...: run CMD with stdout+stderr in LOG; its exit
# status is returned; a sanitizer report in LOG is a "not ok NAME-sanitizer"
# whatever the status (for refusal tests, where a non-zero exit is expected).
ub_run_clean() {
	local name=$1 log=$2 rc=0
	shift 2
	"$@" >"$log" 2>&1 || rc=$?
	ub_san_report "$log" "$name-sanitizer"
	return $rc
}

# ub_must NAME CMD...: run CMD (a DB-tool call a test needs); a non-zero exit
# is "not ok NAME" with its last message, and returns that status.
ub_must() {
	local name=$1 rc=0 err
	shift
	err=$(mktemp)
	"$@" 2>"$err" || rc=$?
	[ "$rc" = 0 ] || not_ok "$name: '$*' exited $rc: $(tail -n 1 "$err")"
	rm -f "$err"
	return $rc
}

# ub_fio_bin: the path of the fio to exec (the one the engine is built
# against).  Under check-asan the engine is sanitized, so the ASan runtime
# must be loaded first into fio: then it is a wrapper script that does that,
# for tests that hand fio's path to another program (sweep, bench, timeout).
ub_fio_bin() {
	if [ -z "${UB_ASAN:-}" ]; then echo "$UB_FIO"; return; fi
	local w=$UB_BUILD/fio-asan tmp
	# A file of its own: concurrent callers in subshells share $$.
	tmp=$(mktemp "$w.XXXXXX")
	cat >"$tmp" <<EOW
#!/bin/sh
# fio with the ASan runtime first, for the ASan engine (written by tests/lib.sh).
export ASAN_OPTIONS=\${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}
export LSAN_OPTIONS=\${LSAN_OPTIONS:-suppressions=$UB_TOP/tests/asan/lsan.supp:print_suppressions=0}
LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" exec "$UB_FIO" "\$@"
EOW
	chmod +x "$tmp"
	if cmp -s "$tmp" "$w"; then rm -f "$tmp"; else mv "$tmp" "$w"; fi
	echo "$w"
}

# ub_fio ARGS...: run that fio.
ub_fio() { "$(ub_fio_bin)" "$@"; }

# ub_fio_engine ARGS...: fio with our engine by absolute path.
ub_fio_engine() { ub_fio --ioengine="external:$UB_ENGINE" "$@"; }

# json_get FILE SQL-JSON-PATH [JOB-INDEX]: one value from fio's JSON output,
# read with SQLite's JSON functions (no hand-written parser).
json_get() {
	sqlite3 :memory: "select json_extract(readfile('$1'), '\$.jobs[${3:-0}].$2');"
}

# expect_eq NAME GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi; }

# ub_loopdev SIZE: a loop device over a sparse image in $UB_SCRATCH (O_DIRECT
# capable), detached at exit. Call it directly (not in $(...)): it sets UB_LOOP.
UB_LOOPS=()
ub_loopdev() {
	local img dev
	img=$(mktemp "${UB_SCRATCH:-/tmp}/ub-loop.XXXXXX")
	truncate -s "$1" "$img"
	dev=$(losetup -f --show --direct-io=on "$img") || return 1
	UB_LOOPS+=("$dev:$img")
	[ ${#UB_LOOPS[@]} = 1 ] && ub_at_exit ub_cleanup_loops
	UB_LOOP=$dev
}
ub_cleanup_loops() {
	local l
	for l in "${UB_LOOPS[@]}"; do
		umount "${l%%:*}" 2>/dev/null
		losetup -d "${l%%:*}" 2>/dev/null
		rm -f "${l#*:}"
	done
}

# fio_json_ok FILE: the job JSON shows no error; prints the error otherwise.
fio_json_err() { sqlite3 :memory: "select coalesce(sum(json_extract(value,'\$.error')),-1) from json_each(json_extract(readfile('$1'),'\$.jobs'));"; }
