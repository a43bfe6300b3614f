# shellcheck shell=bash
# Per-I/O cost that machine noise does not move, for scripts/bench --callgrind:
#   - user-space instructions per I/O: valgrind --tool=callgrind on fio with
#     a fixed number of I/Os, counting only inside the job thread
#     (--toggle-collect=thread_main).  Two runs, N/5 and N I/Os; the
#     difference divided by the difference in I/Os is the marginal cost of
#     one I/O, free of setup and teardown.  fio's null engine, measured the
#     same way, is fio's own share (the floor of any engine).
#   - io_uring_enter calls per I/O: strace -c -f on the same job (the SQPOLL
#     thread cannot be traced, so this is what the job itself enters).
# With SQPOLL (and no IOPOLL) both engines wait by spinning on the CQ, so
# their instruction counts measure waiting, not work: only the enters are
# counted there.
# Sourced by scripts/bench; uses its settings (FIO, ENGINE, TARGET, ...).

# cost_fio_args ENGINE MODE QD BATCH IOS: the job as in the sweep, with a
# fixed number of I/Os instead of a runtime, as a thread of fio's process
# (one process for valgrind to follow).  Sets COST_ARGS.
cost_fio_args() {
	local eng=$1 mode=$2 qd=$3 batch=$4 ios=$5
	COST_ARGS=(--name="cost-$eng" --filename="$TARGET" --size="$SIZE" --rw=randread --bs="$BS"
		--direct="$DIRECT" --iodepth="$qd" --number_ios="$ios" --norandommap=1 --randrepeat=0
		--thread=1 --output-format=json)
	case $eng in
	uringbpf) COST_ARGS+=(--ioengine="external:$ENGINE" --fixedbufs=1 --registerfiles=1) ;;
	io_uring) COST_ARGS+=(--ioengine=io_uring --fixedbufs=1 --registerfiles=1) ;;
	null) COST_ARGS+=(--ioengine=null) ;;
	esac
	# shellcheck disable=SC2207
	[ "$eng" = null ] || COST_ARGS+=($(mode_opts "$mode"))
	# shellcheck disable=SC2206
	[ "$eng" = uringbpf ] && COST_ARGS+=($OURS_OPTS)
	[ "$batch" = fio ] || COST_ARGS+=(--iodepth_batch_submit="${batch#b}" --iodepth_batch_complete_min="${batch#b}")
}

# cost_callgrind DIR NAME ENGINE MODE QD BATCH IOS: DIR/NAME.cg (callgrind
# output), DIR/NAME.fn (instructions per function), DIR/NAME.json (fio).
# Prints "TOTAL_INSTRUCTIONS IOS".
cost_callgrind() {
	local d=$1 name=$2 ios
	shift 2
	cost_fio_args "$@"
	valgrind --tool=callgrind --toggle-collect=thread_main --callgrind-out-file="$d/$name.cg" \
		"$FIO" "${COST_ARGS[@]}" --output="$d/$name.json" >"$d/$name.log" 2>&1 || {
		echo "bench: callgrind run $name failed: $(grep -v '^==' "$d/$name.log" | tail -n 2 | paste -sd' ')" >&2
		return 1
	}
	awk -f "$top/bench/callgrind-fn.awk" "$d/$name.cg" | sort -t"$(printf '\t')" -k1,1nr >"$d/$name.fn"
	ios=$(bench_json "$d/$name.json" 'jobs[0].read.total_ios')
	echo "$(awk -F'\t' '{ s += $1 } END { printf "%d", s }' "$d/$name.fn") $ios"
}

