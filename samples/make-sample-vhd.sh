#!/usr/bin/env bash
# Makes samples/sample-linux.vhd.zst, the VHD that `vhdflow run --sample` drops into drop/:
# a 64 MiB fixed VHD holding a Debian 12 (bookworm) root filesystem (ext4 on MBR) that was
# generalized by the REAL Azure Linux Agent (`waagent -deprovision+user -force`).
#
# It is the ext4-mbr-generalized image of the test fixtures, made with real tools by
#   fixtures/make-linux-trees.sh   (debootstrap, Debian's waagent, real deprovisioning)
#   fixtures/make-linux-images.sh  (sfdisk, mke2fs -d, qemu-img)
# Needs root and the tools those scripts list; the apt mirror is used by debootstrap.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bash "$repo/fixtures/make-linux-trees.sh"
bash "$repo/fixtures/make-linux-images.sh"
cp "$repo/src/test/resources/fixtures/linux-images/ext4-mbr-generalized.vhd.zst" "$here/sample-linux.vhd.zst"
echo "wrote $here/sample-linux.vhd.zst ($(stat -c %s "$here/sample-linux.vhd.zst") bytes)"
