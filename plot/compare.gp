# Two sweeps side by side (e.g. two kernels or devices): kIOPS vs iodepth,
# same y scale in both panels, the same colour for the same configuration.
# Set: fmt out head, for A and B: fileA headA subA1 subA2 (context lines) nA
#      labelsA[nA] stylesA[nA]
#      (and the B equivalents), xtics_str xmin xmax ymax.
w = 1600
load dir.'/common.gp'
set multiplot layout 1,2 title sprintf("{/:Bold=15 %s}", head) margins 0.06,0.98,ub_bfrac,0.80 spacing 0.05,0
set logscale x 2
eval 'set xtics '.xtics_str
set xrange [xmin/1.25:xmax*1.25]
set yrange [0:ymax*1.12]
set format y '%g'
set xlabel 'iodepth (log scale)'
set ylabel 'kIOPS (mean; bars: ±1 stddev)'
set title sprintf("{/:Bold %s}\n{/=10 %s}\n{/=10 %s}", headA, subA1, subA2)
plot for [i=1:nA] fileA index (i-1) using 1:2:3 with yerrorlines ls stylesA[i] title labelsA[i] noenhanced
unset ylabel
set title sprintf("{/:Bold %s}\n{/=10 %s}\n{/=10 %s}", headB, subB1, subB2)
plot for [i=1:nB] fileB index (i-1) using 1:2:3 with yerrorlines ls stylesB[i] title labelsB[i] noenhanced
unset multiplot
