# The justification suite's EL2 instructions per tick (mean), stock and
# direct side by side per row (vtb-justify plot-data; instruction-exact,
# the vtb-prof plugin, deterministic mode).
# gnuplot -e "dir='analysis/plots'; data='D/plots/justify-el2.dat'; out='D/plots/justify-el2'" justify-el2.gp
load dir.'/common.gp'

set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top center horizontal noopaque nobox
set yrange [0:*]
set xtics rotate by -30 left nomirror
set bmargin 7
set rmargin 8
if (!exists("title")) title = 'EL2 instructions per tick (mean), stock and direct'
draw = "set title title; set ylabel 'EL2 instructions per tick (mean)'; \
  plot data u 2:xtic(1) ls 1 t columnhead(2), '' u 3 ls 2 t columnhead(3)"
@render
