# kIOPS vs iodepth, one line per configuration, error bars = stddev of repeats.
# Set: fmt out datafile head sub xtics_str (e.g. "(1,8,16,32)") xmin xmax,
#      n (number of configs), labels[n], styles[n] (colour index per config);
#      optional ylab (another metric of the same shape: kIOPS per core).
load dir.'/common.gp'
set title ub_title(head, sub) textcolor rgb '#111111'
set bmargin ub_bmargin
set xlabel 'iodepth (log scale)'
if (!exists("ylab")) ylab = 'kIOPS (mean of repeats; bars: ±1 stddev)'
set ylabel ylab
set logscale x 2
eval 'set xtics '.xtics_str
set xrange [xmin/1.25:xmax*1.25]
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set format y '%g'
plot for [i=1:n] datafile index (i-1) using 1:2:3 with yerrorlines ls styles[i] title labels[i] noenhanced
