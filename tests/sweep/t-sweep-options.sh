#!/bin/bash
# Bad input to uringbpf sweep, uringbpf plot and uringbpf demo: the exact error,
# naming the option, and a non-zero exit, before anything runs.  Also: every
# profile is documented in profiles/README.md, parses in fio section by
# section, and plans (--dry-run) without error.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
ub_scratch_init /dev/shm
cd "$UB_SCRATCH" || exit 1
unset TARGET NG_TARGET SIZE DIRECT RUNTIME RAMP ENGINE CHAIN_LEN CHAIN_SIZE
t=$UB_SCRATCH/target

# err NAME WANT-TEXT CMD...: CMD exits 2 and prints exactly WANT-TEXT.
err() {
	local name=$1 want=$2 got rc
	shift 2
	got=$(UB_DB=${UB_DB} "$@" 2>&1)
	rc=$?
	if [ $rc = 2 ] && [ "$got" = "$want" ]; then ok "options-$name"
	else not_ok "options-$name: exit $rc, got: $got"; fi
}
S=$SWEEP
profiles=$(cd "$UB_TOP/profiles" && ls -- *.fio | sed 's/\.fio$//' | paste -sd, -)

err unknown "sweep: unknown option '--bogus' (see --help)" $S --bogus
err no-value "sweep: --runtime needs a value (see --help)" $S --target "$t" --runtime
err no-target "sweep: --target is required: a block device, NVMe char device or file (or TARGET=PATH)" $S
err iodepths-list "sweep: --iodepths: '1,x' is not a comma-separated list of iodepths (e.g. 1,8,16,32)" $S --target "$t" --iodepths 1,x
err iodepths-zero "sweep: --iodepths: '0' is not an iodepth from 1 to 65536" $S --target "$t" --iodepths 1,0
err repeats "sweep: --repeats: '0' is not a positive integer" $S --target "$t" --repeats 0
err runtime "sweep: --runtime: '2s' is not a positive number of seconds" $S --target "$t" --runtime 2s
err direct "sweep: --direct: 'yes' is not 0 or 1" $S --target "$t" --direct yes
err size "sweep: --size: '12q' is not a fio size (e.g. 512m, 4g, 100%)" $S --target "$t" --size 12q
err stddev-repeats "sweep: --max-stddev-pct needs --repeats 2 or more (a stddev needs two samples)" $S --target "$t" --max-stddev-pct 5
err stddev-value "sweep: --max-stddev-pct: '-1' is not a positive percentage" $S --target "$t" --repeats 2 --max-stddev-pct -1
err max-repeats-alone "sweep: --max-repeats only applies with --max-stddev-pct" $S --target "$t" --max-repeats 4
err max-repeats-low "sweep: --max-repeats: '1' is not an integer >= --repeats (3)" $S --target "$t" --repeats 3 --max-stddev-pct 5 --max-repeats 1
err profile "sweep: --profile: no profile 'nosuch' ($UB_TOP/profiles/nosuch.fio); available: $profiles" $S --target "$t" --profile nosuch
err configs "sweep: --configs: profile seed-table has no section 'bogus'; it has: interrupt,sqpoll,iopoll,sqpoll+iopoll" $S --target "$t" --configs interrupt,bogus
err client-host "sweep: --client: 'a b' is not HOST or HOST:PORT (IPv6: [ADDR]:PORT)" $S --target "$t" --client 'a b'
err client-port "sweep: --client: 'h:99999' has a bad port '99999'" $S --target "$t" --client h:99999
err target-dir "sweep: --target: '/nonexistent/dir/f' does not exist and its directory /nonexistent/dir does not either" $S --target /nonexistent/dir/f
err target-kind "sweep: --target: '/dev/shm' is not a block device, char device or regular file" $S --target /dev/shm
err sweep-name "sweep: --sweep-name: 'a/b' may hold only letters, digits and . _ + - (it names a directory)" $S --target "$t" --sweep-name a/b
err set "sweep: --set: 'FOO' is not VAR=VALUE" $S --target "$t" --set FOO
err set-iodepth "sweep: --set: IODEPTH is the sweep axis; use --iodepths" $S --target "$t" --set IODEPTH=4
err lab-client "sweep: --lab and --client don't mix: the lab is one guest" $S --lab --client h1

