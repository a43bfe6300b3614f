#!/bin/bash
# make check-asan really checks the engine: the engine it loads is built with
# ASan+UBSan (every engine object calls the sanitizers' checks, the library
# needs their runtimes), fio runs it with the ASan runtime live and leak
# detection on, and a sanitizer report in any program a test starts fails
# that test (tests/lib.sh), even when its exit status was expected non-zero.
source "$UB_TOP/tests/lib.sh"
[ -n "${UB_ASAN:-}" ] || skip_all asan-engine 5 "runs under make check-asan (UB_ASAN=1)"
ub_scratch_init

# 1. The shared object needs the runtimes.
needed=$(readelf -d "$UB_ENGINE" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case " $needed" in
*" libasan.so"*" libubsan.so"*|*" libubsan.so"*" libasan.so"*) ok "asan-engine-needs-runtimes: $needed" ;;
*) not_ok "asan-engine-needs-runtimes: $UB_ENGINE needs only: $needed" ;;
esac

# 2. Every engine object was compiled instrumented: it calls ASan's access
# checks (or reports) and UBSan's handlers.
objs=$(ls "$UB_BUILD"/ioengine/*.o 2>/dev/null)
bad=
for o in $objs; do
	syms=$(nm -u "$o")
	grep -qE '__asan_(report|load|store)|__asan_init|__asan_version' <<<"$syms" || bad="$bad $(basename "$o")(no ASan)"
done
if [ -n "$objs" ] && [ -z "$bad" ]; then
	ok "asan-engine-objects: $(wc -w <<<"$objs") objects under $UB_BUILD/ioengine call ASan"
else
	not_ok "asan-engine-objects: not instrumented:${bad:- no objects in $UB_BUILD/ioengine}"
fi

# 3. fio runs the engine with the ASan runtime live in its process and leak
# detection on: the runtime's exit statistics come out of that process.
f=$UB_SCRATCH/f
ASAN_OPTIONS="$ASAN_OPTIONS:atexit=1:log_path=stderr" ub_fio_engine --name=x --filename="$f" --size=1m \
	--rw=randwrite --bs=4k --iodepth=4 >"$UB_SCRATCH/run.log" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q 'AddressSanitizer exit stats' "$UB_SCRATCH/run.log" &&
	grep -q '^uringbpf: ' "$UB_SCRATCH/run.log"; then
	ok "asan-engine-runtime: fio ran the engine with the ASan runtime live"
else
	not_ok "asan-engine-runtime: rc=$rc: $(grep -m 2 -E 'ERROR|uringbpf|fio:' "$UB_SCRATCH/run.log" | tr '\n' ' ')"
fi
# Leaks: on, and checked in forked jobs too, which end with _exit() and would
# skip the check at exit (ioengine/leak_check.h runs it at engine cleanup).
if [[ ":$ASAN_OPTIONS:" != *:detect_leaks=1:* ]]; then
	not_ok "asan-engine-leaks: ASAN_OPTIONS=$ASAN_OPTIONS"
elif ! nm -D "$UB_ENGINE" | grep -q ' U __lsan_do_recoverable_leak_check'; then
	not_ok "asan-engine-leaks: $UB_ENGINE does not run a leak check at cleanup (ioengine/leak_check.h)"
else
	ok "asan-engine-leaks: detect_leaks=1, and the engine checks for leaks at cleanup (forked jobs too)"
fi

# 4. The gate itself: a sanitized program that overflows the heap and exits
# with an "expected" status still fails the test that ran it.
cat >"$UB_SCRATCH/oob.c" <<'EOC'
#include <stdlib.h>
int main(int argc, char **argv) { char *p = malloc(4); p[argc + 3] = 1; free(p); return 2; }
EOC
gcc -fsanitize=address -g -o "$UB_SCRATCH/oob" "$UB_SCRATCH/oob.c"
"$UB_SCRATCH/oob" >/dev/null 2>&1
rep=$(ls "$UB_SAN_DIR"/asan.* 2>/dev/null | head -n 1)
verdict=$( [ -n "$rep" ] && ub_san_report "$rep" probe )
if grep -q '^not ok probe: .*ERROR: AddressSanitizer: heap-buffer-overflow' <<<"$verdict"; then
	ok "asan-gate: a report from a refused-looking exit fails the test ($(cut -c1-80 <<<"$verdict")...)"
else
	not_ok "asan-gate: the overflow was not reported (report file '${rep:-none}', verdict '$verdict')"
fi
rm -f "$UB_SAN_DIR"/asan.*
finish
