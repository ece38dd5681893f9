#!/usr/bin/env bash
# Benchmark of `vhdflow vhd convert` from each format vhdflow reads besides VHD (issue 18): an
# 8 GiB disk holding ~1.8 GB of data (56 runs of 32 MiB, each half random and half base64 text,
# so compression has something to do), as a VHDX, a qcow2 (zlib-compressed clusters), a qcow2
# (zstd), a streamOptimized VMDK and an OVA around that VMDK, each converted to an Azure-ready
# fixed VHD with MD5 + SHA-256, all measured in the same run. Not a unit test.
#
#   ours   java -Xmx128m ... vhd convert IN OUT.vhd        (one pass; digests on two threads)
#   floor  cat IN > /dev/null  +  md5sum OUT                (reading the data once, then the MD5 of
#                                                            the 8 GiB output, which is strictly sequential)
#   qemu   qemu-img convert -O vpc -o subformat=fixed,force_size=on IN Q.vhd; md5sum Q.vhd; sha256sum Q.vhd
#          (qemu-img cannot read an OVA: for the OVA it reads the VMDK unpacked beforehand, untimed)
# Goal: ours <= 1.15 x floor, heap <= 128 MiB. Every output is checked: qemu-img compare of ours
# with qemu's, and our printed digests against md5sum/sha256sum.
#
# On a machine shared with other work the wall times swing with the load, so ours and the floor are
# run alternately BENCH_REPEAT times (default 2) and the best of each is compared; the load average is
# printed with every measure.
#
# Needs ~25 GB free under $BENCH_DIR (default /tmp), qemu-img, tar, Maven (offline) with the
# project's dependencies. Usage: bash bench/containers-convert.sh   (BENCH_FORMATS="vhdx qcow2-zlib"
# to run some; BENCH_KEEP=1 keeps the files)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
base="${BENCH_DIR:-/tmp}"
formats="${BENCH_FORMATS:-vhdx qcow2-zlib qcow2-zstd vmdk ova}"
repeat="${BENCH_REPEAT:-2}"
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))
virtual=$((8 * GiB))
chunks=56

