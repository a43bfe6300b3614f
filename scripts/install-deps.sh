#!/bin/sh
# Install everything uringbpf builds against, idempotently:
#   - Debian packages (bookworm) for the toolchain, SQLite, gnuplot, libnvme,
#     QEMU and busybox for the kernel lab;
#   - upstream sources newer than bookworm's, as Debian source packages from
#     sid: fio 3.41 (patched, see scripts/patches), liburing, libbpf;
#   - builds liburing and libbpf statically into .deps/prefix, builds fio and
#     t/io_uring in .deps/, and installs that fio into /usr/local so that the
#     engine is loaded by the exact fio it was compiled against.
# Usage: scripts/install-deps.sh [--no-apt] [--no-fio-install]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/debian-archive.sh"

DEPS=${URINGBPF_DEPS:-$top/.deps}
PREFIX_DEPS=$DEPS/prefix
FIO_PREFIX=${FIO_PREFIX:-/usr/local}
do_apt=1 do_fio_install=1
for arg in "$@"; do
	case $arg in
	--no-apt) do_apt=0 ;;
	--no-fio-install) do_fio_install=0 ;;
	-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
	*) echo "install-deps: unknown option '$arg' (see --help)" >&2; exit 2 ;;
	esac
done

# libclang-rt-19-dev: clang-19's libFuzzer and sanitizer runtimes (make fuzz).
# file: scripts/lab tells static busybox and ELF files apart with it.
APT_PACKAGES="build-essential pkg-config clang-19 llvm-19 libclang-rt-19-dev libelf-dev zlib1g-dev
libsqlite3-dev sqlite3 gnuplot-nox libnvme-dev libaio-dev
qemu-system-x86 busybox-static cpio xz-utils file e2fsprogs valgrind strace"

log() { echo "install-deps: $*"; }

install_apt() {
	missing=
	for p in $APT_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || { echo "install-deps: need root to install:$missing" >&2; exit 1; }
	log "apt-get install$missing"
	apt-get -qq update
	DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends $missing >/dev/null
}

# unpack PKG: fetch and extract PKG's newest sid .orig into $DEPS/src; print the dir.
unpack() {
	tarball=$(da_source_orig "$1" "$URINGBPF_CACHE/src")
	dir=$(tar tzf "$tarball" | head -n 1 | cut -d/ -f1)
	if [ ! -d "$DEPS/src/$dir" ]; then
		mkdir -p "$DEPS/src"
		tar xzf "$tarball" -C "$DEPS/src"
	fi
	echo "$DEPS/src/$dir"
}

build_liburing() {
	src=$(unpack liburing)
	stamp="$DEPS/stamp-$(basename "$src")"
	[ -f "$stamp" ] && return 0
	log "building $(basename "$src")"
	(cd "$src" && ./configure --prefix="$PREFIX_DEPS" >/dev/null &&
	 make -s -j"$(nproc)" -C src >/dev/null &&
	 make -s install-headers >/dev/null 2>&1 || true
	 mkdir -p "$PREFIX_DEPS/lib" "$PREFIX_DEPS/include" &&
	 cp src/liburing.a "$PREFIX_DEPS/lib/" &&
	 cp -r src/include/liburing src/include/liburing.h "$PREFIX_DEPS/include/")
	touch "$stamp"
}

build_libbpf() {
	src=$(unpack libbpf)
	stamp="$DEPS/stamp-$(basename "$src")-pic"
	[ -f "$stamp" ] && return 0
	log "building $(basename "$src")"
	# -fPIC: the static library is linked into the engine, a shared object.
	rm -rf "$DEPS/build/libbpf"
	mkdir -p "$DEPS/build/libbpf"
	make -s -j"$(nproc)" -C "$src/src" BUILD_STATIC_ONLY=1 OBJDIR="$DEPS/build/libbpf" \
		EXTRA_CFLAGS=-fPIC PREFIX="$PREFIX_DEPS" LIBDIR="$PREFIX_DEPS/lib" install >/dev/null
	touch "$stamp"
}

build_fio() {
	src=$(unpack fio)
	ver=$(basename "$src")
	patch_file="$top/scripts/patches/$ver-external-engine-name.patch"
	[ -f "$patch_file" ] || { echo "install-deps: no patch for $ver ($patch_file)" >&2; exit 1; }
	want="$ver $(sha256sum <"$patch_file" | cut -c1-16) prefix=$FIO_PREFIX"
	stamp="$DEPS/stamp-$ver"
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		log "building $ver (patched, --disable-native --dynamic-libengines)"
		rm -rf "$src"; src=$(unpack fio)
		(cd "$src" && patch -s -p1 <"$patch_file" &&
		 ./configure --prefix="$FIO_PREFIX" --disable-native --dynamic-libengines >/dev/null &&
		 make -s -j"$(nproc)" >/dev/null && make -s t/io_uring >/dev/null)
		echo "$want" >"$stamp"
	fi
	ln -sfn "$src" "$DEPS/fio"
	if [ "$do_fio_install" = 1 ] && ! cmp -s "$src/fio" "$FIO_PREFIX/bin/fio"; then
		log "installing $ver into $FIO_PREFIX"
		make -s -C "$src" install >/dev/null
		install -m 755 "$src/t/io_uring" "$FIO_PREFIX/bin/t-io_uring"
	fi
}

[ "$do_apt" = 1 ] && install_apt
build_liburing
build_libbpf
build_fio
log "ready: fio $("$DEPS/fio/fio" --version), sources in $DEPS/src"
