# shellcheck shell=bash
# Shared helpers for shell tests: sourced, never run.
# Report with ok/not_ok/skip (one line each); finish with "finish".
set -u
: "${UB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${UB_BUILD:=$UB_TOP/build}"
UB_FIO=${UB_FIO:-$UB_TOP/.deps/fio/fio}
UB_ENGINE=${UB_ENGINE:-$UB_BUILD/fio-uringbpf.so}
UB_DB=${UB_DB:-$UB_BUILD/uringbpf-db}
UB_FAILS=0

ok() { echo "ok $*"; }
not_ok() { echo "not ok $*"; UB_FAILS=$((UB_FAILS + 1)); }
skip() { echo "skip $*"; }
finish() { [ "$UB_FAILS" = 0 ]; exit $?; }

# A scratch directory removed at exit; on tmpfs when asked (memory-backed).
ub_tmpdir() {
	local d
	d=$(mktemp -d "${1:-/tmp}/ub-test.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$d'" EXIT
	echo "$d"
}

# Run fio (the one the engine is built against). Under check-asan the engine
# is sanitized, so the ASan runtime must be loaded first into fio.
ub_fio() {
	if [ -n "${UB_ASAN:-}" ]; then
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0} \
		LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
			"$UB_FIO" "$@"
	else
		"$UB_FIO" "$@"
	fi
}

# ub_fio_engine ARGS...: fio with our engine by absolute path.
ub_fio_engine() { ub_fio --ioengine="external:$UB_ENGINE" "$@"; }

# json_get FILE SQL-JSON-PATH [JOB-INDEX]: one value from fio's JSON output,
# read with SQLite's JSON functions (no hand-written parser).
json_get() {
	sqlite3 :memory: "select json_extract(readfile('$1'), '\$.jobs[${3:-0}].$2');"
}

# expect_eq NAME GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi; }
