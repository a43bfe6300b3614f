#!/bin/bash
# uringbpf compare, the regression gate: two sweeps of the same fio outputs
# are all "same" (exit 0); a point 30 % lower with tight repeats is a
# REGRESSION under --max-regress-pct 10 (exit 1, the point named); the same
# drop with repeats too noisy to tell is "same"; latency's direction; one
# repeat (noise unknown); points on one side only; bad input (exit 2).
# Means, ratios and noise bands are recomputed here with sqlite3 from the
# numbers put into the fio JSON, never with uringbpf.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
CLI=$UB_BUILD/uringbpf
[ -x "$CLI" ] || { echo "uringbpf is not built at $CLI (make build-all)"; exit 77; }

# gate ARGS...: "rc|stdout|stderr" of uringbpf compare on $db.
gate() {
	local o e rc
	o=$("$CLI" compare --db "$db" "$@" 2>"$tmp/err"); rc=$?
	e=$(cat "$tmp/err")
	echo "$rc|$o|$e"
}
# row TSV CONFIG QD: the point's tsv fields from ratio on (ratio change noise verdict).
row() { awk -F'\t' -v c="$2" -v d="$3" '$1 == c && $4 == d { print $12 "|" $13 "|" $14 "|" $15 }' <<<"$1"; }

# mk SWEEP CONFIG QD REP KIOPS P99_US [HOST]: one fio JSON (a real fixture with its
# iodepth, read IOPS and p99 set), imported as that sweep's run.
mk() {
	local f=$tmp/json/$1-$2-qd$3-r$4${7:+-$7}.json
	mkdir -p "$tmp/json"
	sqlite3 -batch :memory: "SELECT writefile('$f', json_set(readfile('$FIX/sweep-int-qd1-r1.json'),
		'\$.jobs[0].\"job options\".iodepth', '$3', '\$.jobs[0].read.iops', $5 * 1000.0,
		'\$.jobs[0].read.clat_ns.percentile.\"99.000000\"', $6 * 1000.0,
		'\$.ub_test_run', '$1/$2/$3/$4/${7:-}'));" >/dev/null
	"$UB_DB" --db "$db" import --sweep "$1" --config "$2" ${7:+--host "$7"} "$f" >/dev/null ||
		not_ok "import $f"
}
# want A_VALUES B_VALUES: "ratio|change|noise" as compare computes them, from
# the values (comma separated), with sqlite3: noise = 2 * B/A * sqrt(cvA^2 + cvB^2).
want() {
	sqlite3 -batch :memory: "WITH a(y) AS (SELECT value FROM json_each('[$1]')),
		b(y) AS (SELECT value FROM json_each('[$2]')),
		sa AS (SELECT avg(y) AS m, count(*) AS n FROM a), sb AS (SELECT avg(y) AS m, count(*) AS n FROM b),
		da AS (SELECT sqrt(sum((y - m) * (y - m)) / (n - 1)) AS sd FROM a, sa),
		db AS (SELECT sqrt(sum((y - m) * (y - m)) / (n - 1)) AS sd FROM b, sb)
		SELECT printf('%.4f|%.2f|%s', sb.m / sa.m, (sb.m / sa.m - 1) * 100,
			CASE WHEN sa.n > 1 AND sb.n > 1 THEN printf('%.2f', 200 * sb.m / sa.m *
			sqrt((da.sd / sa.m) * (da.sd / sa.m) + (db.sd / sb.m) * (db.sd / sb.m))) ELSE '' END)
		FROM sa, sb, da, db;"
}

# (a) Two sweeps of the same fio outputs (other bytes: a newline more, so new runs).
"$UB_DB" --db "$db" import --sweep base "$FIX"/sweep-*.json >/dev/null || not_ok import-base
for f in "$FIX"/sweep-*.json; do (cat "$f"; echo) >"$tmp/$(basename "$f")"; done
"$UB_DB" --db "$db" import --sweep again "$tmp"/sweep-*.json >/dev/null || not_ok import-again
r=$(gate base again --max-regress-pct 10)
expect_eq same-build-exit-0 "${r%%|*}" 0
expect_eq same-build-all-same "$(grep -c '| same |$' <<<"$r")|$(grep -c 'REGRESSION |$' <<<"$r")" "6|0"
expect_eq same-build-summary "$(grep '^6 points' <<<"$r")" \
	"6 points: 0 better, 6 same (within noise), 0 worse, 0 REGRESSION (worse by more than 10% and by more than the noise)."