avail_kb=$(df -Pk "$base" | awk 'NR==2 {print $4}')
echo "== free space under $base: $((avail_kb / 1024 / 1024)) GiB"
if [ "$avail_kb" -lt $((25 * 1024 * 1024)) ]; then echo "need ~25 GB free under $base" >&2; exit 1; fi
work="$(mktemp -d "$base/vhdflow-bench-containers.XXXXXX")"
cleanup() { if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

echo "== building classes and class path"
(cd "$repo" && mvn -B -o -q -DskipTests compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
# A private copy of the classes: a build in the worktree during the run cannot change what is measured.
cp -r "$repo/target/classes" "$work/classes"
cp="$work/classes:$(cat "$work/cp.txt")"
vhdflow=(java -Xmx128m -cp "$cp" io.vhdflow.cli.VhdflowCommand vhd)

echo "== making the input: 8 GiB virtual, $chunks x 32 MiB of data (half random, half base64 text)"
truncate -s "$virtual" "$work/in.raw"
step=$((virtual / chunks))
for ((i = 0; i < chunks; i++)); do
  { head -c $((16 * MiB)) /dev/urandom; head -c $((12 * MiB)) /dev/urandom | base64 -w 0 | head -c $((16 * MiB)); } \
    | dd of="$work/in.raw" bs=1M iflag=fullblock seek=$((i * step + i * 4096)) oflag=seek_bytes conv=notrunc status=none
done
data_bytes=$((chunks * 32 * MiB))

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

declare -A ours ours_cpu ours_rss floor qemu in_size
for f in $formats; do
  echo "== input as $f"
  case "$f" in
    vhdx) in="$work/in.vhdx"; qemu-img convert -f raw -O vhdx "$work/in.raw" "$in"; qin="$in" ;;
    qcow2-zlib) in="$work/in-zlib.qcow2"; qemu-img convert -f raw -O qcow2 -c -o compression_type=zlib "$work/in.raw" "$in"; qin="$in" ;;
    qcow2-zstd) in="$work/in-zstd.qcow2"; qemu-img convert -f raw -O qcow2 -c -o compression_type=zstd "$work/in.raw" "$in"; qin="$in" ;;
    vmdk) in="$work/in.vmdk"; qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/in.raw" "$in"; qin="$in" ;;
    ova)
      mkdir -p "$work/ova"
      qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$work/in.raw" "$work/ova/disk1.vmdk"
      python3 "$repo/fixtures/containers-synthetic.py" ovf "$work/ova/bench.ovf" \
        "[[\"disk1.vmdk\", \"vmdisk1\", $virtual, 0, $(stat -c %s "$work/ova/disk1.vmdk")]]"
      tar --format=ustar -C "$work/ova" -cf "$work/in.ova" bench.ovf disk1.vmdk
      in="$work/in.ova"; qin="$work/ova/disk1.vmdk" ;;
    *) echo "unknown format $f" >&2; exit 1 ;;
  esac
  in_size[$f]=$(stat -c %s "$in")
  sync; cat "$in" > /dev/null; cat "$qin" > /dev/null   # warm cache for everyone
  echo "   $(basename "$in"): ${in_size[$f]} bytes; load $(uptime | sed 's/.*load average: //')"

  ours[$f]=999999; floor[$f]=999999
  for ((r = 1; r <= repeat; r++)); do
    rm -f "$work/ours.vhd"
    t0=$(now)
    /usr/bin/time -f "%M %U %S" -o "$work/ours.rss" "${vhdflow[@]}" convert --no-progress "$in" "$work/ours.vhd" > "$work/ours.txt"
    t1=$(now); w=$(secs "$t0" "$t1")
    if (( $(echo "$w < ${ours[$f]}" | bc -l) )); then
      ours[$f]=$w; ours_cpu[$f]=$(awk '{print $2 + $3}' "$work/ours.rss"); ours_rss[$f]=$(awk '{print $1}' "$work/ours.rss")
    fi
    echo "   ours  $w s wall, $(awk '{print $2 + $3}' "$work/ours.rss") s CPU, peak RSS $(awk '{print $1}' "$work/ours.rss") KiB; load $(cut -d' ' -f1 /proc/loadavg)"
    t0=$(now); cat "$in" > /dev/null; md5sum "$work/ours.vhd" > "$work/ours.md5"; t1=$(now); w=$(secs "$t0" "$t1")
    if (( $(echo "$w < ${floor[$f]}" | bc -l) )); then floor[$f]=$w; fi
    echo "   floor $w s (cat input + md5sum output); load $(cut -d' ' -f1 /proc/loadavg)"
  done

  t0=$(now)
  bash -c 'qemu-img convert -O vpc -o subformat=fixed,force_size=on "$1" "$2/qemu.vhd"; md5sum "$2/qemu.vhd" > /dev/null; sha256sum "$2/qemu.vhd" > /dev/null' _ "$qin" "$work"
  t1=$(now); qemu[$f]=$(secs "$t0" "$t1")
  echo "   qemu  ${qemu[$f]} s; load $(cut -d' ' -f1 /proc/loadavg)"

  [ "$(awk '/md5 /{print $2}' "$work/ours.txt")" = "$(cut -d' ' -f1 "$work/ours.md5")" ] || { echo "MD5 MISMATCH" >&2; exit 1; }
  [ "$(awk '/sha256 /{print $2}' "$work/ours.txt")" = "$(sha256sum < "$work/ours.vhd" | cut -d' ' -f1)" ] || { echo "SHA-256 MISMATCH" >&2; exit 1; }
  qemu-img compare -q -f vpc -F vpc "$work/ours.vhd" "$work/qemu.vhd" || { echo "OUTPUT DIFFERS from qemu-img's" >&2; exit 1; }
  echo "   digests match md5sum/sha256sum; output equals qemu-img's"
  rm -f "$work/ours.vhd" "$work/qemu.vhd" "$in"; rm -rf "$work/ova"
done

echo
echo "================ results ($(nproc) cores; $(uptime | sed 's/.*load/load/')) ================"
echo "8 GiB virtual, $data_bytes bytes of data; ours with -Xmx128m"
printf "| %-10s | %14s | %9s | %9s | %12s | %9s | %10s | %11s |\n" format "input bytes" "ours s" "floor s" "ours/floor" "qemu s" "ours/qemu" "ours RSS MiB"
printf "|%s|\n" "------------|----------------|-----------|-----------|--------------|-----------|------------|-------------"
for f in $formats; do
  printf "| %-10s | %14d | %9.2f | %9.2f | %12.3f | %9.2f | %10.3f | %11d |\n" "$f" "${in_size[$f]}" "${ours[$f]}" \
    "${floor[$f]}" "$(echo "${ours[$f]} / ${floor[$f]}" | bc -l)" "${qemu[$f]}" "$(echo "${ours[$f]} / ${qemu[$f]}" | bc -l)" \
    $((${ours_rss[$f]} / 1024))
done
echo "best of $repeat for ours and the floor; goal: ours/floor <= 1.15"
echo "CPU (user+sys, all threads) of ours: $(for f in $formats; do printf '%s %.1f s; ' "$f" "${ours_cpu[$f]}"; done)"
