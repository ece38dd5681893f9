package io.vhdflow.inspect.secrets;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private keys: PEM blocks ({@code RSA}, {@code EC}, {@code DSA}, {@code OPENSSH}, {@code ENCRYPTED}
 * and PKCS#8 {@code PRIVATE KEY}), PGP private key blocks, PuTTY {@code .ppk} files, SSH identities
 * ({@code .ssh/id_*} without {@code .pub}) in a format none of those match, and the Azure agent's
 * transport and certificate keys ({@code /var/lib/waagent/*.prv}, {@code TransportPrivate.pem}).
 * Debian's {@code ssl-cert} snakeoil key warns: it is generated at install, self-signed, and meant to
 * be regenerated.
 */
final class PrivateKeyRules implements SecretRules {
    static final String PEM = "pem-private-key";
    static final String PGP = "pgp-private-key";
    static final String PUTTY = "putty-private-key";
    static final String IDENTITY = "ssh-identity";
    static final String WAAGENT = "waagent-private-key";

    private static final Pattern BEGIN = Pattern.compile(
            "-----BEGIN ((RSA |EC |DSA |OPENSSH |ENCRYPTED |ANY )?PRIVATE KEY|PGP PRIVATE KEY BLOCK)-----");
    /** Lines a PEM block may span: 64-character lines of a 16 kbit RSA key are ~200. */
    private static final int MAX_BLOCK_LINES = 2000;
    static final String SNAKEOIL = "/etc/ssl/private/ssl-cert-snakeoil.key";

    @Override
    public SecretFamily family() {
        return SecretFamily.PRIVATE_KEY;
    }

    @Override
    public List<Rule> rules() {
        return List.of(
                new Rule(PEM, "a PEM private key block: RSA, EC, DSA, OPENSSH, ENCRYPTED or PKCS#8 PRIVATE KEY "
                        + "(Debian's ssl-cert snakeoil key warns)", "any scanned text file"),
                new Rule(PGP, "an armored PGP PRIVATE KEY BLOCK", "any scanned text file"),
                new Rule(PUTTY, "a PuTTY private key (PuTTY-User-Key-File-*)", "any scanned file"),
                new Rule(IDENTITY, "an SSH identity in no format above", ".ssh/id_* without .pub"),
                new Rule(WAAGENT, "the Azure Linux Agent's transport or certificate private key, left after its "
                        + "provisioning state was removed", "/var/lib/waagent (*.prv, TransportPrivate.pem, Certificates.pem)"));
    }

    @Override
    public boolean owns(String lowerPath) {
        return isIdentity(lowerPath) || lowerPath.endsWith(".ppk") || lowerPath.endsWith(".prv");
    }

    private static boolean isIdentity(String lowerPath) {
        int slash = lowerPath.lastIndexOf('/');
        String name = lowerPath.substring(slash + 1);
        return lowerPath.substring(0, Math.max(0, slash)).endsWith("/.ssh") && name.startsWith("id_")
                && !name.endsWith(".pub");
    }

    @Override
    public void find(ScannedFile f, List<SecretFinding> out) {
        int before = out.size();
        if (f.isText() && (f.text().startsWith("PuTTY-User-Key-File-") || f.text().contains("-----BEGIN "))) {
            List<String> lines = f.lines();
            if (!lines.isEmpty() && lines.get(0).startsWith("PuTTY-User-Key-File-")) {
                String[] header = lines.get(0).substring("PuTTY-User-Key-File-".length()).split(":", 2);
                out.add(SecretFinding.of(PUTTY, family(), f.path(), 1, "PuTTY private key (format " + header[0].strip()
                        + (header.length == 2 ? ", " + header[1].strip() : "") + ")", f.text()));
                return;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).contains("-----BEGIN ")) {
                    continue;
                }
                Matcher m = BEGIN.matcher(lines.get(i));
                if (!m.find()) {
                    continue;
                }
                String kind = m.group(1);
                StringBuilder block = new StringBuilder(lines.get(i)).append('\n');
                int end = i;
                String endMarker = "-----END " + kind + "-----";
                for (int j = i + 1; j < lines.size() && j <= i + MAX_BLOCK_LINES; j++) {
                    block.append(lines.get(j)).append('\n');
                    end = j;
                    if (lines.get(j).contains(endMarker)) {
                        break;
                    }
                }
                boolean encrypted = kind.startsWith("ENCRYPTED") || block.indexOf("Proc-Type: 4,ENCRYPTED") >= 0;
                String what = (kind.startsWith("PGP") ? "PGP private key block"
                        : (kind.equals("PRIVATE KEY") ? "PKCS#8" : kind.replace(" PRIVATE KEY", "")) + " private key block")
                        + (encrypted ? ", encrypted with a passphrase (still a key to every VM)" : "");
                SecretFinding finding = SecretFinding.of(rule(f, kind), family(), f.path(), i + 1, what, block.toString());
                out.add(f.path().equals(SNAKEOIL)
                        ? finding.asWarning("ssl-cert's self-signed snakeoil key, made at install: regenerate it per VM "
                        + "with make-ssl-cert generate-default-snakeoil --force-overwrite")
                        : finding);
                i = end;
            }
        }
        if (out.size() == before && isIdentity(f.lowerPath()) && f.size() > 0) {
            out.add(SecretFinding.ofBytes(IDENTITY, family(), f.path(), "SSH identity file in an unrecognised format",
                    f.content(), f.content().length));
        }
    }

    private static String rule(ScannedFile f, String kind) {
        if (kind.startsWith("PGP")) {
            return PGP;
        }
        return f.lowerPath().startsWith("/var/lib/waagent/") ? WAAGENT : PEM;
    }
}