tsv=$("$CLI" compare --db "$db" base again --format tsv)
KIOPS="(json_extract(j, '\$.jobs[0].read.iops') + json_extract(j, '\$.jobs[0].write.iops')) / 1000.0"
vals() { sqlite3 -batch :memory: "SELECT group_concat($KIOPS, ',') FROM (SELECT readfile('$FIX/sweep-$1-qd$2-r1.json') AS j
	UNION ALL SELECT readfile('$FIX/sweep-$1-qd$2-r2.json'))"; }
v=$(vals sqp 16)
expect_eq same-build-tsv-row "$(row "$tsv" "io_uring SQPOLL" 16)" "$(want "$v" "$v")|same"
expect_eq same-build-tsv-means "$(awk -F'\t' '$1 == "io_uring" && $4 == 4 { print $6, $7, $9, $10 }' <<<"$tsv")" \
	"$(sqlite3 -batch :memory: "SELECT printf('2 %.3f 2 %.3f', avg(value), avg(value)) FROM json_each('[$(vals int 4)]')")"
expect_eq tsv-header "$(head -1 <<<"$tsv")" \
	"config	rw	bs	iodepth	host	a_n	a_mean	a_stddev	b_n	b_mean	b_stddev	ratio	change_pct	noise_pct	verdict	a_source	a_runs_mean	b_source	b_runs_mean"

# md1 A_VALUES B_VALUES: the noise as the Markdown table rounds it.
md1() { sqlite3 -batch :memory: "SELECT printf('%.1f', $(want "$1" "$2" | cut -d'|' -f3))"; }

# (b) A real regression: iodepth 4 30 % lower, tight repeats; iodepth 1 unchanged.
for r in 1 2 3; do
	mk A cfg 1 $r $((50 + r)) 100
	mk B cfg 1 $r $((50 + r)).2 100
done
mk A cfg 4 1 100 100; mk A cfg 4 2 101 100; mk A cfg 4 3 99 100
mk B cfg 4 1 70 100; mk B cfg 4 2 70.5 100; mk B cfg 4 3 69.5 100
r=$(gate A B --max-regress-pct 10)
expect_eq regression-exit-1 "${r%%|*}" 1
expect_eq regression-row "$(grep '^| cfg | randread | 4k | 4 |' <<<"$r")" \
	"| cfg | randread | 4k | 4 | 100.0 (n=3) | 70.0 (n=3) | 0.700 | -30.0% | ±$(md1 100,101,99 70,70.5,69.5)% | REGRESSION |"
expect_eq regression-other-point-same "$(grep '^| cfg | randread | 4k | 1 |' <<<"$r" | awk -F' [|] ' '{ print $NF }')" "same |"
expect_eq regression-said-on-stderr "${r##*|}" \
	"uringbpf compare: 1 point worse than A by more than 10% and the noise (REGRESSION)"
tsv=$("$CLI" compare --db "$db" A B --format tsv --max-regress-pct 10)
expect_eq regression-tsv "$(row "$tsv" cfg 4)" "$(want 100,101,99 70,70.5,69.5)|REGRESSION"
expect_eq regression-tsv-unchanged "$(row "$tsv" cfg 1)" "$(want 51,52,53 51.2,52.2,53.2)|same"
# Without the gate, or with a wider one: worse, exit 0.
r=$(gate A B); expect_eq no-gate-worse "${r%%|*}|$(grep -c '| worse |$' <<<"$r")" "0|1"
r=$(gate A B --max-regress-pct 30.5); expect_eq wide-gate-worse "${r%%|*}|$(grep -c '| worse |$' <<<"$r")" "0|1"
# Swapped, the same drop is a gain.
r=$(gate B A --max-regress-pct 10); expect_eq swapped-better "${r%%|*}|$(grep '| 4 |' <<<"$r" | grep -c '| better |$')" "0|1"
# The other front ends: uringbpf db compare, uringbpf-db compare, URINGBPF_DB.
expect_eq db-compare-same "$("$CLI" db --db "$db" compare A B --max-regress-pct 10 --format tsv 2>/dev/null; echo "rc=$?")" "$tsv
rc=1"
expect_eq db-alias-same "$("$UB_DB" --db "$db" compare A B --max-regress-pct 10 --format tsv 2>/dev/null; echo "rc=$?")" "$tsv
rc=1"
expect_eq env-db-same "$(URINGBPF_DB=$db "$CLI" compare A B --max-regress-pct 10 --format tsv 2>/dev/null; echo "rc=$?")" "$tsv
rc=1"
json=$("$CLI" compare --db "$db" A B --max-regress-pct 10 --format json)
expect_eq json-point "$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.verdict') || ' ' || printf('%.2f', json_extract(value, '\$.change_pct'))
	|| ' ' || json_extract(value, '\$.a.n') FROM json_each(json_extract('$json', '\$.points')) WHERE json_extract(value, '\$.iodepth') = 4")" \
	"REGRESSION -30.00 3"
