# shellcheck shell=sh
# Helpers for the kernel-lab guest tests (busybox ash: POSIX sh only).
# tests/lab/run-guest-tests.sh boots the guest and runs, in /lab,
#   . tests/lab/guest/lib.sh && lab_run_tests g-a.sh g-b.sh ...
# Each g-*.sh sources this file, reports one line per sub-result and ends
# with "finish":
#   ok NAME | not ok NAME: why | skip NAME: reason | # note (not counted)
# A test's files (fio JSON, logs, trace histograms) go to $LAB_OUT, which
# comes back to the host as build/lab-test/bootN/<test>/.

LAB_FAILS=0
ok() { echo "ok $*"; }
not_ok() { echo "not ok $*"; LAB_FAILS=$((LAB_FAILS + 1)); }
skip() { echo "skip $*"; }
note() { echo "# $*"; }
finish() { [ "$LAB_FAILS" = 0 ]; exit $?; }

# LAB_TEST: the running test's name (set by lab_run_tests, or taken from
# $0 when a g-*.sh runs by hand); LAB_OUT: its folder.
if [ -z "${LAB_TEST:-}" ]; then
	case $0 in g-*.sh|*/g-*.sh) LAB_TEST=$(basename "$0" .sh) ;; esac
fi
if [ -n "${LAB_TEST:-}" ]; then
	LAB_OUT=/out/$LAB_TEST
	mkdir -p "$LAB_OUT"
fi

# ------------------------------------------------------------ engines ---

# Our engine, where fio's external:uringbpf finds it (uringbpf lab copies
# build/fio-uringbpf.so there when it has been built).
LAB_ENGINE_SO=/usr/local/lib/fio/fio-uringbpf.so
ENGINE=external:$LAB_ENGINE_SO

# lab_engines: the engines every data-path test runs: ours, then fio's
# built-in io_uring engine (the peer: same option names, and proof that a
# failure is ours rather than the lab's).
lab_engines() { echo "uringbpf io_uring"; }

# lab_have_engine NAME: true if NAME can run; says why not otherwise.
lab_have_engine() {
	case $1 in
	uringbpf)
		[ -f "$LAB_ENGINE_SO" ] && return 0
		echo "build/fio-uringbpf.so was not built on the host (run make), so the guest has no $LAB_ENGINE_SO"
		return 1 ;;
	io_uring) return 0 ;;
	esac
	echo "unknown engine $1"; return 1
}

lab_engine_opt() {
	case $1 in
	uringbpf) echo "--ioengine=$ENGINE" ;;
	*) echo "--ioengine=$1" ;;
	esac
}

# lab_fio ENGINE BASE FIO-ARGS...: run fio with ENGINE; JSON results in
# BASE.json, everything fio and the engine print in BASE.log.  Returns fio's
# status (124 if it ran longer than LAB_FIO_TIMEOUT, default 120 s).
lab_fio() {
	local engine=$1 base=$2 rc t0
	shift 2
	t0=$(date +%s)
	# Our engine also writes its report (README "Engine report"): the ring
	# flags the kernel accepted are read from there, never from stderr.
	rm -f "$base.report.jsonl"
	[ "$engine" = uringbpf ] && set -- "$@" --report="$base.report.jsonl"
	timeout "${LAB_FIO_TIMEOUT:-120}" fio "$(lab_engine_opt "$engine")" "$@" \
		--output-format=json --output="$base.json" >"$base.log" 2>&1 </dev/null
	rc=$?
	LAB_FIO_SECS=$(( $(date +%s) - t0 ))
	[ "$LAB_FIO_SECS" -ge "${LAB_FIO_TIMEOUT:-120}" ] && rc=124
	# fio writes its error messages into --output too: keep only the JSON.
	if [ -s "$base.json" ] && [ "$(head -c 1 "$base.json")" != "{" ]; then
		sed -n '/^{/,$!p' "$base.json" >>"$base.log"
		sed -i -n '/^{/,$p' "$base.json"
	fi
	return $rc
}

# report_ring_flags BASE: the ring flags of the first job in lab_fio's
# engine report BASE.report.jsonl, as "SQPOLL|IOPOLL|..." ("none": no flags;
# empty: no report or no ring).
report_ring_flags() {
	sqlite3 :memory: "select case when json_extract(j, '\$.ring') is null then ''
			else coalesce((select group_concat(value, '|') from json_each(j, '\$.ring.flags')), 'none') end
		from (select substr(r, 1, instr(r || char(10), char(10)) - 1) as j
			from (select cast(readfile('$1.report.jsonl') as text) as r));" 2>/dev/null
}

# json_get FILE PATH [JOB]: one value from fio's JSON output, read with
# SQLite's JSON functions.
json_get() {
	sqlite3 :memory: "select json_extract(readfile('$1'), '\$.jobs[${3:-0}].$2');" 2>/dev/null
}

