# EL2 instructions per tick by Xen function, two variants side by side
# (vtb-profile diff --plot-data: the top functions by the larger of the two,
# then the rest summed; deterministic mode, instruction-exact).
# gnuplot -e "dir='analysis/plots'; data='P/profile-functions.dat'; out='P/profile-functions'; title='...'" profile-functions.gp
load dir.'/common.gp'

set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top center horizontal noopaque nobox
set yrange [0:*]
set xtics rotate by -35 left nomirror
set bmargin 9
set rmargin 6
draw = "set title title; set ylabel 'EL2 instructions per tick (mean)'; \
  plot data u 2:xtic(1) ls 1 t columnhead(2), '' u 3 ls 2 t columnhead(3)"
@render
