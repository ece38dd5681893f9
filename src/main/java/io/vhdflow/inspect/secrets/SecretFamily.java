package io.vhdflow.inspect.secrets;

/** The kinds of credential material the scan finds; each is judged by one check per operating system. */
public enum SecretFamily {
    /** PEM, PGP and PuTTY private keys, SSH identities, the agent's transport keys. */
    PRIVATE_KEY,
    /** Files of cloud CLIs and tools that hold credentials: AWS, Azure, gcloud, kubectl, docker, git, netrc, ... */
    CREDENTIAL_FILE,
    /** Passwords and keys in cloud-init user-data, seeds and configuration. */
    CLOUD_INIT,
    /** Token patterns in any text file: AWS key ids, Azure keys and SAS, GitHub, GitLab, Slack, Google keys. */
    TOKEN,
    /** Windows passwords: answer files (unattend.xml, sysprep.inf) and automatic logon in the registry. */
    WINDOWS_PASSWORD
}
