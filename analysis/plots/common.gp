# Shared settings. Callers set: out (path without extension), title, unit_note.

set encoding utf8
set grid lc rgb '#dddddd'
set key top left box opaque
set style line 1 lc rgb '#1f77b4' lw 2
set style line 2 lc rgb '#d62728' lw 2
set style line 3 lc rgb '#2ca02c' lw 2
set style line 4 lc rgb '#9467bd' lw 2
set style line 5 lc rgb '#ff7f0e' lw 2
set style line 6 lc rgb '#8c564b' lw 2
if (!exists("unit_note")) unit_note = ''
# Each plot script defines the macro `draw` (all plot commands, multiplot included)
# and ends with `@render`, which draws it once per output format.
render = "set terminal pngcairo size 1000,600 font 'DejaVu Sans,11' noenhanced; set output out.'.png'; @draw; set terminal svg size 1000,600 font 'DejaVu Sans,11' noenhanced dynamic; set output out.'.svg'; @draw; unset output"
