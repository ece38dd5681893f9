/**
 * The volume layer: splits a disk ({@link io.vhdflow.disk.container.ByteSource}) into volumes.
 *
 * <p>{@link io.vhdflow.disk.volume.PartitionTables#read} detects the partitioning scheme by magic
 * (MBR with its EBR chain, GPT with fallback to the backup header, or none) and returns every
 * partition as a {@link io.vhdflow.disk.volume.Volume} (a positional source with a stable evidence
 * id such as {@code gpt:p2}), with findings about damage. LVM2 ({@code volume.lvm}) turns physical
 * volumes into logical volumes. The two are put together, above this package, by
 * {@code io.vhdflow.disk.detect.VolumeSystems}, so this package imports neither LVM nor filesystems.
 *
 * <p>All structures come from untrusted images: sizes are capped before allocation, chains are
 * bounded and cycle-checked, and failures are {@link io.vhdflow.disk.DiskException}s that
 * name the structure and its absolute byte offset.
 */
package io.vhdflow.disk.volume;
