package io.vhdflow.pipeline;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One disk of a multi-disk job (a VM image): the OS disk is disk 0, the data disks follow in LUN
 * order. A single-disk job has none.
 *
 * @param diskNo      0 for the OS disk, then 1.. in LUN order
 * @param fileName    the file's name in the job's folder (and in its backup folder)
 * @param role        OS or DATA
 * @param lun         the data disk's logical unit number (0–63); empty for the OS disk
 * @param hostCaching the data disk's host caching (None, ReadOnly, ReadWrite); empty for the OS disk
 * @param size        the file's size at intake
 * @param modifiedAt  the file's modification time at intake: a disk that changes after intake is still being written
 * @param sourceSha256 the file's SHA-256 once backed up
 */
public record JobDisk(int diskNo, String fileName, Role role, Optional<Integer> lun, Optional<String> hostCaching,
                      long size, Instant modifiedAt, Optional<String> sourceSha256) {

    /** What a disk is in the image. */
    public enum Role {
        OS, DATA;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a disk is named in messages: its file and, for a data disk, its LUN. */
    public String describe() {
        return fileName + (role == Role.OS ? " (OS disk)" : " (data disk, LUN " + lun.orElse(-1) + ")");
    }

    public boolean isOs() {
        return role == Role.OS;
    }
}
