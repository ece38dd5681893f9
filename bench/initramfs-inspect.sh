#!/usr/bin/env bash
# Benchmark for issue 15: `vhdflow inspect` of a whole disk image whose default kernel has a large
# real initramfs (Debian's generic kernel, MODULES=most, with firmware packages: the size class of
# Ubuntu's and RHEL's images), JVM start included, against Debian's own lsinitramfs (cpio and the
# decompressor, in C) listing the same initramfs in the same run. Goal: inspect under 3 s.
#
# The initramfs images are made by the real mkinitramfs in the chroot of fixtures/make-linux-boot.sh
# (its cached base tarball), with linux-image-amd64 and firmware-misc-nonfree installed; each
# compressor is mkinitramfs's own (-c zstd | lz4 | gzip). The disk image is the gen2-lvm-ready
# layout (ESP, /boot, LVM root and /var) with that initramfs in /boot.
#
# Needs: root (chroot, loop devices, LVM), network once (apt), qemu-img, zstd, Java 17, Maven.
# Usage: sudo bash bench/initramfs-inspect.sh      (BENCH_DIR=/var/tmp, BENCH_RUNS=3)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-/var/tmp}/vhdflow-initramfs-bench"
runs="${BENCH_RUNS:-3}"
cache=/var/tmp/vhdflow-linux-boot-base.tar.zst
mkdir -p "$work"
[ -f "$cache" ] || bash "$repo/fixtures/make-linux-boot.sh" packages >/dev/null  # makes the cached chroot

root="$work/root"
if [ ! -d "$root/boot" ] || ! ls "$root"/boot/vmlinuz-*-amd64 | grep -qv cloud; then
  echo "== chroot with Debian's generic kernel and firmware"
  rm -rf "$root"; mkdir -p "$root"; tar --zstd -xpf "$cache" -C "$root" --numeric-owner
  mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; mount --make-rslave "$root/dev"
  trap 'umount -l "$root/dev" "$root/proc" 2>/dev/null || true' EXIT
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    linux-image-amd64 firmware-misc-nonfree firmware-realtek firmware-bnx2x lz4 >/dev/null
  rm -f "$root/usr/sbin/policy-rc.d"
  umount -l "$root/dev" "$root/proc"; trap - EXIT
fi
kver=$(ls "$root/lib/modules" | grep -v cloud | head -1)

echo "== building vhdflow"
(cd "$repo" && mvn -B -q -o -DskipTests package)
jar="$(ls "$repo"/target/vhdflow-*-all.jar | head -1)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall seconds of a command (its output discarded); cpu() gives user + system seconds instead, which a
# machine shared with other work inflates far less than wall time.
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
cpu() { /usr/bin/time -f '%U %S' -o "$work/time.txt" "$@" >/dev/null 2>&1 || true; tail -1 "$work/time.txt" | awk '{print $1 + $2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '\n%-7s %12s %14s %12s %12s %16s %8s\n' comp "initrd bytes" "entries" "inspect (s)" "inspect cpu" "lsinitramfs (s)" ratio
# compressor:level as mkinitramfs -c/-l take them ("-" = mkinitramfs's default level); lz4 at level 1
# gives the ~60 MB image the issue names.
for v in zstd:- gzip:- lz4:- lz4:1; do
  comp=${v%%:*} level=${v#*:}
  c=$comp$([ "$level" = - ] || echo "-$level")
  img="$work/initrd-$c.img"
  if [ ! -f "$img" ]; then
    mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; mount --make-rslave "$root/dev"
    chroot "$root" mkinitramfs -c "$comp" $([ "$level" = - ] || echo "-l $level") -o /tmp/bench.img "$kver" 2>/dev/null
    umount -l "$root/dev" "$root/proc"
    mv "$root/tmp/bench.img" "$img"
  fi
  vhd="$work/bench-$c.vhd"
  if [ ! -f "$vhd" ]; then
    OUTD="$work/disks" BOOT_MB=160 DISK_MB=384 BENCH_INITRD="$img" BENCH_ROOT="$root" BENCH_KVER="$kver" BENCH_NAME="bench-$c" WORK="$work/fixture-work" \
      bash "$repo/fixtures/make-linux-boot.sh" bench >/dev/null 2>&1
    zstd -d -q -f "$work/disks/bench-$c.vhd.zst" -o "$vhd"
  fi
  # The report must have read this initramfs: L12's evidence names it with its entry count.
  report=$(java -Xmx512m -jar "$jar" inspect --json "$vhd" || true)
  # The default kernel is the generic one, its initramfs has the Hyper-V modules: L12 must pass having read it.
  echo "$report" | python3 -c 'import json,sys; r=json.load(sys.stdin); l=[c for c in r["checks"] if c["id"]=="L12"][0]; sys.exit(0 if l["status"]=="pass" and any("segment(s)" in e for e in l["evidence"]) else 1)' \
    || { echo "inspect did not read the initramfs of $vhd as expected:" >&2; echo "$report" | head -c 4000 >&2; exit 1; }
  unpacked=$(echo "$report" | python3 -c 'import json,sys; r=json.load(sys.stdin); l=[c for c in r["checks"] if c["id"]=="L12"][0]; print(" ".join(e for e in l["evidence"] if e.startswith("read ")))' | grep -o '[0-9]* entries' || true)
  t_inspect=$(for i in $(seq "$runs"); do secs java -Xmx512m -jar "$jar" inspect "$vhd"; done | median)
  c_inspect=$(for i in $(seq "$runs"); do cpu java -Xmx512m -jar "$jar" inspect "$vhd"; done | median)
  cp "$img" "$root/tmp/bench.img"
  t_peer=$(for i in $(seq "$runs"); do secs chroot "$root" lsinitramfs /tmp/bench.img; done | median)
  rm -f "$root/tmp/bench.img"
  printf '%-7s %12s %14s %12.2f %12.2f %16.2f %8.2f\n' "$c" "$(stat -c %s "$img")" "$unpacked" "$t_inspect" "$c_inspect" "$t_peer" \
    "$(echo "$t_inspect / $t_peer" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(inspect: the whole verification of the disk image, JVM start included: wall and user+system CPU seconds,"
echo " median of $runs; lsinitramfs: Debian's tool listing the same initramfs, wall, median of $runs;"
echo " ratio = inspect wall / lsinitramfs wall)"
