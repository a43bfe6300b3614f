# shellcheck shell=sh
# Fetch Debian source tarballs and binary packages from suites other than the
# system's (sid, trixie-backports) without touching the system's apt setup:
# a private apt state directory whose sources.list reuses the URIs of
# /etc/apt/sources.list.d/debian.sources (never a hard-coded host).
#
# Debian's pool drops superseded versions, so the newest version in the index
# is resolved at fetch time, checked against the index's SHA256, and cached.

: "${URINGBPF_CACHE:=/var/cache/uringbpf}"
DA_STATE="$URINGBPF_CACHE/apt"

da_die() { echo "debian-archive: $*" >&2; exit 1; }

da_mirror_uri() {
	src=/etc/apt/sources.list.d/debian.sources
	if [ -f "$src" ]; then
		awk '/^URIs:/ { print $2; exit }' "$src"
	elif [ -f /etc/apt/sources.list ]; then
		awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list
	fi
}

da_apt_opts() {
	echo "-o Dir::State=$DA_STATE -o Dir::State::Lists=$DA_STATE/lists" \
	     "-o Dir::Cache=$DA_STATE -o Dir::Cache::Archives=$DA_STATE/archives" \
	     "-o Dir::Etc::SourceList=$DA_STATE/sources.list -o Dir::Etc::SourceParts=/dev/null" \
	     "-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null" \
	     "-o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root"
}

# Refresh the private index at most once per hour.
da_update() {
	uri=$(da_mirror_uri)
	[ -n "$uri" ] || da_die "cannot read a Debian mirror URI from /etc/apt/sources.list.d/debian.sources"
	mkdir -p "$DA_STATE/lists/partial" "$DA_STATE/archives/partial"
	printf 'deb-src %s sid main\ndeb %s trixie-backports main\n' "$uri" "$uri" >"$DA_STATE/sources.list.new"
	stamp="$DA_STATE/updated"
	if cmp -s "$DA_STATE/sources.list.new" "$DA_STATE/sources.list" 2>/dev/null &&
	   [ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		return 0
	fi
	mv "$DA_STATE/sources.list.new" "$DA_STATE/sources.list"
	# shellcheck disable=SC2046
	apt-get $(da_apt_opts) -qq update >/dev/null || da_die "apt-get update of the private index failed"
	touch "$stamp"
}

# da_source_orig PKG DESTDIR: download PKG's newest .orig tarball from sid,
# verify its SHA256 against the Sources index, print the tarball's path.
da_source_orig() {
	pkg=$1 dest=$2
	da_update
	# shellcheck disable=SC2046
	rec=$(apt-cache $(da_apt_opts) showsrc "$pkg" 2>/dev/null |
	      awk -v p="$pkg" '/^Package:/ { keep = ($2 == p) } keep' )
	ver=$(printf '%s\n' "$rec" | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1)
	[ -n "$ver" ] || da_die "no source package '$pkg' in sid"
	up=${ver#*:}; up=${up%-*}
	orig=$(printf '%s\n' "$rec" | awk -v f="${pkg}_${up}.orig.tar" '
		/^Checksums-Sha256:/ { s = 1; next } /^[^ ]/ { s = 0 }
		s && index($3, f) == 1 && $3 !~ /\.asc$/ { print $1, $3; exit }')
	[ -n "$orig" ] || da_die "no .orig tarball listed for $pkg $ver"
	sum=${orig% *} file=${orig#* }
	mkdir -p "$dest"
	if [ -f "$dest/$file" ] && echo "$sum  $dest/$file" | sha256sum -c --status; then
		echo "$dest/$file"; return 0
	fi
	# Only the .orig matters (--tar-only): the .dsc and Debian patches may 404
	# on a stale index.  A mirror hiccup once failed a CI run here, so retry.
	for try in 1 2 3; do
		# shellcheck disable=SC2046
		(cd "$dest" && apt-get $(da_apt_opts) -qq source --download-only --tar-only \
			"$pkg=$ver" >"$DA_STATE/source-$pkg.log" 2>&1) && [ -f "$dest/$file" ] && break
		[ "$try" = 3 ] && da_die "download of $file failed: $(tail -n 2 "$DA_STATE/source-$pkg.log")"
		sleep $((try * 5))
	done
	echo "$sum  $dest/$file" | sha256sum -c --status || da_die "$file: SHA256 mismatch"
	echo "$dest/$file"
}

# da_binary_deb PKG DESTDIR: download a binary package (apt verifies it
# against the signed index), print the .deb's path.
da_binary_deb() {
	pkg=$1 dest=$2
	da_update
	mkdir -p "$dest"
	found=$(ls "$dest/${pkg}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$found" ]; then
		for try in 1 2 3; do
			# shellcheck disable=SC2046
			(cd "$dest" && apt-get $(da_apt_opts) -qq download "$pkg" >/dev/null) && break
			[ "$try" = 3 ] && da_die "apt-get download $pkg failed"
			sleep $((try * 5))
		done
		found=$(ls "$dest/${pkg}_"*.deb | head -n 1)
	fi
	echo "$found"
}
