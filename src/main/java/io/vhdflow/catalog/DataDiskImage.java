package io.vhdflow.catalog;

import java.util.Optional;

/**
 * A data disk image of a registered VM image version ({@code storageProfile.dataDiskImages[]}).
 *
 * @param lun          its logical unit number, 0–63, unique in the version
 * @param hostCaching  None, ReadOnly or ReadWrite
 * @param vhd          the fixed VHD's file name in the version's package folder
 * @param virtualSize  virtual disk size in bytes (a whole MiB)
 * @param fileSize     size of the fixed VHD file
 * @param dataBytes    bytes of the virtual disk holding data, when known
 * @param md5          MD5 of the whole fixed VHD (Azure's Content-MD5), hex; empty when not computed
 * @param sha256       SHA-256 of the whole fixed VHD, hex; empty when not computed
 * @param sourceSha256 SHA-256 of the disk as dropped
 * @param blobUri      the page blob it was uploaded to (never with a SAS token), once verified
 * @param integrity    the data tree digest of the virtual disk (as the OS disk's), hex
 */
public record DataDiskImage(int lun, String hostCaching, String vhd, long virtualSize, long fileSize,
                            Optional<Long> dataBytes, String md5, String sha256, String sourceSha256,
                            Optional<String> blobUri, Optional<String> integrity) {
}
