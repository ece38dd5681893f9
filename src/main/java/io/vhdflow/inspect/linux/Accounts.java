package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The account database as the checks need it: {@code /etc/passwd}, {@code /etc/shadow},
 * {@code /etc/login.defs}, and the home directories to look into.
 *
 * @param passwd    passwd entries (empty when the file is absent)
 * @param shadow    shadow entries (empty when absent)
 * @param loginDefs UID range for ordinary accounts
 * @param uidSource where UID_MIN came from, for evidence
 */
record Accounts(List<PasswdEntry> passwd, List<ShadowEntry> shadow, LoginDefs loginDefs, String uidSource) {

    static Accounts load(Filesystem fs) throws IOException {
        List<PasswdEntry> pw = FileReads.text(fs, "/etc/passwd", FileReads.CONFIG_CAP)
                .map(PasswdEntry::parseAll).orElse(List.of());
        List<ShadowEntry> sh = FileReads.text(fs, "/etc/shadow", FileReads.CONFIG_CAP)
                .map(ShadowEntry::parseAll).orElse(List.of());
        Optional<String> defs = FileReads.text(fs, "/etc/login.defs", FileReads.CONFIG_CAP);
        LoginDefs ld = defs.map(LoginDefs::parse).orElse(LoginDefs.DEFAULTS);
        String src = defs.isPresent() ? "/etc/login.defs UID_MIN " + ld.uidMin() : "default UID_MIN 1000 (no /etc/login.defs)";
        return new Accounts(pw, sh, ld, src);
    }

    /** Login shells that refuse a login: the account has no interactive session whatever its password or keys. */
    static boolean refusesLogin(String shell) {
        String s = shell.strip();
        return s.endsWith("/nologin") || s.endsWith("/false") || s.equals("/bin/sync") || s.endsWith("/shutdown")
                || s.endsWith("/halt");
    }

    /** The account named {@code name}, when /etc/passwd has it. */
    Optional<PasswdEntry> account(String name) {
        return passwd.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Every account whose home directory exists (not {@code /} or {@code /nonexistent}), root
     * first, then every directory under {@code /home} that no account names: each pairs a home with
     * the account it belongs to, when one does.
     */
    java.util.Map<String, Optional<PasswdEntry>> everyHome(Filesystem fs) throws IOException {
        java.util.Map<String, Optional<PasswdEntry>> out = new java.util.LinkedHashMap<>();
        out.put("/root", account("root"));
        for (PasswdEntry p : passwd) {
            String h = p.home().endsWith("/") && p.home().length() > 1 ? p.home().substring(0, p.home().length() - 1)
                    : p.home();
            if (h.startsWith("/") && h.length() > 1 && h.length() < 512 && !h.equals("/nonexistent")
                    && !out.containsKey(h) && out.size() < PasswdEntry.MAX_LINES && fs.isDirectory(h)) {
                out.put(h, Optional.of(p));
            }
        }
        for (DirEntry e : FileReads.list(fs, "/home")) {
            String h = "/home/" + e.name();
            if (!out.containsKey(h) && fs.isDirectory(h)) {
                out.put(h, Optional.empty());
            }
        }
        if (!fs.isDirectory("/root")) {
            out.remove("/root");
        }
        return out;
    }

    /** Ordinary (human) accounts: UID_MIN ≤ uid ≤ UID_MAX, excluding {@code nobody}. */
    List<PasswdEntry> humans() {
        return passwd.stream().filter(p -> p.uid() >= loginDefs.uidMin() && p.uid() <= loginDefs.uidMax()
                && !p.name().equals("nobody")).toList();
    }

    /**
     * Home directories worth looking into: root's, every account's home that exists (excluding
     * {@code /} and {@code /nonexistent}), and every directory under {@code /home} (a deleted
     * account's home may outlive it).
     */
    Set<String> homes(Filesystem fs) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        out.add("/root");
        for (PasswdEntry p : passwd) {
            String h = p.home();
            if (h.startsWith("/") && h.length() > 1 && !h.equals("/nonexistent") && h.length() < 512
                    && (p.uid() == 0 || p.uid() >= loginDefs.uidMin())) {
                out.add(h.endsWith("/") ? h.substring(0, h.length() - 1) : h);
            }
        }
        List<String> under = new ArrayList<>();
        for (DirEntry e : FileReads.list(fs, "/home")) {
            under.add("/home/" + e.name());
        }
        out.addAll(under);
        Set<String> existing = new LinkedHashSet<>();
        for (String h : out) {
            if (fs.isDirectory(h)) {
                existing.add(h);
            }
        }
        return existing;
    }
}
