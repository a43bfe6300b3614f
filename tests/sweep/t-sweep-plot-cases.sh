#!/bin/bash
# uringbpf plot's less travelled paths, on fixtures. A sweep without a plan
# (imported by hand, or run before schema version 6) lists what its
# skipped.tsv says was not run, in table.md and in the charts' footnote, but
# only a skipped.tsv whose sweep.env names that sweep. A sweep at one iodepth
# is drawn as bars, and its latency.dat holds each config's p50, p99, p99.9
# (read here from the fio JSON). gnuplot's warnings are shown, named by
# chart; a gnuplot that fails is exit 1 naming the template and the file.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
command -v gnuplot >/dev/null || skip_all plot-cases 10 "no gnuplot"
ub_scratch_init
S=$UB_SCRATCH db=$S/r.db tpl=$(cd "$UB_TOP/plot" && pwd -P)

# A gnuplot that logs the settings it is given (-e), then draws.
cat >"$S/gp-log" <<EOF
#!/bin/bash
printf '%s\n' "\$2" >>"$S/gp.log"
exec gnuplot "\$@"
EOF
# One that warns, then draws.
printf '#!/bin/bash\necho "warning: from the test" >&2\nexec gnuplot "$@"\n' >"$S/gp-warn"
chmod +x "$S/gp-log" "$S/gp-warn"

# (a) No plan: the skipped.tsv beside the charts, when its sweep.env names the sweep.
"$UB_DB" --db "$db" import --sweep leg "$FIX"/sweep-int-qd1-r1.json "$FIX"/sweep-int-qd4-r1.json >/dev/null
mkdir -p "$S/leg" "$S/other"
printf 'iopoll\tall\tIOPOLL needs direct=1 (cannot_poll)\nsqpoll+iopoll\t4\tFAILED: fio exited 1\n' |
	tee "$S/leg/skipped.tsv" >"$S/other/skipped.tsv"
echo sweep=leg >"$S/leg/sweep.env"
echo sweep=not-leg >"$S/other/sweep.env"
GNUPLOT=$S/gp-log plot --db "$db" --sweep leg --out "$S/leg" --formats png >/dev/null 2>"$S/leg.err"
expect_eq legacy-not-run-table "$?:$(sed -n '/^Not run:/,$p' "$S/leg/table.md")" "0:Not run:
- iopoll: IOPOLL needs direct=1 (cannot_poll)
- sqpoll+iopoll (from qd=4): FAILED: fio exited 1"
expect_eq legacy-not-run-note "$(grep -c "; note='Not run: iopoll: IOPOLL needs direct=1 (cannot_poll); sqpoll+iopoll: failed: fio exited 1';" "$S/gp.log")" \
	"$(grep -c . "$S/gp.log")"
plot --db "$db" --sweep leg --out "$S/other" --formats png >/dev/null 2>&1
expect_eq legacy-other-sweep-env "$?:$(grep -c '^Not run:' "$S/other/table.md")" "0:0"

# (b) One iodepth: bars, and the three percentiles per config side by side.
"$UB_DB" --db "$db" import --sweep one "$FIX"/sweep-int-qd1-r2.json "$FIX"/sweep-sqp-qd1-r1.json >/dev/null
: >"$S/gp.log"
GNUPLOT=$S/gp-log plot --db "$db" --sweep one --out "$S/one" --formats png >/dev/null 2>&1
expect_eq one-qd-bars "$?:$(grep "out='$S/one/kiops.png'" "$S/gp.log" | grep -c "datafile='$S/one/bar-qd1.dat'")" "0:1"
want="# config p50 p99 p99.9 (us, all repeats merged)"
for f in sweep-int-qd1-r2 sweep-sqp-qd1-r1; do
	label=$(q "$db" "SELECT config FROM runs WHERE sweep = 'one' AND file LIKE '%/$f.json'")
	want+=$'\n'"\"$label\" $(jx "$FIX/$f.json" "printf('%.3f %.3f %.3f',
		json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"50.000000\"') / 1000.0,
		json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.000000\"') / 1000.0,
		json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.900000\"') / 1000.0)")"
done
expect_eq one-qd-latency-data "$(cat "$S/one/latency.dat")" "$want"

# (c) gnuplot's warnings are said, once per chart drawn; a failure stops with exit 1.
GNUPLOT=$S/gp-warn plot --db "$db" --sweep one --out "$S/warn" --formats png,svg >/dev/null 2>"$S/warn.err"
expect_eq gnuplot-warning-said "$?:$(grep -c '^plot: gnuplot (kiops): warning: from the test$' "$S/warn.err"):$(grep -c '^plot: gnuplot (latency): warning: from the test$' "$S/warn.err")" "0:2:2"
got=$(GNUPLOT=/bin/false plot --db "$db" --sweep one --out "$S/fail" --formats png 2>&1); rc=$?
expect_eq gnuplot-fails "$rc|$got" "1|plot: gnuplot failed on $tpl/bar.gp for $S/fail/kiops.png"
got=$(GNUPLOT=$S/nosuch-gnuplot plot --db "$db" --sweep one --out "$S/fail" --formats png 2>&1); rc=$?
expect_eq gnuplot-missing "$rc|$got" "1|plot: can't run $S/nosuch-gnuplot: No such file or directory
plot: gnuplot failed on $tpl/bar.gp for $S/fail/kiops.png"
got=$(env PATH=/nonexistent "$UB_BUILD/uringbpf" plot --db "$db" --sweep one --out "$S/fail" 2>&1); rc=$?
expect_eq no-gnuplot-on-path "$rc|$got" "1|plot: gnuplot is missing (apt-get install gnuplot-nox)"
got=$(UB_PLOT_DIR=$S plot --db "$db" --sweep one --out "$S/fail" 2>&1); rc=$?
expect_eq plot-dir-without-templates "$rc|$got" "1|plot: no gnuplot templates in $S (common.gp): fix UB_PLOT_DIR, or reinstall"
finish
