package io.vhdflow.inspect.secrets;

/**
 * LS2: no cloud or tool credentials: AWS, Azure CLI, gcloud, kubectl, docker, git, netrc, pgpass,
 * MySQL, npm, PyPI, and secrets in containers' environment. They are the builder's, and every VM
 * made from the image would carry them.
 */
final class LinuxCredentialFilesCheck extends LinuxSecretsCheck {

    @Override
    SecretFamily family() {
        return SecretFamily.CREDENTIAL_FILE;
    }

    @Override
    public String id() {
        return "LS2";
    }

    @Override
    public String title() {
        return "no cloud or tool credentials (.aws, .azure, gcloud, .kube, .docker, .git-credentials, .netrc, ...)";
    }

    @Override
    public String reads() {
        return "credential files of cloud CLIs and tools in /root, every home, /etc, /opt, /srv, and "
                + "/var/lib/docker/containers/*/config.v2.json (names and value lengths only)";
    }

    @Override
    public String source() {
        return "the file formats of the AWS CLI, Azure CLI (MSAL cache), gcloud, kubectl, Docker, git-credential-store, "
                + "netrc(5), libpq .pgpass, MySQL option files, npm, PyPI — docs/checks.md#ls2";
    }

    @Override
    public String remediation() {
        return "log out and delete the files listed (az logout; aws configure / rm -rf ~/.aws; gcloud auth revoke --all; "
                + "rm -f ~/.kube/config ~/.docker/config.json ~/.git-credentials ~/.netrc ~/.pgpass ~/.my.cnf ~/.npmrc "
                + "~/.pypirc), then rotate the credentials";
    }
}
