/**
 * Read-only XFS (v5, and v4 with version 2 directories) read offline from an untrusted image.
 *
 * <p>{@link io.vhdflow.disk.fs.xfs.XfsFilesystem} is the entry point ({@code probe}, {@code open})
 * and the node API; the other classes each own one on-disk structure and document its fields with
 * offsets: {@code XfsSuperblock}, {@code XfsInode}, {@code XfsExtent}, {@code XfsBmbtBlock}
 * (block-map B+tree nodes), {@code XfsDirectory} (short-form, block, leaf and node directories,
 * read through their data blocks), {@code XfsSymlink} (inline and remote link targets),
 * {@code XfsLog} (clean-unmount check of the internal log), {@code XfsInodes} (inodes by
 * number, cached). Data forks are read two ways: {@code XfsBmap} walks the extents in order
 * (directories, link targets), {@code XfsExtentMap} finds the extent holding one file block (file
 * content, read at any position through {@link io.vhdflow.disk.fs.BlockMappedSource}).
 * {@code XfsDirectoryTree} answers lookups and listings for the node API, keeping listings between
 * lookups.
 *
 * <p>V5 CRCs are verified on every structure read (superblock, inodes, directory data blocks, bmbt
 * blocks, remote symlink buffers): a mismatch is the finding {@code xfs.crc-mismatch} and fails the
 * read with a {@link io.vhdflow.disk.DiskException} naming the structure and offset (the superblock's
 * fails the open), so nothing is answered from damaged metadata. Reported rather than refused
 * ({@link io.vhdflow.disk.Finding} codes): {@code xfs.log-dirty} (the newest log record is not an unmount record),
 * {@code xfs.log-unreadable}, {@code xfs.log-incompat}, {@code xfs.log-external}, {@code xfs.needs-repair},
 * {@code xfs.mkfs-in-progress}, {@code xfs.truncated}. The log is not replayed: after an unclean
 * shutdown the files read are what reached their home location.
 *
 * <p>Not read: allocation-group headers and free-space / inode B+trees (never needed to find a
 * file by path: inode numbers encode their AG, block and slot), extended attributes, the
 * realtime device, hash-based leaf/node lookups (data blocks are scanned instead).
 */
package io.vhdflow.disk.fs.xfs;
