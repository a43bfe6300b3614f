#!/bin/bash
# The kernel lab: boot QEMU with Debian's Linux 7.3 and an emulated NVMe drive
# (uringbpf lab run, driven by tests/lab/run-guest-tests.sh), run the guest
# tests tests/lab/guest/g-*.sh there, one boot per
# boot configuration, and relay their result lines so that each guest test
# counts in the summary.
# Under CI (CI=true) a lab that cannot run (no QEMU, no static busybox, no
# kernel download, a boot that fails) is a failure naming the cause; a local
# run skips it loudly, the skip standing for every guest test.
# Under check-asan (UB_ASAN=1) it runs the IOPOLL, passthrough and chain
# guest tests once more with the ASan engine (build-asan) in the guest.
source "$UB_TOP/tests/lib.sh"
lab=$UB_TOP/scripts/lab	# the kernel fetch
patterns=()
[ -z "${UB_ASAN:-}" ] || patterns=(iopoll passthru chain)

guests=0
for g in "$UB_TOP"/tests/lab/guest/g-*.sh; do
	[ -f "$g" ] || continue
	if [ ${#patterns[@]} = 0 ]; then guests=$((guests + 1)); continue; fi
	for p in "${patterns[@]}"; do case $(basename "$g") in *"$p"*) guests=$((guests + 1)); break ;; esac; done
done

# cannot_run WHY: under CI a failure, else a skip of every guest test.
cannot_run() {
	if ub_ci; then
		not_ok "lab: $1 (CI=true: the lab must run)"
		finish
	fi
	skip_all lab "$guests" "LAB NOT RUN: $1"
}

[ -z "${UB_NO_LAB:-}" ] || cannot_run "UB_NO_LAB is set"
qemu=${UB_QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] ||
	cannot_run "qemu-system-x86_64 is not installed (scripts/install-deps.sh installs qemu-system-x86)"
command -v file >/dev/null || cannot_run "file(1) is not installed (scripts/install-deps.sh installs file)"
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	cannot_run "no static /bin/busybox (scripts/install-deps.sh installs busybox-static)"
[ -f "$UB_ENGINE" ] || cannot_run "no engine at $UB_ENGINE (run make)"

fetch_log=$("$lab" fetch 2>&1)
rc=$?
echo "$fetch_log"
case $rc in
0) ;;
69) cannot_run "cannot download the lab kernel: $(tail -n 1 <<<"$fetch_log")" ;;
*) not_ok "lab-fetch: scripts/lab fetch exited $rc: $(tail -n 1 <<<"$fetch_log")"; finish ;;
esac

ub_scratch_init
# In the test-log folder: a failed boot's console log and kernel log stay
# beside t-lab.log (CI keeps that folder).
out=$UB_BUILD/test-logs/t-lab
start=$SECONDS
UB_QEMU=$qemu "$UB_TOP/tests/lab/run-guest-tests.sh" --out "$out" "${patterns[@]}" | tee "$UB_SCRATCH/results"
rc=${PIPESTATUS[0]}
echo "# lab: $((SECONDS - start))s, logs in $out"
if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$UB_SCRATCH/results"; then
	not_ok "lab: tests/lab/run-guest-tests.sh exited $rc (logs in $out)"
fi
if ! grep -qE '^(ok|not ok) ' "$UB_SCRATCH/results"; then
	not_ok "lab: no guest test reported a result (logs in $out)"
fi
if [ -n "${UB_ASAN:-}" ]; then
	# The guest ran the ASan engine, not the plain one.
	if grep -qs '^engine=.*(asan' "$out"/boot*/.lab/info; then
		ok "lab-asan-engine: the guest ran $UB_ENGINE (ASan) under an ASan-preloading fio"
	else
		not_ok "lab-asan-engine: the guest's engine was not the ASan build: $(grep -hs '^engine=' "$out"/boot*/.lab/info | head -n 1)"
	fi
fi
finish
