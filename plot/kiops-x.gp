# kIOPS vs any fio option (uringbpf plot --x OPTION), one line per series
# (config, iodepth and the sweep's other --axis values), error bars = stddev
# of repeats.  Set: fmt out datafile head sub note, n, labels[n], xlab,
# numeric (1: x is a number, placed by value; 0: by its order), logx,
# xtics_str (e.g. '("4k" 4096, "16k" 16384)'), xmin xmax (numeric only).
load dir.'/common.gp'
set title ub_title(head, sub) textcolor rgb '#111111'
set bmargin ub_bmargin
set xlabel xlab noenhanced
set ylabel 'kIOPS (mean of repeats; bars: ±1 stddev)'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set format y '%g'
if (numeric) {
	if (logx) { set logscale x 2; set xrange [xmin/1.25:xmax*1.25] } else { set xrange [xmin - (xmax - xmin) * 0.05 - 0.5:xmax + (xmax - xmin) * 0.05 + 0.5] }
	eval 'set xtics '.xtics_str
	plot for [i=1:n] datafile index (i-1) using 1:2:3 with yerrorlines ls ls_of(i) title labels[i] noenhanced
} else {
	set xrange [-0.5:*]
	set offsets 0.5, 0.5, graph 0.08, 0
	plot for [i=1:n] datafile index (i-1) using 0:2:3:xtic(1) with yerrorlines ls ls_of(i) title labels[i] noenhanced
}
