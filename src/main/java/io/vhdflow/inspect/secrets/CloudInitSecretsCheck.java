package io.vhdflow.inspect.secrets;

/**
 * LS3: cloud-init's user-data, seeds and configuration hold no password or private key. cloud-init
 * keeps every instance's user-data ({@code cloud-init clean} removes it), and passwords given with
 * {@code chpasswd} or {@code passwd} stay readable there after the VM was set up.
 */
final class CloudInitSecretsCheck extends LinuxSecretsCheck {

    @Override
    SecretFamily family() {
        return SecretFamily.CLOUD_INIT;
    }

    @Override
    public String id() {
        return "LS3";
    }

    @Override
    public String title() {
        return "no passwords or keys in cloud-init user-data, seeds or configuration";
    }

    @Override
    public String reads() {
        return "/var/lib/cloud/instances/*/user-data.txt*, vendor-data.txt*, /var/lib/cloud/seed/*, "
                + "/etc/cloud/cloud.cfg and cloud.cfg.d/*.cfg";
    }

    @Override
    public String source() {
        return "cloud-init documentation (cc_set_passwords chpasswd, users passwd/plain_text_passwd/hashed_passwd, "
                + "cc_ssh ssh_keys), cloud-init clean — docs/checks.md#ls3";
    }

    @Override
    public String remediation() {
        return "sudo cloud-init clean --logs --seed (removes instance data and seeds), remove passwords from "
                + "/etc/cloud/cloud.cfg.d, and change the passwords that were given";
    }
}
