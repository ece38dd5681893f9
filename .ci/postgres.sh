#!/usr/bin/env bash
# A throwaway PostgreSQL for the scale-out tests and bench/two-workers.sh: Debian's postgresql package,
# a fresh cluster in a new temp folder, on a free port of 127.0.0.1, trusting local connections, run as
# the 'postgres' user (or 'nobody') when started as root, since PostgreSQL refuses to run as root.
#
#   .ci/postgres.sh start      prints "<folder> <jdbc-url>" (user vhdflow, no password, database vhdflow)
#   .ci/postgres.sh stop DIR   stops that cluster (fast shutdown, by its own pg_ctl) and removes DIR
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (Debian package postgresql)" >&2
  exit 4
fi
as=()
owner=""
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id -u postgres >/dev/null 2>&1 || owner=nobody
  as=(runuser -u "$owner" --)
fi

case "${1:-}" in
start)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/vhdflow-pg.XXXXXX")
  chmod 755 "$dir"
  [ -z "$owner" ] || chown "$owner" "$dir"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U vhdflow --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    # A port something already answers on is taken; try another.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null 2>&1; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U vhdflow vhdflow
      echo "$dir jdbc:postgresql://127.0.0.1:$port/vhdflow"
      exit 0
    fi
  done
  echo "PostgreSQL did not start; its log: $dir/postgres.log" >&2
  cat "$dir/postgres.log" >&2 || true
  exit 4
  ;;
stop)
  dir="${2:?usage: $0 stop DIR}"
  case "$dir" in */vhdflow-pg.*) ;; *) echo "not a cluster folder of this script: $dir" >&2; exit 64 ;; esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop DIR" >&2
  exit 64
  ;;
esac
