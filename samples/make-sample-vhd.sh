#!/usr/bin/env bash
# Makes samples/sample-linux.vhd.zst: a 64 MiB dynamic VHD holding an MBR partition table and one
# ext4 partition with a small Linux-shaped tree. Made by real tools: sfdisk, mke2fs -d, qemu-img.
# Needs: fdisk (sfdisk), e2fsprogs, qemu-utils, zstd. No root needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

root="$tmp/root"
mkdir -p "$root"/{etc/ssh,var/lib/waagent,home,root,usr/sbin,boot}
cat > "$root/etc/os-release" <<'OS'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
OS
echo "sample" > "$root/etc/hostname"
printf 'UUID=0b4ea1cc-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1\n' > "$root/etc/fstab"
: > "$root/etc/machine-id"
printf 'root:*:19700:0:99999:7:::\n' > "$root/etc/shadow"
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$root/etc/passwd"
printf 'Provisioning.Agent=auto\nProvisioning.RegenerateSshHostKeyPair=y\n' > "$root/etc/waagent.conf"

img="$tmp/disk.raw"
truncate -s 64M "$img"
# One Linux partition from 1 MiB to the end.
echo 'start=2048, type=83' | sfdisk -q "$img"
part="$tmp/part.raw"
truncate -s $((64 * 1024 * 1024 - 1024 * 1024)) "$part"
mke2fs -q -t ext4 -L sample-root -U 0b4ea1cc-0000-4000-8000-000000000001 -d "$root" "$part"
dd if="$part" of="$img" bs=1M seek=1 conv=notrunc,sparse status=none
qemu-img convert -q -f raw -O vpc -o subformat=dynamic "$img" "$tmp/sample-linux.vhd"
zstd -q -19 -f "$tmp/sample-linux.vhd" -o "$here/sample-linux.vhd.zst"
echo "wrote $here/sample-linux.vhd.zst ($(stat -c %s "$here/sample-linux.vhd.zst") bytes)"
