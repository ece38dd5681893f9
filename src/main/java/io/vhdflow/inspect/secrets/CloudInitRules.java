package io.vhdflow.inspect.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passwords and keys in cloud-init's data: the user-data of every instance it ran
 * ({@code /var/lib/cloud/instances/*}{@code /user-data.txt}), its seeds ({@code /var/lib/cloud/seed/*}),
 * the Azure provisioning data it keeps ({@code seed/azure/ovf-env.xml}, whose {@code UserPassword} is
 * the admin password given at VM creation) and its configuration ({@code /etc/cloud/cloud.cfg},
 * {@code cloud.cfg.d/*.cfg}). A password is {@code passwd}, {@code plain_text_passwd},
 * {@code hashed_passwd} or {@code password} with a value, or a {@code user:password} entry of a
 * {@code chpasswd} list ({@code RANDOM} and {@code R} are not passwords); a key is a PEM private key
 * block (e.g. {@code ssh_keys: rsa_private}).
 */
final class CloudInitRules implements SecretRules {
    static final String PASSWORD = "cloud-init-password";
    static final String KEY = "cloud-init-key";

    private static final Pattern KEY_VALUE = Pattern.compile(
            "^\\s*(?:-\\s*)?(passwd|plain_text_passwd|hashed_passwd|password)\\s*:\\s*(\\S.*?)\\s*$");
    private static final Pattern CHPASSWD = Pattern.compile("^(\\s*)chpasswd\\s*:");
    private static final Pattern USER_PASSWORD = Pattern.compile("^\\s*(?:-\\s*)?['\"]?([A-Za-z0-9_.][A-Za-z0-9_.-]*):(\\S+?)['\"]?\\s*$");
    private static final Pattern OVF_PASSWORD = Pattern.compile("<(?:\\w+:)?UserPassword>([^<]+)</");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ((RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----");

    /** Longer lines are tested in their first part only (configuration lines are short). */
    private static final int MAX_LINE = 16 * 1024;

    @Override
    public SecretFamily family() {
        return SecretFamily.CLOUD_INIT;
    }

    @Override
    public List<Rule> rules() {
        return List.of(
                new Rule(PASSWORD, "passwd, plain_text_passwd, hashed_passwd or password with a value; user:password "
                        + "in a chpasswd list; UserPassword in the Azure provisioning data",
                        "/var/lib/cloud/instances/*/user-data.txt*, /var/lib/cloud/seed/*/*, /etc/cloud/cloud.cfg, "
                        + "/etc/cloud/cloud.cfg.d/*.cfg"),
                new Rule(KEY, "a PEM private key block (e.g. ssh_keys: rsa_private)", "the same files"));
    }

    @Override
    public boolean owns(String p) {
        String name = p.substring(p.lastIndexOf('/') + 1);
        return (p.startsWith("/var/lib/cloud/instances/") && (name.startsWith("user-data.txt")
                || name.startsWith("vendor-data.txt")))
                || (p.startsWith("/var/lib/cloud/seed/") && !name.equals("meta-data"))
                || p.equals("/etc/cloud/cloud.cfg")
                || (p.startsWith("/etc/cloud/cloud.cfg.d/") && name.endsWith(".cfg"));
    }

    @Override
    public void find(ScannedFile f, List<SecretFinding> out) {
        if (!owns(f.lowerPath()) || !f.isText()) {
            return;
        }
        List<String> lines = f.lines();
        int chpasswdIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).length() > MAX_LINE ? lines.get(i).substring(0, MAX_LINE) : lines.get(i);
            if (l.stripLeading().startsWith("#")) {
                continue;
            }
            int indent = l.length() - l.stripLeading().length();
            if (chpasswdIndent >= 0 && !l.isBlank() && indent <= chpasswdIndent) {
                chpasswdIndent = -1;
            }
            Matcher c = CHPASSWD.matcher(l);
            if (c.find()) {
                chpasswdIndent = c.group(1).length();
                continue;
            }
            Matcher kv = KEY_VALUE.matcher(l);
            if (kv.find() && isPassword(kv.group(2))) {
                out.add(SecretFinding.of(PASSWORD, family(), f.path(), i + 1, kv.group(1) + " with a value",
                        unquote(kv.group(2))));
                continue;
            }
            if (chpasswdIndent >= 0) {
                Matcher up = USER_PASSWORD.matcher(l);
                if (up.find() && isPassword(up.group(2)) && !up.group(1).equals("type")) {
                    out.add(SecretFinding.of(PASSWORD, family(), f.path(), i + 1, "chpasswd entry for " + up.group(1),
                            up.group(2)));
                    continue;
                }
            }
            Matcher ovf = OVF_PASSWORD.matcher(l);
            if (ovf.find()) {
                out.add(SecretFinding.of(PASSWORD, family(), f.path(), i + 1, "UserPassword of the Azure provisioning data",
                        ovf.group(1)));
                continue;
            }
            Matcher pem = PEM.matcher(l);
            if (pem.find()) {
                List<String> block = new ArrayList<>();
                int j = i;
                for (; j < lines.size() && j < i + 2000; j++) {
                    block.add(lines.get(j).strip());
                    if (lines.get(j).contains("-----END ")) {
                        break;
                    }
                }
                out.add(SecretFinding.of(KEY, family(), f.path(), i + 1, pem.group(1).replace(" PRIVATE KEY", "")
                        .replace("PRIVATE KEY", "PKCS#8") + " private key block", String.join("\n", block)));
                i = j;
            }
        }
    }

    private static boolean isPassword(String raw) {
        String v = unquote(raw.strip());
        return !v.isEmpty() && !v.equals("RANDOM") && !v.equals("R") && !v.equals("|") && !v.equals(">")
                && !v.equals("null") && !v.equals("~") && !v.startsWith("!") && !v.equals("*");
    }

    private static String unquote(String s) {
        String v = s.strip();
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
