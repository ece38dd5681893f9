package io.vhdflow.disk.container;

import io.vhdflow.testing.Fixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Access to the fixtures made by {@code fixtures/make-vhd.sh} and the facts recorded with them. */
final class VhdFixtures {
    private VhdFixtures() {
    }

    static Path extract(String file, Path dir) {
        return Fixtures.extract("vhd/" + file + ".zst", dir);
    }

    static String text(String name) {
        return Fixtures.text("vhd/" + name).trim();
    }

    /** The virtual size qemu-img reported at creation. */
    static long qemuVirtualSize(String base) {
        Matcher m = Pattern.compile("\"virtual-size\": (\\d+)").matcher(text(base + ".qemu-info.json"));
        if (!m.find()) {
            throw new IllegalStateException("no virtual-size in " + base);
        }
        return Long.parseLong(m.group(1));
    }

    /** The data ranges written by the script, one "offset length" per line. */
    static List<ByteRange> ranges(String name) {
        List<ByteRange> out = new ArrayList<>();
        for (String line : text(name).split("\n")) {
            String[] p = line.trim().split(" ");
            out.add(new ByteRange(Long.parseLong(p[0]), Long.parseLong(p[1])));
        }
        return out;
    }

    static String sha256(ByteSource src) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < src.size()) {
                buf.clear();
                int n = src.read(pos, buf);
                if (n <= 0) {
                    throw new IllegalStateException("short read at " + pos);
                }
                md.update(buf.array(), 0, n);
                pos += n;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
