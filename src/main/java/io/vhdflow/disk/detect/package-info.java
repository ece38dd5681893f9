/**
 * Detection by magic, above the format packages so that none of them imports another:
 * {@link io.vhdflow.disk.detect.VolumeSystems} reads a disk's partitions and LVM logical volumes into a
 * {@link io.vhdflow.disk.detect.DiskLayout}; {@link io.vhdflow.disk.detect.Filesystems} recognises and
 * opens the filesystem on a volume. A new filesystem or volume format is registered here.
 */
package io.vhdflow.disk.detect;
