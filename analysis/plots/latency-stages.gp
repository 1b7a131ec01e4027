# Latency stages (p50, with p99 as the error bar) per variant, in counter ticks.
# gnuplot -e "dir='analysis/plots'; data='P/trace-stages.dat'; out='P/latency-stages'; title='...'" latency-stages.gp
load dir.'/common.gp'

nvar = (int(system("head -1 '".data."' | wc -w")) - 1) / 2
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set key top left
set yrange [0:*]
set xtics rotate by -15
set datafile missing '-'
draw = "set title title; set ylabel 'counter ticks (p50, bar to p99)'; \
  plot for [i=1:nvar] data u (column(2*i)):(column(2*i)):(column(2*i+1)):xtic(1) ls i t columnhead(2*i)"
@render