# cost_enters DIR NAME ENGINE MODE QD BATCH IOS: prints io_uring_enter calls
# per I/O seen by strace, and for our engine the count it reports itself
# (its report=FILE: enter_calls / ios).
cost_enters() {
	local d=$1 name=$2 calls ios own report
	report=$d/$name.report.jsonl
	shift 2
	cost_fio_args "$@"
	rm -f "$report"
	[ "$1" = uringbpf ] && COST_ARGS+=(--report="$report")
	strace -f -c -e trace=io_uring_enter -o "$d/$name.strace" \
		"$FIO" "${COST_ARGS[@]}" --output="$d/$name.json" >"$d/$name.log" 2>&1 || {
		echo "bench: strace run $name failed: $(tail -n 2 "$d/$name.log" | paste -sd' ')" >&2
		return 1
	}
	calls=$(awk '$NF == "io_uring_enter" { print $4 }' "$d/$name.strace")
	ios=$(bench_json "$d/$name.json" 'jobs[0].read.total_ios')
	[ -s "$report" ] && own=$(sqlite3 -batch :memory: "select printf('%.3f', 1.0 * json_extract(j, '\$.enter_calls') / json_extract(j, '\$.ios'))
		from (select cast(readfile('$report') as text) as j) where json_extract(j, '\$.ios') > 0")
	awk -v c="${calls:-0}" -v n="$ios" -v own="${own:-NA}" 'BEGIN { printf "%.4f %s\n", n ? c / n : -1, own }'
}

# cost_fn_diff A.fn B.fn DIOS: per-function instructions per I/O, (B - A) / DIOS.
cost_fn_diff() {
	awk -F'\t' -v d="$3" '
		NR == FNR { a[$2 "\t" $3] = $1; next }
		{ k = $2 "\t" $3; x = ($1 - a[k]) / d; if (x >= 0.05 || x <= -0.05) printf "%.2f\t%s\n", x, k }
	' "$1" "$2" | sort -t"$(printf '\t')" -k1,1gr
}

# cost_engine_share FILE.perio ENGINE: instructions per I/O in the engine's
# own code: our .so (liburing is linked into it) / fio's fio_ioring_*.
cost_engine_share() {
	awk -F'\t' -v e="$2" '
		(e == "uringbpf" && $2 == "fio-uringbpf.so") || (e == "io_uring" && $3 ~ /^fio_ioring_/) { s += $1 }
		END { printf "%.1f", s }' "$1"
}

# cost_one DIR ENGINE MODE QD BATCH: one line of DIR/cost.tsv.
cost_one() {
	local d=$1 eng=$2 mode=$3 qd=$4 batch=$5 tag r1 r2 t1 i1 t2 i2 per=NA share=NA
	local enters=NA own=NA n2=$COST_IOS n1=$((COST_IOS / 5))
	tag=$eng-$mode-qd$qd-$batch
	if [ "$mode" != sqpoll ]; then
		bench_log "cost: $tag: callgrind at $n1 and $n2 I/Os"
		r1=$(cost_callgrind "$d" "$tag-n1" "$eng" "$mode" "$qd" "$batch" "$n1") &&
			r2=$(cost_callgrind "$d" "$tag-n2" "$eng" "$mode" "$qd" "$batch" "$n2") || {
			FAILURES=$((FAILURES + 1))
			per=fail
		}
		if [ "$per" = NA ]; then
			read -r t1 i1 <<<"$r1"
			read -r t2 i2 <<<"$r2"
			per=$(awk -v a="$t1" -v b="$t2" -v x="$i1" -v y="$i2" 'BEGIN { printf "%.1f", (b - a) / (y - x) }')
			cost_fn_diff "$d/$tag-n1.fn" "$d/$tag-n2.fn" $((i2 - i1)) >"$d/$tag.perio"
			[ "$eng" = null ] || share=$(cost_engine_share "$d/$tag.perio" "$eng")
		fi
	fi
	if [ "$eng" != null ]; then
		bench_log "cost: $tag: strace at $n2 I/Os"
		if r1=$(cost_enters "$d" "$tag-strace" "$eng" "$mode" "$qd" "$batch" "$n2"); then
			read -r enters own <<<"$r1"
		else
			FAILURES=$((FAILURES + 1)) enters=fail
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$qd" "$batch" "$eng" "$per" "$share" \
		"$enters" "${own:-NA}" >>"$d/cost.tsv"
}

# bench_cost DIR: QD1 and the deepest QD at fio's default batching, the
# deepest QD batched, in every mode that ran; summary in DIR/cost.md.
bench_cost() {
	local d=$1 maxqd=0 q nb mode cfg qd batch eng cfgs
	mkdir -p "$d"
	for q in ${IODEPTHS//,/ }; do [ "$q" -gt "$maxqd" ] && maxqd=$q; done
	cfgs=("1 fio")
	[ "$maxqd" -gt 1 ] && cfgs+=("$maxqd fio")
	nb=$BATCH
	[ "$nb" -gt "$maxqd" ] && nb=$maxqd
	[ "$nb" -gt 1 ] && cfgs+=("$maxqd b$nb")

	printf 'mode\tqd\tbatch\tengine\tir_per_io\tengine_ir_per_io\tenters_per_io\tenters_per_io_own\n' >"$d/cost.tsv"
	# fio's own share: the null engine has no ring, so no mode.
	for cfg in "${cfgs[@]}"; do
		read -r qd batch <<<"$cfg"
		cost_one "$d" null - "$qd" "$batch"
	done
	for mode in "${MODES_RUN[@]}"; do
		for cfg in "${cfgs[@]}"; do
			read -r qd batch <<<"$cfg"
			for eng in io_uring uringbpf; do
				cost_one "$d" "$eng" "$mode" "$qd" "$batch"
			done
		done
	done
	cost_report "$d" >"$d/cost.md"
}

# cost_report DIR: cost.tsv and the per-function files -> markdown.
cost_report() {
	local d=$1 mode qd batch
	echo
	echo "Per-I/O cost: user-space instructions per I/O in the job thread (callgrind, marginal over $((COST_IOS / 5)) -> $COST_IOS I/Os; \"engine code\" = our .so with liburing in it, or fio's fio_ioring_* functions), and io_uring_enter calls per I/O (strace -c -f; in brackets, the count our engine reports itself):"
	echo
	awk -F'\t' '
		NR == 1 { next }
		$4 == "null" { null[$2 FS $3] = $5; next }
		{ k = $1 FS $2 FS $3; if (!(k in seen)) { seen[k] = 1; rows[++n] = k }
		  ir[k FS $4] = $5; sh[k FS $4] = $6; en[k FS $4] = $7; own[k FS $4] = $8 }
		function bn(b) { return b == "fio" ? "fio default" : "submit/complete " substr(b, 2) }
		function r(a, b) { return (a == "NA" || a == "fail" || b == "NA" || b == "fail" || b == 0) ? "—" : sprintf("%.2f", a / b) }
		function v(x) { return x == "NA" ? "— (spins)" : x }
		END {
			print "| mode | QD | batching | fio null engine | fio io_uring | ours | ours/io_uring | engine code: io_uring | engine code: ours | enters/IO io_uring | enters/IO ours |"
			print "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
			for (i = 1; i <= n; i++) {
				split(rows[i], f, FS)
				a = ir[rows[i] FS "io_uring"]; b = ir[rows[i] FS "uringbpf"]
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) |\n", f[1], f[2], bn(f[3]),
					null[f[2] FS f[3]], v(a), v(b), r(b, a), v(sh[rows[i] FS "io_uring"]), v(sh[rows[i] FS "uringbpf"]),
					en[rows[i] FS "io_uring"], en[rows[i] FS "uringbpf"], own[rows[i] FS "uringbpf"]
			}
		}' "$d/cost.tsv"
	echo
	echo "Where they differ, per I/O (exclusive instructions; engine functions and fio functions whose count changes by 1 or more; top 25):"
	while IFS=$'\t' read -r mode qd batch; do
		[ -f "$d/uringbpf-$mode-qd$qd-$batch.perio" ] && [ -f "$d/io_uring-$mode-qd$qd-$batch.perio" ] || continue
		echo
		echo "$mode, QD$qd, $([ "$batch" = fio ] && echo "fio default batching" || echo "submit/complete ${batch#b}"):"
		echo
		echo "| function | object | fio io_uring | ours | ours − io_uring |"
		echo "|---|---|---:|---:|---:|"
		awk -F'\t' '
			NR == FNR { a[$3 FS $2] = $1; k[$3 FS $2] = 1; next }
			{ b[$3 FS $2] = $1; k[$3 FS $2] = 1 }
			END {
				for (x in k) {
					split(x, f, FS)
					eng = f[2] == "fio-uringbpf.so" || f[1] ~ /^fio_ioring_/
					dd = b[x] - a[x]
					if (!eng && dd < 1 && dd > -1) continue
					printf "%.2f\t| %s | %s | %.1f | %.1f | %+.1f |\n", (eng ? 1e9 : 0) + (dd < 0 ? -dd : dd), f[1], f[2], a[x], b[x], dd
				}
			}' "$d/io_uring-$mode-qd$qd-$batch.perio" "$d/uringbpf-$mode-qd$qd-$batch.perio" |
			sort -t"$(printf '\t')" -k1,1gr | head -n 25 | cut -f2-
	done < <(awk -F'\t' 'NR > 1 && $4 != "null" && !s[$1 FS $2 FS $3]++ { print $1 "\t" $2 "\t" $3 }' "$d/cost.tsv")
}