# fio_job_summary FILE: "ERROR READ-IOS WRITE-IOS" of job 0 (nothing if the
# file is not fio JSON).
fio_job_summary() {
	sqlite3 -separator ' ' :memory: "select json_extract(j, '\$.error'),
		coalesce(json_extract(j, '\$.read.total_ios'), 0), coalesce(json_extract(j, '\$.write.total_ios'), 0)
		from (select json_extract(readfile('$1'), '\$.jobs[0]') as j);" 2>/dev/null
}

# ------------------------------------------------------------ devices ---

# lab_io_poll DEV: the block queue's io_poll (1: the device has poll queues).
lab_io_poll() { cat "/sys/block/${1#/dev/}/queue/io_poll" 2>/dev/null || echo missing; }

# lab_no_merges DEV: stop the block layer merging adjacent requests, so that
# driver-level counts (commands, polled completions) equal fio's I/O count.
lab_no_merges() { echo 2 >"/sys/block/${1#/dev/}/queue/nomerges"; }

# lab_nvme_poll_qids CTRL: the NVMe queue ids of CTRL's poll queues, from the
# driver's "D/R/P default/read/poll queues" boot message (I/O qids are
# numbered default, then read, then poll).
lab_nvme_poll_qids() {
	local d r p line
	line=$(dmesg | sed -n "s/.*nvme $1: \([0-9]*\)\/\([0-9]*\)\/\([0-9]*\) default\/read\/poll queues.*/\1 \2 \3/p" | tail -n 1)
	[ -n "$line" ] || return 1
	set -- $line
	d=$1 r=$2 p=$3
	[ "$p" -gt 0 ] || return 0
	seq $((d + r + 1)) $((d + r + p)) | tr '\n' ' '
}

# lab_irqs BASE PATTERN: the interrupts of a run whose handler's name
# matches the awk PATTERN, from BASE.irq_handler_entry.hist.  Counted by the
# irq_handler_entry tracepoint, not as a difference of /proc/interrupts: an
# NVMe controller reset (a command timed out under TCG) frees and requests
# the vectors again, which restarts their /proc/interrupts counts.
lab_irqs() {
	awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }' "$1.irq_handler_entry.hist"
}

# lab_nvme_resets: the NVMe timeouts and (re)starts of queues the kernel
# logged so far; a reset logs its queues again.
LAB_NVME_RESET_RE='nvme.*(timeout|reset|default/read/poll queues)'
lab_nvme_resets() { dmesg | grep -cE "$LAB_NVME_RESET_RE"; }

# -------------------------------------------------------------- trace ---
# Evidence of polling, counted by the kernel itself with tracefs histogram
# triggers (in a private trace instance):
#   io_uring:io_uring_create  keys=flags  the setup flags of each ring created
#   nvme:nvme_setup_cmd       keys=qid    NVMe commands per hardware queue
#   kretprobe blk_hctx_poll   keys=found  what each block-layer poll returned
#     (null_blk: completions reaped; NVMe: 1 if any were reaped)
#   irq:irq_handler_entry     keys=name   interrupts per handler (nvme0q1, ...)

LAB_TRACE=/sys/kernel/tracing
LAB_TI=$LAB_TRACE/instances/lab
LAB_HISTS="io_uring/io_uring_create:flags nvme/nvme_setup_cmd:qid lab/hctx_poll:found irq/irq_handler_entry:name"

