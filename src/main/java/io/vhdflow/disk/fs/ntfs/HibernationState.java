package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.Finding;
import io.vhdflow.disk.fs.FileType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * What {@code \hiberfil.sys} says about the Windows installation on the volume. Its first page
 * (the PO_MEMORY_IMAGE header) starts with a 4-byte signature:
 * <ul>
 *   <li>{@code hibr} (Windows XP-7) / {@code HIBR} (Windows 8+, also Fast Startup): a hibernation
 *       image Windows will resume from. ntfs-3g and GRUB refuse to mount / treat the volume as
 *       hibernated on exactly these two values.</li>
 *   <li>{@code RSTR}: a resume was in progress (the image is still present).</li>
 *   <li>{@code HORM}: "hibernate once, resume many" (embedded): the image is resumed on every boot.</li>
 *   <li>{@code wake} / {@code WAKE}: the image has been resumed from; it is stale, not resumable.</li>
 *   <li>all zeros: Windows cleared the header after resuming or at a clean shutdown: no image.</li>
 * </ul>
 * Any other content is reported as {@link #UNKNOWN}: the verdict cannot rely on it.
 */
public enum HibernationState {
    /** No hiberfil.sys in the root directory. */
    ABSENT,
    /** hiberfil.sys exists with an all-zero header (or is empty): no hibernation image. */
    CLEARED,
    /** A resumable image: the volume is hibernated or was shut down with Fast Startup. */
    HIBERNATED,
    /** The header says the image was already resumed from ({@code wake}). */
    RESUMED,
    /** A non-zero header with an unrecognised signature, or an unreadable file. */
    UNKNOWN;

    /** Bytes of the header examined (ntfs-3g checks the same 4096). */
    static final int HEADER = 4096;

    /** Classifies a hiberfil.sys from its first bytes. */
    public static HibernationState classify(byte[] header) {
        boolean zero = true;
        for (byte b : header) {
            if (b != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return CLEARED;
        }
        if (header.length < 4) {
            return UNKNOWN;
        }
        String sig = new String(header, 0, 4, StandardCharsets.ISO_8859_1);
        return switch (sig) {
            case "hibr", "HIBR", "RSTR", "rstr", "HORM", "horm" -> HIBERNATED;
            case "wake", "WAKE" -> RESUMED;
            default -> UNKNOWN;
        };
    }

    static HibernationState of(NtfsFilesystem fs) throws IOException {
        try {
            if (fs.lstat("/hiberfil.sys").type() != FileType.REGULAR) {
                return UNKNOWN;
            }
        } catch (NoSuchFileException e) {
            return ABSENT;
        }
        try (var in = fs.newInputStream("/hiberfil.sys")) {
            return classify(in.readNBytes(HEADER));
        }
    }

    /** The finding this state implies, if any. */
    Optional<Finding> finding() {
        return switch (this) {
            case HIBERNATED -> Optional.of(new Finding("windows.hibernated", -1, "hiberfil.sys holds a hibernation "
                    + "image (hibernate or Fast Startup): the volume is not a cold, cleanly shut down image. Boot it "
                    + "and shut down fully with Fast Startup off (powercfg /h off)"));
            case RESUMED -> Optional.of(new Finding("windows.hiberfil-resumed", -1, "hiberfil.sys holds a resumed "
                    + "(stale, 'wake') hibernation header; not resumable but not cleared"));
            case UNKNOWN -> Optional.of(new Finding("windows.hiberfil-unknown", -1, "hiberfil.sys has a non-zero "
                    + "header with an unrecognised signature: cannot tell whether Windows is hibernated"));
            default -> Optional.empty();
        };
    }
}