expect_eq json-count "$(sqlite3 -batch :memory: "SELECT json_extract('$json', '\$.count.REGRESSION'), json_extract('$json', '\$.count.same'),
	json_extract('$json', '\$.max_regress_pct')")" "1|1|10"

# (c) The same 30 % drop with repeats too noisy to tell: within noise, exit 0.
mk C cfg 4 1 100 100; mk C cfg 4 2 100.5 100
mk D cfg 4 1 40 100; mk D cfg 4 2 100 100
r=$(gate C D --max-regress-pct 10)
expect_eq noisy-exit-0 "${r%%|*}" 0
expect_eq noisy-row "$(grep '^| cfg |' <<<"$r")" \
	"| cfg | randread | 4k | 4 | 100.2 (n=2) | 70.0 (n=2) | 0.698 | -30.2% | ±$(md1 100,100.5 40,100)% | same |"
expect_eq noisy-said-within-noise "$(grep '^1 points' <<<"$r")" \
	"1 points: 0 better, 1 same (within noise), 0 worse, 0 REGRESSION (worse by more than 10% and by more than the noise)."

# (d) Latency: lower is better. p99 30 % higher in F is a regression, 30 % lower a gain.
for r in 1 2 3; do
	mk E lat 8 $r 100 $((200 + r))
	mk F lat 8 $r 100 $((260 + r))
	mk G lat 8 $r 100 $((140 + r))
done
r=$(gate E F --metric clat_p99_us --max-regress-pct 10)
expect_eq latency-worse-exit-1 "${r%%|*}" 1
expect_eq latency-worse-row "$(row "$("$CLI" compare --db "$db" E F --metric clat_p99_us --max-regress-pct 10 --format tsv)" lat 8)" \
	"$(want 201,202,203 261,262,263)|REGRESSION"
r=$(gate E G --metric clat_p99_us --max-regress-pct 10)
expect_eq latency-lower-is-better "${r%%|*}|$(grep -c '| better |$' <<<"$r")|$(grep -c '^noise: .* Lower is better\.|$' <<<"$r")" "0|1|1"
r=$(gate E F --max-regress-pct 10)	# the same runs' kIOPS did not move
expect_eq latency-kiops-unmoved "${r%%|*}|$(grep -c '| same |$' <<<"$r")" "0|1"

# One repeat: the noise is unknown, the change alone decides; one-sided points.
mk H one 2 1 100 100; mk I one 2 1 95 100; mk J one 2 1 85 100
mk H one 32 1 100 100; mk K one 64 1 100 100; mk K one 2 1 100.1 100
r=$(gate H I --max-regress-pct 10)
expect_eq one-repeat-worse "${r%%|*}|$(grep '| 2 |' <<<"$r")" \
	"0|| one | randread | 4k | 2 | 100.0 (n=1) | 95.0 (n=1) | 0.950 | -5.0% | unknown (1 repeat) | worse |"
expect_eq one-sided "$(grep '| 32 |' <<<"$r")" \
	"| one | randread | 4k | 32 | 100.0 (n=1) | - | - | - | - | only-A |"
r=$(gate H J --max-regress-pct 10)
expect_eq one-repeat-regression "${r%%|*}|$(grep -c '| 2 | .* | REGRESSION |$' <<<"$r")" "1|1"
r=$(gate H K --max-regress-pct 10)
expect_eq only-sides "${r%%|*}|$(grep -c '| only-A |$' <<<"$r")|$(grep -c '| only-B |$' <<<"$r")|$(grep -c '; 1 only in H (A), 1 only in K (B).$' <<<"$r")" "0|1|1|1"

