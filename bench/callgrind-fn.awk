# callgrind.out -> exclusive instructions per function, one line each:
#   IR <TAB> OBJECT <TAB> FUNCTION
# (callgrind_annotate prints the same numbers, but not the ELF object, and its
# text layout is not meant for machines.)  Format: valgrind's "Callgrind Format
# Specification": ob=/fn= name the current object and function, names are
# compressed as "(id) name" on first use and "(id)" after; cob=/cfn= share
# those id spaces; a "calls=" line is followed by one cost line that is the
# callee's inclusive cost, which is not the caller's own.  Cost lines start
# with a position (number, +N, -N or *) followed by the events; Ir is the
# first event (callgrind's default --dump-instr=no, events: Ir).
function name(s, kind,    id, rest) {
	if (s !~ /^\([0-9]+\)/) return s
	id = substr(s, 2, index(s, ")") - 2)
	rest = substr(s, index(s, ")") + 1)
	sub(/^ /, "", rest)
	if (rest != "") names[kind, id] = rest
	return names[kind, id]
}
BEGIN { ob = "?"; fn = "?"; skip = 0 }
/^ob=/ { ob = name(substr($0, 4), "ob"); next }
/^cob=/ { name(substr($0, 5), "ob"); next }
/^fn=/ { fn = name(substr($0, 4), "fn"); next }
/^cfn=/ { name(substr($0, 5), "fn"); next }
/^calls=/ { skip = 1; next }
/^([0-9]|\+|-|\*)/ {
	if (skip) { skip = 0; next }
	if (NF >= 2) ir[ob "\t" fn] += $2
	next
}
END {
	for (k in ir) {
		o = k
		sub(/\t.*/, "", o)
		n = split(o, parts, "/")
		printf "%d\t%s\t%s\n", ir[k], parts[n], substr(k, length(o) + 2)
	}
}
