# The justification suite's latency per row (vtb-justify plot-data):
# p50 of stock and direct as bars, p99 as points, counter ticks on a log
# scale (a lost tick's lateness and an ordinary tick share one plot).
# gnuplot -e "dir='analysis/plots'; data='D/plots/justify-latency.dat'; out='D/plots/justify-latency'" justify-latency.gp
load dir.'/common.gp'

set datafile separator "\t"
set key autotitle columnheader
set style fill solid 0.85 border -1
set boxwidth 0.35
set logscale y
set key top center horizontal noopaque nobox
set xtics rotate by -30 left nomirror
set bmargin 7
set rmargin 8
set xrange [-0.6:*]
if (!exists("title")) title = 'vtimer latency per scenario: stock and direct'
draw = "set title title; set ylabel 'latency, counter ticks (log scale)'; \
  plot data u ($0-0.18):2:xtic(1) w boxes ls 1 t 'stock p50', \
       '' u ($0+0.18):3 w boxes ls 2 t 'direct p50', \
       '' u ($0-0.18):4 w points pt 9 ps 1.6 lc rgb '#0b3c5d' t 'stock p99', \
       '' u ($0+0.18):5 w points pt 9 ps 1.6 lc rgb '#7f0000' t 'direct p99'"
@render