# Hosts: told apart when both sweeps ran on several, else their runs are one point's repeats.
for r in 1 2; do
	mk M hst 4 $r $((100 + r)) 100 h1; mk M hst 4 $r $((200 + r)) 100 h2
	mk N hst 4 $r $((100 + r)).5 100 h1; mk N hst 4 $r $((140 + r)) 100 h2
	mk O hst 4 $r $((100 + r)) 100 h1
done
r=$(gate M N --max-regress-pct 10)
expect_eq hosts-apart "${r%%|*}|$(grep '^| hst |' <<<"$r" | cut -d'|' -f6,12 | tr -d ' ' | paste -sd,)" "1|h1|same,h2|REGRESSION"
expect_eq hosts-header "$(grep '^| config |' <<<"$r")" "| config | rw | bs | iodepth | host | A: M | B: N | B/A | change | noise | verdict |"
r=$(gate M O --format tsv)
expect_eq hosts-merged "${r%%|*}|$(awk -F'\t' '$1 == "hst" { print $5 "," $6 "," $9 }' <<<"$r")" "0|,4,2"

# Hosts apart for a latency percentile too (fixtures without bins: the runs' own p99, marked).
r=$(gate M N --metric clat_p99_us --format tsv)
expect_eq hosts-apart-latency "${r%%|*}|$(awk -F'\t' '$1 == "hst" { print $5 "," $6 "," $9 "," $16 "," $18 "," $15 }' <<<"$r" | paste -sd' ')" \
	"0|h1,2,2,runs,runs,same h2,2,2,runs,runs,same"

# (f) Latency percentiles over repeats (issue 14): each side's value is the percentile of
# all its runs' json+ histograms merged, the figure uringbpf db table shows, not the mean
# of the runs' own; the band still comes from the runs' own percentiles. merge-r1/r2 are
# two real repeats of one point with different tails (p99.99 419.8 and 2146.3 us).
ldb=$tmp/lat.db r1=$FIX/merge-r1.json r2=$FIX/merge-r2.json
# copy FILE N: FILE with N newlines more (other bytes, so another run).
copy() { { cat "$1"; printf '%*s' "$2" '' | tr ' ' '\n'; } >"$tmp/$(basename "$1" .json)-$2.json"; echo "$tmp/$(basename "$1" .json)-$2.json"; }
limport() { local s=$1 i=0 f; shift; for f; do i=$((i + 1)); "$UB_DB" --db "$ldb" import --sweep "$s" --repeat $i "$f" >/dev/null || not_ok "import $s $f"; done; }
limport P "$r1" "$r2"			# A: two repeats, different tails
limport S "$(copy "$r2" 1)"		# one repeat: noise unknown, the change decides
limport T "$(copy "$r2" 2)" "$(copy "$r2" 3)"	# two equal repeats: no spread of its own
sqlite3 -batch :memory: "SELECT json_remove(readfile('$r2'), '\$.jobs[0].read.clat_ns.bins')" >"$tmp/r2-nobins.json"
limport U "$(copy "$r1" 1)" "$tmp/r2-nobins.json"	# a run without bins: the fallback
lgate() { local o e rc; o=$("$CLI" compare --db "$ldb" "$@" 2>"$tmp/err"); rc=$?; e=$(cat "$tmp/err"); echo "$rc|$o|$e"; }
tcell() { "$UB_DB" --db "$ldb" table --sweep "$1" "${@:2}" | sed -n 3p | cut -d'|' -f3 | tr -d ' '; }
mdcells() { grep '^| psync |' <<<"$1" | cut -d'|' -f6,7 | sed 's/ (n=[0-9]*)//g' | tr -d ' '; }
f3() { sqlite3 -batch :memory: "SELECT printf('%.3f', $1)"; }
mP=$(merged_pct 99.99 "$r1" "$r2") o1=$(fio_pct "$r1" 99.99) o2=$(fio_pct "$r2" 99.99)
expect_eq lat-merged-is-not-the-mean "$(sqlite3 -batch :memory: "SELECT $mP <> ($o1 + $o2) / 2")" 1
# The values: compare's A and B cells are table's cells, and the merged bins recomputed here.
r=$(lgate P S --metric clat_p9999_us --max-regress-pct 10)
expect_eq lat-values-are-table-cells "$(mdcells "$r")" "$(tcell P --percentile 99.99)|$(tcell S --percentile 99.99)"
ltsv=$("$CLI" compare --db "$ldb" P S --metric clat_p9999_us --max-regress-pct 10 --format tsv)
expect_eq lat-values-merged "$(awk -F'\t' '$1 == "psync" { print $6, $7, $9, $10, $16, $18 }' <<<"$ltsv")" \
	"2 $(f3 "$mP") 1 $(f3 "$o2") bins bins"
