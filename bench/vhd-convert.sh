#!/usr/bin/env bash
# Benchmark of `vhdflow vhd convert` and `vhdflow vhd map` against the workflows they replace,
# all measured in the same run on the same files (issue 3). Not a unit test.
#
#  1. Convert: a dynamic VHD of 8 GiB virtual holding ~2 GiB of incompressible data (64 chunks of
#     32 MiB from /dev/urandom, one every 128 MiB) to an Azure-ready fixed VHD with MD5 + SHA-256:
#       ours  java -Xmx128m ... vhd convert IN OUT            (one pass, digests on two threads)
#       (a)   qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT; md5sum OUT; sha256sum OUT
#       (b)   md5sum OUT                                      (the floor: MD5 is strictly sequential)
#     Goals: ours <= 0.5 x (a), <= 1.15 x (b); output's allocated blocks within 1% of the input's data.
#  2. Zero-range map of the fixed VHD (vhd map) against `cat FILE > /dev/null`, warm cache.
#     Goal: >= 0.9 x cat's throughput.
#
# Needs ~20 GB free under $BENCH_DIR (default /tmp), qemu-img, Maven (offline) with the project's
# dependencies. Usage: bash bench/vhd-convert.sh   (BENCH_DATA_CHUNKS=64 BENCH_KEEP=1 to keep files)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
base="${BENCH_DIR:-/tmp}"
chunks="${BENCH_DATA_CHUNKS:-64}"     # 32 MiB each
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))
virtual=$((${BENCH_VIRTUAL_GIB:-8} * GiB))

avail_kb=$(df -Pk "$base" | awk 'NR==2 {print $4}')
echo "== free space under $base: $((avail_kb / 1024 / 1024)) GiB"; df -h "$base" | tail -1
if [ "$avail_kb" -lt $((20 * 1024 * 1024)) ] && [ "${BENCH_VIRTUAL_GIB:-8}" -ge 8 ]; then
  echo "need ~20 GB free under $base" >&2; exit 1
