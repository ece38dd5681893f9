package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@code authorized_keys} file as found: its size and the key lines it holds (type and comment
 * only; key material is not copied into evidence).
 *
 * @param path    the file
 * @param size    its size in bytes
 * @param keys    one short description per key line: {@code "ssh-ed25519 azureuser@host"}
 */
record AuthorizedKeys(String path, long size, List<String> keys) {

    /** The key file at {@code p} when it holds at least one key line. */
    static Optional<AuthorizedKeys> read(Filesystem fs, String p, FileAttributes a) throws IOException {
        List<String> keys = new ArrayList<>();
        if (a.size() > FileReads.CONFIG_CAP) {
            keys.add("(file larger than " + FileReads.CONFIG_CAP + " bytes, not read)");
        } else {
            for (String line : fs.readString(p, FileReads.CONFIG_CAP).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    keys.add(describe(l));
                }
            }
        }
        return keys.isEmpty() ? Optional.empty() : Optional.of(new AuthorizedKeys(p, a.size(), keys));
    }

    /** Key type and comment of one line; options before the type are skipped. */
    static String describe(String line) {
        String[] f = line.split("\\s+");
        for (int i = 0; i < f.length; i++) {
            if (f[i].startsWith("ssh-") || f[i].startsWith("ecdsa-") || f[i].startsWith("sk-")) {
                String comment = i + 2 < f.length ? " " + f[i + 2] : "";
                return f[i] + comment;
            }
        }
        return "unrecognised key line";
    }

    String summary() {
        return size + " bytes, " + keys.size() + " key" + (keys.size() == 1 ? "" : "s") + ": "
                + String.join("; ", keys.stream().limit(5).toList()) + (keys.size() > 5 ? "; ..." : "");
    }
}
