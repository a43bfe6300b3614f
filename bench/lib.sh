# shellcheck shell=bash
# Helpers for scripts/bench: the target, the runs and their CPU time.
# Sourced, never run.  Every function reads the settings scripts/bench made
# (FIO, ENGINE, T_IO_URING, TARGET, SIZE, BS, DIRECT, RUNTIME, OUT).

bench_log() { echo "bench: $*" >&2; }
bench_die() { echo "bench: $*" >&2; exit 1; }

# bench_bytes SIZE: 512m, 4k, 1G or a plain number -> bytes.
bench_bytes() {
	numfmt --from=iec "$(echo "$1" | tr 'a-z' 'A-Z')" 2>/dev/null ||
		bench_die "not a size: '$1' (use e.g. 64m, 1g, 4k)"
}

# --- CPU time of a process ---------------------------------------------------
# Why not fio's usr_cpu/sys_cpu: fio reads getrusage(RUSAGE_THREAD) of the
# job thread only.  io_uring's helper threads belong to the job's process
# (iou-sqp-PID for SQPOLL, iou-wrk-PID for requests punted to io-wq, which on
# tmpfs take about 0.6 of a core at QD32), and RUSAGE_THREAD misses them.  So
# we also take the whole process's on-CPU time from schedstat (nanoseconds,
# every thread), over a window inside the steady state.

# The sampler must not fork while the job runs: on 2 saturated cores each
# fork+exec of a small tool takes 50-300 ms (and steals CPU from the run).
# So: builtins only (read -t as sleep, $EPOCHREALTIME, read from /proc).
exec {BENCH_SLEEP_FD}<> <(:)
bench_sleep() { read -rt "$1" -u "$BENCH_SLEEP_FD" _ || true; }
bench_now_us() { BENCH_NOW=${EPOCHREALTIME/./}; }