# The verdict uses them: B/A of the merged figures is +7.8 % (worse, within the gate);
# the mean of the runs' own p99.99 would have made it +67 %, a REGRESSION.
expect_eq lat-verdict-from-merged "${r%%|*}|$(row "$ltsv" psync 1)" \
	"0|$(sqlite3 -batch :memory: "SELECT printf('%.4f|%.2f||worse', $o2 / $mP, ($o2 / $mP - 1) * 100)")"
expect_eq lat-runs-mean "$(awk -F'\t' '$1 == "psync" { print $17, $19 }' <<<"$ltsv")" \
	"$(f3 "($o1 + $o2) / 2") $(f3 "$o2")"
# The band: from the runs' own p99.99 (each from its own bins: fio's figure), around the
# merged ratio: 2 x B/A x sqrt(cv_A^2 + cv_B^2), cv = stddev / mean of a side's runs' own.
ltsv=$("$CLI" compare --db "$ldb" P T --metric clat_p99.99_us --format tsv)
expect_eq lat-band-from-runs "$(row "$ltsv" psync 1)" \
	"$(sqlite3 -batch :memory: "SELECT printf('%.4f|%.2f|%.2f|same', $o2 / $mP, ($o2 / $mP - 1) * 100,
		200 * $o2 / $mP * abs($o1 - $o2) / sqrt(2) / (($o1 + $o2) / 2))")"
# Any percentile, by --percentile or by name, as table reads it.
ltsv=$("$CLI" compare --db "$ldb" P S --percentile 99.999 --format tsv)
expect_eq lat-p99.999 "$(awk -F'\t' '$1 == "psync" { print $7, $10 }' <<<"$ltsv")" \
	"$(f3 "$(merged_pct 99.999 "$r1" "$r2")") $(f3 "$(fio_pct "$r2" 99.999)")"
expect_eq lat-p99.999-metric-name "$("$CLI" compare --db "$ldb" P S --metric clat_p99.999_us --format tsv)" "$ltsv"
r=$(lgate P S --percentile 99.999)
expect_eq lat-p99.999-table-cells "$(mdcells "$r")" "$(tcell P --percentile 99.999)|$(tcell S --percentile 99.999)"
expect_eq lat-header-says-merged "$(grep -c '^value: clat_p99.999_us of a side is the percentile of all its runs' <<<"$r")" 1
# A side with a run without bins: the mean of its runs' own figures, marked as table marks it.
r=$(lgate U S --metric clat_p9999_us)
expect_eq lat-fallback-marked "$(mdcells "$r")" "$(tcell U --percentile 99.99)|$(tcell S --percentile 99.99)"
expect_eq lat-fallback-is-the-mean "$(tcell U --percentile 99.99)" \
	"$(sqlite3 -batch :memory: "SELECT printf('%.1f†', ($o1 + $o2) / 2)")"
expect_eq lat-fallback-footnote "$(grep -c "^† the mean of the runs' own percentiles, not merged: not every run of that side has json+ latency histograms (fio --output-format=json+)$" <<<"$r")" 1
# A percentile plain json does not keep: no figure on that side (-†), so nothing to compare.
r=$(lgate U S --percentile 99.999)
expect_eq lat-no-figure "${r%%|*}|$(mdcells "$r")|$(grep -c '^-† no figure: without json+ histograms only p50, p99, p99.9 and p99.99 are kept; the point counts as run in the other sweep only$' <<<"$r")|${r##*|}" \
	"2|-†|$(tcell S --percentile 99.999)|1|uringbpf compare: no point has clat_p99.999_us in both U (A) and S (B): 1 ran without it (runs without json+ histograms keep only p50, p99, p99.9 and p99.99): nothing to compare; import fio --output-format=json+ results or choose one of those"
