package io.vhdflow.inspect.secrets;

/**
 * LS4: no access tokens or keys in text files: AWS access key ids, Azure storage keys and SAS
 * signatures, GitHub, GitLab and Slack tokens, Google API keys, passwords in {@code .env} files. A
 * file another family owns (e.g. {@code .aws/credentials}) is judged there, not twice.
 */
final class LinuxTokensCheck extends LinuxSecretsCheck {

    @Override
    SecretFamily family() {
        return SecretFamily.TOKEN;
    }

    @Override
    public String id() {
        return "LS4";
    }

    @Override
    public String title() {
        return "no access tokens or keys in text files (AWS, Azure, GitHub, GitLab, Slack, Google, .env)";
    }

    @Override
    public String reads() {
        return "every text file of the secrets scan (binary files skipped by content), line by line";
    }

    @Override
    public String source() {
        return "the token formats published by AWS (access key ids), Azure Storage (connection strings, SAS), GitHub, "
                + "GitLab, Slack and Google — docs/checks.md#ls4";
    }

    @Override
    public String remediation() {
        return "remove the tokens from the files listed (or the files), and revoke them with their issuer";
    }
}
