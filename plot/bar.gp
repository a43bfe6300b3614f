# One iodepth across configurations: a bar per configuration with its stddev.
# Set: fmt out datafile head sub ylab; datafile lines: "label" mean stddev style
load dir.'/common.gp'
set title ub_title(head, sub) textcolor rgb '#111111'
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.6
set yrange [0:*]
set offsets 0.3, 0.3, graph 0.1, 0
set grid noxtics ytics
set xtics nomirror scale 0 noenhanced
set bmargin ub_bmargin
# Many bars (profiles/restrict.fio has 12): slanted labels, with room under them.
stats datafile using 2 nooutput
if (STATS_records > 6) {
	set xtics rotate by 30 right
	set bmargin ub_bmargin + 6
	set offsets 1.2, 0.3, graph 0.1, 0
}
set ylabel ylab
unset key
plot datafile using 0:2:(ub_rgb[ls_of($4)]):xticlabels(1) with boxes linecolor rgb variable notitle, \
     datafile using 0:($2 - $3):(0):(2 * $3) with vectors nohead linecolor rgb '#333333' linewidth 1.5 notitle, \
     datafile using 0:($2 + $3):(sprintf('%.1f', $2)) with labels offset 0,0.9 font ',11' notitle
