/**
 * Read-only btrfs read offline from an untrusted image.
 *
 * <p>{@link io.vhdflow.disk.fs.btrfs.BtrfsFilesystem} is the entry point ({@code probe}, {@code open}
 * for the default subvolume, {@code openSubvolume(path | id)} for the one an fstab line names with
 * {@code subvol=} / {@code subvolid=}, {@code subvolumes()}, {@code xattrs}); each other class owns
 * one on-disk structure and documents its fields with offsets: {@code BtrfsSuperblock} (and its
 * mirrors), {@code ChunkMap} (system chunk array and chunk tree: logical to physical, single and
 * DUP only), {@code TreeBlock} and {@code TreeReader} (checked nodes and leaves, key search),
 * {@code RootItem}, {@code InodeItem}, {@code DirItem} (directory entries and xattrs), {@code BtrfsDirectories}
 * (lookups by name hash, listings by index, subvolume crossings),
 * {@code FileExtent}, {@code BtrfsFileSource} (a file's bytes through its extents),
 * {@code Decompressor} and {@code Lzo1x} (zlib, btrfs's segmented lzo, zstd), {@code BtrfsChecksum},
 * {@code XxHash64} and {@code Blake2b} (the four metadata checksums, all verified).
 *
 * <p>Refused with {@link io.vhdflow.disk.ErrorKind#UNSUPPORTED}: several devices, chunks with a RAID
 * profile (RAID0/1/10/5/6/1C3/1C4), the zoned, extent-tree-v2 and raid-stripe-tree layouts, unknown
 * incompatible features, checksum or compression types. Reported rather than refused
 * ({@link io.vhdflow.disk.Finding} codes): {@code btrfs.superblock-mirror-used} (primary damaged, a
 * mirror read), {@code btrfs.metadata-copy-used} (a DUP block's first copy failed its checks),
 * {@code btrfs.log-tree} (an unreplayed tree log: not cleanly unmounted), {@code btrfs.truncated}.
 *
 * <p>Not read: the extent, checksum, free-space and device trees (never needed to find a file),
 * data checksums (metadata is verified, data is not), the tree log (not replayed), send/receive
 * and quota information.
 */
package io.vhdflow.disk.fs.btrfs;
