#!/bin/bash
# The uringbpf CLI's dispatcher: the command list, "help CMD" and "CMD --help",
# exit codes 0 ok / 1 failure / 2 usage, and the exact one-line errors for an
# unknown command or option, a missing script or data tree.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
ub_scratch_init
[ -x "$CLI" ] || { skip "cli: $CLI is not built (make)"; finish; }

# run ARGS...: "rc|stdout|stderr" of the CLI.
run() {
	local o e rc
	o=$("$CLI" "$@" 2>"$UB_SCRATCH/err"); rc=$?
	e=$(cat "$UB_SCRATCH/err")
	echo "$rc|$o|$e"
}

list='usage: uringbpf COMMAND [options]   (uringbpf COMMAND --help: its options)
commands:
  sweep   run a fio profile over modes x iodepths, import into SQLite
  db      query and fill the results database (also: uringbpf-db)
  plot    draw a sweep from the database (PNG + SVG) and its table
  compare sweep B against baseline A per point; exit 1 on a regression
  demo    the seed-table sweep on a default target, graph and table
  lab     the QEMU kernel lab (Linux 7.3, emulated NVMe)
  bench   our engine against fio io_uring, libaio and t/io_uring
  cgexec  run a command in a cgroup of its own, write its CPU time (JSON)
  help    this list, or one command'"'"'s help: uringbpf help CMD'

expect_eq help-lists "$(run help)" "0|$list|"
expect_eq dash-h-lists "$(run -h)" "0|$list|"
expect_eq dash-dash-help-lists "$(run --help)" "0|$list|"
expect_eq help-help-lists "$(run help help)" "0|$list|"
expect_eq no-command-usage "$(run)" "2||$list"
expect_eq unknown-command "$(run frobnicate --x)" \
	"2||uringbpf: unknown command 'frobnicate': use sweep, db, plot, compare, demo, lab, bench, cgexec or help (uringbpf help)"
expect_eq help-unknown-command "$(run help frob)" \
	"2||uringbpf: unknown command 'frob': use sweep, db, plot, compare, demo, lab, bench, cgexec or help (uringbpf help)"
expect_eq help-two-commands "$(run help db sweep)" \
	"2||uringbpf help: one command at a time, got 'sweep' after 'db'"
expect_eq unknown-option "$(run --db x table)" \
	"2||uringbpf: unknown option '--db': options go after the command (uringbpf COMMAND --help)"

# Each command's help: "help CMD" is "CMD --help" is "CMD -h", exit 0.
for c in db sweep plot compare demo lab bench; do
	a=$(run help "$c") b=$(run "$c" --help) h=$(run "$c" -h)
	first=$(sed -n '1s/^0|//p' <<<"$a")
	case $first in [Uu]sage:*) ;; *) first="(no usage line: ${a:0:200})" ;; esac
	if [ "$a" = "$b" ] && [ "$a" = "$h" ] && [ "${a:0:2}" = "0|" ] && [ "${first:0:6}" != "(no us" ]; then
		ok "help-$c: help $c = $c --help = $c -h, exit 0: $first"
	else
		not_ok "help-$c: help $c gave '${a:0:120}', --help '${b:0:120}', -h '${h:0:120}'"
	fi
done
expect_eq db-help-is-db-usage "$(run help db | head -n 1)" "0|usage: uringbpf-db [--db PATH] COMMAND [options]"

# Commands' own usage errors keep their exit code 2.
expect_eq db-usage-error "$(run db --db "$UB_SCRATCH/x.db" nosuch | cut -d'|' -f1)" 2
expect_eq sweep-usage-error "$(run sweep --no-such-option | cut -d'|' -f1)" 2
expect_eq compare-usage-error "$(run compare --no-such-option | cut -d'|' -f1)" 2

