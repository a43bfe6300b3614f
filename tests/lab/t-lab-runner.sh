#!/bin/bash
# "uringbpf lab run" (cli/lab/) without QEMU: a fake kernel cache (a verified
# manifest, fake debs, modules with dependencies in xz/zstd/gzip/plain form)
# and a fake QEMU (UB_QEMU) that plays the guest: it writes "lab: init" to the
# serial file and a tar of out/ and meta/ onto the result disk, or panics
# before /init once, or hangs, or writes nothing.  Checks the initramfs
# contents (module dependency walk, build programs, the run's own cpio), the
# QEMU command line, the result layout, the stdout/stderr relay, the retry of
# a boot that never reached /init, timeouts, exit codes (status, 124, 125, 2)
# and the exact "lab: " messages.
source "$UB_TOP/tests/lib.sh"
CLI=$UB_BUILD/uringbpf
[ -x "$CLI" ] || { skip_all lab-runner 54 "no $CLI (run make)"; }
for t in cpio gzip xz zstd tar; do
	command -v "$t" >/dev/null || skip_all lab-runner 54 "no $t"
done
ub_scratch_init /tmp
S=$UB_SCRATCH

# ----------------------------------------------------------- fake kernel ---
rel=9.9.9+fake
kroot=$S/cache/lab/kernel/$rel/root/usr/lib/modules/$rel
mkdir -p "$S/cache/lab/debs" "$kroot/kernel/drivers/block" "$kroot/kernel/drivers/nvme" "$kroot/kernel/fs"
echo "fake vmlinuz" >"$kroot/vmlinuz"
# mod FILE DEPENDS: a module whose modinfo says depends=DEPENDS.
mod() { printf '\177ELF fake\0license=GPL\0depends=%s\0name=x\0' "$2" >"$kroot/kernel/$1"; }
mod drivers/block/virtio_blk.ko ""
mod drivers/block/null_blk.ko configfs
xz -f "$kroot/kernel/drivers/block/null_blk.ko"
mod drivers/block/ublk_drv.ko ""
gzip -f "$kroot/kernel/drivers/block/ublk_drv.ko"
mod drivers/nvme/nvme-loop.ko nvme-fabrics,nvmet
mod drivers/nvme/nvme-fabrics.ko ""
zstd -q --rm "$kroot/kernel/drivers/nvme/nvme-fabrics.ko"
mod drivers/nvme/nvmet.ko configfs
mod fs/configfs.ko ""
echo binary >"$S/cache/lab/debs/b.deb"
echo modules >"$S/cache/lab/debs/m.deb"
bsum=$(sha256sum <"$S/cache/lab/debs/b.deb" | cut -d' ' -f1)
msum=$(sha256sum <"$S/cache/lab/debs/m.deb" | cut -d' ' -f1)
cat >"$S/cache/lab/kernel.manifest" <<EOF
requested=9.9.9
release=$rel
binary_version=9.9.9-1
binary_deb=debs/b.deb
binary_sha256=$bsum
modules_deb=debs/m.deb
modules_sha256=$msum
EOF
echo "$bsum $msum" >"$S/cache/lab/kernel/$rel/unpacked"

# A build folder: a program (ELF), a BPF object, a script (not an ELF: left out).
mkdir -p "$S/build/tests"
cp /bin/true "$S/build/prog"
echo obj >"$S/build/x.bpf.o"
printf '#!/bin/sh\n' >"$S/build/script" && chmod +x "$S/build/script"
cp /bin/true "$S/build/tests/t-unit"
cp /bin/true "$S/fio"

