package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * The volume is BitLocker-encrypted (OEM ID {@code -FVE-FS-}): its files cannot be read offline
 * without the recovery key, so any verdict about its content is "cannot determine".
 */
public class EncryptedVolumeException extends DiskException {
    private static final long serialVersionUID = 1L;

    public EncryptedVolumeException(String structure, long offset) {
        super(ErrorKind.ENCRYPTED, structure, offset, "the volume is BitLocker-encrypted (OEM ID '-FVE-FS-'); its files cannot be read "
                + "offline. Decrypt it in Windows (manage-bde -off) or supply an unencrypted image");
    }
}
