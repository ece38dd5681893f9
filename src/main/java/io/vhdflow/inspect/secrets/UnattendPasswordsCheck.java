package io.vhdflow.inspect.secrets;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Severity;
import io.vhdflow.inspect.windows.WindowsCheck;
import io.vhdflow.inspect.windows.WindowsSystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * WS1: no password in an answer file left in the usual folders. Setup and Sysprep read
 * {@code unattend.xml} / {@code autounattend.xml} / {@code sysprep.xml} (and, on old systems,
 * {@code sysprep.inf}) from these folders, and an answer file that set the administrator password
 * or automatic logon keeps it: in plain text, or base64-encoded with {@code PlainText false}, which
 * anyone can decode. Every VM made from the image would carry it. (A custom answer file at all is
 * W5's concern; this check is about the password in it.)
 */
public final class UnattendPasswordsCheck extends WindowsCheck {
    static final List<String> FOLDERS = List.of("/", "/Windows/Panther", "/Windows/Panther/Unattend",
            "/Windows/System32/Sysprep", "/Windows/System32/Sysprep/Panther", "/Sysprep");
    static final Set<String> NAMES = Set.of("unattend.xml", "autounattend.xml", "sysprep.xml", "sysprep.inf");
    private static final long MAX_FILE = 1 << 20;

    public UnattendPasswordsCheck() {
        super("WS1", "no password in an answer file (unattend.xml, autounattend.xml, sysprep.inf)", Category.SECRETS,
                Severity.MUST, "unattend.xml, autounattend.xml, sysprep.xml, sysprep.inf in \\, \\Windows\\Panther(\\Unattend), "
                        + "\\Windows\\System32\\Sysprep(\\Panther), \\Sysprep (password lengths only)",
                "Windows unattended setup reference: UserAccounts AdministratorPassword, LocalAccount Password, "
                        + "AutoLogon Password (Value, PlainText); Microsoft-Windows-UnattendedJoin Credentials "
                        + "— docs/checks.md#ws1",
                "delete the answer files listed before sysprep (Azure supplies its own), and change the passwords they "
                        + "held: PlainText false is base64, not encryption");
    }

    /** Every answer file in the usual folders, with its attributes. */
    static List<String> answerFiles(Filesystem fs) throws IOException {
        List<String> out = new ArrayList<>();
        for (String dir : FOLDERS) {
            if (!fs.isDirectory(dir)) {
                continue;
            }
            List<DirEntry> entries = fs.list(dir);
            for (DirEntry e : entries.subList(0, Math.min(entries.size(), SecretScanner.MAX_ENTRIES))) {
                if (NAMES.contains(e.name().toLowerCase(Locale.ROOT))) {
                    out.add(SecretScanner.child(dir, e.name()));
                }
            }
        }
        return out;
    }

    @Override
    public CheckResult evaluate(WindowsSystem w) throws IOException {
        List<String> found = new ArrayList<>();
        List<String> clean = new ArrayList<>();
        for (String p : answerFiles(w.filesystem())) {
            Optional<FileAttributes> a = w.filesystem().find(p);
            if (a.isEmpty() || !a.get().isRegularFile()) {
                continue;
            }
            // An answer file is a few KiB; a larger one is read in its first MiB (passwords come early).
            byte[] content;
            try (java.io.InputStream in = w.filesystem().newInputStream(p)) {
                content = in.readNBytes((int) MAX_FILE);
            }
            List<SecretFinding> passwords = AnswerFile.passwords(p, content);
            if (passwords.isEmpty()) {
                clean.add(w.where(p) + " (" + a.get().size() + " bytes) holds no password");
            }
            passwords.forEach(f -> found.add(f.evidence(w.location())));
        }
        if (found.isEmpty()) {
            if (clean.isEmpty()) {
                clean.add("no answer file in " + String.join(", ", FOLDERS));
            }
            return pass(clean.toArray(String[]::new));
        }
        found.addAll(clean);
        return fail(found.toArray(String[]::new));
    }
}
