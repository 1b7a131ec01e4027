# shellcheck shell=bash
# run-bench.sh: re-analysing kept run directories (sourced). Both commands
# read runs made before raw/run.json too (vtb-run falls back to raw/variants).
# Kept results never change after their run: compare writes what it derives
# into a directory of its own.

# rb_fresh_dir ROOT NAME: a hidden temporary directory under ROOT for a
# result called NAME, with the mode the user's umask gives a new directory
# (mktemp -d makes 0700 and the mode survives the rename into place).
rb_fresh_dir() {
  local d
  d=$(mktemp -d "$1/.$2.XXXXXX") || cli_die "cannot create a directory in $1"
  chmod "$(printf '%o' $(( 0777 & ~$(umask) )))" "$d"
  echo "$d"
}

# rb_reanalyse RUN DEST NAME: NAME's statistics from RUN's kept raw files,
# written under DEST (DEST/raw is a link to RUN/raw). A run without raw
# files for NAME (made by hand) lends its kept statistics as they are.
rb_reanalyse() {
  local run=$1 dest=$2 name=$3
  if [ "$("$vtbrun" get "$run" target 2>/dev/null)" = server ]; then
    rb_analyse_capture "$dest" "$name"
  elif [ -f "$run/raw/$name/console.log" ] || [ -d "$run/raw/$name/boot-1" ]; then
    rb_analyse_kept "$dest" "$name"
  elif [ -f "$run/$name/summary.json" ]; then
    mkdir -p "$dest/$name" && cp "$run/$name/summary.json" "$dest/$name/"
  else
    cli_die "[$name] $run holds neither raw files nor a summary for this variant"
  fi
}