ljson=$("$CLI" compare --db "$ldb" U S --metric clat_p9999_us --format json)
expect_eq lat-json-source "$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.a.source') || ' ' || json_extract(value, '\$.b.source')
	FROM json_each(json_extract('$ljson', '\$.points'))")" "runs bins"
# clat_mean_us as table has it too: the mean of every I/O (each run's weighted by its I/Os).
mu() { jx "$1" "(json_extract(j, '\$.jobs[0].read.clat_ns.mean') / 1000.0) || ' ' || json_extract(j, '\$.jobs[0].read.total_ios')"; }
read -r m1 n1 <<<"$(mu "$r1")"; read -r m2 n2 <<<"$(mu "$r2")"
ltsv=$("$CLI" compare --db "$ldb" P T --metric clat_mean_us --format tsv)
expect_eq lat-mean-of-every-io "$(awk -F'\t' '$1 == "psync" { print $7, $17 }' <<<"$ltsv")" \
	"$(f3 "($m1 * $n1 + $m2 * $n2) / ($n1 + $n2)") $(f3 "($m1 + $m2) / 2")"
expect_eq lat-mean-is-table-cell "$(mdcells "$(lgate P T --metric clat_mean_us)" | cut -d'|' -f1)" "$(tcell P --metric clat_mean_us)"

# (e) Bad input: exit 2, one line naming the option or argument and the fix.
expect_eq unknown-sweep "$(gate nosuch B --max-regress-pct 10)" \
	"2||uringbpf compare: A (the baseline): no sweep named 'nosuch' in $db: give one of base, again, A, B, C, D, E, F, G, H, I, J, K, M, N, O"
expect_eq unknown-sweep-b "$(gate A nosuch)" \
	"2||uringbpf compare: B (the candidate): no sweep named 'nosuch' in $db: give one of base, again, A, B, C, D, E, F, G, H, I, J, K, M, N, O"
expect_eq bad-pct "$(gate A B --max-regress-pct abc)" \
	"2||uringbpf compare: --max-regress-pct needs a percentage of 0 or more, like 5 or 2.5, got 'abc' (uringbpf compare --help)"
expect_eq negative-pct "$(gate A B --max-regress-pct -3)" \
	"2||uringbpf compare: --max-regress-pct needs a percentage of 0 or more, like 5 or 2.5, got '-3' (uringbpf compare --help)"
expect_eq bad-metric "$(gate A B --metric iops)" \
	"2||uringbpf compare: --metric iops is not known: use kiops, clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us, clat_mean_us, bw_mib, cpu_cores, kiops_per_core, fio_cpu_cores, iops_cv or clat_pP_us (any percentile P, e.g. clat_p99.999_us) (uringbpf compare --help)"
expect_eq bad-metric-pct "$(gate A B --metric clat_p101_us)" \
	"2||uringbpf compare: --metric clat_p101_us: a percentile is clat_pP_us with P above 0 and at most 100, e.g. clat_p99.999_us (uringbpf compare --help)"
expect_eq bad-percentile "$(gate A B --percentile 9999)" \
	"2||uringbpf compare: --percentile 9999: give a percentile above 0 and at most 100, e.g. 99.999 (uringbpf compare --help)"
expect_eq metric-and-percentile "$(gate A B --metric kiops --percentile 99)" \
	"2||uringbpf compare: --percentile 99: a metric is chosen already (--metric or --percentile): give one (uringbpf compare --help)"
expect_eq bad-format "$(gate A B --format csv)" \
	"2||uringbpf compare: --format csv is not known: use md, tsv or json (uringbpf compare --help)"
expect_eq one-sweep "$(gate A)" \
	"2||uringbpf compare: missing A B: give two sweeps, A (the baseline) and B (the candidate) (uringbpf compare --help)"
expect_eq three-sweeps "$(gate A B C)" \
	"2||uringbpf compare: too many sweeps: give two sweeps, A (the baseline) and B (the candidate) (uringbpf compare --help)"
expect_eq missing-value "$(gate A B --max-regress-pct)" \
	"2||uringbpf compare: --max-regress-pct needs a value (uringbpf compare --help)"
