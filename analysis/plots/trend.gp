# A metric across the run history (vtb-history trend output), one or two variants.
# gnuplot -e "dir='analysis/plots'; a='stock.dat'; la='stock'; b='direct.dat'; lb='direct'; metric='p50 (ticks)'; out='...'; title='...'" trend.gp
load dir.'/common.gp'
if (!exists("b")) b = ''
set xtics rotate by -30 font ',8'
set offsets 0.3, 0.3, 0, 0
set pointsize 1.3
draw = "set title title; set xlabel 'run'; set ylabel metric; set key top right; set yrange [0:*]; \
  if (b ne '') { plot a u 1:4:xtic(2) w lp ls 1 pt 7 t la, b u 1:4 w lp ls 2 pt 5 t lb, \
                      a u (strcol(5) eq 'regression' ? $1 : 1/0):4 w p pt 6 ps 3 lc rgb 'black' t 'regression' } \
  else { plot a u 1:4:xtic(2) w lp ls 1 pt 7 t la, a u (strcol(5) eq 'regression' ? $1 : 1/0):4 w p pt 6 ps 3 lc rgb 'black' t 'regression' }"
@render
