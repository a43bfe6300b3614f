#!/bin/bash
# make install / make uninstall with DESTDIR and PREFIX: the CLI (and its
# uringbpf-db alias), uringbpf-mkchain, the engine, the scripts, profiles and
# plot templates land where they should, with the right modes, and run from
# there (the installed "uringbpf plot" draws with the installed templates:
# t-cli-e2e); uninstall removes every file it installed and our share/ folder.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
ub_scratch_init
d=$UB_SCRATCH/root

if ! cli_install "$d"; then
	not_ok "install: make install failed: $(tail -n 5 "$d.log")"
	finish
fi
ok "install: make install DESTDIR=... PREFIX=/usr/local"

# What must be there: the fixed files and every profile and template.
share=usr/local/share/uringbpf
want=$( {
	printf '%s\n' usr/local/bin/uringbpf usr/local/bin/uringbpf-db usr/local/bin/uringbpf-mkchain \
		usr/local/lib/fio/fio-uringbpf.so "$share/scripts/lab-guest/run-plan.sh" \
		"$share/scripts/lab-guest/init" "$share/scripts/lab-guest/lab-modprobe" \
		"$share/scripts/lab" "$share/scripts/lib/debian-archive.sh" \
		"$share/profiles/README.md" "$share/bench/lab-guest.sh"
	(cd "$UB_TOP" && ls profiles/*.fio profiles/phases/*.fio plot/*.gp) | sed "s|^|$share/|"
	(cd "$UB_TOP/tests/results-db/fixtures" && ls sweep-*.json randrw.json jsonplus.json) |
		sed "s|^|$share/bench/import-fixtures/|"
} | LC_ALL=C sort)
got=$(cd "$d" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
expect_eq install-files "$got" "$want"

# Programs executable, data not.
bad=
for f in $want; do
	case $f in */bin/*|*.so|*/scripts/lab-guest/run-plan.sh|*/scripts/lab-guest/init|*/scripts/lab-guest/lab-modprobe|*/scripts/lab) [ -x "$d/$f" ] || bad+=" $f(not executable)" ;;
	*) [ ! -x "$d/$f" ] || bad+=" $f(executable)" ;;
	esac
done
expect_eq install-modes "${bad:-none}" none
# Installed files are copies of the checkout's.
diff=
for f in plot/kiops.gp profiles/seed-table.fio scripts/lab-guest/run-plan.sh; do
	cmp -s "$UB_TOP/$f" "$d/$share/$f" || diff+=" $f"
done
expect_eq install-copy "${diff:-none}" none

# The installed programs run: the alias is "uringbpf db".
out=$("$d/usr/local/bin/uringbpf-db" --help | head -n 1); rc=$?
expect_eq installed-alias-runs "$rc:$out" "0:usage: uringbpf-db [--db PATH] COMMAND [options]"
out=$("$d/usr/local/bin/uringbpf" help | head -n 1)
expect_eq installed-cli-runs "$out" "usage: uringbpf COMMAND [options]   (uringbpf COMMAND --help: its options)"
# The installed benchmark of the importer finds its fixtures under share/.
out=$(outside_env "$d/usr/local/bin/uringbpf" bench import --files 20 --limit 1000 --dir "$UB_SCRATCH" 2>&1); rc=$?
expect_eq installed-bench-import "$rc:${out%% in *}" "0:uringbpf bench import: imported 20 of 20 fio JSON files"

# An earlier version installed scripts/demo (now "uringbpf demo"): uninstall removes it too.
install -m 755 /dev/null "$d/$share/scripts/demo"
if ! cli_uninstall "$d"; then
	not_ok "uninstall: make uninstall failed: $(tail -n 5 "$d.log")"
else
	left=$(cd "$d" && find . ! -type d | sed 's|^\./||')
	expect_eq uninstall-removes-files "${left:-none}" none
	[ -e "$d/$share" ] && not_ok "uninstall-removes-share: $share is still there: $(cd "$d" && find "$share")" ||
		ok "uninstall-removes-share: $share is gone"
fi

# Another PREFIX and FIO_PREFIX are honoured.
d2=$UB_SCRATCH/root2
if cli_install "$d2" PREFIX=/opt/ub FIO_PREFIX=/opt/fio; then
	miss=
	for f in opt/ub/bin/uringbpf opt/ub/share/uringbpf/profiles/seed-table.fio \
		opt/ub/share/uringbpf/plot/common.gp opt/fio/lib/fio/fio-uringbpf.so; do
		[ -f "$d2/$f" ] || miss+=" $f"
	done
	expect_eq install-prefix "${miss:-none}" none
	cli_uninstall "$d2" PREFIX=/opt/ub FIO_PREFIX=/opt/fio
	expect_eq uninstall-prefix "$(cd "$d2" && find . ! -type d | head -n 3)" ""
else
	not_ok "install-prefix: make install PREFIX=/opt/ub failed: $(tail -n 5 "$d2.log")"
fi
finish
