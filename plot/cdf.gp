# Completion-latency CDF (uringbpf-db cdf): one panel per iodepth, one curve
# per configuration (same colours as the other charts), log-scale latency.
# The y axis counts nines, -log10(1 - fraction): p90, p99, p99.9 ... are
# evenly spaced, so the tail the percentiles are about is as wide as the
# bulk; the last bucket (fraction 1) has no place on it and is not drawn.
# The curves are the json+ histograms of all repeats of a point merged.
# Set: fmt out head sub datafile, np (panels), pqd[np] (their iodepths),
#      pfirst[np] pcount[np] (their blocks of datafile, 1-based),
#      bstyle[] btitle[] (per block: line style, config label).
rows = (np > 2 ? int((np + 1) / 2) : 1)
cols = (np > 2 ? 2 : np)
if (!exists("w")) w = (cols > 1 ? 1500 : 1100)
h = 170 + 430 * rows
load dir.'/common.gp'
set multiplot layout rows,cols title ub_title(head, sub) \
	margins 0.09,0.98,(ub_bfrac * 600 / h),(1 - 110.0 / h) spacing 0.08,(90.0 / h)
set logscale x 10
set format x '%.7g'
nines(f) = (f < 1 ? -log10(1 - f) : NaN)
set yrange [0:5.3]
set ytics ('0' 0, 'p90' 1, 'p99' 2, 'p99.9' 3, 'p99.99' 4, 'p99.999' 5)
set key bottom right
do for [p=1:np] {
	set title sprintf('{/:Bold iodepth %d}', pqd[p])
	# Axis labels once per column and row: the bottom row, the left column.
	if (p > np - cols) { set xlabel 'completion latency (µs, log scale)' } else { unset xlabel }
	if (p % cols == 1 || cols == 1) { set ylabel 'I/Os at or below (nines)' } else { unset ylabel }
	plot for [b=pfirst[p]:pfirst[p] + pcount[p] - 1] datafile index (b - 1) \
		using 1:(nines($2)) with steps ls bstyle[b] title btitle[b] noenhanced
}
unset multiplot
