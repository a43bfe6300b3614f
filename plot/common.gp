# Shared look of every uringbpf chart.  Set before loading:
#   fmt ('png' or 'svg'), out (output file), w, h (size in pixels).
# Colours: the Okabe-Ito palette (distinguishable with colour-blindness),
# with a distinct point shape per line so the charts also read in grey.
if (!exists("w")) w = 1200
if (!exists("h")) h = 750
set encoding utf8
if (fmt eq 'svg') {
	set terminal svg size w,h dynamic enhanced font 'DejaVu Sans,13' linewidth 1.2 background '#ffffff'
} else {
	set terminal pngcairo size w,h enhanced font 'DejaVu Sans,13' linewidth 1.2 background '#ffffff'
}
set output out

array ub_color[8] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999']
array ub_rgb[8] = [0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0x999999]
array ub_point[8] = [7, 5, 9, 13, 11, 15, 6, 4]
do for [i=1:8] {
	set style line i linecolor rgb ub_color[i] linewidth 2.2 pointtype ub_point[i] pointsize 1.3 dashtype solid
}
# Line style for config number n (1-based), cycling after 8.
ls_of(n) = ((int(n) - 1) % 8) + 1

set border 3 linewidth 1.0 linecolor rgb '#444444'
set tics nomirror out scale 0.7 textcolor rgb '#222222'
set grid xtics ytics mxtics mytics linetype 1 linecolor rgb '#dcdcdc' linewidth 1, linetype 1 linecolor rgb '#f0f0f0' linewidth 1
set key top left reverse Left samplen 2.5 spacing 1.25 box linecolor rgb '#cccccc' opaque width 1
set style textbox opaque noborder
set bars small

# An optional footnote (e.g. the configurations that were not run).
# Room at the bottom: ub_bmargin (characters, single plots) and ub_bfrac
# (fraction of the canvas, multiplot margins).
ub_note = exists("note") && strlen(note) > 0
ub_bmargin = ub_note ? 5.5 : 3.5
ub_bfrac = ub_note ? 0.16 : 0.12
if (ub_note) {
	set label 99 note at screen 0.01, screen 0.018 left font ',10' textcolor rgb '#666666' noenhanced
}

# Two-line title: bold headline, smaller grey context line.
ub_title(head, sub) = sprintf("{/:Bold=15 %s}\n{/=11 %s}", head, sub)