# The lab (in the binary) with no data tree beside the binary (scripts/lab for
# the kernel, the guest's init): exit 1, one line; its --help needs no data.
mkdir -p "$UB_SCRATCH/lone/bin"
cp "$CLI" "$UB_SCRATCH/lone/bin/uringbpf"
l=$UB_SCRATCH/lone
out=$(env -u UB_DATADIR "$l/bin/uringbpf" lab run -- true 2>&1); rc=$?
expect_eq no-scripts "$rc|$out" "1|uringbpf lab: scripts/lab not found (looked for $l/bin/../share/uringbpf/scripts/lab, $l/bin/../scripts/lab): run 'make' in the checkout, or 'make install', or set UB_DATADIR"
out=$(env -u UB_DATADIR "$l/bin/uringbpf" lab --help 2>&1 | sed -n '1p; 2s/  *get, .*//p'); rc=$?
expect_eq lone-lab-help "$rc|$out" "0|Usage:
  uringbpf lab fetch"
out=$(env -u UB_DATADIR "$l/bin/uringbpf" lab run --help 2>&1 | sed -n '3s/  *boot, .*//p'); rc=$?
expect_eq lone-lab-run-help "$rc|$out" "0|  uringbpf lab run [OPTIONS] -- CMD ARGS"
# The demo (in the binary) needs the profiles of a data tree too, not for --help.
out=$(env -u UB_DATADIR "$l/bin/uringbpf" demo --runtime 1 2>&1); rc=$?
expect_eq demo-no-profiles "$rc|$out" "1|uringbpf demo: profiles/seed-table.fio not found (looked for $l/bin/../share/uringbpf/profiles/seed-table.fio, $l/bin/../profiles/seed-table.fio): run 'make' in the checkout, or 'make install', or set UB_DATADIR"
out=$(env -u UB_DATADIR "$l/bin/uringbpf" demo --help 2>&1 | head -n 1); rc=$?
expect_eq lone-demo-help "$rc|$out" "0|Usage: uringbpf demo [--target PATH] [--lab] [options]"
# The sweep (in the binary) needs the profiles of a data tree, not for --help.
out=$(env -u UB_DATADIR "$l/bin/uringbpf" sweep --target /dev/null 2>&1); rc=$?
expect_eq no-profiles "$rc|$out" "1|uringbpf sweep: profiles/seed-table.fio not found (looked for $l/bin/../share/uringbpf/profiles/seed-table.fio, $l/bin/../profiles/seed-table.fio): run 'make' in the checkout, or 'make install', or set UB_DATADIR"
out=$(env -u UB_DATADIR "$l/bin/uringbpf" sweep --help 2>&1 | head -n 1); rc=$?
expect_eq lone-sweep-help "$rc|$out" "0|Usage: uringbpf sweep --target PATH [options]"
# UB_DATADIR points it at a tree: "lab test" runs its tests/lab/run-guest-tests.sh.
out=$(UB_DATADIR=$UB_TOP "$l/bin/uringbpf" lab test --no-such 2>&1); rc=$?
expect_eq datadir-env "$rc|$out" "2|lab test: unknown option '--no-such'"
# plot runs in the binary; its gnuplot templates come from the data root.
: >"$UB_SCRATCH/empty.db"
out=$(env -u UB_DATADIR -u UB_PLOT_DIR "$l/bin/uringbpf" plot --db "$UB_SCRATCH/empty.db" --sweep s --out "$UB_SCRATCH/p" 2>&1); rc=$?
expect_eq plot-no-templates "$rc|$out" "1|plot: no gnuplot templates (looked for $l/bin/../share/uringbpf/plot/common.gp, $l/bin/../plot/common.gp): run 'make install', or set UB_PLOT_DIR"
out=$(env -u UB_PLOT_DIR UB_DATADIR=$UB_TOP "$l/bin/uringbpf" plot --db "$UB_SCRATCH/empty.db" --sweep s --out "$UB_SCRATCH/p" 2>&1); rc=$?
expect_eq plot-datadir-templates "$rc|$out" "2|plot: --sweep: no runs of a sweep named 's' in $UB_SCRATCH/empty.db"
finish
