#!/usr/bin/env bash
# Fuzzing campaign of issue 22, for N minutes (default 10): the readers of the build's bounded
# properties (src/test/java/io/vhdflow/fuzz: VHD dynamic and fixed, VHDX, qcow2, VMDK sparse and stream, MBR, GPT + LVM, ext4, XFS, NTFS, btrfs,
# FAT32, regf, and whole verifications of the two Linux images and the Windows one), round-robin, each
# mutant a real fixture with 1-16 bytes overwritten (mostly in its first KiB and MiB). Prints, per
# reader, how many mutants ended in each outcome (read, clean-error, not-ready, cannot-determine,
# timeout, crash, oom, and for a verification still ready: ready-unread when no damaged byte was
# read, ready-unused when damaged bytes were read but the report is the undamaged image's, with
# what read them, ready-changed when what a check saw changed, listed with the change, and
# ready-over-damage when a check could not run yet the verdict was ready). Exits 1 when any mutant
# timed out, crashed, ran out of memory or was ready over damage.
#
# Needs: Java 17, Maven (offline, dependencies cached). No root.
# Usage: bash bench/fuzz.sh [minutes] [seed] [reader,reader...]   (FUZZ_HEAP=512m by default)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-10}"
cd "$repo"
mvn -B -q -o test-compile
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
# A copy of the classes: the worktree may be rebuilt while the campaign runs.
cp -r target/classes "$work/classes"
cp -r target/test-classes "$work/test-classes"
java -Xmx"${FUZZ_HEAP:-512m}" -cp "$work/test-classes:$work/classes:$(cat "$work/cp.txt")" \
  io.vhdflow.fuzz.FuzzMain "$minutes" "${2:-$(date +%s%N)}" ${3:+"$3"}
