#!/usr/bin/env bash
# Pipeline benchmark (issue 23): job wall time (file linked into drop/ -> manifest.json written) and
# per-stage times of the running service (java -Xmx128m), next to the floors measured in the same run
# on the same machine:
#   md5-floor  one JVM MD5 pass over the virtual disk (bench VirtualDiskMd5, single thread)
#   cat        `cat` of the data ranges: the dynamic VHD file is its allocated blocks, so `cat in.vhd`
#   writes     two sparse `cp`s of the original, fsynced: the writes any backup + package must make
#   peer       the scripted peer workflow: qemu-img convert (-> fixed VHD) + md5sum + sha256sum
# Inputs (made here with qemu-img from sparse raw files of /dev/urandom chunks):
#   A  8 GiB dynamic VHD with BENCH_A_DATA_MIB (default 1745 MiB = 1.83 GB) of data
#   B  1 TiB dynamic VHD with BENCH_B_DATA_MIB (default 1907 MiB = 2.0 GB) of data
# Configurations of the service: default (data tree digest only), md5 (whole-disk MD5 on),
# md5+sha256 (both whole-file digests on, as before issue 23).
# Caches: every measure runs warm (the input read once before); with BENCH_COLD=1 (default) the
# default configuration and `cat` are also run cold (sync; echo 3 > /proc/sys/vm/drop_caches; needs root).
# The 1 TiB floors md5-floor and md5sum/sha256sum read 1 TiB of zeros (~25 min each): they run only with
# BENCH_FULL=1; otherwise the report says they were skipped.
# Needs ~12 GB free under $BENCH_DIR (default /tmp), qemu-img, sqlite3, Maven (offline).
# Usage: bash bench/pipeline.sh [A|B|AB]   (BENCH_KEEP=1 keeps the files)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
which="${1:-AB}"
base="${BENCH_DIR:-/tmp}"
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))
work="$(mktemp -d "$base/vhdflow-pipeline-bench.XXXXXX")"
service_pid=""
cleanup() {
  if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== building classes and class path"
(cd "$repo" && mvn -B -o -q -DskipTests test-compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$repo/target/classes:$repo/target/test-classes:$(cat "$work/cp.txt")"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU seconds (user + system) a process has used so far: load-independent, unlike wall time.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "   (cannot drop caches: not root)"; }
results="$work/results.txt"
: > "$results"
row() { printf "%-6s %-34s %10s %s\n" "$1" "$2" "$3" "$4" | tee -a "$results"; }

# make_input NAME VIRTUAL_BYTES DATA_MIB: a dynamic VHD whose data is spread in 32 MiB chunks.
make_input() {
  local name=$1 virtual=$2 data_mib=$3
  local chunks=$(( (data_mib + 31) / 32 )) left=$data_mib step
  step=$((virtual / chunks))
  truncate -s "$virtual" "$work/$name.raw"
  for ((i = 0; i < chunks; i++)); do
    local n=$(( left < 32 ? left : 32 ))
    dd if=/dev/urandom of="$work/$name.raw" bs=1M count=$n iflag=fullblock seek=$((i * step + i * 4096)) \
       oflag=seek_bytes conv=notrunc status=none
    left=$((left - n))
  done
  # An MBR with one partition over the disk, so the container checks (G6) accept it as a data disk.
  echo ',,83' | sfdisk -q "$work/$name.raw" >/dev/null
  qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on "$work/$name.raw" "$work/$name.vhd"
  rm -f "$work/$name.raw"
  echo "   $name.vhd: virtual $((virtual / GiB)) GiB, file $(stat -c %s "$work/$name.vhd") bytes, data $((data_mib * MiB)) bytes"
}

start_service() { # HOME_DIR EXTRA_SETTINGS...
  local home=$1; shift
  mkdir -p "$home/drop"
  java -Xmx128m -cp "$cp" io.vhdflow.cli.VhdflowCommand run --home "$home" \
    --set vhdflow.http.enabled=false --set vhdflow.intake.poll-ms=100 --set vhdflow.intake.settle-ms=200 \
    --set vhdflow.health.min-free-bytes=1048576 --set vhdflow.routes="$repo/routes" "$@" \
    > "$home/service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 300); do
    if grep -q "started" "$home/service.log" 2>/dev/null && [ -f "$home/vhdflow.db" ]; then sleep 1; return; fi
    sleep 0.1
  done
  echo "service did not start:"; cat "$home/service.log"; exit 1
}

stop_service() {
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
}

# run_job INPUT LABEL COLD EXTRA_SETTINGS...: one job through the service; prints wall and stage times.
run_job() {
  local input=$1 label=$2 cold=$3; shift 3
  local home="$work/home-$label"
  rm -rf "$home"
  start_service "$home" "$@"
  [ "$cold" = 1 ] && drop_caches
  local l0; l0=$(load)
  local t0 t1 c0 c1
  c0=$(cpu_of "$service_pid")
  t0=$(now)
  ln "$input" "$home/drop/img.vhd"
  until ls "$home"/packages/*/img/*/manifest.json >/dev/null 2>&1; do
    if ! kill -0 "$service_pid" 2>/dev/null; then echo "service died"; cat "$home/service.log"; exit 1; fi
    if ls "$home"/failed/* >/dev/null 2>&1; then echo "job failed"; cat "$home"/failed/*/error.txt; exit 1; fi
    sleep 0.05
  done
  t1=$(now)
  c1=$(cpu_of "$service_pid")
  local wall; wall=$(secs "$t0" "$t1")
  local cpu; cpu=$(echo "$c1 - $c0" | bc -l)
  sleep 1
  local stages
  stages=$(sqlite3 "$home/vhdflow.db" "SELECT stage || ' ' || printf('%.2f', (julianday(finished_at) - julianday(started_at)) * 86400) || ' read=' || bytes_read FROM stages ORDER BY started_at" | tr '\n' ';')
  local rss; rss=$(ps -o rss= -p "$service_pid" | tr -d ' ')
  stop_service
  row "$label" "job wall (drop -> manifest)" "$(printf '%.2f s' "$wall")" "cpu $(printf '%.2f' "$cpu") s [$stages] RSS ${rss} KiB; load $l0 -> $(load)"
  echo "$wall" > "$work/wall-$label"
}

floor_md5() { # INPUT LABEL
  local l0; l0=$(load)
  local out; out=$(/usr/bin/time -f "%U %S" -o "$work/md5.cpu" java -Xmx128m -cp "$cp" io.vhdflow.bench.VirtualDiskMd5 "$1")
  row "$2" "floor: JVM MD5 pass over virtual disk" "$(printf '%.2f s' "${out%% *}")" "cpu $(awk '{printf "%.2f", $1 + $2}' "$work/md5.cpu") s (JVM included); load $l0 -> $(load)"
  echo "${out%% *}" > "$work/md5-$2"
}

floor_cat() { # INPUT LABEL COLD
  [ "$3" = 1 ] && drop_caches
  local l0 t0 t1; l0=$(load); t0=$(now); cat "$1" > /dev/null; t1=$(now)
  row "$2" "floor: cat of the data ranges$([ "$3" = 1 ] && echo ' (cold)' || echo ' (warm)')" "$(printf '%.2f s' "$(secs "$t0" "$t1")")" "load $l0 -> $(load)"
  echo "$(secs "$t0" "$t1")" > "$work/cat-$2-$3"
}

floor_writes() { # INPUT LABEL: the writes any backup + package must make: two sparse copies, fsynced (warm source)
  local l0 t0 t1; l0=$(load); t0=$(now)
  cp --sparse=always "$1" "$work/w1" & cp --sparse=always "$1" "$work/w2"; wait
  sync "$work/w1" "$work/w2"
  t1=$(now)
  rm -f "$work/w1" "$work/w2"
  row "$2" "floor: 2 sparse copies + fsync (writes)" "$(printf '%.2f s' "$(secs "$t0" "$t1")")" "load $l0 -> $(load)"
}

peer() { # INPUT LABEL HASH(1/0)
  local l0 t0 t1; l0=$(load); t0=$(now)
  qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size=on "$1" "$work/peer.vhd"
  local t_conv; t_conv=$(secs "$t0" "$(now)")
  if [ "$3" = 1 ]; then md5sum "$work/peer.vhd" > /dev/null; sha256sum "$work/peer.vhd" > /dev/null; fi
  t1=$(now)
  rm -f "$work/peer.vhd"
  if [ "$3" = 1 ]; then
    row "$2" "peer: qemu-img convert+md5sum+sha256sum" "$(printf '%.2f s' "$(secs "$t0" "$t1")")" "(convert alone $(printf '%.2f' "$t_conv") s) load $l0 -> $(load)"
  else
    row "$2" "peer: qemu-img convert alone" "$(printf '%.2f s' "$t_conv")" "md5sum/sha256sum of 1 TiB skipped (BENCH_FULL=1); load $l0 -> $(load)"
  fi
}

ratio() { echo "scale=3; $1 / $2" | bc -l; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; load $(load)"
if [[ "$which" == *A* ]]; then
  echo "== input A"
  make_input A $((${BENCH_A_GIB:-8} * GiB)) "${BENCH_A_DATA_MIB:-1745}"
  cat "$work/A.vhd" > /dev/null
  floor_md5 "$work/A.vhd" A
  floor_cat "$work/A.vhd" A 0
  floor_writes "$work/A.vhd" A
  run_job "$work/A.vhd" A-default 0
  run_job "$work/A.vhd" A-md5 0 --set vhdflow.package.md5=true
  run_job "$work/A.vhd" A-md5sha 0 --set vhdflow.package.md5=true --set vhdflow.package.sha256=true
  if [ "${BENCH_COLD:-1}" = 1 ]; then
    floor_cat "$work/A.vhd" A 1
    run_job "$work/A.vhd" A-default-cold 1
  fi
  peer "$work/A.vhd" A 1
  echo "   A: md5-on wall / JVM MD5 floor = $(ratio "$(cat "$work/wall-A-md5")" "$(cat "$work/md5-A")") (target <= 1.2)" | tee -a "$results"
  echo "   A: default wall / cat (warm) = $(ratio "$(cat "$work/wall-A-default")" "$(cat "$work/cat-A-0")")" | tee -a "$results"
  if [ -f "$work/wall-A-default-cold" ]; then
    echo "   A: default wall cold / cat cold = $(ratio "$(cat "$work/wall-A-default-cold")" "$(cat "$work/cat-A-1")") (target <= 1.5)" | tee -a "$results"
  fi
fi
if [[ "$which" == *B* ]]; then
  echo "== input B"
  make_input B $((1024 * GiB)) "${BENCH_B_DATA_MIB:-1907}"
  cat "$work/B.vhd" > /dev/null
  floor_cat "$work/B.vhd" B 0
  floor_writes "$work/B.vhd" B
  run_job "$work/B.vhd" B-default 0
  if [ "${BENCH_COLD:-1}" = 1 ]; then
    floor_cat "$work/B.vhd" B 1
    run_job "$work/B.vhd" B-default-cold 1
  fi
  if [ "${BENCH_FULL:-0}" = 1 ]; then
    floor_md5 "$work/B.vhd" B
    peer "$work/B.vhd" B 1
  else
    row B "floor: JVM MD5 pass over virtual disk" "skipped" "1 TiB of MD5: ~25 min (BENCH_FULL=1)"
    peer "$work/B.vhd" B 0
  fi
  echo "   B: default wall = $(cat "$work/wall-B-default") s (target < 60 s)" | tee -a "$results"
fi
echo
echo "================ results ($(nproc) cores; load now $(load)) ================"
cat "$results"
