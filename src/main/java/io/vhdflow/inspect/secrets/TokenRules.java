package io.vhdflow.inspect.secrets;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token patterns in any scanned text file that no other family owns: AWS access key ids, Azure
 * storage account keys in connection strings, Azure SAS signatures, GitHub, GitLab and Slack tokens,
 * Google API keys, and passwords in {@code .env} files. Each pattern has a fixed prefix, so a line
 * is tested only when it holds one.
 */
final class TokenRules implements SecretRules {

    /**
     * One token pattern: the rule, what it finds, fixed strings of which the line must hold one
     * ({@code anyOf}) and all of {@code allOf} (cheap tests before the pattern), the pattern (no
     * look-around: linear on long lines), and the group holding the value.
     */
    record Token(String rule, String what, List<String> anyOf, List<String> allOf, Pattern pattern, int group) {
        Token(String rule, String what, List<String> anyOf, Pattern pattern, int group) {
            this(rule, what, anyOf, List.of(), pattern, group);
        }

        boolean mayMatch(String line) {
            boolean any = false;
            for (String n : anyOf) {
                if (line.contains(n)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
            for (String n : allOf) {
                if (!line.contains(n)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Longer lines (minified scripts, data) are tested in their first part only. */
    static final int MAX_LINE = 64 * 1024;

    static final List<Token> TOKENS = List.of(
            new Token("aws-access-key-id", "AWS access key id", List.of("AKIA", "ASIA"),
                    Pattern.compile("\\b((?:AKIA|ASIA)[0-9A-Z]{16})\\b"), 1),
            new Token("azure-storage-key", "Azure storage account key in a connection string", List.of("AccountKey="),
                    Pattern.compile("AccountKey=([A-Za-z0-9+/]{40,}={0,2})"), 1),
            new Token("azure-sas-token", "Azure shared access signature", List.of("sig="), List.of("sv="),
                    Pattern.compile("\\bsig=([A-Za-z0-9%+/=]{20,})"), 1),
            new Token("github-token", "GitHub token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
                    Pattern.compile("\\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\\b"), 1),
            new Token("github-token", "GitHub fine-grained token", List.of("github_pat_"),
                    Pattern.compile("\\b(github_pat_[A-Za-z0-9_]{22,})"), 1),
            new Token("gitlab-token", "GitLab personal access token", List.of("glpat-"),
                    Pattern.compile("\\b(glpat-[A-Za-z0-9_-]{20,})"), 1),
            new Token("slack-token", "Slack token", List.of("xoxa-", "xoxb-", "xoxp-", "xoxr-"),
                    Pattern.compile("\\b(xox[abpr]-[A-Za-z0-9-]{10,})"), 1),
            new Token("google-api-key", "Google API key", List.of("AIza"),
                    Pattern.compile("\\b(AIza[0-9A-Za-z_-]{35})"), 1));

    private static final Pattern ENV_PASSWORD = Pattern.compile(
            "^\\s*(?:export\\s+)?([A-Za-z0-9_]*(?i:password|passwd|pwd|secret|token)[A-Za-z0-9_]*)\\s*=\\s*(\\S.*?)\\s*$");

    @Override
    public SecretFamily family() {
        return SecretFamily.TOKEN;
    }

    @Override
    public List<Rule> rules() {
        return List.of(
                new Rule("aws-access-key-id", "AKIA or ASIA followed by 16 upper-case letters or digits", "any scanned text file"),
                new Rule("azure-storage-key", "AccountKey= followed by a base64 key (storage connection strings)",
                        "any scanned text file"),
                new Rule("azure-sas-token", "sig= with sv= on the same line (a SAS URL or token)", "any scanned text file"),
                new Rule("github-token", "ghp_, gho_, ghu_, ghs_, ghr_ + 36 characters, or github_pat_", "any scanned text file"),
                new Rule("gitlab-token", "glpat- + 20 or more characters", "any scanned text file"),
                new Rule("slack-token", "xoxa-, xoxb-, xoxp-, xoxr- tokens", "any scanned text file"),
                new Rule("google-api-key", "AIza + 35 characters", "any scanned text file"),
                new Rule("env-password", "NAME=value where NAME holds PASSWORD, PASSWD, PWD, SECRET or TOKEN",
                        ".env files (.env, *.env, .env.*)"));
    }

    @Override
    public boolean owns(String lowerPath) {
        return false;
    }

    static boolean isEnvFile(String name) {
        return name.equals(".env") || name.endsWith(".env") || name.startsWith(".env.");
    }

    @Override
    public void find(ScannedFile f, List<SecretFinding> out) {
        if (!f.isText()) {
            return;
        }
        boolean env = isEnvFile(f.name());
        // Most files hold none of the fixed strings: one search of the whole text each, then no line work.
        String text = f.text();
        List<Token> possible = new java.util.ArrayList<>();
        for (Token t : TOKENS) {
            for (String n : t.anyOf()) {
                if (text.contains(n)) {
                    possible.add(t);
                    break;
                }
            }
        }
        if (possible.isEmpty() && !env) {
            return;
        }
        List<String> lines = f.lines();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).length() > MAX_LINE ? lines.get(i).substring(0, MAX_LINE) : lines.get(i);
            for (Token t : possible) {
                if (!t.mayMatch(l)) {
                    continue;
                }
                Matcher m = t.pattern().matcher(l);
                while (m.find()) {
                    out.add(SecretFinding.of(t.rule(), family(), f.path(), i + 1, t.what(), m.group(t.group())));
                }
            }
            if (env && l.length() <= 4096 && !l.stripLeading().startsWith("#")) {
                Matcher m = ENV_PASSWORD.matcher(l);
                if (m.find()) {
                    String v = m.group(2);
                    if (!v.equals("\"\"") && !v.equals("''")) {
                        out.add(SecretFinding.of("env-password", family(), f.path(), i + 1, m.group(1) + " with a value", v));
                    }
                }
            }
        }
    }
}