fi
work="$(mktemp -d "$base/vhdflow-bench.XXXXXX")"
cleanup() { if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

echo "== building classes and class path"
(cd "$repo" && mvn -B -o -q -DskipTests compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$repo/target/classes:$(cat "$work/cp.txt")"
vhdflow=(java -Xmx128m -cp "$cp" io.vhdflow.cli.VhdflowCommand vhd)

echo "== making the input: $((virtual / GiB)) GiB virtual, $chunks x 32 MiB of random data"
truncate -s "$virtual" "$work/in.raw"
step=$((virtual / chunks))
for ((i = 0; i < chunks; i++)); do
  # Unaligned within the chunk slot (+ i*4 KiB) so blocks are partially filled too.
  dd if=/dev/urandom of="$work/in.raw" bs=1M count=32 iflag=fullblock seek=$((i * step + i * 4096)) \
     oflag=seek_bytes conv=notrunc status=none
done
qemu-img convert -f raw -O vpc -o subformat=dynamic,force_size=on "$work/in.raw" "$work/in.vhd"
rm -f "$work/in.raw"
data_bytes=$((chunks * 32 * MiB))
in_alloc=$(( $(stat -c %b "$work/in.vhd") * 512 ))
echo "   in.vhd: $(stat -c %s "$work/in.vhd") bytes, allocated $in_alloc, data written $data_bytes"
sync
cat "$work/in.vhd" > /dev/null   # warm cache for everyone

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

echo "== load before: $(uptime)"

echo "== ours: vhd convert (-Xmx128m)"
t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$work/ours.rss" "${vhdflow[@]}" convert --no-progress "$work/in.vhd" "$work/ours.vhd" | tee "$work/ours.txt"
t1=$(now); ours=$(secs "$t0" "$t1")
ours_cpu=$(awk '{print $2 + $3}' "$work/ours.rss")
echo "   wall ${ours}s, cpu ${ours_cpu}s, peak RSS $(awk '{print $1}' "$work/ours.rss") KiB"

echo "== (a) qemu-img convert + md5sum + sha256sum"
t0=$(now)
/usr/bin/time -f "%U %S" -o "$work/a.cpu" bash -c '
  qemu-img convert -f vpc -O vpc -o subformat=fixed,force_size=on "$1/in.vhd" "$1/qemu.vhd"
  md5sum "$1/qemu.vhd" > "$1/qemu.md5"
  sha256sum "$1/qemu.vhd" > "$1/qemu.sha256"' _ "$work"
t1=$(now); a=$(secs "$t0" "$t1")
a_cpu=$(awk '{print $1 + $2}' "$work/a.cpu")
echo "   wall ${a}s, cpu ${a_cpu}s"

echo "== (b) md5sum of the fixed VHD alone"
t0=$(now)
/usr/bin/time -f "%U %S" -o "$work/b.cpu" md5sum "$work/qemu.vhd" > /dev/null
t1=$(now); b=$(secs "$t0" "$t1")
b_cpu=$(awk '{print $1 + $2}' "$work/b.cpu")
echo "   wall ${b}s, cpu ${b_cpu}s"

echo "== load after: $(uptime)"

echo "== checking our digests against md5sum/sha256sum of our output (untimed)"
ours_md5=$(awk '/md5 /{print $2}' "$work/ours.txt")
ours_sha=$(awk '/sha256 /{print $2}' "$work/ours.txt")
real_md5=$(md5sum < "$work/ours.vhd" | cut -d' ' -f1)
real_sha=$(sha256sum < "$work/ours.vhd" | cut -d' ' -f1)
[ "$ours_md5" = "$real_md5" ] && [ "$ours_sha" = "$real_sha" ] && echo "   digests match md5sum/sha256sum" \
  || { echo "   DIGEST MISMATCH: $ours_md5/$real_md5 $ours_sha/$real_sha"; exit 1; }
qemu-img compare -f vpc -F vpc "$work/in.vhd" "$work/qemu.vhd" >/dev/null && echo "   qemu output equals input"
out_alloc=$(( $(stat -c %b "$work/ours.vhd") * 512 ))
qemu_alloc=$(( $(stat -c %b "$work/qemu.vhd") * 512 ))

echo "== zero-range map of the fixed VHD vs cat (warm cache, best of 3)"
cat "$work/qemu.vhd" > /dev/null
best_cat=999999; best_map=999999; best_inner=999999
for i in 1 2 3; do
  t0=$(now); cat "$work/qemu.vhd" > /dev/null; t1=$(now)
  c=$(secs "$t0" "$t1"); best_cat=$(echo "if ($c < $best_cat) $c else $best_cat" | bc -l)
  t0=$(now); "${vhdflow[@]}" map --ranges 0 "$work/qemu.vhd" > "$work/map.txt"; t1=$(now)
  m=$(secs "$t0" "$t1"); best_map=$(echo "if ($m < $best_map) $m else $best_map" | bc -l)
  inner=$(sed -n 's/.*zero (\([0-9.]*\) s).*/\1/p' "$work/map.txt")
  best_inner=$(echo "if ($inner < $best_inner) $inner else $best_inner" | bc -l)
done
cat "$work/map.txt"
fsize=$(stat -c %s "$work/qemu.vhd")

echo
echo "================ results ($(nproc) cores; $(uptime | sed 's/.*load/load/')) ================"
printf "convert  ours %.2fs | (a) qemu-img+md5sum+sha256sum %.2fs | (b) md5sum %.2fs\n" "$ours" "$a" "$b"
printf "ratios   ours/(a) = %.3f (goal <= 0.5)   ours/(b) = %.3f (goal <= 1.15)\n" \
  "$(echo "$ours / $a" | bc -l)" "$(echo "$ours / $b" | bc -l)"
printf "alloc    input data %d, input allocated %d, our output allocated %d (%.2f%% of data), qemu output allocated %d\n" \
  "$data_bytes" "$in_alloc" "$out_alloc" "$(echo "100 * $out_alloc / $data_bytes" | bc -l)" "$qemu_alloc"
printf "cpu      ours %.2fs (user+sys, all threads) | (a) %.2fs | (b) %.2fs\n" "$ours_cpu" "$a_cpu" "$b_cpu"
printf "peak RSS ours %s KiB with -Xmx128m\n" "$(awk '{print $1}' "$work/ours.rss")"
printf "map      ours %.2fs (%.0f MiB/s) | cat %.2fs (%.0f MiB/s) | throughput ratio %.3f (goal >= 0.9)\n" \
  "$best_map" "$(echo "$fsize / $best_map / $MiB" | bc -l)" "$best_cat" "$(echo "$fsize / $best_cat / $MiB" | bc -l)" \
  "$(echo "$best_cat / $best_map" | bc -l)"
printf "map      in-JVM scan alone (without JVM start-up) %.2fs: ratio %.3f\n" "$best_inner" \
  "$(echo "$best_cat / $best_inner" | bc -l)"
