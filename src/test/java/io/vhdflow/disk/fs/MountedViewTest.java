package io.vhdflow.disk.fs;

import io.vhdflow.testing.TreeFilesystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountedViewTest {

    /** A tree from (path, content) pairs; content "->target" makes a symbolic link, "/" a directory. */
    static TreeFilesystem tree(String... pathsAndContents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (int i = 0; i < pathsAndContents.length; i += 2) {
                String path = pathsAndContents[i];
                String content = pathsAndContents[i + 1];
                TarArchiveEntry e;
                if (content.startsWith("->")) {
                    e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(content.substring(2));
                    tar.putArchiveEntry(e);
                } else if (content.equals("/")) {
                    e = new TarArchiveEntry(path + "/");
                    tar.putArchiveEntry(e);
                } else {
                    byte[] data = content.getBytes(StandardCharsets.UTF_8);
                    e = new TarArchiveEntry(path);
                    e.setSize(data.length);
                    tar.putArchiveEntry(e);
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            }
        }
        return TreeFilesystem.fromTar(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static String read(Filesystem fs, String path) throws IOException {
        return fs.readString(path, 1024);
    }

    @Test
    void pathsLinksAndDotDotCrossMountPointsAsOnLinux() throws IOException {
        TreeFilesystem rootFs = tree("etc/os-release", "ID=debian\n", "var", "/", "etc/lease", "->/var/lib/dhcp/lease",
                "etc/up", "->../var/../etc/os-release", "var/hidden", "under the mount");
        TreeFilesystem varFs = tree("lib/dhcp/lease", "lease of the var volume", "lib/back", "->../../etc/os-release");
        TreeFilesystem homeFs = tree("alice/.bash_history", "ls\n");
        MountedView view = MountedView.of(rootFs, "gpt:p2/ext4").mount("/var", varFs, "lvm:rootvg/var/xfs")
                .mount("/home", homeFs, "lvm:rootvg/home/ext4");

        assertEquals("ID=debian\n", read(view, "/etc/os-release"));
        assertEquals("lease of the var volume", read(view, "/var/lib/dhcp/lease"));
        assertEquals("lease of the var volume", read(view, "/etc/lease"), "an absolute link on / reads /var's volume");
        assertEquals("ID=debian\n", read(view, "/var/lib/back"), "'..' climbs out of the mount onto the root");
        assertEquals("ID=debian\n", read(view, "/etc/up"));
        assertFalse(view.exists("/var/hidden"), "a mount hides what lies under its mount point");
        assertEquals("ls\n", read(view, "/home/alice/.bash_history"));

        List<String> top = view.list("/").stream().map(DirEntry::name).sorted().toList();
        assertEquals(List.of("etc", "home", "var"), top, "a mount point missing on the root is listed too");
        assertEquals(FileType.DIRECTORY, view.stat("/home").type());

        assertEquals("lvm:rootvg/var/xfs:/var/lib/dhcp/lease", view.where("/var/lib/dhcp/lease"));
        assertEquals("gpt:p2/ext4:/etc/shadow", view.where("/etc/shadow"));
        assertEquals("gpt:p2/ext4:/variable", view.where("/variable"), "a mount point matches whole names only");
        assertEquals(3, view.mounts().size());
        assertThrows(NoSuchFileException.class, () -> view.stat("/var/lib/missing"));
    }

    @Test
    void aLaterMountAtTheSamePointHidesTheEarlierOne() throws IOException {
        MountedView view = MountedView.of(tree("etc/fstab", "x"), "disk/ext4")
                .mount("/boot", tree("vmlinuz", "old"), "mbr:p1/ext4")
                .mount("/boot/", tree("vmlinuz", "new"), "mbr:p2/ext4");
        assertEquals("new", read(view, "/boot/vmlinuz"));
        assertEquals(2, view.mounts().size());
        assertTrue(view.where("/boot/vmlinuz").startsWith("mbr:p2/ext4:"));
        assertThrows(IllegalArgumentException.class, () -> view.mount("/a/../b", tree(), "x"));
    }
}
