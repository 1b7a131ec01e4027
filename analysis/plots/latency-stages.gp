# Latency stages per variant, in counter ticks. Left: the mean of each part
# of a tick stacked (deadline -> Xen acts -> vCPU switched in -> guest entry,
# then the guest's rest to its handler), so each bar is the latency the
# guest measured in the traced boot; right: p50 of each stage, with p99 as
# the error bar. Data from vtb-tracedata (PREFIX-stages.dat and, next to it,
# PREFIX-stage-means.dat; without the latter only the right panel is drawn).
# gnuplot -e "dir='analysis/plots'; data='P/trace-stages.dat'; out='P/latency-stages'; title='...'" latency-stages.gp
load dir.'/common.gp'

nvar = (int(system("head -1 '".data."' | wc -w")) - 1) / 2
means = data[1:strlen(data) - strlen('stages.dat')].'stage-means.dat'
have_means = int(system("test -s '".means."' && echo 1 || echo 0"))
nparts = have_means ? int(system("head -1 '".means."' | wc -w")) - 1 : 0
set datafile missing '-'
set style fill solid 0.8 border -1
pct = "set style data histograms; set style histogram errorbars gap 1 lw 1; set key top left; \
  set yrange [0:*]; set xtics rotate by -15; set ylabel 'counter ticks (p50, bar to p99)'; \
  plot for [i=1:nvar] data u (column(2*i)):(column(2*i)):(column(2*i+1)):xtic(1) ls i t columnhead(2*i)"
stack = "set style data histograms; set style histogram rowstacked; set boxwidth 0.6; set key top left; \
  set yrange [0:*]; set xtics norotate; set ylabel 'counter ticks (mean; the bar is the guest''s mean)'; \
  plot for [k=2:nparts+1] means u k:xtic(1) ls (k-1) t columnhead(k)"
draw = have_means ? "set multiplot layout 1,2 title title; set title 'means add up'; @stack; \
  set title 'p50 / p99 per stage'; @pct; unset multiplot" : "set title title; @pct"
@render
