# Latency CDF of one or two variants, with a log-scale tail panel.
# gnuplot -e "dir='analysis/plots'; a='P/stock'; la='stock'; b='P/direct'; lb='direct'; out='P/latency-cdf'; title='...'" latency-cdf.gp
load dir.'/common.gp'
if (!exists("b")) b = ''
bfile = (b ne '' ? b.'.cdf' : a.'.cdf')
btitle = (b ne '' ? lb : '')
draw = "set multiplot layout 1,2 title title; \
  unset logscale y; set yrange [0:1]; set key bottom right; \
  set xlabel 'latency, deadline to guest handler (ns'.unit_note.')'; set ylabel 'fraction of ticks at or below'; \
  plot a.'.cdf' u 1:2 w steps ls 1 t la, bfile u 1:2 every (b ne '' ? 1 : 1000000000) w steps ls 2 t btitle; \
  set logscale y; set yrange [*:1]; set key top right; set ylabel 'fraction of ticks at or above (log)'; \
  plot a.'.cdf' u 1:3 w steps ls 1 t la, bfile u 1:3 every (b ne '' ? 1 : 1000000000) w steps ls 2 t btitle; \
  unset multiplot"
@render