# ------------------------------------------------------------- fake QEMU ---
cat >"$S/qemu" <<'FAKE'
#!/bin/bash
# Fake qemu-system-x86_64: FAKE_MODE says what the "guest" does.
printf '%s\n' "$@" >"$FAKE_DIR/qemu.args"
con= res= initrd=
while [ $# -gt 0 ]; do
	case $1 in
	-serial) case $2 in file:*) con=${2#file:} ;; esac; shift ;;
	-chardev) con=${2##*logfile=}; shift ;;	# shell: the console on stdio, logged
	-initrd) initrd=$2; shift ;;
	-drive) case $2 in *id=res*) res=${2#file=}; res=${res%%,*} ;; esac; shift ;;
	esac
	shift
done
cp "$initrd" "$FAKE_DIR/initrd.seen"
cp "$(dirname "$initrd")/run.cpio.gz" "$FAKE_DIR/run.seen"
n=$(cat "$FAKE_DIR/boots" 2>/dev/null || echo 0)
echo $((n + 1)) >"$FAKE_DIR/boots"
case $FAKE_MODE in
panic-once) [ "$n" = 0 ] && { printf '[    0.5] Kernel panic - not syncing: fake\r\n' >>"$con"; exit 0; } ;;
hang) printf '[    0.1] booting\r\n' >>"$con"; exec -a "$0" sleep 60 ;;	# pgrep finds it by our name
nothing) printf 'lab: init on fake\r\n' >>"$con"; echo "fake qemu: boom" >&2; exit 3 ;;
esac
printf '[    0.1] Linux version fake\r\nlab: init on fake\r\nlab: running\r\n' >>"$con"
g=$FAKE_DIR/guest
rm -rf "$g"; mkdir -p "$g/out/sub" "$g/meta"
echo result >"$g/out/sub/r.txt"
echo "guest says hi" >"$g/meta/stdout"
echo "guest warns" >"$g/meta/stderr"
echo "${FAKE_STATUS:-7}" >"$g/meta/status"
echo 3 >"$g/meta/seconds"
printf '[    0.1] Linux version fake\n%s' "${FAKE_DMESG:-}" >"$g/meta/dmesg"
[ "$FAKE_MODE" = timeout ] && echo 1 >"$g/meta/timed_out"
tar -cf "$res" -C "$g" out meta
FAKE
chmod +x "$S/qemu"

