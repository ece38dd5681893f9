package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.TreeFilesystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed trees are what the real trees held: every kept path's mode, owner, size, link
 * target (find -printf) and content hash (sha256sum), recorded by make-linux-trees.sh in the real
 * tree, match what {@link TreeFilesystem} serves from the archive.
 */
class LinuxFixtureRecordTest {

    @ParameterizedTest
    @ValueSource(strings = {"provisioned", "generalized", "deprov-nouser", "root-password-left", "host-keys-left",
            "history-left", "generalized-debian-conf", "cloudinit-leftover", "cloudinit-clean", "arm64-foreign"})
    void archiveMatchesTheRecordedView(String variant) throws IOException, NoSuchAlgorithmException {
        TreeFilesystem fs = TreeFilesystem.fromResource("/fixtures/linux/" + variant + ".tar.zst");
        String record = Fixtures.text("linux/" + variant + ".txt");
        int stats = 0;
        int hashes = 0;
        boolean inHashes = false;
        for (String line : record.split("\n")) {
            if (line.startsWith("# sha256")) {
                inHashes = true;
                continue;
            }
            if (line.startsWith("#") || line.isBlank()) {
                if (line.startsWith("# agent console")) {
                    break;
                }
                continue;
            }
            if (!inHashes) {
                String[] f = line.split(" ", 4);
                String rest = f[3];
                String target = null;
                int arrow = rest.indexOf(" -> ");
                if (f[0].startsWith("l") && arrow > 0) {
                    target = rest.substring(arrow + 4);
                    rest = rest.substring(0, arrow);
                }
                String path = "/" + rest;
                FileAttributes a = fs.lstat(path);
                assertEquals(permissions(f[0]), a.permissions(), path);
                assertEquals(f[1], a.uid() + ":" + a.gid(), path);
                if (f[0].startsWith("-")) {
                    assertEquals(Long.parseLong(f[2]), a.size(), path);
                }
                if (target != null) {
                    assertEquals(target, fs.readlink(path), path);
                }
                stats++;
            } else {
                String hash = line.substring(0, 64);
                String path = "/" + line.substring(66);
                byte[] data = fs.readAllBytes(path, 16 << 20);
                assertEquals(hash, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), path);
                hashes++;
            }
        }
        assertTrue(stats > 20 && hashes > 5, variant + ": " + stats + " stat lines, " + hashes + " hashes");
    }

    /** {@code -rw-r-----} style mode to permission bits (with setuid/setgid/sticky). */
    static int permissions(String m) {
        int p = 0;
        String bits = m.substring(1);
        for (int i = 0; i < 9; i++) {
            char c = bits.charAt(i);
            if (c != '-' && c != 'S' && c != 'T') {
                p |= 1 << (8 - i);
            }
        }
        if (bits.charAt(2) == 's' || bits.charAt(2) == 'S') {
            p |= 04000;
        }
        if (bits.charAt(5) == 's' || bits.charAt(5) == 'S') {
            p |= 02000;
        }
        if (bits.charAt(8) == 't' || bits.charAt(8) == 'T') {
            p |= 01000;
        }
        return p;
    }
}
