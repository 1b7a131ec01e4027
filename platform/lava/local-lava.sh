#!/usr/bin/env bash
# A single-host LAVA 2023.01 (Debian 12's packages) for trying the LAVA runner
# and for tests/e2e/80-lava.sh, started without systemd (docs/lava.md):
#   platform/lava/local-lava.sh up --dir DIR     start it; DIR gets its state
#   platform/lava/local-lava.sh down --dir DIR   stop and remove all of it
# `up` starts PostgreSQL 15 if it is down, creates LAVA's database, starts
# gunicorn (127.0.0.1:PORT), the publisher, the scheduler and a worker, adds
# an admin, a qemu device "vtb-qemu01" and a lavacli identity "vtb-local"
# kept in DIR/config (XDG_CONFIG_HOME=DIR/config lavacli -i vtb-local ...).
# It writes DIR/device.conf, the runner's device description for that
# device (platform/lava/devices/qemu.conf with DIR's image store).
# `down` stops every process `up` started (by the PIDs kept in DIR/pids),
# drops the databases and roles `up` created, stops PostgreSQL if `up`
# started it and removes every file `up` and the jobs left under LAVA's
# system directories (a listing taken before `up`). DIR itself is the
# caller's to remove.
# Exit: 0 ok, 1 failure (one line), 2 usage, 77 LAVA not installed / not root.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=local-lava
. "$top/scripts/lib/cli.sh"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; echo "options: --dir DIR (required), --port N (default 8000)"; }

cmd="" dir="" port=8000
while [ $# -gt 0 ]; do
  case "$1" in
    up|down) cmd=$1 ;;
    --dir) cli_need_value "$@"; dir=$(cli_abs "$2"); shift ;;
    --port) cli_need_value "$@"; cli_uint --port "$2"; port=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$cmd" ] || cli_usage_error "up or down?"
[ -n "$dir" ] || cli_usage_error "--dir DIR is required"

# LAVA's tools are python3 programs that need Debian's python3 (Django): a
# python3 earlier on PATH breaks them (DESIGN.md, LAVA).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME
export XDG_CONFIG_HOME=$dir/config

worker=vtb-worker device=vtb-qemu01 identity=vtb-local
# What LAVA writes outside DIR; `down` removes what was not there before.
sysdirs=(/etc/lava-server /var/lib/lava-server /var/lib/lava /var/log/lava-server /var/log/lava-dispatcher)

[ "$(id -u)" = 0 ] || { echo "local-lava: needs root (LAVA's daemons, PostgreSQL)" >&2; exit 77; }
for p in lava-server lava-dispatcher lavacli; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
    || { echo "local-lava: $p is not installed (scripts/install-deps.sh installs it)" >&2; exit 77; }
done

