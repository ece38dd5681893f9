package io.vhdflow.inspect.linux;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.inspect.Category;
import io.vhdflow.inspect.CheckResult;
import io.vhdflow.inspect.Policy;
import io.vhdflow.inspect.Severity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * L28 (SUSE family): no repository credentials. Registering a SUSE system (SUSEConnect, or
 * registercloudguest against the cloud's update servers) writes the system's SCC or RMT login to
 * {@code /etc/zypp/credentials.d/} ({@code SCCcredentials} and one file per service), and a
 * repository URL may carry a password; every VM made from the image would hold them. Evidence never
 * shows a value: the rule, where, what, its length and the first 12 hex digits of its SHA-256.
 */
final class ZyppCredentialsCheck implements FamilyRule {

    static final String DIR = "/etc/zypp/credentials.d";
    static final String REPOS = "/etc/zypp/repos.d";
    private static final Pattern PASSWORD = Pattern.compile("^\\s*password\\s*=\\s*(\\S.*?)\\s*$");
    private static final Pattern URL_PASSWORD = Pattern.compile("^\\s*baseurl\\s*=\\s*[a-z][a-z0-9+.-]*://[^:/@\\s]*:([^@\\s]+)@");
    /** SHA-256 hex digits shown: enough to tell two findings apart or match a known secret, not to recover it. */
    static final int PREFIX_HEX = 12;

    @Override
    public String id() {
        return "L28";
    }

    @Override
    public String title() {
        return "no SUSE repository credentials (zypp credentials.d, passwords in repository URLs)";
    }

    @Override
    public Set<LinuxFamily> families() {
        return Set.of(LinuxFamily.SUSE);
    }

    @Override
    public Category category() {
        return Category.SECRETS;
    }

    @Override
    public Severity severity(Policy policy) {
        return Severity.MUST; // secrets block under every policy: the registration login would be in every VM
    }

    @Override
    public String reads() {
        return DIR + "/* (password=), " + REPOS + "/*.repo (baseurl with user:password@)";
    }

    @Override
    public String source() {
        return "SUSEConnect and libzypp credentials files (zypper(8) 'credentials.d'); Azure 'Prepare a SLES VM' "
                + "(de-register before capture: SUSEConnect -d, registercloudguest --clean); Azure Marketplace certification FAQ — docs/checks.md#l28";
    }

    @Override
    public String remediation() {
        return "in the source VM: SUSEConnect -d (BYOS) or registercloudguest --clean (PAYG), then rm -f " + DIR
                + "/* and remove passwords from repository URLs";
    }

    @Override
    public CheckResult run(LinuxContext ctx) throws IOException {
        Optional<CheckResult> na = outsideFamilies(ctx);
        if (na.isPresent()) {
            return na.get();
        }
        List<String> failing = new ArrayList<>();
        for (DirEntry e : FileReads.list(ctx.fs(), DIR)) {
            String p = DIR + "/" + e.name();
            scan(ctx, p, PASSWORD, "zypp-credentials", "password", failing);
        }
        for (DirEntry e : FileReads.list(ctx.fs(), REPOS)) {
            if (e.name().endsWith(".repo")) {
                scan(ctx, REPOS + "/" + e.name(), URL_PASSWORD, "zypp-repo-password", "password in baseurl", failing);
            }
        }
        if (failing.isEmpty()) {
            return pass(ctx, List.of("no password in " + ctx.at(DIR) + " or " + ctx.at(REPOS + "/*.repo")));
        }
        return fail(ctx, failing);
    }

    private static void scan(LinuxContext ctx, String path, Pattern p, String rule, String what, List<String> out)
            throws IOException {
        Optional<String> text = FileReads.text(ctx.fs(), path, FileReads.CONFIG_CAP);
        if (text.isEmpty()) {
            return;
        }
        String[] lines = text.get().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = p.matcher(lines[i]);
            if (m.find()) {
                String value = m.group(1);
                out.add(rule + ": " + ctx.at(path) + " line " + (i + 1) + ": " + what + " (" + value.length()
                        + (value.length() == 1 ? " character" : " characters") + ", sha256 " + prefix(value) + ")");
            }
        }
    }

    static String prefix(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8))).substring(0, PREFIX_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