export URINGBPF_CACHE=$S/cache UB_LAB_KERNEL=9.9.9 UB_QEMU=$S/qemu UB_BUILD=$S/build
export UB_FIO=$S/fio UB_ENGINE=$S/no-engine FAKE_DIR=$S UB_DATADIR=$UB_TOP
# The runs' scratch folders: each must be gone after its run.
export TMPDIR=$S/tmp
mkdir -p "$TMPDIR"
unset UB_LAB_TCG
busybox=${UB_BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || skip_all lab-runner 54 "no $busybox (scripts/install-deps.sh installs busybox-static)"

# lab ARGS: "rc|stdout|stderr" of uringbpf lab ARGS, fresh fake state.
lab() {
	rm -f "$S/boots"
	"$CLI" lab "$@" >"$S/out" 2>"$S/err"
	echo "$?|$(cat "$S/out")|$(cat "$S/err")"
}

# Usage errors: exit 2, one line naming the option.
expect_eq timeout-below-60 "$(lab run --timeout 59 -- true)" "2||lab: --timeout wants seconds, at least 60"
expect_eq timeout-not-number "$(lab run --timeout 1m -- true)" "2||lab: --timeout wants seconds, at least 60"
expect_eq unknown-option "$(lab run --bogus -- true)" "2||lab: unknown option '--bogus' (see uringbpf lab --help)"
expect_eq no-command "$(lab run --out "$S/r")" "2||lab run: no command (uringbpf lab run [OPTIONS] -- CMD ARGS)"
expect_eq missing-value "$(lab run --out)" "2||lab: --out needs a value (see uringbpf lab --help)"
expect_eq poll-queues "$(lab run --poll-queues x -- true)" "2||lab: --poll-queues wants a number"
expect_eq nvme-size "$(lab run --nvme-size 1Q -- true)" "2||lab: --nvme-size wants a size such as 1G or 512M, got '1Q'"
expect_eq unknown-sub "$(lab boot)" "2||lab: unknown command 'boot': use fetch, run, shell or test (uringbpf lab --help)"
expect_eq no-boot-on-usage "$(cat "$S/boots" 2>/dev/null || echo none)" none

# Lab failures before any boot: 125 and the cause.
expect_eq no-qemu "$(UB_QEMU=$S/none lab run -- true)" \
	"125||lab: qemu-system-x86_64 is not installed (scripts/install-deps.sh installs it)"
expect_eq no-file "$(lab run --file "$S/none:x" -- true)" "125||lab: --file $S/none: no such file"
expect_eq not-static-busybox "$(UB_BUSYBOX=$S/qemu lab run -- true)" \
	"125||lab: $S/qemu is not a static busybox (apt-get install busybox-static)"
cp -r "$S/cache" "$S/badcache"
echo tampered >>"$S/badcache/lab/debs/m.deb"
got=$(URINGBPF_CACHE=$S/badcache lab run -- true)
expect_eq bad-kernel "$(sed -n '1p; $p' <<<"$got")" "125||lab: cached $S/badcache/lab/debs/m.deb fails its sha256 check (recorded $msum, got $(sha256sum <"$S/badcache/lab/debs/m.deb" | cut -d' ' -f1))
lab: no lab kernel (uringbpf lab fetch failed)"

# A good run: the command's status, its stdout and stderr relayed, results in --out.
out=$S/r1
got=$(FAKE_MODE=ok lab run --out "$out" --null-blk --file "$S/build/x.bpf.o:data/y" -- sh -c "echo it's")
expect_eq run-status "$got" "7|guest says hi|guest warns"
expect_eq run-out "$(cat "$out/sub/r.txt" 2>&1)" result
expect_eq run-meta "$(cd "$out/.lab" && ls | tr '\n' ' ')" "console.log dmesg info seconds status stderr stdout "
expect_eq run-qemu-args "$(tr '\n' ' ' <"$S/qemu.args" | sed "s|$TMPDIR[^ ,]*uringbpf-lab\.[A-Za-z0-9]*|W|g; s|$S|S|g")" \
	"-accel tcg,thread=multi -cpu max -smp 2 -m 2G -nodefaults -display none -no-reboot -kernel S/cache/lab/kernel/$rel/root/usr/lib/modules/$rel/vmlinuz -initrd W/initrd -append console=ttyS0 panic=-1 nvme.poll_queues=2 -drive file=W/nvme.img,if=none,id=nvm,format=raw -device nvme,serial=uringbpf-lab,drive=nvm -drive file=W/out.img,if=none,id=res,format=raw -device virtio-blk-pci,drive=res -serial file:S/r1/.lab/console.log -monitor none "
# The base image: modules with their dependencies, the build's programs.
list=$(gzip -dc "$S/initrd.seen" | cpio -it --quiet 2>/dev/null)
expect_eq initrd-modules "$(sed -n 's|^\(\./\)\{0,1\}lib/modules/lab/||p' <<<"$list" | tr '\n' ' ')" \
	"configfs.ko deps null_blk.ko nvme_fabrics.ko nvme_loop.ko nvmet.ko ublk_drv.ko virtio_blk.ko "
expect_eq initrd-fio "$(grep -c 'usr/local/bin/fio$' <<<"$list")" 1
mkdir -p "$S/x" && (cd "$S/x" && gzip -dc "$S/initrd.seen" | cpio -id --quiet 2>/dev/null)
expect_eq initrd-deps "$(cat "$S/x/lib/modules/lab/deps")" "virtio_blk:
null_blk: configfs
configfs:
ublk_drv:
nvme_loop: nvme_fabrics nvmet
nvme_fabrics:
nvmet: configfs"
expect_eq initrd-module-unpacked "$(tr '\0' '\n' <"$S/x/lib/modules/lab/nvme_fabrics.ko" | grep '^depends=')" "depends="
expect_eq initrd-build "$(cd "$S/x/lab/build" && find . -type f | sort | tr '\n' ' ')" "./prog ./tests/t-unit ./x.bpf.o "
expect_eq initrd-init "$(cmp "$S/x/init" "$UB_TOP/scripts/lab-guest/init" && stat -c %a "$S/x/init")" 755
expect_eq initrd-busybox "$(readlink "$S/x/bin/sh")|$(cmp "$S/x/bin/busybox" "$busybox" && echo same)" "busybox|same"
# The run's own cpio: command, settings, --file copies.
mkdir -p "$S/y" && (cd "$S/y" && gzip -dc "$S/run.seen" | cpio -id --quiet 2>/dev/null)
expect_eq run-cmd "$(cat "$S/y/lab/run/cmd")" "exec 'sh' '-c' 'echo it'\''s'"
expect_eq run-cmd-txt "$(cat "$S/y/lab/run/cmd.txt")" "sh -c echo it's"
expect_eq run-env "$(cat "$S/y/lab/run/env")" "export LAB_NULL_BLK='queue_mode=2 poll_queues=2 submit_queues=2 gb=1 memory_backed=1'
LAB_CMD_TIMEOUT=570
LAB_INTERACTIVE=0
export LAB_POLL_QUEUES=2 LAB_KERNEL='$rel'"
expect_eq run-file "$(cat "$S/y/lab/data/y")" obj
expect_eq info "$(sed -n '1,3p; 5p' "$out/.lab/info")" "kernel=$rel (9.9.9-1)
append=console=ttyS0 panic=-1 nvme.poll_queues=2
null_blk=queue_mode=2 poll_queues=2 submit_queues=2 gb=1 memory_backed=1
command=sh -c echo it's"
# The same stage again: the cached image, one in the cache.
FAKE_MODE=ok lab run --out "$out" -- true >/dev/null
expect_eq initrd-cached "$(ls "$S/cache/lab/initrd" | wc -l)" 1

# No fio: the guest has none, said once.
got=$(FAKE_MODE=ok UB_FIO=$S/no-fio lab run --out "$S/r0" -- true)
expect_eq no-fio "$(head -n 1 <<<"$got" | cut -d'|' -f3)" "lab: no fio at $S/no-fio (scripts/install-deps.sh builds it): the guest has none"

# An ASan engine: the guest's fio becomes a wrapper preloading its runtime, the
# real fio (here /bin/true) moves to fio.bin.
if command -v gcc >/dev/null && echo 'int f(void) { return 0; }' |
	gcc -shared -fPIC -fsanitize=address -x c - -o "$S/asan-engine.so" 2>/dev/null; then
	asan=$(ldd "$S/asan-engine.so" | awk '$1 ~ /^libasan/ { print $3 }')
	FAKE_MODE=ok UB_ENGINE=$S/asan-engine.so lab run --out "$S/ra" -- true >/dev/null
	rm -rf "$S/z" && mkdir -p "$S/z" && (cd "$S/z" && gzip -dc "$S/initrd.seen" | cpio -id --quiet 2>/dev/null)
	expect_eq asan-wrapper "$(grep '^LD_PRELOAD' "$S/z/usr/local/bin/fio")|$(stat -c %a "$S/z/usr/local/bin/fio")|$(cmp "$S/z/usr/local/bin/fio.bin" /bin/true 2>/dev/null; echo $?)" \
		"LD_PRELOAD=\"$asan\" exec /usr/local/bin/fio.bin \"\$@\"|755|0"
	expect_eq asan-files "$(cat "$S/z/etc/uringbpf/engine-build")|$(cmp "$S/z/etc/uringbpf/lsan.supp" "$UB_TOP/tests/asan/lsan.supp" && echo same)|$(test -f "$S/z$asan" && echo runtime)" \
		"asan|same|runtime"
	expect_eq asan-info "$(grep '^engine=' "$S/ra/.lab/info")" "engine=$S/asan-engine.so (asan: fio preloads the ASan runtime)"
else
	skip "lab-runner-asan: gcc cannot build an ASan object here (stands for 3 checks)"
fi

# No --out: the files left in /out are counted; a kernel warning is reported.
got=$(FAKE_MODE=ok FAKE_STATUS=0 FAKE_DMESG='[    2.0] WARNING: fake at x.c:1' UB_LAB_TCG=single lab run --poll-queues 0 -- true)
expect_eq no-out "$got" "0|guest says hi|lab: the guest kernel log reports: [    2.0] WARNING: fake at x.c:1 (see $(sed -n 's|^file:\(.*\)/console.log$|\1|p' "$S/qemu.args")/dmesg)
guest warns
lab: the command left 2 file(s) in /out; use --out DIR to keep them"
expect_eq tcg-single "$(grep -c 'tcg,thread=single' "$S/qemu.args")|$(grep -c 'nvme.poll_queues=0$' "$S/qemu.args")" "1|1"

# --console: the console streams on stdout; the command's output is not relayed.
got=$(FAKE_MODE=ok lab run --console --out "$S/r2" -- true)
expect_eq console "$(tr -d '\r' <<<"$got")" "7|[    0.1] Linux version fake
lab: init on fake
lab: running|"

# Timed out in the guest: 124.
got=$(FAKE_MODE=timeout lab run --timeout 60 --out "$S/r3" -- sleep 99)
expect_eq timeout "$got" "124|guest says hi|guest warns
lab: the command timed out after 30s in the guest"

# shell: QEMU on the terminal, the console logged; results still come back.
got=$(FAKE_MODE=ok lab shell --out "$S/rs" </dev/null)
expect_eq shell "$got" "7||"
expect_eq shell-args "$(tr '\n' ' ' <"$S/qemu.args" | sed 's/.*virtio-blk-pci,drive=res //')" \
	"-chardev stdio,id=con,mux=on,signal=off,logfile=$S/rs/.lab/console.log -serial chardev:con -mon chardev=con "
expect_eq shell-cmd "$(cd "$S" && gzip -dc run.seen | cpio -i --to-stdout --quiet lab/run/cmd 2>/dev/null)" ": interactive"
expect_eq shell-no-command "$(lab shell -- true)" "2||lab shell: takes no command (uringbpf lab run [OPTIONS] -- CMD ARGS runs one)"

# fetch is scripts/lab's: it verifies the cached kernel and says which.
expect_eq fetch "$(lab fetch | head -n 1)" "0|lab: kernel $rel"

# A boot that never reached /init is booted once more; its console kept.
got=$(FAKE_MODE=panic-once lab run --out "$S/r4" -- true)
expect_eq retry "$got" "7|guest says hi|lab: attempt 1: the guest did not reach /init (Kernel panic - not syncing: fake; console log: $S/r4/.lab/console-attempt1.log); booting again
guest warns"
expect_eq retry-boots "$(cat "$S/boots")|$(tr -d '\r' <"$S/r4/.lab/console-attempt1.log")" \
	"2|[    0.5] Kernel panic - not syncing: fake"

# Never reaching /init within UB_LAB_BOOT_TIMEOUT, twice: 125.
start=$SECONDS
got=$(FAKE_MODE=hang UB_LAB_BOOT_TIMEOUT=1 lab run --out "$S/r5" -- true)
expect_eq hang "$(sed -n '1p; /^lab: the guest/p' <<<"$got")" "125||lab: attempt 1: the guest did not reach /init (the guest did not reach /init within 1s; console log: $S/r5/.lab/console-attempt1.log); booting again
lab: the guest did not reach /init within 1s; console log: $S/r5/.lab/console.log, kernel log: $S/r5/.lab/dmesg"
expect_eq hang-boots "$(cat "$S/boots")|$(tr -d '\r' <"$S/r5/.lab/dmesg")|$((SECONDS - start < 20))" "2|[    0.1] booting|1"
expect_eq hang-console-tail "$(grep -c '^  | \[    0.1\] booting' <<<"$got")" 1
expect_eq no-qemu-left "$(pgrep -f "$S/qemu" || echo none)" none

# SIGTERM (or Ctrl-C) while it boots: QEMU stopped, the scratch folder gone, 130.
FAKE_MODE=hang "$CLI" lab run --out "$S/r6" -- true >"$S/out" 2>"$S/err" &
pid=$!
for i in $(seq 50); do [ -s "$S/r6/.lab/console.log" ] && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
expect_eq sigterm "$?|$(cat "$S/err")|$(pgrep -f "$S/qemu" || echo none)|$(ls "$TMPDIR" | wc -l)" \
	"130|lab: interrupted; QEMU stopped|none|0"

# "lab test" needs a checkout's harness: an installed data root has none.
mkdir -p "$S/data/scripts" && cp "$UB_TOP/scripts/lab" "$S/data/scripts/lab"
expect_eq test-no-checkout "$(UB_DATADIR=$S/data lab test)" \
	"1||lab test: $S/data/tests/lab/run-guest-tests.sh is not there (uringbpf lab test needs a checkout: its tests/lab/)"

# /init spoke but wrote no results, QEMU failed: 125 naming QEMU's last line; no retry.
got=$(FAKE_MODE=nothing lab run -- true)
expect_eq no-results "$(tr -d '\r' <<<"$got")" "125||lab: the guest wrote no results (qemu exited 3: fake qemu: boom)
  | lab: init on fake
lab: console log kept as $S/cache/lab/last-failed-console.log"
expect_eq no-results-boots "$(cat "$S/boots")" 1
expect_eq no-work-left "$(ls "$TMPDIR" | wc -l)" 0
finish
