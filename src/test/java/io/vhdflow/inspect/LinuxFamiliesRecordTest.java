package io.vhdflow.inspect;

import io.vhdflow.disk.container.DiskImage;
import io.vhdflow.disk.container.DiskImages;
import io.vhdflow.disk.detect.DiskLayout;
import io.vhdflow.disk.detect.Filesystems;
import io.vhdflow.disk.detect.VolumeSystems;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.NodeFilesystem;
import io.vhdflow.disk.fs.btrfs.BtrfsFilesystem;
import io.vhdflow.disk.fs.btrfs.Subvolume;
import io.vhdflow.disk.volume.Volume;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The family images hold exactly the trees the real tools wrote: every regular file recorded in
 * {@code <variant>.tree.txt} (sha256sum run on the tree before it was put on the disk) reads back
 * with the same SHA-256 through vhdflow's readers (ext4, XFS on LVM, btrfs), and the btrfs images'
 * subvolumes and default subvolume are what {@code btrfs subvolume list} and {@code get-default}
 * printed on the kernel's mount.
 */
class LinuxFamiliesRecordTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ext4-mbr-debian-cloud-generalized", "ext4-mbr-debian-cloud-uncleaned",
        "ext4-mbr-debian-cloud-installer-leftovers", "xfs-lvm-gpt-rhel-generalized", "xfs-lvm-gpt-rhel-build-network",
        "xfs-lvm-gpt-rhel-provisioned", "btrfs-gpt-suse-generalized", "btrfs-gpt-suse-registered",
        "btrfs-gpt-suse-build-network", "ext4-mbr-azurelinux-generalized", "ext4-mbr-azurelinux-uncleaned",
        "ext4-mbr-azurelinux-cloud-init-disabled"})
    void theImageHoldsTheRecordedTree(String image) throws IOException {
        String variant = image.replaceFirst("^(ext4-mbr|xfs-lvm-gpt|btrfs-gpt)-", "");
        Map<String, String> sha = recordedSha256(Fixtures.text("linux-families/" + variant + ".tree.txt"));
        assertTrue(sha.size() > 10, variant + ": " + sha.size() + " files recorded");
        try (DiskImage img = DiskImages.open(Fixtures.extract("linux-families/" + image + ".vhd.zst", dir))) {
            DiskLayout layout = VolumeSystems.open(img.virtualDisk());
            NodeFilesystem<?> root = rootFilesystem(layout).orElseThrow(() -> new AssertionError("no root filesystem"));
            int compared = 0;
            for (Map.Entry<String, String> e : sha.entrySet()) {
                String path = "/" + e.getKey();
                if (image.startsWith("btrfs") && path.startsWith("/home/")) {
                    continue; // in the @/home subvolume, mounted by fstab
                }
                FileAttributes a = root.lstat(path);
                assertTrue(a.isRegularFile(), path);
                assertEquals(e.getValue(), sha256(root.readAllBytes(path, 64 << 20)), image + ":" + path);
                compared++;
            }
            assertTrue(compared > 10, compared + " files compared");
            if (root instanceof BtrfsFilesystem btrfs) {
                assertSubvolumesAsRecorded(btrfs, Fixtures.text("linux-families/" + image + ".txt"));
            }
        }
    }

    private static void assertSubvolumesAsRecorded(BtrfsFilesystem fs, String record) throws IOException {
        Map<Long, String> want = new TreeMap<>();
        Matcher m = Pattern.compile("ID (\\d+) gen \\d+ parent (\\d+) top level \\d+ path (?:<FS_TREE>/)?(\\S+)").matcher(record);
        while (m.find()) {
            want.put(Long.parseLong(m.group(1)), m.group(2) + " " + m.group(3));
        }
        Map<Long, String> got = new TreeMap<>();
        for (Subvolume s : fs.subvolumes()) {
            got.put(s.id(), s.parentId() + " " + s.path());
        }
        assertEquals(want, got);
        Matcher d = Pattern.compile("# btrfs subvolume get-default\\nID (\\d+) ").matcher(record);
        assertTrue(d.find());
        assertEquals(Long.parseLong(d.group(1)), fs.defaultSubvolumeId());
        assertEquals(fs.defaultSubvolumeId(), fs.subvolumeId(), "opened at the default subvolume");
        // The kernel wrote the tree with compress=zstd: the rpm database's extents are zstd-compressed.
        assertTrue(fs.extents("/usr/lib/sysimage/rpm/rpmdb.sqlite").stream().anyMatch(x -> x.endsWith(" regular zstd")),
                fs.extents("/usr/lib/sysimage/rpm/rpmdb.sqlite").toString());
    }

    private static Optional<NodeFilesystem<?>> rootFilesystem(DiskLayout layout) throws IOException {
        for (Volume v : layout.volumes()) {
            Optional<NodeFilesystem<?>> fs = Filesystems.open(v.source());
            if (fs.isPresent() && fs.get().exists("/etc/os-release")) {
                return fs;
            }
        }
        return Optional.empty();
    }

    /** The {@code # sha256} section of a tree record: path to hex digest. */
    static Map<String, String> recordedSha256(String record) {
        Map<String, String> out = new TreeMap<>();
        boolean in = false;
        for (String line : record.split("\n")) {
            if (line.startsWith("# ")) {
                in = line.startsWith("# sha256");
                continue;
            }
            if (in && line.length() > 66 && line.charAt(64) == ' ') {
                out.put(line.substring(66), line.substring(0, 64));
            }
        }
        return out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
