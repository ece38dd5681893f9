#!/usr/bin/env bash
# Benchmark of the offline generalization check (issue 7) against libguestfs' virt-inspector on the
# same image, in the same run: wall time of each, ratio, and the bytes vhdflow read from the disk.
#
# The image: a 1 TiB sparse raw disk, MBR with one Linux partition from 1 MiB, ext4 made by
# `mke2fs -d` from a full Debian 12 tree with Debian's waagent (the tree fixtures/make-linux-trees.sh
# builds and caches in /var/tmp). Goals: >= 20x faster than virt-inspector; with the secrets scan on
# (issue 14: homes, /etc, /opt, /srv, agent and cloud-init state), < 2 s and < 64 MiB read.
#
# Needs root-free tools: sfdisk, mke2fs, zstd, tar, libguestfs-tools (virt-inspector; here it runs
# under TCG: LIBGUESTFS_BACKEND_SETTINGS=force_tcg when KVM is unusable), Maven with the project's
# dependencies. Usage: bash bench/inspect-vs-virt-inspector.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tree_tar="${BENCH_TREE:-/var/tmp/vhdflow-linux-bookworm-waagent.tar.zst}"
[ -f "$tree_tar" ] || { echo "no $tree_tar: run fixtures/make-linux-trees.sh first (it caches it)" >&2; exit 1; }
command -v virt-inspector >/dev/null || { echo "virt-inspector missing: apt-get install libguestfs-tools" >&2; exit 1; }
work="$(mktemp -d /var/tmp/vhdflow-bench-inspect.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== classes and class path"
(cd "$repo" && mvn -B -o -q -DskipTests compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="$repo/target/classes:$(cat "$work/cp.txt")"

echo "== image: 1 TiB sparse raw, MBR, ext4 from $(basename "$tree_tar")"
mkdir "$work/tree"
tar --zstd -xf "$tree_tar" -C "$work/tree" --numeric-owner 2>/dev/null || true
disk="$work/disk.raw"
truncate -s 1T "$disk"
echo 'start=2048, type=83' | sfdisk -q "$disk"
part_bytes=$(( (1 << 40) - (1 << 20) ))
mke2fs -q -F -t ext4 -E offset=$((1 << 20)),lazy_itable_init=1,lazy_journal_init=1 -d "$work/tree" "$disk" $((part_bytes / 4096))
echo "   virtual $(stat -c %s "$disk") bytes, allocated $(du -k "$disk" | cut -f1) KiB"

echo "== vhdflow inspect (JVM start included), 3 runs"
best=""
for i in 1 2 3; do
  s=$(date +%s.%N)
  java -Xmx256m -cp "$cp" io.vhdflow.cli.VhdflowCommand inspect --json "$disk" > "$work/ours.json" 2>/dev/null || true
  e=$(date +%s.%N)
  t=$(echo "$e - $s" | bc)
  echo "   run $i: ${t}s"
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
python3 - "$work/ours.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"   verdict {r['verdict']}, OS {r['facts'].get('osName')}, bytes read {r['bytesRead']} ({r['bytesRead']/1048576:.2f} MiB)")
scan = next((c for c in r['checks'] if c['id'] == 'LS5'), None)
if scan:
    print(f"   secrets scan ({scan['status']}): " + next(e for e in scan['evidence'] if e.startswith('scanned')).split(': ')[0])
    for e in scan['evidence']:
        if e.startswith('the scan stopped early') or 'scanned in their first' in e:
            print('   ' + e)
print(f"   goal with the secrets scan on: < 64 MiB read -> {'met' if r['bytesRead'] < 64 << 20 else 'MISSED'}")
PY
echo "   goal with the secrets scan on: < 2 s (best run, JVM start included) -> $( [ "$(echo "$best < 2" | bc)" = 1 ] && echo met || echo MISSED )"

echo "== vhdflow inspect with the secrets scan off (--scan-budget files=0), 3 runs, for the scan's own cost"
best_off=""
for i in 1 2 3; do
  s=$(date +%s.%N)
  java -Xmx256m -cp "$cp" io.vhdflow.cli.VhdflowCommand inspect --json --scan-budget files=0 "$disk" > "$work/off.json" 2>/dev/null || true
  e=$(date +%s.%N)
  t=$(echo "$e - $s" | bc)
  echo "   run $i: ${t}s"
  if [ -z "$best_off" ] || [ "$(echo "$t < $best_off" | bc)" = 1 ]; then best_off=$t; fi
done
echo "   best ${best_off}s without the scan, ${best}s with it: the scan costs $(echo "$best - $best_off" | bc)s here"

echo "== virt-inspector (libguestfs appliance)"
export LIBGUESTFS_BACKEND=direct
# KVM crashes qemu inside this workplace's VMs (nested MSR error), so TCG is the default here;
# set LIBGUESTFS_BACKEND_SETTINGS= (empty) on a machine where KVM works.
export LIBGUESTFS_BACKEND_SETTINGS="${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}"
echo "   backend settings: ${LIBGUESTFS_BACKEND_SETTINGS:-(kvm)}"
s=$(date +%s.%N)
virt-inspector --format=raw -a "$disk" > "$work/vi.xml" 2> "$work/vi.err" || echo "   virt-inspector failed: $(tail -1 "$work/vi.err")"
e=$(date +%s.%N)
vi=$(echo "$e - $s" | bc)
grep -oE "<product_name>[^<]*" "$work/vi.xml" | head -1 | sed 's/<product_name>/   virt-inspector found: /' || true
echo "   wall ${vi}s"

echo "== result"
echo "   vhdflow best ${best}s, virt-inspector ${vi}s, ratio $(echo "scale=1; $vi / $best" | bc)x faster (goal >= 20x)"
echo "   load: $(uptime)"
