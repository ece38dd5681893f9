/**
 * The volume layer: splits a disk ({@link io.vhdflow.disk.container.ByteSource}) into volumes.
 *
 * <p>{@link io.vhdflow.disk.volume.VolumeSystems#open} detects the partitioning scheme by magic
 * (MBR with its EBR chain, GPT with fallback to the backup header, or none), finds LVM2 physical
 * volumes on the partitions or the bare disk, and returns a {@link io.vhdflow.disk.volume.DiskLayout}:
 * every partition and readable logical volume as a {@link io.vhdflow.disk.volume.Volume} (a
 * positional source with a stable evidence id such as {@code gpt:p2} or {@code lvm:rootvg/root}),
 * findings about damage, and the facts the checks need (boot scheme and Hyper-V generation, G6;
 * partitions in the first 2 MiB, G7; swap partitions, L14).
 *
 * <p>All structures come from untrusted images: sizes are capped before allocation, chains are
 * bounded and cycle-checked, and failures are {@link io.vhdflow.disk.DiskException}s that
 * name the structure and its absolute byte offset.
 */
package io.vhdflow.disk.volume;
