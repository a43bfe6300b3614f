#!/bin/sh
# uringbpf bench --lab, in the kernel lab guest (busybox sh):
#   sh lab-guest.sh PLAN [OUT]
# runs the plan the host wrote (cli/bench/lab.c), one run a line:
#   fio BASE ARG...     fio ARG... --output-format=json --output=OUT/BASE.json
#   tio BASE ARG...     t-io_uring ARG...
# Each run leaves OUT/BASE.stdout, .stderr and .rc (its exit status), which
# the host reads back (OUT: /out, the lab's result disk).  The plan is data:
# no word of it is run as shell code; its arguments hold no blanks (the
# host checks), and set -f keeps glob characters literal.
set -f
plan=$1 out=${2:-/out}
uname -r >"$out/kernel"
fio --version >"$out/fio_version"
total=$(grep -c . "$plan")
i=0
while read -r kind base args; do
	[ -n "$kind" ] || continue
	i=$((i + 1))
	base=$out/$base
	mkdir -p "${base%/*}"
	# One argument per blank-separated word (set -f: no globbing).
	# shellcheck disable=SC2086
	set -- $args
	case $kind in
	fio) fio "$@" --output-format=json --output="$base.json" >"$base.stdout" 2>"$base.stderr" </dev/null ;;
	tio) t-io_uring "$@" >"$base.stdout" 2>"$base.stderr" </dev/null ;;
	*) echo "lab-guest: unknown run kind '$kind'" >"$base.stderr"; false ;;
	esac
	echo $? >"$base.rc"
	echo "[$i/$total] ${base##*/}: exit $(cat "$base.rc")"
done <"$plan"