lab_trace_start() {
	local h ev key
	if ! grep -q 'lab/hctx_poll ' "$LAB_TRACE/kprobe_events"; then
		echo 'r:lab/hctx_poll blk_hctx_poll found=$retval:s32' >>"$LAB_TRACE/kprobe_events" ||
			{ echo "cannot add a kretprobe on blk_hctx_poll"; return 1; }
	fi
	[ -d "$LAB_TI" ] || mkdir "$LAB_TI" || { echo "cannot create trace instance $LAB_TI"; return 1; }
	for h in $LAB_HISTS; do
		ev=${h%:*} key=${h#*:}
		echo "hist:keys=$key" >"$LAB_TI/events/$ev/trigger" &&
			echo 1 >"$LAB_TI/events/$ev/enable" || { echo "cannot trace $ev"; return 1; }
	done
}

# lab_trace_stop BASE: write BASE.<event>.hist ("KEY HITS" lines) and the
# raw histograms to BASE.hist.txt; stop tracing.
lab_trace_stop() {
	local h ev key
	: >"$1.hist.txt"
	for h in $LAB_HISTS; do
		ev=${h%:*} key=${h#*:}
		echo 0 >"$LAB_TI/events/$ev/enable"
		{ echo "== $ev"; cat "$LAB_TI/events/$ev/hist"; } >>"$1.hist.txt"
		sed -n "s/^{ *$key: *\([^ }]*\) *} *hitcount: *\([0-9]*\).*/\1 \2/p" \
			"$LAB_TI/events/$ev/hist" >"$1.${ev#*/}.hist"
		echo "!hist:keys=$key" >"$LAB_TI/events/$ev/trigger"
	done
}

# hist_sum FILE [KEY-FILTER-AWK]: sum of hits (of KEY*hits with "weighted").
hist_hits() { awk "${2:-1} { s += \$2 } END { print s + 0 }" "$1"; }
hist_weighted() { awk '{ s += $1 * $2 } END { print s + 0 }' "$1"; }
# hist_keys FILE: the keys seen, space-separated.
hist_keys() { awk '{ printf "%s ", $1 }' "$1"; }

# ---------------------------------------------------------- data path ---

# lab_case DEV ENGINE MODE RW NAME: one fio run with its evidence.
#   MODE: interrupt | iopoll (hipri=1) | sqpoll-iopoll (hipri=1 sqthread_poll=1)
#   RW:   randwrite (then verify every block, crc32c) | randread (each read
#         verified against the crc32c header the randwrite left)
# Sets CASE_BASE (file prefix), CASE_IOS (fio's I/O count), CASE_POLLED
# (completions the block layer's poll returned), CASE_POLL_HITS (polls that
# reaped something), CASE_IRQS (NVMe I/O-queue interrupts, when DEV is NVMe)
# and CASE_WHY (what failed; empty if the run and its data were right and
# the ring had the flags MODE asks for).
lab_case() {
	local dev=$1 engine=$2 mode=$3 rw=$4 name=$5 opts rwopts rc flags f want err
	CASE_BASE=$LAB_OUT/$name CASE_WHY= CASE_IOS=0 CASE_POLLED=0 CASE_POLL_HITS=0 CASE_IRQS=0
	case $mode in
	interrupt) opts= want=0 ;;
	iopoll) opts="--hipri=1" want=1 ;;
	sqpoll-iopoll) opts="--hipri=1 --sqthread_poll=1" want=3 ;;
	esac
	case $rw in
	randwrite) rwopts="--rw=randwrite --do_verify=1" ;;
	randread) rwopts="--rw=randread --number_ios=${LAB_READ_IOS:-1000}" ;;
	esac
	err=$(lab_trace_start) || { CASE_WHY="tracing: $err"; return; }
	local resets0
	resets0=$(lab_nvme_resets)
	# shellcheck disable=SC2086
	lab_fio "$engine" "$CASE_BASE" --name="$name" --filename="$dev" --direct=1 --bs=4k \
		--iodepth=16 --size="${LAB_SIZE:-8m}" --verify=crc32c --verify_fatal=1 $rwopts $opts
	rc=$?
	lab_trace_stop "$CASE_BASE"
	CASE_IRQS=$(lab_irqs "$CASE_BASE" '^nvme[0-9]+q[1-9][0-9]*$')
	CASE_RESETS=$(( $(lab_nvme_resets) - resets0 ))
	[ "$CASE_RESETS" = 0 ] || note "$name: the NVMe controller timed out or was reset during the run: $(dmesg | grep -E "$LAB_NVME_RESET_RE" | tail -n 2 | tr '\n' ' ')"

	[ "$rc" = 0 ] || CASE_WHY="$CASE_WHY fio exited $rc ($(grep -m 1 -E 'uringbpf:.*(hipri|needs|cannot|refus)|error|fio:' "$CASE_BASE.log"));"
	if grep -qiE 'verify.*(fail|bad|mismatch)|bad magic|crc32c.*(fail|bad)' "$CASE_BASE.log"; then
		CASE_WHY="$CASE_WHY verify errors: $(grep -m 1 -iE 'verify|bad magic|crc32c' "$CASE_BASE.log");"
	fi
	# One sqlite3 for the job's error and I/O counts (processes are slow under TCG).
	local error reads writes
	set -- $(fio_job_summary "$CASE_BASE.json")
	error=${1:-none} reads=${2:-0} writes=${3:-0}
	[ "$error" = 0 ] || CASE_WHY="$CASE_WHY fio job error '$error';"
	CASE_IOS=$((reads + writes))
	case $rw in
	randwrite) [ "$writes" -gt 0 ] && [ "$reads" = "$writes" ] ||
		CASE_WHY="$CASE_WHY verify did not read back every write (writes $writes, verify reads $reads);" ;;
	randread) [ "$reads" -gt 0 ] || CASE_WHY="$CASE_WHY no reads;" ;;
	esac

	# The ring: created with IOPOLL (and SQPOLL) exactly when MODE asks.
	flags=$(hist_keys "$CASE_BASE.io_uring_create.hist")
	[ -n "$flags" ] || CASE_WHY="$CASE_WHY no io_uring ring was created;"
	for f in $flags; do
		[ $((f & 3)) = "$want" ] || CASE_WHY="$CASE_WHY ring flags $(printf 0x%x "$f") lack/extra IOPOLL|SQPOLL (want $want);"
	done
	if [ "$engine" = uringbpf ]; then
		f=$(report_ring_flags "$CASE_BASE")
		case $mode in
		interrupt) case "|$f|" in *"|IOPOLL|"*) CASE_WHY="$CASE_WHY engine reports IOPOLL in interrupt mode;" ;; esac ;;
		*) case "|$f|" in *"|IOPOLL|"*) ;; *) CASE_WHY="$CASE_WHY engine reports ring flags '$f', no IOPOLL;" ;; esac ;;
		esac
	fi
	CASE_POLLED=$(hist_weighted "$CASE_BASE.hctx_poll.hist")
	CASE_POLL_HITS=$(hist_hits "$CASE_BASE.hctx_poll.hist" '$1 > 0')
}

