# kIOPS and kIOPS per CPU core vs iodepth, side by side: the same configs in
# the same colours. Per core counts every thread of the fio run (uringbpf
# cgexec's cgroup v2 figures: SQPOLL's SQ thread and io-wq workers included).
# Set: fmt out head sub xtics_str xmin xmax, n labels[n] styles[n] fileA (kIOPS
#      series), nc clabels[nc] cstyles[nc] fileB (kIOPS-per-core series).
w = 1600
load dir.'/common.gp'
set multiplot layout 1,2 title ub_title(head, sub) margins 0.06,0.98,ub_bfrac,0.83 spacing 0.07,0
set logscale x 2
eval 'set xtics '.xtics_str
set xrange [xmin/1.25:xmax*1.25]
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set format y '%g'
set xlabel 'iodepth (log scale)'
set title '{/:Bold kIOPS}'
set ylabel 'kIOPS (mean of repeats; bars: ±1 stddev)'
plot for [i=1:n] fileA index (i-1) using 1:2:3 with yerrorlines ls styles[i] title labels[i] noenhanced
set title '{/:Bold kIOPS per CPU core (all threads of the run)}'
set ylabel 'kIOPS per CPU core (bars: ±1 stddev)'
plot for [i=1:nc] fileB index (i-1) using 1:2:3 with yerrorlines ls cstyles[i] title clabels[i] noenhanced
unset multiplot
