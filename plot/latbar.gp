# Latency percentiles at one iodepth: per configuration a group of bars
# (p50, p99, p99.9).  Set: fmt out datafile head sub;
# datafile lines: "label" p50 p99 p99.9 (µs).
load dir.'/common.gp'
set title ub_title(head, sub) textcolor rgb '#111111'
set style data histogram
set style histogram clustered gap 1.2
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid noxtics ytics
set xtics nomirror scale 0 noenhanced
set bmargin ub_bmargin
set ylabel 'completion latency (µs)'
set key top left
plot datafile using 2:xtic(1) title 'p50' linecolor rgb ub_color[1], \
     '' using 3 title 'p99' linecolor rgb ub_color[2], \
     '' using 4 title 'p99.9' linecolor rgb ub_color[3]