psql_q() { runuser -u postgres -- psql -X -q -tA -c "$1"; }
exists_db() { [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }
exists_role() { [ "$(psql_q "SELECT 1 FROM pg_roles WHERE rolname='$1'")" = 1 ]; }
manage() { lava-server manage "$@"; }
state() { printf '%s=%q\n' "$1" "$2" >> "$dir/state"; }
start_daemon() { # name cmd...
  local name=$1; shift
  setsid "$@" > "$dir/logs/$name.log" 2>&1 < /dev/null &
  echo "$name $!" >> "$dir/pids"
}

listing() { find "${sysdirs[@]}" -xdev 2>/dev/null | LC_ALL=C sort; }

do_down() {
  [ -f "$dir/state" ] || { echo "local-lava: $dir holds no local LAVA (no state file)" >&2; exit 1; }
  # shellcheck disable=SC1091
  . "$dir/state"
  local name pid i
  if [ -f "$dir/pids" ]; then
    # The worker first (it starts lava-run and QEMU), the server last.
    tac "$dir/pids" | while read -r name pid; do
      # Each daemon leads its own session (setsid): its process group is
      # what it started (gunicorn's workers, lava-run, QEMU).
      kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for i in $(seq 1 20); do
      alive=0
      while read -r name pid; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done < "$dir/pids"
      [ "$alive" = 0 ] && break
      sleep 0.5
    done
    while read -r name pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done < "$dir/pids"
    rm -f "$dir/pids"
  fi
  if [ "${pg_ok:-0}" = 1 ]; then
    [ "${created_db_lava:-0}" = 0 ] || psql_q 'DROP DATABASE IF EXISTS "lavaserver"'
    [ "${created_db_devel:-0}" = 0 ] || psql_q 'DROP DATABASE IF EXISTS "devel"'
    [ "${created_role_lava:-0}" = 0 ] || psql_q 'DROP ROLE IF EXISTS "lavaserver"'
    [ "${created_role_devel:-0}" = 0 ] || psql_q 'DROP ROLE IF EXISTS "devel"'
  fi
  [ "${pg_started:-0}" = 0 ] || pg_ctlcluster 15 main stop
  if [ -f "$dir/before.list" ]; then
    listing > "$dir/after.list"
    # New files first, then new folders deepest first.
    LC_ALL=C comm -13 "$dir/before.list" "$dir/after.list" | sort -r | while read -r f; do
      if [ -d "$f" ] && [ ! -L "$f" ]; then rmdir "$f" 2>/dev/null || rm -rf "$f"; else rm -f "$f"; fi
    done
    rm -f "$dir/after.list"
  fi
  rm -f "$dir/state" "$dir/before.list"
}

do_up() {
  [ ! -e "$dir/state" ] || { echo "local-lava: $dir already holds a local LAVA (run down first)" >&2; exit 1; }
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "local-lava: 127.0.0.1:$port is already taken" >&2; exit 1
  fi
  mkdir -p "$dir/logs" "$dir/config" "$dir/images"
  : > "$dir/state"
  # On a failure half-way, take down what was started.
  trap 'rc=$?; [ $rc = 0 ] || { echo "local-lava: bring-up failed; logs in $dir/logs" >&2; do_down >/dev/null 2>&1 || true; }; exit $rc' EXIT
  listing > "$dir/before.list"
  if pg_lsclusters -h | awk '$1 == 15 && $2 == "main" {print $4}' | grep -qx online; then
    state pg_started 0
  else
    pg_ctlcluster 15 main start
    state pg_started 1
  fi
  state pg_ok 1
  exists_db lavaserver && { echo "local-lava: a database 'lavaserver' exists already (another LAVA on this host?)" >&2; exit 1; }
  exists_db devel && state created_db_devel 0 || state created_db_devel 1
  exists_role lavaserver && state created_role_lava 0 || state created_role_lava 1
  exists_role devel && state created_role_devel 0 || state created_role_devel 1
  state created_db_lava 1
  python3 /usr/share/lava-server/postinst.py > "$dir/logs/postinst.log" 2>&1 \
    || { echo "local-lava: /usr/share/lava-server/postinst.py failed (see $dir/logs/postinst.log)" >&2; exit 1; }
  # Events: the worker and lavacli hear of state changes at once instead of
  # polling every 20 s.
  printf 'EVENT_NOTIFICATION: true\n' > /etc/lava-server/settings.d/01-vtb-events.yaml
  start_daemon gunicorn gunicorn3 lava_server.wsgi -u lavaserver -g lavaserver \
    --worker-class eventlet --workers 2 --bind "127.0.0.1:$port"
  start_daemon publisher lava-server manage lava-publisher
  start_daemon scheduler lava-server manage lava-scheduler
  local pw token wtoken i
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  manage users add --superuser --staff --passwd "$pw" admin > /dev/null
  token=$(manage tokens add --user admin | tail -1)
  manage workers add "$worker" > "$dir/logs/worker-token.txt"
  wtoken=$(sed -n "s/^Token: //p" "$dir/logs/worker-token.txt")
  rm -f "$dir/logs/worker-token.txt"
  # A migration makes a worker nobody runs.
  manage workers update example.com --health RETIRED > /dev/null 2>&1 || true
  manage device-types add qemu > /dev/null
  # memory is deliberately not set here: it would override the job's.
  cat > "/etc/lava-server/dispatcher-config/devices/$device.jinja2" <<'DEV'
{% extends 'qemu.jinja2' %}
{% set mac_addr = '52:54:00:12:34:59' %}
DEV
  manage devices add --device-type qemu --worker "$worker" "$device" > /dev/null
  start_daemon worker lava-worker --name "$worker" --url "http://127.0.0.1:$port/" \
    --token "$wtoken" --ping-interval 2 --job-log-interval 1 --log-file "$dir/logs/lava-worker.log"
  for i in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/api/v0.2/" > /dev/null 2>&1 && break
    sleep 1
  done
  lavacli identities add --uri "http://127.0.0.1:$port/RPC2" --username admin --token "$token" "$identity"
  # The device is ready once its worker is online.
  for i in $(seq 1 60); do
    lavacli -i "$identity" workers show "$worker" 2>/dev/null | grep -q 'state *: Online' && break
    [ "$i" = 60 ] && { echo "local-lava: worker $worker did not come online in 60 s" >&2; exit 1; }
    sleep 1
  done
  # The runner's device description for this device (platform/lava/devices/
  # qemu.conf): images are fetched by file:// on this host.
  sed -e "s|^image_dir *=.*|image_dir = $dir/images|" -e "s|^image_url *=.*|image_url = file://$dir/images|" \
    -e "s|^device_type *=.*|device_type = qemu|" "$top/platform/lava/devices/qemu.conf" > "$dir/device.conf"
  trap - EXIT
  echo "local LAVA up: http://127.0.0.1:$port/ (lavacli identity $identity with XDG_CONFIG_HOME=$dir/config; device description $dir/device.conf)"
}

case "$cmd" in
  up) do_up ;;
  down) do_down ;;
esac
