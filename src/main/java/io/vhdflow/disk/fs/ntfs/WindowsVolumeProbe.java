package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.container.ByteSource;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Detects, without failing on them, the conditions that make a Windows volume's content
 * unreadable or untrustworthy offline: BitLocker encryption (OEM ID {@code -FVE-FS-} at byte 3),
 * a hibernation / Fast Startup image in {@code hiberfil.sys}, and the NTFS dirty flag.
 */
public final class WindowsVolumeProbe {
    private WindowsVolumeProbe() {
    }

    /**
     * Inspects the volume in {@code src}. A BitLocker volume yields {@link NtfsVolumeFacts.Kind#BITLOCKER}
     * with a finding, never an exception.
     *
     * @throws io.vhdflow.disk.DiskException when the volume is NTFS but too corrupt to open
     */
    public static NtfsVolumeFacts inspect(ByteSource src) throws IOException {
        if (NtfsBootSector.isBitLocker(src)) {
            return new NtfsVolumeFacts(NtfsVolumeFacts.Kind.BITLOCKER, Optional.empty(), false,
                    HibernationState.UNKNOWN, List.of(new Finding("windows.bitlocker", 3, "the volume on "
                    + src.describe() + " is BitLocker-encrypted (OEM ID '-FVE-FS-'): its content cannot be "
                    + "inspected offline, so generalization cannot be determined")));
        }
        if (!NtfsBootSector.probe(src)) {
            return new NtfsVolumeFacts(NtfsVolumeFacts.Kind.OTHER, Optional.empty(), false, HibernationState.UNKNOWN,
                    List.of());
        }
        try (NtfsFilesystem fs = NtfsFilesystem.open(src)) {
            return new NtfsVolumeFacts(NtfsVolumeFacts.Kind.NTFS, fs.label(), fs.dirty(), fs.hibernation(),
                    fs.findings());
        }
    }
}
