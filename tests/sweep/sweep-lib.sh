# shellcheck shell=bash
# Setup shared by the sweep tests (tests/sweep/t-sweep-*.sh): sourced after
# tests/lib.sh, never run.  The tests drive "uringbpf sweep" (through the
# one-executable wrapper tests/sweep/sweep), "uringbpf plot" and "uringbpf demo"
# with this build's fio, engine and results-DB tool.
export UB_SWEEP_BIN=$UB_BUILD/uringbpf
SWEEP=$UB_TOP/tests/sweep/sweep
# plot ARGS... / demo ARGS...: "uringbpf plot" / "uringbpf demo" of this
# build; "$PLOT" ARGS and "$DEMO" ARGS run them too.
plot() { "$UB_BUILD/uringbpf" plot "$@"; }
PLOT=plot
demo() { "$UB_BUILD/uringbpf" demo "$@"; }
DEMO=demo

# sweep_require NAME: report "skip NAME" and end the test when the build lacks
# what a real sweep needs.
sweep_require() {
	local why=
	[ -x "$UB_FIO" ] || why="no fio at $UB_FIO (scripts/install-deps.sh)"
	[ -f "$UB_ENGINE" ] || why="the engine $UB_ENGINE is not built (make)"
	[ -x "$UB_DB" ] || why="the results-DB tool $UB_DB is not built (make)"
	command -v sqlite3 >/dev/null || why="no sqlite3"
	if [ -n "$why" ]; then skip "$1: $why"; exit 0; fi
}

# sweep_fio: the fio the sweep runs (see ub_fio_bin).
sweep_fio() { ub_fio_bin; }

# run_sweep ARGS...: the sweep with this build (engine by path).  Put in
# the background, it is one process (env execs the sweep), so $! is the sweep.
run_sweep() {
	env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" "$@"
}

# db_runs DB SWEEP: the runs of SWEEP, "id time sweep config host file" per line.
db_runs() { "$UB_DB" --db "$1" runs | awk -F'\t' -v s="$2" '$3 == s'; }

# kiops_of FILE: the kIOPS of one fio JSON (read + write of every job),
# computed here with SQLite's JSON functions, independently of the DB tool.
kiops_of() {
	sqlite3 -batch :memory: "select sum(json_extract(value, '\$.read.iops') + json_extract(value, '\$.write.iops')) / 1000.0
		from json_each(json_extract(readfile('$1'), '\$.jobs'));"
}

# is_png FILE / is_svg FILE
# nobins_said N K: what uringbpf plot says of a sweep of N points imported from
# plain json (no latency histograms), K of them (config, iodepth) without a CDF.
nobins_said() {
	echo "plot: latency: $1 of $1 points are the mean of their runs' own percentiles: not every run has json+ latency histograms"
	echo "plot: no latency CDF: uringbpf-db cdf: no latency histograms in these results ($2 points without): import fio --output-format=json+ files for a CDF"
}
is_png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_svg() { grep -q '<svg' "$1" 2>/dev/null && grep -q '</svg>' "$1"; }

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds; 1 on timeout.
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
