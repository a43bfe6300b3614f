#!/bin/bash
# The kernel lab: boot QEMU with Debian's Linux 7.3 and an emulated NVMe drive
# (scripts/lab), run the guest tests tests/lab/guest/g-*.sh there, one boot per
# boot configuration, and relay their result lines so that each guest test
# counts in the summary.  Skips (one line) without QEMU, with UB_NO_LAB set,
# or when the lab kernel cannot be downloaded.
source "$UB_TOP/tests/lib.sh"
lab=$UB_TOP/scripts/lab

if [ -n "${UB_NO_LAB:-}" ]; then
	skip "lab: UB_NO_LAB is set"
	exit 0
fi
qemu=${UB_QEMU:-$(command -v qemu-system-x86_64 || true)}
if [ -z "$qemu" ] || [ ! -x "$qemu" ]; then
	skip "lab: qemu-system-x86_64 is not installed (scripts/install-deps.sh installs qemu-system-x86)"
	exit 0
fi
if ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
	skip "lab: no static /bin/busybox (scripts/install-deps.sh installs busybox-static)"
	exit 0
fi

fetch_log=$("$lab" fetch 2>&1)
rc=$?
echo "$fetch_log"
case $rc in
0) ;;
69) skip "lab: cannot download the lab kernel (no network?): $(tail -n 1 <<<"$fetch_log")"; exit 0 ;;
*) not_ok "lab-fetch: scripts/lab fetch exited $rc: $(tail -n 1 <<<"$fetch_log")"; finish ;;
esac

ub_scratch_init
out=$UB_BUILD/lab-test/t-lab
start=$SECONDS
UB_QEMU=$qemu "$lab" test --out "$out" | tee "$UB_SCRATCH/results"
rc=${PIPESTATUS[0]}
echo "# lab: $((SECONDS - start))s, logs in $out"
if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$UB_SCRATCH/results"; then
	not_ok "lab: scripts/lab test exited $rc (logs in $out)"
fi
finish
