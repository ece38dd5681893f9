/**
 * Read-only NTFS, in pure Java, for offline inspection of Windows images, plus detection of what
 * makes a Windows volume unreadable or untrustworthy offline.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.vhdflow.disk.fs.ntfs.NtfsFilesystem#probe} / {@link io.vhdflow.disk.fs.ntfs.NtfsFilesystem#open}:
 *       the {@link io.vhdflow.disk.fs.Filesystem} API over one NTFS volume.</li>
 *   <li>{@link io.vhdflow.disk.fs.ntfs.WindowsVolumeProbe#inspect}: BitLocker, hibernation / Fast Startup
 *       and the dirty flag as {@link io.vhdflow.disk.fs.ntfs.NtfsVolumeFacts} (checklist W3, W4); never
 *       throws for a BitLocker volume.</li>
 * </ul>
 *
 * <h2>What is read</h2>
 * Boot sector geometry; MFT records through {@code $MFT}'s own runlist, with update-sequence fixups;
 * {@code $ATTRIBUTE_LIST} and extension records; resident and non-resident values (sparse runs read
 * as zeros, bytes past the initialized size as zeros); LZNT1 compression (16-cluster units);
 * {@code $I30} indexes ({@code $INDEX_ROOT} + INDX blocks) searched as B-trees with the volume's
 * {@code $UpCase} collation; {@code $FILE_NAME} namespaces (DOS 8.3 duplicates not listed); hard
 * links; symbolic links, junctions and Interix links, followed only inside the volume.
 *
 * <h2>Not read, reported instead</h2>
 * WOF / CompactOS files (reparse tag 0x80000017, XPRESS/LZX in a {@code WofCompressedData}
 * stream), Data Deduplication files and EFS-encrypted files throw
 * {@link io.vhdflow.disk.fs.ntfs.NtfsUnsupportedException}; alternate data streams are ignored;
 * {@code $LogFile} is not replayed (a dirty volume is reported, and read as it is on disk).
 *
 * <h2>Untrusted input</h2>
 * Every offset and length is checked against its record, attribute, node or volume; runs outside
 * the volume, broken fixups, attribute lengths beyond the record, index cycles and data sizes
 * beyond the runlist fail with {@link io.vhdflow.disk.DiskException} naming the structure
 * (e.g. {@code NTFS MFT record 35 attribute 0x80}) and its absolute byte offset in the source.
 * Allocation is bounded by the record / index block / compression unit sizes fixed by the boot
 * sector (at most 64 KiB, 64 KiB and 1 MiB), attribute lists by 4 MiB and a parsed-record cache of
 * 1024 entries.
 */
package io.vhdflow.disk.fs.ntfs;
