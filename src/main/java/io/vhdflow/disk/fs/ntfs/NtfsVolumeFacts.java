package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.Finding;

import java.util.List;
import java.util.Optional;

/**
 * What a Windows volume says about whether its content can be judged (checklist W3/W4): BitLocker,
 * hibernation / Fast Startup, and the NTFS dirty flag.
 *
 * @param kind        what the volume is
 * @param label       NTFS volume label
 * @param dirty       the NTFS dirty flag is set
 * @param hibernation state of hiberfil.sys ({@link HibernationState#UNKNOWN} when not readable)
 * @param findings    the findings these facts imply, for reports
 */
public record NtfsVolumeFacts(Kind kind, Optional<String> label, boolean dirty, HibernationState hibernation,
                              List<Finding> findings) {

    /** What the volume is. */
    public enum Kind {
        /** A readable NTFS volume. */
        NTFS,
        /** A BitLocker-encrypted volume: content cannot be read, verdicts are "cannot determine". */
        BITLOCKER,
        /** Neither NTFS nor BitLocker. */
        OTHER
    }

    public NtfsVolumeFacts {
        findings = List.copyOf(findings);
    }

    /** True for a BitLocker volume. */
    public boolean encrypted() {
        return kind == Kind.BITLOCKER;
    }

    /** True when the volume is a cold, consistent NTFS: not encrypted, not hibernated, not dirty. */
    public boolean cleanlyShutDown() {
        return kind == Kind.NTFS && !dirty
                && (hibernation == HibernationState.ABSENT || hibernation == HibernationState.CLEARED);
    }
}