expect_eq db-prefix "$("$CLI" db --db "$db" compare A B --format x 2>&1; echo "rc=$?")" \
	"uringbpf-db compare: --format x is not known: use md, tsv or json (uringbpf-db compare --help)
rc=2"
out=$("$CLI" compare --db "$tmp/none.db" A B 2>&1); rc=$?
expect_eq no-database "$rc|$out" "2|uringbpf compare: no results database at $tmp/none.db: import results first (uringbpf-db --db $tmp/none.db import FILE.json), or name another with --db or URINGBPF_DB"
expect_eq bad-bs "$(gate A B --bs 4q)" \
	"2||uringbpf compare: --bs needs a block size like 4k or 4096, got '4q' (uringbpf compare --help)"
r=$(gate A B --rw randwrite --max-regress-pct 10)
expect_eq nothing-in-common-rw "${r%%|*}|${r##*|}" \
	"2|uringbpf compare: no point ran in both A (A) and B (B) with rw randwrite (0 only in A, 0 only in B): nothing to compare; check the sweeps, --rw and --bs"
r=$(gate A H --max-regress-pct 10)
expect_eq nothing-in-common "${r%%|*}|$(grep -c '| only-[AB] |$' <<<"$r")|${r##*|}" \
	"2|4|uringbpf compare: no point ran in both A (A) and H (B) (2 only in A, 2 only in B): nothing to compare; check the sweeps, --rw and --bs"
expect_eq filters "$("$CLI" compare --db "$db" A B --rw randread --bs 4096 --format tsv --max-regress-pct 10)" "$tsv"
h=$("$CLI" help compare); rc=$?
expect_eq help "$rc|$(head -1 <<<"$h")|$("$CLI" compare --help | cmp -s - <(echo "$h") && echo same)" \
	"0|usage: uringbpf compare [--db PATH] A B [--metric M | --percentile P]|same"
# (f) CPU (schema 5, import --cpu-json): using more CPU cores for the same
# kIOPS is worse (lower is better), and kIOPS per core then drops (higher is
# better). Own database, so the sweep lists above stay as they are.
cdb=$tmp/cpu.db
# mkc SWEEP REP USAGE_USEC: a run of 1 s wall time that used USAGE_USEC of CPU.
mkc() {
	local f=$tmp/json/cpu-$1-r$2.json
	sqlite3 -batch :memory: "SELECT writefile('$f', json_set(readfile('$FIX/sweep-int-qd1-r1.json'),
		'\$.ub_test_run', 'cpu/$1/$2'));" >/dev/null
	printf '{"tool": "uringbpf cgexec", "measured": true, "usage_usec": %d, "user_usec": %d, "system_usec": 0, "wall_usec": 1000000}\n' \
		"$3" "$3" >"$tmp/json/cpu-$1-r$2.cpu.json"
	"$UB_DB" --db "$cdb" import --sweep "$1" --repeat "$2" --cpu-json "$tmp/json/cpu-$1-r$2.cpu.json" "$f" >/dev/null ||
		not_ok "import $f with its CPU"
}
for r in 1 2 3; do
	mkc lean $r $((1000000 + r * 10000))
	mkc busy $r $((1300000 + r * 10000))
done
o=$("$CLI" compare --db "$cdb" lean busy --metric cpu_cores --max-regress-pct 10 --format tsv); rc=$?
expect_eq cpu-more-cores-regression "$rc|$(awk -F'\t' 'NR == 2 { print $12 "|" $13 "|" $14 "|" $15 }' <<<"$o")" \
	"1|$(want 1.01,1.02,1.03 1.31,1.32,1.33)|REGRESSION"
o=$("$CLI" compare --db "$cdb" busy lean --metric cpu_cores --max-regress-pct 10); rc=$?
expect_eq cpu-fewer-cores-better "$rc|$(grep -c '| better |$' <<<"$o")|$(grep -c '^noise: .* Lower is better\.$' <<<"$o")" "0|1|1"
o=$("$CLI" compare --db "$cdb" lean busy --metric kiops_per_core --max-regress-pct 10); rc=$?
expect_eq cpu-per-core-higher-is-better "$rc|$(grep -c 'REGRESSION |$' <<<"$o")|$(grep -c '^noise: .* Higher is better\.$' <<<"$o")" "1|1|1"
finish
