# Latency histogram of one or two variants, log-scale counts.
load dir.'/common.gp'
if (!exists("b")) b = ''
set style fill transparent solid 0.5 noborder
draw = "set title title; set logscale y; set xlabel 'latency (ns'.unit_note.')'; set ylabel 'ticks per bin (log)'; set key top right; \
  if (b ne '') { plot a.'.hist' u 1:2:3 w boxes ls 1 t la, b.'.hist' u 1:2:3 w boxes ls 2 t lb } \
  else { plot a.'.hist' u 1:2:3 w boxes ls 1 t la }"
@render