# bench_cpu_ns PID: BENCH_NS = on-CPU nanoseconds summed over the live
# threads of PID (empty when PID is gone or a zombie); thread names go into
# BENCH_THR (an associative array).
declare -A BENCH_THR=()
bench_cpu_ns() {
	local f v n st s=0
	BENCH_NS=
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st#*) }
	[ "${st%% *}" != Z ] || return 1
	for f in /proc/"$1"/task/*; do
		{ read -r v _ <"$f/schedstat" && s=$((s + v)); } 2>/dev/null
		{ read -r n <"$f/comm" && BENCH_THR[${n%-[0-9]*}]=1; } 2>/dev/null
	done
	BENCH_NS=$s
}

# bench_sys_ns: BENCH_SYS_BUSY / BENCH_SYS_STEAL = nanoseconds all CPUs were
# busy / stolen by the hypervisor since boot (/proc/stat, USER_HZ = 100).
bench_sys_ns() {
	local _cpu us ni sy _idle _iow irq sirq st _
	read -r _cpu us ni sy _idle _iow irq sirq st _ </proc/stat
	BENCH_SYS_BUSY=$(((us + ni + sy + irq + sirq + st) * 10000000))
	BENCH_SYS_STEAL=$((st * 10000000))
}

# bench_sample_cpu PID WINDOW_US OUTFILE: PID's CPU time over WINDOW_US
# microseconds from the moment it starts using CPU (its I/O started), or to
# its last moment alive if sooner.  Also the CPU time the rest of the machine
# used meanwhile (other processes, the hypervisor's steal): the noise.
# Writes {"cpu_ns","wall_ns","threads","sys_busy_ns","steal_ns"}; "null"s
# when the window is under 30 ms.
bench_sample_cpu() {
	local pid=$1 c0= t0 c1= t1= b0 s0 b1= s1= end thr i prev
	BENCH_THR=()
	# The job forks, opens, sets up, waits for fio's go: wait until it
	# uses more than a third of a core.
	bench_now_us; prev=$BENCH_NOW
	bench_cpu_ns "$pid" && c0=$BENCH_NS
	for ((i = 0; i < 200 && ${#c0}; i++)); do
		bench_sleep 0.02
		bench_now_us
		bench_cpu_ns "$pid" || { c0=; break; }
		if [ $(((BENCH_NS - c0) * 3 / 1000)) -gt $((BENCH_NOW - prev)) ]; then
			c0=$BENCH_NS; break
		fi
		c0=$BENCH_NS prev=$BENCH_NOW
	done
	t0=$BENCH_NOW
	bench_sys_ns; b0=$BENCH_SYS_BUSY s0=$BENCH_SYS_STEAL
	end=$((t0 + $2))
	while [ -n "$c0" ]; do
		bench_sleep 0.05
		bench_now_us
		bench_cpu_ns "$pid" || break
		[ "$BENCH_NS" -ge "${c1:-$c0}" ] || break	# a thread left: the job is ending
		bench_sys_ns
		c1=$BENCH_NS t1=$BENCH_NOW b1=$BENCH_SYS_BUSY s1=$BENCH_SYS_STEAL
		[ "$t1" -lt "$end" ] || break
	done
	thr=$(printf '%s\n' "${!BENCH_THR[@]}" | sort | paste -sd, -)
	if [ -n "$c0" ] && [ -n "$t1" ] && [ $((t1 - t0)) -ge 30000 ]; then
		printf '{"cpu_ns": %s, "wall_ns": %s, "threads": "%s", "sys_busy_ns": %s, "steal_ns": %s}\n' \
			$((c1 - c0)) $(((t1 - t0) * 1000)) "$thr" $((b1 - b0)) $((s1 - s0)) >"$3"
	else
		printf '{"cpu_ns": null, "wall_ns": null, "threads": "%s", "sys_busy_ns": null, "steal_ns": null}\n' "$thr" >"$3"
	fi
}

# bench_json FILE PATH: one value of a JSON file (SQLite's JSON functions, as
# in tests/lib.sh); empty when absent.
bench_json() {
	sqlite3 :memory: "select json_extract(readfile('$1'), '\$.$2');" 2>/dev/null
}

# --- runs --------------------------------------------------------------------
# The CPU window of a run of SECONDS: most of it, not its last 20%.
bench_window_us() {
	awk -v s="$1" 'BEGIN { w = 0.8 * s - 0.05; if (w < 0.05) w = 0.05; printf "%d\n", w * 1e6 }'
}

# bench_run_fio BASE FIO-ARGS...: fio with its JSON into BASE.json, its
# stderr into BASE.stderr, the job process's CPU into BASE.cpu.json.
# Returns fio's status (1 if the JSON reports an error).
bench_run_fio() {
	local base=$1 out=$1.json pid child i rc win
	shift
	win=$(bench_window_us "$RUNTIME")
	"$FIO" "$@" --output-format=json --output="$out" 2>"$base.stderr" &
	pid=$!
	# fio forks one process per job; that process (and its io_uring
	# threads) is what we sample.
	for ((i = 0; i < 500; i++)); do
		child=$(pgrep -P "$pid" | head -n 1)
		[ -n "$child" ] && break
		kill -0 "$pid" 2>/dev/null || break
		bench_sleep 0.01
	done
	if [ -n "$child" ]; then
		bench_sample_cpu "$child" "$win" "$base.cpu.json"
	else
		echo '{"cpu_ns": null, "wall_ns": null, "threads": ""}' >"$base.cpu.json"
	fi
	wait "$pid"
	rc=$?
	if [ "$rc" = 0 ] && [ "$(bench_json "$out" 'jobs[0].error')" != 0 ]; then
		rc=1
	fi
	return "$rc"
}

# bench_tio_json STDOUT OUT ARGS: t/io_uring's per-second lines -> OUT,
#   {"tool":"t/io_uring","args":"...","iops_per_second":[...],"iops":MEAN}
bench_tio_json() {
	awk -v args="$3" '
		/^IOPS=/ {
			v = $1; sub(/^IOPS=/, "", v); sub(/,$/, "", v)
			m = 1
			if (v ~ /K$/) m = 1e3; else if (v ~ /M$/) m = 1e6
			sub(/[KM]$/, "", v)
			x[++n] = v * m
		}
		END {
			printf "{\"tool\": \"t/io_uring\", \"args\": \"%s\", \"iops_per_second\": [", args
			for (i = 1; i <= n; i++) { printf "%s%.0f", (i > 1 ? ", " : ""), x[i]; s += x[i] }
			if (n) printf "], \"iops\": %.3f}\n", s / n
			else printf "], \"iops\": null}\n"
		}' "$1" >"$2"
}

# bench_run_tio BASE SECONDS T-IO_URING-ARGS...: t/io_uring for SECONDS
# (whole seconds, >= 2: it prints one IOPS line per second, the last second
# not included).  Writes BASE.json as our own small JSON:
#   {"tool":"t/io_uring","args":"...","iops_per_second":[...],"iops":MEAN}
# and BASE.stdout, BASE.stderr, BASE.cpu.json.
bench_run_tio() {
	local base=$1 out=$1.json secs=$2 pid rc
	shift 2
	"$T_IO_URING" "$@" -r "$secs" "$TARGET" >"$base.stdout" 2>"$base.stderr" &
	pid=$!
	bench_sample_cpu "$pid" $(((secs * 1000 - 400) * 1000)) "$base.cpu.json"
	wait "$pid"
	rc=$?
	bench_tio_json "$base.stdout" "$out" "$*"
	if [ "$rc" = 0 ] && [ -z "$(bench_json "$out" iops)" ]; then
		rc=1
	fi
	return "$rc"
}

# --- target ------------------------------------------------------------------
# bench_target_setup SPEC: SPEC is empty (a file on /dev/shm), "loop" (a
# loop device with direct I/O over a file on /dev/shm) or a path.  Sets
# TARGET, TARGET_DESC and, unless given, DIRECT; cleans up at exit.
BENCH_CLEANUP=()
bench_cleanup() {
	local i
	for ((i = ${#BENCH_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${BENCH_CLEANUP[i]}"; done
}

bench_fill_file() {	# FILE BYTES
	dd if=/dev/zero of="$1" bs=1M count=$(( ($2 + 1048575) / 1048576 )) status=none ||
		bench_die "cannot write $1 ($SIZE): is /dev/shm full?"
}

bench_target_setup() {
	local spec=$1 bytes img dev
	bytes=$(bench_bytes "$SIZE")
	case $spec in
	"")
		TARGET=/dev/shm/uringbpf-bench.$$
		bench_fill_file "$TARGET" "$bytes"
		BENCH_CLEANUP+=("rm -f '$TARGET'")
		TARGET_DESC="file on /dev/shm (tmpfs, page cache: a CPU-bound proxy of per-I/O software cost)"
		: "${DIRECT:=0}"
		;;
	loop)
		img=/dev/shm/uringbpf-bench.$$.img
		bench_fill_file "$img" "$bytes"
		BENCH_CLEANUP+=("rm -f '$img'")
		dev=$(losetup -f --show --direct-io=on "$img") || bench_die "losetup failed on $img"
		BENCH_CLEANUP+=("losetup -d '$dev'")
		TARGET=$dev
		TARGET_DESC="loop device $dev (direct-io=on) over a file on /dev/shm"
		: "${DIRECT:=1}"
		;;
	*)
		[ -e "$spec" ] || bench_die "--target $spec: no such file or device"
		TARGET=$spec
		if [ -b "$spec" ]; then
			TARGET_DESC="block device $spec"
			: "${DIRECT:=1}"
		else
			TARGET_DESC="file $spec"
			: "${DIRECT:=0}"
		fi
		;;
	esac
}

# bench_iopoll_reason: empty when the engine accepts hipri=1 on TARGET, else
# the engine's own refusal (the same check users get), read from its
# report=FILE with DB_TOOL: a refusal whose code says "skip" gives its
# message; anything else is a failed probe, said with fio's exit status.
bench_iopoll_reason() {
	local report=$OUT/iopoll-probe.report.jsonl rc line job outcome code verdict ring msg
	rm -f "$report"
	"$FIO" --name=probe --filename="$TARGET" --size="$SIZE" --rw=randread --bs="$BS" \
		--direct="$DIRECT" --ioengine="external:$ENGINE" --hipri=1 --report="$report" \
		--number_ios=1 --output=/dev/null >"$OUT/iopoll-probe.log" 2>&1 && return 0
	rc=$?
	line=$("$DB_TOOL" engine-report "$report" 2>/dev/null | head -n 1)
	IFS=$'\t' read -r job outcome code verdict ring msg <<<"$line"
	if [ "$verdict" = skip ]; then
		echo "$msg"
	else
		echo "the hipri=1 probe failed (fio exit $rc${code:+, engine code $code}; see $OUT/iopoll-probe.log)"
	fi
}
