# shellcheck shell=bash
# Shared helpers for shell tests: sourced, never run.
# Report with ok/not_ok/skip (one line each); finish with "finish".
set -u
: "${UB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${UB_BUILD:=$UB_TOP/build}"
UB_FIO=${UB_FIO:-$UB_TOP/.deps/fio/fio}
UB_ENGINE=${UB_ENGINE:-$UB_BUILD/fio-uringbpf.so}
# Exported: scripts/sweep, plot/plot and scripts/demo use the DB tool under test
# (build-asan has no build/uringbpf-db to fall back on).
export UB_DB=${UB_DB:-$UB_BUILD/uringbpf-db}
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

# ub_fio_bin: the path of the fio to exec (the one the engine is built
# against).  Under check-asan the engine is sanitized, so the ASan runtime
# must be loaded first into fio: then it is a wrapper script that does that,
# for tests that hand fio's path to another program (sweep, bench, timeout).
ub_fio_bin() {
	if [ -z "${UB_ASAN:-}" ]; then echo "$UB_FIO"; return; fi
	local w=$UB_BUILD/fio-asan
	if [ ! -x "$w" ]; then
		cat >"$w.$$" <<EOW
#!/bin/sh
ASAN_OPTIONS=\${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0} \\
LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" exec "$UB_FIO" "\$@"
EOW
		chmod +x "$w.$$" && mv "$w.$$" "$w"
	fi
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
