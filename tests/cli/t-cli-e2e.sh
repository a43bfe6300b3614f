#!/bin/bash
# The installed CLI from a directory outside the checkout, with none of the
# runner's UB_* variables: "uringbpf sweep --profile seed-table" resolves the
# profile from the installed share/uringbpf/profiles, runs the installed
# engine, imports into SQLite (rows counted with sqlite3), and "uringbpf plot"
# draws PNG + SVG with the installed templates; "uringbpf demo" does it all
# into ./results, prints the library's tables, removes its default target,
# and stops with its sweep on a signal.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
sweep_require cli-e2e
ub_scratch_init
[ -z "${UB_ASAN:-}" ] || { skip "cli-e2e: the installed engine would load without the ASan runtime"; finish; }
command -v gnuplot >/dev/null || { skip "cli-e2e: no gnuplot"; finish; }

root=$UB_SCRATCH/root
cli_install "$root" || { not_ok "cli-e2e: make install failed: $(tail -n 5 "$root.log")"; finish; }
bin=$root/usr/local/bin share=$root/usr/local/share/uringbpf

# A fresh directory, outside the checkout; the target a file on /dev/shm.
work=$(mktemp -d) && ub_at_exit "rm -rf '$work'"
tgt=$(mktemp /dev/shm/ub-cli-e2e.XXXXXX) && ub_at_exit "rm -f '$tgt'"
case $work in "$UB_TOP"/*) not_ok "cli-e2e: $work is inside the checkout"; finish ;; esac
cd "$work" || exit 1

outside_env "$bin/uringbpf" sweep --profile seed-table --target "$tgt" --size 16m --iodepths 1 \
	--runtime 1 --db "$work/r.db" --sweep-name e2e >sweep.log 2>&1
rc=$?
expect_eq sweep-exit "$rc" 0
[ "$rc" = 0 ] || sed 's/^/  sweep: /' sweep.log

env=results/e2e/sweep.env
expect_eq profile-from-install "$(sed -n 's/^profile_file=//p' "$env" 2>/dev/null)" "$share/profiles/seed-table.fio"
expect_eq engine-from-install "$(sed -n 's/^engine=//p' "$env" 2>/dev/null)" "external:$(cd "$root/usr/local/lib/fio" && pwd -P)/fio-uringbpf.so"
# tmpfs can't poll: interrupt and sqpoll run, the two IOPOLL sections are skipped.
expect_eq runs-in-db "$(sqlite3 -batch r.db "SELECT count(*) FROM runs WHERE sweep = 'e2e'" 2>&1)" 2
expect_eq configs-in-db "$(sqlite3 -batch r.db "SELECT group_concat(config, ',') FROM (SELECT DISTINCT config FROM runs WHERE sweep = 'e2e' ORDER BY config)" 2>&1)" \
	"interrupt,sqpoll"
# The points match the JSON fio wrote (computed here, without the DB tool).
want=$(kiops_of results/e2e/json/interrupt/qd1-r1.json)
got=$(sqlite3 -batch r.db "SELECT kiops_mean FROM kiops_by_iodepth WHERE sweep = 'e2e' AND config = 'interrupt' AND iodepth = 1")
awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(b > 0 && d < 0.01 && d > -0.01) }' &&
	ok "kiops-matches-json: $got kIOPS" || not_ok "kiops-matches-json: DB has '$got', the JSON '$want'"

outside_env "$bin/uringbpf" plot --db r.db --sweep e2e --out graphs >plot.log 2>&1
expect_eq plot-exit "$?" 0
is_png graphs/kiops.png && ok "plot-png: graphs/kiops.png is a PNG" || not_ok "plot-png: no PNG: $(cat plot.log)"
is_svg graphs/kiops.svg && ok "plot-svg: graphs/kiops.svg is an SVG" || not_ok "plot-svg: no SVG: $(cat plot.log)"
grep -q '^| sqpoll |' graphs/table.md && ok "plot-table: table.md has the sqpoll row" ||
	not_ok "plot-table: $(cat graphs/table.md 2>&1 | head -n 5)"

# "uringbpf demo" installed writes ./results (not into the install tree).
outside_env "$bin/uringbpf" demo --runtime 1 --iodepths 1 --sweep-name demo >demo.log 2>&1
expect_eq demo-exit "$?" 0
# The seed's shape: on a file there is no IOPOLL to compare, and demo says so.
expect_eq demo-seed-shape "$(grep -c '^seed shape: sweep demo has no randread point with both iopoll and sqpoll+iopoll' demo.log)" 1
expect_eq demo-runs "$(sqlite3 -batch results/results.db "SELECT count(*) FROM runs WHERE sweep = 'demo'" 2>&1)" 2
is_png results/demo/kiops.png && ok "demo-png: ./results/demo/kiops.png" || not_ok "demo-png: no PNG: $(tail -n 5 demo.log)"
# The latency CDF, from the database (the sweep's json+ bins), and demo says where.
is_png results/demo/latency-cdf.png && ok "demo-cdf-png: ./results/demo/latency-cdf.png" ||
	not_ok "demo-cdf-png: no PNG: $(tail -n 5 demo.log)"
expect_eq demo-cdf-said "$(grep -c '^Latency CDF: results/demo/latency-cdf.png  (all repeats merged; data: ' demo.log)" 1
expect_eq demo-cdf-data "$(grep -c '^# iodepth 1, runs 1, ' results/demo/latency-cdf.dat)" 2
expect_eq demo-not-in-share "$(find "$share" -name 'results*' | head -n 3)" ""
# The tables are the library's: the kIOPS table is table.md's first, and what
# was not run is listed as in table.md (tmpfs can't poll).
t=$(sed -n '/^| config | 1 |$/,/^$/p' demo.log | sed '/^$/q')
expect_eq demo-kiops-table "$(grep -c '^| \(interrupt\|sqpoll\) | [0-9.]*~\? |$' <<<"$t") rows|$t" \
	"2 rows|$(sed -n '/^| config/,/^$/p' results/demo/table.md | sed '/^$/q')"
expect_eq demo-not-run "$(sed -n '/^Not run:$/,/^$/p' demo.log)" "Not run:
- iopoll: IOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs) (cannot_poll)
- sqpoll+iopoll: IOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs) (cannot_poll)"
# The default target (a work directory on /dev/shm) is gone after the demo.
work_dir=$(sed -n 's|^demo: default target: \(/dev/shm/uringbpf-demo\.[^/]*\)/target .*|\1|p' demo.log)
expect_eq demo-target-removed "${work_dir:+named}|$([ -e "${work_dir:-/nonexistent}" ] && echo left || echo gone)" "named|gone"

# A stop signal to the demo alone reaches the sweep: the running point is
# recorded interrupted, the demo exits 130 and still removes its target.
# (demo.pid: the demo's own pid, written by the shell that becomes it.)
outside_env sh -c 'echo $$ >demo.pid; exec "$0" "$@"' "$bin/uringbpf" demo --runtime 3 \
	--iodepths 1,8 --sweep-name demo-int >int.log 2>&1 &
job=$!
if wait_for 60 grep -q '^\[1/' int.log; then
	kill -INT "$(cat demo.pid)"
	wait "$job"; rc=$?
	expect_eq demo-int-exit "$rc" 130
	expect_eq demo-int-said "$(tail -n 1 int.log)" \
		"demo: interrupted; the finished runs are in $work/results/results.db (sweep demo-int)"
	expect_eq demo-int-fate "$(sqlite3 -batch results/results.db "SELECT count(*) FROM sweep_plan WHERE sweep = 'demo-int' AND fate = 'interrupted'" 2>&1)" 1
	work_dir=$(sed -n 's|^demo: default target: \(/dev/shm/uringbpf-demo\.[^/]*\)/target .*|\1|p' int.log)
	expect_eq demo-int-target-removed "${work_dir:+named}|$([ -e "${work_dir:-/nonexistent}" ] && echo left || echo gone)" "named|gone"
else
	kill "$(cat demo.pid)"; wait "$job"
	not_ok "demo-int: no run started in 60 s: $(tail -n 5 int.log)"
fi

# An unknown profile names the installed ones.
out=$(outside_env "$bin/uringbpf" sweep --profile nope --target "$tgt" 2>&1); rc=$?
expect_eq unknown-profile "$rc|$out" "2|sweep: --profile: no profile 'nope' ($share/profiles/nope.fio); available: $(cd "$UB_TOP/profiles" && ls -- *.fio | sed 's/\.fio$//' | paste -sd, -)"
finish
