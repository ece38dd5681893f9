#!/usr/bin/env bash
# A throwaway Apache Artemis broker for the scale-out tests and bench/two-workers.sh: the Artemis
# distribution (org.apache.activemq:apache-artemis:<version>:bin, fetched from Maven Central by Maven
# into .tools/ once), a fresh broker instance in a new temp folder, on a free port of 127.0.0.1, core
# protocol only, anonymous access (it listens on loopback only), at most 5 deliveries then DLQ.
#
#   .ci/artemis.sh install     fetches and unpacks the distribution into .tools/ (what .ci/run does)
#   .ci/artemis.sh start       prints "<folder> tcp://127.0.0.1:<port>" once the broker accepts connections
#   .ci/artemis.sh stop DIR    stops that broker (its own PID) and removes DIR
set -euo pipefail
version=2.40.0
repo=$(cd "$(dirname "$0")/.." && pwd)
home="$repo/.tools/apache-artemis-$version"

install() {
  [ -x "$home/bin/artemis" ] && return 0
  mkdir -p "$repo/.tools"
  (cd "$repo" && mvn -B -q dependency:copy -Dartifact="org.apache.activemq:apache-artemis:$version:tar.gz:bin" \
      -DoutputDirectory="$repo/.tools" -Dmdep.stripVersion=false) >&2
  tar xzf "$repo/.tools/apache-artemis-$version-bin.tar.gz" -C "$repo/.tools"
  rm -f "$repo/.tools/apache-artemis-$version-bin.tar.gz"
}

case "${1:-}" in
install)
  install
  ;;
start)
  install
  dir=$(mktemp -d "${TMPDIR:-/tmp}/vhdflow-artemis.XXXXXX")
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    rm -rf "$dir/broker"
    "$home/bin/artemis" create "$dir/broker" --silent --user vhdflow --password vhdflow --allow-anonymous \
        --host 127.0.0.1 --default-port "$port" --no-web --no-autotune --no-amqp-acceptor --no-mqtt-acceptor \
        --no-stomp-acceptor --no-hornetq-acceptor >"$dir/create.log" 2>&1
    # The redelivery limit: a message delivered 5 times without being committed (its worker died or
    # rolled back each time) goes to DLQ, where vhdflow fails its job with the reason.
    sed -i 's#<dead-letter-address>DLQ</dead-letter-address>#&<max-delivery-attempts>5</max-delivery-attempts>#' \
        "$dir/broker/etc/broker.xml"
    # A small broker for tests and the bench: the default asks for a 2 GiB heap.
    sed -i 's#-Xms512M -Xmx2G#-Xms64M -Xmx256M#' "$dir/broker/etc/artemis.profile"
    nohup "$dir/broker/bin/artemis" run >"$dir/broker.log" 2>&1 &
    echo $! >"$dir/broker.pid"
    for i in $(seq 1 600); do
      if grep -q "AMQ221007\|Server is now live" "$dir/broker.log" 2>/dev/null; then
        echo "$dir tcp://127.0.0.1:$port"
        exit 0
      fi
      kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || break
      sleep 0.1
    done
    kill "$(cat "$dir/broker.pid")" 2>/dev/null || true
  done
  echo "Artemis did not start; its log:" >&2
  cat "$dir/broker.log" >&2 || true
  rm -rf "$dir"
  exit 4
  ;;
stop)
  dir="${2:?usage: $0 stop DIR}"
  case "$dir" in */vhdflow-artemis.*) ;; *) echo "not a broker folder of this script: $dir" >&2; exit 64 ;; esac
  if [ -f "$dir/broker.pid" ]; then
    pid=$(cat "$dir/broker.pid")
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 install | start | stop DIR" >&2
  exit 64
  ;;
esac