# case_report NAME: one result line from CASE_WHY.
case_report() {
	if [ -z "$CASE_WHY" ]; then ok "$1"; else not_ok "$1:$CASE_WHY (files: $CASE_BASE.*)"; fi
}

# ------------------------------------------------------------- runner ---

# lab_run_tests TEST.sh...: run each guest test for at most its
# "# lab-timeout: SECONDS" (default LAB_TEST_TIMEOUT, 150), print its result
# lines, and one line for a test that crashed, hung or printed nothing.
# Each test's full output is /out/TEST.log.
lab_run_tests() {
	local t name rc t0 secs limit
	for t in "$@"; do
		name=${t##*/}; name=${name%.sh}
		limit=$(sed -n 's/^# lab-timeout:[[:space:]]*\([0-9]*\).*/\1/p' "/lab/tests/lab/guest/$t" | head -n 1)
		limit=${limit:-${LAB_TEST_TIMEOUT:-150}}
		t0=$(date +%s)
		k0=$(dmesg | wc -l)
		LAB_TEST=$name timeout "$limit" sh "/lab/tests/lab/guest/$t" >"/out/$name.log" 2>&1 </dev/null
		rc=$?
		secs=$(( $(date +%s) - t0 ))
		grep -E '^(ok|not ok|skip|#) ' "/out/$name.log"
		# The kernel's messages while this test ran: a WARN_ON, BUG, oops
		# or sanitizer report is this test's failure, whatever it printed.
		dmesg | sed -n "$((k0 + 1)),\$p" >"/out/$name.dmesg"
		if [ -n "${LAB_KLOG_BAD:-}" ] && grep -qE "$LAB_KLOG_BAD" "/out/$name.dmesg"; then
			echo "not ok $name-kernel-log: $(grep -m 1 -E "$LAB_KLOG_BAD" "/out/$name.dmesg") (log: $name.dmesg)"
		fi
		# A sanitizer report in anything the test left (fio logs under
		# the ASan engine) fails it, even where the test accepted the exit.
		san=$(grep -rlE 'ERROR: (Address|Leak)Sanitizer|runtime error: ' "/out/$name.log" "/out/$name" 2>/dev/null | head -n 1)
		[ -z "$san" ] || echo "not ok $name-sanitizer: $(grep -m 1 -hE 'ERROR: (Address|Leak)Sanitizer|runtime error: ' "$san") (in ${san#/out/})"
		if [ "$secs" -ge "$limit" ]; then
			echo "not ok $name: timed out after ${limit}s (log: $name.log)"
		elif ! grep -qE '^(ok|not ok|skip) ' "/out/$name.log"; then
			if [ "$rc" = 0 ]; then echo "ok $name"; else echo "not ok $name: exited $rc without results (log: $name.log)"; fi
		elif [ "$rc" != 0 ] && ! grep -q '^not ok ' "/out/$name.log"; then
			echo "not ok $name: exited $rc after its results (log: $name.log)"
		fi
		echo "# $name: ${secs}s"
	done
}

# lab_polled_cases PREFIX DEV CHECK: IOPOLL and SQPOLL+IOPOLL, randwrite then
# randread with verify, through each engine; CHECK (a function) adds its
# evidence to CASE_WHY after each case, then the case is reported.
lab_polled_cases() {
	local prefix=$1 dev=$2 check=$3 engine mode rw why
	for engine in $(lab_engines); do
		if ! why=$(lab_have_engine $engine); then
			skip "$prefix-iopoll[$engine]: $why"
			continue
		fi
		for mode in iopoll sqpoll-iopoll; do
			for rw in randwrite randread; do
				name="$prefix-$mode-$rw-verify[$engine]"
				lab_case "$dev" $engine $mode $rw "$name"
				$check
				case_report "$name"
			done
		done
	done
}
