# kIOPS over time during one run per configuration (fio's IOPS log: the mean
# of each log_avg_msec window), the same colours as the kIOPS chart: a flat
# line is a steady run, a jagged one is what iops_cv measures.
# Set: fmt out head sub datafile (a block per config: "seconds kIOPS"),
#      n labels[n] styles[n].
load dir.'/common.gp'
set title ub_title(head, sub) textcolor rgb '#111111'
set bmargin ub_bmargin
set xlabel 'time in the run (s)'
set ylabel 'kIOPS (mean of each log window)'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set format y '%g'
plot for [i=1:n] datafile index (i-1) using 1:2 with linespoints ls styles[i] pointsize 0.8 title labels[i] noenhanced