# rb_xen_of RUN: the Xen source and version a run names in its manifest.
rb_xen_of() {
  local m=$1/manifest.json
  [ -f "$m" ] || { echo "Xen unknown (no manifest.json)"; return; }
  jq -r '[(.xen_identity.tree // .xen_build.source // "source unknown"),
          ("version " + (.xen_identity.full_version // .xen_build.version // "unknown")),
          (if .xen_identity.git_describe then "git " + .xen_identity.git_describe else empty end),
          (if .xen_build.series then "series " + .xen_build.series else empty end)] | join(", ")' "$m"
}

# compare RUN_A RUN_B [VA:VB]... or RUN_A:VARIANT RUN_B:VARIANT: re-analyse
# each kept raw log with today's tools into a new directory
# compare-<A>-<B>-<date>/ beside RUN_A (or under --out), and compare B's
# variant against A's. Variants are paired by name unless the pairs are
# given; a variant with no partner is named, and no pair at all is a
# usage error.
rb_cmd_compare() {
  [ $# -ge 2 ] || cli_usage_error "compare needs two run directories"
  local a=$1 b=$2 va="" vb="" r n rc=0 pairs=() na nb
  shift 2
  # RUN:VARIANT names the variant explicitly (a run directory itself may not
  # hold ':' then).
  if [ ! -d "$(cli_abs "$a")" ] && [[ $a == *:* ]]; then va=${a##*:}; a=${a%:*}; fi
  if [ ! -d "$(cli_abs "$b")" ] && [[ $b == *:* ]]; then vb=${b##*:}; b=${b%:*}; fi
  a=$(cli_abs "$a") b=$(cli_abs "$b")
  for r in "$a" "$b"; do [ -d "$r" ] || cli_die "no run directory '$r'"; done
  mapfile -t na < <("$vtbrun" variants "$a") || cli_die "cannot read the run's model in $a"
  mapfile -t nb < <("$vtbrun" variants "$b") || cli_die "cannot read the run's model in $b"
  if [ -n "$va$vb" ]; then
    [ -n "$va" ] && [ -n "$vb" ] || cli_usage_error "give the variant on both sides: RUN_A:VARIANT RUN_B:VARIANT"
    pairs=("$va $vb")
  fi
  for r in "$@"; do
    [[ $r == ?*:?* ]] || cli_usage_error "unexpected argument '$r' (pairs are VARIANT_A:VARIANT_B)"
    pairs+=("${r%%:*} ${r#*:}")
  done
  local p
  for p in "${pairs[@]}"; do
    printf '%s\n' "${na[@]}" | grep -qx -- "${p% *}" || cli_usage_error "$(basename "$a") has no variant '${p% *}' (it has: $(IFS=,; echo "${na[*]}"))"
    printf '%s\n' "${nb[@]}" | grep -qx -- "${p#* }" || cli_usage_error "$(basename "$b") has no variant '${p#* }' (it has: $(IFS=,; echo "${nb[*]}"))"
  done
  if [ "${#pairs[@]}" = 0 ]; then
    local alone=()
    for n in "${na[@]}"; do
      if printf '%s\n' "${nb[@]}" | grep -qx -- "$n"; then pairs+=("$n $n")
      else alone+=("$(basename "$a") variant '$n' has no partner in $(basename "$b")")
      fi
    done
    for n in "${nb[@]}"; do
      printf '%s\n' "${na[@]}" | grep -qx -- "$n" || alone+=("$(basename "$b") variant '$n' has no partner in $(basename "$a")")
    done
    [ "${#pairs[@]}" -gt 0 ] || cli_usage_error "no variant of $(basename "$a") ($(IFS=,; echo "${na[*]}")) has a namesake in $(basename "$b") ($(IFS=,; echo "${nb[*]}")): name the pair as RUN_A:VARIANT RUN_B:VARIANT"
    for n in "${alone[@]}"; do echo "compare: $n: not compared"; done
  fi
  make -s all >&2 || cli_die "build failed"

  local root=${compare_out:-$(dirname "$a")} id work final
  id=compare-$(basename "$a")-$(basename "$b")-$(date -u +%Y%m%d-%H%M%S)
  mkdir -p "$root"
  final=$root/$id
  [ ! -e "$final" ] || cli_die "$final already exists"
  work=$(rb_fresh_dir "$root" "$id")
  trap 'rm -rf "$work"' EXIT
  mkdir "$work/a" "$work/b"
  ln -s "$a/raw" "$work/a/raw"
  ln -s "$b/raw" "$work/b/raw"
  for p in "${pairs[@]}"; do
    [ -d "$work/a/${p% *}" ] || rb_reanalyse "$a" "$work/a" "${p% *}"
    [ -d "$work/b/${p#* }" ] || rb_reanalyse "$b" "$work/b" "${p#* }"
  done
  {
    echo "A: $a"
    echo "   Xen: $(rb_xen_of "$a")"
    echo "B: $b"
    echo "   Xen: $(rb_xen_of "$b")"
  } | tee "$work/sides.txt"
  for p in "${pairs[@]}"; do
    echo "=== variant ${p#* } of $(basename "$b") against variant ${p% *} of $(basename "$a")"
    r=0
    (cd "$work" && "$compare" "a/${p% *}" "b/${p#* }" --json "compare-${p% *}-${p#* }.json") \
      | tee "$work/compare-${p% *}-${p#* }.txt" || r=${PIPESTATUS[0]}
    [ "$r" = 0 ] || rc=$r
  done
  mv "$work" "$final"
  trap - EXIT
  echo "compare: results in $final"
  return "$rc"
}

rb_cmd_report() { # run
  local r n names
  r=$(cli_abs "$1")
  [ -d "$r" ] || cli_die "no run directory '$r'"
  make -s all >&2 || cli_die "build failed"
  mapfile -t names < <("$vtbrun" variants "$r") || cli_die "cannot read the run's model in $r"
  for n in "${names[@]}"; do
    if [ "$("$vtbrun" get "$r" target)" = server ]; then rb_analyse_capture "$r" "$n"; continue; fi
    rb_analyse_kept "$r" "$n"
    [ ! -d "$r/raw/$n-traced" ] || rb_analyse_traced "$r" "$n"
    [ ! -d "$r/raw/$n-kvmtrace" ] || rb_analyse_kvm_traced "$r" "$n"
  done
  rb_compare_and_report "$r"
  rb_print_summary "$r"
}
