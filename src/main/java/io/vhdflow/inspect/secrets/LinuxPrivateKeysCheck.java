package io.vhdflow.inspect.secrets;

/**
 * LS1: no private key is left in the image (PEM, PGP, PuTTY, SSH identities, the agent's keys).
 * Every VM made from it would hold the key: whoever has the image or any VM can use it wherever it
 * is trusted. SSH host keys are L5's; the agent's keys go with its provisioning state (L1) while
 * that state is there.
 */
final class LinuxPrivateKeysCheck extends LinuxSecretsCheck {

    @Override
    SecretFamily family() {
        return SecretFamily.PRIVATE_KEY;
    }

    @Override
    public String id() {
        return "LS1";
    }

    @Override
    public String title() {
        return "no private keys (PEM, PGP, PuTTY, SSH identities, agent keys)";
    }

    @Override
    public String reads() {
        return "the secrets scan of /root, every home, /var/lib/cloud, /etc, /var/lib/waagent, /srv, /opt "
                + "(host keys in /etc/ssh excluded)";
    }

    @Override
    public String source() {
        return "RFC 7468 (PEM labels), RFC 4880 (armored PGP keys), OpenSSH PROTOCOL.key, PuTTY key format; "
                + "WALinuxAgent deprovision removes /var/lib/waagent — docs/checks.md#ls1";
    }

    @Override
    public String remediation() {
        return "delete the keys listed (e.g. rm -f ~/.ssh/id_*; keep only *.pub), rotate them where they were trusted, "
                + "and run sudo waagent -deprovision+user -force for the agent's keys";
    }
}
