#!/usr/bin/env bash
# Makes samples/sample-linux.vhd.zst, the VHD that `vhdflow run --sample` drops into drop/:
# a 64 MiB fixed VHD holding a generalized Debian 12 (bookworm) root filesystem (ext4 on MBR) that
# boots on Azure: a real kernel and initramfs with the Hyper-V drivers, GRUB configuration and GRUB 2's
# BIOS boot code (sector 0 and the gap after it, by grub-bios-setup), sshd
# keep-alive, the Azure Linux Agent, and nothing left from a provisioned VM.
#
# It is the gen1-ready image of the test fixtures, made with real tools by
#   fixtures/make-linux-boot.sh    (debootstrap, Debian's kernel, mkinitramfs, sfdisk, mke2fs -d, grub-bios-setup, qemu-img)
# Needs root and the tools that script lists; the apt mirror is used by debootstrap.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bash "$repo/fixtures/make-linux-boot.sh" initramfs
bash "$repo/fixtures/make-linux-boot.sh" gen1-ready
cp "$repo/src/test/resources/fixtures/linux-boot/gen1-ready.vhd.zst" "$here/sample-linux.vhd.zst"
echo "wrote $here/sample-linux.vhd.zst ($(stat -c %s "$here/sample-linux.vhd.zst") bytes)"
