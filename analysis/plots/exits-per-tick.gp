# Guest exits per delivered tick by reason, one stacked bar per variant.
# gnuplot -e "dir='analysis/plots'; data='P/trace-exits.dat'; out='P/exits-per-tick'; title='...'" exits-per-tick.gp
load dir.'/common.gp'

ncols = int(system("head -1 '".data."' | wc -w"))
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set key outside right top noopaque nobox
set yrange [0:*]
draw = "set title title; set ylabel 'exits per delivered tick'; set xlabel 'variant'; \
  plot for [c=2:ncols] data u c:xtic(1) ls (c-1) t columnhead(c)"
@render
