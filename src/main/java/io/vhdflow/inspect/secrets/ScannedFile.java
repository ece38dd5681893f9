package io.vhdflow.inspect.secrets;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One file as the scan read it: its path, its size, the bytes read (all of it, or its first part
 * when the budget's per-file limit cut it), and whether the content is text. Text is decided by
 * content, not name: a byte-order mark makes it UTF-16 or UTF-8; otherwise a NUL byte or many
 * control bytes in the first 8 KiB make it binary.
 */
public final class ScannedFile {
    /** Bytes sniffed to tell text from binary. */
    static final int SNIFF = 8192;

    private final String path;
    private final long size;
    private final byte[] content;
    private final boolean text;
    private String decoded;
    private List<String> lines;

    ScannedFile(String path, long size, byte[] content) {
        this.path = path;
        this.size = size;
        this.content = content;
        this.text = isText(content);
    }

    /** The path in the filesystem, e.g. {@code /root/.aws/credentials}. */
    public String path() {
        return path;
    }

    /** The path in lower case with '/' separators, for name rules (Windows names are case-insensitive). */
    public String lowerPath() {
        return path.replace('\\', '/').toLowerCase(Locale.ROOT);
    }

    /** The file's name. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public long size() {
        return size;
    }

    /** The bytes read: the whole file, or its first part. */
    public byte[] content() {
        return content;
    }

    /** Whether only the first part of the file was read. */
    public boolean truncated() {
        return content.length < size;
    }

    public boolean isText() {
        return text;
    }

    /** The content as text (UTF-16 when it has that byte-order mark, else UTF-8; malformed bytes replaced). */
    public String text() {
        if (decoded == null) {
            decoded = decode(content);
        }
        return decoded;
    }

    /** The text's lines, without their line ends. */
    public List<String> lines() {
        if (lines == null) {
            lines = List.of(text().split("\r?\n", -1));
        }
        return lines;
    }

    static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Text unless the first 8 KiB hold a NUL or more than one control byte in ten (a BOM makes it text). */
    static boolean isText(byte[] b) {
        if (b.length >= 2 && (((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe)
                || ((b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff))) {
            return true;
        }
        int n = Math.min(b.length, SNIFF);
        int control = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == 0) {
                return false;
            }
            if (c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b)) {
                control++;
            }
        }
        return control * 10 <= n;
    }
}
