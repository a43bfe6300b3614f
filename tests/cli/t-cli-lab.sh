#!/bin/bash
# The installed CLI from outside the checkout runs "uringbpf sweep --lab": it
# boots the kernel lab (its kernel verified by the installed scripts/lab, the
# guest's /init from the installed scripts/lab-guest/) with the installed
# engine and the fio on PATH, the guest runs the plan on its emulated NVMe,
# and the runs are imported here with the guest's kernel.  Skips like tests/sweep/t-sweep-lab.sh.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
[ -z "${UB_NO_LAB:-}" ] || { skip "cli-lab: UB_NO_LAB is set"; exit 0; }
qemu=${UB_QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] || { skip "cli-lab: qemu-system-x86_64 is not installed"; exit 0; }
sweep_require cli-lab
[ -z "${UB_ASAN:-}" ] || { skip "cli-lab: the guest's engine would load without the ASan runtime"; exit 0; }
fetch_log=$("$UB_TOP/scripts/lab" fetch 2>&1)
case $? in
0) ;;
69) skip "cli-lab: cannot download the lab kernel: $(tail -n 1 <<<"$fetch_log")"; exit 0 ;;
*) not_ok "cli-lab: scripts/lab fetch failed: $(tail -n 1 <<<"$fetch_log")"; finish ;;
esac
ub_scratch_init

root=$UB_SCRATCH/root
cli_install "$root" || { not_ok "cli-lab: make install failed: $(tail -n 5 "$root.log")"; finish; }
work=$(mktemp -d) && ub_at_exit "rm -rf '$work'"
cd "$work" || exit 1

outside_env UB_QEMU="$qemu" "$root/usr/local/bin/uringbpf" sweep --lab --configs interrupt,iopoll \
	--iodepths 1 --runtime 1 --db r.db --sweep-name lab >sweep.log 2>&1
rc=$?
expect_eq cli-lab-exit "$rc" 0
[ "$rc" = 0 ] || sed 's/^/  sweep: /' sweep.log
expect_eq cli-lab-runs "$(sqlite3 -batch r.db "SELECT group_concat(config, ',') FROM (SELECT config FROM runs WHERE sweep = 'lab' ORDER BY config)" 2>&1)" \
	"interrupt,iopoll"
kernel=$(sqlite3 -batch r.db "SELECT DISTINCT kernel FROM runs WHERE sweep = 'lab'" 2>&1)
lab_kernel=$(cat results/lab/lab/kernel 2>/dev/null)
if [ -n "$lab_kernel" ] && [ "$kernel" = "$lab_kernel" ] && [ "$kernel" != "$(uname -r)" ]; then
	ok "cli-lab-kernel: imported with the guest's kernel $kernel"
else
	not_ok "cli-lab-kernel: DB says '$kernel', guest said '$lab_kernel'"
fi
# The guest ran our engine (its ring line) with IOPOLL on the emulated NVMe.
if grep -q 'ring .*flags .*IOPOLL' results/lab/log/iopoll-qd1-r1.log 2>/dev/null; then
	ok "cli-lab-iopoll: the installed engine ran IOPOLL in the guest"
else
	not_ok "cli-lab-iopoll: no IOPOLL ring line in results/lab/log/iopoll-qd1-r1.log: $(head -n 5 results/lab/log/iopoll-qd1-r1.log 2>&1)"
fi
finish