P=$PLOT
err plot-unknown "plot: unknown option '--bogus' (see --help)" $P --bogus
err plot-no-sweep "plot: --sweep is required (see --help)" $P --out "$UB_SCRATCH/p"
err plot-no-out "plot: --out is required (see --help)" $P --sweep x
err plot-no-db "plot: --db: no database at /nonexistent.db" $P --db /nonexistent.db --sweep x --out "$UB_SCRATCH/p"
err plot-formats "plot: --formats: 'gif' is not png or svg" $P --sweep x --out "$UB_SCRATCH/p" --formats png,gif
err plot-bar-qd "plot: --bar-iodepth: 'x' is not an iodepth" $P --sweep x --out "$UB_SCRATCH/p" --bar-iodepth x
if [ -x "$UB_DB" ] && [ -f "$UB_ENGINE" ]; then
	# A real database with one sweep in it: unknown sweeps are named.
	run_sweep --target "$t" --size 16m --configs interrupt --iodepths 1 --runtime 1 \
		--db "$UB_SCRATCH/r.db" --sweep-name one --out "$UB_SCRATCH/one" >"$UB_SCRATCH/one.log" 2>&1 ||
		not_ok "options-setup: a one-run sweep failed: $(tail -n 3 "$UB_SCRATCH/one.log")"
	err plot-unknown-sweep "plot: --sweep: no runs of a sweep named 'nosuch' in $UB_SCRATCH/r.db" \
		$P --db "$UB_SCRATCH/r.db" --sweep nosuch --out "$UB_SCRATCH/p"
	err plot-unknown-compare "plot: --compare: no runs of a sweep named 'nosuch' in $UB_SCRATCH/r.db" \
		$P --db "$UB_SCRATCH/r.db" --sweep one --out "$UB_SCRATCH/p" --compare nosuch
	err plot-bar-qd-absent "plot: --bar-iodepth: sweep 'one' has no runs at iodepth 8 (it has 1)" \
		$P --db "$UB_SCRATCH/r.db" --sweep one --out "$UB_SCRATCH/p" --bar-iodepth 8
	claimed=$(sqlite3 "$UB_SCRATCH/r.db" "SELECT 'claimed ' || claimed_at || ' on ' || host || ' by process ' || pid || '; ' || (SELECT count(*) FROM runs WHERE sweep = 'one') || ' runs' FROM sweeps WHERE name = 'one'")
	err sweep-name-taken "sweep: --sweep-name: $UB_SCRATCH/r.db already has a sweep named 'one' ($claimed): pick another --sweep-name" \
		run_sweep --target "$t" --db "$UB_SCRATCH/r.db" --sweep-name one --out "$UB_SCRATCH/one-again"
	err out-taken "sweep: --out: $UB_SCRATCH/one already holds the runs of a sweep; pick another --sweep-name or --out" \
		run_sweep --target "$t" --db "$UB_SCRATCH/r.db" --sweep-name two --out "$UB_SCRATCH/one"
else
	skip "options-db: needs the built DB tool and engine (make)"
fi

# --lab plans as data: the guest driver runs OUT/jobs/plan.tsv (no generated script).
got=$("$SWEEP" --lab --configs interrupt --iodepths 1,4 --sweep-name labdry --out "$UB_SCRATCH/labdry" --dry-run 2>&1)
expect_eq lab-dry-run "$(grep '^dry run: uringbpf lab' <<<"$got")" \
	"dry run: uringbpf lab run -- sh /lab/run-plan.sh /lab/jobs/plan.tsv nvme0n1 250, which runs in the guest:"
expect_eq lab-dry-run-nothing-written "$([ -e "$UB_SCRATCH/labdry" ] && echo written || echo none)" none

err demo-unknown "demo: unknown option '--bogus' (see --help)" $DEMO --bogus
err demo-lab-target "demo: --lab runs on the lab's emulated NVMe; it takes no --target" $DEMO --lab --target /dev/nvme0n1
for c in "$SWEEP" "$PLOT" "$DEMO"; do
	if "$c" --help | grep -q '^Usage: '; then ok "options-help-$(basename "$c")"
	else not_ok "options-help-$(basename "$c"): no usage"; fi
done

# Profiles: documented, parseable by fio, and plannable.
for f in "$UB_TOP"/profiles/*.fio; do
	p=$(basename "$f" .fio)
	grep -q "^- \`$p.fio\`" "$UB_TOP/profiles/README.md" && ok "profile-$p-documented" ||
		not_ok "profile-$p-documented: no line for $p.fio in profiles/README.md"
	bad=
	for sec in $(awk '/^\[/ { s = substr($0, 2, index($0, "]") - 2); if (s != "global") print s }' "$f"); do
		ENGINE=external:$UB_ENGINE TARGET=$t NG_TARGET=/dev/ng0n1 SIZE=16m DIRECT=0 IODEPTH=4 RUNTIME=1 RAMP=0 CHAIN_SIZE=16m \
			ub_fio --parse-only --section="$sec" "$f" >"$UB_SCRATCH/parse.log" 2>&1 ||
			bad="$bad [$sec]: $(head -n 2 "$UB_SCRATCH/parse.log" | tr '\n' ' ')"
	done
	[ -z "$bad" ] && ok "profile-$p-parses" || not_ok "profile-$p-parses:$bad"
	if UB_DB=$UB_DB "$SWEEP" --profile "$p" --target "$t" --dry-run >"$UB_SCRATCH/dry.log" 2>&1; then
		ok "profile-$p-dry-run"
	else
		not_ok "profile-$p-dry-run: $(tail -n 2 "$UB_SCRATCH/dry.log")"
	fi
done
finish
