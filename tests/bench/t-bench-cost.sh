#!/bin/bash
# uringbpf bench --cost-only: user-space instructions per I/O (callgrind,
# marginal between N/5 and N I/Os) and io_uring_enter calls per I/O (strace),
# in a tiny configuration.  Checks the rows cost.tsv must have, that
# cost.md's ratio is ours/io_uring of cost.tsv, that strace's count of our
# engine's enters equals the count the engine reports itself, and that the
# per-function table shows our engine's functions.  Not a timing assertion.
source "$UB_TOP/tests/lib.sh"
# valgrind cannot run a program built with AddressSanitizer; the host pass runs this.
[ -z "${UB_ASAN:-}" ] || skip_all bench-cost 6 "valgrind does not run ASan builds"
command -v valgrind >/dev/null && command -v strace >/dev/null ||
	skip_all bench-cost 6 "needs valgrind and strace"
ub_scratch_init /tmp
out=$UB_SCRATCH/out
args=(--cost-only --quick --iodepths 1 --modes interrupt,sqpoll --peers io_uring --cost-ios 2000
	--out "$out" --db "$UB_SCRATCH/results.db" --fio "$(ub_fio_bin)" --engine "$UB_ENGINE")
if "$UB_BUILD/uringbpf" bench "${args[@]}" >"$UB_SCRATCH/stdout" 2>"$UB_SCRATCH/stderr"; then
	ok "bench-cost-runs"
else
	not_ok "bench-cost-runs: uringbpf bench ${args[*]} exited non-zero: $(tail -n 3 "$UB_SCRATCH/stderr" | paste -sd' ')"
	finish
fi
tsv=$out/cost/cost.tsv
# fio's null engine once, then io_uring and ours in each mode, at QD1 only.
rows=$(awk -F'\t' 'NR > 1 { printf "%s%s/%s/%s/%s", (NR > 2 ? " " : ""), $1, $2, $3, $4 }' "$tsv")
expect_eq bench-cost-rows "$rows" \
	"-/1/fio/null interrupt/1/fio/io_uring interrupt/1/fio/uringbpf sqpoll/1/fio/io_uring sqpoll/1/fio/uringbpf"

# Instructions counted where they mean work (not SQPOLL: spinning), and more than fio's null engine.
read -r null a b < <(awk -F'\t' '$4 == "null" { n = $5 } $1 == "interrupt" && $4 == "io_uring" { a = $5 }
	$1 == "interrupt" && $4 == "uringbpf" { b = $5 } END { print n, a, b }' "$tsv")
spin=$(awk -F'\t' '$1 == "sqpoll" { printf "%s,", $5 }' "$tsv")
if awk -v n="$null" -v a="$a" -v b="$b" 'BEGIN { exit !(n > 0 && a > n && b > n) }' && [ "$spin" = "NA,NA," ]; then
	ok "bench-cost-instructions (null $null, io_uring $a, ours $b per I/O; SQPOLL not counted)"
else
	not_ok "bench-cost-instructions: null '$null', io_uring '$a', ours '$b', SQPOLL '$spin'"
fi

# The table's ratio is ours/io_uring of the tsv.
want=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
shown=$(awk -F'|' '$2 ~ /^ interrupt $/ { gsub(/ /, "", $8); print $8 }' "$out/cost/cost.md")
expect_eq bench-cost-ratio "$shown" "$want"

# strace's enters per I/O of our engine = the engine's own count, in both modes.
bad=$(awk -F'\t' 'NR > 1 && $4 == "uringbpf" { d = $7 - $8; if ($8 == "NA" || d > 0.002 || d < -0.002) print $1 ": " $7 " vs " $8 }' "$tsv")
if [ -z "$bad" ]; then ok "bench-cost-enters-own"; else not_ok "bench-cost-enters-own: $bad"; fi

# Where they differ: our engine's own functions are listed.
n=$(grep -c '| fio-uringbpf.so |' "$out/cost/cost.md")
if [ "$n" -gt 0 ]; then ok "bench-cost-functions ($n of ours)"; else not_ok "bench-cost-functions: none of fio-uringbpf.so in cost.md"; fi
finish
