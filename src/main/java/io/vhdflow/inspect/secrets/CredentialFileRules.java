package io.vhdflow.inspect.secrets;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files of cloud CLIs and tools that hold credentials, recognised by their path and judged by their
 * content: {@code .aws/credentials} and {@code .aws/config} with keys, the Azure CLI's token caches,
 * gcloud's credential stores, {@code .kube/config} with tokens or client keys,
 * {@code .docker/config.json} with {@code auths}, {@code .git-credentials}, {@code .netrc},
 * {@code .pgpass}, {@code .my.cnf} (and Debian's {@code /etc/mysql/debian.cnf}) with a password,
 * {@code .npmrc} with a token, {@code .pypirc} with a password, and secrets in the environment of
 * Docker containers ({@code /var/lib/docker/containers/*}{@code /config.v2.json}).
 */
final class CredentialFileRules implements SecretRules {

    private static final Pattern AWS = Pattern.compile("^\\s*(aws_access_key_id|aws_secret_access_key|aws_session_token)"
            + "\\s*=\\s*(\\S+)");
    private static final Pattern KUBE = Pattern.compile("^\\s*(token|client-key-data|password|id-token|refresh-token)"
            + "\\s*:\\s*(\\S+)");
    private static final Pattern DOCKER = Pattern.compile("\"(auth|identitytoken|registrytoken)\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern GIT = Pattern.compile("^\\s*[a-z][a-z0-9+.-]*://[^:/@\\s]*:([^@\\s]+)@");
    private static final Pattern NETRC = Pattern.compile("(?:^|\\s)password\\s+(\\S+)");
    private static final Pattern INI_PASSWORD = Pattern.compile("^\\s*(password|pass)\\s*[=:]\\s*(\\S.*?)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NPM = Pattern.compile("(_authToken|_auth|_password)\\s*=\\s*(\\S+)");
    private static final Pattern ENV_SECRET = Pattern.compile(
            "\"([A-Za-z0-9_]*(?i:pass|secret|token|key|credential)[A-Za-z0-9_]*)=([^\"]+)\"");
    private static final Pattern AZURE_TOKEN_FIELD = Pattern.compile("\"(accessToken|refreshToken|refresh_token|"
            + "access_token|secret|client_secret)\"\\s*:\\s*\"([^\"]+)\"");

    /** Longer lines are tested in their first part only (configuration lines are short). */
    private static final int MAX_LINE = 16 * 1024;

    @Override
    public SecretFamily family() {
        return SecretFamily.CREDENTIAL_FILE;
    }

    @Override
    public List<Rule> rules() {
        return List.of(
                new Rule("aws-credentials", "aws_access_key_id, aws_secret_access_key or aws_session_token with a value",
                        ".aws/credentials, .aws/config"),
                new Rule("azure-token-cache", "the Azure CLI's token caches and service principal secrets; "
                        + "azureProfile.json only when it holds a token", ".azure/msal_token_cache.*, accessTokens.json, "
                        + "service_principal_entries.*, azureProfile.json"),
                new Rule("gcloud-credentials", "gcloud's credential and token stores",
                        ".config/gcloud (credentials.db, access_tokens.db, application_default_credentials.json, "
                        + "legacy_credentials/*)"),
                new Rule("kube-config", "token, client-key-data, password, id-token or refresh-token with a value",
                        ".kube/config"),
                new Rule("docker-auths", "auth, identitytoken or registrytoken in auths", ".docker/config.json"),
                new Rule("container-env-secret", "a container environment variable named like a password, secret, "
                        + "token or key, with a value", "/var/lib/docker/containers/*/config.v2.json"),
                new Rule("git-credentials", "a URL with a password", ".git-credentials"),
                new Rule("netrc", "a password entry", ".netrc, _netrc"),
                new Rule("pgpass", "a line with a password (host:port:db:user:password)", ".pgpass"),
                new Rule("mysql-password", "password= with a value", ".my.cnf, .mylogin.cnf, /etc/mysql/debian.cnf"),
                new Rule("npm-token", "_authToken=, _auth= or _password= with a value", ".npmrc"),
                new Rule("pypi-password", "password with a value", ".pypirc"));
    }

    /** The rule that owns a path, or null. */
    static String ruleOf(String p) {
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (p.endsWith("/.aws/credentials") || p.endsWith("/.aws/config")) {
            return "aws-credentials";
        }
        if (p.contains("/.azure/") && (name.startsWith("msal_token_cache") || name.equals("accesstokens.json")
                || name.startsWith("service_principal_entries") || name.equals("azureprofile.json"))) {
            return "azure-token-cache";
        }
        if ((p.contains("/.config/gcloud/") || p.contains("/appdata/roaming/gcloud/"))
                && (name.equals("credentials.db") || name.equals("access_tokens.db")
                || name.equals("application_default_credentials.json") || p.contains("/legacy_credentials/"))) {
            return "gcloud-credentials";
        }
        if (p.endsWith("/.kube/config")) {
            return "kube-config";
        }
        if (p.endsWith("/.docker/config.json")) {
            return "docker-auths";
        }
        if (p.startsWith("/var/lib/docker/containers/") && name.equals("config.v2.json")) {
            return "container-env-secret";
        }
        return switch (name) {
            case ".git-credentials" -> "git-credentials";
            case ".netrc", "_netrc" -> "netrc";
            case ".pgpass" -> "pgpass";
            case ".my.cnf", ".mylogin.cnf" -> "mysql-password";
            case ".npmrc" -> "npm-token";
            case ".pypirc" -> "pypi-password";
            default -> p.equals("/etc/mysql/debian.cnf") ? "mysql-password" : null;
        };
    }

    @Override
    public boolean owns(String lowerPath) {
        return ruleOf(lowerPath) != null;
    }

    @Override
    public void find(ScannedFile f, List<SecretFinding> out) {
        String rule = ruleOf(f.lowerPath());
        if (rule == null || f.size() == 0) {
            return;
        }
        switch (rule) {
            case "aws-credentials" -> lines(f, rule, AWS, 1, 2, out);
            case "kube-config" -> lines(f, rule, KUBE, 1, 2, out);
            case "docker-auths" -> lines(f, rule, DOCKER, 1, 2, out);
            case "container-env-secret" -> lines(f, rule, ENV_SECRET, 1, 2, out);
            case "git-credentials" -> lines(f, rule, GIT, 0, 1, out);
            case "netrc" -> lines(f, rule, NETRC, 0, 1, out);
            case "mysql-password", "pypi-password" -> lines(f, rule, INI_PASSWORD, 1, 2, out);
            case "npm-token" -> lines(f, rule, NPM, 1, 2, out);
            case "pgpass" -> pgpass(f, out);
            case "azure-token-cache" -> wholeOrFields(f, rule, "Azure CLI token cache", out);
            case "gcloud-credentials" -> wholeOrFields(f, rule, "gcloud credential store", out);
            default -> {
            }
        }
    }

    /** Each line matching {@code p}: the name from group {@code nameGroup} (0: the rule's), the value from {@code valueGroup}. */
    private void lines(ScannedFile f, String rule, Pattern p, int nameGroup, int valueGroup, List<SecretFinding> out) {
        if (!f.isText()) {
            return;
        }
        List<String> lines = f.lines();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).length() > MAX_LINE ? lines.get(i).substring(0, MAX_LINE) : lines.get(i);
            if (l.stripLeading().startsWith("#") || l.stripLeading().startsWith(";")) {
                continue;
            }
            Matcher m = p.matcher(l);
            while (m.find()) {
                String value = unquote(m.group(valueGroup));
                if (!value.isEmpty() && !value.equals("\"\"") && !value.equals("''")) {
                    String name = nameGroup == 0 ? "password" : m.group(nameGroup);
                    out.add(SecretFinding.of(rule, family(), f.path(), i + 1, name + " with a value", value));
                }
            }
        }
    }

    /** {@code host:port:database:user:password}, with {@code \:} and {@code \\} escapes. */
    private void pgpass(ScannedFile f, List<SecretFinding> out) {
        if (!f.isText()) {
            return;
        }
        List<String> lines = f.lines();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("#") || l.isBlank()) {
                continue;
            }
            String[] fields = l.split("(?<!\\\\):", 5);
            if (fields.length == 5 && !fields[4].isEmpty()) {
                out.add(SecretFinding.of("pgpass", family(), f.path(), i + 1, "password for " + fields[3] + "@" + fields[0],
                        fields[4]));
            }
        }
    }

    /** A token cache: its token fields when it is JSON text with some, else the whole (binary or encrypted) file. */
    private void wholeOrFields(ScannedFile f, String rule, String what, List<SecretFinding> out) {
        boolean profile = f.lowerPath().endsWith("/azureprofile.json");
        if (f.isText()) {
            List<String> lines = f.lines();
            int found = 0;
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = AZURE_TOKEN_FIELD.matcher(lines.get(i));
                while (m.find()) {
                    out.add(SecretFinding.of(rule, family(), f.path(), i + 1, m.group(1) + " in the " + what, m.group(2)));
                    found++;
                }
            }
            if (found > 0 || profile || f.text().isBlank() || f.text().strip().equals("{}")) {
                return;
            }
        } else if (profile || (rule.equals("gcloud-credentials") && !holdsTokenMarker(f.content()))) {
            // gcloud's SQLite stores keep their tables after 'gcloud auth revoke': only rows with tokens count.
            return;
        }
        out.add(SecretFinding.ofBytes(rule, family(), f.path(), what + (f.isText() ? "" : " (binary)"), f.content(),
                f.content().length));
    }

    private static final List<byte[]> TOKEN_MARKERS = List.of("refresh_token", "access_token", "private_key",
            "client_secret").stream().map(x -> x.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toList();

    static boolean holdsTokenMarker(byte[] b) {
        for (byte[] m : TOKEN_MARKERS) {
            outer:
            for (int i = 0; i + m.length <= b.length; i++) {
                for (int j = 0; j < m.length; j++) {
                    if (b[i + j] != m[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static String unquote(String v) {
        String s = v.strip();
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
