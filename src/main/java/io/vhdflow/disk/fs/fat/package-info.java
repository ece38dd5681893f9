/**
 * Read-only FAT12/16/32 with VFAT long names, for the EFI System Partition; see
 * {@link io.vhdflow.disk.fs.fat.FatFilesystem}.
 */
package io.vhdflow.disk.fs.fat;
