# Latency over the run (max of each stride of ticks), one or two variants.
load dir.'/common.gp'
if (!exists("b")) b = ''
draw = "set title title; set xlabel 'tick'; set ylabel 'latency (ns'.unit_note.')'; set key top right; \
  if (b ne '') { plot a.'.ts' u 1:2 w l ls 1 t la, b.'.ts' u 1:2 w l ls 2 t lb } \
  else { plot a.'.ts' u 1:2 w l ls 1 t la }"
@render
