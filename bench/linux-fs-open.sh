#!/usr/bin/env bash
# Benchmark for issue 5: open the root filesystem of a 1 TiB sparse raw image and read 50
# configuration files through io.vhdflow.disk.fs.ext4, printing wall time and bytes read from the
# image. Goal: under 16 MiB read, whatever the disk size. Not a unit test.
#
# The image is a sparse 1 TiB file holding ext4 made by mke2fs -d with lazy inode-table and
# journal initialisation, so it costs a few hundred MiB of real disk at most. The 50 files are
# real configuration files copied from this machine's /etc (first 50 regular files under 64 KiB).
#
# Needs: e2fsprogs, Java 17, Maven (offline, project already built once). No root.
# Usage: bash bench/linux-fs-open.sh        (BENCH_SIZE=1T, BENCH_DIR=/tmp, BENCH_KEEP=1 to keep)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
size="${BENCH_SIZE:-1T}"
work="$(mktemp -d "${BENCH_DIR:-/tmp}/vhdflow-ext4-bench.XXXXXX")"
cleanup() { if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

echo "== source tree: 50 config files from /etc plus waagent/ssh/home stand-ins"
tree="$work/tree"
mkdir -p "$tree/etc" "$tree/var/lib/waagent" "$tree/home/azureuser/.ssh" "$tree/etc/ssh"
: > "$work/paths.txt"
n=0
while IFS= read -r f; do
  rel="${f#/}"
  mkdir -p "$tree/$(dirname "$rel")"
  cp -p "$f" "$tree/$rel" 2>/dev/null || continue
  echo "/$rel" >> "$work/paths.txt"
  n=$((n + 1))
  [ "$n" -ge 44 ] && break
done < <(find /etc -type f -readable -size -64k 2>/dev/null | sort)
printf 'Port 22\n' > "$tree/etc/ssh/sshd_config.bench"
printf 'ssh-ed25519 AAAA bench\n' > "$tree/home/azureuser/.ssh/authorized_keys"
printf '<Provisioning/>\n' > "$tree/var/lib/waagent/ovf-env.xml"
printf 'Provisioning.Enabled=n\n' > "$tree/etc/waagent.conf.bench"
printf 'root:*:19000::::::\n' > "$tree/etc/shadow.bench"
printf 'NAME=bench\n' > "$tree/etc/os-release.bench"
printf '%s\n' /etc/ssh/sshd_config.bench /home/azureuser/.ssh/authorized_keys /var/lib/waagent/ovf-env.xml \
  /etc/waagent.conf.bench /etc/shadow.bench /etc/os-release.bench >> "$work/paths.txt"
echo "   $(wc -l < "$work/paths.txt") files to read"

echo "== making a $size sparse image with ext4 (lazy_itable_init, lazy_journal_init, nodiscard)"
img="$work/disk.img"
truncate -s "$size" "$img"
start=$(date +%s.%N)
mke2fs -q -F -t ext4 -E lazy_itable_init=1,lazy_journal_init=1,nodiscard -d "$tree" "$img"
end=$(date +%s.%N)
printf '   mke2fs took %.1f s; image is %s apparent, %s allocated\n' "$(echo "$end - $start" | bc)" \
  "$(du -h --apparent-size "$img" | cut -f1)" "$(du -h "$img" | cut -f1)"

echo "== building"
(cd "$repo" && mvn -B -o -q -DskipTests test-compile)

echo "== opening and reading through io.vhdflow.disk.fs.ext4 (cold JVM)"
java -Xmx64m -cp "$repo/target/classes:$repo/target/test-classes" io.vhdflow.bench.LinuxFsOpenBench "$img" "$work/paths.txt"
