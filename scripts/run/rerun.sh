# shellcheck shell=bash
# run-bench.sh: re-analysing kept run directories (sourced). Both commands
# read runs made before raw/run.json too (vtb-run falls back to raw/variants).

# Re-analyse each kept raw log so the comparison uses today's tools.
rb_cmd_compare() { # run_a run_b
  local a=$1 b=$2 r n na nb rc=0
  for r in "$a" "$b"; do [ -d "$r" ] || cli_die "no run directory '$r'"; done
  make -s all >&2 || cli_die "build failed"
  for r in "$a" "$b"; do
    mapfile -t na < <("$vtbrun" variants "$r") || cli_die "cannot read the run's model in $r"
    for n in "${na[@]}"; do rb_analyse_variant "$r" "$n"; done
  done
  mapfile -t na < <("$vtbrun" variants "$a")
  mapfile -t nb < <("$vtbrun" variants "$b")
  for n in "${na[@]}"; do
    printf '%s\n' "${nb[@]}" | grep -qx "$n" || continue
    echo "=== variant $n: $(basename "$a") vs $(basename "$b")"
    "$compare" "$a/$n" "$b/$n" || rc=$?
  done
  return "$rc"
}

rb_cmd_report() { # run
  local r=$1 n names
  [ -d "$r" ] || cli_die "no run directory '$r'"
  make -s all >&2 || cli_die "build failed"
  mapfile -t names < <("$vtbrun" variants "$r") || cli_die "cannot read the run's model in $r"
  for n in "${names[@]}"; do
    rb_analyse_variant "$r" "$n"
    [ ! -d "$r/raw/$n-traced" ] || rb_analyse_traced "$r" "$n"
  done
  rb_compare_and_report "$r"
  rb_print_summary "$r"
}
