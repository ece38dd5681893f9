#!/usr/bin/env bash
# Benchmark for issue 17: read every file of a zstd-compressed btrfs image with io.vhdflow.disk.fs.btrfs
# and with the peer tool, btrfs-progs' `btrfs restore` (reads an unmounted btrfs image in user space,
# decompressing), in the same run; prints both times, the ratio, and checks both read the same bytes (a
# SHA-256 over every file's content in path order). Not a unit test.
#
# The image: a sparse raw file with btrfs (mkfs.btrfs defaults), filled on a loop mount with
# compress=zstd (the kernel writes the extents) from BENCH_SOURCE (default /usr/lib/jvm: binaries and
# text, part compressible). `btrfs restore` writes into a tmpfs (/dev/shm) so its cost is reading.
#
# Needs root (loop mount), btrfs-progs, Java 17, Maven (offline, project built once).
# Usage: sudo bash bench/btrfs-read.sh      (BENCH_SOURCE=dir, BENCH_DIR=/var/tmp, BENCH_KEEP=1 to keep)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="${BENCH_SOURCE:-/usr/lib/jvm}"
work="$(mktemp -d "${BENCH_DIR:-/var/tmp}/vhdflow-btrfs-bench.XXXXXX")"
out="$(mktemp -d /dev/shm/vhdflow-btrfs-restore.XXXXXX)"
mnt="$work/mnt"; loop=""
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt" || true
  [ -n "$loop" ] && losetup -d "$loop" || true
  rm -rf "$out"
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$mnt"

echo "== image: btrfs mounted with ${BENCH_MOUNT_OPTS:-compress=zstd}, filled from $src ($(du -sh "$src" | cut -f1))"
img="$work/btrfs.img"
truncate -s 4G "$img"
mkfs.btrfs -q -f "$img"
loop=$(losetup -f --show "$img")
mount -o "${BENCH_MOUNT_OPTS:-compress=zstd}" "$loop" "$mnt"
cp -a "$src/." "$mnt/"
sync
df -h "$mnt" | tail -1 | awk '{print "   " $3 " used on the filesystem"}'
umount "$mnt"; losetup -d "$loop"; loop=""
echo "   image: $(du -h --apparent-size "$img" | cut -f1) apparent, $(du -h "$img" | cut -f1) allocated"

echo "== building"
(cd "$repo" && mvn -B -o -q -DskipTests test-compile)
cp_="$repo/target/classes:$repo/target/test-classes:$(cd "$repo" && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
echo "== btrfs restore (btrfs-progs $(btrfs --version | awk '{print $2}')) into tmpfs"
t0=$(date +%s.%N)
btrfs restore -i "$img" "$out" >/dev/null 2>&1
t1=$(date +%s.%N)
peer=$(echo "$t1 - $t0" | bc)
restored=$(cd "$out" && find . -type f | LC_ALL=C sort | sed 's|^\.||')
peer_sha=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -c1-64)
printf '   %.2f s, %s files\n' "$peer" "$(echo "$restored" | wc -l)"

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
echo "== io.vhdflow.disk.fs.btrfs (cold JVM, -Xmx256m)"
t0=$(date +%s.%N)
result=$(java -Xmx256m -cp "$cp_" io.vhdflow.bench.BtrfsReadBench "$img")
t1=$(date +%s.%N)
ours=$(echo "$t1 - $t0" | bc)
echo "$result" | sed 's/^/   /'
printf '   %.2f s including JVM start\n' "$ours"

ours_sha=$(echo "$result" | awk '/vhdflow-sha256/ {print $2}')
if [ "$ours_sha" = "$peer_sha" ]; then echo "== same content: sha256 $ours_sha"; else echo "== CONTENT DIFFERS: vhdflow $ours_sha, btrfs restore $peer_sha"; exit 1; fi
printf '== ratio: vhdflow / btrfs restore = %.2f\n' "$(echo "$ours / $peer" | bc -l)"
