#!/usr/bin/env bash
# Scale-out demo and measurement: two workers share one data folder (drop/, work/, packages/, ...), one
# PostgreSQL database and one Artemis broker; IMAGES distinct sample images are dropped; one worker is
# killed with SIGKILL while it holds a job, then restarted; when every job is final a JSON summary
# counted from the database is printed. PostgreSQL and Artemis are throwaway instances started by
# .ci/postgres.sh (Debian's postgresql package, fresh cluster in a temp folder, free port) and
# .ci/artemis.sh (the Artemis distribution from Maven Central, fresh broker, free port), as in the tests.
# Usage: bench/two-workers.sh [IMAGES] [THROTTLE_BYTES_PER_SECOND]   (defaults: 20, 33554432)
# The run's folder (shared data, both homes, worker logs; about 70 MiB per image) is kept for inspection
# and named in the summary: remove it when done.
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-20}
throttle=${2:-$((32 << 20))}
repo=$(pwd)

./vhdflow --version >/dev/null   # builds the jar first, so the timing below is the workers' alone
pg=$(.ci/postgres.sh start)
pgdir=${pg%% *}
url=${pg#* }
mq=$(.ci/artemis.sh start | tail -1)
mqdir=${mq%% *}
broker=${mq#* }
work=$(mktemp -d "${TMPDIR:-/tmp}/vhdflow-two-workers.XXXXXX")
shared=$work/shared
mkdir -p "$shared/drop"
declare -A pid=()
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pid[@]}"; do wait "$p" 2>/dev/null || true; done
  "$repo/.ci/artemis.sh" stop "$mqdir"
  "$repo/.ci/postgres.sh" stop "$pgdir"
}
trap cleanup EXIT

psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
sql() { "$psql_bin" -qtA "postgresql://vhdflow@${url#jdbc:postgresql://}" -c "$1"; }

start() {
  local node=$1
  VHDFLOW_DATABASE_URL=$url VHDFLOW_DATABASE_USER=vhdflow VHDFLOW_DATA=$shared VHDFLOW_NODE_ID=$node \
  VHDFLOW_BROKER_URL=$broker \
    ./vhdflow run --home "$work/home-$node" \
      --set vhdflow.http.enabled=false \
      --set vhdflow.intake.poll-ms=200 --set vhdflow.intake.settle-ms=500 \
      --set vhdflow.health.min-free-bytes=1048576 \
      --set vhdflow.resume.period-ms=2000 \
      --set vhdflow.throttle.bytes-per-second="$throttle" \
      >>"$work/worker-$node.log" 2>&1 &
  pid[$node]=$!
}

# Distinct images: the sample with a marker in free space near its end (the same image, other content).
zstd -q -dc samples/sample-linux.vhd.zst >"$work/base.vhd"
size=$(stat -c %s "$work/base.vhd")
mkdir -p "$work/images"
for i in $(seq 1 "$images"); do
  cp "$work/base.vhd" "$work/images/img$i.vhd"
  printf 'vhdflow-variant-%d' "$i" | dd of="$work/images/img$i.vhd" bs=1 seek=$((size - 512 - 8192)) conv=notrunc status=none
done

start a
start b
until [ "$(sql 'SELECT COUNT(*) FROM nodes' 2>/dev/null || echo 0)" = 2 ]; do sleep 0.5; done
t0=$(date +%s.%N)
for i in $(seq 1 "$images"); do
  cp "$work/images/img$i.vhd" "$shared/drop/.img$i.vhd.copying"
  mv "$shared/drop/.img$i.vhd.copying" "$shared/drop/img$i.vhd"
done

# Kill worker a (SIGKILL) while it holds a job in the middle of a stage, then restart it.
until [ "$(sql "SELECT COUNT(*) FROM stages s JOIN jobs j ON j.id = s.job_id WHERE j.node_id = 'a'
              AND s.state = 'RUNNING' AND s.bytes_done > 0")" != 0 ]; do sleep 0.1; done
killed_job=$(sql "SELECT j.id || ' ' || s.stage FROM stages s JOIN jobs j ON j.id = s.job_id
                  WHERE j.node_id = 'a' AND s.state = 'RUNNING' LIMIT 1")
kill -9 "${pid[a]}"
wait "${pid[a]}" 2>/dev/null || true
sleep 2
start a

deadline=$(( $(date +%s) + 1200 ))
until [ "$(sql "SELECT COUNT(*) FROM jobs WHERE state IN ('DONE', 'FAILED', 'DUPLICATE')")" = "$images" ]; do
  if [ "$(date +%s)" -gt "$deadline" ]; then echo "timed out; logs in $work" >&2; break; fi
  sleep 0.5
done
t1=$(date +%s.%N)

registered=$(sql "SELECT COUNT(*) FROM image_versions")
failed=$(sql "SELECT COUNT(*) FROM jobs WHERE state = 'FAILED'")
# Anything taken in or registered twice: jobs beyond one per dropped file, versions beyond one per content.
duplicates=$(sql "SELECT (SELECT COUNT(*) - COUNT(DISTINCT source_name) FROM jobs)
                       + (SELECT COUNT(*) - COUNT(DISTINCT source_sha256) FROM image_versions)")
finished=$(sql "SELECT COUNT(DISTINCT source_name) FROM jobs WHERE state IN ('DONE', 'FAILED', 'DUPLICATE')")
max_redone=$(sql "SELECT COALESCE(MAX(attempts), 1) - 1 FROM stages")
redone_total=$(sql "SELECT COALESCE(SUM(attempts - 1), 0) FROM stages")
by_node=$(sql "SELECT string_agg('\"' || node_id || '\": ' || n, ', ') FROM
                 (SELECT node_id, COUNT(*) AS n FROM jobs GROUP BY node_id ORDER BY node_id) x")
printf '{"dropped": %d, "registered": %d, "failed": %d, "duplicates": %d, "lost": %d, "max_stage_redone": %d, "stages_redone": %d, "killed_mid": "%s", "jobs_by_node": {%s}, "wall_seconds": %.1f, "shared_folder": "%s"}\n' \
  "$images" "$registered" "$failed" "$duplicates" $((images - finished)) "$max_redone" "$redone_total" \
  "$killed_job" "$by_node" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$shared"
