# Completion latency percentiles vs iodepth: one panel per percentile (log y),
# one line per configuration, same colours as the kIOPS chart; the bars span
# the min and max of the repeats (a stddev bar would cross zero on a log axis).
# Set: fmt out head sub xtics_str xmin xmax n labels[n] styles[n],
#      np (panels), pfiles[np] (data files), pnames[np] (e.g. 'p99').
w = 1500
load dir.'/common.gp'
set multiplot layout 1,np title ub_title(head, sub) margins 0.07,0.98,ub_bfrac,0.83 spacing 0.06,0
set logscale x 2
set logscale y 10
set mytics 10
eval 'set xtics '.xtics_str
set xrange [xmin/1.25:xmax*1.25]
set format y '%g'
set xlabel 'iodepth (log scale)'
set key top left
do for [p=1:np] {
	set title sprintf('{/:Bold clat %s}', pnames[p])
	if (p == 1) { set ylabel 'completion latency (µs, log scale; bars: min–max of repeats)' } else { unset ylabel }
	if (p > 1) { unset key }
	plot for [i=1:n] pfiles[p] index (i-1) using 1:2:4:5 with yerrorlines ls styles[i] title labels[i] noenhanced
}
unset multiplot
