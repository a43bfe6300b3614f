# shellcheck shell=bash
# Setup shared by the CLI tests (tests/cli/t-cli-*.sh): sourced after
# tests/lib.sh, never run.

# The CLI of this build; uringbpf-db is the same binary under that name.
CLI=$UB_BUILD/uringbpf

# cli_install DESTDIR [MAKE-VARS...]: "make install" of this build into
# DESTDIR (PREFIX=/usr/local unless given); the log is DESTDIR.log.
cli_install() {
	local d=$1; shift
	make -s -C "$UB_TOP" B="$UB_BUILD" ${UB_ASAN:+SAN=1} PREFIX=/usr/local FIO_PREFIX=/usr/local \
		DESTDIR="$d" "$@" install >"$d.log" 2>&1
}

# cli_uninstall DESTDIR [MAKE-VARS...]
cli_uninstall() {
	local d=$1; shift
	make -s -C "$UB_TOP" B="$UB_BUILD" ${UB_ASAN:+SAN=1} PREFIX=/usr/local FIO_PREFIX=/usr/local \
		DESTDIR="$d" "$@" uninstall >"$d.log" 2>&1
}

# outside_env: the environment of a user outside the checkout: none of the
# test runner's UB_* variables (the installed CLI must find everything itself),
# and the fio under test first on PATH.
outside_env() {
	env -u UB_DB -u UB_TOP -u UB_BUILD -u UB_ENGINE -u UB_FIO -u UB_PROFILES_DIR -u UB_PLOT_DIR \
		-u UB_DATADIR PATH="$(dirname "$(ub_fio_bin)"):$PATH" "$@"
}
