# shellcheck shell=sh
# Helpers of the restricted-ring, BPF-filter and passthrough guest tests
# (g-restrict-*.sh, g-bpf-filter-*.sh, g-passthru-*.sh); sourced after lib.sh.

NVME_BLK=/dev/nvme0n1
NVME_NG=/dev/ng0n1

# ub_ctest NAME: path of the C test program NAME in the guest ($UB_BUILD/tests
# on the host), or nothing (and the reason on stdout of the caller's skip).
ub_ctest() {
	local p
	for p in /lab/build/tests/$1 /lab/build/$1; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

# run_ctest NAME ARGS...: run a C test program, pass its result lines on.
run_ctest() {
	local bin name=$1 rc
	shift
	if ! bin=$(ub_ctest "$name"); then
		skip "$name${1:+-$1}: build/tests/$name is not in the guest (uringbpf lab copies build/tests/t-* when they are built)"
		return 0
	fi
	"$bin" "$@" >"$LAB_OUT/$name${1:+-$1}.out" 2>&1
	rc=$?
	cat "$LAB_OUT/$name${1:+-$1}.out"
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$LAB_OUT/$name${1:+-$1}.out"; then
		not_ok "$name${1:+-$1}: exited $rc"
	elif grep -q '^not ok ' "$LAB_OUT/$name${1:+-$1}.out"; then
		LAB_FAILS=$((LAB_FAILS + 1))
	fi
}

# mode_opts MODE: the engine options of a ring mode.
mode_opts() {
	case $1 in
	interrupt) echo "" ;;
	sqpoll) echo "--sqthread_poll=1" ;;
	iopoll) echo "--hipri=1" ;;
	sqpoll-iopoll) echo "--hipri=1 --sqthread_poll=1" ;;
	esac
}

# verify_run NAME FIO-ARGS...: our engine, randwrite of 4 MiB then every
# block read back and checked (crc32c).  Sets RUN_BASE and RUN_WHY (empty:
# fio succeeded, the job has no error, every write was read back, and no
# verify error was logged).
verify_run() {
	local name=$1 rc error reads writes
	shift
	RUN_BASE=$LAB_OUT/$name RUN_WHY=
	lab_fio uringbpf "$RUN_BASE" --name="$name" --rw=randwrite --bs=4k --iodepth=16 \
		--size="${LAB_SIZE:-4m}" --verify=crc32c --verify_fatal=1 --do_verify=1 "$@"
	rc=$?
	[ "$rc" = 0 ] || RUN_WHY="$RUN_WHY fio exited $rc ($(grep -m 1 -E 'uringbpf: [a-z_]+=|fio: |error' "$RUN_BASE.log"));"
	if grep -qiE 'verify.*(fail|bad|mismatch)|bad magic|crc32c.*(fail|bad)' "$RUN_BASE.log"; then
		RUN_WHY="$RUN_WHY verify errors: $(grep -m 1 -iE 'verify|bad magic|crc32c' "$RUN_BASE.log");"
	fi
	set -- $(fio_job_summary "$RUN_BASE.json")
	error=${1:-none} reads=${2:-0} writes=${3:-0}
	[ "$error" = 0 ] || RUN_WHY="$RUN_WHY fio job error '$error';"
	[ "$writes" -gt 0 ] && [ "$reads" = "$writes" ] ||
		RUN_WHY="$RUN_WHY verify did not read back every write (writes $writes, reads $reads);"
	RUN_IOS=$((reads + writes))
}

# expect_line NAME LINE: the engine printed LINE exactly (in RUN_BASE.log).
expect_line() {
	grep -qxF "$2" "$RUN_BASE.log" || RUN_WHY="$RUN_WHY no line '$2' (got: $(grep -m 1 "^uringbpf: $1: ${3:-}" "$RUN_BASE.log"));"
}

run_report() {
	if [ -z "$RUN_WHY" ]; then ok "$1"; else not_ok "$1:$RUN_WHY (files: $RUN_BASE.*)"; fi
}
