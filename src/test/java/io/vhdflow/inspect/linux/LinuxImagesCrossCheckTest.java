package io.vhdflow.inspect.linux;

import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole-disk images of fixtures/make-linux-images.sh hold the same files as the trees the checks
 * were tested on: e2fsprogs' debugfs reads them out of the ext4 partition (at 1 MiB, as sfdisk
 * recorded) and they match {@link TreeFilesystem} byte for byte. Runs only where debugfs is installed.
 */
class LinuxImagesCrossCheckTest {

    static final List<String> PATHS = List.of("/etc/shadow", "/etc/shadow-", "/etc/passwd", "/etc/hostname",
            "/etc/waagent.conf", "/usr/lib/os-release", "/etc/machine-id");

    @ParameterizedTest
    @ValueSource(strings = {"generalized", "provisioned"})
    void ext4ImageHoldsTheTree(String variant, @TempDir Path dir) throws IOException, InterruptedException {
        ExternalTools.require("debugfs", "e2fsprogs");
        String record = Fixtures.text("linux-images/ext4-mbr-" + variant + ".txt");
        assertTrue(record.contains("\"start\": 2048"), "sfdisk recorded p1 at sector 2048");
        Path vhd = Fixtures.extract("linux-images/ext4-mbr-" + variant + ".vhd.zst", dir);
        TreeFilesystem tree = TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst");
        List<String> paths = new java.util.ArrayList<>(PATHS);
        if (variant.equals("provisioned")) {
            paths.add("/var/lib/waagent/provisioned");
            paths.add("/home/azureuser/.ssh/authorized_keys");
        }
        for (String p : paths) {
            byte[] fromImage = debugfsCat(vhd, p);
            assertArrayEquals(tree.readAllBytes(p, 1 << 20), fromImage, variant + ":" + p);
        }
    }

    private static byte[] debugfsCat(Path image, String path) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("debugfs", "-R", "cat " + path, image + "?offset=1048576")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        proc.getInputStream().transferTo(out);
        assertEquals(0, proc.waitFor());
        return out.toByteArray();
    }
}
